// HttpServer: an HTTP/1.1 server on Boost.Beast whose handlers are coroutines, with body
// limits, idle timeouts, keep-alive, WebSocket upgrade hand-off and a clean stop.
#pragma once

#include <coinkit/detail/config.hpp>

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
  COINKIT_DECL void listen(const tcp::endpoint& endpoint);

  // Serves a connection accepted elsewhere (a listener its owner keeps), as if accepted here.
  // Call on the server's executor.
  COINKIT_DECL void serve(tcp::socket socket);

  tcp::endpoint local_endpoint() const { return state_->acceptor.local_endpoint(); }
  std::size_t connections() const noexcept { return state_->sessions.size(); }

  // Stops accepting and closes every open connection. Safe to call more than once; call it
  // on the server's executor (or after the io_context stopped).
  COINKIT_DECL void stop();

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

  COINKIT_DECL static Response error_response(const State& s, const Request& req, http::status status);

  COINKIT_DECL static asio::awaitable<void> accept_loop(std::shared_ptr<State> s);
  COINKIT_DECL static void start_session(const std::shared_ptr<State>& s, tcp::socket socket);

  COINKIT_DECL static asio::awaitable<void> session(std::shared_ptr<State> s, std::uint64_t id,
                                                    std::shared_ptr<beast::tcp_stream> stream);

  std::shared_ptr<State> state_;
};

}  // namespace coinkit::net

#if COINKIT_HEADER_ONLY
#include <coinkit/net/impl/http_server.ipp>
#endif
