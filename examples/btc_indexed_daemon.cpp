// The BTC wallet daemon on its own index: coinkit's Electrum server and Bitcart's daemon API in
// one process, the daemon reading the index directly (no Electrum protocol between them).
//   DAEMON_URL=http://user:pass@127.0.0.1:PORT DB_DIRECTORY=./db BTC_PORT=5000 ./btc-indexed-daemon
#include <coinkit/programs.hpp>

int main() { return coinkit::run<coinkit::IndexedDaemon<coinkit::BtcPolicy>>(); }
