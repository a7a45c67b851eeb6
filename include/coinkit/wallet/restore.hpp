// restore_keystore: the keys a wallet's key text holds, read as Electrum 4.3's
// restore_wallet_from_text reads it (Bitcart's `xpub` parameter), plus BIP39 mnemonics.
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/coins/network.hpp>
#include <coinkit/keys/bip39.hpp>
#include <coinkit/keys/detail/for_each_word.hpp>
#include <coinkit/keys/electrum_seed.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/wif.hpp>
#include <coinkit/wallet/error.hpp>
#include <coinkit/wallet/key_script.hpp>
#include <coinkit/wallet/keystore.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit::wallet {

// Where a wallet family derives a BIP39 wallet without a written path: m/<purpose>'/coin'/0'
// (coinkit's Electrum wallets on BIP84, Electron Cash's on BIP44).
struct KeyTextRules {
  std::uint32_t bip39_purpose = 84;
};

namespace detail {

inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && keys::detail::is_ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && keys::detail::is_ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

inline std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  keys::detail::for_each_word(text, [&](std::string_view w) { out.push_back(w); });
  return out;
}

// keystore.is_old_mpk: 128 hex digits that are a point (an uncompressed key without 0x04).
inline std::optional<PublicKey> old_master_public_key(std::string_view text) {
  if (text.size() != 128) return std::nullopt;
  auto key = PublicKey::try_from_hex("04" + std::string(text));
  if (!key) return std::nullopt;
  return *key;
}

// keystore.xtype_from_derivation: the script type of a BIP43 path's purpose (48' multisig
// paths have no single-key type).
inline result<TxinType> txin_type_of_derivation(const DerivationPath& path, bool segwit) {
  const std::uint32_t purpose = path.empty() ? 0 : path[0];
  if (purpose == hardened(84) || purpose == hardened(49)) {
    if (!segwit) return error::segwit_key;
    return purpose == hardened(84) ? TxinType::p2wpkh : TxinType::p2wpkh_p2sh;
  }
  if (purpose == hardened(48)) return error::unsupported_derivation;
  return TxinType::p2pkh;
}

inline result<Keystore> bip32_from_master_key(std::string_view text, const Network& net) {
  auto decoded = decode_ext_key(text, net.ext_key_versions);
  if (!decoded) return decoded.error();
  if (!is_single_key(decoded->txin_type)) return error::multisig_master_key;
  if (auto* xprv = std::get_if<ExtPrivKey>(&decoded->key))
    return Bip32Keys{xprv->neuter(), *xprv, decoded->txin_type, {}, {}};
  return Bip32Keys{std::get<ExtPubKey>(decoded->key), std::nullopt, decoded->txin_type, {}, {}};
}

inline result<Keystore> from_electrum_seed(std::string_view text, ElectrumSeedType type, bool segwit) {
  if (!segwit && is_segwit(type)) return error::segwit_key;
  switch (type) {
    case ElectrumSeedType::old: {
      auto hex = electrum_seed::try_old_seed_hex(text);
      if (!hex) return hex.error();
      auto master = electrum_seed::try_old_master_private_key(*hex);
      if (!master) return master.error();
      return OldKeys{master->public_key(), *master, std::string(trim(text))};
    }
    case ElectrumSeedType::standard:
    case ElectrumSeedType::segwit: {
      auto k = electrum_seed::try_keystore(text);
      if (!k) return k.error();
      DerivationPath path;
      if (type == ElectrumSeedType::segwit) path = DerivationPath{hardened(0)};
      return Bip32Keys{k->xprv.neuter(), k->xprv, k->txin_type, std::string(trim(text)), path};
    }
    default: return error::two_fa_seed;
  }
}

