// Declarations of the wallet daemon's types, for a program that only names them (with
// COINKIT_SEPARATE_COMPILATION, coinkit::run of the shipped daemons comes compiled).
#pragma once

#include <coinkit/wallet/wallet_fwd.hpp>

namespace coinkit::wallet {
class ElectrumSource;
}  // namespace coinkit::wallet

namespace coinkit {
// The mission's names: coinkit::Daemon<coinkit::BtcPolicy>, whose wallets are Electrum's,
// following an Electrum server (wallet::InProcessSource: the index of a server in the program);
// coinkit::Daemon<coinkit::BchPolicy, coinkit::ElectronCashWallet>, Electron Cash's.
template <class Coin, template <class> class Wallet = wallet::ElectrumWallet, class Source = wallet::ElectrumSource>
class Daemon;
// A daemon and the Electrum server whose index it reads, in one program.
template <class Coin, template <class> class Wallet = wallet::ElectrumWallet>
class IndexedDaemon;
using wallet::ElectronCashWallet;
using wallet::ElectrumWallet;
}  // namespace coinkit
