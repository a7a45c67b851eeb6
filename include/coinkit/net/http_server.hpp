// HttpServer: an HTTP/1.1 server on Boost.Beast whose handlers are coroutines, with body
// limits, idle timeouts, keep-alive, WebSocket upgrade hand-off and a clean stop.
#pragma once

#include <coinkit/net/listener.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace coinkit::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Builds a response to `req` (same HTTP version and keep-alive) with a body and content type.
inline Response make_response(const Request& req, http::status status, std::string body,
                              std::string_view content_type = "application/json") {
  Response res{status, req.version()};
  res.set(http::field::server, "coinkit");
  res.set(http::field::content_type, content_type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

struct HttpServerOptions {
  std::size_t body_limit = 1 << 20;  // larger bodies get `too_large`, then the connection closes
  std::size_t header_limit = 16 << 10;
  std::chrono::seconds idle_timeout{60};  // for reading a request and writing a response
  std::size_t max_connections = 1000;     // beyond: accepted and closed at once
};

class HttpServer {
 public:
  // Answers one request. Runs on the server's executor; slow work should be moved elsewhere
  // (co_await on another executor) so other connections keep being served.
  using Handler = std::function<asio::awaitable<Response>(Request&)>;
  // Takes over a connection whose request asks for a WebSocket upgrade.
  using UpgradeHandler = std::function<void(beast::tcp_stream&&, Request&&)>;
  // The response to a request the server rejects before any handler (body or header too large,
  // malformed HTTP); `status` says which.
  using ErrorResponder = std::function<Response(const Request&, http::status)>;

  HttpServer(asio::any_io_executor executor, Handler handler, HttpServerOptions options = {})
      : state_(std::make_shared<State>(executor, std::move(handler), options)) {}

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer() { stop(); }

  void on_upgrade(UpgradeHandler h) { state_->upgrade = std::move(h); }
  void on_error(ErrorResponder r) { state_->error_responder = std::move(r); }

  // Binds and starts accepting; throws system_error when the address cannot be bound.
  void listen(const tcp::endpoint& endpoint) {
    listen_on(state_->acceptor, endpoint);
    asio::co_spawn(state_->executor, accept_loop(state_), asio::detached);
  }

  tcp::endpoint local_endpoint() const { return state_->acceptor.local_endpoint(); }
  std::size_t connections() const noexcept { return state_->sessions.size(); }

  // Stops accepting and closes every open connection. Safe to call more than once; call it
  // on the server's executor (or after the io_context stopped).
  void stop() {
    auto& s = *state_;
    if (s.stopped) return;
    s.stopped = true;
    beast::error_code ignored;
    s.acceptor.close(ignored);
    for (auto& [id, stream] : s.sessions) stream->socket().close(ignored);
    s.sessions.clear();
  }

 private:
  struct State {
    State(asio::any_io_executor ex, Handler h, HttpServerOptions o)
        : executor(ex), acceptor(ex), handler(std::move(h)), options(o) {}
    asio::any_io_executor executor;
    tcp::acceptor acceptor;
    Handler handler;
    UpgradeHandler upgrade;
    ErrorResponder error_responder;
    HttpServerOptions options;
    std::map<std::uint64_t, std::shared_ptr<beast::tcp_stream>> sessions;
    std::uint64_t next_id = 0;
    bool stopped = false;
  };

  static Response error_response(const State& s, const Request& req, http::status status) {
    if (s.error_responder) return s.error_responder(req, status);
    Response res = make_response(req, status, std::string(http::obsolete_reason(status)) + "\n", "text/plain");
    res.keep_alive(false);
    return res;
  }

  static asio::awaitable<void> accept_loop(std::shared_ptr<State> s) {
    while (!s->stopped) {
      auto [ec, socket] = co_await s->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec == asio::error::operation_aborted || s->stopped) break;
      if (ec) continue;  // a connection that failed during accept; keep serving
      if (s->sessions.size() >= s->options.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);
        continue;
      }
      const std::uint64_t id = s->next_id++;
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      s->sessions.emplace(id, stream);
      asio::co_spawn(s->executor, session(s, id, stream), asio::detached);
    }
  }

  static asio::awaitable<void> session(std::shared_ptr<State> s, std::uint64_t id,
                                       std::shared_ptr<beast::tcp_stream> stream) {
    beast::flat_buffer buffer;
    bool upgraded = false;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(s->options.body_limit);
      parser.header_limit(static_cast<std::uint32_t>(s->options.header_limit));
      stream->expires_after(s->options.idle_timeout);
      auto [ec, n] = co_await http::async_read(*stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      (void)n;
      if (ec) {
        http::status status = http::status::bad_request;
        if (ec == http::error::body_limit) status = http::status::payload_too_large;
        if (ec == http::error::header_limit) status = http::status::request_header_fields_too_large;
        const bool peer_gone = ec == http::error::end_of_stream || ec == beast::error::timeout ||
                               ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
                               ec == asio::error::bad_descriptor;
        if (!peer_gone && !s->stopped) {
          Response res = error_response(*s, parser.get(), status);
          res.keep_alive(false);
          res.prepare_payload();
          co_await http::async_write(*stream, res, asio::as_tuple(asio::use_awaitable));
        }
        break;
      }
      Request req = parser.release();
      if (beast::websocket::is_upgrade(req) && s->upgrade) {
        stream->expires_never();
        s->sessions.erase(id);
        s->upgrade(std::move(*stream), std::move(req));
        upgraded = true;
        break;
      }
      Response res;
      try {
        res = co_await s->handler(req);
      } catch (const std::exception& e) {  // a handler's bug must not leak the connection
        res = error_response(*s, req, http::status::internal_server_error);
      }
      res.version(req.version());
      if (!req.keep_alive()) res.keep_alive(false);
      res.prepare_payload();
      stream->expires_after(s->options.idle_timeout);
      auto [wec, wn] = co_await http::async_write(*stream, res, asio::as_tuple(asio::use_awaitable));
      (void)wn;
      if (wec || !res.keep_alive() || s->stopped) break;
    }
    if (!upgraded) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream->socket().close(ignored);
      s->sessions.erase(id);
    }
  }

  std::shared_ptr<State> state_;
};

}  // namespace coinkit::net
