// PublicKey: a secp256k1 point, 33 bytes compressed or 65 uncompressed, validated on parse.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/ripemd160.hpp>
#include <coinkit/core/uint256.hpp>
#include <coinkit/keys/ecdsa_signature.hpp>
#include <coinkit/keys/error.hpp>
#include <coinkit/keys/secp256k1_context.hpp>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <array>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace coinkit {

// Signature with the public key recoverable: header byte 27 + recid (+4 for a compressed
// key), then r and s. Core's signmessage and Electrum's message signing use this form.
using RecoverableSignature = std::array<std::uint8_t, 65>;

class PublicKey {
 public:
  static constexpr std::size_t compressed_size = 33;
  static constexpr std::size_t uncompressed_size = 65;

  // Accepts 02/03 + x (33 bytes) and 04 + x + y (65 bytes); also the hybrid 06/07 forms,
  // which Core accepts for keys in scripts. The point must be on the curve.
  static result<PublicKey> parse(ByteSpan bytes) noexcept {
    if (bytes.empty()) return keys::error::public_key_wrong_length;
    const std::uint8_t prefix = bytes[0];
    std::size_t expected;
    if (prefix == 0x02 || prefix == 0x03) {
      expected = compressed_size;
    } else if (prefix == 0x04 || prefix == 0x06 || prefix == 0x07) {
      expected = uncompressed_size;
    } else {
      return keys::error::invalid_public_key_prefix;
    }
    if (bytes.size() != expected) return keys::error::public_key_wrong_length;
    PublicKey k;
    if (!secp256k1_ec_pubkey_parse(keys::secp256k1_ctx(), &k.native_, bytes.data(), bytes.size()))
      return keys::error::public_key_not_on_curve;
    std::memcpy(k.bytes_.data(), bytes.data(), bytes.size());
    k.size_ = static_cast<std::uint8_t>(bytes.size());
    return k;
  }

  static result<PublicKey> try_from_hex(std::string_view hex) noexcept {
    std::uint8_t buf[uncompressed_size];
    if (hex.size() != 2 * compressed_size && hex.size() != 2 * uncompressed_size)
      return keys::error::public_key_wrong_length;
    if (auto ec = decode_hex(hex, MutableByteSpan(buf, hex.size() / 2))) return ec;
    return parse(ByteSpan(buf, hex.size() / 2));
  }

  static PublicKey from_hex(std::string_view hex) { return value_or_throw(try_from_hex(hex), "public key"); }

  // A point libsecp256k1 already holds (derived keys, recovered keys).
  static PublicKey from_native(const secp256k1_pubkey& point, bool compressed) noexcept {
    PublicKey k;
    k.native_ = point;
    std::size_t len = compressed ? compressed_size : uncompressed_size;
    secp256k1_ec_pubkey_serialize(keys::secp256k1_ctx(), k.bytes_.data(), &len, &point,
                                  compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED);
    k.size_ = static_cast<std::uint8_t>(len);
    return k;
  }

  // From a recoverable signature over `digest`; the key comes out compressed or not as the
  // header byte says.
  static result<PublicKey> recover(const Hash256& digest, ByteSpan signature) noexcept {
    if (signature.size() != 65) return keys::error::compact_signature_wrong_length;
    const int header = signature[0];
    if (header < 27 || header > 34) return keys::error::invalid_recovery_header;
    const int recid = (header - 27) & 3;
    const bool compressed = header >= 31;
    const auto* ctx = keys::secp256k1_ctx();
    secp256k1_ecdsa_recoverable_signature sig;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, signature.data() + 1, recid))
      return keys::error::signature_value_out_of_range;
    secp256k1_pubkey point;
    if (!secp256k1_ecdsa_recover(ctx, &point, &sig, digest.data())) return keys::error::public_key_recovery_failed;
    return from_native(point, compressed);
  }

  ByteSpan bytes() const noexcept { return {bytes_.data(), size_}; }
  std::size_t size() const noexcept { return size_; }
  bool compressed() const noexcept { return size_ == compressed_size; }
  std::string to_hex() const { return coinkit::to_hex(bytes()); }

  std::array<std::uint8_t, compressed_size> compressed_bytes() const noexcept {
    std::array<std::uint8_t, compressed_size> out;
    std::size_t len = out.size();
    secp256k1_ec_pubkey_serialize(keys::secp256k1_ctx(), out.data(), &len, &native_, SECP256K1_EC_COMPRESSED);
    return out;
  }

  std::array<std::uint8_t, uncompressed_size> uncompressed_bytes() const noexcept {
    std::array<std::uint8_t, uncompressed_size> out;
    std::size_t len = out.size();
    secp256k1_ec_pubkey_serialize(keys::secp256k1_ctx(), out.data(), &len, &native_, SECP256K1_EC_UNCOMPRESSED);
    return out;
  }

  // The same point in the other encoding.
  PublicKey with_compressed(bool compressed) const noexcept { return from_native(native_, compressed); }

  // hash160 of the encoding: the key id inside p2pkh and p2wpkh scripts.
  Hash160 key_id() const noexcept { return hash160(bytes()); }

  // Verifies as Core's CPubKey::Verify does: a high-S signature is normalized first, since
  // consensus never required low S (standardness does: check EcdsaSignature::is_low_s).
  bool verify(const Hash256& digest, const EcdsaSignature& signature) const noexcept {
    const EcdsaSignature low = signature.normalized();
    return secp256k1_ecdsa_verify(keys::secp256k1_ctx(), &low.native(), digest.data(), &native_) == 1;
  }

  // A DER signature from a script, through Core's lax parser; false when it does not parse.
  bool verify_der(const Hash256& digest, ByteSpan der) const noexcept {
    auto sig = EcdsaSignature::parse_der_lax(der);
    return sig && verify(digest, *sig);
  }

  // this + tweak*G (BIP32 public child derivation).
  result<PublicKey> tweak_add(std::span<const std::uint8_t, 32> tweak) const noexcept {
    secp256k1_pubkey point = native_;
    if (!secp256k1_ec_pubkey_tweak_add(keys::secp256k1_ctx(), &point, tweak.data())) return keys::error::invalid_tweak;
    return from_native(point, compressed());
  }

  const secp256k1_pubkey& native() const noexcept { return native_; }

  // Equal encodings (the same point in two encodings compares unequal, as in Core).
  friend bool operator==(const PublicKey& a, const PublicKey& b) noexcept { return equal(a.bytes(), b.bytes()); }

  friend std::ostream& operator<<(std::ostream& os, const PublicKey& k) { return os << k.to_hex(); }

 private:
  PublicKey() noexcept = default;

  secp256k1_pubkey native_;
  std::array<std::uint8_t, uncompressed_size> bytes_;
  std::uint8_t size_ = 0;
};

}  // namespace coinkit
