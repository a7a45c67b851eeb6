// Fault: a JSON-RPC error before it has a code, and fault_error, the exception methods throw.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace coinkit::rpc {

// Fixed codes of the dispatcher itself (Bitcart's daemon answers these without the spec).
inline constexpr int parse_error_code = -32700;
inline constexpr int invalid_request_code = -32600;
inline constexpr int method_not_found_code = -32601;
inline constexpr int invalid_params_code = -32602;
inline constexpr int internal_error_code = -32603;
inline constexpr int wallet_not_loaded_code = -32000;
inline constexpr int wallet_load_failed_code = -32005;

// A failed call. `code == 0` means "not decided": the dispatcher looks the message up in the
// spec's electrum_map (case-insensitive substring, file order) and falls back to -32603, or
// -32005 when the fault comes from loading the wallet. A non-zero code is sent as is.
struct Fault {
  int code = 0;
  std::string message;
};

// Thrown by a method (or a daemon hook) to fail the call with this message and, optionally,
// a fixed code. Any other std::exception is treated as fault_error(e.what()).
class fault_error : public std::runtime_error {
 public:
  explicit fault_error(const std::string& message, int code = 0) : std::runtime_error(message), code_(code) {}
  int code() const noexcept { return code_; }
  Fault fault() const { return Fault{code_, what()}; }

 private:
  int code_;
};

}  // namespace coinkit::rpc
