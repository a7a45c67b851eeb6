// DaemonServer: the coin-independent part of a wallet daemon: HTTP on COIN_HOST:COIN_PORT with
// Basic auth on POST / (JSON-RPC), GET /ws (events), GET /spec and GET /metrics (Prometheus),
// the websocket event frames and the per-wallet get_updates queues. BaseDaemon<Derived> puts a method table on top.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/daemon/config.hpp>
#include <coinkit/daemon/wallet_updates.hpp>
#include <coinkit/net/basic_auth.hpp>
#include <coinkit/net/http_server.hpp>
#include <coinkit/net/metrics_text.hpp>
#include <coinkit/net/websocket_hub.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_writer.hpp>
#include <coinkit/rpc/reply.hpp>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace coinkit {

struct DaemonServerOptions {
  // Larger POST bodies are answered 413 with a JSON-RPC error and the connection closed.
  std::size_t body_limit = 16 << 20;
  net::HttpServerOptions http{};
  net::WebSocketHubOptions websocket{};
};

namespace daemon::detail {

inline std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

// The key a websocket's {"xpub": ...} message subscribes to. A non-string truthy value (the
// SDK sends an object when its coin has a contract) never equals a wallet key, so that socket
// then receives global events only, as in Bitcart; NUL cannot appear in a wallet key.
inline std::optional<std::string> subscription_key(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(text, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const boost::json::value* xpub = doc.get_object().if_contains("xpub");
  if (!xpub) return std::nullopt;
  switch (xpub->kind()) {
    case boost::json::kind::string:
      if (xpub->get_string().empty()) return std::nullopt;
      return std::string(xpub->get_string());
    case boost::json::kind::null: return std::nullopt;
    case boost::json::kind::bool_:
      if (!xpub->get_bool()) return std::nullopt;
      break;
    case boost::json::kind::int64:
      if (xpub->get_int64() == 0) return std::nullopt;
      break;
    case boost::json::kind::uint64:
      if (xpub->get_uint64() == 0) return std::nullopt;
      break;
    case boost::json::kind::double_:
      if (xpub->get_double() == 0) return std::nullopt;
      break;
    case boost::json::kind::array:
      if (xpub->get_array().empty()) return std::nullopt;
      break;
    case boost::json::kind::object:
      if (xpub->get_object().empty()) return std::nullopt;
      break;
  }
  return std::string(1, '\0') + rpc::to_json_text(*xpub);
}

}  // namespace daemon::detail

class DaemonServer {
 public:
  // Answers an authenticated POST / body with the JSON-RPC reply text. May suspend.
  using RpcHandler = std::function<net::asio::awaitable<std::string>(std::string&& body)>;

  COINKIT_DECL DaemonServer(net::asio::any_io_executor executor, DaemonConfig config, RpcHandler rpc,
                            DaemonServerOptions options = {});

  DaemonServer(const DaemonServer&) = delete;
  DaemonServer& operator=(const DaemonServer&) = delete;

  const DaemonConfig& config() const noexcept { return config_; }
  net::asio::any_io_executor executor() const { return executor_; }

  // The daemon's part of /metrics (its calls, its wallets), after the server's own.
  using MetricsWriter = std::function<void(net::MetricsText&)>;
  void set_metrics(MetricsWriter w) { metrics_ = std::move(w); }
  // The /metrics text. On the executor.
  COINKIT_DECL std::string metrics() const;

  // The /spec document (already serialized).
  void set_spec(std::string json) { spec_ = std::move(json); }
  const std::string& spec() const noexcept { return spec_; }

  // Binds COIN_HOST:COIN_PORT and starts accepting; throws system_error when it cannot bind.
  COINKIT_DECL void listen();
  net::tcp::endpoint local_endpoint() const { return http_.local_endpoint(); }

  // Stops accepting, closes HTTP connections and websockets (1001 "Server shutdown"). Call on
  // the executor.
  COINKIT_DECL void stop();

  // Publishes an event: a websocket frame {"updates": [event], "wallet": key|null, "currency":
  // COIN} to the sockets that want it, and the get_updates queue(s). A null wallet is a global
  // event (every socket, every open wallet's queue). Safe to call from any thread.
  COINKIT_DECL void notify(std::optional<std::string> wallet, boost::json::value event);

  net::WebSocketHub& websockets() noexcept { return hub_; }
  WalletUpdates& updates() noexcept { return updates_; }
  net::HttpServer& http() noexcept { return http_; }

  // One notification frame, as Bitcart's build_notification writes it.
  COINKIT_DECL std::string frame(const std::optional<std::string>& wallet, const boost::json::value& event) const;

 private:
  COINKIT_DECL static net::HttpServerOptions http_options(const DaemonServerOptions& o);

  COINKIT_DECL void publish(const std::optional<std::string>& wallet, const boost::json::value& event);

  COINKIT_DECL bool authorized(const net::Request& req) const;

  COINKIT_DECL static net::Response http_error(const net::Request& req, net::http::status status);

  COINKIT_DECL net::asio::awaitable<net::Response> handle(net::Request& req);

  COINKIT_DECL void upgrade(net::beast::tcp_stream&& stream, net::Request&& req);

  DaemonConfig config_;
  DaemonServerOptions options_;
  RpcHandler rpc_;
  std::string expected_auth_;
  std::string spec_ = "{}";
  MetricsWriter metrics_;
  std::map<std::string, std::uint64_t, std::less<>> events_;  // published, by "event" (on the executor)
  net::HttpServer http_;
  net::WebSocketHub hub_;
  WalletUpdates updates_;
  net::asio::any_io_executor executor_;
};

}  // namespace coinkit

#if COINKIT_HEADER_ONLY
#include <coinkit/daemon/impl/daemon_server.ipp>
#endif
