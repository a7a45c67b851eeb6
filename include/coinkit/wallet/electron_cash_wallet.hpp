// ElectronCashWallet<Coin>: the wallet engine under Electron Cash's rules: gap limits of 20 on
// both chains, BIP39 wallets on m/44'/coin'/0', CashAddr addresses written without their prefix.
// (Segwit seeds and keys are refused by the network, which has no segwit.)
#pragma once

#include <coinkit/wallet/electrum_wallet.hpp>

namespace coinkit::wallet {

struct ElectronCashRules {
  static constexpr WalletFamily family = WalletFamily::electron_cash;
  static constexpr GapLimits gap_limits{20, 20};  // gap_limit, gap_limit_for_change
  static constexpr KeyTextRules key_text{44};
  static constexpr bool cashaddr_without_prefix = true;  // Address.to_ui_string
};

}  // namespace coinkit::wallet
