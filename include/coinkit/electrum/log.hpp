// Log: the server's leveled log lines (LOG_LEVEL), written to stderr or to a sink the program sets.
#pragma once

#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace coinkit::electrum {

enum class LogLevel { debug, info, warning, error, critical };

constexpr std::string_view to_string(LogLevel l) noexcept {
  switch (l) {
    case LogLevel::debug: return "DEBUG";
    case LogLevel::info: return "INFO";
    case LogLevel::warning: return "WARNING";
    case LogLevel::error: return "ERROR";
    case LogLevel::critical: return "CRITICAL";
  }
  return "INFO";
}

// Python logging's names, as ElectrumX's LOG_LEVEL takes them (case-insensitive).
inline std::optional<LogLevel> parse_log_level(std::string_view s) noexcept {
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "debug") return LogLevel::debug;
  if (lower == "info") return LogLevel::info;
  if (lower == "warning" || lower == "warn") return LogLevel::warning;
  if (lower == "error") return LogLevel::error;
  if (lower == "critical") return LogLevel::critical;
  return std::nullopt;
}

// Thread-safe; lines below the level are not formatted at all (check enabled() first for
// anything costly). The default sink prints "LEVEL:Component:message" (ElectrumX's LOG_FORMAT).
class Log {
 public:
  using Sink = std::function<void(LogLevel, std::string_view component, std::string_view message)>;

  explicit Log(LogLevel level = LogLevel::info, Sink sink = {}) : level_(level), sink_(std::move(sink)) {}

  bool enabled(LogLevel l) const noexcept { return l >= level_; }
  void write(LogLevel l, std::string_view component, std::string_view message) const {
    if (!enabled(l)) return;
    std::lock_guard lock(mutex_);
    if (sink_) return sink_(l, component, message);
    std::string line(to_string(l));
    line += ':';
    line += component;
    line += ':';
    line += message;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void debug(std::string_view c, std::string_view m) const { write(LogLevel::debug, c, m); }
  void info(std::string_view c, std::string_view m) const { write(LogLevel::info, c, m); }
  void warning(std::string_view c, std::string_view m) const { write(LogLevel::warning, c, m); }
  void error(std::string_view c, std::string_view m) const { write(LogLevel::error, c, m); }

  void set_level(LogLevel l) noexcept { level_ = l; }
  void set_sink(Sink sink) {
    std::lock_guard lock(mutex_);
    sink_ = std::move(sink);
  }
  LogLevel level() const noexcept { return level_; }

 private:
  LogLevel level_;
  Sink sink_;
  mutable std::mutex mutex_;
};

}  // namespace coinkit::electrum
