// Error codes of the config layer: environment values and program arguments a server rejects.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>

#include <ostream>
#include <type_traits>

namespace coinkit::config {

enum class error {
  missing_variable = 1,  // a variable the server cannot run without is not set
  invalid_integer,       // not a plain decimal integer
  integer_out_of_range,  // a decimal integer outside the variable's range
  invalid_boolean,       // not one of true/false/yes/no/on/off/1/0 (any case) or empty
  unknown_network,       // not one of the networks the coin has
  unreadable_file,       // a file the configuration names cannot be read
  unexpected_argument,   // a command-line argument the program does not take
};

constexpr const char* error_category_name(error) noexcept { return "coinkit.config"; }

constexpr const char* error_message(error e) noexcept {
  switch (e) {
    case error::missing_variable: return "required variable is not set";
    case error::invalid_integer: return "not a decimal integer";
    case error::integer_out_of_range: return "integer out of range";
    case error::invalid_boolean: return "not a boolean (true/false, yes/no, on/off, 1/0)";
    case error::unknown_network: return "unknown network for this coin";
    case error::unreadable_file: return "cannot read the file";
    case error::unexpected_argument: return "unexpected argument";
  }
  return "unknown config error";
}

inline error_code make_error_code(error e) noexcept { return {static_cast<int>(e), enum_category<error>()}; }

inline std::ostream& operator<<(std::ostream& os, error e) { return os << error_message(e); }

}  // namespace coinkit::config

template <>
struct boost::system::is_error_code_enum<coinkit::config::error> : std::true_type {};
