// btc-daemon: Bitcart's BTC wallet daemon on coinkit's wallet engine, following an Electrum
// server; docs/wallet.md lists what it reads from the environment.
//   BTC_NETWORK=regtest BTC_SERVER=127.0.0.1:50001:t ./btc-daemon
//   curl -u electrum:electrumz -d '{"id":1,"method":"getbalance","params":{"xpub":"vpub..."}}' http://127.0.0.1:5000/
#include <coinkit/programs.hpp>

int main() { return coinkit::run<coinkit::Daemon<coinkit::BtcPolicy>>(); }
