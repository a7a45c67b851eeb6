// Error codes of the rpc layer: malformed JSON-RPC envelopes and spec files.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>

#include <ostream>
#include <string>
#include <type_traits>

namespace coinkit::rpc {

enum class error {
  parse_error = 1,     // the body is not JSON
  invalid_request,     // the body is JSON but not an object
  invalid_params,      // "params" is neither a list, an object nor null
  invalid_xpub,        // the named "xpub" is neither a string, an object nor null
  spec_not_found,      // a mandatory spec file is missing or unreadable
  spec_invalid_json,   // a spec file is not JSON
  spec_invalid_shape,  // a spec file lacks version/electrum_map/exceptions or has wrong types
};

constexpr const char* error_category_name(error) noexcept { return "coinkit.rpc"; }

constexpr const char* error_message(error e) noexcept {
  switch (e) {
    case error::parse_error: return "request body is not valid JSON";
    case error::invalid_request: return "request is not a JSON object";
    case error::invalid_params: return "params must be a list, an object or null";
    case error::invalid_xpub: return "xpub must be a string, an object or null";
    case error::spec_not_found: return "spec file not found or unreadable";
    case error::spec_invalid_json: return "spec file is not valid JSON";
    case error::spec_invalid_shape:
      return "spec file must be an object with a string version and objects electrum_map and exceptions";
  }
  return "unknown rpc error";
}

inline error_code make_error_code(error e) noexcept { return {static_cast<int>(e), enum_category<error>()}; }

inline std::ostream& operator<<(std::ostream& os, error e) { return os << error_message(e); }

}  // namespace coinkit::rpc

template <>
struct boost::system::is_error_code_enum<coinkit::rpc::error> : std::true_type {};
