// Error codes of the daemon layer: rejected values of the COIN_-prefixed environment (integers,
// booleans and networks are the config layer's).
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>

#include <ostream>
#include <string>
#include <type_traits>

namespace coinkit::daemon {

enum class error {
  invalid_host = 1,   // not an IPv4/IPv6 address (or "localhost")
  invalid_login,      // a login containing ':' cannot be sent in HTTP Basic auth
  invalid_server,     // not host:port:s or host:port:t
  invalid_proxy_url,  // not socks4|socks5|http://[user[:password]@]host:port
};

constexpr const char* error_category_name(error) noexcept { return "coinkit.daemon"; }

constexpr const char* error_message(error e) noexcept {
  switch (e) {
    case error::invalid_host: return "not an IP address";
    case error::invalid_login: return "login must not contain ':'";
    case error::invalid_server: return "not a server of the form host:port:s or host:port:t";
    case error::invalid_proxy_url: return "not a proxy URL of the form socks5://[user:password@]host:port";
  }
  return "unknown daemon error";
}

inline error_code make_error_code(error e) noexcept { return {static_cast<int>(e), enum_category<error>()}; }

inline std::ostream& operator<<(std::ostream& os, error e) { return os << error_message(e); }

}  // namespace coinkit::daemon

template <>
struct boost::system::is_error_code_enum<coinkit::daemon::error> : std::true_type {};
