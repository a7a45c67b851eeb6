// An Electrum server for Litecoin, configured from the environment as ElectrumX is:
//   DAEMON_URL=http://user:pass@127.0.0.1:PORT DB_DIRECTORY=./db SERVICES=tcp://:50001,rpc:// ./electrum-server-ltc
// docs/electrum-server.md lists every variable.
#include <coinkit/coins/ltc.hpp>
#include <coinkit/electrum/server.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/program/run.hpp>

int main() { return coinkit::run<coinkit::ElectrumServer<coinkit::LtcPolicy, coinkit::LmdbStorage>>(); }
