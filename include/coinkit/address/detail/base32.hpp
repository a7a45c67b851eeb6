// The 5-bit alphabet shared by bech32 and CashAddr, and regrouping between 8 and 5 bits.
#pragma once

#include <coinkit/address/error.hpp>
#include <coinkit/core/bytes.hpp>

#include <boost/assert.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace coinkit::address::detail {

inline constexpr std::string_view base32_alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

// Value of each character, lower or upper case; -1 outside the alphabet.
inline constexpr std::array<std::int8_t, 256> base32_values = [] {
  std::array<std::int8_t, 256> t{};
  t.fill(-1);
  for (std::size_t i = 0; i < base32_alphabet.size(); ++i) {
    const char c = base32_alphabet[i];
    t[static_cast<unsigned char>(c)] = static_cast<std::int8_t>(i);
    if (c >= 'a' && c <= 'z') t[static_cast<unsigned char>(c - 'a' + 'A')] = static_cast<std::int8_t>(i);
  }
  return t;
}();

constexpr bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }
constexpr bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr char to_lower(char c) noexcept { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool has_mixed_case(std::string_view s) noexcept {
  bool lower = false, upper = false;
  for (char c : s) lower |= is_lower(c), upper |= is_upper(c);
  return lower && upper;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}

// Bytes to 5-bit groups, the last one padded with zero bits; calls out(v) for each group.
template <class Out>
constexpr void bytes_to_base32(ByteSpan bytes, Out&& out) {
  unsigned acc = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    acc = (acc << 8 | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out(static_cast<std::uint8_t>(acc >> bits & 31));
    }
  }
  if (bits > 0) out(static_cast<std::uint8_t>(acc << (5 - bits) & 31));
}

// 5-bit groups (already validated, < 32) back to bytes; the padding must be under 5 bits
// and zero (BIP173). Writes values.size() * 5 / 8 bytes to `out`, which must have room.
template <class Values>
constexpr result<std::size_t> base32_to_bytes(const Values& values, std::uint8_t* out, std::size_t capacity) {
  (void)capacity;  // only asserted
  unsigned acc = 0;
  int bits = 0;
  std::size_t n = 0;
  for (std::uint8_t v : values) {
    acc = (acc << 5 | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      BOOST_ASSERT(n < capacity);
      out[n++] = static_cast<std::uint8_t>(acc >> bits & 0xff);
    }
  }
  if (bits >= 5) return error::excess_padding;
  if ((acc & ((1u << bits) - 1)) != 0) return error::non_zero_padding;
  return n;
}

}  // namespace coinkit::address::detail
