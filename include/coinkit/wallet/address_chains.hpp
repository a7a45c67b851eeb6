// AddressChains: a wallet's receiving and change addresses, in Electrum's order, grown by its
// gap limits (20 receiving, 10 change) as addresses get deeply confirmed history.
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/coins/network.hpp>
#include <coinkit/wallet/key_script.hpp>
#include <coinkit/wallet/keystore.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace coinkit::wallet {

struct WalletAddress {
  std::string address;
  Bytes script;         // its scriptPubKey
  bool change = false;  // on the change chain (false for imported addresses)
  std::uint32_t index = 0;
};

struct GapLimits {
  std::uint32_t receiving = 20;  // Electrum's gap_limit
  std::uint32_t change = 10;     // Electrum's gap_limit_for_change
};

class AddressChains {
 public:
  // Imported keystores list their addresses as both chains, sorted, as Electrum does. `keys`
  // and `net` must outlive the chains.
  AddressChains(const Keystore& keys, const Network& net, GapLimits limits = {})
      : keys_(&keys), net_(&net), limits_(limits) {
    if (const auto* a = std::get_if<ImportedAddresses>(&keys)) {
      for (const std::string& s : a->addresses)
        receiving_.push_back({s, to_script_pubkey_or_throw(s, net.address), false, 0});
    } else if (const auto* k = std::get_if<ImportedKeys>(&keys)) {
      std::vector<WalletAddress> all;
      for (const ElectrumWif& w : k->keys) {
        Bytes script = key_script(w.txin_type, w.key.public_key()).value();
        all.push_back({to_address_or_throw(script, net.address), std::move(script), false, 0});
      }
      std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.address < b.address; });
      for (auto& w : all)
        if (receiving_.empty() || receiving_.back().address != w.address) receiving_.push_back(std::move(w));
    }
    synchronize([](const WalletAddress&) { return false; });
  }

  std::span<const WalletAddress> receiving() const noexcept { return receiving_; }
  std::span<const WalletAddress> change() const noexcept { return is_deterministic(*keys_) ? change_ : receiving_; }

  // synchronize_sequence for both chains: while a chain is shorter than its limit, or one of
  // its last `limit` addresses is old (has history confirmed 3 deep: is_old(address)), add an
  // address. Returns how many were added.
  template <class IsOld>
  std::size_t synchronize(IsOld&& is_old) {
    if (!is_deterministic(*keys_)) return 0;
    return grow(receiving_, false, limits_.receiving, is_old) + grow(change_, true, limits_.change, is_old);
  }

  // Derives one more address on a chain (createnewaddress; add_request with force). Only a
  // deterministic keystore has chains to extend (is_deterministic).
  const WalletAddress& add_address(bool change) {
    auto& chain = change ? change_ : receiving_;
    const auto index = static_cast<std::uint32_t>(chain.size());
    const PublicKey key = derive_public_key(*keys_, change, index).value();
    const TxinType type = *txin_type(*keys_);
    Bytes script = key_script(type, key).value();
    chain.push_back({to_address_or_throw(script, net_->address), std::move(script), change, index});
    return chain.back();
  }

 private:
  template <class IsOld>
  std::size_t grow(std::vector<WalletAddress>& chain, bool change, std::uint32_t limit, IsOld& is_old) {
    std::size_t added = 0;
    for (;;) {
      const bool short_chain = chain.size() < limit;
      bool old_in_tail = false;
      if (!short_chain)
        for (std::size_t i = chain.size() - limit; i < chain.size() && !old_in_tail; ++i)
          old_in_tail = is_old(chain[i]);
      if (!short_chain && !old_in_tail) return added;
      add_address(change);
      ++added;
    }
  }

  const Keystore* keys_;
  const Network* net_;
  GapLimits limits_;
  std::vector<WalletAddress> receiving_, change_;
};

}  // namespace coinkit::wallet
