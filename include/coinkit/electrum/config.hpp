// ServerConfig: an Electrum server's settings, read from the environment variables ElectrumX
// operators know (COIN, NET, DAEMON_URL, SERVICES, MAX_SEND, COST_HARD_LIMIT, ...), validated,
// with errors naming the variable. docs/configuration.md lists every variable.
#pragma once

#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/config/reader.hpp>
#include <coinkit/config/variable.hpp>
#include <coinkit/electrum/cost_meter.hpp>
#include <coinkit/electrum/error.hpp>
#include <coinkit/electrum/log.hpp>
#include <coinkit/node/daemon_url.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit::electrum {

// What a listening socket speaks: Electrum over TCP, TLS, WebSocket or secure WebSocket, the
// operator's LocalRPC, or HTTP for the operator's `GET /metrics` (Prometheus).
enum class Protocol { tcp, ssl, ws, wss, rpc, http };

constexpr std::string_view to_string(Protocol p) noexcept {
  switch (p) {
    case Protocol::tcp: return "tcp";
    case Protocol::ssl: return "ssl";
    case Protocol::ws: return "ws";
    case Protocol::wss: return "wss";
    case Protocol::rpc: return "rpc";
    case Protocol::http: return "http";
  }
  return "tcp";
}

// One SERVICES entry: "tcp://:50001", "ssl://example.com:50002", "rpc://" (localhost:8000).
struct ServiceAddress {
  Protocol protocol = Protocol::tcp;
  std::string host;  // empty: all interfaces
  std::uint16_t port = 0;

  bool tls() const noexcept { return protocol == Protocol::ssl || protocol == Protocol::wss; }
  bool websocket() const noexcept { return protocol == Protocol::ws || protocol == Protocol::wss; }
  // The operator's services (LocalRPC, metrics): open from the start, never reported to clients.
  bool for_operators() const noexcept { return protocol == Protocol::rpc || protocol == Protocol::http; }
  // The host to bind: empty means every IPv4 interface.
  std::string bind_host() const { return host.empty() ? "0.0.0.0" : host; }
  std::string to_string() const {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return std::string(electrum::to_string(protocol)) + "://" + h + ":" + std::to_string(port);
  }
  bool operator==(const ServiceAddress&) const = default;
};

// Parses "protocol://host:port" (IPv6 hosts in brackets). rpc:// defaults to localhost:8000;
// every other protocol needs a port; rpc and http without a host listen on localhost.
inline result<ServiceAddress> parse_service(std::string_view text) {
  ServiceAddress s;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  const std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) return error::invalid_service;
  std::string proto(text.substr(0, sep));
  for (char& c : proto) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (proto == "tcp")
    s.protocol = Protocol::tcp;
  else if (proto == "ssl")
    s.protocol = Protocol::ssl;
  else if (proto == "ws")
    s.protocol = Protocol::ws;
  else if (proto == "wss")
    s.protocol = Protocol::wss;
  else if (proto == "rpc")
    s.protocol = Protocol::rpc;
  else if (proto == "http")
    s.protocol = Protocol::http;
  else
    return error::unknown_protocol;
  std::string_view rest = text.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::string_view host = rest, port;
  if (!rest.empty() && rest.front() == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return error::invalid_service;
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return error::invalid_service;
      port = after.substr(1);
      if (port.empty()) return error::invalid_service;
    }
  } else if (const std::size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (host.find(':') != std::string_view::npos || port.empty()) return error::invalid_service;
  }
  if (host.find_first_of("/@ ") != std::string_view::npos) return error::invalid_service;
  s.host = std::string(host);
  if (port.empty()) {
    if (s.protocol != Protocol::rpc) return error::invalid_service;
    s.port = 8000;
  } else {
    unsigned value = 0;
    if (port.size() > 5) return error::invalid_service;
    for (char c : port) {
      if (c < '0' || c > '9') return error::invalid_service;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 65535) return error::invalid_service;  // 0: a port the OS picks
    s.port = static_cast<std::uint16_t>(value);
  }
  if (s.for_operators() && s.host.empty()) s.host = "localhost";
  return s;
}

// PEER_DISCOVERY: `on` finds, checks and lists peers; `self` and `off` do not (ElectrumX 1.20
// discovers nothing with `self` either).
enum class PeerDiscoveryMode { off, self, on };

