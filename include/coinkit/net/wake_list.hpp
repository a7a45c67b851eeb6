// WakeList: coroutines of one strand waiting for something another handler announces (a
// connection made, a wallet synchronized), each until its own deadline.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <vector>

namespace coinkit::net {

// One timer per waiter: a shared timer would not do, since setting its expiry cancels the
// waits already on it. Not thread-safe: waiters and wakers run on one strand.
class WakeList {
 public:
  // Returns at wake_all() or at `until`, whichever is first.
  boost::asio::awaitable<void> wait(boost::asio::any_io_executor ex, std::chrono::steady_clock::time_point until) {
    boost::asio::steady_timer timer(ex, until);
    waiters_.push_back(&timer);
    (void)co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &timer));
  }

  void wake_all() {
    for (auto* t : waiters_) t->cancel();
  }

  bool empty() const noexcept { return waiters_.empty(); }

 private:
  std::vector<boost::asio::steady_timer*> waiters_;
};

}  // namespace coinkit::net
