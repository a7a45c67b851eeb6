// ConfigError: a configuration value a server refuses, naming the variable, its value and what
// would have been accepted; ConfigException, the same thrown at start-up.
#pragma once

#include <coinkit/core/error.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <utility>

namespace coinkit {

// "BTC_PORT=abc: not a decimal integer (expected a port number 0-65535)".
struct ConfigError {
  error_code code;
  std::string variable;  // the environment variable, or the option ("-rpcport")
  std::string value;
  std::string expected;  // what would have been accepted; may be empty

  std::string message() const {
    std::string m = variable + "=" + value + ": " + code.message();
    if (!expected.empty()) m += " (expected " + expected + ")";
    return m;
  }
};

// A system_error whose what() is ConfigError::message() alone.
class ConfigException : public system_error {
 public:
  explicit ConfigException(ConfigError e)
      : system_error(e.code, e.message()), error_(std::move(e)), message_(error_.message()) {}
  const ConfigError& error() const noexcept { return error_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  ConfigError error_;
  std::string message_;
};

// Makes ConfigResult<T>::value() throw ConfigException.
[[noreturn]] inline void throw_exception_from_error(const ConfigError& e, const boost::source_location&) {
  throw ConfigException(e);
}

template <class T>
using ConfigResult = boost::system::result<T, ConfigError>;

}  // namespace coinkit
