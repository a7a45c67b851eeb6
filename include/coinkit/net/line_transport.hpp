// LineTransport<Stream>: newline-delimited messages over TCP or TLS (the Electrum protocol,
// LocalRPC, the wallet's Electrum client). Replies are written at once when the socket takes
// them; a reader pauses while its peer leaves too much unread, and a peer that reads nothing is
// dropped once its queue passes the bound.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/net/detail/stream.hpp>
#include <coinkit/net/detail/transport_base.hpp>
#include <coinkit/net/line_buffer.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace coinkit::net {

// Whether run() does the server side of the TLS handshake (sessions), or the stream's owner did
// a handshake already (the Electrum client, before it sends anything).
enum class TlsHandshake { server, done };

struct LineLimits {
  std::size_t max_line = 1'000'000;    // longer messages: reject_oversized(), then close
  std::size_t high_water = 256 << 10;  // the reader pauses while more than this waits
  std::size_t max_queued = 16 << 20;   // beyond: the peer is dropped (overflowed())
};

// Stream: tcp::socket or ssl::stream<tcp::socket>. An idle connection holds no read buffer: it
// waits for readability first (for TLS, when OpenSSL has nothing buffered), then reads.
template <class Stream>
class LineTransport final : public detail::TransportBase<LineTransport<Stream>> {
  using Base = detail::TransportBase<LineTransport<Stream>>;
  using Base::closed_, Base::owner_, Base::wake_, Base::writing_, Base::close_after;
  using Clock = Transport::Clock;
  static constexpr bool tls = detail::is_ssl_stream<Stream>::value;

 public:
  LineTransport(Stream stream, LineLimits limits, TlsHandshake handshake = TlsHandshake::server)
      : Base(stream.get_executor()),
        stream_(std::move(stream)),
        limits_(limits),
        in_(limits.max_line),
        handshake_(handshake) {}

  boost::asio::ip::tcp::socket& socket() noexcept { return detail::tcp_socket(stream_); }
  Stream& stream() noexcept { return stream_; }

  // Reads messages for `h` until either side closes, then writes what is queued and closes.
  // `owner` keeps `h` and this transport alive for the writes still in flight.
  template <class Handler>
  boost::asio::awaitable<void> run(Handler& h, std::weak_ptr<void> owner) {
    namespace asio = boost::asio;
    owner_ = std::move(owner);
    auto& socket = this->socket();
    error_code ec;
    socket.non_blocking(true, ec);
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    if constexpr (tls) {
      error_code hec;
      if (handshake_ == TlsHandshake::server)
        std::tie(hec) =
            co_await stream_.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
      if (hec) {
        close();
        co_return;
      }
    }
    started_ = true;
    flush();  // what was queued before run(): the Electrum client's first request
    while (!h.closing() && !closed_) {
      while (queued_bytes() > limits_.high_water && !closed_) co_await detail::wait_on(wake_, Clock::time_point::max());
      if (closed_) break;
      bool buffered = false;
      // TLS input may wait above the socket: decrypted in OpenSSL (SSL_pending), or records read
      // from the socket with an earlier one and not yet decrypted (in the read BIO). A peer that
      // pipelines sends them together; waiting on the socket then would wait forever.
      if constexpr (tls)
        buffered =
            SSL_pending(stream_.native_handle()) > 0 || BIO_ctrl_pending(SSL_get_rbio(stream_.native_handle())) > 0;
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
      while (!h.closing() && !closed_) {
        auto line = in_.next();
        if (!line) break;
        if (auto d = h.throttle_delay(); d.count() > 0) {
          flush();
          for (const auto until = Clock::now() + d; Clock::now() < until && !closed_;)
            co_await detail::wait_on(wake_, until);
          if (closed_) break;
        }
        if (h.receive(*line) == Step::needs_async) {
          flush();
          co_await h.finish_pending();
        }
      }
      if (in_.overflow() && !h.closing()) h.reject_oversized();
      flush();
      in_.release(4096);
    }
    // Whatever was answered goes out before the connection closes (the owner bounds how long).
    flush();
    while (!closed_ && queued_bytes() > 0) co_await detail::wait_on(wake_, Clock::time_point::max());
    if (!closed_) {
      // A lingering close: the FIN (or TLS close_notify) follows the last reply, and what the
      // peer still sends is read and dropped for a moment, so closing with unread input does not
      // reset the connection and lose that reply (the 10 MB request case).
      close_after(std::chrono::seconds(1));
      if constexpr (tls) {
        (void)co_await stream_.async_shutdown(asio::as_tuple(asio::use_awaitable));
      } else {
        socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
        auto discard = std::make_unique<char[]>(16384);  // on the heap: not in every connection's frame
        for (;;) {
          auto [rec, got] =
              co_await socket.async_read_some(asio::buffer(discard.get(), 16384), asio::as_tuple(asio::use_awaitable));
          (void)got;
          if (rec) break;
        }
      }
    }
    close();
  }

  void send(std::string_view message) override {
    if (closed_) return;
    if (queued_bytes() + message.size() + 1 > limits_.max_queued) return this->overflow();
    out_ += message;
    out_ += '\n';
  }

  // Before run() has started (and, over TLS, shaken hands) messages are queued, not written.
  void flush() override {
    if (!started_ || writing_ || out_.empty() || closed_) return;
    if constexpr (!tls) {
      // Replies usually fit the socket's buffer: written at once, they need no completion
      // handler. What does not fit goes out asynchronously.
      error_code ec;
      const std::size_t n = stream_.write_some(boost::asio::buffer(out_), ec);
      if (ec && ec != boost::asio::error::would_block && ec != boost::asio::error::try_again) return close();
      out_.erase(0, n);
      if (out_.empty()) return drained();
    }
    auto keep = this->start_write();
    if (!keep) return close();
    sending_.swap(out_);
    boost::asio::async_write(stream_, boost::asio::buffer(sending_),
                             [this, keep = std::move(keep)](error_code ec, std::size_t) { written(ec); });
  }

  using Base::close;
  std::size_t queued_bytes() const noexcept override { return out_.size() + sending_.size(); }

 private:
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
  LineLimits limits_;
  LineBuffer in_;
  TlsHandshake handshake_;
  bool started_ = false;  // run() owns the connection: writes may start
  std::string out_, sending_;
};

}  // namespace coinkit::net
