// WebSocketHub: server-side WebSocket connections taken over from HttpServer, with fan-out of
// one shared frame to many sockets, per-socket subscription keys and bounded send queues
// (a client that stops reading is dropped instead of slowing the others).
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/net/http_server.hpp>
#include <coinkit/net/transport.hpp>
#include <coinkit/net/websocket_transport.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <cstdint>
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
  using Frame = SendQueue::Frame;
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
  COINKIT_DECL void accept(beast::tcp_stream&& stream, Request&& req);

  // Narrows what socket `id` receives to frames published for `key` plus those for everyone.
  void subscribe(Id id, std::string key) {
    if (auto it = state_->connections.find(id); it != state_->connections.end()) it->second->key = std::move(key);
  }

  // Queues `frame` on every open socket.
  void publish(const Frame& frame) {
    for (auto& [id, conn] : state_->connections) enqueue(state_, *conn, frame);
  }
  // Queues `frame` on the sockets subscribed to `key` and on those that never subscribed.
  COINKIT_DECL void publish(const Frame& frame, std::string_view key);

  // Open sockets (handshake done or in progress).
  std::size_t size() const noexcept { return state_->connections.size(); }
  // Sockets that subscribed to some key / to `key`.
  COINKIT_DECL std::size_t subscribers() const noexcept;
  COINKIT_DECL std::size_t subscribers(std::string_view key) const noexcept;
  // Sockets dropped so far because their send queue overflowed.
  std::size_t dropped() const noexcept { return state_->dropped; }

  // Refuses new sockets and closes every open one with 1001 "Server shutdown" (what Bitcart
  // sends), forcing the close after `close_grace`. Safe to call more than once.
  COINKIT_DECL void close_all();

 private:
  struct State;

  // One socket: its transport, and the handler its run() calls for each message.
  struct Connection {
    Connection(State& s, beast::tcp_stream&& stream, Id i)
        : transport(std::move(stream), transport_options(s.options)), id(i), state(s) {}
    WebSocketTransport<beast::tcp_stream> transport;
    Id id;
    std::optional<std::string> key;
    State& state;

    Step receive(std::string_view text) {
      if (state.on_message) state.on_message(id, text);
      return Step::done;
    }
    asio::awaitable<void> finish_pending() { co_return; }
    std::chrono::milliseconds throttle_delay() const noexcept { return {}; }
    bool closing() const noexcept { return false; }
    void reject_oversized() {}
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

  COINKIT_DECL static WebSocketOptions transport_options(const WebSocketHubOptions& o);

  COINKIT_DECL static void enqueue(const std::shared_ptr<State>& s, Connection& conn, const Frame& frame);

  COINKIT_DECL static asio::awaitable<void> serve(std::shared_ptr<State> s, std::shared_ptr<Connection> conn,
                                                  Request req);

  std::shared_ptr<State> state_;
};

}  // namespace coinkit::net

#if COINKIT_HEADER_ONLY
#include <coinkit/net/impl/websocket_hub.ipp>
#endif
