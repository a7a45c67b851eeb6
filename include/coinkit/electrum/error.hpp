// Error codes of the electrum layer: configuration the server cannot start with (integers, files
// and networks are the config layer's).
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>

#include <ostream>
#include <type_traits>

namespace coinkit::electrum {

enum class error {
  invalid_service = 1,  // a SERVICES entry that is not protocol://host:port
  unknown_protocol,     // a SERVICES protocol other than tcp, ssl, ws, wss and rpc
  duplicate_service,    // two services on the same host and port
  wrong_coin,           // COIN names another coin than the one the server was built for
  obsolete_variable,    // a variable ElectrumX removed (HOST, TCP_PORT, MAX_SUBS, ...)
  missing_tls_files,    // an ssl:// or wss:// service without SSL_CERTFILE and SSL_KEYFILE
  tls_setup_failed,     // OpenSSL refused the certificate or the key
  invalid_log_level,    // LOG_LEVEL other than debug, info, warning, error, critical
  invalid_regex,        // DROP_CLIENT is not a regular expression
  unsupported_value,    // a value this server does not implement (DB_ENGINE other than lmdb)
};

constexpr const char* error_category_name(error) noexcept { return "coinkit.electrum"; }

constexpr const char* error_message(error e) noexcept {
  switch (e) {
    case error::invalid_service: return "service must be protocol://host:port";
    case error::unknown_protocol: return "unknown service protocol (tcp, ssl, ws, wss or rpc)";
    case error::duplicate_service: return "two services on the same address";
    case error::wrong_coin: return "this server is built for another coin";
    case error::obsolete_variable: return "obsolete variable: use SERVICES / REPORT_SERVICES instead";
    case error::missing_tls_files: return "ssl:// and wss:// services need SSL_CERTFILE and SSL_KEYFILE";
    case error::tls_setup_failed: return "TLS certificate or key rejected";
    case error::invalid_log_level: return "unknown log level";
    case error::invalid_regex: return "not a valid regular expression";
    case error::unsupported_value: return "value not supported by this server";
  }
  return "unknown electrum error";
}

inline error_code make_error_code(error e) noexcept { return {static_cast<int>(e), enum_category<error>()}; }

inline std::ostream& operator<<(std::ostream& os, error e) { return os << error_message(e); }

}  // namespace coinkit::electrum

template <>
struct boost::system::is_error_code_enum<coinkit::electrum::error> : std::true_type {};
