// ElectrumService<Index, Node>: every method of the Electrum protocol 1.4-1.6, declared in one
// table from its groups (methods/headers.hpp, scripthash.hpp, transactions.hpp, fees.hpp,
// server.hpp) and answered from the index and the node with ElectrumX's results, errors and costs.
#pragma once

#include <coinkit/chain/script.hpp>
#include <coinkit/coins/network.hpp>
#include <coinkit/electrum/blocking_pool.hpp>
#include <coinkit/electrum/config.hpp>
#include <coinkit/electrum/daemon_error.hpp>
#include <coinkit/electrum/methods/fees.hpp>
#include <coinkit/electrum/methods/headers.hpp>
#include <coinkit/electrum/methods/scripthash.hpp>
#include <coinkit/electrum/methods/server.hpp>
#include <coinkit/electrum/methods/transactions.hpp>
#include <coinkit/electrum/service.hpp>
#include <coinkit/electrum/session.hpp>
#include <coinkit/rpc/electrumx.hpp>
#include <coinkit/rpc/method_table.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace coinkit::electrum {

// Index: indexer::Index<S> or anything with its query API. Node: node::NodeClient or anything
// with call(method, json::array) -> result<json::value, NodeFailure>.
template <class Index, class Node>
class ElectrumService final : public Service,
                              public HeaderMethods<ElectrumService<Index, Node>>,
                              public ScriptHashMethods<ElectrumService<Index, Node>>,
                              public TransactionMethods<ElectrumService<Index, Node>>,
                              public FeeMethods<ElectrumService<Index, Node>>,
                              public ServerMethods<ElectrumService<Index, Node>> {
 public:
  static constexpr auto rpc_methods() {
    return rpc::combine(HeaderMethods<ElectrumService>::rpc_methods(),
                        ScriptHashMethods<ElectrumService>::rpc_methods(),
                        TransactionMethods<ElectrumService>::rpc_methods(), FeeMethods<ElectrumService>::rpc_methods(),
                        ServerMethods<ElectrumService>::rpc_methods());
  }
  using Table = rpc::MethodTable<ElectrumService>;
  static_assert(Table::size <= SessionContext::max_methods, "the session context counts calls of every method");

  ElectrumService(Index& index, Node& node, const ServerConfig& config, const Network& network,
                  std::size_t node_threads = 4)
      : index_(index), node_(node), config_(config), network_(network), pool_(node_threads) {}

  // --- Service --------------------------------------------------------------------------------

  std::span<const rpc::MethodInfo> methods() const noexcept override { return Table::infos; }
  const rpc::MethodInfo* find(std::string_view name) const noexcept override { return Table::find(name); }

  std::optional<rpc::Fault> call(Session& s, const rpc::MethodInfo& m, const rpc::Params& p,
                                 std::string& out) override {
    return Table::call(*this, m, p, dialect, out, s);
  }
  boost::asio::awaitable<std::optional<rpc::Fault>> call_async(Session& s, const rpc::MethodInfo& m,
                                                               const rpc::Params& p, std::string& out) override {
    return Table::call_async(*this, m, p, dialect, out, s);
  }

  std::variant<ScriptStatus, rpc::Fault> script_status(const ScriptHash& sh) override {
    auto h = index_.history(sh, history_limit());
    if (!h) return rpc::Fault{code::bad_request, "history too large"};
    ScriptStatus st;
    st.status = Index::status_of(*h);
    st.mempool = std::any_of(h->begin(), h->end(), [](const auto& i) { return i.height <= 0; });
    std::size_t text = 0;
    for (const auto& i : *h) text += 64 + 2 + (i.height > 99999 ? 7 : 6);
    st.cost = 0.3 + static_cast<double>(h->size()) * 0.001 + 0.1 + static_cast<double>(text) * 0.00002;
    return st;
  }
  std::optional<Bytes> header(int height) override { return index_.header(height); }
  int height() override { return index_.height(); }
  boost::json::object features() const override {
    return ServerMethods<ElectrumService>::features_of(config_, network_);
  }
  void stop() override { pool_.join(); }

  // --- what the method groups share -----------------------------------------------------------

  Index& index() noexcept { return index_; }
  const ServerConfig& config() const noexcept { return config_; }
  const Network& network() const noexcept override { return network_; }
  std::size_t history_limit() const noexcept { return config_.max_send / 99; }

  using NodeResultOf = decltype(std::declval<Node&>().call(std::string_view(), boost::json::array()));
  using NodeFailureOf = typename NodeResultOf::error_type;
  struct Failure {
    NodeFailureOf failure;
  };
  using NodeCall = std::variant<boost::json::value, rpc::Fault, Failure>;

  // A node call off the I/O thread. A node error becomes DAEMON_ERROR ("daemon error: ..."),
  // or comes back as Failure when `map_errors` is false; REQUEST_TIMEOUT gives SERVER_BUSY.
  // Not a coroutine: GCC 12 corrupts a lambda's init-captures built inside a coroutine.
  boost::asio::awaitable<NodeCall> node_call(std::string_view name, boost::json::array params, bool map_errors = true) {
    auto task = [&node = node_, method = std::string(name), params = std::move(params)]() {
      return node.call(method, params);
    };
    return node_result(pool_.run(std::move(task), config_.request_timeout), map_errors);
  }

  // GCC 12 rejects a string literal initializing an aggregate inside a coroutine ("array used as
  // initializer"): coroutines build their errors through this.
  static rpc::Fault error_of(int code, std::string_view message) { return {code, std::string(message)}; }

 private:
  static constexpr rpc::ElectrumX dialect{};

  static boost::asio::awaitable<NodeCall> node_result(boost::asio::awaitable<std::optional<NodeResultOf>> call,
                                                      bool map_errors) {
    auto r = co_await std::move(call);
    if (!r) co_return error_of(code::server_busy, "server busy - request timed out");
    if (!*r) {
      if (!map_errors) co_return Failure{r->error()};
      co_return rpc::Fault{code::daemon_error, electrum::daemon_error_text(r->error())};
    }
    co_return std::move(**r);
  }

  Index& index_;
  Node& node_;
  const ServerConfig& config_;
  const Network& network_;
  BlockingPool pool_;
};

}  // namespace coinkit::electrum
