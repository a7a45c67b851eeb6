// CallCounts: a method table's calls, failures and latency by method, counted by rpc::dispatch
// for a server's `GET /metrics`.
#pragma once

#include <coinkit/net/metrics_text.hpp>
#include <coinkit/rpc/method.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace coinkit::rpc {

class CallCounts {
 public:
  using Clock = std::chrono::steady_clock;

  // For the methods of one table (MethodTable<Owner>::infos), indexed by MethodInfo::index.
  explicit CallCounts(std::span<const MethodInfo> methods) : methods_(methods), calls_(new Counts[methods.size()]) {}

  void record(const MethodInfo& m, bool failed, Clock::duration took) noexcept {
    Counts& c = calls_[m.index];
    c.calls.fetch_add(1, std::memory_order_relaxed);
    if (failed) c.failures.fetch_add(1, std::memory_order_relaxed);
    latency_.observe(took);
  }
  // A request that named no method of the table, or was not a request at all.
  void record_rejected() noexcept { rejected_.fetch_add(1, std::memory_order_relaxed); }

  // Times one call from its construction; recorded as failed unless succeeded() was called.
  class Timing {
   public:
    Timing(CallCounts* counts, const MethodInfo& m) noexcept : counts_(counts), method_(m) {}
    Timing(const Timing&) = delete;
    Timing& operator=(const Timing&) = delete;
    ~Timing() {
      if (counts_) counts_->record(method_, !ok_, Clock::now() - started_);
    }
    void succeeded() noexcept { ok_ = true; }

   private:
    CallCounts* counts_;
    const MethodInfo& method_;
    Clock::time_point started_ = Clock::now();
    bool ok_ = false;
  };

  // `<prefix>_calls_total{method}`, `<prefix>_call_errors_total{method}` (methods called at
  // least once), `<prefix>_rejected_requests_total` and `<prefix>_call_duration_seconds`.
  void write(net::MetricsText& m, std::string_view prefix) const {
    using Type = net::MetricsText::Type;
    const std::string p(prefix);
    m.family(p + "_calls_total", Type::counter, "JSON-RPC calls answered, by method.");
    for (const MethodInfo& info : methods_)
      if (auto n = calls_[info.index].calls.load(std::memory_order_relaxed))
        m.sample(static_cast<double>(n), {{"method", info.name}});
    m.family(p + "_call_errors_total", Type::counter, "JSON-RPC calls answered with an error, by method.");
    for (const MethodInfo& info : methods_)
      if (calls_[info.index].calls.load(std::memory_order_relaxed))
        m.sample(static_cast<double>(calls_[info.index].failures.load(std::memory_order_relaxed)),
                 {{"method", info.name}});
    m.counter(p + "_rejected_requests_total", "Requests refused before any method ran (malformed, unknown method).",
              static_cast<double>(rejected_.load(std::memory_order_relaxed)));
    m.family(p + "_call_duration_seconds", Type::histogram, "Time to answer a JSON-RPC call, any method.")
        .histogram(latency_);
  }

 private:
  struct Counts {
    std::atomic<std::uint64_t> calls{0}, failures{0};
  };
  std::span<const MethodInfo> methods_;
  std::unique_ptr<Counts[]> calls_;
  std::atomic<std::uint64_t> rejected_{0};
  net::LatencyHistogram latency_;
};

}  // namespace coinkit::rpc
