// The non-template code of <coinkit/net/websocket_hub.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/net/websocket_hub.hpp>

namespace coinkit::net {
void WebSocketHub::accept(beast::tcp_stream&& stream, Request&& req) {
  auto& s = *state_;
  if (s.closed || s.connections.size() >= s.options.max_connections) {
    beast::error_code ignored;
    stream.socket().close(ignored);
    return;
  }
  auto conn = std::make_shared<Connection>(s, std::move(stream), s.next_id++);
  s.connections.emplace(conn->id, conn);
  asio::co_spawn(s.executor, serve(state_, conn, std::move(req)), asio::detached);
}

void WebSocketHub::publish(const Frame& frame, std::string_view key) {
  for (auto& [id, conn] : state_->connections)
    if (!conn->key || *conn->key == key) enqueue(state_, *conn, frame);
}

std::size_t WebSocketHub::subscribers() const noexcept {
  std::size_t n = 0;
  for (const auto& [id, conn] : state_->connections) n += conn->key.has_value();
  return n;
}

std::size_t WebSocketHub::subscribers(std::string_view key) const noexcept {
  std::size_t n = 0;
  for (const auto& [id, conn] : state_->connections) n += conn->key && *conn->key == key;
  return n;
}

void WebSocketHub::close_all() {
  auto& s = *state_;
  if (s.closed) return;
  s.closed = true;
  for (auto& [id, conn] : s.connections)
    conn->transport.close_gracefully(websocket::close_code::going_away, "Server shutdown", s.options.close_grace);
  s.connections.clear();
}

WebSocketOptions WebSocketHub::transport_options(const WebSocketHubOptions& o) {
  WebSocketOptions w;
  w.max_message = o.max_message_size;
  w.high_water = o.max_queued_bytes;  // the hub's readers never wait for their writes
  w.queue = {o.max_queued_frames, o.max_queued_bytes};
  w.timeout.handshake_timeout = o.handshake_timeout;
  w.timeout.idle_timeout = o.idle_timeout;
  w.timeout.keep_alive_pings = true;
  w.server = "coinkit";
  return w;
}

void WebSocketHub::enqueue(const std::shared_ptr<State>& s, Connection& conn, const Frame& frame) {
  if (conn.transport.is_closed()) return;
  conn.transport.send(frame);
  if (conn.transport.overflowed()) {
    ++s->dropped;
    // Erasing while publish() iterates would invalidate its iterator: erase later.
    asio::post(s->executor, [s, id = conn.id] { s->connections.erase(id); });
    return;
  }
  conn.transport.flush();
}

asio::awaitable<void> WebSocketHub::serve(std::shared_ptr<State> s, std::shared_ptr<Connection> conn, Request req) {
  co_await conn->transport.run(*conn, std::weak_ptr<void>(conn), std::move(req));
  if (!s->closed) s->connections.erase(conn->id);
}

}  // namespace coinkit::net
