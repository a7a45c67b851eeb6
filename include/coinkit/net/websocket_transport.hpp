// WebSocketTransport<Next>: one message per WebSocket text message, over TCP or TLS (the Electrum
// protocol's ws:// and wss://, a wallet daemon's /ws). Messages wait in one bounded SendQueue
// and are written one after the other; a peer that lets the queue outgrow it is dropped.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/net/detail/stream.hpp>
#include <coinkit/net/detail/transport_base.hpp>
#include <coinkit/net/send_queue.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace coinkit::net {

struct WebSocketOptions {
  std::size_t max_message = 1'000'000;  // a larger incoming message closes the socket (1009)
  std::size_t high_water = 256 << 10;   // the reader pauses while more than this waits to be written
  SendQueue::Limits queue{};            // beyond: the peer is dropped (overflowed())
  boost::beast::websocket::stream_base::timeout timeout =
      boost::beast::websocket::stream_base::timeout::suggested(boost::beast::role_type::server);
  std::string server;  // the handshake's Server header; empty: Beast's
};

// Next: tcp::socket or ssl::stream<tcp::socket> (the handshake is read here), or a
// beast::tcp_stream whose upgrade request an HTTP server already read.
template <class Next>
class WebSocketTransport final : public detail::TransportBase<WebSocketTransport<Next>> {
  using Base = detail::TransportBase<WebSocketTransport<Next>>;
  using Base::closed_, Base::owner_, Base::wake_, Base::writing_, Base::close_after;
  using Clock = Transport::Clock;
  static constexpr bool tls = detail::is_ssl_stream<Next>::value;

 public:
  using Frame = SendQueue::Frame;
  using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

  WebSocketTransport(Next next, WebSocketOptions options)
      : Base(next.get_executor()), ws_(std::move(next)), options_(std::move(options)), queue_(options_.queue) {}

  boost::asio::ip::tcp::socket& socket() noexcept { return detail::tcp_socket(ws_); }

  // Completes the handshake (the TLS one first), then reads messages for `h` until either side
  // closes; what is queued is written before a normal close. `upgrade`: the HTTP request an
  // HTTP server read already. `owner` keeps `h` and this transport alive for the writes in flight.
  template <class Handler>
  boost::asio::awaitable<void> run(Handler& h, std::weak_ptr<void> owner,
                                   std::optional<UpgradeRequest> upgrade = std::nullopt) {
    namespace asio = boost::asio;
    namespace websocket = boost::beast::websocket;
    owner_ = std::move(owner);
    error_code ec;
    socket().set_option(asio::ip::tcp::no_delay(true), ec);
    if constexpr (tls) {
      auto [hec] = co_await ws_.next_layer().async_handshake(asio::ssl::stream_base::server,
                                                             asio::as_tuple(asio::use_awaitable));
      if (hec) {
        close();
        co_return;
      }
    }
    if constexpr (std::is_same_v<Next, boost::beast::tcp_stream>) ws_.next_layer().expires_never();
    ws_.set_option(options_.timeout);
    if (!options_.server.empty())
      ws_.set_option(websocket::stream_base::decorator([name = options_.server](websocket::response_type& res) {
        res.set(boost::beast::http::field::server, name);
      }));
    ws_.read_message_max(options_.max_message);
    ws_.auto_fragment(false);  // one frame per message, whatever its size
    ws_.text(true);
    error_code aec;  // (no co_await inside ?: : GCC 12 miscompiles it)
    if (upgrade)
      std::tie(aec) = co_await ws_.async_accept(*upgrade, asio::as_tuple(asio::use_awaitable));
    else
      std::tie(aec) = co_await ws_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (aec || closed_) {
      close();
      co_return;
    }
    open_ = true;
    flush();  // messages queued during the handshake
    while (!h.closing() && !closed_) {
      while (queue_.bytes() > options_.high_water && !closed_)
        co_await detail::wait_on(wake_, Clock::time_point::max());
      if (closed_) break;
      auto [rec, n] = co_await ws_.async_read(in_, asio::as_tuple(asio::use_awaitable));
      (void)n;
      if (rec) break;  // closed, failed, or a message over max_message (Beast closes with 1009)
      if (auto d = h.throttle_delay(); d.count() > 0) {
        flush();
        for (const auto until = Clock::now() + d; Clock::now() < until && !closed_;)
          co_await detail::wait_on(wake_, until);
        if (closed_) break;
      }
      if (ws_.got_text()) {
        const auto data = in_.cdata();
        if (h.receive(std::string_view(static_cast<const char*>(data.data()), data.size())) == Step::needs_async) {
          flush();
          co_await h.finish_pending();
        }
      }
      in_.consume(in_.size());
      if (in_.capacity() > 4096) in_.shrink_to_fit();
      flush();
    }
    flush();
    while (!closed_ && !queue_.empty()) co_await detail::wait_on(wake_, Clock::time_point::max());
    if (!closed_ && ws_.is_open()) {
      close_after(std::chrono::seconds(1));
      (void)co_await ws_.async_close(websocket::close_code::normal, asio::as_tuple(asio::use_awaitable));
    }
    close();
  }

  void send(std::string_view message) override { send(std::make_shared<const std::string>(message)); }
  // A frame shared with other sockets (an event published to many).
  void send(Frame frame) {
    if (closed_ || closing_) return;
    if (!queue_.push(std::move(frame))) this->overflow();
  }

  void flush() override {
    if (writing_ || queue_.empty() || closed_ || closing_ || !open_) return;
    auto keep = this->start_write();
    if (!keep) return close();
    ws_.async_write(boost::asio::buffer(*queue_.front()),
                    [this, keep = std::move(keep)](error_code ec, std::size_t) { written(ec); });
  }

  using Base::close;

  // The close handshake with `code` and `reason` (what is queued is dropped), forced after `grace`.
  void close_gracefully(boost::beast::websocket::close_code code, std::string_view reason,
                        std::chrono::steady_clock::duration grace) {
    if (closed_ || closing_) return;
    closing_ = true;
    queue_.clear();
    if (!open_ || writing_) return close();
    close_after(grace);
    ws_.async_close(boost::beast::websocket::close_reason(code, reason),
                    [this, keep = owner_.lock()](error_code) { close(); });
  }

  bool is_open() const noexcept { return open_ && !closed_; }
  std::size_t queued_bytes() const noexcept override { return queue_.bytes(); }
  std::size_t queued_frames() const noexcept { return queue_.size(); }

 private:
  void written(error_code ec) {
    writing_ = false;
    if (!queue_.empty()) queue_.pop();
    if (ec) return close();
    if (!queue_.empty()) return flush();
    wake_.cancel();
  }

  boost::beast::websocket::stream<Next> ws_;
  WebSocketOptions options_;
  SendQueue queue_;
  boost::beast::flat_buffer in_;
  bool open_ = false, closing_ = false;
};

}  // namespace coinkit::net
