// bch-daemon: Bitcart's BCH wallet daemon on coinkit's wallet engine under Electron Cash's rules
// (CashAddr, FORKID signatures, Electron Cash's methods and request objects), following an
// Electrum server; docs/wallet.md lists what it reads from the environment.
//   BCH_NETWORK=regtest BCH_SERVER=127.0.0.1:60401:t ./bch-daemon
//   curl -u electrum:electrumz -d '{"id":1,"method":"getbalance","params":{"xpub":"tpub..."}}' http://127.0.0.1:5004/
#include <coinkit/programs.hpp>

int main() { return coinkit::run<coinkit::Daemon<coinkit::BchPolicy, coinkit::ElectronCashWallet>>(); }
