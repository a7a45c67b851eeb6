// Shard: one I/O thread of the server with its io_context, its sessions and their
// subscriptions; it delivers chain notifications to them and closes idle and stalled ones.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/core/hex.hpp>
#include <coinkit/electrum/session.hpp>
#include <coinkit/indexer/schema.hpp>
#include <coinkit/net/metrics_text.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace coinkit::electrum {

// What changed in the chain: sent to every shard after each block batch and mempool refresh.
struct ChainEvent {
  int height = -1;
  bool reorg = false;  // the tip was replaced: a new tip even at the same height
  std::shared_ptr<const std::vector<indexer::HashX>> touched;
  std::chrono::steady_clock::time_point at = std::chrono::steady_clock::now();  // when the index changed
};

// Counters all shards share.
struct SessionCounters {
  std::atomic<std::size_t> open{0};       // sessions now (MAX_SESSIONS)
  std::atomic<std::uint64_t> next_id{0};  // session ids, as ElectrumX numbers them
  std::atomic<std::uint64_t> accepted{0}, refused{0};
  std::atomic<bool> log_new{false};            // LocalRPC "log new": log the requests of new sessions
  net::LatencyHistogram notification_latency;  // index change → its notifications queued, per shard
};

class Shard {
 public:
  Shard(std::size_t index, const ServerConfig& config, Service& service, const Log& log, SessionCounters& counters)
      : index_(index), ctx_(config, service, log), counters_(counters) {}
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;
  ~Shard() { stop(); }

  std::size_t index() const noexcept { return index_; }
  boost::asio::io_context& io() noexcept { return io_; }
  boost::asio::any_io_executor executor() { return io_.get_executor(); }
  SessionContext& context() noexcept { return ctx_; }
  SessionCounters& counters() noexcept { return counters_; }
  const Log& log() const noexcept { return ctx_.log; }

  COINKIT_DECL void start();

  // Closes every session and stops the thread. Call from another thread; idempotent.
  COINKIT_DECL void stop();

  // --- on the shard's thread ------------------------------------------------------------------
  void add(std::shared_ptr<Session> c) { sessions_.emplace(c->id(), std::move(c)); }
  void remove(const Session& c) {
    if (sessions_.erase(c.id())) counters_.open.fetch_sub(1, std::memory_order_relaxed);
  }
  std::size_t size() const noexcept { return sessions_.size(); }
  template <class F>
  void for_each_session(F&& f) {
    for (auto& [id, s] : sessions_) f(*s);
  }
  COINKIT_DECL Session* find(std::uint64_t id);

  // New tip: header subscribers are told. Touched scripts, and after a height change those
  // whose status had unconfirmed transactions, are recomputed once each and sent to the
  // subscribers whose last status differs.
  COINKIT_DECL void notify(const ChainEvent& e);

  // The header at `height` becomes headers.subscribe's answer; false if the index has none.
  COINKIT_DECL bool refresh_tip(int height);

 private:
  // Idle sessions (SESSION_TIMEOUT since their last message) and stalled ones (a write pending
  // for SEND_TIMEOUT: a client that reads nothing) are closed.
  COINKIT_DECL void schedule_sweep();

  std::size_t index_;
  SessionContext ctx_;
  SessionCounters& counters_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  boost::asio::steady_timer sweep_{io_};
  boost::unordered_flat_map<std::uint64_t, std::shared_ptr<Session>> sessions_;
  std::thread thread_;
};

// Runs f(shard) on each shard's thread in turn (f may read the shard's sessions there).
template <class F>
boost::asio::awaitable<void> each_shard(std::vector<std::unique_ptr<Shard>>& shards, F f) {
  for (auto& shard : shards)
    co_await boost::asio::co_spawn(
        shard->executor(),
        [&]() -> boost::asio::awaitable<void> {
          f(*shard);
          co_return;
        },
        boost::asio::use_awaitable);
}

// The shards' counters and sessions summed, for LocalRPC getinfo and GET /metrics.
struct ShardTotals {
  std::span<const rpc::MethodInfo> methods;  // the service's methods, indexing requests
  std::array<std::uint64_t, SessionContext::max_methods> requests{};
  std::uint64_t errors = 0, txs_sent = 0, bytes_received = 0, bytes_sent = 0, subscribed_scripts = 0;
  std::uint64_t sessions = 0, subscriptions = 0, sessions_with_subs = 0, logged = 0, pending = 0;
};
COINKIT_DECL boost::asio::awaitable<ShardTotals> shard_totals(std::vector<std::unique_ptr<Shard>>& shards);

}  // namespace coinkit::electrum

#if COINKIT_HEADER_ONLY
#include <coinkit/electrum/impl/shard.ipp>
#endif
