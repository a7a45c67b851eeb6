// Keystore: the keys of one wallet, as Electrum keeps them: a BIP32 account, an Electrum 1.x
// master key, imported private keys, or watched addresses; the public key of each address, and
// the private key that signs for it.
#pragma once

#include <coinkit/core/hex.hpp>
#include <coinkit/keys/derivation_path.hpp>
#include <coinkit/keys/electrum_seed.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/private_key.hpp>
#include <coinkit/keys/public_key.hpp>
#include <coinkit/keys/wif.hpp>
#include <coinkit/wallet/error.hpp>
#include <coinkit/wallet/key_script.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace coinkit::wallet {

// A BIP32 account: receiving addresses at xpub/0/n, change at xpub/1/n.
struct Bip32Keys {
  ExtPubKey xpub;
  std::optional<ExtPrivKey> xprv;  // none: watching only
  TxinType txin_type;              // single-key: p2pkh, p2wpkh or p2wpkh-p2sh
  std::string seed;                // the words it came from, if any
  DerivationPath derivation;       // of xpub below the seed's root; empty when unknown
};

// Electrum 1.x ("old") keys: 64-byte master public key, addresses master + sha256d(n:change:mpk)·G,
// uncompressed p2pkh.
struct OldKeys {
  PublicKey mpk;
  std::optional<PrivateKey> master;
  std::string seed;
};

// Private keys imported one by one, each with the script type its WIF names.
struct ImportedKeys {
  std::vector<ElectrumWif> keys;
};

// Addresses watched without keys.
struct ImportedAddresses {
  std::vector<std::string> addresses;
};

using Keystore = std::variant<Bip32Keys, OldKeys, ImportedKeys, ImportedAddresses>;

// Whether addresses come from a master key (and the wallet has receiving and change chains).
inline bool is_deterministic(const Keystore& k) noexcept {
  return std::holds_alternative<Bip32Keys>(k) || std::holds_alternative<OldKeys>(k);
}

inline bool is_watching_only(const Keystore& k) noexcept {
  if (const auto* b = std::get_if<Bip32Keys>(&k)) return !b->xprv;
  if (const auto* o = std::get_if<OldKeys>(&k)) return !o->master;
  return std::holds_alternative<ImportedAddresses>(k);
}

// The script type of a deterministic keystore's addresses (an old wallet's are p2pkh);
// imported keystores have one per key.
inline std::optional<TxinType> txin_type(const Keystore& k) noexcept {
  if (const auto* b = std::get_if<Bip32Keys>(&k)) return b->txin_type;
  if (std::holds_alternative<OldKeys>(k)) return TxinType::p2pkh;
  return std::nullopt;
}

// Electrum's wallet.txin_type: the keys' script type; imported wallets say "address".
inline std::string_view txin_type_name(const Keystore& k) noexcept {
  const auto t = txin_type(k);
  return t ? to_string(*t) : "address";
}

// getmpk: the xpub with the version bytes of its script type (zpub for p2wpkh), or an old
// wallet's master public key in hex; imported wallets have none.
inline std::optional<std::string> master_public_key(const Keystore& k, std::span<const ExtKeyVersion> versions) {
  if (const auto* b = std::get_if<Bip32Keys>(&k)) return b->xpub.to_base58(versions, b->txin_type).value();
  if (const auto* o = std::get_if<OldKeys>(&k)) {
    const auto bytes = o->mpk.uncompressed_bytes();
    return to_hex(ByteSpan(bytes).subspan(1));
  }
  return std::nullopt;
}

// The public key of address `index` on the receiving (change = false) or change chain of a
// deterministic keystore.
inline result<PublicKey> derive_public_key(const Keystore& k, bool change, std::uint32_t index) {
  if (const auto* b = std::get_if<Bip32Keys>(&k)) {
    auto branch = b->xpub.try_derive(change ? 1 : 0);
    if (!branch) return branch.error();
    auto child = branch->try_derive(index);
    if (!child) return child.error();
    return child->key();
  }
  if (const auto* o = std::get_if<OldKeys>(&k)) return electrum_seed::try_old_public_key(o->mpk, change, index);
  return error::key_not_recognized;  // imported keys have no chains
}

// The key that signs for one of the wallet's addresses, and the script type it signs as.
struct SigningKey {
  PrivateKey key;
  TxinType type;
};

// The private keys of a keystore's addresses: of a deterministic keystore's address (change,
// index), or of an imported key whose script is `script_pubkey`; error::watching_only when the
// keystore holds no private keys. Each chain's branch key is derived once, not once per address
// (a payout from many coins signs hundreds of inputs).
class SigningKeys {
 public:
  explicit SigningKeys(const Keystore& k) noexcept : keys_(&k) {}

  result<SigningKey> key(bool change, std::uint32_t index, ByteSpan script_pubkey) {
    if (is_watching_only(*keys_)) return error::watching_only;
    if (const auto* b = std::get_if<Bip32Keys>(keys_)) {
      auto& branch = branches_[change];
      if (!branch) {
        auto derived = b->xprv->try_derive(change ? 1 : 0);
        if (!derived) return derived.error();
        branch.emplace(Branch{*derived, derived->public_key()});
      }
      auto child = branch->key.try_derive(index, branch->public_key);
      if (!child) return child.error();
      return SigningKey{child->key(), b->txin_type};
    }
    if (const auto* o = std::get_if<OldKeys>(keys_)) {
      auto key = electrum_seed::try_old_private_key(*o->master, change, index);
      if (!key) return key.error();
      return SigningKey{*key, TxinType::p2pkh};
    }
    for (const ElectrumWif& w : std::get<ImportedKeys>(*keys_).keys)
      if (auto script = key_script(w.txin_type, w.key.public_key());
          script && std::ranges::equal(*script, script_pubkey))
        return SigningKey{w.key, w.txin_type};
    return error::key_not_recognized;
  }

 private:
  struct Branch {
    ExtPrivKey key;
    PublicKey public_key;
  };
  const Keystore* keys_;
  std::optional<Branch> branches_[2];  // receiving, change
};

// One address's key (SigningKeys for a single use).
inline result<SigningKey> signing_key(const Keystore& k, bool change, std::uint32_t index, ByteSpan script_pubkey) {
  return SigningKeys(k).key(change, index, script_pubkey);
}

}  // namespace coinkit::wallet
