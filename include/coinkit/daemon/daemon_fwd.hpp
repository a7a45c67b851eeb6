// Declarations of the wallet daemon's types, for a program that only names them (with
// COINKIT_SEPARATE_COMPILATION, coinkit::run of the shipped daemons comes compiled).
#pragma once

namespace coinkit::wallet {
template <class Coin>
class ElectrumWallet;
class ElectrumSource;
}  // namespace coinkit::wallet

namespace coinkit {
// The mission's names: coinkit::Daemon<coinkit::BtcPolicy>, whose wallets are Electrum's,
// following an Electrum server (wallet::InProcessSource: the index of a server in the program).
template <class Coin, template <class> class Wallet = wallet::ElectrumWallet, class Source = wallet::ElectrumSource>
class Daemon;
using wallet::ElectrumWallet;
}  // namespace coinkit
