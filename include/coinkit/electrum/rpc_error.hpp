// RpcError: a JSON-RPC error as an Electrum server sends it, and the codes ElectrumX uses.
#pragma once

#include <coinkit/rpc/fault.hpp>

#include <charconv>
#include <cstdint>
#include <string>
#include <utility>

namespace coinkit::electrum {

// JSON-RPC 2.0's own codes are the rpc layer's (rpc::parse_error_code, ...).
// aiorpcx's: a session whose cost reached COST_HARD_LIMIT; a request over REQUEST_TIMEOUT.
inline constexpr int excessive_resource_usage = -101;
inline constexpr int server_busy = -102;
// ElectrumX's application codes (session.py).
inline constexpr int bad_request = 1;
inline constexpr int daemon_error = 2;

struct RpcError {
  int code = rpc::internal_error_code;
  std::string message;
};

// Python's f"{n:,d}": ElectrumX prints heights and sizes with thousands separators.
inline std::string with_commas(std::int64_t n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n < 0 ? -static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n));
  const std::string digits(buf, r.ptr);
  std::string out = n < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace coinkit::electrum
