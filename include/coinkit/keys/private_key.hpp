// PrivateKey: a secp256k1 secret in 1..n-1 with its compressed flag; ECDSA signing.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/uint256.hpp>
#include <coinkit/keys/ecdsa_signature.hpp>
#include <coinkit/keys/error.hpp>
#include <coinkit/keys/public_key.hpp>
#include <coinkit/keys/random.hpp>
#include <coinkit/keys/secp256k1_context.hpp>

#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <boost/assert.hpp>

#include <array>
#include <cstring>
#include <span>
#include <string_view>

#include <strings.h>  // explicit_bzero

namespace coinkit {

// Whether the signer retries with extra entropy until r < 2^255. Core and Electrum both grind
// (71-byte DER signatures, one byte less fee), so grinding keeps our signatures byte-equal to
// theirs; `none` gives plain RFC6979.
enum class NonceGrinding { none, low_r };

class PrivateKey {
 public:
  static constexpr std::size_t size = 32;

  // `compressed` says which public key encoding the key pays to (WIF's suffix byte).
  static result<PrivateKey> from_bytes(ByteSpan secret, bool compressed = true) noexcept {
    if (secret.size() != size) return keys::error::private_key_wrong_length;
    if (!secp256k1_ec_seckey_verify(keys::secp256k1_ctx(), secret.data())) return keys::error::invalid_private_key;
    PrivateKey k;
    std::memcpy(k.secret_.data(), secret.data(), size);
    k.compressed_ = compressed;
    return k;
  }

  static result<PrivateKey> try_from_hex(std::string_view hex, bool compressed = true) noexcept {
    std::uint8_t buf[size];
    if (hex.size() != 2 * size) return keys::error::private_key_wrong_length;
    if (auto ec = decode_hex(hex, buf)) return ec;
    auto k = from_bytes(buf, compressed);
    explicit_bzero(buf, sizeof buf);
    return k;
  }

  static PrivateKey from_hex(std::string_view hex, bool compressed = true) {
    return value_or_throw(try_from_hex(hex, compressed), "private key");
  }

  // A fresh key from the kernel's random source.
  static PrivateKey generate(bool compressed = true) noexcept {
    PrivateKey k;
    k.compressed_ = compressed;
    do secure_random(k.secret_);
    while (!secp256k1_ec_seckey_verify(keys::secp256k1_ctx(), k.secret_.data()));
    return k;
  }

  PrivateKey(const PrivateKey&) noexcept = default;
  PrivateKey& operator=(const PrivateKey&) noexcept = default;
  ~PrivateKey() { explicit_bzero(secret_.data(), secret_.size()); }

  const std::array<std::uint8_t, size>& bytes() const noexcept { return secret_; }
  ByteSpan span() const noexcept { return secret_; }
  bool compressed() const noexcept { return compressed_; }

  PrivateKey with_compressed(bool compressed) const noexcept {
    PrivateKey k = *this;
    k.compressed_ = compressed;
    return k;
  }

  PublicKey public_key() const noexcept {
    secp256k1_pubkey point;
    const int ok = secp256k1_ec_pubkey_create(keys::secp256k1_ctx(), &point, secret_.data());
    BOOST_ASSERT(ok);  // the secret was range-checked on construction
    (void)ok;
    return PublicKey::from_native(point, compressed_);
  }

  // ECDSA over a 32-byte digest: RFC6979 nonce, low S (libsecp256k1 only produces low S).
  EcdsaSignature sign(const Hash256& digest, NonceGrinding grinding = NonceGrinding::low_r) const noexcept {
    secp256k1_ecdsa_signature sig;
    sign_with_grinding(grinding, [&](const std::uint8_t* entropy) {
      const int ok = secp256k1_ecdsa_sign(keys::secp256k1_ctx(), &sig, digest.data(), secret_.data(), nullptr, entropy);
      BOOST_ASSERT(ok);
      (void)ok;
      return EcdsaSignature::from_native(sig).has_low_r();
    });
    return EcdsaSignature::from_native(sig);
  }

  // The 65-byte recoverable form (see RecoverableSignature); the same r and s as sign().
  RecoverableSignature sign_recoverable(const Hash256& digest,
                                        NonceGrinding grinding = NonceGrinding::low_r) const noexcept {
    const auto* ctx = keys::secp256k1_ctx();
    secp256k1_ecdsa_recoverable_signature sig;
    RecoverableSignature out;
    int recid = 0;
    sign_with_grinding(grinding, [&](const std::uint8_t* entropy) {
      const int ok = secp256k1_ecdsa_sign_recoverable(ctx, &sig, digest.data(), secret_.data(), nullptr, entropy);
      BOOST_ASSERT(ok);
      (void)ok;
      secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, out.data() + 1, &recid, &sig);
      return out[1] < 0x80;
    });
    out[0] = static_cast<std::uint8_t>(27 + recid + (compressed_ ? 4 : 0));
    return out;
  }

  // (this + tweak) mod n: BIP32 private child derivation.
  result<PrivateKey> tweak_add(std::span<const std::uint8_t, 32> tweak) const noexcept {
    PrivateKey k = *this;
    if (!secp256k1_ec_seckey_tweak_add(keys::secp256k1_ctx(), k.secret_.data(), tweak.data()))
      return keys::error::invalid_tweak;
    return k;
  }

  friend bool operator==(const PrivateKey& a, const PrivateKey& b) noexcept {
    return a.compressed_ == b.compressed_ && a.secret_ == b.secret_;
  }

 private:
  PrivateKey() noexcept = default;

  // Core's CKey::Sign loop: first without extra entropy, then with a counter written
  // little-endian into 32 bytes, until `accept` takes the signature.
  template <class Attempt>
  static void sign_with_grinding(NonceGrinding grinding, Attempt attempt) noexcept {
    if (attempt(nullptr) || grinding == NonceGrinding::none) return;
    std::uint8_t entropy[32] = {};
    for (std::uint32_t counter = 1;; ++counter) {
      store_le<std::uint32_t>(entropy, counter);
      if (attempt(entropy)) return;
    }
  }

  std::array<std::uint8_t, size> secret_{};
  bool compressed_ = true;
};

}  // namespace coinkit
