// ExtPrivKey and ExtPubKey: BIP32 extended keys, derivation, and SLIP-132 serialization.
#pragma once

#include <coinkit/address/base58.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/hmac.hpp>
#include <coinkit/core/uint256.hpp>
#include <coinkit/keys/derivation_path.hpp>
#include <coinkit/keys/error.hpp>
#include <coinkit/keys/ext_key_version.hpp>
#include <coinkit/keys/private_key.hpp>
#include <coinkit/keys/public_key.hpp>

#include <array>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include <strings.h>  // explicit_bzero

namespace coinkit {

using Fingerprint = std::array<std::uint8_t, 4>;  // first 4 bytes of the parent's hash160
using ChainCode = std::array<std::uint8_t, 32>;

// Serialized extended key (BIP32), before base58check:
//   version u32be | depth u8 | parent fingerprint [4] | child number u32be | chain code [32] | key [33]
// where key is 00 || secret for private keys and the compressed point for public keys.
inline constexpr std::size_t ext_key_payload_size = 78;
using ExtKeyPayload = std::array<std::uint8_t, ext_key_payload_size>;

// The first row of `versions` for this script type (the one used to write keys), or nullptr.
inline const ExtKeyVersion* find_ext_key_version(std::span<const ExtKeyVersion> versions, TxinType type) noexcept {
  for (const ExtKeyVersion& v : versions)
    if (v.txin_type == type) return &v;
  return nullptr;
}

// A parsed key with what its version bytes said: the script type (SLIP-132) and the bytes.
template <class Key>
struct DecodedExtKey {
  Key key;
  TxinType txin_type;
  std::uint32_t version;
};

class ExtPubKey;
class ExtPrivKey;
using AnyExtKey = std::variant<ExtPubKey, ExtPrivKey>;

namespace keys::detail {

// What both kinds share: position in the tree and the chain code.
struct ExtKeyHeader {
  std::uint8_t depth = 0;
  Fingerprint parent_fingerprint{};
  std::uint32_t child_number = 0;
  ChainCode chain_code{};

  friend bool operator==(const ExtKeyHeader&, const ExtKeyHeader&) = default;
};

inline ExtKeyPayload serialize_ext_key(std::uint32_t version, const ExtKeyHeader& h, ByteSpan key33) noexcept {
  ExtKeyPayload out;
  store_be<std::uint32_t>(out.data(), version);
  out[4] = h.depth;
  std::memcpy(out.data() + 5, h.parent_fingerprint.data(), 4);
  store_be<std::uint32_t>(out.data() + 9, h.child_number);
  std::memcpy(out.data() + 13, h.chain_code.data(), 32);
  std::memcpy(out.data() + 45, key33.data(), 33);
  return out;
}

inline Fingerprint fingerprint_of(const PublicKey& key) noexcept {
  const Hash160 id = key.compressed() ? key.key_id() : hash160(key.compressed_bytes());
  Fingerprint f;
  std::memcpy(f.data(), id.data(), 4);
  return f;
}

// I = HMAC-SHA512(chain code, data || ser32(index)), the step shared by both derivations.
inline HmacSha512::Digest ckd_hmac(const ChainCode& chain_code, ByteSpan data, std::uint32_t index) noexcept {
  std::uint8_t index_be[4];
  store_be<std::uint32_t>(index_be, index);
  return HmacSha512(chain_code).write(data).write(ByteSpan(index_be, 4)).finalize();
}

inline std::span<const std::uint8_t, 32> left(const HmacSha512::Digest& i) noexcept {
  return std::span<const std::uint8_t, 64>(i).first<32>();
}

inline ChainCode right(const HmacSha512::Digest& i) noexcept {
  ChainCode c;
  std::memcpy(c.data(), i.data() + 32, 32);
  return c;
}

}  // namespace keys::detail

class ExtPubKey {
 public:
  ExtPubKey(std::uint8_t depth, const Fingerprint& parent_fingerprint, std::uint32_t child_number,
            const ChainCode& chain_code, const PublicKey& key) noexcept
      : header_{depth, parent_fingerprint, child_number, chain_code},
        key_(key.compressed() ? key : key.with_compressed(true)) {}

  std::uint8_t depth() const noexcept { return header_.depth; }
  const Fingerprint& parent_fingerprint() const noexcept { return header_.parent_fingerprint; }
  std::uint32_t child_number() const noexcept { return header_.child_number; }
  const ChainCode& chain_code() const noexcept { return header_.chain_code; }
  const PublicKey& key() const noexcept { return key_; }  // always compressed

