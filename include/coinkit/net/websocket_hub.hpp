// WebSocketHub: server-side WebSocket connections taken over from HttpServer, with fan-out of
// one shared frame to many sockets, per-socket subscription keys and bounded send queues
// (a client that stops reading is dropped instead of slowing the others).
#pragma once

#include <coinkit/net/http_server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace coinkit::net {

namespace websocket = beast::websocket;

struct WebSocketHubOptions {
  std::size_t max_queued_frames = 1024;         // per socket; one more and the socket is dropped
  std::size_t max_queued_bytes = 8 << 20;       // per socket, likewise
  std::size_t max_message_size = 64 << 10;      // frames clients send us; larger closes the socket
  std::size_t max_connections = 10000;          // beyond: the upgrade is refused (socket closed)
  std::chrono::seconds handshake_timeout{30};   // opening and closing handshakes
  std::chrono::seconds idle_timeout{300};       // pinged at half of it; silent peers are dropped
  std::chrono::milliseconds close_grace{1000};  // how long close_all waits for a close handshake
};

class WebSocketHub {
 public:
  using Id = std::uint64_t;
  using Frame = std::shared_ptr<const std::string>;
  // A text frame a client sent. Runs on the hub's executor.
  using MessageHandler = std::function<void(Id, std::string_view)>;

  explicit WebSocketHub(asio::any_io_executor executor, WebSocketHubOptions options = {})
      : state_(std::make_shared<State>(executor, options)) {}

  WebSocketHub(const WebSocketHub&) = delete;
  WebSocketHub& operator=(const WebSocketHub&) = delete;
  ~WebSocketHub() { close_all(); }

  void on_message(MessageHandler h) { state_->on_message = std::move(h); }

  // Completes the upgrade that `req` asked for and serves the socket until either side closes.
  // Call on the hub's executor (HttpServer's upgrade handler does).
  void accept(beast::tcp_stream&& stream, Request&& req) {
    auto& s = *state_;
    if (s.closed || s.connections.size() >= s.options.max_connections) {
      beast::error_code ignored;
      stream.socket().close(ignored);
      return;
    }
    auto conn = std::make_shared<Connection>(std::move(stream), s.next_id++);
    s.connections.emplace(conn->id, conn);
    asio::co_spawn(s.executor, serve(state_, conn, std::move(req)), asio::detached);
  }

  // Narrows what socket `id` receives to frames published for `key` plus those for everyone.
  void subscribe(Id id, std::string key) {
    if (auto it = state_->connections.find(id); it != state_->connections.end()) it->second->key = std::move(key);
  }

  // Queues `frame` on every open socket.
  void publish(const Frame& frame) {
    for (auto& [id, conn] : state_->connections) enqueue(state_, conn, frame);
  }
  // Queues `frame` on the sockets subscribed to `key` and on those that never subscribed.
  void publish(const Frame& frame, std::string_view key) {
    for (auto& [id, conn] : state_->connections)
      if (!conn->key || *conn->key == key) enqueue(state_, conn, frame);
  }

  // Open sockets (handshake done or in progress).
  std::size_t size() const noexcept { return state_->connections.size(); }
  // Sockets that subscribed to some key / to `key`.
  std::size_t subscribers() const noexcept {
    std::size_t n = 0;
    for (const auto& [id, conn] : state_->connections) n += conn->key.has_value();
    return n;
  }
  std::size_t subscribers(std::string_view key) const noexcept {
    std::size_t n = 0;
    for (const auto& [id, conn] : state_->connections) n += conn->key && *conn->key == key;
    return n;
  }
  // Sockets dropped so far because their send queue overflowed.
  std::size_t dropped() const noexcept { return state_->dropped; }

  // Refuses new sockets and closes every open one with 1001 "Server shutdown" (what Bitcart
  // sends), forcing the close after `close_grace`. Safe to call more than once.
  void close_all() {
    auto& s = *state_;
    if (s.closed) return;
    s.closed = true;
    for (auto& [id, conn] : s.connections) {
      conn->closing = true;
      asio::co_spawn(s.executor, close_gracefully(state_, conn), asio::detached);
    }
    s.connections.clear();
  }

 private:
  struct Connection {
    Connection(beast::tcp_stream&& stream, Id i) : ws(std::move(stream)), id(i) {}
    websocket::stream<beast::tcp_stream> ws;
    Id id;
    std::optional<std::string> key;
    std::deque<Frame> queue;
    std::size_t queued_bytes = 0;
    bool open = false;  // handshake done: frames may be written
    bool writing = false;
    bool closing = false;
  };

