// A wallet daemon's address methods: getmpk, getpubkeys, listaddresses, getunusedaddress,
// createnewaddress and ismine, with Electrum 4.3's answers.
#pragma once

#include <coinkit/chain/script.hpp>
#include <coinkit/core/amount.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/rpc/bitcart.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/wallet/key_script.hpp>
#include <coinkit/wallet/keystore.hpp>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <optional>
#include <string>

namespace coinkit::daemon {

// Self: the daemon (wallet(call), network(), local_height(), watch_new_addresses).
template <class Self>
class AddressMethods {
 public:
  boost::json::value getmpk(const rpc::Call& call) {
    auto mpk = wallet::master_public_key(self().wallet(call).keys(), self().network().ext_key_versions);
    if (!mpk) return nullptr;
    return boost::json::string(*mpk);
  }

  boost::json::array getpubkeys(const rpc::Call& call, std::string address) {
    auto& w = self().wallet(call);
    auto slot = w.slot_of(address);
    if (!slot) throw rpc::fault_error("Exception: address " + address + " is not in this wallet");
    const auto& keys = w.keys();
    const auto& a = w.address(*slot);
    boost::json::array out;
    if (wallet::is_deterministic(keys)) {
      const PublicKey key = w.public_key(a);
      const bool old = std::holds_alternative<wallet::OldKeys>(keys);
      out.emplace_back(old ? to_hex(key.uncompressed_bytes()) : to_hex(key.compressed_bytes()));
    } else if (const auto* imported = std::get_if<wallet::ImportedKeys>(&keys)) {
      for (const auto& k : imported->keys) {
        auto script = wallet::key_script(k.txin_type, k.key.public_key());
        if (script && std::ranges::equal(*script, a.script())) out.emplace_back(k.key.public_key().to_hex());
      }
    }
    return out;
  }

  // Electrum lists receiving then change addresses; `balance` pairs each with its balance.
  boost::json::array listaddresses(const rpc::Call& call, bool receiving, bool change, bool labels, bool frozen,
                                   bool unused, bool funded, bool balance) {
    auto& w = self().wallet(call);
    boost::json::array out;
    const int height = self().local_height();
    auto list = [&](auto chain, bool is_change) {
      for (const auto& a : chain) {
        if ((receiving && is_change) || (change && !is_change)) continue;
        const auto slot = w.slot_of(a);
        if ((unused && w.history().is_used(slot)) || (frozen && !w.is_frozen(slot))) continue;
        const auto b = w.balance(height, slot);
        if (funded && b.confirmed + b.unconfirmed + b.unmatured == 0) continue;
        if (!labels && !balance) {
          out.emplace_back(w.address_text(a));
          continue;
        }
        boost::json::array item{boost::json::string(w.address_text(a))};
        if (balance)
          item.emplace_back(
              format_amount(b.confirmed + b.unconfirmed + b.unmatured, decimals(), amount_style::satoshis));
        if (labels) item.emplace_back("''");
        out.emplace_back(std::move(item));
      }
    };
    list(w.chains().receiving(), false);
    if (wallet::is_deterministic(w.keys())) list(w.chains().change(), true);
    return out;
  }

  boost::json::value getunusedaddress(const rpc::Call& call) {
    auto& w = self().wallet(call);
    auto slot = self().unused_receiving(w);  // (an address with an open payment request is taken)
    if (!slot) return nullptr;
    return boost::json::string(w.address_text(*slot));
  }

  std::string createnewaddress(const rpc::Call& call) {
    auto& w = self().wallet(call);
    if (!wallet::is_deterministic(w.keys()))
      throw rpc::fault_error("AttributeError: 'Imported_Wallet' object has no attribute 'create_new_address'");
    const auto slot = w.create_new_address();
    self().watch_new_addresses(call, {slot});
    return w.address_text(slot);
  }

  bool ismine(const rpc::Call& call, std::string address) { return self().wallet(call).slot_of(address).has_value(); }

  static constexpr auto rpc_methods() {
    using S = AddressMethods;
    return rpc::methods(
        rpc::method<&S::getmpk>("getmpk", rpc::requires_wallet,
                                "Get master public key. Return your wallet's master public key"),
        rpc::method<&S::getpubkeys>("getpubkeys", rpc::requires_wallet, "Return the public keys for a wallet address.",
                                    rpc::arg("address")),
        rpc::method<&S::listaddresses>("listaddresses", rpc::requires_wallet,
                                       "List wallet addresses. Returns the list of all addresses in your wallet. Use "
                                       "optional arguments to filter the results.",
                                       rpc::arg("receiving", false), rpc::arg("change", false),
                                       rpc::arg("labels", false), rpc::arg("frozen", false), rpc::arg("unused", false),
                                       rpc::arg("funded", false), rpc::arg("balance", false)),
        rpc::method<&S::getunusedaddress>("getunusedaddress", rpc::requires_wallet,
                                          "Returns the first unused address of the wallet, or None if all addresses "
                                          "are used."),
        rpc::method<&S::createnewaddress>("createnewaddress", rpc::requires_wallet,
                                          "Create a new receiving address, beyond the gap limit of the wallet"),
        rpc::method<&S::ismine>("ismine", rpc::requires_wallet, "Check if address is in wallet.", rpc::arg("address")));
  }

 private:
  Self& self() noexcept { return static_cast<Self&>(*this); }
  static constexpr unsigned decimals() noexcept { return static_cast<unsigned>(Self::Coin::decimals); }
};

}  // namespace coinkit::daemon
