// DaemonConfig: a wallet daemon's COIN_-prefixed environment (BTC_HOST, BTC_PORT, ...), typed,
// defaulted and validated as Bitcart's daemons read it; docs/daemon.md lists every variable.
#pragma once

#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/daemon/environment.hpp>
#include <coinkit/daemon/error.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit {

// COIN_PROXY_URL, split: Electrum's proxy settings (mode, host, port, user, password).
struct ProxyUrl {
  std::string scheme;  // socks4, socks5 or http
  std::string host;
  std::uint16_t port = 0;
  std::string user;
  std::string password;
};

struct DaemonConfig {
  std::string coin;                        // the prefix and the websocket "currency": "BTC"
  std::string host = "127.0.0.1";          // COIN_HOST (0.0.0.0 when IN_DOCKER is set)
  std::uint16_t port = 0;                  // COIN_PORT (the coin's daemon_port; 0 = any free port)
  std::string login = "electrum";          // COIN_LOGIN
  std::string password = "electrumz";      // COIN_PASSWORD
  std::string data_path;                   // COIN_DATA_PATH (empty: not set)
  bool debug = false;                      // COIN_DEBUG
  NetworkId network = NetworkId::mainnet;  // COIN_NETWORK
  std::size_t polling_cap = 100;           // COIN_POLLING_CAP: events kept per wallet for get_updates
  std::string server;                      // COIN_SERVER: host:port:s|t, empty = automatic
  bool oneserver = false;                  // COIN_ONESERVER
  std::optional<ProxyUrl> proxy;           // COIN_PROXY_URL
  bool experimental_nosync = false;        // COIN_EXPERIMENTAL_NOSYNC
  std::string spec_dir;                    // COINKIT_SPEC_DIR (no prefix); empty: rpc::Spec::find_dir()
};

// Which variable was rejected, its value and why: "BTC_PORT=abc: not a decimal integer (...)".
struct ConfigError {
  error_code code;
  std::string variable;
  std::string value;
  std::string expected;  // what would have been accepted

  std::string message() const {
    std::string m = variable + "=" + value + ": " + code.message();
    if (!expected.empty()) m += " (expected " + expected + ")";
    return m;
  }
};

// Thrown by load_daemon_config: a system_error whose what() names the variable.
class ConfigException : public system_error {
 public:
  explicit ConfigException(ConfigError e)
      : system_error(e.code, e.message()), error_(std::move(e)), message_(error_.message()) {}
  const ConfigError& error() const noexcept { return error_; }
  // Just "BTC_PORT=abc: not a decimal integer (...)", without system_error's suffix.
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  ConfigError error_;
  std::string message_;
};

// Makes result<DaemonConfig, ConfigError>::value() throw ConfigException.
[[noreturn]] inline void throw_exception_from_error(const ConfigError& e, const boost::source_location&) {
  throw ConfigException(e);
}

using ConfigResult = boost::system::result<DaemonConfig, ConfigError>;

// What differs between coins: the prefix, the default port and the network names.
struct DaemonConfigDefaults {
  std::string_view coin;
  std::uint16_t port;
  std::span<const NetworkId> networks;
};

namespace daemon::detail {

// Bool casting as python-decouple does it: case-insensitive true/false/yes/no/on/off/1/0, and
// the empty string is false.
inline std::optional<bool> parse_bool(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "0" || lower == "false" || lower == "no" || lower == "off" || lower.empty()) return false;
  return std::nullopt;
}

// Plain decimal digits only: no sign, spaces or underscores (stricter than Python's int()).
inline result<std::uint64_t> parse_uint(std::string_view text, std::uint64_t max) {
  if (text.empty() || text.size() > 20) return daemon::error::invalid_integer;
  for (char c : text)
    if (c < '0' || c > '9') return daemon::error::invalid_integer;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > max) return daemon::error::integer_out_of_range;
  return value;
}

inline bool is_ip_address(std::string_view host) {
  // IPv4 dotted quad, or IPv6 (hex digits, ':' and '.' for an embedded IPv4, at least one ':').
  if (host.empty()) return false;
  if (host.find(':') != std::string_view::npos) {
    for (char c : host)
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
        return false;
    return host.size() >= 2;
  }
  int parts = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = host.find('.', start);
    const std::string_view part = host.substr(start, dot == std::string_view::npos ? host.npos : dot - start);
    if (part.empty() || part.size() > 3 || !parse_uint(part, 255)) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

// host:port, where host may be a bracketed IPv6 address; host non-empty, port 1..65535.
inline bool split_host_port(std::string_view text, std::string& host, std::uint16_t& port) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty()) return false;
  auto p = parse_uint(text.substr(colon + 1), 65535);
  if (!p || *p == 0) return false;
  host = std::string(h);
  port = static_cast<std::uint16_t>(*p);
  return true;
}

// COIN_SERVER: Electrum's server string, host:port:s (TLS) or host:port:t (TCP).
inline bool valid_server(std::string_view text) {
  if (text.size() < 2 || text[text.size() - 2] != ':') return false;
  const char protocol = text.back();
  if (protocol != 's' && protocol != 't') return false;
  std::string host;
  std::uint16_t port = 0;
  return split_host_port(text.substr(0, text.size() - 2), host, port);
}

