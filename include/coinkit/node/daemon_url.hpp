// parse_daemon_url: ElectrumX's DAEMON_URL ([http://][user:password@]host[:port][/]) as NodeOptions.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/node/error.hpp>
#include <coinkit/node/node_options.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coinkit::node {

namespace detail {

inline bool is_url_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// %XX escapes decoded (URL userinfo); nullopt for a broken escape.
inline std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = coinkit::detail::hex_value(s[i + 1]), lo = coinkit::detail::hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi << 4 | lo);
    i += 2;
  }
  return out;
}

inline std::optional<std::uint16_t> parse_port(std::string_view s) noexcept {
  if (s.empty() || s.size() > 5) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v == 0 || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

}  // namespace detail

// Accepts the forms ElectrumX documents for DAEMON_URL, with or without "http://" and a
// trailing "/":
//   http://user:pass@host:port/   user:pass@host:port   user:pass@host (default_port)
//   host:port (credentials then come from a cookie file)   [::1]:18443 (IPv6 in brackets)
// User and password may be percent-encoded (a password holding '@' or ':' must encode '@').
// Only one URL: ElectrumX's comma-separated failover list is split by the caller.
inline result<NodeOptions> parse_daemon_url(std::string_view url, std::uint16_t default_port) {
  while (!url.empty() && detail::is_url_space(url.front())) url.remove_prefix(1);
  while (!url.empty() && detail::is_url_space(url.back())) url.remove_suffix(1);
  if (url.empty()) return error::empty_daemon_url;

  if (const auto scheme_end = url.find("://"); scheme_end != std::string_view::npos) {
    std::string scheme(url.substr(0, scheme_end));
    for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (scheme != "http") return error::unsupported_url_scheme;
    url.remove_prefix(scheme_end + 3);
  }
  // A trailing "/" only: bitcoind's wallet paths are not something an Electrum server uses.
  if (const auto slash = url.find('/'); slash != std::string_view::npos) {
    if (url.find_first_not_of('/', slash) != std::string_view::npos) return error::invalid_url_path;
    url = url.substr(0, slash);
  }

  NodeOptions o;
  o.port = default_port;
  // The last '@' ends the credentials, as in ElectrumX's greedy ".+@".
  if (const auto at = url.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = url.substr(0, at);
    url.remove_prefix(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos || colon == 0) return error::invalid_url_credentials;
    auto user = detail::percent_decode(userinfo.substr(0, colon));
    auto password = detail::percent_decode(userinfo.substr(colon + 1));
    if (!user || !password || user->find(':') != std::string::npos) return error::invalid_url_credentials;
    o.user = std::move(*user);
    o.password = std::move(*password);
  }

  std::string_view host, port;
  if (!url.empty() && url.front() == '[') {
    const auto close = url.find(']');
    if (close == std::string_view::npos) return error::invalid_url_host;
    host = url.substr(1, close - 1);
    const std::string_view rest = url.substr(close + 1);
    if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos ||
        host.find(':') == std::string_view::npos)
      return error::invalid_url_host;
    if (!rest.empty()) {
      if (rest.front() != ':') return error::invalid_url_host;
      port = rest.substr(1);
      if (port.empty()) return error::invalid_url_port;
    }
  } else {
    const auto colon = url.find(':');
    host = url.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = url.substr(colon + 1);
      if (port.find(':') != std::string_view::npos) return error::invalid_url_host;  // IPv6 without brackets
      if (port.empty()) return error::invalid_url_port;
    }
    if (host.empty() || host.find_first_of(" \t[]@%?#\\") != std::string_view::npos) return error::invalid_url_host;
  }
  if (!port.empty()) {
    const auto p = detail::parse_port(port);
    if (!p) return error::invalid_url_port;
    o.port = *p;
  }
  if (o.port == 0) return error::invalid_url_port;
  o.host = std::string(host);
  return o;
}

}  // namespace coinkit::node
