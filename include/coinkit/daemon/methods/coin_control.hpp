// A wallet daemon's coin control, as Electrum 4.3 answers it: freeze and unfreeze an address,
// freeze_utxo and unfreeze_utxo a coin; what is frozen is not spent by payto, paytomany or
// bumpfee, and stays frozen across restarts.
#pragma once

#include <coinkit/chain/outpoint.hpp>
#include <coinkit/daemon/methods/arguments.hpp>
#include <coinkit/rpc/bitcart.hpp>
#include <coinkit/rpc/method.hpp>

#include <string>

namespace coinkit::daemon {

// Self: the daemon (wallet(call), set_frozen(call, slot or outpoint, frozen)).
template <class Self>
class CoinControl {
 public:
  // Electrum's set_frozen_state_of_addresses: false, and nothing frozen, for an address that is
  // not the wallet's.
  bool freeze(const rpc::Call& call, std::string address) { return freeze_address(call, address, true); }
  bool unfreeze(const rpc::Call& call, std::string address) { return freeze_address(call, address, false); }

  // Electrum's set_frozen_state_of_coins: any coin "txid:n", the wallet's or not yet.
  bool freeze_utxo(const rpc::Call& call, std::string coin) {
    self().set_frozen(call, coin_argument(coin), true);
    return true;
  }
  bool unfreeze_utxo(const rpc::Call& call, std::string coin) {
    self().set_frozen(call, coin_argument(coin), false);
    return true;
  }

  static constexpr auto rpc_methods() {
    using S = CoinControl;
    return rpc::methods(
        rpc::method<&S::freeze>("freeze", rpc::requires_wallet,
                                "Freeze address. Freeze the funds at one of your wallet's addresses",
                                rpc::arg("address")),
        rpc::method<&S::unfreeze>("unfreeze", rpc::requires_wallet,
                                  "Unfreeze address. Unfreeze the funds at one of your wallet's address",
                                  rpc::arg("address")),
        rpc::method<&S::freeze_utxo>("freeze_utxo", rpc::requires_wallet,
                                     "Freeze a UTXO so that the wallet will not spend it.", rpc::arg("coin")),
        rpc::method<&S::unfreeze_utxo>("unfreeze_utxo", rpc::requires_wallet,
                                       "Unfreeze a UTXO so that the wallet might spend it.", rpc::arg("coin")));
  }

 private:
  Self& self() noexcept { return static_cast<Self&>(*this); }

  bool freeze_address(const rpc::Call& call, const std::string& address, bool frozen) {
    const auto slot = self().wallet(call).slot_of(address);
    if (!slot) return false;
    self().set_frozen(call, *slot, frozen);
    return true;
  }
};

}  // namespace coinkit::daemon
