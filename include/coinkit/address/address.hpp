// Addresses of one network: address text to scriptPubKey and back (base58, segwit, CashAddr).
#pragma once

#include <coinkit/address/address_format.hpp>
#include <coinkit/address/base58.hpp>
#include <coinkit/address/bech32.hpp>
#include <coinkit/address/cashaddr.hpp>
#include <coinkit/address/detail/base32.hpp>
#include <coinkit/address/error.hpp>
#include <coinkit/address/segwit_address.hpp>
#include <coinkit/chain/opcodes.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/uint256.hpp>

#include <string>
#include <string_view>

namespace coinkit {

// How to write p2pkh and p2sh scripts where a network has more than one form.
enum class AddressStyle {
  preferred,    // CashAddr where the network has a CashAddr prefix, else base58
  legacy,       // base58 even where the network has CashAddr
  token_aware,  // CashAddr token-aware types (CashTokens): the receiver accepts tokens
};

// Nothing longer is an address in any form: a CashAddr with the longest prefix and hash.
inline constexpr std::size_t max_address_length = cashaddr_max_prefix_length + 1 + cashaddr_max_payload_length;

namespace address::detail {

inline constexpr std::size_t base58_address_payload_size = 1 + 20;  // version byte, hash160

// Pay-to-script-hash with a 32-byte hash (Bitcoin Cash, May 2023): OP_HASH256 <32> OP_EQUAL.
constexpr bool is_p2sh32(ByteSpan s) noexcept {
  return s.size() == 35 && s[0] == OP_HASH256 && s[1] == 32 && s[34] == OP_EQUAL;
}

inline Bytes p2sh32_script(ByteSpan hash) {
  Bytes s = {OP_HASH256, 32};
  append(s, hash);
  s.push_back(OP_EQUAL);
  return s;
}

// The script for a key hash or a script hash, by the hash's length.
inline result<Bytes> hash_script(bool script_hash, ByteSpan hash) {
  if (hash.size() == 20) {
    auto h = *Hash160::from_bytes(hash);
    return script_hash ? p2sh_script(h) : p2pkh_script(h);
  }
  if (script_hash && hash.size() == 32) return p2sh32_script(hash);
  return error::invalid_payload_length;
}

inline result<Bytes> cashaddr_script(const CashAddr& a) {
  switch (a.type) {
    case CashAddrType::p2pkh:
    case CashAddrType::token_p2pkh: return hash_script(false, a.hash());
    case CashAddrType::p2sh:
    case CashAddrType::token_p2sh: return hash_script(true, a.hash());
  }
  return error::unknown_version_byte;
}

// Shapes, to report the error of the codec a failed string was most likely meant for. Base58
// strings often hold a '1' followed by bech32 characters, but bech32 strings are in one case
// unless (the one case worth reporting) they carry this network's HRP.
constexpr bool looks_like_bech32(std::string_view s, std::string_view network_hrp) noexcept {
  const std::size_t sep = s.rfind('1');
  if (sep == std::string_view::npos || sep == 0) return false;
  for (std::size_t i = sep + 1; i < s.size(); ++i)
    if (base32_values[static_cast<unsigned char>(s[i])] < 0) return false;
  return !has_mixed_case(s) || (!network_hrp.empty() && iequals(s.substr(0, sep), network_hrp));
}

constexpr bool looks_like_cashaddr(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (base32_values[static_cast<unsigned char>(c)] < 0) return false;
  return true;
}

}  // namespace address::detail

// The output script an address of the network `format` pays to. Reads base58 (p2pkh, p2sh),
// segwit (any witness version) and, where the network has a CashAddr prefix, CashAddr with or
// without the prefix (p2pkh, p2sh, p2sh32 and their token-aware types). An address that is
// valid but of another network is error::wrong_network.
inline result<Bytes> to_script_pubkey(std::string_view address, const AddressFormat& format) {
  namespace d = coinkit::address::detail;
  using coinkit::address::error;
  if (address.size() > max_address_length) return error::too_long;

  // CashAddr with its prefix written: no other form has a ':'.
  if (address.find(':') != std::string_view::npos) {
    auto a = cashaddr_decode(address, format.cashaddr_prefix);
    if (!a) return a.error();
    if (format.cashaddr_prefix.empty()) return error::cashaddr_not_supported;
    return d::cashaddr_script(*a);
  }

  // Segwit. A checksum-valid bech32 string is nothing else (a 30-bit checksum), so its
  // verdict is final.
  auto view = d::bech32_parse(address, bech32_max_length);
  if (view) {
    if (format.bech32_hrp.empty()) return error::segwit_not_supported;
    auto s = d::segwit_from_bech32(*view);
    if (!s) return s.error();
    if (!d::iequals(view->hrp, format.bech32_hrp)) return error::wrong_network;
    return s->script_pubkey();
  }

  // Legacy base58.
  auto legacy = base58check_decode(address);
  if (legacy) {
    if (legacy->size() != d::base58_address_payload_size) return error::invalid_payload_length;
    const std::uint8_t version = (*legacy)[0];
    const ByteSpan hash = ByteSpan(*legacy).subspan(1);
    if (version == format.p2pkh_prefix) return d::hash_script(false, hash);
    if (version == format.p2sh_prefix) return d::hash_script(true, hash);
    return error::wrong_network;
  }

  // CashAddr without a prefix: this network's is assumed.
  error_code cash_error;
  if (!format.cashaddr_prefix.empty()) {
    auto a = cashaddr_decode(address, format.cashaddr_prefix);
    if (a) return d::cashaddr_script(*a);
    cash_error = a.error();
  }

  if (d::looks_like_bech32(address, format.bech32_hrp)) return view.error();
  if (cash_error && d::looks_like_cashaddr(address)) return cash_error;
  return legacy.error();
}

inline Bytes to_script_pubkey_or_throw(std::string_view address, const AddressFormat& format) {
  return value_or_throw(to_script_pubkey(address, format), "address");
}

inline bool is_valid_address(std::string_view address, const AddressFormat& format) {
  return to_script_pubkey(address, format).has_value();
}

// The address of the network `format` that pays to `script_pubkey`: p2pkh and p2sh in base58
// or CashAddr (see AddressStyle), p2sh32 in CashAddr, witness programs of every version in
// bech32 (v0) or bech32m (v1..16). Other scripts have no address: error::unsupported_script.
inline result<std::string> to_address(ByteSpan script_pubkey, const AddressFormat& format,
                                      AddressStyle style = AddressStyle::preferred) {
  namespace d = coinkit::address::detail;
  using coinkit::address::error;
  const bool has_cashaddr = !format.cashaddr_prefix.empty();
  if (style == AddressStyle::token_aware && !has_cashaddr) return error::cashaddr_not_supported;
  const bool cash = has_cashaddr && style != AddressStyle::legacy;
  const bool token = style == AddressStyle::token_aware;
  const ByteSpan s = script_pubkey;

  switch (classify(s)) {
    case ScriptType::p2pkh: {
      const ByteSpan hash = s.subspan(3, 20);
      if (cash)
        return cashaddr_encode(format.cashaddr_prefix, token ? CashAddrType::token_p2pkh : CashAddrType::p2pkh, hash);
      return base58check_encode(ByteSpan(&format.p2pkh_prefix, 1), hash);
    }
    case ScriptType::p2sh: {
      const ByteSpan hash = s.subspan(2, 20);
      if (cash)
        return cashaddr_encode(format.cashaddr_prefix, token ? CashAddrType::token_p2sh : CashAddrType::p2sh, hash);
      return base58check_encode(ByteSpan(&format.p2sh_prefix, 1), hash);
    }
    default: break;
  }
  if (d::is_p2sh32(s) && cash)
    return cashaddr_encode(format.cashaddr_prefix, token ? CashAddrType::token_p2sh : CashAddrType::p2sh,
                           s.subspan(2, 32));
  if (auto wp = witness_program(s)) {
    if (format.bech32_hrp.empty()) return error::segwit_not_supported;
    return segwit_address_encode(format.bech32_hrp, wp->version, wp->program);
  }
  return error::unsupported_script;
}

inline std::string to_address_or_throw(ByteSpan script_pubkey, const AddressFormat& format,
                                       AddressStyle style = AddressStyle::preferred) {
  return value_or_throw(to_address(script_pubkey, format, style), "address");
}

}  // namespace coinkit