// "bip39:" [path ":"] words; without the prefix, words that are a valid BIP39 mnemonic.
inline result<Keystore> from_bip39(std::string_view text, const Network& net, const KeyTextRules& rules) {
  DerivationPath path{hardened(rules.bip39_purpose), hardened(net.bip44_coin_type), hardened(0)};
  if (text.starts_with("bip39:")) {
    text.remove_prefix(6);
    if (const std::size_t colon = text.find(':'); colon != std::string_view::npos) {
      auto parsed = DerivationPath::try_parse(trim(text.substr(0, colon)));
      if (!parsed) return parsed.error();
      path = *parsed;
      text.remove_prefix(colon + 1);
    }
  }
  text = trim(text);
  if (auto valid = bip39::check(text); valid) return valid;
  auto type = txin_type_of_derivation(path, has_segwit(net.address));
  if (!type) return type.error();
  auto seed = bip39::try_to_seed(text);
  if (!seed) return seed.error();
  auto root = ExtPrivKey::try_from_seed(*seed);
  if (!root) return root.error();
  auto account = root->try_derive(path);
  if (!account) return account.error();
  return Bip32Keys{account->neuter(), *account, *type, std::string(text), path};
}

}  // namespace detail

// restore_wallet_from_text's order: a list of addresses (watch-only), a list of private keys,
// a master key (xpub/xprv of any script type Electrum names, or an old 128-hex-digit master
// public key), an Electrum seed (old, standard, segwit; 2fa refused); then, beyond Electrum,
// a BIP39 mnemonic: BIP84 (m/84'/coin'/0', p2wpkh) unless written "bip39:<path>:<words>",
// whose script type follows the path's purpose as in Electrum (49' p2wpkh-p2sh, 84' p2wpkh,
// others p2pkh). A BIP39 mnemonic that is also an Electrum seed is Electrum's unless it has
// the "bip39:" prefix. On a network without segwit, a segwit seed, key or path is refused with
// segwit_key.
inline result<Keystore> restore_keystore(std::string_view text, const Network& net, const KeyTextRules& rules = {}) {
  text = detail::trim(text);
  if (text.starts_with("bip39:")) return detail::from_bip39(text, net, rules);  // its own errors
  const auto parts = detail::words(text);
  if (parts.empty()) return error::key_not_recognized;

  if (std::all_of(parts.begin(), parts.end(), [&](std::string_view a) { return is_valid_address(a, net.address); })) {
    ImportedAddresses out;
    out.addresses.assign(parts.begin(), parts.end());
    std::sort(out.addresses.begin(), out.addresses.end());  // Electrum lists them sorted
    out.addresses.erase(std::unique(out.addresses.begin(), out.addresses.end()), out.addresses.end());
    return out;
  }

  std::vector<ElectrumWif> keys;
  bool all_keys = true;
  for (std::string_view p : parts) {
    auto k = decode_electrum_wif(p, net.wif_prefix);
    if (!k) {
      all_keys = false;
      break;
    }
    keys.push_back(*k);
  }
  if (all_keys) {
    if (!has_segwit(net.address) &&
        std::ranges::any_of(keys, [](const ElectrumWif& k) { return is_segwit(k.txin_type); }))
      return error::segwit_key;
    // Keys of a multisig script type are not importable (Electrum skips them).
    std::erase_if(keys, [](const ElectrumWif& k) { return !is_single_key(k.txin_type); });
    if (keys.empty()) return error::no_valid_private_key;
    return ImportedKeys{std::move(keys)};
  }

  if (parts.size() == 1) {
    if (auto mpk = detail::old_master_public_key(text)) return OldKeys{*mpk, std::nullopt, {}};
    if (auto k = detail::bip32_from_master_key(text, net); k || k.error() == error::multisig_master_key) return k;
  }
  if (auto type = electrum_seed::try_seed_type(text))
    return detail::from_electrum_seed(text, *type, has_segwit(net.address));
  if (auto k = detail::from_bip39(text, net, rules)) return k;
  return error::key_not_recognized;
}

// Bitcart's validatekey: a master key of this network or an Electrum seed of any type (segwit
// ones only where the network has segwit).
inline bool is_master_key_or_seed(std::string_view text, const Network& net) {
  if (detail::old_master_public_key(text)) return true;
  if (decode_ext_key(text, net.ext_key_versions)) return true;
  const auto type = electrum_seed::try_seed_type(text);
  return type && (has_segwit(net.address) || !is_segwit(*type));
}

}  // namespace coinkit::wallet
