// ServerAddress: where an Electrum server listens, as Electrum and Bitcart write it
// (COIN_SERVER): "host:port:t" for TCP, "host:port:s" for TLS.
#pragma once

#include <coinkit/config/reader.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coinkit::electrum {

struct ServerAddress {
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;

  std::string to_string() const { return host + ':' + std::to_string(port) + (tls ? ":s" : ":t"); }
};

// nullopt unless host:port:s or host:port:t (host non-empty, IPv6 in brackets, port 1-65535).
inline std::optional<ServerAddress> parse_server_address(std::string_view text) {
  if (text.size() < 2 || text[text.size() - 2] != ':' || (text.back() != 's' && text.back() != 't'))
    return std::nullopt;
  ServerAddress a;
  a.tls = text.back() == 's';
  if (!config::split_host_port(text.substr(0, text.size() - 2), a.host, a.port)) return std::nullopt;
  return a;
}

}  // namespace coinkit::electrum
