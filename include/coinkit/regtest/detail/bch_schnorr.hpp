// Bitcoin Cash Schnorr signatures (the 2019-05-15 upgrade's spec, not BIP340): verification for
// the regtest node's checker, and signing for its tests, both over libsecp256k1's public API.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/core/uint256.hpp>
#include <coinkit/keys/private_key.hpp>
#include <coinkit/keys/public_key.hpp>
#include <coinkit/keys/secp256k1_context.hpp>

#include <array>
#include <cstdint>
#include <cstring>

#include <strings.h>  // explicit_bzero

namespace coinkit::regtest::detail {

// Arithmetic modulo the field prime p = 2^256 - 2^32 - 977, just enough for Euler's criterion.
class FieldElement {
 public:
  using u64 = std::uint64_t;
  __extension__ using u128 = unsigned __int128;  // GCC and Clang; -Wpedantic knows it as an extension
  static constexpr u64 c = 0x1000003d1;          // 2^256 - p

  static FieldElement from_be(const std::uint8_t* b) noexcept {
    FieldElement f;
    for (int i = 0; i < 4; ++i) {
      u64 w = 0;
      for (int k = 0; k < 8; ++k) w = (w << 8) | b[8 * (3 - i) + k];
      f.w_[i] = w;
    }
    return f;
  }
  bool below_p() const noexcept {
    return !(w_[3] == ~u64{0} && w_[2] == ~u64{0} && w_[1] == ~u64{0} && w_[0] >= 0xfffffffefffffc2f);
  }
  bool is_one() const noexcept { return w_[0] == 1 && w_[1] == 0 && w_[2] == 0 && w_[3] == 0; }

  friend FieldElement operator*(const FieldElement& a, const FieldElement& b) noexcept {
    u64 t[8] = {};
    for (int i = 0; i < 4; ++i) {
      u128 carry = 0;
      for (int j = 0; j < 4; ++j) {
        carry += static_cast<u128>(a.w_[i]) * b.w_[j] + t[i + j];
        t[i + j] = static_cast<u64>(carry);
        carry >>= 64;
      }
      t[i + 4] = static_cast<u64>(carry);
    }
    // t = lo + hi * 2^256 = lo + hi * c (mod p), folded twice, then one conditional subtraction.
    FieldElement r;
    u128 carry = 0;
    for (int i = 0; i < 4; ++i) {
      carry += static_cast<u128>(t[4 + i]) * c + t[i];
      r.w_[i] = static_cast<u64>(carry);
      carry >>= 64;
    }
    r.add_small(static_cast<u64>(carry) * c);
    if (!r.below_p()) r.subtract_p();
    return r;
  }

  // a^((p-1)/2): 1 for a non-zero quadratic residue (Euler's criterion).
  FieldElement legendre_power() const noexcept {
    // (p - 1) / 2, little-endian limbs.
    constexpr u64 e[4] = {0xffffffff7ffffe17, ~u64{0}, ~u64{0}, 0x7fffffffffffffff};
    FieldElement result = one(), base = *this;
    for (int i = 0; i < 4; ++i) {
      for (int bit = 0; bit < 64; ++bit) {
        if ((e[i] >> bit) & 1) result = result * base;
        base = base * base;
      }
    }
    return result;
  }

 private:
  static FieldElement one() noexcept {
    FieldElement f;
    f.w_[0] = 1;
    return f;
  }
  // r - p == r + c (mod 2^256), for p <= r < 2^256.
  void subtract_p() noexcept {
    u128 carry = c;
    for (int i = 0; i < 4; ++i) {
      carry += w_[i];
      w_[i] = static_cast<u64>(carry);
      carry >>= 64;
    }
  }
  // Adds v (< 2^128), wrapping past 2^256 by adding c once more (2^256 == c mod p).
  void add_small(u128 v) noexcept {
    while (v) {
      u128 carry = v;
      for (int i = 0; i < 4; ++i) {
        carry += w_[i];
        w_[i] = static_cast<u64>(carry);
        carry >>= 64;
      }
      v = carry ? static_cast<u128>(c) : 0;
    }
  }

  u64 w_[4] = {};
};

inline bool has_square_y(const std::uint8_t uncompressed[65]) noexcept {
  return FieldElement::from_be(uncompressed + 33).legendre_power().is_one();
}

inline Hash256 bch_schnorr_challenge(ByteSpan r, const PublicKey& key, const Hash256& message) {
  const auto compressed = key.compressed_bytes();
  return Sha256().write(r).write(compressed).write(message.span()).finalize();
}

// Verifies a 64-byte (r, s) signature of `message`: R = s*G - e*P must have x = r and a square y.
inline bool bch_schnorr_verify(ByteSpan sig, const PublicKey& key, const Hash256& message) noexcept {
  if (sig.size() != 64) return false;
  const auto* ctx = keys::secp256k1_ctx();
  const ByteSpan r = sig.first(32), s = sig.subspan(32);
  if (!FieldElement::from_be(r.data()).below_p()) return false;
  if (!secp256k1_ec_seckey_verify(ctx, s.data())) return false;  // s in [1, n)
  const Hash256 e = bch_schnorr_challenge(r, key, message);
  secp256k1_pubkey s_g, e_p = key.native(), point;
  if (!secp256k1_ec_pubkey_create(ctx, &s_g, s.data())) return false;
  if (!secp256k1_ec_pubkey_tweak_mul(ctx, &e_p, e.data())) return false;
  if (!secp256k1_ec_pubkey_negate(ctx, &e_p)) return false;
  const secp256k1_pubkey* parts[2] = {&s_g, &e_p};
  if (!secp256k1_ec_pubkey_combine(ctx, &point, parts, 2)) return false;  // R at infinity
  std::uint8_t out[65];
  std::size_t len = sizeof out;
  secp256k1_ec_pubkey_serialize(ctx, out, &len, &point, SECP256K1_EC_UNCOMPRESSED);
  return std::memcmp(out + 1, r.data(), 32) == 0 && has_square_y(out);
}

// Signs deterministically (nonce from the secret and the message): k chosen so that R = k*G
// has a square y, s = k + e*x.
inline std::array<std::uint8_t, 64> bch_schnorr_sign(const PrivateKey& key, const Hash256& message) {
  const auto* ctx = keys::secp256k1_ctx();
  Hash256 k = Sha256().write(key.span()).write(message.span()).write(as_bytes("BCH Schnorr nonce")).finalize();
  secp256k1_pubkey r_point;
  std::uint8_t out[65];
  std::size_t len = sizeof out;
  [[maybe_unused]] int ok = secp256k1_ec_pubkey_create(ctx, &r_point, k.data());
  secp256k1_ec_pubkey_serialize(ctx, out, &len, &r_point, SECP256K1_EC_UNCOMPRESSED);
  if (!has_square_y(out)) ok &= secp256k1_ec_seckey_negate(ctx, k.data());
  std::array<std::uint8_t, 64> sig;
  std::memcpy(sig.data(), out + 1, 32);
  const Hash256 e = bch_schnorr_challenge(ByteSpan(sig.data(), 32), key.public_key(), message);
  std::uint8_t s[32];
  std::memcpy(s, key.span().data(), 32);
  ok &= secp256k1_ec_seckey_tweak_mul(ctx, s, e.data());
  ok &= secp256k1_ec_seckey_tweak_add(ctx, s, k.data());
  std::memcpy(sig.data() + 32, s, 32);
  explicit_bzero(s, sizeof s);
  explicit_bzero(k.data(), 32);
  return sig;
}

}  // namespace coinkit::regtest::detail
