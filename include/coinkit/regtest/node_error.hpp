// NodeError and NodeResult: a regtest node's failures, with bitcoind's RPC error codes and messages.
#pragma once

#include <coinkit/rpc/fault.hpp>

#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace coinkit::regtest {

// bitcoind's RPCErrorCode values (src/rpc/protocol.h) that the node reports.
namespace rpc_error {
inline constexpr int misc_error = -1;                 // RPC_MISC_ERROR
inline constexpr int type_error = -3;                 // RPC_TYPE_ERROR: wrong amount, ...
inline constexpr int wallet_error = -4;               // RPC_WALLET_ERROR
inline constexpr int invalid_address_or_key = -5;     // RPC_INVALID_ADDRESS_OR_KEY: unknown block/tx, bad address
inline constexpr int wallet_insufficient_funds = -6;  // RPC_WALLET_INSUFFICIENT_FUNDS
inline constexpr int invalid_parameter = -8;          // RPC_INVALID_PARAMETER
inline constexpr int wallet_keypool_ran_out = -12;    // RPC_WALLET_KEYPOOL_RAN_OUT
inline constexpr int wallet_not_found = -18;          // RPC_WALLET_NOT_FOUND: unknown or unloaded wallet
inline constexpr int wallet_not_specified = -19;      // RPC_WALLET_NOT_SPECIFIED: several loaded, none named
inline constexpr int deserialization_error = -22;     // RPC_DESERIALIZATION_ERROR: bad tx/block bytes
inline constexpr int verify_error = -25;              // RPC_VERIFY_ERROR (= RPC_TRANSACTION_ERROR)
inline constexpr int verify_rejected = -26;           // RPC_VERIFY_REJECTED: mempool policy/consensus rejection
inline constexpr int verify_already_in_chain = -27;   // RPC_VERIFY_ALREADY_IN_CHAIN
inline constexpr int wallet_already_loaded = -35;     // RPC_WALLET_ALREADY_LOADED
inline constexpr int method_not_found = -32601;       // RPC_METHOD_NOT_FOUND (the server's business)
}  // namespace rpc_error

// What bitcoind would answer instead of a result: `code` and `message` go into the JSON-RPC
// error object unchanged. For transaction rejections `reject_reason` is the short reason
// (testmempoolaccept's "reject-reason", e.g. "txn-mempool-conflict"); `message` may add detail
// after it, as Core's ValidationState::ToString does ("min relay fee not met, 100 < 141").
struct NodeError {
  int code = rpc_error::misc_error;
  std::string message;
  std::string reject_reason;

  NodeError() = default;
  NodeError(int c, std::string m, std::string reason = {})
      : code(c), message(std::move(m)), reject_reason(std::move(reason)) {}
};

// Thrown by NodeResult::value() on an error: a JSON-RPC fault with bitcoind's code and message.
class NodeException : public rpc::fault_error {
 public:
  explicit NodeException(NodeError e) : rpc::fault_error(e.message, e.code), error_(std::move(e)) {}
  const NodeError& error() const noexcept { return error_; }

 private:
  NodeError error_;
};

// boost::system::result finds this by ADL when value() is called on an error.
[[noreturn]] inline void throw_exception_from_error(const NodeError& e, const boost::source_location&) {
  throw NodeException(e);
}

template <class T>
using NodeResult = boost::system::result<T, NodeError>;

}  // namespace coinkit::regtest
