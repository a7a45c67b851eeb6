// ltc-daemon: Bitcart's LTC wallet daemon on coinkit's wallet engine, following an Electrum
// server; docs/wallet.md lists what it reads from the environment.
//   LTC_NETWORK=regtest LTC_SERVER=127.0.0.1:50001:t ./ltc-daemon
//   curl -u electrum:electrumz -d '{"id":1,"method":"getbalance","params":{"xpub":"vpub..."}}' http://127.0.0.1:5001/
#include <coinkit/programs.hpp>

int main() { return coinkit::run<coinkit::Daemon<coinkit::LtcPolicy>>(); }
