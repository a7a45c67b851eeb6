// BIP340 Schnorr: x-only public keys, signing with auxiliary randomness, and verification.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/keys/error.hpp>
#include <coinkit/keys/private_key.hpp>
#include <coinkit/keys/public_key.hpp>
#include <coinkit/keys/random.hpp>
#include <coinkit/keys/secp256k1_context.hpp>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <boost/assert.hpp>

#include <array>
#include <cstring>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include <strings.h>  // explicit_bzero

namespace coinkit {

using SchnorrSignature = std::array<std::uint8_t, 64>;

// A public key by its x coordinate alone; the point is the one with even y (BIP340).
class XOnlyPublicKey {
 public:
  static constexpr std::size_t size = 32;

  static result<XOnlyPublicKey> parse(ByteSpan x) noexcept {
    if (x.size() != size) return keys::error::x_only_key_wrong_length;
    XOnlyPublicKey k;
    if (!secp256k1_xonly_pubkey_parse(keys::secp256k1_ctx(), &k.native_, x.data()))
      return keys::error::x_only_key_not_on_curve;
    std::memcpy(k.bytes_.data(), x.data(), size);
    return k;
  }

  static result<XOnlyPublicKey> try_from_hex(std::string_view hex) noexcept {
    std::uint8_t buf[size];
    if (hex.size() != 2 * size) return keys::error::x_only_key_wrong_length;
    if (auto ec = decode_hex(hex, buf)) return ec;
    return parse(buf);
  }

  static XOnlyPublicKey from_hex(std::string_view hex) {
    return value_or_throw(try_from_hex(hex), "x-only public key");
  }

  // Drops the parity of a full key; `odd_y` (if given) receives it.
  static XOnlyPublicKey from_public_key(const PublicKey& key, bool* odd_y = nullptr) noexcept {
    return from_native_pubkey(key.native(), odd_y);
  }

  static XOnlyPublicKey from_native_pubkey(const secp256k1_pubkey& point, bool* odd_y = nullptr) noexcept {
    const auto* ctx = keys::secp256k1_ctx();
    XOnlyPublicKey k;
    int parity = 0;
    const int ok = secp256k1_xonly_pubkey_from_pubkey(ctx, &k.native_, &parity, &point);
    BOOST_ASSERT(ok);
    (void)ok;
    secp256k1_xonly_pubkey_serialize(ctx, k.bytes_.data(), &k.native_);
    if (odd_y) *odd_y = parity != 0;
    return k;
  }

  const std::array<std::uint8_t, size>& bytes() const noexcept { return bytes_; }
  ByteSpan span() const noexcept { return bytes_; }
  std::string to_hex() const { return coinkit::to_hex(bytes_); }
  const secp256k1_xonly_pubkey& native() const noexcept { return native_; }

  // BIP340 verification of a message of any length; false for a signature not 64 bytes.
  bool verify(ByteSpan signature, ByteSpan message) const noexcept {
    if (signature.size() != 64) return false;
    return secp256k1_schnorrsig_verify(keys::secp256k1_ctx(), signature.data(), message.data(), message.size(),
                                       &native_) == 1;
  }

  friend bool operator==(const XOnlyPublicKey& a, const XOnlyPublicKey& b) noexcept { return a.bytes_ == b.bytes_; }
  friend std::ostream& operator<<(std::ostream& os, const XOnlyPublicKey& k) { return os << k.to_hex(); }

 private:
  XOnlyPublicKey() noexcept = default;

  secp256k1_xonly_pubkey native_;
  std::array<std::uint8_t, size> bytes_;
};

inline XOnlyPublicKey x_only_public_key(const PrivateKey& key) noexcept {
  return XOnlyPublicKey::from_public_key(key.public_key());
}

// BIP340 signing of a message of any length (taproot signs 32-byte sighashes) with the given
// auxiliary randomness, which BIP340 mixes into the nonce against side channels.
inline SchnorrSignature schnorr_sign(const PrivateKey& key, ByteSpan message,
                                     std::span<const std::uint8_t, 32> aux_rand) noexcept {
  const auto* ctx = keys::secp256k1_ctx();
  secp256k1_keypair keypair;
  const int created = secp256k1_keypair_create(ctx, &keypair, key.bytes().data());
  BOOST_ASSERT(created);  // the secret was range-checked on construction
  (void)created;
  secp256k1_schnorrsig_extraparams params = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
  std::uint8_t aux[32];
  std::memcpy(aux, aux_rand.data(), 32);
  params.ndata = aux;
  SchnorrSignature sig;
  const int ok = secp256k1_schnorrsig_sign_custom(ctx, sig.data(), message.data(), message.size(), &keypair, &params);
  BOOST_ASSERT(ok);
  (void)ok;
  explicit_bzero(&keypair, sizeof keypair);
  return sig;
}

// With fresh auxiliary randomness from the kernel (what BIP340 recommends).
inline SchnorrSignature schnorr_sign(const PrivateKey& key, ByteSpan message) noexcept {
  std::array<std::uint8_t, 32> aux;
  secure_random(aux);
  return schnorr_sign(key, message, aux);
}

}  // namespace coinkit
