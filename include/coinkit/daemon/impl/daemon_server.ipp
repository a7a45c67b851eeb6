// The non-template code of <coinkit/daemon/daemon_server.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/daemon/daemon_server.hpp>

namespace coinkit {
DaemonServer::DaemonServer(net::asio::any_io_executor executor, DaemonConfig config, RpcHandler rpc,
                           DaemonServerOptions options)

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

void DaemonServer::listen() {
  const std::string host = config_.host == "localhost" ? "127.0.0.1" : config_.host;
  http_.listen({net::asio::ip::make_address(host), config_.port});
}

void DaemonServer::stop() {
  http_.stop();
  hub_.close_all();
}

void DaemonServer::notify(std::optional<std::string> wallet, boost::json::value event) {
  net::asio::dispatch(
      executor_, [this, wallet = std::move(wallet), event = std::move(event)]() mutable { publish(wallet, event); });
}

std::string DaemonServer::frame(const std::optional<std::string>& wallet, const boost::json::value& event) const {
  std::string out = R"({"updates": [)";
  rpc::write_json(out, event);
  out += R"(], "wallet": )";
  rpc::write_json(out, wallet ? boost::json::value(boost::json::string_view(*wallet)) : boost::json::value());
  out += R"(, "currency": )";
  rpc::write_json(out, boost::json::string_view(config_.coin));
  out += '}';
  return out;
}

net::HttpServerOptions DaemonServer::http_options(const DaemonServerOptions& o) {
  net::HttpServerOptions h = o.http;
  h.body_limit = o.body_limit;
  return h;
}

void DaemonServer::publish(const std::optional<std::string>& wallet, const boost::json::value& event) {
  const boost::json::value* name = event.is_object() ? event.get_object().if_contains("event") : nullptr;
  const std::string_view kind = name && name->is_string() ? std::string_view(name->get_string()) : "other";
  if (auto it = events_.find(kind); it != events_.end())
    ++it->second;
  else
    events_.emplace(kind, 1);
  auto shared = std::make_shared<const std::string>(frame(wallet, event));
  if (wallet) {
    hub_.publish(shared, *wallet);
    updates_.push(*wallet, event);
  } else {
    hub_.publish(shared);
    updates_.push_all(event);
  }
}

bool DaemonServer::authorized(const net::Request& req) const {
  const auto it = req.find(net::http::field::authorization);
  if (it == req.end()) return false;
  const std::string_view value(it->value().data(), it->value().size());
  if (net::constant_time_equal(value, expected_auth_)) return true;  // the usual spelling, no decoding
  return net::check_basic_auth(value, config_.login, config_.password);
}

net::Response DaemonServer::http_error(const net::Request& req, net::http::status status) {
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

net::asio::awaitable<net::Response> DaemonServer::handle(net::Request& req) {
  using net::http::status;
  using net::http::verb;
  const std::string_view path = daemon::detail::path_of(std::string_view(req.target().data(), req.target().size()));
  const bool known = path == "/" || path == "/ws" || path == "/spec" || path == "/metrics";
  if (!known) co_return net::make_response(req, status::not_found, "404: Not Found", "text/plain; charset=utf-8");
  const verb expected = path == "/" ? verb::post : verb::get;
  if (req.method() != expected)
    co_return net::make_response(req, status::method_not_allowed, "405: Method Not Allowed",
                                 "text/plain; charset=utf-8");
  if (!authorized(req)) co_return net::make_response(req, status::ok, rpc::unauthorized_reply());
  if (path == "/spec") co_return net::make_response(req, status::ok, spec_);
  if (path == "/metrics") co_return net::make_response(req, status::ok, metrics(), net::MetricsText::content_type);
  if (path == "/ws")  // a GET without the upgrade headers
    co_return net::make_response(req, status::bad_request, "Expected WebSocket upgrade", "text/plain; charset=utf-8");
  std::string reply = co_await rpc_(std::move(req.body()));
  co_return net::make_response(req, status::ok, std::move(reply));
}

std::string DaemonServer::metrics() const {
  using Type = net::MetricsText::Type;
  net::MetricsText m;
  m.process_start_time();
  m.gauge("coinkit_daemon_http_connections", "HTTP connections open (websockets not counted).",
          static_cast<double>(http_.connections()));
  m.gauge("coinkit_daemon_websocket_clients", "Websockets open on /ws.", static_cast<double>(hub_.size()));
  m.counter("coinkit_daemon_websocket_dropped_total", "Websockets closed for reading too slowly.",
            static_cast<double>(hub_.dropped()));
  m.family("coinkit_daemon_events_total", Type::counter, "Events published to websockets and get_updates, by kind.");
  for (const auto& [kind, n] : events_) m.sample(static_cast<double>(n), {{"event", kind}});
  if (metrics_) metrics_(m);
  return m.take();
}

void DaemonServer::upgrade(net::beast::tcp_stream&& stream, net::Request&& req) {
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

}  // namespace coinkit
