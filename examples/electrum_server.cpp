// An Electrum server for Bitcoin, configured from the environment as ElectrumX is:
//   DAEMON_URL=http://user:pass@127.0.0.1:PORT DB_DIRECTORY=./db SERVICES=tcp://:50001,rpc:// ./electrum-server
// docs/electrum-server.md lists every variable.
#include <coinkit/coins/btc.hpp>
#include <coinkit/electrum/run_server.hpp>

int main(int argc, char** argv) { return coinkit::electrum::run_server<coinkit::BtcPolicy>(argc, argv); }
