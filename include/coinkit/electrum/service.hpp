// Service: what the sessions of an Electrum server run their calls against (the protocol's
// methods over the index and the node). ElectrumService<Index, Node> is the implementation.
#pragma once

#include <coinkit/chain/script.hpp>
#include <coinkit/coins/network.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/uint256.hpp>
#include <coinkit/rpc/binder.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/method.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace coinkit::electrum {

class PeerDiscovery;
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

  // The protocol's methods, in declaration order (MethodInfo::index).
  virtual std::span<const rpc::MethodInfo> methods() const noexcept = 0;
  // The method called `name` (whatever the version), or nullptr.
  virtual const rpc::MethodInfo* find(std::string_view name) const noexcept = 0;

  // Runs a method that answers at once: its result appended to `out`, or the fault (nothing
  // appended).
  virtual std::optional<rpc::Fault> call(Session& session, const rpc::MethodInfo& method, const rpc::Params& params,
                                         std::string& out) = 0;
  // Runs any method; one that waits (rpc::waits: it asks the node) suspends the session off its
  // thread, bounded by REQUEST_TIMEOUT.
  virtual boost::asio::awaitable<std::optional<rpc::Fault>> call_async(Session& session, const rpc::MethodInfo& method,
                                                                       const rpc::Params& params, std::string& out) = 0;

  // For notifications: the current status of a script, or why it cannot be computed (history
  // too large: the subscription is then dropped, as ElectrumX does).
  virtual std::variant<ScriptStatus, rpc::Fault> script_status(const ScriptHash& sh) = 0;
  // The header at `height`, nullopt beyond the tip.
  virtual std::optional<Bytes> header(int height) = 0;
  virtual int height() = 0;
  // server.features' answer; the network served.
  virtual boost::json::object features() const = 0;
  virtual const Network& network() const noexcept = 0;
  // Waits for calls still running on other threads; the I/O threads have stopped.
  virtual void stop() {}

  // The server's peers (server.peers.subscribe, server.add_peer); set by the ServerCore.
  PeerDiscovery* peers = nullptr;
};

}  // namespace coinkit::electrum
