// LineConnection: an Electrum session over TCP or TLS, one JSON message per line.
#pragma once

#include <coinkit/electrum/line_buffer.hpp>
#include <coinkit/electrum/stream_connection.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace coinkit::electrum {

// Stream: tcp::socket or ssl::stream<tcp::socket>. An idle connection holds no read buffer: it
// waits for readability first (for TLS, when OpenSSL has nothing buffered), then reads.
template <class Stream>
class LineConnection final : public StreamConnection, public std::enable_shared_from_this<LineConnection<Stream>> {
  static constexpr bool tls = detail::is_ssl_stream<Stream>::value;

 public:
  LineConnection(Shard& shard, Stream stream, std::uint64_t id, Protocol kind, std::string peer)
      : StreamConnection(shard, id, kind, std::move(peer)),
        stream_(std::move(stream)),
        in_(shard.context().config.max_recv) {}

  boost::asio::awaitable<void> run() {
    auto self = this->shared_from_this();
    namespace asio = boost::asio;
    auto& socket = this->socket();
    error_code ec;
    socket.non_blocking(true, ec);
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    if constexpr (tls) {
      auto [hec] =
          co_await stream_.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
      if (hec) {
        finish();
        co_return;
      }
    }
    while (!closing() && !is_closed()) {
      while (queued_bytes() > detail::queue_high_water && !is_closed())
        co_await detail::wait_on(wake_, Clock::time_point::max());
      if (is_closed()) break;
      bool buffered = false;
      if constexpr (tls) buffered = SSL_pending(stream_.native_handle()) > 0;
      if (!buffered) {
        auto [wec] = co_await socket.async_wait(asio::ip::tcp::socket::wait_read, asio::as_tuple(asio::use_awaitable));
        if (wec) break;
      }
      auto space = in_.prepare(4096);
      std::size_t n = 0;
      if constexpr (tls) {
        auto [rec, got] = co_await stream_.async_read_some(asio::buffer(space.data(), space.size()),
                                                           asio::as_tuple(asio::use_awaitable));
        ec = rec, n = got;
      } else {
        n = socket.read_some(asio::buffer(space.data(), space.size()), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
      }
      if (ec) break;
      in_.commit(n);
      while (!closing() && !is_closed()) {
        auto line = in_.next();
        if (!line) break;
        if (auto d = throttle_delay(); d.count() > 0) {
          flush();
          for (const auto until = Clock::now() + d; Clock::now() < until && !is_closed();)
            co_await detail::wait_on(wake_, until);
          if (is_closed()) break;
        }
        if (receive(*line) == Step::needs_node) {
          flush();
          co_await finish_pending();
        }
      }
      if (in_.overflow() && !closing()) reject_oversized();
      flush();
      in_.release(4096);
    }
    // Whatever was answered goes out before the connection closes (bounded by SEND_TIMEOUT).
    flush();
    while (!is_closed() && queued_bytes() > 0) co_await detail::wait_on(wake_, Clock::time_point::max());
    if (!is_closed()) {
      // A lingering close: the FIN (or TLS close_notify) follows the last reply, and what the
      // client still sends is read and dropped for a moment, so closing with unread input does
      // not reset the connection and lose that reply (the 10 MB request case).
      close_after(std::chrono::seconds(1));  // the sweep does not watch this
      if constexpr (tls) {
        (void)co_await stream_.async_shutdown(asio::as_tuple(asio::use_awaitable));
      } else {
        socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
        auto discard = std::make_unique<char[]>(16384);  // on the heap: not in every session's frame
        for (;;) {
          auto [rec, got] =
              co_await socket.async_read_some(asio::buffer(discard.get(), 16384), asio::as_tuple(asio::use_awaitable));
          (void)got;
          if (rec) break;
        }
      }
    }
    finish();
  }

  void flush() override {
    if (writing_ || out_.empty() || is_closed()) return;
    if constexpr (!tls) {
      // Replies usually fit the socket's buffer: written at once, they need no completion
      // handler. What does not fit goes out asynchronously.
      error_code ec;
      const std::size_t n = stream_.write_some(boost::asio::buffer(out_), ec);
      if (ec && ec != boost::asio::error::would_block && ec != boost::asio::error::try_again) return close();
      out_.erase(0, n);
      if (out_.empty()) return drained();
    }
    start_writing();
    sending_.swap(out_);
    boost::asio::async_write(stream_, boost::asio::buffer(sending_),
                             [self = this->shared_from_this()](error_code ec, std::size_t) { self->written(ec); });
  }

  std::size_t queued_bytes() const noexcept override { return out_.size() + sending_.size(); }

 protected:
  void queue(std::string_view message) override {
    if (queued_bytes() + message.size() > detail::queue_high_water + context().config.max_send + detail::queue_slack) {
      close();  // a client that never reads: memory stays bounded
      return;
    }
    out_ += message;
    out_ += '\n';
  }

 private:
  boost::asio::ip::tcp::socket& socket() noexcept override {
    if constexpr (tls)
      return stream_.next_layer();
    else
      return stream_;
  }
  std::shared_ptr<StreamConnection> keep_alive() override { return this->shared_from_this(); }

  void written(error_code ec) {
    writing_ = false;
    sending_.clear();
    if (sending_.capacity() > (64u << 10)) std::string().swap(sending_);
    if (ec) return close();
    if (!out_.empty()) return flush();
    drained();
  }

  void drained() {
    if (out_.capacity() > (64u << 10)) std::string().swap(out_);
    wake_.cancel();  // a reader waiting for the queue to drain
  }

  Stream stream_;
  LineBuffer in_;
  std::string out_, sending_;
};

}  // namespace coinkit::electrum
