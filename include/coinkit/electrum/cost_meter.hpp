// CostMeter: a session's resource accounting and throttling, after ElectrumX/aiorpcx's model.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>

namespace coinkit::electrum {

// The knobs, from COST_SOFT_LIMIT, COST_HARD_LIMIT, REQUEST_SLEEP and BANDWIDTH_UNIT_COST.
struct CostPolicy {
  double soft_limit = 1'000;
  double hard_limit = 10'000;
  std::chrono::milliseconds request_sleep{2'500};  // the sleep at the hard limit
  double bandwidth_unit_cost = 5'000;              // bytes that cost 1.0
  double initial_cost = 5.0;                       // a connection costs this much from the start
  double error_cost = 100.0;                       // aiorpcx's error_base_cost

  // hard_limit <= soft_limit (both 0 by default in a config that disables it): no throttling.
  bool enabled() const noexcept { return hard_limit - soft_limit > 0; }
};

// Every request adds its cost (ElectrumX's bump_cost figures); the total decays at
// hard_limit / (10,000 + 5 x subscriptions) per second, so an idle session is forgiven after a
// few hours and one with many subscriptions more slowly. Between the soft and the hard limit a
// request waits request_sleep x fraction before it runs; at the hard limit the session is closed
// with "excessive resource usage".
class CostMeter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit CostMeter(const CostPolicy& policy, Clock::time_point now = Clock::now()) noexcept
      : policy_(&policy), cost_(policy.initial_cost), updated_(now) {}

  void bump(double amount) noexcept { cost_ += amount; }
  void bump_bytes(std::size_t bytes) noexcept {
    if (policy_->bandwidth_unit_cost > 0) cost_ += static_cast<double>(bytes) / policy_->bandwidth_unit_cost;
  }

  // Refunds the time elapsed since the last call.
  void decay(Clock::time_point now, std::size_t subscriptions) noexcept {
    const double seconds = std::chrono::duration<double>(now - updated_).count();
    updated_ = now;
    if (seconds <= 0 || policy_->hard_limit <= 0) return;
    const double per_second = policy_->hard_limit / (10'000.0 + 5.0 * static_cast<double>(subscriptions));
    cost_ = std::max(0.0, cost_ - seconds * per_second);
  }

  double cost() const noexcept { return cost_; }
  // 0 at or below the soft limit, 1 at the hard limit.
  double fraction() const noexcept {
    if (!policy_->enabled()) return 0;
    return std::max(0.0, (cost_ - policy_->soft_limit) / (policy_->hard_limit - policy_->soft_limit));
  }
  bool excessive() const noexcept { return policy_->enabled() && cost_ >= policy_->hard_limit; }
  // How long the next request waits before it runs.
  std::chrono::milliseconds delay() const noexcept {
    const double f = std::min(1.0, fraction());
    return std::chrono::milliseconds(static_cast<long long>(f * static_cast<double>(policy_->request_sleep.count())));
  }
  const CostPolicy& policy() const noexcept { return *policy_; }

 private:
  const CostPolicy* policy_;
  double cost_;
  Clock::time_point updated_;
};

}  // namespace coinkit::electrum
