// EcdsaSignature: an ECDSA (r, s) pair, parsed from strict or lax DER or 64-byte compact form.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/keys/error.hpp>
#include <coinkit/keys/secp256k1_context.hpp>

#include <secp256k1.h>

#include <array>
#include <cstring>

namespace coinkit {

// A DER signature in place: at most 72 bytes (two 33-byte integers and 6 bytes of framing).
struct DerSignature {
  static constexpr std::size_t max_size = 72;
  std::array<std::uint8_t, max_size> bytes{};
  std::size_t size = 0;
  ByteSpan span() const noexcept { return {bytes.data(), size}; }
};

class EcdsaSignature {
 public:
  // Strict DER as libsecp256k1 parses it (what BIP66 made consensus for the encoding).
  static result<EcdsaSignature> parse_der(ByteSpan der) noexcept {
    // Empty input first: libsecp256k1 aborts on a null pointer, which an empty span may hold.
    if (der.empty()) return keys::error::invalid_der_signature;
    EcdsaSignature s;
    if (!secp256k1_ecdsa_signature_parse_der(keys::secp256k1_ctx(), &s.sig_, der.data(), der.size()))
      return keys::error::invalid_der_signature;
    // The parser maps r or s >= n to zero rather than failing; such a signature never verifies.
    if (!s.values_nonzero()) return keys::error::signature_value_out_of_range;
    return s;
  }

  // Bitcoin Core's lax parser (pubkey.cpp), which pre-BIP66 signatures on the chain need:
  // any SEQUENCE length, long-form lengths with leading zeros, r and s with surplus zero
  // bytes. Only the tags and that every length stays inside the input are checked.
  static result<EcdsaSignature> parse_der_lax(ByteSpan der) noexcept {
    std::size_t pos = 0;
    const std::size_t n = der.size();
    if (pos == n || der[pos] != 0x30) return keys::error::der_not_a_sequence;
    ++pos;
    if (pos == n) return keys::error::der_truncated;
    std::size_t len = der[pos++];
    if (len & 0x80) {  // the sequence length is not used: skip its long form
      len -= 0x80;
      if (len > n - pos) return keys::error::der_truncated;
      pos += len;
    }
    ByteSpan r, s;
    if (auto ec = lax_integer(der, pos, r)) return ec;
    if (auto ec = lax_integer(der, pos, s)) return ec;
    // Anything after s is ignored, as in Core.
    std::uint8_t compact[64] = {};
    if (auto ec = strip_into(r, compact)) return ec;
    if (auto ec = strip_into(s, compact + 32)) return ec;
    return parse_compact(ByteSpan(compact, 64));
  }

  // r || s, 32 bytes each, big-endian.
  static result<EcdsaSignature> parse_compact(ByteSpan rs) noexcept {
    if (rs.size() != 64) return keys::error::compact_signature_wrong_length;
    EcdsaSignature s;
    if (!secp256k1_ecdsa_signature_parse_compact(keys::secp256k1_ctx(), &s.sig_, rs.data()))
      return keys::error::signature_value_out_of_range;
    return s;
  }

  static EcdsaSignature from_native(const secp256k1_ecdsa_signature& sig) noexcept {
    EcdsaSignature s;
    s.sig_ = sig;
    return s;
  }

  DerSignature to_der() const noexcept {
    DerSignature out;
    out.size = out.bytes.size();
    secp256k1_ecdsa_signature_serialize_der(keys::secp256k1_ctx(), out.bytes.data(), &out.size, &sig_);
    return out;
  }

  std::array<std::uint8_t, 64> to_compact() const noexcept {
    std::array<std::uint8_t, 64> out;
    secp256k1_ecdsa_signature_serialize_compact(keys::secp256k1_ctx(), out.data(), &sig_);
    return out;
  }

  // s <= n/2: the only form standardness rules (BIP146 LOW_S) and libsecp256k1 verify accept.
  bool is_low_s() const noexcept {
    secp256k1_ecdsa_signature copy = sig_;
    return !secp256k1_ecdsa_signature_normalize(keys::secp256k1_ctx(), &copy, &sig_);
  }

  // r < 2^255, so the DER form is at most 71 bytes (what Core's signer grinds for).
  bool has_low_r() const noexcept { return to_compact()[0] < 0x80; }

  EcdsaSignature normalized() const noexcept {
    EcdsaSignature s;
    secp256k1_ecdsa_signature_normalize(keys::secp256k1_ctx(), &s.sig_, &sig_);
    return s;
  }

  const secp256k1_ecdsa_signature& native() const noexcept { return sig_; }

  friend bool operator==(const EcdsaSignature& a, const EcdsaSignature& b) noexcept {
    return a.to_compact() == b.to_compact();
  }

 private:
  EcdsaSignature() noexcept = default;

  bool values_nonzero() const noexcept {
    const auto c = to_compact();
    auto zero = [](const std::uint8_t* p) {
      for (int i = 0; i < 32; ++i)
        if (p[i]) return false;
      return true;
    };
    return !zero(c.data()) && !zero(c.data() + 32);
  }

  // One INTEGER of the lax grammar: tag 02, a short or long-form length, the content.
  static error_code lax_integer(ByteSpan der, std::size_t& pos, ByteSpan& value) noexcept {
    const std::size_t n = der.size();
    if (pos == n || der[pos] != 0x02) return keys::error::der_not_an_integer;
    ++pos;
    if (pos == n) return keys::error::der_truncated;
    std::size_t len = der[pos++];
    if (len & 0x80) {
      std::size_t width = len - 0x80;
      if (width > n - pos) return keys::error::der_truncated;
      while (width > 0 && der[pos] == 0) ++pos, --width;
      if (width >= sizeof(std::uint32_t)) return keys::error::der_truncated;  // no input is 2^24 long
      len = 0;
      for (; width > 0; --width) len = (len << 8) | der[pos++];
    }
    if (len > n - pos) return keys::error::der_truncated;
    value = der.subspan(pos, len);
    pos += len;
    return {};
  }

  // Right-aligns a big-endian integer, without its leading zeros, into 32 bytes.
  static error_code strip_into(ByteSpan v, std::uint8_t* out32) noexcept {
    while (!v.empty() && v[0] == 0) v = v.subspan(1);
    if (v.size() > 32) return keys::error::der_integer_too_large;
    if (!v.empty()) std::memcpy(out32 + 32 - v.size(), v.data(), v.size());
    return {};
  }

  secp256k1_ecdsa_signature sig_;
};

}  // namespace coinkit
