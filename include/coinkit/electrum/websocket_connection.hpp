// WebSocketConnection: an Electrum session over WebSocket or secure WebSocket, one JSON message
// per WebSocket message, without a trailing newline.
#pragma once

#include <coinkit/electrum/stream_connection.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace coinkit::electrum {

// Next: tcp::socket (ws://) or ssl::stream<tcp::socket> (wss://). Each queued reply is one
// WebSocket text message; they are written one after the other.
template <class Next>
class WebSocketConnection final : public StreamConnection,
                                  public std::enable_shared_from_this<WebSocketConnection<Next>> {
  static constexpr bool tls = detail::is_ssl_stream<Next>::value;

 public:
  WebSocketConnection(Shard& shard, Next next, std::uint64_t id, Protocol kind, std::string peer)
      : StreamConnection(shard, id, kind, std::move(peer)), ws_(std::move(next)) {}

  boost::asio::awaitable<void> run() {
    auto self = this->shared_from_this();
    namespace asio = boost::asio;
    namespace websocket = boost::beast::websocket;
    error_code ec;
    socket().set_option(asio::ip::tcp::no_delay(true), ec);
    if constexpr (tls) {
      auto [hec] = co_await ws_.next_layer().async_handshake(asio::ssl::stream_base::server,
                                                             asio::as_tuple(asio::use_awaitable));
      if (hec) {
        finish();
        co_return;
      }
    }
    ws_.set_option(websocket::stream_base::timeout::suggested(boost::beast::role_type::server));
    ws_.read_message_max(context().config.max_recv);
    ws_.auto_fragment(false);
    ws_.text(true);
    if (auto [aec] = co_await ws_.async_accept(asio::as_tuple(asio::use_awaitable)); aec) {
      finish();
      co_return;
    }
    while (!closing() && !is_closed()) {
      while (queued_ > detail::queue_high_water && !is_closed())
        co_await detail::wait_on(wake_, Clock::time_point::max());
      if (is_closed()) break;
      auto [rec, n] = co_await ws_.async_read(in_, asio::as_tuple(asio::use_awaitable));
      (void)n;
      if (rec) break;  // closed, failed, or a message over MAX_RECV (Beast closes with 1009)
      if (auto d = throttle_delay(); d.count() > 0) {
        flush();
        for (const auto until = Clock::now() + d; Clock::now() < until && !is_closed();)
          co_await detail::wait_on(wake_, until);
        if (is_closed()) break;
      }
      const auto data = in_.cdata();
      if (receive(std::string_view(static_cast<const char*>(data.data()), data.size())) == Step::needs_node) {
        flush();
        co_await finish_pending();
      }
      in_.consume(in_.size());
      if (in_.capacity() > 4096) in_.shrink_to_fit();
      flush();
    }
    flush();
    while (!is_closed() && queued_ > 0) co_await detail::wait_on(wake_, Clock::time_point::max());
    if (!is_closed() && ws_.is_open()) {
      close_after(std::chrono::seconds(1));  // the sweep does not watch this
      (void)co_await ws_.async_close(websocket::close_code::normal, asio::as_tuple(asio::use_awaitable));
    }
    finish();
  }

  void flush() override {
    if (writing_ || out_.empty() || is_closed()) return;
    start_writing();
    ws_.async_write(boost::asio::buffer(out_.front()),
                    [self = this->shared_from_this()](error_code ec, std::size_t) { self->written(ec); });
  }

  std::size_t queued_bytes() const noexcept override { return queued_; }

 protected:
  void queue(std::string_view message) override {
    if (queued_ + message.size() > detail::queue_high_water + context().config.max_send + detail::queue_slack) {
      close();
      return;
    }
    out_.emplace_back(message);
    queued_ += message.size();
  }

 private:
  boost::asio::ip::tcp::socket& socket() noexcept override { return boost::beast::get_lowest_layer(ws_); }
  std::shared_ptr<StreamConnection> keep_alive() override { return this->shared_from_this(); }

  void written(error_code ec) {
    writing_ = false;
    if (!out_.empty()) {
      queued_ -= out_.front().size();
      out_.pop_front();
    }
    if (ec) return close();
    if (!out_.empty()) return flush();
    wake_.cancel();
  }

  boost::beast::websocket::stream<Next> ws_;
  boost::beast::flat_buffer in_;
  std::deque<std::string> out_;
  std::size_t queued_ = 0;
};

}  // namespace coinkit::electrum