inline std::optional<ProxyUrl> parse_proxy_url(std::string_view text) {
  const std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  ProxyUrl proxy;
  proxy.scheme = std::string(text.substr(0, sep));
  if (proxy.scheme != "socks4" && proxy.scheme != "socks5" && proxy.scheme != "http") return std::nullopt;
  std::string_view rest = text.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return std::nullopt;  // no path
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    proxy.user = std::string(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) proxy.password = std::string(userinfo.substr(colon + 1));
    rest = rest.substr(at + 1);
  }
  if (!split_host_port(rest, proxy.host, proxy.port)) return std::nullopt;
  return proxy;
}

}  // namespace daemon::detail

// Reads and validates every COIN_ variable; the first rejected one is returned as the error.
inline ConfigResult parse_daemon_config(const Environment& env, const DaemonConfigDefaults& defaults) {
  using daemon::error;
  namespace d = daemon::detail;
  DaemonConfig c;
  c.coin = std::string(defaults.coin);
  c.port = defaults.port;
  if (auto docker = env.get("IN_DOCKER"); docker && !docker->empty()) c.host = "0.0.0.0";
  c.network = defaults.networks.empty() ? NetworkId::mainnet : defaults.networks.front();
  for (NetworkId id : defaults.networks)
    if (id == NetworkId::mainnet) c.network = id;

  const auto name = [&](std::string_view suffix) { return c.coin + "_" + std::string(suffix); };
  const auto fail = [&](error_code e, std::string_view suffix, const std::string& value, std::string expected) {
    return ConfigError{e, name(suffix), value, std::move(expected)};
  };
  const auto read_bool = [&](std::string_view suffix, bool& out) -> std::optional<ConfigError> {
    if (auto v = env.get(name(suffix))) {
      auto b = d::parse_bool(*v);
      if (!b) return fail(error::invalid_boolean, suffix, *v, "true or false");
      out = *b;
    }
    return std::nullopt;
  };

  if (auto v = env.get(name("HOST"))) {
    if (*v != "localhost" && !d::is_ip_address(*v))
      return fail(error::invalid_host, "HOST", *v, "an IP address such as 127.0.0.1 or 0.0.0.0");
    c.host = *v;
  }
  if (auto v = env.get(name("PORT"))) {
    auto p = d::parse_uint(*v, 65535);
    if (!p) return fail(p.error(), "PORT", *v, "a port number 0-65535");
    c.port = static_cast<std::uint16_t>(*p);
  }
  if (auto v = env.get(name("LOGIN"))) {
    if (v->find(':') != std::string::npos) return fail(error::invalid_login, "LOGIN", *v, "a login without ':'");
    c.login = *v;
  }
  if (auto v = env.get(name("PASSWORD"))) c.password = *v;
  if (auto v = env.get(name("DATA_PATH"))) c.data_path = *v;
  if (auto e = read_bool("DEBUG", c.debug)) return *e;
  if (auto v = env.get(name("NETWORK"))) {
    std::string names;
    bool found = false;
    for (NetworkId id : defaults.networks) {
      if (!names.empty()) names += ", ";
      names += to_string(id);
      if (to_string(id) == *v) {
        c.network = id;
        found = true;
      }
    }
    if (!found) return fail(error::unknown_network, "NETWORK", *v, "one of: " + names);
  }
  if (auto v = env.get(name("POLLING_CAP"))) {
    auto p = d::parse_uint(*v, 1'000'000);
    if (!p) return fail(p.error(), "POLLING_CAP", *v, "a number of events 0-1000000");
    c.polling_cap = static_cast<std::size_t>(*p);
  }
  if (auto v = env.get(name("SERVER"))) {
    if (!v->empty() && !d::valid_server(*v))
      return fail(error::invalid_server, "SERVER", *v, "host:port:s or host:port:t, e.g. 127.0.0.1:51002:s");
    c.server = *v;
  }
  if (auto e = read_bool("ONESERVER", c.oneserver)) return *e;
  if (auto v = env.get(name("PROXY_URL")); v && !v->empty()) {
    c.proxy = d::parse_proxy_url(*v);
    if (!c.proxy)
      return fail(error::invalid_proxy_url, "PROXY_URL", *v, "socks4|socks5|http://[user[:password]@]host:port");
  }
  if (auto e = read_bool("EXPERIMENTAL_NOSYNC", c.experimental_nosync)) return *e;
  if (auto v = env.get("COINKIT_SPEC_DIR")) c.spec_dir = *v;
  return c;
}

// The coin's defaults: its ticker as the prefix, its daemon_port and its networks.
template <class Coin>
ConfigResult parse_daemon_config(const Environment& env) {
  static_assert(CoinPolicy<Coin>, "Coin must model coinkit::CoinPolicy");
  static constexpr auto ids = [] {
    std::array<NetworkId, Coin::networks.size()> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = Coin::networks[i].id;
    return out;
  }();
  return parse_daemon_config(env, DaemonConfigDefaults{Coin::ticker, Coin::daemon_port, ids});
}

// Throwing form, for start-up: throws ConfigException naming the rejected variable.
template <class Coin>
DaemonConfig load_daemon_config(const Environment& env = Environment::process()) {
  return parse_daemon_config<Coin>(env).value();
}

}  // namespace coinkit
