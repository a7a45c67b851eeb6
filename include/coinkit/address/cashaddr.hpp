// CashAddr (Bitcoin Cash): prefix, version byte and hash in base32 with a 40-bit BCH checksum.
#pragma once

#include <coinkit/address/detail/base32.hpp>
#include <coinkit/address/error.hpp>
#include <coinkit/core/bytes.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace coinkit {

// The 4 type bits of the version byte (cashaddr.md; CHIP-2022-02 CashTokens adds 2 and 3).
// Other values up to 15 decode, and have no script template.
enum class CashAddrType : std::uint8_t {
  p2pkh = 0,
  p2sh = 1,
  token_p2pkh = 2,  // token-aware: the wallet accepts CashTokens
  token_p2sh = 3,
};

inline constexpr std::size_t cashaddr_checksum_length = 8;  // 40 bits
inline constexpr std::size_t cashaddr_max_hash_size = 64;   // 512 bits, size bits 7
// Characters after the separator: a version byte and a 64-byte hash (104 groups), then the checksum.
inline constexpr std::size_t cashaddr_max_payload_length =
    ((1 + cashaddr_max_hash_size) * 8 + 4) / 5 + cashaddr_checksum_length;
// The spec sets no limit on the prefix; this is bech32's, far above any network's prefix.
inline constexpr std::size_t cashaddr_max_prefix_length = 83;

// A decoded CashAddr address; the hash is held inline.
struct CashAddr {
  std::string prefix;  // lower case
  CashAddrType type = CashAddrType::p2pkh;
  std::uint8_t hash_size = 0;
  std::array<std::uint8_t, cashaddr_max_hash_size> hash_bytes{};

  ByteSpan hash() const noexcept { return {hash_bytes.data(), hash_size}; }
  bool token_aware() const noexcept { return type == CashAddrType::token_p2pkh || type == CashAddrType::token_p2sh; }
};

// A checksum-verified CashAddr string at the 5-bit level, with any payload.
struct CashAddrData {
  std::string prefix;  // lower case
  Bytes values;        // 5-bit values, checksum removed
};

namespace address::detail {

constexpr std::uint64_t cashaddr_polymod_step(std::uint64_t c, std::uint8_t value) noexcept {
  const auto top = static_cast<std::uint8_t>(c >> 35);
  c = (c & 0x07ffffffff) << 5 ^ value;
  if (top & 0x01) c ^= 0x98f2bc8e61;
  if (top & 0x02) c ^= 0x79b76d99e2;
  if (top & 0x04) c ^= 0xf33e5fb3c4;
  if (top & 0x08) c ^= 0xae2eabe2a8;
  if (top & 0x10) c ^= 0x1e4f43e470;
  return c;
}

// The polymod state after the prefix: the low 5 bits of each character, then a zero.
constexpr std::uint64_t cashaddr_prefix_polymod(std::string_view prefix) noexcept {
  std::uint64_t c = 1;
  for (char ch : prefix) c = cashaddr_polymod_step(c, static_cast<std::uint8_t>(to_lower(ch)) & 31);
  return cashaddr_polymod_step(c, 0);
}

constexpr bool is_prefix_character(char c) noexcept { return is_lower(c) || is_upper(c) || (c >= '0' && c <= '9'); }

// Hash size in bytes for the version byte's 3 size bits.
constexpr std::size_t cashaddr_hash_size(unsigned size_bits) noexcept {
  return size_bits < 4 ? 20 + 4 * size_bits : 40 + 8 * (size_bits - 4);
}

// A checksum-verified CashAddr string as views: no allocation.
struct CashAddrView {
  std::string_view prefix;  // as written, or the expected prefix when none was written
  std::string_view data;    // data characters, checksum excluded
};

// With no prefix written, `expected_prefix` is assumed (the checksum still covers it); with
// one written, it must match `expected_prefix` (if given) once the checksum holds.
constexpr result<CashAddrView> cashaddr_parse(std::string_view s, std::string_view expected_prefix) noexcept {
  const std::size_t sep = s.find(':');
  std::string_view prefix = expected_prefix, payload = s;
  if (sep != std::string_view::npos) {
    prefix = s.substr(0, sep);
    payload = s.substr(sep + 1);
    if (prefix.empty()) return error::empty_hrp;
  } else if (expected_prefix.empty()) {
    return error::missing_prefix;
  }
  if (prefix.size() > cashaddr_max_prefix_length || payload.size() > cashaddr_max_payload_length)
    return error::too_long;
  for (char c : prefix)
    if (!is_prefix_character(c)) return error::invalid_hrp_character;
  if (payload.size() < cashaddr_checksum_length) return error::checksum_too_short;
  std::uint64_t c = cashaddr_prefix_polymod(prefix);
  for (char ch : payload) {
    const int v = base32_values[static_cast<unsigned char>(ch)];
    if (v < 0) return error::invalid_data_character;
    c = cashaddr_polymod_step(c, static_cast<std::uint8_t>(v));
  }
  if (has_mixed_case(s)) return error::mixed_case;
  if (c != 1) return error::cashaddr_checksum_mismatch;
  if (sep != std::string_view::npos && !expected_prefix.empty() && !iequals(prefix, expected_prefix))
    return error::wrong_network;
  return CashAddrView{prefix, payload.substr(0, payload.size() - cashaddr_checksum_length)};
}

constexpr error_code check_prefix_to_encode(std::string_view prefix) noexcept {
  if (prefix.empty()) return error::empty_hrp;
  if (prefix.size() > cashaddr_max_prefix_length) return error::too_long;
  for (char c : prefix) {
    if (is_upper(c)) return error::uppercase_hrp;
    if (!is_prefix_character(c)) return error::invalid_hrp_character;
  }
  return {};
}

inline std::string lower_string(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_lower(c);
  return out;
}

// prefix ':' values checksum, for values already known to be < 32.
inline std::string cashaddr_write(std::string_view prefix, ByteSpan values) {
  std::string out;
  out.reserve(prefix.size() + 1 + values.size() + cashaddr_checksum_length);
  out.append(prefix);
  out.push_back(':');
  std::uint64_t c = cashaddr_prefix_polymod(prefix);
  for (std::uint8_t v : values) {
    c = cashaddr_polymod_step(c, v);
    out.push_back(base32_alphabet[v]);
  }
  for (std::size_t i = 0; i < cashaddr_checksum_length; ++i) c = cashaddr_polymod_step(c, 0);
  c ^= 1;
  for (std::size_t i = 0; i < cashaddr_checksum_length; ++i)
    out.push_back(base32_alphabet[c >> (5 * (cashaddr_checksum_length - 1 - i)) & 31]);
  return out;
}

}  // namespace address::detail

