// NodeFailure and NodeResult<T>: what a call to the node failed with, keeping bitcoind's own
// JSON-RPC error code and message (an Electrum server passes them on as "daemon error: ...").
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/node/error.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/json/object.hpp>
#include <boost/system/result.hpp>
#include <boost/throw_exception.hpp>

#include <ostream>
#include <string>
#include <utility>

namespace coinkit::node {

// bitcoind's JSON-RPC error codes the client acts on (src/rpc/protocol.h).
namespace rpc_code {
inline constexpr int in_warmup = -28;              // RPC_IN_WARMUP: loading blocks, verifying, ...
inline constexpr int invalid_address_or_key = -5;  // RPC_INVALID_ADDRESS_OR_KEY: "Block not found", ...
inline constexpr int invalid_parameter = -8;       // RPC_INVALID_PARAMETER: "Block height out of range", ...
}  // namespace rpc_code

struct NodeFailure {
  error_code ec;        // unreachable, auth_failed, wrong_network, rpc_error or bad_reply
  int rpc_code = 0;     // with rpc_error: bitcoind's error code (e.g. -5)
  std::string message;  // with rpc_error: bitcoind's message; otherwise what went wrong

  // Worth calling again: the node is down or still starting (ElectrumX retries both).
  bool transient() const noexcept {
    return ec == error::unreachable || (ec == error::rpc_error && rpc_code == rpc_code::in_warmup);
  }
  // bitcoind's error object, {"code": ..., "message": ...}, as ElectrumX quotes it.
  boost::json::object rpc_error() const { return {{"code", rpc_code}, {"message", message}}; }
  // One readable line: "the node returned an error: -5 Block not found".
  std::string describe() const {
    std::string s = ec.message();
    if (ec == error::rpc_error) s += ": " + std::to_string(rpc_code);
    if (!message.empty()) s += (ec == error::rpc_error ? " " : ": ") + message;
    return s;
  }

  friend std::ostream& operator<<(std::ostream& os, const NodeFailure& f) { return os << f.describe(); }
};

inline NodeFailure node_failure(error e, std::string message = {}) { return {e, 0, std::move(message)}; }
inline NodeFailure rpc_failure(int code, std::string message) { return {error::rpc_error, code, std::move(message)}; }

// NodeResult<T>::value() on a failure throws system_error: what() is "<detail>: <ec message>".
[[noreturn]] inline void throw_exception_from_error(const NodeFailure& f, const boost::source_location& loc) {
  std::string detail = f.ec == error::rpc_error ? std::to_string(f.rpc_code) + " " + f.message : f.message;
  boost::throw_exception(system_error(f.ec, detail), loc);
}

template <class T>
using NodeResult = boost::system::result<T, NodeFailure>;

}  // namespace coinkit::node
