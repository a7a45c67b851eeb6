// The non-template code of <coinkit/electrum/shard.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/electrum/shard.hpp>

namespace coinkit::electrum {
void Shard::start() {
  boost::asio::post(io_, [this] {
    refresh_tip(ctx_.service.height());
    schedule_sweep();
  });
  thread_ = std::thread([this] { io_.run(); });
}

void Shard::stop() {
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

Session* Shard::find(std::uint64_t id) {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

void Shard::notify(const ChainEvent& e) {
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
  counters_.notification_latency.observe(std::chrono::steady_clock::now() - e.at);
}

bool Shard::refresh_tip(int height) {
  if (height < 0) return false;
  auto h = ctx_.service.header(height);
  if (!h) return false;
  ctx_.tip.height = height;
  ctx_.tip.hex = to_hex(*h);
  return true;
}

void Shard::schedule_sweep() {
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

boost::asio::awaitable<ShardTotals> shard_totals(std::vector<std::unique_ptr<Shard>>& shards) {
  ShardTotals t;
  co_await each_shard(shards, [&](Shard& s) {
    const SessionContext& c = s.context();
    t.methods = c.service.methods();
    for (std::size_t i = 0; i < t.requests.size(); ++i) t.requests[i] += c.method_counts[i];
    t.errors += c.errors, t.txs_sent += c.txs_sent, t.bytes_received += c.bytes_received, t.bytes_sent += c.bytes_sent;
    t.subscribed_scripts += c.subscriptions.scripts();
    s.for_each_session([&](Session& session) {
      ++t.sessions;
      t.subscriptions += session.subscription_count();
      t.sessions_with_subs += session.subscription_count() > 0;
      t.logged += session.log_requests();
      t.pending += session.pending_request();
    });
  });
  co_return t;
}

}  // namespace coinkit::electrum