// Peer discovery's pauses, ElectrumX's constants (peers.py); tests shorten them.
struct PeerTimings {
  std::chrono::milliseconds stale{3 * 3600 * 1000};      // STALE_SECS: a peer checked longer ago is stale
  std::chrono::milliseconds wakeup{300 * 1000};          // WAKEUP_SECS: retries wait wakeup × 2^tries
  std::chrono::milliseconds add_pause{600 * 1000};       // PEER_ADD_PAUSE: one server.add_peer per domain
  std::chrono::milliseconds request_timeout{30 * 1000};  // each call to a peer being checked
};

struct ServerConfig {
  // --- the chain and the node
  std::string coin;                                              // COIN (matched to the policy's name or ticker)
  NetworkId network = NetworkId::mainnet;                        // NET
  std::string daemon_url;                                        // DAEMON_URL (required), as given
  node::NodeOptions node;                                        // its first URL, parsed
  std::filesystem::path db_directory;                            // DB_DIRECTORY (required)
  std::size_t cache_mb = 1200;                                   // CACHE_MB
  int reorg_limit = 200;                                         // REORG_LIMIT
  std::chrono::milliseconds daemon_poll_interval_blocks{5000};   // DAEMON_POLL_INTERVAL_BLOCKS
  std::chrono::milliseconds daemon_poll_interval_mempool{5000};  // DAEMON_POLL_INTERVAL_MEMPOOL

  // --- listening
  std::vector<ServiceAddress> services;         // SERVICES
  std::vector<ServiceAddress> report_services;  // REPORT_SERVICES (server.features "hosts")
  std::filesystem::path ssl_certfile;           // SSL_CERTFILE
  std::filesystem::path ssl_keyfile;            // SSL_KEYFILE
  unsigned worker_threads = 0;                  // WORKER_THREADS: I/O threads, 0 = one per core

  // --- what clients see
  std::string banner;                 // the text of BANNER_FILE, empty: the default banner
  std::filesystem::path banner_file;  // BANNER_FILE
  std::string donation_address;       // DONATION_ADDRESS
  std::string drop_client;            // DROP_CLIENT: regex on the client's name

