// ConfigReader: typed, validated reads of a server's environment variables, keeping the first
// value it rejects (as a ConfigError naming the variable) so a configuration is read in one pass.
#pragma once

#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/config/config_error.hpp>
#include <coinkit/config/environment.hpp>
#include <coinkit/config/error.hpp>

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace coinkit {

namespace config {

// Bool casting as python-decouple does it: case-insensitive true/false/yes/no/on/off/1/0, and
// the empty string is false.
inline std::optional<bool> parse_bool(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "0" || lower == "false" || lower == "no" || lower == "off" || lower.empty()) return false;
  return std::nullopt;
}

// Plain decimal digits only: no sign, spaces or underscores (stricter than Python's int()).
inline result<std::uint64_t> parse_uint(std::string_view text, std::uint64_t max) {
  if (text.empty() || text.size() > 20) return error::invalid_integer;
  for (char c : text)
    if (c < '0' || c > '9') return error::invalid_integer;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > max) return error::integer_out_of_range;
  return value;
}

// host:port, where host may be a bracketed IPv6 address; host non-empty, port 1..65535.
inline bool split_host_port(std::string_view text, std::string& host, std::uint16_t& port) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty()) return false;
  auto p = parse_uint(text.substr(colon + 1), 65535);
  if (!p || *p == 0) return false;
  host = std::string(h);
  port = static_cast<std::uint16_t>(*p);
  return true;
}

// The whole file, or nullopt when it cannot be read.
inline std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace config

struct ConfigReaderOptions {
  std::string prefix;              // prepended to every name: "BTC_" reads BTC_PORT for "PORT"
  bool empty_means_unset = false;  // VAR= as in docker env files: the default (ElectrumX servers)
};

class ConfigReader {
 public:
  // Keeps a copy of `env`: a reader may outlive the environment it was made from.
  explicit ConfigReader(Environment env, ConfigReaderOptions options = {})
      : env_(std::move(env)), options_(std::move(options)) {}

  // The full name of a variable.
  std::string name(std::string_view suffix) const { return options_.prefix + std::string(suffix); }

  // The raw value, or nullopt when unset (or empty, with empty_means_unset).
  std::optional<std::string> get(std::string_view suffix) const {
    auto v = env_.get(name(suffix));
    if (v && v->empty() && options_.empty_means_unset) return std::nullopt;
    return v;
  }

  // Records a rejection unless one was recorded before: the first one is what the user sees.
  void fail(error_code code, std::string_view suffix, std::string value, std::string expected = {}) {
    if (!failure_) failure_ = ConfigError{code, name(suffix), std::move(value), std::move(expected)};
  }
  const std::optional<ConfigError>& failure() const noexcept { return failure_; }

  // `config` unless a value was rejected.
  template <class Config>
  ConfigResult<Config> finish(Config config) const {
    if (failure_) return *failure_;
    return config;
  }

  std::string string(std::string_view suffix, std::string fallback = {}) const {
    return get(suffix).value_or(std::move(fallback));
  }

  // A plain decimal in [min, max]; `fallback` when unset. `expected` describes the range.
  template <class T>
  T integer(std::string_view suffix, T fallback, std::uint64_t min, std::uint64_t max, std::string expected = {}) {
    auto v = get(suffix);
    if (!v) return fallback;
    if (expected.empty()) expected = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    auto n = config::parse_uint(*v, max);
    if (n && *n < min) n = config::error::integer_out_of_range;
    if (!n) {
      fail(n.error(), suffix, *v, std::move(expected));
      return fallback;
    }
    return static_cast<T>(*n);
  }

  // python-decouple's bool cast; `fallback` when unset.
  bool boolean(std::string_view suffix, bool fallback = false) {
    auto v = get(suffix);
    if (!v) return fallback;
    auto b = config::parse_bool(*v);
    if (!b) {
      fail(config::error::invalid_boolean, suffix, *v, "true or false");
      return fallback;
    }
    return *b;
  }

  // One of the coin's networks by name ("mainnet", "regtest", ...); `fallback` when unset.
  template <CoinPolicy Coin>
  NetworkId network(std::string_view suffix, NetworkId fallback) {
    auto v = get(suffix);
    if (!v) return fallback;
    if (const Network* n = find_network<Coin>(std::string_view(*v))) return n->id;
    std::string names;
    for (const Network& n : Coin::networks) names += (names.empty() ? "" : ", ") + std::string(to_string(n.id));
    fail(config::error::unknown_network, suffix, *v, "one of: " + names);
    return fallback;
  }

 private:
  Environment env_;
  ConfigReaderOptions options_;
  std::optional<ConfigError> failure_;
};

}  // namespace coinkit
