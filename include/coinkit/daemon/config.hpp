// DaemonConfig: a wallet daemon's COIN_-prefixed environment (BTC_HOST, BTC_PORT, ...), typed,
// defaulted and validated as Bitcart's daemons read it; docs/daemon.md lists every variable.
#pragma once

#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/config/reader.hpp>
#include <coinkit/config/variable.hpp>
#include <coinkit/daemon/error.hpp>
#include <coinkit/electrum/server_address.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
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

// What differs between coins: the prefix, the default port and the network names.
struct DaemonConfigDefaults {
  std::string_view coin;
  std::uint16_t port;
  std::span<const NetworkId> networks;
};

namespace daemon::detail {

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
    if (part.empty() || part.size() > 3 || !config::parse_uint(part, 255)) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
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
  if (!config::split_host_port(rest, proxy.host, proxy.port)) return std::nullopt;
  return proxy;
}

}  // namespace daemon::detail

// What a daemon program reads, for --help (docs/configuration.md has the full reference).
inline std::string daemon_usage(std::string_view program, std::string_view coin, unsigned short port) {
  const std::string p(coin);
  std::string s = "usage: " + std::string(program) +
                  "\n\nA wallet daemon speaking Bitcart's daemon API (JSON-RPC on POST /, events on GET /ws,"
                  "\nerror spec on GET /spec). It is configured by environment variables:\n\n";
  const std::pair<std::string, std::string> vars[] = {
      {"_HOST", "bind address (127.0.0.1; 0.0.0.0 when IN_DOCKER is set)"},
      {"_PORT", "bind port (" + std::to_string(port) + "; 0 picks a free port)"},
      {"_LOGIN", "HTTP Basic auth user (electrum)"},
      {"_PASSWORD", "HTTP Basic auth password (electrumz)"},
      {"_DATA_PATH", "data directory (none)"},
      {"_DEBUG", "verbose logging: true/false (false)"},
      {"_NETWORK", "mainnet, testnet, regtest, ... (mainnet)"},
      {"_POLLING_CAP", "events kept per wallet for get_updates (100)"},
      {"_SERVER", "Electrum server host:port:s|t (automatic)"},
      {"_ONESERVER", "use only that server: true/false (false)"},
      {"_PROXY_URL", "socks5://[user:password@]host:port (none)"},
      {"_EXPERIMENTAL_NOSYNC", "answer before wallets are synced: true/false (false)"},
  };
  for (const auto& [name, what] : vars) {
    std::string line = "  " + p + name;
    line.resize(std::max<std::size_t>(line.size() + 1, 28), ' ');
    s += line + what + "\n";
  }
  s += "  COINKIT_SPEC_DIR          directory of base.json and <coin>.json (built-in)\n";
  return s;
}

// Every variable parse_daemon_config reads, for docs/configuration.md (generated from these
// tables by tests/support/config_reference.cpp; a test fails when the two differ, or when the
// loader reads a variable they lack). The names take the coin's prefix: BTC_PORT, BCH_PORT.
inline constexpr config::Variable daemon_variables[] = {
    {"Wallet daemons", "HOST", "`127.0.0.1`; `0.0.0.0` when `IN_DOCKER` is set",
     "The address the daemon binds: an IPv4 or IPv6 address, or `localhost` (host names are refused)."},
    {"Wallet daemons", "PORT", "the coin's `daemon_port`: BTC 5000, LTC 5001, BCH 5004",
     "The port it binds, 0 to 65535 (0: the OS picks one; the daemon prints it)."},
    {"Wallet daemons", "LOGIN", "`electrum`", "HTTP Basic auth user of every path; without `:`."},
    {"Wallet daemons", "PASSWORD", "`electrumz`", "HTTP Basic auth password (may contain `:`)."},
    {"Wallet daemons", "DATA_PATH", "`~/.coinkit/<TICKER>`",
     "Where the wallets are kept: `<path>/<network>/wallets/` (LMDB; files 0600 in a 0700 directory, created at "
     "start-up, which fails if it cannot)."},
    {"Wallet daemons", "DEBUG", "false", "Verbose logging (a boolean)."},
    {"Wallet daemons", "NETWORK", "`mainnet`",
     "One of the coin's networks, lower case: BTC and LTC `mainnet`, `testnet`, `regtest`, `signet`; BCH "
     "`mainnet`, `testnet`, `regtest`."},
    {"Wallet daemons", "POLLING_CAP", "100", "Events kept per wallet for `get_updates`, 0 to 1,000,000 (0: none)."},
    {"Wallet daemons", "SERVER", "the network's Electrum TCP port on 127.0.0.1",
     "The Electrum server followed: `host:port:s` (TLS) or `host:port:t` (TCP), IPv6 in brackets."},
    {"Wallet daemons", "ONESERVER", "false", "Use only that server (a boolean; coinkit always does)."},
    {"Wallet daemons", "PROXY_URL", "none",
     "`socks4`, `socks5` or `http` `://[user[:password]@]host:port`, no path: the proxy to the server."},
    {"Wallet daemons", "EXPERIMENTAL_NOSYNC", "false",
     "Answer wallet calls before the wallet is synchronized (a boolean)."},
};

