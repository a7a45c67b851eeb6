// Error codes of the core layer: malformed bytes, hex and integers.
#pragma once

#include <coinkit/core/error_category.hpp>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <boost/system/system_error.hpp>

#include <ostream>
#include <string>
#include <type_traits>

namespace coinkit {

using boost::system::error_code;
using boost::system::system_error;
template <class T>
using result = boost::system::result<T, error_code>;

namespace core {

enum class error {
  truncated = 1,          // input ended in the middle of a field
  trailing_bytes,         // input continues after the last field
  non_canonical_varint,   // a compact size encoded in more bytes than needed
  oversized,              // a length prefix larger than any valid object
  invalid_hex_character,  // a character outside [0-9a-fA-F]
  odd_hex_length,         // hex text with an odd number of digits
  wrong_length,           // a fixed-size value of another size
  invalid_base64_character,
};

constexpr const char* error_category_name(error) noexcept { return "coinkit.core"; }

constexpr const char* error_message(error e) noexcept {
  switch (e) {
    case error::truncated: return "unexpected end of input";
    case error::trailing_bytes: return "unexpected bytes after the end of the object";
    case error::non_canonical_varint: return "non-canonical compact size";
    case error::oversized: return "length prefix exceeds the maximum size";
    case error::invalid_hex_character: return "invalid hex character";
    case error::odd_hex_length: return "hex string has an odd length";
    case error::wrong_length: return "value has the wrong length";
    case error::invalid_base64_character: return "invalid base64 character";
  }
  return "unknown core error";
}

inline error_code make_error_code(error e) noexcept { return {static_cast<int>(e), enum_category<error>()}; }

inline std::ostream& operator<<(std::ostream& os, error e) { return os << error_message(e); }

}  // namespace core

// Unwraps a result, throwing system_error with `what` as context: the throwing
// convenience overloads of every parser are built from this.
template <class T>
T value_or_throw(result<T>&& r, const char* what) {
  if (!r) throw system_error(r.error(), what);
  return std::move(*r);
}

}  // namespace coinkit

template <>
struct boost::system::is_error_code_enum<coinkit::core::error> : std::true_type {};
