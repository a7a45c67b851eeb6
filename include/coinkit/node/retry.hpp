// with_retry: calls the node again while it is down or warming up, with ElectrumX's back-off
// (0.25 s doubling to 4 s), until it answers, fails for good, or the caller is stopping.
#pragma once

#include <coinkit/node/node_failure.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <thread>
#include <type_traits>
#include <utility>

namespace coinkit::node {

struct RetryPolicy {
  std::chrono::milliseconds first_delay{250};  // ElectrumX's init_retry
  std::chrono::milliseconds max_delay{4000};   // ElectrumX's max_retry
  // How often a waiting thread looks at its stop flag.
  std::chrono::milliseconds stop_poll{20};
};

// Told of each failure that is about to be retried: the failure, how many attempts failed so
// far (1, 2, ...) and the wait before the next. ElectrumX logs such errors at most once a minute;
// a log callback can do the same with `attempt` and its own clock.
using RetryLog = std::function<void(const NodeFailure& failure, std::size_t attempt, std::chrono::milliseconds delay)>;

// Calls f() (returning some NodeResult<T>) until it succeeds or fails with a non-transient
// failure (see NodeFailure::transient), which is returned at once: wrong credentials, a wrong
// network or a real RPC error are not cured by waiting. When `stop` becomes true while waiting,
// the last failure is returned.
template <class F>
auto with_retry(F&& f, const std::atomic<bool>& stop, const RetryLog& log = {}, const RetryPolicy& policy = {})
    -> std::invoke_result_t<F&> {
  std::chrono::milliseconds delay = policy.first_delay;
  for (std::size_t attempt = 1;; ++attempt) {
    auto r = f();
    if (r || !r.error().transient() || stop.load(std::memory_order_relaxed)) return r;
    if (log) log(r.error(), attempt, delay);
    const auto until = std::chrono::steady_clock::now() + delay;
    for (auto now = std::chrono::steady_clock::now(); now < until; now = std::chrono::steady_clock::now()) {
      if (stop.load(std::memory_order_relaxed)) return r;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(policy.stop_poll, until - now));
    }
    if (stop.load(std::memory_order_relaxed)) return r;
    delay = std::min(delay * 2, policy.max_delay);
  }
}

}  // namespace coinkit::node
