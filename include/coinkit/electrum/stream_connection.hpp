// StreamConnection: what the line and WebSocket transports share: their shard, the timer that
// wakes a waiting reader, the clock of the write in progress, and how they close.
#pragma once

#include <coinkit/electrum/shard.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

namespace coinkit::electrum {

namespace detail {

template <class T>
struct is_ssl_stream : std::false_type {};
template <class T>
struct is_ssl_stream<boost::asio::ssl::stream<T>> : std::true_type {};

// Replies stop being read for while more than this waits to be written (the reader pauses
// until the client drains it); beyond high_water + MAX_SEND + slack the client is dropped.
inline constexpr std::size_t queue_high_water = 256 << 10;
inline constexpr std::size_t queue_slack = 4 << 20;  // room for notifications on top of a full reply

// Waits on `timer` until cancelled (a wake-up) or until `until`.
inline boost::asio::awaitable<void> wait_on(boost::asio::steady_timer& timer,
                                            std::chrono::steady_clock::time_point until) {
  timer.expires_at(until);
  (void)co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

}  // namespace detail

// A transport over TCP (plain or TLS underneath) names its socket and how to keep itself alive.
class StreamConnection : public Connection {
 public:
  void close() override {
    if (is_closed()) return;
    mark_closed();
    error_code ignored;
    socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
    wake_.cancel();
  }

  std::optional<Clock::time_point> writing_since() const noexcept override {
    if (!writing_) return std::nullopt;
    return since_;
  }

 protected:
  StreamConnection(Shard& shard, std::uint64_t id, Protocol kind, std::string peer)
      : Connection(shard.context(), id, kind, std::move(peer)), shard_(shard), wake_(shard.executor()) {}

  virtual boost::asio::ip::tcp::socket& socket() noexcept = 0;  // the lowest layer
  virtual std::shared_ptr<StreamConnection> keep_alive() = 0;   // shared_from_this()

  // An asynchronous write begins: SEND_TIMEOUT counts from here.
  void start_writing() {
    writing_ = true;
    since_ = Clock::now();
  }

  // Closes the connection after `d` unless it closed by then. (Out of run(): GCC 12 mishandles
  // lambdas that capture by value inside a coroutine.)
  void close_after(std::chrono::steady_clock::duration d) {
    wake_.expires_after(d);
    wake_.async_wait([self = keep_alive()](error_code e) {
      if (!e) self->close();
    });
  }

  void finish() {
    close();
    detach();
    shard_.remove(*this);
  }

  Shard& shard_;
  bool writing_ = false;
  Clock::time_point since_{};
  boost::asio::steady_timer wake_;  // cancelled to wake a reader waiting on it
};

}  // namespace coinkit::electrum