  // --- limits
  std::size_t max_sessions = 1000;   // MAX_SESSIONS
  std::size_t max_send = 8'100'000;  // MAX_SEND: largest reply (bytes)
  std::size_t max_recv = 1'000'000;  // MAX_RECV: largest request (bytes)
  CostPolicy cost;                   // COST_SOFT_LIMIT, COST_HARD_LIMIT, REQUEST_SLEEP, BANDWIDTH_UNIT_COST
  std::chrono::milliseconds session_timeout{600'000};  // SESSION_TIMEOUT: idle sessions are closed
  std::chrono::milliseconds request_timeout{30'000};   // REQUEST_TIMEOUT: a node call that takes longer fails
  std::chrono::milliseconds send_timeout{60'000};      // SEND_TIMEOUT: a client that reads nothing this long is dropped

  // --- peers
  PeerDiscoveryMode peer_discovery = PeerDiscoveryMode::on;  // PEER_DISCOVERY
  bool peer_announce = true;                                 // PEER_ANNOUNCE
  std::vector<std::string> peer_seeds;                       // PEER_SEEDS: real names "host s50002 t50001"
  PeerTimings peer_timings;                                  // not read from the environment

  // --- logs
  LogLevel log_level = LogLevel::info;                  // LOG_LEVEL
  std::chrono::milliseconds log_sessions{3600 * 1000};  // LOG_SESSIONS: 0 = never
  bool anon_logs = false;                               // ANON_LOGS
  bool allow_root = false;                              // ALLOW_ROOT
};

namespace detail {

// SERVICES and REPORT_SERVICES: comma-separated service addresses, each address once.
inline std::vector<ServiceAddress> read_services(ConfigReader& r, std::string_view name) {
  std::vector<ServiceAddress> out;
  auto v = r.get(name);
  if (!v) return out;
  std::string_view rest = *v;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (item.find_first_not_of(' ') == std::string_view::npos) continue;
    auto s = parse_service(item);
    if (!s) {
      r.fail(s.error(), name, std::string(item), "protocol://host:port with protocol tcp, ssl, ws, wss or rpc");
      return out;
    }
    for (const ServiceAddress& o : out)
      if (o.host == s->host && o.port == s->port && s->port != 0) {
        r.fail(error::duplicate_service, name, std::string(item), "each address once");
        return out;
      }
    out.push_back(*s);
  }
  return out;
}

inline std::string lowercase_letters(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '_' && c != '-') out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace detail

// Variables ElectrumX removed; setting one is a startup error, as in ElectrumX.
inline constexpr std::string_view obsolete_variables[] = {
    "UTXO_MB",
    "HIST_MB",
    "NETWORK",
    "MAX_SUBS",
    "MAX_SUBSCRIPTIONS",
    "MAX_SESSION_SUBS",
    "BANDWIDTH_LIMIT",
    "HOST",
    "TCP_PORT",
    "SSL_PORT",
    "RPC_HOST",
    "RPC_PORT",
    "REPORT_HOST",
    "REPORT_TCP_PORT",
    "REPORT_SSL_PORT",
    "REPORT_HOST_TOR",
    "REPORT_TCP_PORT_TOR",
    "REPORT_SSL_PORT_TOR",
};

// Every variable load_server_config reads, for docs/configuration.md (generated from this table
// by tests/support/config_reference.cpp; a test fails when the two differ, or when the loader
// reads a variable this table lacks).
inline constexpr config::Variable server_variables[] = {
    {"Chain and node", "COIN", "the program's coin",
     "Must name the coin the program serves: its name (`Bitcoin`, `BitcoinCash`, `Litecoin`; case, spaces, `-` and `_` "
     "ignored) or ticker (`BTC`)."},
    {"Chain and node", "NET", "`mainnet`", "`mainnet`, `testnet`, `regtest` or `signet` (those the coin has)."},
    {"Chain and node", "DAEMON_URL", "required",
     "The node's JSON-RPC: `http://user:password@host:port/`, `user:password@host` (the network's RPC port) or "
     "`host:port`; IPv6 in brackets; credentials may be percent-encoded. ElectrumX's comma-separated failover list is "
     "accepted, **only the first URL is used**."},
    {"Chain and node", "DB_DIRECTORY", "required", "The index's directory (LMDB), created if missing."},
    {"Chain and node", "DB_ENGINE", "unset",
     "Only `lmdb` (or unset) is accepted: ElectrumX's `leveldb`/`rocksdb` are refused, so an old ElectrumX environment "
     "is not silently misread."},
    {"Chain and node", "CACHE_MB", "1200",
     "Memory for the indexer's UTXO and history caches before a flush (1 to 1048576)."},
    {"Chain and node", "REORG_LIMIT", "200", "Blocks below the tip that keep undo data (1 to 1,000,000)."},
    {"Chain and node", "DAEMON_POLL_INTERVAL_BLOCKS", "5000",
     "Milliseconds between polls for new blocks once caught up."},
    {"Chain and node", "DAEMON_POLL_INTERVAL_MEMPOOL", "5000", "Milliseconds between mempool refreshes."},
    {"Listening", "SERVICES", "none",
     "Comma-separated `protocol://host:port`. Protocols: `tcp` (newline-delimited JSON-RPC), `ssl` (the same over "
     "TLS), `ws` and `wss` (one JSON message per WebSocket text message, no newline), `rpc` (LocalRPC), `http` (`GET "
     "/metrics` in Prometheus' text format: [electrum-server.md](electrum-server.md#metrics)). An empty host "
     "(`tcp://:50001`) listens on every IPv4 "
     "interface; IPv6 goes in brackets (`ws://[::1]:50003`); `rpc://` alone is `localhost:8000`, and `rpc` and `http` "
     "without a host listen on `localhost`; port 0 lets the OS pick (the log says which). Two services on one address "
     "are refused."},
    {"Listening", "REPORT_SERVICES", "none",
     "What `server.features` advertises (`hosts` and `services`); `rpc` and `http` are refused here."},
    {"Listening", "SSL_CERTFILE", "required with `ssl`/`wss`",
     "The PEM certificate chain of `ssl://` and `wss://`. Checked readable at configuration, then loaded by OpenSSL at "
     "start. Idle TLS sessions release OpenSSL's buffers (`SSL_MODE_RELEASE_BUFFERS`)."},
    {"Listening", "SSL_KEYFILE", "required with `ssl`/`wss`",
     "The certificate's PEM private key; one that does not match the certificate is refused at start, naming "
     "`SSL_KEYFILE`."},
    {"Listening", "WORKER_THREADS", "one per core",
     "I/O threads (0 to 256, 0 = one per core). Each has its own `io_context`; sessions are spread round-robin. "
     "*(coinkit)*"},
    {"What clients see", "BANNER_FILE", "none",
     "`server.banner`'s text, read at startup, with `$SERVER_VERSION`, `$SERVER_SUBVERSION`, `$DAEMON_VERSION`, "
     "`$DAEMON_SUBVERSION` and `$DONATION_ADDRESS` replaced (ElectrumX's arithmetic for `$DAEMON_VERSION`: Core 29 "
     "shows as `0.29.0`). Without it: `You are connected to an coinkit 0.1.0 server.`"},
    {"What clients see", "DONATION_ADDRESS", "`\"\"`", "`server.donation_address`."},
    {"What clients see", "DROP_CLIENT", "none",
     "A regular expression (ECMAScript); a `server.version` whose client name matches is answered `unsupported client: "
     "<name>` and closed."},
    {"Limits", "MAX_SESSIONS", "1000",
     "Client sessions at once (all client services together). Beyond it a new connection is accepted and closed at "
     "once (ElectrumX pauses its listeners instead)."},
    {"Limits", "MAX_RECV", "1,000,000",
     "Largest request in bytes (a line, or a WebSocket message). A larger one is answered `{\"code\": -32600, "
     "\"message\": \"request too large (over N bytes)\"}` and the connection closed (WebSocket: closed with code "
     "1009). At least 100."},
    {"Limits", "MAX_SEND", "8,100,000",
     "Largest reply in bytes (a batch's replies count together). A larger one is replaced by `{\"code\": -32600, "
     "\"message\": \"response too large (over N bytes)\"}`; the session goes on. Raised to 350,000 if set lower (as "
     "ElectrumX). Histories longer than `MAX_SEND / 99` entries are refused with `history too large` (code 1)."},
    {"Limits", "COST_SOFT_LIMIT", "1000",
     "Above this session cost, each message waits `REQUEST_SLEEP × (cost − soft) / (hard − soft)` before it runs."},
    {"Limits", "COST_HARD_LIMIT", "10000",
     "At this cost the next request is answered `{\"code\": -101, \"message\": \"excessive resource usage\"}` and the "
     "session closed. `COST_SOFT_LIMIT=0` with `COST_HARD_LIMIT=0` (or hard ≤ soft) disables throttling."},
    {"Limits", "REQUEST_SLEEP", "2500", "Milliseconds of sleep at the hard limit."},
    {"Limits", "BANDWIDTH_UNIT_COST", "5000", "Bytes received or sent that cost 1.0."},
    {"Limits", "SESSION_TIMEOUT", "600",
     "Seconds without a request before a session is closed (`server.ping` keeps it alive)."},
    {"Limits", "REQUEST_TIMEOUT", "30",
     "Seconds a node call (broadcast, `transaction.get`, fees) may take; then `{\"code\": -102, \"message\": \"server "
     "busy - request timed out\"}`."},
    {"Limits", "SEND_TIMEOUT", "60",
     "Seconds a reply may wait to be written; a client that reads nothing for that long is dropped. *(coinkit; "
     "aiorpcx's `max_send_delay`)*"},
    {"Limits", "INITIAL_CONCURRENT", "10", "Checked, no effect: a session's requests run one after the other."},
    {"Peers", "PEER_DISCOVERY", "`on`",
     "`on`: peers are learnt from `PEER_SEEDS`, from `server.add_peer` and from the peers' own lists, each checked "
     "(same genesis, height within 5 of ours and the same header there, listed in its own `hosts`) before "
     "`server.peers.subscribe` lists it; `self` and `off`: no discovery (`server.add_peer` answers `false`, as "
     "ElectrumX 1.20, which does not discover with `self` either). On `regtest` private and loopback addresses are "
     "accepted and a peer is its host and ports, so that servers on one machine find each other "
     "*(coinkit)*. Onion peers are skipped (no Tor proxy support)."},
    {"Peers", "PEER_ANNOUNCE", "on",
     "Announce this server (`server.add_peer` with its features) to each peer checked that does not list it; needs "
     "a public `REPORT_SERVICES` host (any host on regtest)."},
    {"Peers", "PEER_SEEDS", "none",
     "Comma-separated real names of the first peers to check: `host s50002 t50001` (`s`/`t` alone: the network's "
     "default ports). ElectrumX keeps this list in its coin classes *(coinkit)*."},
    {"Logs and process", "LOG_LEVEL", "`info`",
     "`debug`, `info`, `warning`, `error` or `critical` (any case). Lines are `LEVEL:Component:message` on stderr."},
    {"Logs and process", "LOG_SESSIONS", "3600",
     "Seconds between two logs of the sessions table (`coinkit-rpc sessions`' lines) and of `getinfo` as one JSON "
     "line, at `info` level, as ElectrumX; 0 turns it off."},
    {"Logs and process", "ANON_LOGS", "off",
     "Client addresses in logs become `xx.xx.xx.xx:xx` (new sessions at `debug` level, `LOG_SESSIONS`' table)."},
    {"Logs and process", "ALLOW_ROOT", "off", "Allow running as root."},
};

// Reads and checks every variable for the coin `Coin`; the first problem is returned, naming
// its variable. value() throws ConfigException.
template <CoinPolicy Coin>
ConfigResult<ServerConfig> load_server_config(const Environment& env = Environment::process()) {
  ConfigReader r(env, {.prefix = {}, .empty_means_unset = true});
  ServerConfig c;

  for (std::string_view name : obsolete_variables)
    if (auto v = r.get(name)) r.fail(error::obsolete_variable, name, *v);

  c.coin = r.string("COIN", std::string(Coin::name));
  if (detail::lowercase_letters(c.coin) != detail::lowercase_letters(Coin::name) &&
      detail::lowercase_letters(c.coin) != detail::lowercase_letters(Coin::ticker))
    r.fail(error::wrong_coin, "COIN", c.coin, "this program serves " + std::string(Coin::name));

  c.network = r.network<Coin>("NET", NetworkId::mainnet);
  if (auto v = r.get("DAEMON_URL")) {
    c.daemon_url = *v;
    // ElectrumX takes a comma-separated failover list; this server uses the first URL.
    const std::string first = c.daemon_url.substr(0, c.daemon_url.find(','));
    if (auto o = node::parse_daemon_url(first, find_network<Coin>(c.network)->ports.rpc))
      c.node = std::move(*o);
    else
      r.fail(o.error(), "DAEMON_URL", *v, "http://user:password@host:port");
  } else {
    r.fail(config::error::missing_variable, "DAEMON_URL", "", "http://user:password@host:port");
  }
  if (auto v = r.get("DB_DIRECTORY"))
    c.db_directory = *v;
  else
    r.fail(config::error::missing_variable, "DB_DIRECTORY", "", "a directory for the index");
  if (auto v = r.get("DB_ENGINE"); v && detail::lowercase_letters(*v) != "lmdb")
    r.fail(error::unsupported_value, "DB_ENGINE", *v, "coinkit keeps its index in LMDB: unset it or set lmdb");

  c.cache_mb = r.integer<std::size_t>("CACHE_MB", c.cache_mb, 1, 1u << 20);
  c.reorg_limit = r.integer<int>("REORG_LIMIT", c.reorg_limit, 1, 1'000'000);
  c.daemon_poll_interval_blocks = std::chrono::milliseconds(
      r.integer<long long>("DAEMON_POLL_INTERVAL_BLOCKS", c.daemon_poll_interval_blocks.count(), 1, 86'400'000));
  c.daemon_poll_interval_mempool = std::chrono::milliseconds(
      r.integer<long long>("DAEMON_POLL_INTERVAL_MEMPOOL", c.daemon_poll_interval_mempool.count(), 1, 86'400'000));

  c.services = detail::read_services(r, "SERVICES");
  c.report_services = detail::read_services(r, "REPORT_SERVICES");
  for (const ServiceAddress& s : c.report_services)
    if (s.for_operators())
      r.fail(error::invalid_service, "REPORT_SERVICES", s.to_string(), "rpc and http are never reported");
  const bool needs_tls =
      std::any_of(c.services.begin(), c.services.end(), [](const ServiceAddress& s) { return s.tls(); });
  for (std::string_view name : {std::string_view("SSL_CERTFILE"), std::string_view("SSL_KEYFILE")}) {
    auto v = r.get(name);
    if (!v) {
      if (needs_tls) r.fail(error::missing_tls_files, name, "", "a PEM file");
      continue;
    }
    (name == "SSL_CERTFILE" ? c.ssl_certfile : c.ssl_keyfile) = *v;
    if (needs_tls && !config::read_file(*v)) r.fail(config::error::unreadable_file, name, *v, "a readable PEM file");
  }
  c.worker_threads = r.integer<unsigned>("WORKER_THREADS", 0, 0, 256);

  if (auto v = r.get("BANNER_FILE")) {
    c.banner_file = *v;
    if (auto text = config::read_file(*v))
      c.banner = *text;
    else
      r.fail(config::error::unreadable_file, "BANNER_FILE", *v, "a readable UTF-8 text file");
  }
  c.donation_address = r.string("DONATION_ADDRESS");
  c.drop_client = r.string("DROP_CLIENT");
  if (!c.drop_client.empty()) {
    try {
      std::regex check(c.drop_client);
    } catch (const std::regex_error&) {
      r.fail(error::invalid_regex, "DROP_CLIENT", c.drop_client, "an ECMAScript regular expression");
    }
  }

  c.max_sessions = r.integer<std::size_t>("MAX_SESSIONS", c.max_sessions, 1, 10'000'000);
  // ElectrumX raises a smaller MAX_SEND to 350,000: below that a chunk of headers cannot be sent.
  c.max_send = std::max<std::size_t>(350'000, r.integer<std::size_t>("MAX_SEND", c.max_send, 1, 1ull << 32));
  c.max_recv = r.integer<std::size_t>("MAX_RECV", c.max_recv, 100, 1ull << 32);
  c.cost.soft_limit = r.integer<double>("COST_SOFT_LIMIT", c.cost.soft_limit, 0, 1ull << 40);
  c.cost.hard_limit = r.integer<double>("COST_HARD_LIMIT", c.cost.hard_limit, 0, 1ull << 40);
  c.cost.request_sleep =
      std::chrono::milliseconds(r.integer<long long>("REQUEST_SLEEP", c.cost.request_sleep.count(), 0, 3'600'000));
  c.cost.bandwidth_unit_cost = r.integer<double>("BANDWIDTH_UNIT_COST", c.cost.bandwidth_unit_cost, 1, 1ull << 40);
  (void)r.integer<unsigned>("INITIAL_CONCURRENT", 10, 1, 1'000'000);  // read for its check only
  auto seconds = [&](std::string_view name, std::chrono::milliseconds fallback) {
    return std::chrono::milliseconds(1000 * r.integer<long long>(name, fallback.count() / 1000, 1, 86'400 * 365));
  };
  c.session_timeout = seconds("SESSION_TIMEOUT", c.session_timeout);
  c.request_timeout = seconds("REQUEST_TIMEOUT", c.request_timeout);
  c.send_timeout = seconds("SEND_TIMEOUT", c.send_timeout);

  if (auto v = r.get("LOG_LEVEL")) {
    if (auto l = parse_log_level(*v))
      c.log_level = *l;
    else
      r.fail(error::invalid_log_level, "LOG_LEVEL", *v, "debug, info, warning, error or critical");
  }
  if (auto v = r.get("PEER_DISCOVERY")) {
    // ElectrumX: "off" or empty turns it off, "self" reports only itself, anything else is on.
    const std::string mode = detail::lowercase_letters(*v);
    c.peer_discovery = mode == "off"    ? PeerDiscoveryMode::off
                       : mode == "self" ? PeerDiscoveryMode::self
                                        : PeerDiscoveryMode::on;
  }
  c.peer_announce = r.boolean("PEER_ANNOUNCE", true);
  if (auto v = r.get("PEER_SEEDS")) {
    std::string_view rest = *v;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::string item(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      if (!item.empty()) c.peer_seeds.push_back(std::move(item));
    }
  }
  c.log_sessions = std::chrono::milliseconds(1000 * r.integer<long long>("LOG_SESSIONS", 3600, 0, 86'400 * 365));
  c.anon_logs = r.boolean("ANON_LOGS");
  c.allow_root = r.boolean("ALLOW_ROOT");

  return r.finish(std::move(c));
}

}  // namespace coinkit::electrum