  struct State {
    State(asio::any_io_executor ex, WebSocketHubOptions o) : executor(ex), options(o) {}
    asio::any_io_executor executor;
    WebSocketHubOptions options;
    std::map<Id, std::shared_ptr<Connection>> connections;
    MessageHandler on_message;
    Id next_id = 0;
    std::size_t dropped = 0;
    bool closed = false;
  };

  static void drop(State& s, const std::shared_ptr<Connection>& conn) {
    beast::error_code ignored;
    conn->closing = true;
    beast::get_lowest_layer(conn->ws).socket().close(ignored);
    s.connections.erase(conn->id);
  }

  static void enqueue(const std::shared_ptr<State>& s, const std::shared_ptr<Connection>& conn, const Frame& frame) {
    if (conn->closing) return;
    if (conn->queue.size() >= s->options.max_queued_frames ||
        conn->queued_bytes + frame->size() > s->options.max_queued_bytes) {
      ++s->dropped;
      // Erasing while publish() iterates would invalidate its iterator: close now, erase later.
      beast::error_code ignored;
      conn->closing = true;
      beast::get_lowest_layer(conn->ws).socket().close(ignored);
      asio::post(s->executor, [s, id = conn->id] { s->connections.erase(id); });
      return;
    }
    conn->queue.push_back(frame);
    conn->queued_bytes += frame->size();
    if (conn->open && !conn->writing) {
      conn->writing = true;
      asio::co_spawn(s->executor, write_queue(s, conn), asio::detached);
    }
  }

  static asio::awaitable<void> write_queue(std::shared_ptr<State> s, std::shared_ptr<Connection> conn) {
    while (!conn->queue.empty() && !conn->closing) {
      Frame frame = conn->queue.front();
      auto [ec, n] = co_await conn->ws.async_write(asio::buffer(*frame), asio::as_tuple(asio::use_awaitable));
      (void)n;
      if (ec) {
        if (!conn->closing) drop(*s, conn);
        break;
      }
      conn->queue.pop_front();
      conn->queued_bytes -= frame->size();
    }
    conn->writing = false;
  }

  static asio::awaitable<void> serve(std::shared_ptr<State> s, std::shared_ptr<Connection> conn, Request req) {
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = s->options.handshake_timeout;
    timeout.idle_timeout = s->options.idle_timeout;
    timeout.keep_alive_pings = true;
    beast::get_lowest_layer(conn->ws).expires_never();  // the websocket stream times itself
    conn->ws.set_option(timeout);
    conn->ws.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "coinkit"); }));
    conn->ws.read_message_max(s->options.max_message_size);
    conn->ws.auto_fragment(false);  // one frame per event, whatever its size
    auto [aec] = co_await conn->ws.async_accept(req, asio::as_tuple(asio::use_awaitable));
    if (aec) {
      if (!conn->closing) drop(*s, conn);
      co_return;
    }
    conn->open = true;
    if (!conn->queue.empty() && !conn->writing) {  // frames published during the handshake
      conn->writing = true;
      asio::co_spawn(s->executor, write_queue(s, conn), asio::detached);
    }
    beast::flat_buffer buffer;
    for (;;) {
      auto [ec, n] = co_await conn->ws.async_read(buffer, asio::as_tuple(asio::use_awaitable));
      (void)n;
      if (ec) break;
      if (conn->ws.got_text() && s->on_message && !conn->closing) {
        const auto data = buffer.cdata();
        s->on_message(conn->id, std::string_view(static_cast<const char*>(data.data()), data.size()));
      }
      buffer.consume(buffer.size());
    }
    if (!conn->closing) drop(*s, conn);
  }

  static asio::awaitable<void> close_gracefully(std::shared_ptr<State> s, std::shared_ptr<Connection> conn) {
    asio::steady_timer deadline(s->executor, s->options.close_grace);
    deadline.async_wait([conn](beast::error_code ec) {
      if (ec) return;  // the close finished first
      beast::error_code ignored;
      beast::get_lowest_layer(conn->ws).socket().close(ignored);
    });
    if (conn->open && !conn->writing) {
      co_await conn->ws.async_close(websocket::close_reason(websocket::close_code::going_away, "Server shutdown"),
                                    asio::as_tuple(asio::use_awaitable));
    } else {
      beast::error_code ignored;
      beast::get_lowest_layer(conn->ws).socket().close(ignored);
    }
    deadline.cancel();
  }

  std::shared_ptr<State> state_;
};

}  // namespace coinkit::net
