// TransportBase<Derived>: the state every Transport keeps the same way, whatever its framing: the
// timer that wakes its reader, the owner that keeps it alive, the write in progress, and closing.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/net/transport.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace coinkit::net::detail {

// Derived has socket(): the TCP socket under its stream.
template <class Derived>
class TransportBase : public Transport {
 public:
  void close() override {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    auto& socket = static_cast<Derived&>(*this).socket();
    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    wake_.cancel();
  }

  bool is_closed() const noexcept override { return closed_; }
  std::optional<Clock::time_point> writing_since() const noexcept override {
    if (!writing_) return std::nullopt;
    return since_;
  }
  bool overflowed() const noexcept override { return overflowed_; }

 protected:
  template <class Executor>
  explicit TransportBase(const Executor& ex) : wake_(ex) {}

  // Closes after `d` unless closed by then. (Out of run(): GCC 12 mishandles lambdas that
  // capture by value inside a coroutine.)
  void close_after(std::chrono::steady_clock::duration d) {
    wake_.expires_after(d);
    wake_.async_wait([this, keep = owner_.lock()](error_code e) {
      if (!e) close();
    });
  }

  // A write starts: the owner is kept alive until it completes (null: the owner is gone).
  std::shared_ptr<void> start_write() {
    auto keep = owner_.lock();
    if (keep) {
      writing_ = true;
      since_ = Clock::now();
    }
    return keep;
  }

  // The queue outgrew its bound: a peer that never reads leaves memory bounded.
  void overflow() {
    overflowed_ = true;
    close();
  }

  boost::asio::steady_timer wake_;  // cancelled to wake the reader waiting on it
  std::weak_ptr<void> owner_;
  Clock::time_point since_{};
  bool writing_ = false, closed_ = false, overflowed_ = false;
};

}  // namespace coinkit::net::detail
