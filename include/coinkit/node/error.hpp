// Error codes of the node layer: a DAEMON_URL that does not parse. (Faults of the node itself
// use indexer::error's node_* codes, which the indexer acts on.)
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>

#include <ostream>
#include <type_traits>

namespace coinkit::node {

enum class error {
  empty_daemon_url = 1,     // nothing but white space
  unsupported_url_scheme,   // a scheme other than http:// (bitcoind serves no TLS)
  invalid_url_credentials,  // userinfo before '@' that is not user:password
  invalid_url_host,         // no host, or an IPv6 address outside brackets
  invalid_url_port,         // a port that is not a number from 1 to 65535
  invalid_url_path,         // anything but "/" after host:port
};

constexpr const char* error_category_name(error) noexcept { return "coinkit.node"; }

constexpr const char* error_message(error e) noexcept {
  switch (e) {
    case error::empty_daemon_url: return "daemon URL is empty";
    case error::unsupported_url_scheme: return "daemon URL: only http:// is supported";
    case error::invalid_url_credentials:
      return "daemon URL: credentials before '@' must be user:password (percent-encoded)";
    case error::invalid_url_host: return "daemon URL: missing or malformed host (IPv6 addresses go in brackets)";
    case error::invalid_url_port: return "daemon URL: the port must be a number from 1 to 65535";
    case error::invalid_url_path: return "daemon URL: nothing but '/' may follow host:port";
  }
  return "unknown node error";
}

inline error_code make_error_code(error e) noexcept { return {static_cast<int>(e), enum_category<error>()}; }

inline std::ostream& operator<<(std::ostream& os, error e) { return os << error_message(e); }

}  // namespace coinkit::node

template <>
struct boost::system::is_error_code_enum<coinkit::node::error> : std::true_type {};
