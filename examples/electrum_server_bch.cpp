// An Electrum server for Bitcoin Cash, configured from the environment as ElectrumX is:
//   DAEMON_URL=http://user:pass@127.0.0.1:PORT DB_DIRECTORY=./db SERVICES=tcp://:50001,rpc:// ./electrum-server-bch
// docs/electrum-server.md lists every variable.
#include <coinkit/coins/bch.hpp>
#include <coinkit/electrum/run_server.hpp>

int main(int argc, char** argv) { return coinkit::electrum::run_server<coinkit::BchPolicy>(argc, argv); }
