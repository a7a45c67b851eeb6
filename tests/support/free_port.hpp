// free_port(): a loopback port nothing listens on right now (bound, read, released), for a
// server a test starts later or restarts where it was.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>

namespace coinkit::test {

inline std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address_v4("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

}  // namespace coinkit::test