// Encodes `hash` (20, 24, 28, 32, 40, 48, 56 or 64 bytes) of `type` under a lower-case prefix.
inline result<std::string> cashaddr_encode(std::string_view prefix, CashAddrType type, ByteSpan hash) {
  namespace d = address::detail;
  if (auto ec = d::check_prefix_to_encode(prefix)) return ec;
  if (static_cast<unsigned>(type) > 15) return address::error::reserved_version_bit;
  unsigned size_bits = 0;
  while (size_bits < 8 && d::cashaddr_hash_size(size_bits) != hash.size()) ++size_bits;
  if (size_bits == 8) return address::error::hash_size_mismatch;
  const auto version = static_cast<std::uint8_t>(static_cast<unsigned>(type) << 3 | size_bits);
  // The version byte and the hash form one bit stream.
  std::array<std::uint8_t, 1 + cashaddr_max_hash_size> bytes;
  bytes[0] = version;
  std::copy(hash.begin(), hash.end(), bytes.begin() + 1);
  std::array<std::uint8_t, cashaddr_max_payload_length - cashaddr_checksum_length> values;
  std::size_t n = 0;
  d::bytes_to_base32(ByteSpan(bytes.data(), 1 + hash.size()), [&](std::uint8_t v) { values[n++] = v; });
  return d::cashaddr_write(prefix, ByteSpan(values.data(), n));
}

// Decodes a CashAddr address. Without a written prefix, `expected_prefix` is assumed; with
// one, a valid address under another prefix is error::wrong_network.
inline result<CashAddr> cashaddr_decode(std::string_view address, std::string_view expected_prefix = {}) {
  namespace d = address::detail;
  auto view = d::cashaddr_parse(address, expected_prefix);
  if (!view) return view.error();
  std::array<std::uint8_t, cashaddr_max_payload_length> values;
  for (std::size_t i = 0; i < view->data.size(); ++i)
    values[i] = static_cast<std::uint8_t>(d::base32_values[static_cast<unsigned char>(view->data[i])]);
  std::array<std::uint8_t, cashaddr_max_payload_length * 5 / 8 + 1> bytes;
  auto n =
      d::base32_to_bytes(std::span<const std::uint8_t>(values.data(), view->data.size()), bytes.data(), bytes.size());
  if (!n) return n.error();
  if (*n == 0) return address::error::empty_data;
  const std::uint8_t version = bytes[0];
  if (version & 0x80) return address::error::reserved_version_bit;
  if (*n - 1 != d::cashaddr_hash_size(version & 7)) return address::error::hash_size_mismatch;
  CashAddr out;
  out.prefix = d::lower_string(view->prefix);
  out.type = static_cast<CashAddrType>(version >> 3 & 15);
  out.hash_size = static_cast<std::uint8_t>(*n - 1);
  std::copy_n(bytes.begin() + 1, out.hash_size, out.hash_bytes.begin());
  return out;
}

inline CashAddr cashaddr_decode_or_throw(std::string_view address, std::string_view expected_prefix = {}) {
  return value_or_throw(cashaddr_decode(address, expected_prefix), "CashAddr");
}

// The 5-bit level, for any payload: checksum only.
inline result<std::string> cashaddr_encode_values(std::string_view prefix, ByteSpan values) {
  namespace d = address::detail;
  if (auto ec = d::check_prefix_to_encode(prefix)) return ec;
  if (values.size() + cashaddr_checksum_length > cashaddr_max_payload_length) return address::error::too_long;
  for (std::uint8_t v : values)
    if (v > 31) return address::error::invalid_data_value;
  return d::cashaddr_write(prefix, values);
}

inline result<CashAddrData> cashaddr_decode_values(std::string_view address, std::string_view expected_prefix = {}) {
  namespace d = address::detail;
  auto view = d::cashaddr_parse(address, expected_prefix);
  if (!view) return view.error();
  CashAddrData out{d::lower_string(view->prefix), Bytes(view->data.size())};
  for (std::size_t i = 0; i < view->data.size(); ++i)
    out.values[i] = static_cast<std::uint8_t>(d::base32_values[static_cast<unsigned char>(view->data[i])]);
  return out;
}

}  // namespace coinkit
