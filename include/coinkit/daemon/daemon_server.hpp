// DaemonServer: the coin-independent part of a wallet daemon: HTTP on COIN_HOST:COIN_PORT with
// Basic auth on POST / (JSON-RPC), GET /ws (events) and GET /spec, the websocket event frames
// and the per-wallet get_updates queues. BaseDaemon<Derived> puts a method table on top.
#pragma once

#include <coinkit/daemon/config.hpp>
#include <coinkit/daemon/wallet_updates.hpp>
#include <coinkit/net/basic_auth.hpp>
#include <coinkit/net/http_server.hpp>
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
#include <functional>
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

  DaemonServer(net::asio::any_io_executor executor, DaemonConfig config, RpcHandler rpc,
               DaemonServerOptions options = {})
      : config_(std::move(config)),
        options_(options),
        rpc_(std::move(rpc)),
        expected_auth_(net::basic_authorization(config_.login, config_.password)),
        http_(
            executor, [this](net::Request& req) { return handle(req); }, http_options(options)),
        hub_(executor, options.websocket),
        updates_(config_.polling_cap),
        executor_(executor) {
    http_.on_upgrade(
        [this](net::beast::tcp_stream&& stream, net::Request&& req) { upgrade(std::move(stream), std::move(req)); });
    http_.on_error([](const net::Request& req, net::http::status status) { return http_error(req, status); });
    hub_.on_message([this](net::WebSocketHub::Id id, std::string_view text) {
      if (auto key = daemon::detail::subscription_key(text)) hub_.subscribe(id, std::move(*key));
    });
  }

  DaemonServer(const DaemonServer&) = delete;
  DaemonServer& operator=(const DaemonServer&) = delete;

  const DaemonConfig& config() const noexcept { return config_; }
  net::asio::any_io_executor executor() const { return executor_; }

  // The /spec document (already serialized).
  void set_spec(std::string json) { spec_ = std::move(json); }
  const std::string& spec() const noexcept { return spec_; }

  // Binds COIN_HOST:COIN_PORT and starts accepting; throws system_error when it cannot bind.
  void listen() {
    const std::string host = config_.host == "localhost" ? "127.0.0.1" : config_.host;
    http_.listen({net::asio::ip::make_address(host), config_.port});
  }
  net::tcp::endpoint local_endpoint() const { return http_.local_endpoint(); }

  // Stops accepting, closes HTTP connections and websockets (1001 "Server shutdown"). Call on
  // the executor.
  void stop() {
    http_.stop();
    hub_.close_all();
  }

  // Publishes an event: a websocket frame {"updates": [event], "wallet": key|null, "currency":
  // COIN} to the sockets that want it, and the get_updates queue(s). A null wallet is a global
  // event (every socket, every open wallet's queue). Safe to call from any thread.
  void notify(std::optional<std::string> wallet, boost::json::value event) {
    net::asio::dispatch(
        executor_, [this, wallet = std::move(wallet), event = std::move(event)]() mutable { publish(wallet, event); });
  }

  net::WebSocketHub& websockets() noexcept { return hub_; }
  WalletUpdates& updates() noexcept { return updates_; }
  net::HttpServer& http() noexcept { return http_; }

  // One notification frame, as Bitcart's build_notification writes it.
  std::string frame(const std::optional<std::string>& wallet, const boost::json::value& event) const {
    std::string out = R"({"updates": [)";
    rpc::write_json(out, event);
    out += R"(], "wallet": )";
    rpc::write_json(out, wallet ? boost::json::value(boost::json::string_view(*wallet)) : boost::json::value());
    out += R"(, "currency": )";
    rpc::write_json(out, boost::json::string_view(config_.coin));
    out += '}';
    return out;
  }

 private:
  static net::HttpServerOptions http_options(const DaemonServerOptions& o) {
    net::HttpServerOptions h = o.http;
    h.body_limit = o.body_limit;
    return h;
  }

  void publish(const std::optional<std::string>& wallet, const boost::json::value& event) {
    auto shared = std::make_shared<const std::string>(frame(wallet, event));
    if (wallet) {
      hub_.publish(shared, *wallet);
      updates_.push(*wallet, event);
    } else {
      hub_.publish(shared);
      updates_.push_all(event);
    }
  }

  bool authorized(const net::Request& req) const {
    const auto it = req.find(net::http::field::authorization);
    if (it == req.end()) return false;
    const std::string_view value(it->value().data(), it->value().size());
    if (net::constant_time_equal(value, expected_auth_)) return true;  // the usual spelling, no decoding
    return net::check_basic_auth(value, config_.login, config_.password);
  }

  static net::Response http_error(const net::Request& req, net::http::status status) {
    std::string message;
    switch (status) {
      case net::http::status::payload_too_large: message = "Request body too large"; break;
      case net::http::status::request_header_fields_too_large: message = "Request headers too large"; break;
      default: message = "Malformed HTTP request"; break;
    }
    net::Response res = net::make_response(req, status, rpc::error_reply(nullptr, rpc::invalid_request_code, message));
    res.keep_alive(false);
    return res;
  }

  net::asio::awaitable<net::Response> handle(net::Request& req) {
    using net::http::status;
    using net::http::verb;
    const std::string_view path = daemon::detail::path_of(std::string_view(req.target().data(), req.target().size()));
    const bool known = path == "/" || path == "/ws" || path == "/spec";
    if (!known) co_return net::make_response(req, status::not_found, "404: Not Found", "text/plain; charset=utf-8");
    const verb expected = path == "/" ? verb::post : verb::get;
    if (req.method() != expected)
      co_return net::make_response(req, status::method_not_allowed, "405: Method Not Allowed",
                                   "text/plain; charset=utf-8");
    if (!authorized(req)) co_return net::make_response(req, status::ok, rpc::unauthorized_reply());
    if (path == "/spec") co_return net::make_response(req, status::ok, spec_);
    if (path == "/ws")  // a GET without the upgrade headers
      co_return net::make_response(req, status::bad_request, "Expected WebSocket upgrade", "text/plain; charset=utf-8");
    std::string reply = co_await rpc_(std::move(req.body()));
    co_return net::make_response(req, status::ok, std::move(reply));
  }

  void upgrade(net::beast::tcp_stream&& stream, net::Request&& req) {
    const std::string_view path = daemon::detail::path_of(std::string_view(req.target().data(), req.target().size()));
    if (path == "/ws" && authorized(req)) {
      hub_.accept(std::move(stream), std::move(req));
      return;
    }
    // Answer as HTTP (not upgraded) and close: the connection left HttpServer's hands.
    auto res = std::make_shared<net::Response>(
        path == "/ws"
            ? net::make_response(req, net::http::status::ok, rpc::unauthorized_reply())
            : net::make_response(req, net::http::status::not_found, "404: Not Found", "text/plain; charset=utf-8"));
    res->keep_alive(false);
    res->prepare_payload();
    auto s = std::make_shared<net::beast::tcp_stream>(std::move(stream));
    s->expires_after(std::chrono::seconds(10));
    net::http::async_write(*s, *res, [s, res](net::beast::error_code, std::size_t) {
      net::beast::error_code ignored;
      s->socket().shutdown(net::tcp::socket::shutdown_send, ignored);
      s->socket().close(ignored);
    });
  }

  DaemonConfig config_;
  DaemonServerOptions options_;
  RpcHandler rpc_;
  std::string expected_auth_;
  std::string spec_ = "{}";
  net::HttpServer http_;
  net::WebSocketHub hub_;
  WalletUpdates updates_;
  net::asio::any_io_executor executor_;
};

}  // namespace coinkit
