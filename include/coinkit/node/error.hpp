// Error codes of the node layer: faults of the node (unreachable, refusing, on another network,
// answering with an error or with something else) and a DAEMON_URL that does not parse.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>

#include <ostream>
#include <type_traits>

namespace coinkit::node {

enum class error {
  unreachable = 1,  // no connection to the node (it is retried)
  auth_failed,      // the node refused our credentials (HTTP 401/403)
  wrong_network,    // the node's genesis block is not this network's
  rpc_error,        // the node answered with a JSON-RPC error
  bad_reply,        // the node's reply was not the JSON-RPC we asked for
  // DAEMON_URL.
  empty_daemon_url,         // nothing but white space
  unsupported_url_scheme,   // a scheme other than http:// (bitcoind serves no TLS)
  invalid_url_credentials,  // userinfo before '@' that is not user:password
  invalid_url_host,         // no host, or an IPv6 address outside brackets
  invalid_url_port,         // a port that is not a number from 1 to 65535
  invalid_url_path,         // anything but "/" after host:port
};

constexpr const char* error_category_name(error) noexcept { return "coinkit.node"; }

constexpr const char* error_message(error e) noexcept {
  switch (e) {
    case error::unreachable: return "cannot connect to the node";
    case error::auth_failed: return "the node refused the RPC credentials";
    case error::wrong_network: return "the node is on another network (genesis block differs)";
    case error::rpc_error: return "the node returned an error";
    case error::bad_reply: return "the node's reply is not valid JSON-RPC";
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