  Hash160 identifier() const noexcept { return key_.key_id(); }
  Fingerprint fingerprint() const noexcept { return keys::detail::fingerprint_of(key_); }

  // CKDpub. Hardened children need the private key: hardened_derivation_from_public.
  result<ExtPubKey> try_derive(std::uint32_t index) const noexcept {
    if (is_hardened(index)) return keys::error::hardened_derivation_from_public;
    if (header_.depth == 255) return keys::error::derivation_depth_exceeded;
    const auto i = keys::detail::ckd_hmac(header_.chain_code, key_.bytes(), index);
    auto child = key_.tweak_add(keys::detail::left(i));
    if (!child) return child.error();  // I_L >= n or infinity: BIP32 says skip this index
    return ExtPubKey(static_cast<std::uint8_t>(header_.depth + 1), fingerprint(), index, keys::detail::right(i),
                     *child);
  }

  result<ExtPubKey> try_derive(const DerivationPath& path) const noexcept {
    ExtPubKey k = *this;
    for (std::uint32_t index : path) {
      auto next = k.try_derive(index);
      if (!next) return next.error();
      k = *next;
    }
    return k;
  }

  ExtPubKey derive(std::uint32_t index) const { return value_or_throw(try_derive(index), "BIP32 public derivation"); }
  ExtPubKey derive(const DerivationPath& path) const {
    return value_or_throw(try_derive(path), "BIP32 public derivation");
  }
  ExtPubKey derive_path(std::string_view path) const { return derive(DerivationPath::parse(path)); }

  ExtKeyPayload serialize(std::uint32_t version) const noexcept {
    return keys::detail::serialize_ext_key(version, header_, key_.bytes());
  }

  // Base58check with these version bytes (xpub: 0x0488b21e).
  std::string to_base58(std::uint32_t version) const { return base58check_encode(serialize(version)); }

  // With the network's public version bytes for this script type (zpub for p2wpkh on BTC).
  result<std::string> to_base58(std::span<const ExtKeyVersion> versions, TxinType type) const {
    const ExtKeyVersion* v = find_ext_key_version(versions, type);
    if (!v) return keys::error::no_version_for_txin_type;
    return to_base58(v->public_version);
  }

  // Parses a public key against a network's SLIP-132 table; a private key is refused with
  // ext_key_is_private (neuter it first if that is what you want).
  static result<DecodedExtKey<ExtPubKey>> try_parse(std::string_view text, std::span<const ExtKeyVersion> versions);
  static DecodedExtKey<ExtPubKey> parse(std::string_view text, std::span<const ExtKeyVersion> versions) {
    return value_or_throw(try_parse(text, versions), "extended public key");
  }

  friend bool operator==(const ExtPubKey& a, const ExtPubKey& b) noexcept {
    return a.header_ == b.header_ && a.key_ == b.key_;
  }

 private:
  keys::detail::ExtKeyHeader header_;
  PublicKey key_;
};

class ExtPrivKey {
 public:
  ExtPrivKey(std::uint8_t depth, const Fingerprint& parent_fingerprint, std::uint32_t child_number,
             const ChainCode& chain_code, const PrivateKey& key) noexcept
      : header_{depth, parent_fingerprint, child_number, chain_code}, key_(key.with_compressed(true)) {}

  ExtPrivKey(const ExtPrivKey&) noexcept = default;
  ExtPrivKey& operator=(const ExtPrivKey&) noexcept = default;
  ~ExtPrivKey() { explicit_bzero(header_.chain_code.data(), header_.chain_code.size()); }

  // The master key: I = HMAC-SHA512("Bitcoin seed", seed); key I_L, chain code I_R.
  // Fails (invalid_private_key) only if I_L is 0 or >= n, probability below 2^-127.
  static result<ExtPrivKey> try_from_seed(ByteSpan seed) noexcept {
    HmacSha512::Digest i = HmacSha512(as_bytes("Bitcoin seed")).write(seed).finalize();
    auto key = PrivateKey::from_bytes(ByteSpan(i.data(), 32));
    const ChainCode chain_code = keys::detail::right(i);
    explicit_bzero(i.data(), i.size());
    if (!key) return key.error();
    return ExtPrivKey(0, Fingerprint{}, 0, chain_code, *key);
  }

  static ExtPrivKey from_seed(ByteSpan seed) { return value_or_throw(try_from_seed(seed), "BIP32 master key"); }

