// Service: what the methods of the Electrum protocol run against (the index and the node),
// as the session layer sees it. ElectrumService<Index, Node> is the implementation.
#pragma once

#include <coinkit/chain/script.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/uint256.hpp>
#include <coinkit/electrum/methods.hpp>
#include <coinkit/electrum/params.hpp>
#include <coinkit/electrum/rpc_error.hpp>

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <variant>

namespace coinkit::electrum {

class Session;

// A script's status (docs/protocol-basics.rst "Status"): nullopt without history. `mempool`:
// unconfirmed transactions took part, so the status can change with the height alone (a parent
// confirmed: -1 becomes 0).
struct ScriptStatus {
  std::optional<Hash256> status;
  bool mempool = false;
  double cost = 0;  // ElectrumX's cost of computing it
};

class Service {
 public:
  virtual ~Service() = default;

  // Runs a method that answers from the index. On success the result's JSON is appended to
  // `out`; on failure nothing is appended and the error is returned.
  virtual std::optional<RpcError> call(Session& session, const MethodInfo& method, const Params& params,
                                       std::string& out) = 0;
  // Runs a method that asks the node (MethodInfo::waits_for_node): off the session's thread,
  // resuming on it, bounded by REQUEST_TIMEOUT.
  virtual boost::asio::awaitable<std::optional<RpcError>> call_node(Session& session, const MethodInfo& method,
                                                                    const Params& params, std::string& out) = 0;

  // For notifications: the current status of a script, or why it cannot be computed (history
  // too large: the subscription is then dropped, as ElectrumX does).
  virtual std::variant<ScriptStatus, RpcError> script_status(const ScriptHash& sh) = 0;
  // The header at `height`, nullopt beyond the tip.
  virtual std::optional<Bytes> header(int height) = 0;
  virtual int height() = 0;
  // Waits for calls still running on other threads; the I/O threads have stopped.
  virtual void stop() {}
};

}  // namespace coinkit::electrum
