// Hex encoding and decoding of byte strings (in the order given, never reversed).
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/error.hpp>

#include <string>
#include <string_view>

namespace coinkit {

namespace detail {
inline constexpr char hex_digits[] = "0123456789abcdef";

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace detail

inline std::string to_hex(ByteSpan bytes) {
  std::string out(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = detail::hex_digits[bytes[i] >> 4];
    out[2 * i + 1] = detail::hex_digits[bytes[i] & 0x0f];
  }
  return out;
}

// Decodes into `out`, which must hold exactly hex.size() / 2 bytes.
constexpr error_code decode_hex(std::string_view hex, MutableByteSpan out) noexcept {
  if (hex.size() % 2 != 0) return core::error::odd_hex_length;
  if (out.size() != hex.size() / 2) return core::error::wrong_length;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = detail::hex_value(hex[2 * i]), lo = detail::hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return core::error::invalid_hex_character;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return {};
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
