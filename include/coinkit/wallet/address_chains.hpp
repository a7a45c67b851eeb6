// AddressChains: a wallet's receiving and change addresses, in Electrum's order, grown by its
// gap limits (20 receiving, 10 change) as addresses get deeply confirmed history.
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/coins/network.hpp>
#include <coinkit/wallet/key_script.hpp>
#include <coinkit/wallet/keystore.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace coinkit::wallet {

// One address of a wallet: its scriptPubKey, inline (a wallet keeps thousands of them; the text
// is made when asked for: AddressChains::address).
struct WalletAddress {
  static constexpr std::size_t max_script = 35;  // the longest standard script: BCH's p2sh32

  std::array<std::uint8_t, max_script> bytes{};
  std::uint8_t size = 0;
  bool change = false;      // on the change chain (false for imported addresses)
  std::uint32_t index = 0;  // its place on its chain (a watched address: in the list given)

  WalletAddress() = default;
  WalletAddress(ByteSpan script_pubkey, bool is_change, std::uint32_t i) : change(is_change), index(i) {
    if (script_pubkey.size() > max_script) throw std::invalid_argument("a wallet address's script is too long");
    std::copy(script_pubkey.begin(), script_pubkey.end(), bytes.begin());
    size = static_cast<std::uint8_t>(script_pubkey.size());
  }
  ByteSpan script() const noexcept { return {bytes.data(), size}; }
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
      for (std::uint32_t i = 0; i < a->addresses.size(); ++i)
        receiving_.emplace_back(to_script_pubkey_or_throw(a->addresses[i], net.address), false, i);
    } else if (const auto* k = std::get_if<ImportedKeys>(&keys)) {
      std::vector<std::pair<std::string, Bytes>> all;
      for (const ElectrumWif& w : k->keys) {
        Bytes script = key_script(w.txin_type, w.key.public_key()).value();
        all.emplace_back(to_address_or_throw(script, net.address), std::move(script));
      }
      std::sort(all.begin(), all.end());
      for (std::size_t i = 0; i < all.size(); ++i)
        if (i == 0 || all[i].first != all[i - 1].first)
          receiving_.emplace_back(all[i].second, false, static_cast<std::uint32_t>(receiving_.size()));
    }
    synchronize([](const WalletAddress&) { return false; });
    receiving_.shrink_to_fit();  // most wallets never grow past their first addresses
    change_.shrink_to_fit();
    branches_.reset();  // nor keep their branch keys (352 bytes) for it
  }

  // An address's text on this network (a watched address as it was given: Electrum keeps the
  // text, in whatever case or legacy form it came).
  std::string address(const WalletAddress& a) const {
    if (const auto* watched = std::get_if<ImportedAddresses>(keys_)) return watched->addresses[a.index];
    return to_address_or_throw(a.script(), net_->address);
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
    chain.emplace_back(key_script(*txin_type(*keys_), public_key(change, index)).value(), change, index);
    return chain.back();
  }

  // The key of a deterministic keystore's address (change, index); a BIP32 keystore's from its
  // branch key (xpub/0 or xpub/1), derived once and kept: an address is then one derivation, not
  // two (add_request past the gap limit, a PSBT's inputs).
  PublicKey public_key(bool change, std::uint32_t index) const {
    const auto* bip32 = std::get_if<Bip32Keys>(keys_);
    if (!bip32) return derive_public_key(*keys_, change, index).value();
    if (!branches_)
      branches_ = std::make_unique<std::array<ExtPubKey, 2>>(
          std::array<ExtPubKey, 2>{bip32->xpub.derive(0), bip32->xpub.derive(1)});
    return (*branches_)[change ? 1 : 0].derive(index).key();
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
  mutable std::unique_ptr<std::array<ExtPubKey, 2>> branches_;  // receiving, change: a cache
};

}  // namespace coinkit::wallet
