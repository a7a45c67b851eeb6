// Base58 and base58check (sha256d checksum): legacy addresses, WIF keys and extended keys.
#pragma once

#include <coinkit/address/error.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/sha256.hpp>

#include <boost/assert.hpp>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace coinkit {

inline constexpr std::string_view base58_alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

// Decoders refuse output longer than this unless told otherwise: base58 costs time
// quadratic in its length, and nothing it carries (addresses, WIF, xpubs) comes near.
inline constexpr std::size_t base58_default_max_size = 256;

inline constexpr std::size_t base58check_checksum_size = 4;

namespace address::detail {

inline constexpr std::array<std::int8_t, 256> base58_values = [] {
  std::array<std::int8_t, 256> t{};
  t.fill(-1);
  for (std::size_t i = 0; i < base58_alphabet.size(); ++i)
    t[static_cast<unsigned char>(base58_alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}();

// Encodes the concatenation of `parts` without first copying them into one buffer.
inline std::string base58_encode_parts(std::initializer_list<ByteSpan> parts) {
  std::size_t total = 0, zeros = 0;
  bool leading = true;
  for (ByteSpan p : parts) {
    total += p.size();
    for (std::uint8_t b : p) {
      if (!leading) break;
      if (b == 0)
        ++zeros;
      else
        leading = false;
    }
  }
  // log(256) / log(58) < 1.38: room for every base58 digit of the non-zero part.
  const std::size_t capacity = (total - zeros) * 138 / 100 + 1;
  std::string out(zeros + capacity, '1');
  std::uint8_t* digits = reinterpret_cast<std::uint8_t*>(out.data()) + zeros;  // big-endian, base 58
  std::size_t used = 0;                                                        // digits in use, at the end
  std::size_t skip = zeros;
  for (ByteSpan p : parts) {
    for (std::uint8_t b : p) {
      if (skip) {
        --skip;
        continue;
      }
      unsigned carry = b;
      std::size_t i = 0;
      for (std::size_t k = capacity; k-- > 0 && (carry != 0 || i < used); ++i) {
        carry += 256u * (i < used ? digits[k] : 0u);
        digits[k] = static_cast<std::uint8_t>(carry % 58);
        carry /= 58;
      }
      BOOST_ASSERT(carry == 0);
      used = i;
    }
  }
  out.erase(zeros, capacity - used);
  for (std::size_t k = zeros; k < out.size(); ++k) out[k] = base58_alphabet[static_cast<std::uint8_t>(out[k])];
  return out;
}

}  // namespace address::detail

inline std::string base58_encode(ByteSpan data) { return address::detail::base58_encode_parts({data}); }

// Decodes base58 text; fails on a character outside the alphabet (whitespace included)
// and on output longer than `max_size` bytes.
inline result<Bytes> base58_decode(std::string_view text, std::size_t max_size = base58_default_max_size) {
  std::size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  if (ones > max_size || text.size() - ones > (max_size - ones) * 138 / 100 + 1) return address::error::too_long;
  // log(58) / log(256) < 0.733: room for every byte of the value after the leading ones.
  const std::size_t capacity = (text.size() - ones) * 733 / 1000 + 1;
  Bytes out(ones + capacity, 0);
  std::uint8_t* bytes = out.data() + ones;  // big-endian, base 256
  std::size_t used = 0;
  for (std::size_t pos = ones; pos < text.size(); ++pos) {
    const int v = address::detail::base58_values[static_cast<unsigned char>(text[pos])];
    if (v < 0) return address::error::invalid_base58_character;
    unsigned carry = static_cast<unsigned>(v);
    std::size_t i = 0;
    for (std::size_t k = capacity; k-- > 0 && (carry != 0 || i < used); ++i) {
      carry += 58u * (i < used ? bytes[k] : 0u);
      bytes[k] = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    BOOST_ASSERT(carry == 0);
    used = i;
  }
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(ones),
            out.begin() + static_cast<std::ptrdiff_t>(ones + capacity - used));
  if (out.size() > max_size) return address::error::too_long;
  return out;
}

inline Bytes base58_decode_or_throw(std::string_view text) { return value_or_throw(base58_decode(text), "base58"); }

// base58(payload || sha256d(payload)[0..4]); `payload` starts with its version byte(s).
inline std::string base58check_encode(ByteSpan payload) {
  const Hash256 digest = sha256d(payload);
  return address::detail::base58_encode_parts({payload, digest.span().first(base58check_checksum_size)});
}

// Versioned form: the version (1 byte for addresses and WIF, 4 for BIP32) then the data.
inline std::string base58check_encode(ByteSpan version, ByteSpan data) {
  const Hash256 digest = Sha256d().write(version).write(data).finalize();
  return address::detail::base58_encode_parts({version, data, digest.span().first(base58check_checksum_size)});
}

// Returns the payload (version bytes included) without its checksum.
inline result<Bytes> base58check_decode(std::string_view text, std::size_t max_size = base58_default_max_size) {
  auto decoded = base58_decode(text, max_size + base58check_checksum_size);
  if (!decoded) return decoded.error();
  Bytes& b = *decoded;
  if (b.size() < base58check_checksum_size) return address::error::base58_too_short;
  const std::size_t n = b.size() - base58check_checksum_size;
  const Hash256 digest = sha256d(ByteSpan(b.data(), n));
  if (!equal(digest.span().first(base58check_checksum_size), ByteSpan(b.data() + n, base58check_checksum_size)))
    return address::error::base58_checksum_mismatch;
  b.resize(n);
  return decoded;
}

inline Bytes base58check_decode_or_throw(std::string_view text) {
  return value_or_throw(base58check_decode(text), "base58check");
}

}  // namespace coinkit
