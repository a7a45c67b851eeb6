// free_port(): a loopback port nothing listens on right now (bound, read, released), for a
// server a test starts later or restarts where it was.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <fstream>
#include <random>

namespace coinkit::test {

// Chosen below the kernel's range of ephemeral ports (ip_local_port_range): a port the kernel
// hands out (bind to 0) is in that range, where any outgoing connection of a test running beside
// (ctest -j) may take it before the server binds it.
inline std::uint16_t free_port() {
  namespace ip = boost::asio::ip;
  boost::asio::io_context io;
  const auto loopback = ip::make_address_v4("127.0.0.1");
  unsigned ephemeral_low = 32768;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_low;
  constexpr unsigned first = 10000;
  if (ephemeral_low > first + 1000) {
    static std::mt19937 rng{std::random_device{}()};
    std::uniform_int_distribution<unsigned> pick(first, ephemeral_low - 1);
    for (int tries = 0; tries < 200; ++tries) {
      const auto port = static_cast<std::uint16_t>(pick(rng));
      ip::tcp::acceptor a(io);
      boost::system::error_code ec;
      a.open(ip::tcp::v4(), ec);
      if (!ec) a.bind({loopback, port}, ec);
      if (!ec) return port;
    }
  }
  ip::tcp::acceptor a(io, {loopback, 0});
  return a.local_endpoint().port();
}

}  // namespace coinkit::test
