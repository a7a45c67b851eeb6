// Listening sockets: an acceptor opened, bound and listening on an endpoint (or on a host and
// port to resolve), as every coinkit server binds them.
#pragma once

#include <coinkit/core/error.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>

#include <cstdint>
#include <string>

namespace coinkit::net {

using tcp = boost::asio::ip::tcp;

// Opens, binds (with SO_REUSEADDR) and listens; throws system_error when the address is taken.
inline void listen_on(tcp::acceptor& acceptor, const tcp::endpoint& endpoint) {
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(boost::asio::socket_base::max_listen_connections);
}

// The endpoint a server binds for `host` (a name or an address; "0.0.0.0" for all IPv4
// interfaces) and `port` (0: the OS picks).
inline tcp::endpoint passive_endpoint(const tcp::acceptor::executor_type& executor, const std::string& host,
                                      std::uint16_t port) {
  tcp::resolver resolver(executor);
  auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service);
  return results.begin()->endpoint();
}

}  // namespace coinkit::net
