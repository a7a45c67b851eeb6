// Shard: one I/O thread of the server with its io_context, its sessions and their
// subscriptions; it delivers chain notifications to them and closes idle and stalled ones.
#pragma once

#include <coinkit/core/hex.hpp>
#include <coinkit/electrum/session.hpp>
#include <coinkit/indexer/schema.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace coinkit::electrum {

// What changed in the chain: sent to every shard after each block batch and mempool refresh.
struct ChainEvent {
  int height = -1;
  bool reorg = false;  // the tip was replaced: a new tip even at the same height
  std::shared_ptr<const std::vector<indexer::HashX>> touched;
};

// Counters all shards share.
struct SessionCounters {
  std::atomic<std::size_t> open{0};       // sessions now (MAX_SESSIONS)
  std::atomic<std::uint64_t> next_id{0};  // session ids, as ElectrumX numbers them
  std::atomic<std::uint64_t> accepted{0}, refused{0};
  std::atomic<bool> log_new{false};  // LocalRPC "log new": log the requests of new sessions
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

  void start() {
    boost::asio::post(io_, [this] {
      refresh_tip(ctx_.service.height());
      schedule_sweep();
    });
    thread_ = std::thread([this] { io_.run(); });
  }

  // Closes every session and stops the thread. Call from another thread; idempotent.
  void stop() {
    if (!thread_.joinable()) return;
    boost::asio::post(io_, [this] {
      sweep_.cancel();
      for (auto& [id, s] : std::vector(sessions_.begin(), sessions_.end())) s->close();
      work_.reset();
    });
    // Sessions finish their coroutines (each closes its socket), then run() returns; a
    // deadline guards against a handler that never completes.
    for (int i = 0; i < 200 && !io_.stopped(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    io_.stop();
    thread_.join();
  }

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
  Session* find(std::uint64_t id) {
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : it->second.get();
  }

  // New tip: header subscribers are told. Touched scripts, and after a height change those
  // whose status had unconfirmed transactions, are recomputed once each and sent to the
  // subscribers whose last status differs.
  void notify(const ChainEvent& e) {
    const bool new_tip = e.height != ctx_.tip.height || e.reorg;
    if (new_tip && refresh_tip(e.height)) {
      std::string msg;
      envelope::begin_notification(msg, "blockchain.headers.subscribe");
      msg += "[{\"hex\": \"";
      msg += ctx_.tip.hex;
      msg += "\", \"height\": ";
      msg += std::to_string(ctx_.tip.height);
      msg += "}]";
      envelope::end_notification(msg);
      // The header goes out at once: wallets learn of the block before statuses are computed.
      for (auto& [id, s] : sessions_)
        if (s->headers_subscribed()) s->send(msg), s->flush();
    }
    std::vector<indexer::HashX> check;
    if (e.touched)
      for (const auto& hx : *e.touched)
        if (ctx_.subscriptions.find(hx)) check.push_back(hx);
    if (new_tip) {
      for (const auto& [hx, entry] : ctx_.subscriptions.entries())
        if (entry.mempool) check.push_back(hx);
      std::sort(check.begin(), check.end());
      check.erase(std::unique(check.begin(), check.end()), check.end());
    }
    std::vector<Session*> subscribers;
    for (const auto& hx : check) {
      auto* entry = ctx_.subscriptions.find(hx);
      if (!entry) continue;
      subscribers = entry->sessions;  // notify_status may drop entries
      auto st = ctx_.service.script_status(entry->scripthash);
      if (auto* ok = std::get_if<ScriptStatus>(&st)) {
        entry->mempool = ok->mempool;
        for (Session* s : subscribers) s->notify_status(hx, ok->status);
      } else {
        for (Session* s : subscribers) s->drop_subscription(hx);
      }
    }
    for (auto& [id, s] : sessions_)
      if (s->queued_bytes()) s->flush();
    ctx_.trim_scratch();
  }

  // The header at `height` becomes headers.subscribe's answer; false if the index has none.
  bool refresh_tip(int height) {
    if (height < 0) return false;
    auto h = ctx_.service.header(height);
    if (!h) return false;
    ctx_.tip.height = height;
    ctx_.tip.hex = to_hex(*h);
    return true;
  }

 private:
  // Idle sessions (SESSION_TIMEOUT since their last message) and stalled ones (a write pending
  // for SEND_TIMEOUT: a client that reads nothing) are closed.
  void schedule_sweep() {
    using namespace std::chrono;
    const auto shortest = std::min(ctx_.config.session_timeout, ctx_.config.send_timeout);
    const auto period = std::clamp(duration_cast<milliseconds>(shortest / 4), milliseconds(50), milliseconds(10'000));
    sweep_.expires_after(period);
    sweep_.async_wait([this](error_code ec) {
      if (ec) return;
      const auto now = Session::Clock::now();
      std::vector<std::shared_ptr<Session>> stale;
      for (auto& [id, s] : sessions_) {
        if (now - s->last_received() > ctx_.config.session_timeout) {
          stale.push_back(s);
          ctx_.log.info("session " + std::to_string(id), "closing stale session");
        } else if (auto w = s->writing_since(); w && now - *w > ctx_.config.send_timeout) {
          stale.push_back(s);
          ctx_.log.info("session " + std::to_string(id), "closing session: the client reads nothing");
        }
      }
      for (auto& s : stale) s->close();
      schedule_sweep();
    });
  }

  std::size_t index_;
  SessionContext ctx_;
  SessionCounters& counters_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  boost::asio::steady_timer sweep_{io_};
  boost::unordered_flat_map<std::uint64_t, std::shared_ptr<Session>> sessions_;
  std::thread thread_;
};

}  // namespace coinkit::electrum
