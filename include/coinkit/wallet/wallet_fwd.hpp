// The wallet engine's names, for code that only names them: BasicWallet<Coin, Rules> and the two
// families of rules, ElectrumWallet<Coin> (wallet/electrum_wallet.hpp) and
// ElectronCashWallet<Coin> (wallet/electron_cash_wallet.hpp).
#pragma once

namespace coinkit::wallet {

template <class Coin, class Rules>
class BasicWallet;
struct ElectrumRules;
struct ElectronCashRules;

template <class Coin>
using ElectrumWallet = BasicWallet<Coin, ElectrumRules>;
template <class Coin>
using ElectronCashWallet = BasicWallet<Coin, ElectronCashRules>;

}  // namespace coinkit::wallet
