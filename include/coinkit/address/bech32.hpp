// Bech32 and bech32m strings (BIP173, BIP350): a human-readable part, 5-bit data and a checksum.
#pragma once

#include <coinkit/address/detail/base32.hpp>
#include <coinkit/address/error.hpp>
#include <coinkit/core/bytes.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace coinkit {

// The two checksums differ only in the constant the polymod must leave (BIP350).
enum class Bech32Variant { bech32, bech32m };

inline constexpr std::size_t bech32_max_length = 90;  // BIP173: whole string, separator included
inline constexpr std::size_t bech32_checksum_length = 6;

// A decoded bech32 string.
struct Bech32Data {
  Bech32Variant variant;
  std::string hrp;  // lower case
  Bytes values;     // 5-bit values, checksum removed
};

namespace address::detail {

constexpr std::uint32_t bech32_polymod_step(std::uint32_t c, std::uint8_t value) noexcept {
  const std::uint32_t top = c >> 25;
  c = (c & 0x1ffffff) << 5 ^ value;
  if (top & 1) c ^= 0x3b6a57b2;
  if (top & 2) c ^= 0x26508e6d;
  if (top & 4) c ^= 0x1ea119fa;
  if (top & 8) c ^= 0x3d4233dd;
  if (top & 16) c ^= 0x2a1462b3;
  return c;
}

constexpr std::uint32_t bech32_constant(Bech32Variant v) noexcept {
  return v == Bech32Variant::bech32 ? 1 : 0x2bc830a3;
}

// The polymod state after the expanded HRP: high bits of each character, a zero, low bits.
// Case-insensitive, so an upper-case string checks as its lower-case form.
constexpr std::uint32_t bech32_hrp_polymod(std::string_view hrp) noexcept {
  std::uint32_t c = 1;
  for (char ch : hrp) c = bech32_polymod_step(c, static_cast<std::uint8_t>(to_lower(ch)) >> 5);
  c = bech32_polymod_step(c, 0);
  for (char ch : hrp) c = bech32_polymod_step(c, static_cast<std::uint8_t>(to_lower(ch)) & 31);
  return c;
}

// A checksum-verified bech32 string as views into the text: no allocation.
struct Bech32View {
  Bech32Variant variant;
  std::string_view hrp;   // as written (either case)
  std::string_view data;  // data characters, checksum excluded; each maps through base32_values
};

// Checks length, separator, HRP, characters, case and checksum, each failure with its own code.
constexpr result<Bech32View> bech32_parse(std::string_view s, std::size_t max_length) noexcept {
  if (s.size() > max_length) return error::too_long;
  const std::size_t sep = s.rfind('1');
  if (sep == std::string_view::npos) return error::no_separator;
  if (sep == 0) return error::empty_hrp;
  for (std::size_t i = 0; i < sep; ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u < 33 || u > 126) return error::invalid_hrp_character;
  }
  if (s.size() - sep - 1 < bech32_checksum_length) return error::checksum_too_short;
  std::uint32_t c = bech32_hrp_polymod(s.substr(0, sep));
  for (std::size_t i = sep + 1; i < s.size(); ++i) {
    const int v = base32_values[static_cast<unsigned char>(s[i])];
    if (v < 0) return error::invalid_data_character;
    c = bech32_polymod_step(c, static_cast<std::uint8_t>(v));
  }
  if (has_mixed_case(s)) return error::mixed_case;
  Bech32Variant variant;
  if (c == bech32_constant(Bech32Variant::bech32))
    variant = Bech32Variant::bech32;
  else if (c == bech32_constant(Bech32Variant::bech32m))
    variant = Bech32Variant::bech32m;
  else
    return error::bech32_checksum_mismatch;
  return Bech32View{variant, s.substr(0, sep), s.substr(sep + 1, s.size() - sep - 1 - bech32_checksum_length)};
}

constexpr error_code check_hrp_to_encode(std::string_view hrp) noexcept {
  if (hrp.empty()) return error::empty_hrp;
  for (char ch : hrp) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 33 || u > 126) return error::invalid_hrp_character;
    if (is_upper(ch)) return error::uppercase_hrp;
  }
  return {};
}

}  // namespace address::detail

// Encodes 5-bit `values` (each < 32) under a lower-case `hrp`.
inline result<std::string> bech32_encode(std::string_view hrp, ByteSpan values, Bech32Variant variant,
                                         std::size_t max_length = bech32_max_length) {
  namespace d = address::detail;
  if (auto ec = d::check_hrp_to_encode(hrp)) return ec;
  if (hrp.size() + 1 + values.size() + bech32_checksum_length > max_length) return address::error::too_long;
  std::string out;
  out.reserve(hrp.size() + 1 + values.size() + bech32_checksum_length);
  out.append(hrp);
  out.push_back('1');
  std::uint32_t c = d::bech32_hrp_polymod(hrp);
  for (std::uint8_t v : values) {
    if (v > 31) return address::error::invalid_data_value;
    c = d::bech32_polymod_step(c, v);
    out.push_back(d::base32_alphabet[v]);
  }
  for (std::size_t i = 0; i < bech32_checksum_length; ++i) c = d::bech32_polymod_step(c, 0);
  c ^= d::bech32_constant(variant);
  for (std::size_t i = 0; i < bech32_checksum_length; ++i)
    out.push_back(d::base32_alphabet[c >> (5 * (bech32_checksum_length - 1 - i)) & 31]);
  return out;
}

// Decodes and verifies a bech32 or bech32m string, telling which checksum it carries.
inline result<Bech32Data> bech32_decode(std::string_view text, std::size_t max_length = bech32_max_length) {
  namespace d = address::detail;
  auto view = d::bech32_parse(text, max_length);
  if (!view) return view.error();
  Bech32Data out{view->variant, std::string(view->hrp), Bytes(view->data.size())};
  for (char& ch : out.hrp) ch = d::to_lower(ch);
  for (std::size_t i = 0; i < view->data.size(); ++i)
    out.values[i] = static_cast<std::uint8_t>(d::base32_values[static_cast<unsigned char>(view->data[i])]);
  return out;
}

inline Bech32Data bech32_decode_or_throw(std::string_view text) {
  return value_or_throw(bech32_decode(text), "bech32");
}

}  // namespace coinkit