  std::uint8_t depth() const noexcept { return header_.depth; }
  const Fingerprint& parent_fingerprint() const noexcept { return header_.parent_fingerprint; }
  std::uint32_t child_number() const noexcept { return header_.child_number; }
  const ChainCode& chain_code() const noexcept { return header_.chain_code; }
  const PrivateKey& key() const noexcept { return key_; }  // always flagged compressed
  PublicKey public_key() const noexcept { return key_.public_key(); }

  // The same node without its secret (BIP32 N()).
  ExtPubKey neuter() const noexcept {
    return ExtPubKey(header_.depth, header_.parent_fingerprint, header_.child_number, header_.chain_code,
                     key_.public_key());
  }

  Hash160 identifier() const noexcept { return public_key().key_id(); }
  Fingerprint fingerprint() const noexcept { return keys::detail::fingerprint_of(public_key()); }

  // CKDpriv, hardened (index >= 2^31) or not.
  result<ExtPrivKey> try_derive(std::uint32_t index) const noexcept { return try_derive(index, key_.public_key()); }

  // The same, given this key's public key (`public_key()`): a signer deriving hundreds of
  // children of one branch key saves an EC multiplication on each.
  result<ExtPrivKey> try_derive(std::uint32_t index, const PublicKey& parent) const noexcept {
    if (header_.depth == 255) return keys::error::derivation_depth_exceeded;
    HmacSha512::Digest i;
    if (is_hardened(index)) {
      std::uint8_t data[33];
      data[0] = 0;
      std::memcpy(data + 1, key_.bytes().data(), 32);
      i = keys::detail::ckd_hmac(header_.chain_code, ByteSpan(data, 33), index);
      explicit_bzero(data, sizeof data);
    } else {
      i = keys::detail::ckd_hmac(header_.chain_code, parent.bytes(), index);
    }
    auto child = key_.tweak_add(keys::detail::left(i));
    const ChainCode chain_code = keys::detail::right(i);
    explicit_bzero(i.data(), i.size());
    if (!child) return child.error();  // I_L >= n or a zero key: BIP32 says skip this index
    return ExtPrivKey(static_cast<std::uint8_t>(header_.depth + 1), keys::detail::fingerprint_of(parent), index,
                      chain_code, *child);
  }

  result<ExtPrivKey> try_derive(const DerivationPath& path) const noexcept {
    ExtPrivKey k = *this;
    for (std::uint32_t index : path) {
      auto next = k.try_derive(index);
      if (!next) return next.error();
      k = *next;
    }
    return k;
  }

  ExtPrivKey derive(std::uint32_t index) const { return value_or_throw(try_derive(index), "BIP32 derivation"); }
  ExtPrivKey derive(const DerivationPath& path) const { return value_or_throw(try_derive(path), "BIP32 derivation"); }
  // derive_path("m/84'/0'/0'"): parse and derive, throwing on either error.
  ExtPrivKey derive_path(std::string_view path) const { return derive(DerivationPath::parse(path)); }

  ExtKeyPayload serialize(std::uint32_t version) const noexcept {
    std::uint8_t key33[33];
    key33[0] = 0;
    std::memcpy(key33 + 1, key_.bytes().data(), 32);
    ExtKeyPayload out = keys::detail::serialize_ext_key(version, header_, ByteSpan(key33, 33));
    explicit_bzero(key33, sizeof key33);
    return out;
  }

  // Base58check with these version bytes (xprv: 0x0488ade4).
  std::string to_base58(std::uint32_t version) const {
    ExtKeyPayload payload = serialize(version);
    std::string out = base58check_encode(payload);
    explicit_bzero(payload.data(), payload.size());
    return out;
  }

  // With the network's private version bytes for this script type (zprv for p2wpkh on BTC).
  result<std::string> to_base58(std::span<const ExtKeyVersion> versions, TxinType type) const {
    const ExtKeyVersion* v = find_ext_key_version(versions, type);
    if (!v) return keys::error::no_version_for_txin_type;
    return to_base58(v->private_version);
  }

  // Parses a private key against a network's SLIP-132 table; a public key is refused with
  // ext_key_is_public.
  static result<DecodedExtKey<ExtPrivKey>> try_parse(std::string_view text, std::span<const ExtKeyVersion> versions);
  static DecodedExtKey<ExtPrivKey> parse(std::string_view text, std::span<const ExtKeyVersion> versions) {
    return value_or_throw(try_parse(text, versions), "extended private key");
  }

  friend bool operator==(const ExtPrivKey& a, const ExtPrivKey& b) noexcept {
    return a.header_ == b.header_ && a.key_ == b.key_;
  }