// The variables a daemon reads without its coin's prefix.
inline constexpr config::Variable daemon_unprefixed_variables[] = {
    {"Wallet daemons", "IN_DOCKER", "unset", "When set and not empty, the default `COIN_HOST` is `0.0.0.0`."},
    {"Wallet daemons", "COINKIT_SPEC_DIR", "the build's `spec/` (installed: `share/coinkit/spec`), else `./spec`",
     "The directory of the error spec files: `base.json`, and `<coin>.json` merged over it when present."},
};

// Reads and validates every COIN_ variable; the first rejected one is returned as the error.
inline ConfigResult<DaemonConfig> parse_daemon_config(const Environment& env, const DaemonConfigDefaults& defaults) {
  namespace d = daemon::detail;
  using daemon::error;
  DaemonConfig c;
  c.coin = std::string(defaults.coin);
  c.port = defaults.port;
  if (auto docker = env.get("IN_DOCKER"); docker && !docker->empty()) c.host = "0.0.0.0";
  c.network = defaults.networks.empty() ? NetworkId::mainnet : defaults.networks.front();
  for (NetworkId id : defaults.networks)
    if (id == NetworkId::mainnet) c.network = id;

  ConfigReader r(env, {.prefix = c.coin + "_", .empty_means_unset = false});
  if (auto v = r.get("HOST")) {
    if (*v != "localhost" && !d::is_ip_address(*v))
      r.fail(error::invalid_host, "HOST", *v, "an IP address such as 127.0.0.1 or 0.0.0.0");
    c.host = *v;
  }
  c.port = r.integer<std::uint16_t>("PORT", c.port, 0, 65535, "a port number 0-65535");
  if (auto v = r.get("LOGIN")) {
    if (v->find(':') != std::string::npos) r.fail(error::invalid_login, "LOGIN", *v, "a login without ':'");
    c.login = *v;
  }
  c.password = r.string("PASSWORD", c.password);
  c.data_path = r.string("DATA_PATH");
  c.debug = r.boolean("DEBUG");
  if (auto v = r.get("NETWORK")) {
    std::string names;
    bool found = false;
    for (NetworkId id : defaults.networks) {
      names += (names.empty() ? "" : ", ") + std::string(to_string(id));
      if (to_string(id) == *v) c.network = id, found = true;
    }
    if (!found) r.fail(config::error::unknown_network, "NETWORK", *v, "one of: " + names);
  }
  c.polling_cap = r.integer<std::size_t>("POLLING_CAP", c.polling_cap, 0, 1'000'000, "a number of events 0-1000000");
  if (auto v = r.get("SERVER")) {
    if (!v->empty() && !electrum::parse_server_address(*v))
      r.fail(error::invalid_server, "SERVER", *v, "host:port:s or host:port:t, e.g. 127.0.0.1:51002:s");
    c.server = *v;
  }
  c.oneserver = r.boolean("ONESERVER");
  if (auto v = r.get("PROXY_URL"); v && !v->empty()) {
    c.proxy = d::parse_proxy_url(*v);
    if (!c.proxy) r.fail(error::invalid_proxy_url, "PROXY_URL", *v, "socks4|socks5|http://[user[:password]@]host:port");
  }
  c.experimental_nosync = r.boolean("EXPERIMENTAL_NOSYNC");
  if (auto v = env.get("COINKIT_SPEC_DIR")) c.spec_dir = *v;
  return r.finish(std::move(c));
}

// The coin's defaults: its ticker as the prefix, its daemon_port and its networks.
template <class Coin>
ConfigResult<DaemonConfig> parse_daemon_config(const Environment& env) {
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
