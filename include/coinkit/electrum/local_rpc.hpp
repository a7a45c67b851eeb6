// LocalRpc: the operator's JSON-RPC (ElectrumX's LocalRPC, as electrumx_rpc speaks it): one
// JSON-RPC 2.0 request per line over TCP on a loopback rpc:// service. Commands: getinfo,
// sessions, groups, peers, disconnect, log, query, reorg, daemon_url, add_peer, stop.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/electrum/blocking_pool.hpp>
#include <coinkit/electrum/operator_text.hpp>
#include <coinkit/electrum/peer_discovery.hpp>
#include <coinkit/electrum/shard.hpp>
#include <coinkit/net/line_transport.hpp>
#include <coinkit/net/transport.hpp>
#include <coinkit/rpc/binder.hpp>
#include <coinkit/rpc/electrumx.hpp>
#include <coinkit/rpc/envelope.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/rpc/method_table.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <unistd.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace coinkit::electrum {

using LocalRpcResult = rpc::Outcome<boost::json::value>;

// The commands that need the chain or the node; the server implements them.
class LocalRpcBackend {
 public:
  virtual ~LocalRpcBackend() = default;
  // getinfo's chain part: coin, daemon, "daemon height", "db height".
  virtual boost::json::object info() = 0;
  // History, UTXOs and balance of addresses or script hex, as lines of text.
  virtual LocalRpcResult query(const std::vector<std::string>& items, std::size_t limit) = 0;
  // Backs out `count` blocks and lets the indexer reapply them (for testing clients).
  virtual LocalRpcResult reorg(int count) = 0;
  // Points the node client at another URL (the configured one when empty).
  virtual LocalRpcResult daemon_url(const std::string& url) = 0;
  // The chain's part of `GET /metrics` (heights, sync, caches, database): none by default.
  virtual void write_metrics(net::MetricsText&) {}
  // The operator asked the server to stop: the program stops it once the reply is sent.
  virtual void request_stop() = 0;
};

class LocalRpc {
 public:
  using tcp = boost::asio::ip::tcp;

  LocalRpc(std::vector<std::unique_ptr<Shard>>& shards, SessionCounters& counters, LocalRpcBackend& backend,
           const Log& log, PeerDiscovery& peers)
      : shards_(shards), counters_(counters), backend_(backend), log_(log), peers_(peers) {}

  // One operator connection: each line answered in turn, over the line transport.
  struct Operator {
    Operator(LocalRpc& r, tcp::socket socket) : rpc(r), transport(std::move(socket), net::LineLimits{1 << 20}) {}
    LocalRpc& rpc;
    net::LineTransport<tcp::socket> transport;
    std::string line;
    bool oversized = false;

    net::Step receive(std::string_view text) {
      line.assign(text);
      return net::Step::needs_async;
    }
    boost::asio::awaitable<void> finish_pending() {
      std::string reply;
      co_await rpc.answer(line, reply);
      transport.send(reply);
    }
    std::chrono::milliseconds throttle_delay() const noexcept { return {}; }
    bool closing() const noexcept { return oversized; }
    void reject_oversized() { oversized = true; }
  };

  // A new operator connection, for its transport's run() (on the first shard's thread).
  std::shared_ptr<Operator> connect(tcp::socket socket) { return std::make_shared<Operator>(*this, std::move(socket)); }

  // ElectrumX's LOG_SESSIONS lines: the sessions table (addresses hidden with ANON_LOGS), then
  // getinfo as one JSON line, at `info` level.
  COINKIT_DECL boost::asio::awaitable<void> log_summary(bool anonymous);

  // Waits for the commands running on the blocking pool (before the threads' io_contexts go).
  void join() { pool_.join(); }

 private:
  using Table = rpc::MethodTable<LocalRpc>;
  static constexpr rpc::ElectrumX dialect{};

 public:
  static constexpr auto rpc_methods() {
    using rpc::arg;
    return rpc::methods(
        rpc::method<&LocalRpc::getinfo>("getinfo", rpc::no_flags),
        rpc::method<&LocalRpc::sessions>("sessions", rpc::no_flags),
        rpc::method<&LocalRpc::groups>("groups", rpc::no_flags), rpc::method<&LocalRpc::peers>("peers", rpc::no_flags),
        rpc::method<&LocalRpc::disconnect>("disconnect", rpc::no_flags, arg("session_ids", nullptr)),
        rpc::method<&LocalRpc::log>("log", rpc::no_flags, arg("session_ids", nullptr)),
        rpc::method<&LocalRpc::query>("query", rpc::no_flags, arg("items", nullptr), arg("limit", nullptr)),
        rpc::method<&LocalRpc::reorg>("reorg", rpc::no_flags, arg("count", nullptr)),
        rpc::method<&LocalRpc::daemon_url>("daemon_url", rpc::no_flags, arg("daemon_url", nullptr)),
        rpc::method<&LocalRpc::add_peer>("add_peer", rpc::no_flags, arg("real_name", nullptr)),
        rpc::method<&LocalRpc::stop>("stop", rpc::no_flags));
  }

