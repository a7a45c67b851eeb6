// Error codes of the address layer: malformed base58, bech32/bech32m, CashAddr and addresses.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>

#include <ostream>
#include <string>
#include <type_traits>

namespace coinkit::address {

enum class error {
  // Text shape, shared by the codecs.
  too_long = 1,  // longer than the format allows (bech32: 90 characters)
  mixed_case,    // bech32 and CashAddr are all lower or all upper case
  invalid_base58_character,
  invalid_data_character,  // a character outside the bech32/CashAddr alphabet
  invalid_hrp_character,   // a bech32 HRP or CashAddr prefix character out of range
  uppercase_hrp,           // encoding needs a lower-case HRP or prefix
  no_separator,            // no '1' in a bech32 string
  empty_hrp,               // nothing before the separator
  missing_prefix,          // CashAddr without a prefix and no expected prefix to assume
  checksum_too_short,      // fewer characters after the separator than the checksum needs
  invalid_data_value,      // a value given to encode that does not fit in 5 bits
  // Checksums.
  base58_too_short,  // base58check data shorter than its 4-byte checksum
  base58_checksum_mismatch,
  bech32_checksum_mismatch,
  cashaddr_checksum_mismatch,
  // 5-bit to 8-bit regrouping.
  excess_padding,    // 5 or more padding bits
  non_zero_padding,  // padding bits that are not zero
  // Segwit (BIP173, BIP350, BIP141).
  empty_data,                 // no witness version (bech32) or version byte (CashAddr)
  invalid_witness_version,    // above 16
  invalid_program_length,     // outside 2..40 bytes
  invalid_v0_program_length,  // version 0 takes 20 or 32 bytes
  bech32m_required,           // witness version 1..16 written with the bech32 checksum
  bech32_required,            // witness version 0 written with the bech32m checksum
  // CashAddr.
  reserved_version_bit,  // the version byte's top bit must be 0
  hash_size_mismatch,    // hash length disagrees with the version byte's size bits
  // Addresses of a network.
  wrong_network,           // well formed, but its HRP, prefix or version byte is another network's
  unknown_version_byte,    // a CashAddr type with no script template
  invalid_payload_length,  // a hash of the wrong length for its address type
  segwit_not_supported,    // a segwit address (or script) on a coin without segwit
  cashaddr_not_supported,  // a CashAddr address on a network without CashAddr
  unsupported_script,      // a script with no address form (p2pk, multisig, OP_RETURN, nonstandard)
};

constexpr const char* error_category_name(error) noexcept { return "coinkit.address"; }

constexpr const char* error_message(error e) noexcept {
  switch (e) {
    case error::too_long: return "address is longer than its format allows";
    case error::mixed_case: return "address mixes upper and lower case";
    case error::invalid_base58_character: return "invalid base58 character";
    case error::invalid_data_character: return "character outside the bech32/CashAddr alphabet";
    case error::invalid_hrp_character: return "human-readable part or prefix has a character out of range";
    case error::uppercase_hrp: return "human-readable part or prefix must be lower case to encode";
    case error::no_separator: return "no separator between human-readable part and data";
    case error::empty_hrp: return "empty human-readable part or prefix";
    case error::missing_prefix: return "CashAddr has no prefix and none is expected";
    case error::checksum_too_short: return "data part shorter than its checksum";
    case error::invalid_data_value: return "data value does not fit in 5 bits";
    case error::base58_too_short: return "base58check data shorter than its 4-byte checksum";
    case error::base58_checksum_mismatch: return "base58check checksum mismatch";
    case error::bech32_checksum_mismatch: return "bech32/bech32m checksum mismatch";
    case error::cashaddr_checksum_mismatch: return "CashAddr checksum mismatch";
    case error::excess_padding: return "more than 4 padding bits in 5-to-8 bit conversion";
    case error::non_zero_padding: return "non-zero padding in 5-to-8 bit conversion";
    case error::empty_data: return "empty data part: no version";
    case error::invalid_witness_version: return "witness version above 16";
    case error::invalid_program_length: return "witness program not 2 to 40 bytes long";
    case error::invalid_v0_program_length: return "witness version 0 program not 20 or 32 bytes long";
    case error::bech32m_required: return "witness version 1 or above needs the bech32m checksum, not bech32";
    case error::bech32_required: return "witness version 0 needs the bech32 checksum, not bech32m";
    case error::reserved_version_bit: return "CashAddr version byte has its reserved bit set";
    case error::hash_size_mismatch: return "CashAddr hash length does not match the version byte's size bits";
    case error::wrong_network: return "address belongs to another network (HRP, prefix or version byte differs)";
    case error::unknown_version_byte: return "CashAddr type has no script template";
    case error::invalid_payload_length: return "address hash has the wrong length for its type";
    case error::segwit_not_supported: return "segwit address on a coin without segwit";
    case error::cashaddr_not_supported: return "CashAddr address on a network without CashAddr";
    case error::unsupported_script: return "script has no address form";
  }
  return "unknown address error";
}

inline error_code make_error_code(error e) noexcept { return {static_cast<int>(e), enum_category<error>()}; }

inline std::ostream& operator<<(std::ostream& os, error e) { return os << error_message(e); }

}  // namespace coinkit::address

template <>
struct boost::system::is_error_code_enum<coinkit::address::error> : std::true_type {};
