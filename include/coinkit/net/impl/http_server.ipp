// The non-template code of <coinkit/net/http_server.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/net/http_server.hpp>

namespace coinkit::net {
void HttpServer::listen(const tcp::endpoint& endpoint) {
  listen_on(state_->acceptor, endpoint);
  asio::co_spawn(state_->executor, accept_loop(state_), asio::detached);
}

void HttpServer::stop() {
  auto& s = *state_;
  if (s.stopped) return;
  s.stopped = true;
  beast::error_code ignored;
  s.acceptor.close(ignored);
  for (auto& [id, stream] : s.sessions) stream->socket().close(ignored);
  s.sessions.clear();
}

Response HttpServer::error_response(const State& s, const Request& req, http::status status) {
  if (s.error_responder) return s.error_responder(req, status);
  Response res = make_response(req, status, std::string(http::obsolete_reason(status)) + "\n", "text/plain");
  res.keep_alive(false);
  return res;
}

asio::awaitable<void> HttpServer::accept_loop(std::shared_ptr<State> s) {
  while (!s->stopped) {
    auto [ec, socket] = co_await s->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || s->stopped) break;
    if (ec) continue;  // a connection that failed during accept; keep serving
    start_session(s, std::move(socket));
  }
}

void HttpServer::serve(tcp::socket socket) {
  if (!state_->stopped) start_session(state_, std::move(socket));
}

void HttpServer::start_session(const std::shared_ptr<State>& s, tcp::socket socket) {
  if (s->sessions.size() >= s->options.max_connections) {
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  const std::uint64_t id = s->next_id++;
  auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
  s->sessions.emplace(id, stream);
  asio::co_spawn(s->executor, session(s, id, stream), asio::detached);
}

asio::awaitable<void> HttpServer::session(std::shared_ptr<State> s, std::uint64_t id,
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

}  // namespace coinkit::net