 private:
  COINKIT_DECL boost::asio::awaitable<void> answer(std::string_view line, std::string& out);

  COINKIT_DECL static std::optional<std::vector<std::string>> string_list(const boost::json::value* v);

  template <class F>
  boost::asio::awaitable<void> each_shard(F f) {
    return electrum::each_shard(shards_, std::move(f));
  }

  // --- the commands ------------------------------------------------------------------------

  COINKIT_DECL boost::asio::awaitable<boost::json::value> getinfo();

  COINKIT_DECL boost::asio::awaitable<boost::json::value> sessions();

  boost::json::value groups() { return boost::json::array(); }
  boost::json::value peers() { return peers_.records(); }

  boost::asio::awaitable<LocalRpcResult> disconnect(const boost::json::value* session_ids) {
    return disconnect_or_log(true, session_ids);
  }
  boost::asio::awaitable<LocalRpcResult> log(const boost::json::value* session_ids) {
    return disconnect_or_log(false, session_ids);
  }

  COINKIT_DECL boost::asio::awaitable<LocalRpcResult> query(const boost::json::value* items_arg,
                                                            const boost::json::value* limit_arg);

  COINKIT_DECL boost::asio::awaitable<LocalRpcResult> reorg(const boost::json::value* count_arg);

  COINKIT_DECL boost::asio::awaitable<LocalRpcResult> daemon_url(const boost::json::value* url_arg);

  // ElectrumX's rpc_add_peer: "peer 'host s50002 t50001' added" (then checked).
  boost::asio::awaitable<LocalRpcResult> add_peer(const boost::json::value* real_name) {
    if (!real_name || !real_name->is_string())
      co_return error_of(rpc::invalid_params_code, "real_name: a string \"host s50002 t50001\"");
    const std::string name(real_name->get_string());
    co_await peers_.add_real_name(name);
    co_return LocalRpcResult(boost::json::value("peer '" + name + "' added"));
  }

  COINKIT_DECL boost::json::value stop();

  static rpc::Fault error_of(int code, std::string_view message) { return {code, std::string(message)}; }

  COINKIT_DECL boost::asio::awaitable<LocalRpcResult> disconnect_or_log(bool disconnect,
                                                                        const boost::json::value* session_ids);

  // The backend's commands on the blocking pool. (Closures are made out of the coroutines: GCC 12
  // mishandles lambdas that capture by value inside one.)
  boost::asio::awaitable<LocalRpcResult> run_query(std::vector<std::string> items, std::size_t limit) {
    return blocking([this, items = std::move(items), limit] { return backend_.query(items, limit); });
  }
  boost::asio::awaitable<LocalRpcResult> run_reorg(int count) {
    return blocking([this, count] { return backend_.reorg(count); });
  }
  boost::asio::awaitable<LocalRpcResult> run_daemon_url(std::string url) {
    return blocking([this, url = std::move(url)] { return backend_.daemon_url(url); });
  }

  // Runs a backend command on the blocking pool. Not a coroutine: the closure moves into the
  // pool's shared ownership first (see BlockingPool::run).
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&>> blocking(F f) {
    using R = std::invoke_result_t<F&>;
    return unwrap<R>(pool_.run(std::move(f), std::chrono::minutes(10)));
  }
  template <class R>
  static boost::asio::awaitable<R> unwrap(boost::asio::awaitable<std::optional<R>> a) {
    auto r = co_await std::move(a);
    if (!r) {
      if constexpr (std::is_same_v<R, LocalRpcResult>)
        co_return error_of(rpc::internal_error_code, "internal server error");
      else
        co_return R{};
    }
    co_return std::move(*r);
  }

  std::vector<std::unique_ptr<Shard>>& shards_;
  SessionCounters& counters_;
  LocalRpcBackend& backend_;
  const Log& log_;
  PeerDiscovery& peers_;
  BlockingPool pool_{1};
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace coinkit::electrum

#if COINKIT_HEADER_ONLY
#include <coinkit/electrum/impl/local_rpc.ipp>
#endif
