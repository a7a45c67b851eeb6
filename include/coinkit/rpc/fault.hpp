// Fault: the one error a JSON-RPC method answers with ({code, message}); fault_error, the
// exception that carries one; Outcome<T>, a result or a fault, for methods that fail often.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

namespace coinkit::rpc {

// JSON-RPC 2.0's own codes.
inline constexpr int parse_error_code = -32700;
inline constexpr int invalid_request_code = -32600;
inline constexpr int method_not_found_code = -32601;
inline constexpr int invalid_params_code = -32602;
inline constexpr int internal_error_code = -32603;
// Bitcart's daemon codes the dispatcher itself answers.
inline constexpr int wallet_not_loaded_code = -32000;
inline constexpr int wallet_load_failed_code = -32005;

// A failed call: the error object's code and message. `code == 0` means "not decided": the
// dialect picks one (Bitcart looks the message up in the spec's electrum_map).
struct Fault {
  int code = 0;
  std::string message;

  Fault() = default;
  // Not an aggregate: Outcome<int> must not mistake an int for a Fault.
  Fault(int c, std::string m) : code(c), message(std::move(m)) {}
  bool operator==(const Fault&) const = default;
};

// Thrown by a method (or a daemon hook) to fail the call with this message and, optionally,
// a code. Any other std::exception is the dialect's to map (usually Fault{0, what()}).
class fault_error : public std::runtime_error {
 public:
  explicit fault_error(const std::string& message, int code = 0) : std::runtime_error(message), code_(code) {}
  explicit fault_error(const Fault& f) : std::runtime_error(f.message), code_(f.code) {}
  int code() const noexcept { return code_; }
  Fault fault() const { return Fault{code_, what()}; }

 private:
  int code_;
};

// The fault of a method's exception: a fault_error keeps its own; any other exception keeps its
// message under `other_code` (each dialect has its catch-all code).
inline Fault fault_of(std::exception_ptr e, int other_code) {
  try {
    std::rethrow_exception(e);
  } catch (const fault_error& f) {
    return f.fault();
  } catch (const std::exception& x) {
    return Fault{other_code, x.what()};
  } catch (...) {
    return Fault{other_code, "unknown exception"};
  }
}

// Makes Outcome<T>::value() throw fault_error.
[[noreturn]] inline void throw_exception_from_error(const Fault& f, const boost::source_location&) {
  throw fault_error(f);
}

// A method's result or its fault, without an exception (the Electrum hot path).
template <class T>
using Outcome = boost::system::result<T, Fault>;

}  // namespace coinkit::rpc
