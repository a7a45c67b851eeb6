// MetricsText: Prometheus' text exposition format (0.0.4), written one metric family at a time,
// for the servers' `GET /metrics`; LatencyHistogram, a lock-free histogram of durations for it.
#pragma once

#include <coinkit/core/unix_time.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace coinkit::net {

// Durations in Prometheus' default buckets (5 ms … 10 s) with finer ones below for the
// sub-millisecond answers these servers give. Any thread may observe(); scrapes read relaxed
// counts, so a scrape racing an observation may see it in the count and not yet in the sum.
class LatencyHistogram {
 public:
  static constexpr std::array<double, 14> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                 0.025,  0.05,    0.1,    0.25,  0.5,    1,     10};

  void observe(std::chrono::nanoseconds d) noexcept {
    const double s = std::chrono::duration<double>(d).count();
    std::size_t i = 0;
    while (i < bounds.size() && s > bounds[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(static_cast<std::uint64_t>(d.count() < 0 ? 0 : d.count()), std::memory_order_relaxed);
  }
  // Observations in bucket i (i == bounds.size(): above the last bound).
  std::uint64_t bucket(std::size_t i) const noexcept { return counts_[i].load(std::memory_order_relaxed); }
  double sum_seconds() const noexcept { return static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9; }

 private:
  std::array<std::atomic<std::uint64_t>, bounds.size() + 1> counts_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

// When the program started, for process_start_time_seconds (initialised before main).
inline const double process_started = unix_time();

class MetricsText {
 public:
  static constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";
  enum class Type { counter, gauge, histogram };
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // Starts a family: its HELP and TYPE lines. Its samples follow, before the next family.
  MetricsText& family(std::string_view name, Type type, std::string_view help) {
    family_ = name;
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    for (char c : help) {
      if (c == '\\')
        out_ += "\\\\";
      else if (c == '\n')
        out_ += "\\n";
      else
        out_ += c;
    }
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += type == Type::counter ? " counter\n" : type == Type::gauge ? " gauge\n" : " histogram\n";
    return *this;
  }

  // One sample of the current family (`suffix` for a histogram's _bucket, _sum and _count).
  MetricsText& sample(double value, Labels labels = {}, std::string_view suffix = {}) {
    out_ += family_;
    out_ += suffix;
    if (labels.size()) {
      char sep = '{';
      for (const auto& [k, v] : labels) {
        out_ += sep;
        out_ += k;
        out_ += "=\"";
        escape_label(v);
        out_ += '"';
        sep = ',';
      }
      out_ += '}';
    }
    out_ += ' ';
    number(value);
    out_ += '\n';
    return *this;
  }

  // A family of one unlabelled sample.
  MetricsText& counter(std::string_view name, std::string_view help, double value) {
    return family(name, Type::counter, help).sample(value);
  }
  MetricsText& gauge(std::string_view name, std::string_view help, double value) {
    return family(name, Type::gauge, help).sample(value);
  }

  // process_start_time_seconds, Prometheus' standard family (set when the program started).
  MetricsText& process_start_time() {
    return gauge("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.",
                 process_started);
  }

  // A histogram's samples (cumulative buckets, +Inf, _sum, _count) in the current family.
  MetricsText& histogram(const LatencyHistogram& h, Labels labels = {}) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= LatencyHistogram::bounds.size(); ++i) {
      cumulative += h.bucket(i);
      std::string le = i < LatencyHistogram::bounds.size() ? format(LatencyHistogram::bounds[i]) : "+Inf";
      out_ += family_;
      out_ += "_bucket{";
      for (const auto& [k, v] : labels) {
        out_ += k;
        out_ += "=\"";
        escape_label(v);
        out_ += "\",";
      }
      out_ += "le=\"" + le + "\"} ";
      number(static_cast<double>(cumulative));
      out_ += '\n';
    }
    sample(h.sum_seconds(), labels, "_sum");
    return sample(static_cast<double>(cumulative), labels, "_count");
  }

  const std::string& text() const noexcept { return out_; }
  std::string take() noexcept { return std::move(out_); }

 private:
  static std::string format(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[32];
    if (v == std::floor(v) && std::fabs(v) < 1e15) {
      std::snprintf(buf, sizeof buf, "%.0f", v);
      return buf;
    }
    std::snprintf(buf, sizeof buf, "%.15g", v);  // the shortest that reads back the same
    if (std::strtod(buf, nullptr) != v) std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
  }
  void number(double v) { out_ += format(v); }
  void escape_label(std::string_view v) {
    for (char c : v) {
      if (c == '\\' || c == '"')
        out_ += '\\', out_ += c;
      else if (c == '\n')
        out_ += "\\n";
      else
        out_ += c;
    }
  }

  std::string out_;
  std::string family_;
};

}  // namespace coinkit::net
