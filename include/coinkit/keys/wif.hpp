// WIF private keys: Core's base58check form, and Electrum's "p2wpkh:K..." script-typed form.
#pragma once

#include <coinkit/address/base58.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/keys/error.hpp>
#include <coinkit/keys/ext_key_version.hpp>
#include <coinkit/keys/private_key.hpp>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <strings.h>  // explicit_bzero

namespace coinkit {

// WIF payload: prefix byte || secret[32] || 0x01 when the key pays to its compressed form.
// The prefix is the network's `wif_prefix` (0x80 mainnet, 0xef testnets), passed as a byte
// so this layer does not depend on coins/.
inline std::string encode_wif(const PrivateKey& key, std::uint8_t wif_prefix) {
  std::uint8_t payload[34];
  payload[0] = wif_prefix;
  std::memcpy(payload + 1, key.bytes().data(), 32);
  payload[33] = 0x01;
  std::string out = base58check_encode(ByteSpan(payload, key.compressed() ? 34 : 33));
  explicit_bzero(payload, sizeof payload);
  return out;
}

namespace keys::detail {

// The WIF payload after base58check, wiped before returning. With `allow_offset` the version
// byte may differ from the network prefix (Electrum 3.0 added the script type to it); the
// difference comes back in `offset`.
inline result<PrivateKey> decode_wif_payload(Bytes& payload, std::uint8_t wif_prefix, bool allow_offset,
                                             std::uint8_t& offset) noexcept {
  struct Wipe {
    Bytes& b;
    ~Wipe() { explicit_bzero(b.data(), b.size()); }
  } wipe{payload};
  if (payload.size() != 33 && payload.size() != 34) return keys::error::wif_wrong_length;
  offset = static_cast<std::uint8_t>(payload[0] - wif_prefix);
  if (payload[0] != wif_prefix && !allow_offset) return keys::error::wif_wrong_network;
  bool compressed = false;
  if (payload.size() == 34) {
    if (payload[33] != 0x01) return keys::error::wif_invalid_compression_flag;
    compressed = true;
  }
  return PrivateKey::from_bytes(ByteSpan(payload.data() + 1, 32), compressed);
}

}  // namespace keys::detail

// Core's DecodeSecret: 33 or 34 bytes after base58check, this network's prefix, and a 0x01
// compression flag on the long form. Never throws but for allocation failure.
inline result<PrivateKey> decode_wif(std::string_view text, std::uint8_t wif_prefix) {
  auto payload = base58check_decode(text);
  if (!payload) return payload.error();
  std::uint8_t offset = 0;
  return keys::detail::decode_wif_payload(*payload, wif_prefix, false, offset);
}

inline PrivateKey decode_wif_or_throw(std::string_view text, std::uint8_t wif_prefix) {
  return value_or_throw(decode_wif(text, wif_prefix), "WIF private key");
}

// A key with the script type Electrum imports it as.
struct ElectrumWif {
  PrivateKey key;
  TxinType txin_type;
};

namespace keys::detail {

// Electrum's WIF_SCRIPT_TYPES: the name before ':' and the number Electrum 3.0 added to the
// WIF prefix byte instead.
struct ElectrumScriptType {
  std::string_view name;
  std::uint8_t number;
  TxinType type;
};
inline constexpr ElectrumScriptType electrum_script_types[] = {
    {"p2pkh", 0, TxinType::p2pkh}, {"p2wpkh", 1, TxinType::p2wpkh}, {"p2wpkh-p2sh", 2, TxinType::p2wpkh_p2sh},
    {"p2sh", 5, TxinType::p2sh},   {"p2wsh", 6, TxinType::p2wsh},   {"p2wsh-p2sh", 7, TxinType::p2wsh_p2sh},
};

// Casascius mini private key: 'S' then base58 characters, at least 20 in all, valid when
// sha256(text || '?') starts with a zero byte; the secret is sha256(text), uncompressed.
inline bool is_minikey(std::string_view text) noexcept {
  if (text.size() < 20 || text[0] != 'S') return false;
  for (char c : text)
    if (base58_alphabet.find(c) == std::string_view::npos) return false;
  return Sha256().write(as_bytes(text)).write(as_bytes("?")).finalize()[0] == 0;
}

}  // namespace keys::detail

// Electrum's deserialize_privkey: an optional "type:" prefix (p2pkh, p2wpkh, p2wpkh-p2sh,
// p2sh, p2wsh, p2wsh-p2sh); without one, Electrum 3.0's form with the script type added to
// the prefix byte; a Casascius minikey. Segwit types need a compressed key. Electrum reduces
// secrets >= n modulo n; we refuse them (invalid_private_key).
inline result<ElectrumWif> decode_electrum_wif(std::string_view text, std::uint8_t wif_prefix) {
  if (keys::detail::is_minikey(text)) {
    const Hash256 secret = sha256(as_bytes(text));
    auto key = PrivateKey::from_bytes(secret.span(), false);
    if (!key) return key.error();
    return ElectrumWif{*key, TxinType::p2pkh};
  }
  std::optional<TxinType> named;
  if (const std::size_t colon = text.find(':'); colon != std::string_view::npos) {
    const std::string_view name = text.substr(0, colon);
    for (const auto& t : keys::detail::electrum_script_types)
      if (t.name == name) named = t.type;
    if (!named) return keys::error::unknown_script_type;
    text.remove_prefix(colon + 1);
  }
  auto payload = base58check_decode(text);
  if (!payload) return payload.error();
  std::uint8_t offset = 0;
  auto key = keys::detail::decode_wif_payload(*payload, wif_prefix, !named, offset);
  if (!key) return key.error();
  TxinType type = TxinType::p2pkh;
  if (named) {
    type = *named;
  } else {
    bool found = false;
    for (const auto& t : keys::detail::electrum_script_types)
      if (t.number == offset) type = t.type, found = true;
    if (!found) return keys::error::wif_wrong_network;
  }
  if (is_segwit(type) && !key->compressed()) return keys::error::segwit_key_not_compressed;
  return ElectrumWif{*key, type};
}

// Electrum's export form: "<type>:" + WIF with the plain network prefix.
inline std::string encode_electrum_wif(const PrivateKey& key, TxinType type, std::uint8_t wif_prefix) {
  std::string out(to_string(type));
  out += ':';
  out += encode_wif(key, wif_prefix);
  return out;
}

}  // namespace coinkit
