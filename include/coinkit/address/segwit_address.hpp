// Segwit addresses (BIP173, BIP350): a witness version and program written in bech32/bech32m.
#pragma once

#include <coinkit/address/bech32.hpp>
#include <coinkit/address/detail/base32.hpp>
#include <coinkit/address/error.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/core/bytes.hpp>

#include <boost/assert.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace coinkit {

inline constexpr int max_witness_version = 16;               // BIP141
inline constexpr std::size_t min_witness_program_size = 2;   // BIP141
inline constexpr std::size_t max_witness_program_size = 40;  // BIP141

// A decoded segwit address; the program is held inline, so decoding does not allocate.
struct SegwitAddress {
  int version = 0;
  std::uint8_t program_size = 0;
  std::array<std::uint8_t, max_witness_program_size> program_bytes{};

  ByteSpan program() const noexcept { return {program_bytes.data(), program_size}; }
  Bytes script_pubkey() const { return witness_script(version, program()); }
};

namespace address::detail {

// BIP141 limits and the BIP173 rule for version 0.
constexpr error_code check_witness_program(int version, std::size_t size) noexcept {
  if (version < 0 || version > max_witness_version) return error::invalid_witness_version;
  if (size < min_witness_program_size || size > max_witness_program_size) return error::invalid_program_length;
  if (version == 0 && size != 20 && size != 32) return error::invalid_v0_program_length;
  return {};
}

// Reads a checksum-verified bech32 string as a witness version and program. The HRP is not
// looked at; each rejection is the one the BIP350 reference decoder would make, in its order.
inline result<SegwitAddress> segwit_from_bech32(const Bech32View& view) noexcept {
  if (view.data.empty()) return error::empty_data;
  // Data characters were validated by the parser, which was held to bech32_max_length.
  std::array<std::uint8_t, bech32_max_length> values;
  BOOST_ASSERT(view.data.size() <= values.size());
  for (std::size_t i = 0; i < view.data.size(); ++i)
    values[i] = static_cast<std::uint8_t>(base32_values[static_cast<unsigned char>(view.data[i])]);
  SegwitAddress out;
  out.version = values[0];
  if (out.version > max_witness_version) return error::invalid_witness_version;
  std::array<std::uint8_t, bech32_max_length * 5 / 8 + 1> bytes;
  auto n = base32_to_bytes(std::span<const std::uint8_t>(values.data() + 1, view.data.size() - 1), bytes.data(),
                           bytes.size());
  if (!n) return n.error();
  if (auto ec = check_witness_program(out.version, *n)) return ec;
  if (out.version == 0 && view.variant != Bech32Variant::bech32) return error::bech32_required;
  if (out.version != 0 && view.variant != Bech32Variant::bech32m) return error::bech32m_required;
  out.program_size = static_cast<std::uint8_t>(*n);
  std::copy_n(bytes.begin(), *n, out.program_bytes.begin());
  return out;
}

}  // namespace address::detail

// Writes witness `version` and `program` under `hrp` (lower case): bech32 for version 0,
// bech32m for 1..16.
inline result<std::string> segwit_address_encode(std::string_view hrp, int version, ByteSpan program) {
  if (auto ec = address::detail::check_witness_program(version, program.size())) return ec;
  std::array<std::uint8_t, 1 + (max_witness_program_size * 8 + 4) / 5> values;
  std::size_t n = 0;
  values[n++] = static_cast<std::uint8_t>(version);
  address::detail::bytes_to_base32(program, [&](std::uint8_t v) { values[n++] = v; });
  return bech32_encode(hrp, ByteSpan(values.data(), n), version == 0 ? Bech32Variant::bech32 : Bech32Variant::bech32m);
}

// Decodes a segwit address of the network whose HRP is `hrp`. A valid segwit address under
// another HRP is error::wrong_network; every other rejection has its own code.
inline result<SegwitAddress> segwit_address_decode(std::string_view address, std::string_view hrp) noexcept {
  auto view = address::detail::bech32_parse(address, bech32_max_length);
  if (!view) return view.error();
  auto decoded = address::detail::segwit_from_bech32(*view);
  if (!decoded) return decoded.error();
  if (!address::detail::iequals(view->hrp, hrp)) return address::error::wrong_network;
  return decoded;
}

inline SegwitAddress segwit_address_decode_or_throw(std::string_view address, std::string_view hrp) {
  return value_or_throw(segwit_address_decode(address, hrp), "segwit address");
}

}  // namespace coinkit
