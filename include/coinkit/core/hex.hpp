// Hex encoding and decoding of byte strings (in the order given, never reversed).
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/error.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace coinkit {

namespace detail {
inline constexpr char hex_digits[] = "0123456789abcdef";

// A table rather than range tests: the digits of a hash are random, so the tests' branches were
// mispredicted about once a character (6% of an Electrum server's CPU under load).
inline constexpr auto hex_values = [] {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<std::int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<std::int8_t>(c - 'A' + 10);
  return t;
}();
constexpr int hex_value(char c) noexcept { return hex_values[static_cast<unsigned char>(c)]; }
}  // namespace detail

// Appends the hex of `bytes` to `out`; `reversed`: the last byte first (hashes in the order
// block explorers display them).
inline void append_hex(std::string& out, ByteSpan bytes, bool reversed = false) {
  const std::size_t n = out.size();
  out.resize(n + 2 * bytes.size());
  char* p = out.data() + n;
  auto put = [&p](std::uint8_t b) {
    *p++ = detail::hex_digits[b >> 4];
    *p++ = detail::hex_digits[b & 0x0f];
  };
  if (reversed)
    for (std::size_t i = bytes.size(); i-- > 0;) put(bytes[i]);
  else
    for (std::uint8_t b : bytes) put(b);
}

inline std::string to_hex(ByteSpan bytes) {
  std::string out;
  append_hex(out, bytes);
  return out;
}

// Decodes into `out`, which must hold exactly hex.size() / 2 bytes.
constexpr error_code decode_hex(std::string_view hex, MutableByteSpan out) noexcept {
  if (hex.size() % 2 != 0) return core::error::odd_hex_length;
  if (out.size() != hex.size() / 2) return core::error::wrong_length;
  int bad = 0;  // checked once at the end: no branch in the loop
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = detail::hex_value(hex[2 * i]), lo = detail::hex_value(hex[2 * i + 1]);
    bad |= hi | lo;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return bad < 0 ? core::error::invalid_hex_character : error_code{};
}

inline result<Bytes> try_from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return core::error::odd_hex_length;
  Bytes out(hex.size() / 2);
  if (auto ec = decode_hex(hex, out)) return ec;
  return out;
}

// Throws system_error on malformed hex; for trusted input and tests.
inline Bytes from_hex(std::string_view hex) { return value_or_throw(try_from_hex(hex), "hex"); }

}  // namespace coinkit