 private:
  keys::detail::ExtKeyHeader header_;
  PrivateKey key_;
};

// Decodes the 78-byte payload, checking in the order of BIP32's invalid-key vectors: the
// version against `versions` (public or private row), a master key's zero fingerprint and
// child number, then the key bytes as the version says they must be.
inline result<DecodedExtKey<AnyExtKey>> decode_ext_key_payload(ByteSpan payload,
                                                               std::span<const ExtKeyVersion> versions) noexcept {
  if (payload.size() != ext_key_payload_size) return keys::error::ext_key_wrong_length;
  const std::uint32_t version = load_be<std::uint32_t>(payload.data());
  const ExtKeyVersion* row = nullptr;
  bool is_private = false;
  for (const ExtKeyVersion& v : versions) {
    if (v.public_version == version || v.private_version == version) {
      row = &v;
      is_private = v.private_version == version;
      break;
    }
  }
  if (!row) return keys::error::unknown_ext_key_version;

  keys::detail::ExtKeyHeader h;
  h.depth = payload[4];
  std::memcpy(h.parent_fingerprint.data(), payload.data() + 5, 4);
  h.child_number = load_be<std::uint32_t>(payload.data() + 9);
  std::memcpy(h.chain_code.data(), payload.data() + 13, 32);
  if (h.depth == 0 && h.parent_fingerprint != Fingerprint{}) return keys::error::ext_key_zero_depth_with_fingerprint;
  if (h.depth == 0 && h.child_number != 0) return keys::error::ext_key_zero_depth_with_child_number;

  const ByteSpan key = payload.subspan(45, 33);
  const bool looks_public = key[0] == 0x02 || key[0] == 0x03;
  if (is_private) {
    if (looks_public) return keys::error::private_version_with_public_key;
    if (key[0] != 0x00) return keys::error::invalid_private_key_prefix;
    auto secret = PrivateKey::from_bytes(key.subspan(1));
    if (!secret) return secret.error();
    return DecodedExtKey<AnyExtKey>{ExtPrivKey(h.depth, h.parent_fingerprint, h.child_number, h.chain_code, *secret),
                                    row->txin_type, version};
  }
  if (key[0] == 0x00) return keys::error::public_version_with_private_key;
  if (!looks_public) return keys::error::invalid_public_key_prefix;
  auto point = PublicKey::parse(key);
  if (!point) return point.error();
  return DecodedExtKey<AnyExtKey>{ExtPubKey(h.depth, h.parent_fingerprint, h.child_number, h.chain_code, *point),
                                  row->txin_type, version};
}

// Base58check text to either kind of extended key; errors of base58check come from the
// address layer (bad character, bad checksum). Never throws but for allocation failure.
inline result<DecodedExtKey<AnyExtKey>> decode_ext_key(std::string_view text, std::span<const ExtKeyVersion> versions) {
  auto payload = base58check_decode(text);
  if (!payload) return payload.error();
  auto decoded = decode_ext_key_payload(*payload, versions);
  explicit_bzero(payload->data(), payload->size());  // an xprv's secret
  return decoded;
}

// The fingerprint of the tree's root where a key tells it, as Electrum's
// root_fp_and_der_prefix_from_xkey finds it: a root's own, a depth-1 key's parent's; deeper, none.
inline std::optional<Fingerprint> root_fingerprint(const AnyExtKey& key) noexcept {
  return std::visit(
      [](const auto& k) -> std::optional<Fingerprint> {
        if (k.depth() == 0) return k.fingerprint();
        if (k.depth() == 1) return k.parent_fingerprint();
        return std::nullopt;
      },
      key);
}

inline result<DecodedExtKey<ExtPubKey>> ExtPubKey::try_parse(std::string_view text,
                                                             std::span<const ExtKeyVersion> versions) {
  auto any = decode_ext_key(text, versions);
  if (!any) return any.error();
  if (!std::holds_alternative<ExtPubKey>(any->key)) return keys::error::ext_key_is_private;
  return DecodedExtKey<ExtPubKey>{std::get<ExtPubKey>(any->key), any->txin_type, any->version};
}

inline result<DecodedExtKey<ExtPrivKey>> ExtPrivKey::try_parse(std::string_view text,
                                                               std::span<const ExtKeyVersion> versions) {
  auto any = decode_ext_key(text, versions);
  if (!any) return any.error();
  if (!std::holds_alternative<ExtPrivKey>(any->key)) return keys::error::ext_key_is_public;
  return DecodedExtKey<ExtPrivKey>{std::get<ExtPrivKey>(any->key), any->txin_type, any->version};
}

}  // namespace coinkit
