// An Electrum server for Litecoin, configured from the environment as ElectrumX is:
//   DAEMON_URL=http://user:pass@127.0.0.1:PORT DB_DIRECTORY=./db SERVICES=tcp://:50001,rpc:// ./electrum-server-ltc
// docs/electrum-server.md lists every variable.
#include <coinkit/programs.hpp>

int main() { return coinkit::run<coinkit::ElectrumServer<coinkit::LtcPolicy, coinkit::LmdbStorage>>(); }
