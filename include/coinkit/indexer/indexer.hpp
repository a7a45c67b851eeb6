// Indexer<Coin, Storage, Cache>: follows a node and keeps the index and mempool mirror current:
// the prefetcher, block processor and mempool on their threads, with notifications of changes.
#pragma once

#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/indexer/block_processor.hpp>
#include <coinkit/indexer/flat_cache.hpp>
#include <coinkit/indexer/index.hpp>
#include <coinkit/indexer/mempool.hpp>
#include <coinkit/indexer/notification.hpp>
#include <coinkit/indexer/prefetcher.hpp>
#include <coinkit/node/node_client.hpp>
#include <coinkit/node/retry.hpp>
#include <coinkit/rpc/python.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace coinkit::indexer {

struct IndexerOptions {
  std::filesystem::path db_dir;
  NetworkId network = NetworkId::mainnet;
  node::NodeOptions node;
  std::size_t cache_mb = 512;                    // CACHE_MB: UTXO and history caches before a flush
  int reorg_limit = 200;                         // REORG_LIMIT
  std::chrono::milliseconds block_poll{1000};    // DAEMON_POLL_INTERVAL_BLOCKS
  std::chrono::milliseconds mempool_poll{1000};  // DAEMON_POLL_INTERVAL_MEMPOOL
  std::size_t prefetch_mb = 64;
  bool sync_to_disk = true;                         // fsync each flush (off only for throwaway benchmarks)
  std::size_t max_db_bytes = std::size_t{1} << 40;  // the database may grow to this, then stops cleanly
  bool mempool = true;
  // Where progress and faults are reported; stderr with a timestamp when empty.
  std::function<void(const std::string&)> log;
};

// Where the sync's time went (nanoseconds), for logs and benchmarks. Ask (the node's height and
// block hashes), fetch and prepare run on the prefetcher's thread, beside apply and flush on the
// processor's; wait is the processor's time waiting for the next block until the first catch-up.
struct SyncStats {
  std::uint64_t ask_ns = 0, fetch_ns = 0, prepare_ns = 0, apply_ns = 0, flush_ns = 0, wait_ns = 0;
  std::uint64_t blocks = 0, transactions = 0, bytes = 0, flushes = 0;
  std::uint64_t cache_bytes = 0;  // held by the UTXO and history caches now (CACHE_MB)
};

template <CoinPolicy Coin, Storage S, class Cache = FlatCache>
class Indexer {
 public:
  explicit Indexer(IndexerOptions options)
      : options_(std::move(options)),
        network_(find_network<Coin>(options_.network)),
        storage_(StorageOptions{.path = options_.db_dir,
                                .initial_map_size = std::min(std::size_t{1} << 30, options_.max_db_bytes),
                                .max_map_size = options_.max_db_bytes,
                                .sync = options_.sync_to_disk},
                 tables),
        mempool_(format().tx),
        index_(storage_, mempool_, Coin::header_size),
        processor_(index_, {genesis(), options_.cache_mb << 20, options_.reorg_limit}),
        node_(options_.node),
        prefetcher_(node_, {format(), options_.prefetch_mb << 20, options_.block_poll, retry_log()}) {}

  ~Indexer() { stop(); }
  Indexer(const Indexer&) = delete;
  Indexer& operator=(const Indexer&) = delete;

  Index<S>& index() noexcept { return index_; }
  node::NodeClient& node() noexcept { return node_; }
  const IndexerOptions& options() const noexcept { return options_; }

  // Called on the indexer's thread; a server posts it to its own executor.
  void on_notify(std::function<void(const Notification&)> f) { notify_ = std::move(f); }

  // Opens the database and starts following the node. A database of another schema or coin
  // is a system_error here; node faults come later through failure().
  void start() {
    if (auto r = processor_.open(); !r)
      throw system_error(r.error(), "opening the index at " + options_.db_dir.string());
    thread_ = std::thread([this] { run(); });
  }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();  // the run thread stops the prefetcher itself
    prefetcher_.stop();                      // (or it never started)
  }
  // Blocks until the indexer stops by itself (a fatal fault) or stop() is called elsewhere.
  void wait() {
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [&] { return done_; });
  }

  // True from the first catch-up with the node on.
  bool caught_up() const noexcept { return caught_up_.load(); }
  // Blocks until caught up, a fault, or the timeout; returns caught_up().
  bool wait_caught_up(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    done_cv_.wait_for(lock, timeout, [&] { return caught_up_.load() || done_; });
    return caught_up_;
  }
  // The fault that stopped the indexer, if one did.
  std::optional<std::string> failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
  }
  int node_height() const noexcept { return prefetcher_.node_height(); }
  SyncStats stats() const {
    std::lock_guard lock(mutex_);
    SyncStats s = stats_;
    s.ask_ns = prefetcher_.ask_ns(), s.fetch_ns = prefetcher_.fetch_ns(), s.prepare_ns = prefetcher_.prepare_ns();
    return s;
  }

  // LocalRPC "reorg": backs out the last `blocks` blocks and indexes them again (testing).
  void request_reorg(int blocks) { forced_reorg_ = blocks; }

 private:
  static BlockFormat format() { return BlockFormat::of<Coin>(); }
  BlockHash genesis() const {
    if (!network_) throw std::invalid_argument("the coin has no such network");
    return network_->genesis_hash;
  }

  void log(const std::string& line) const {
    if (options_.log) return options_.log(line);
    char when[32];
    const std::time_t t = std::time(nullptr);
    std::strftime(when, sizeof when, "%F %T", std::gmtime(&t));
    std::fprintf(stderr, "%s indexer: %s\n", when, line.c_str());
  }
  node::RetryLog retry_log() {
    return [this](const node::NodeFailure& f, std::size_t attempt, std::chrono::milliseconds delay) {
      if (attempt == 1 || attempt % 16 == 0)
        log(f.describe() + "; retrying in " + std::to_string(delay.count()) + " ms");
    };
  }

  void fatal(const std::string& message) {
    log("stopping: " + message);
    std::lock_guard lock(mutex_);
    failure_ = message;
  }

  void run() {
    run_loop();
    prefetcher_.stop();
    std::lock_guard lock(mutex_);
    done_ = true;
    done_cv_.notify_all();
  }

  void run_loop() {
    // The node must be this network's before anything is fetched.
    auto g = node::with_retry([&] { return node_.check_genesis(genesis()); }, stop_, retry_log());
    if (!g) return stop_ ? void() : fatal(g.error().describe());
    log("index at height " + std::to_string(processor_.height()) + ", " + std::to_string(processor_.state().tx_count) +
        " transactions");
    processor_.track_touched(false);  // notifications start at the first catch-up
    prefetcher_.start(processor_.height() + 1);
    sync_started_ = last_progress_ = std::chrono::steady_clock::now();  // the first line after 10 s
    sync_start_height_ = processor_.height();
    sync_start_txs_ = processor_.state().tx_count;
    auto last_mempool = std::chrono::steady_clock::time_point{}, last_tip_check = last_mempool;
    int notified_height = processor_.height();
    bool reorged = false, announced = false;

    while (!stop_) {
      if (int n = forced_reorg_.exchange(0); n > 0) {
        if (!back_up(n)) return;
        reorged = true;
        continue;
      }
      const auto t_pop = std::chrono::steady_clock::now();
      auto item = prefetcher_.pop(std::chrono::milliseconds(caught_up_ ? 100 : 1000));
      if (!caught_up_) {
        std::lock_guard lock(mutex_);
        stats_.wait_ns += elapsed_ns(t_pop);
      }
      if (item) {
        if (auto* f = std::get_if<Prefetcher::Failure>(&*item)) {
          // Every block before the fault is sound: keep it.
          if (processor_.dirty() && !flush()) return;
          return fatal(f->message + " (the index is kept at height " + std::to_string(processor_.height()) + ")");
        }
        auto& b = std::get<PreparedBlock>(*item);
        if (b.height != processor_.height() + 1 || (b.height > 0 && b.header.prev_hash != processor_.tip())) {
          if (!handle_reorg()) return;
          reorged = true;
          continue;
        }
        const bool keep_undo = b.height > prefetcher_.node_height() - options_.reorg_limit;
        const auto t0 = std::chrono::steady_clock::now();
        auto r = processor_.apply(b, keep_undo);
        {
          std::lock_guard lock(mutex_);
          stats_.apply_ns += elapsed_ns(t0);
          stats_.blocks += 1, stats_.transactions += b.txids.size(), stats_.bytes += b.size;
          stats_.cache_bytes = processor_.cache_bytes();
        }
        if (!r) {
          std::string m = r.error().message();
          if (r.error() == error::missing_prevout) m += ": " + processor_.missing_prevout();
          return fatal("block " + std::to_string(b.height) + ": " + m);
        }
        // Once caught up each block is flushed as it comes, so readers see it at once; but while
        // the node is further ahead (it got many blocks at once, or is syncing itself) they are
        // flushed together once the prefetcher has them all, at least every second: each flush
        // costs two fsyncs (3-6 ms on the test machine's disk), an empty block's apply 10 µs.
        if (processor_.cache_full() || (caught_up_ && (prefetcher_.caught_up() || flush_overdue()))) {
          if (!flush()) return;
        }
        if (caught_up_) log_block(b, t0);
        progress();
        if (!caught_up_) continue;
      }
      if (!prefetcher_.caught_up()) continue;
      if (!caught_up_) {
        if (!flush(true)) return;
        processor_.track_touched(true);
        caught_up_ = true;
        log("caught up at height " + std::to_string(processor_.height()));
        std::lock_guard lock(mutex_);
        done_cv_.notify_all();
      }
      if (processor_.dirty() && !flush()) return;
      // A node whose chain got shorter, or switched to a branch of equal length, sends no block
      // that fails to link: ask it what its block at our height is.
      if (const auto now = std::chrono::steady_clock::now(); now - last_tip_check >= options_.block_poll) {
        last_tip_check = now;
        auto h = node_.block_hash(processor_.height());
        if ((h && *h != processor_.tip()) || (!h && h.error().ec == node::error::rpc_error)) {
          if (!handle_reorg()) return;
          reorged = true;
          continue;
        }
      }
      Notification n;
      n.height = processor_.height();
      n.new_tip = n.height != notified_height || reorged || !announced;
      n.reorg = reorged;
      n.touched = processor_.take_touched();
      if (reorged) append_touched(n.touched, mempool_.clear());
      const auto now = std::chrono::steady_clock::now();
      if (options_.mempool && (n.new_tip || now - last_mempool >= options_.mempool_poll)) {
        last_mempool = now;
        append_touched(n.touched, refresh_mempool());
      }
      if ((n.new_tip || !n.touched.empty()) && notify_) notify_(n);
      notified_height = n.height;
      reorged = false, announced = true;
    }
    if (processor_.dirty()) flush();
  }

  static void append_touched(std::vector<HashX>& to, const std::vector<HashX>& more) {
    if (more.empty()) return;
    to.insert(to.end(), more.begin(), more.end());
    std::sort(to.begin(), to.end());
    to.erase(std::unique(to.begin(), to.end()), to.end());
  }

  std::vector<HashX> refresh_mempool() {
    auto txids = node_.raw_mempool();
    if (!txids) {
      log("mempool: " + txids.error().describe());
      return {};
    }
    auto fetch = [&](std::span<const Txid> ids) {
      std::vector<std::optional<Bytes>> out(ids.size());
      if (auto raws = node_.raw_transactions(ids))
        for (std::size_t i = 0; i < raws->size() && i < ids.size(); ++i)
          if ((*raws)[i]) out[i] = std::move(*(*raws)[i]);
      return out;
    };
    return mempool_.refresh(*txids, fetch, index_.snapshot());
  }

  bool flush(bool synced = false) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = processor_.flush(synced);
    if (!r) {
      fatal("flush failed: " + r.error().message() + " (the index stays at its last flushed height " +
            std::to_string(index_.height()) + ")");
      return false;
    }
    last_flush_ = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    stats_.flush_ns += elapsed_ns(t0);
    ++stats_.flushes;
    stats_.cache_bytes = processor_.cache_bytes();
    return true;
  }

  bool flush_overdue() const { return std::chrono::steady_clock::now() - last_flush_ >= max_flush_delay; }

  // The node's chain no longer contains our tip: back up to the last common block.
  bool handle_reorg() {
    int fork = processor_.height();
    for (; fork >= 0; --fork) {
      auto h = node::with_retry([&] { return node_.block_hash(fork); }, stop_, retry_log());
      if (!h) {
        if (h.error().ec == node::error::rpc_error) continue;  // the node's chain is shorter now
        fatal(h.error().describe());
        return false;
      }
      if (*h == processor_.blocks()[static_cast<std::size_t>(fork)].hash) break;
    }
    return back_up(processor_.height() - fork);
  }

  bool back_up(int depth) {
    if (depth > 0) {  // ElectrumX's words
      const int last = processor_.height();
      log("chain was reorganised replacing " + rpc::with_commas(depth) + (depth == 1 ? " block" : " blocks") +
          " at heights " + rpc::with_commas(last - depth + 1) + "-" + rpc::with_commas(last));
    }
    for (int i = 0; i < depth; ++i)
      if (auto r = processor_.undo_tip(); !r) {
        fatal("reorg at height " + std::to_string(processor_.height()) + ": " + r.error().message() +
              "; the index is intact at that height, but cannot follow the node without a reindex");
        return false;
      }
    prefetcher_.restart(processor_.height() + 1);
    return true;
  }

  static std::uint64_t elapsed_ns(std::chrono::steady_clock::time_point since) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - since).count());
  }

  // Each block once caught up, in ElectrumX's words and then which block it was:
  // "processed 1 block size 1.52 MB in 0.04s (height 870,001, 3,012 txs)".
  void log_block(const PreparedBlock& b, std::chrono::steady_clock::time_point since) {
    char line[160];
    std::snprintf(line, sizeof line, "processed 1 block size %.2f MB in %.2fs (height %s, %s tx%s)",
                  static_cast<double>(b.size) / 1e6,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count(),
                  rpc::with_commas(b.height).c_str(), rpc::with_commas(static_cast<long long>(b.txids.size())).c_str(),
                  b.txids.size() == 1 ? "" : "s");
    log(line);
  }

  // Every 10 s while catching up, as Fulcrum and ElectrumX report it: "height 123,456/800,000
  // (15.4%), 321 blocks/s, 12,345 tx/s, 9,876,543 txs, ETA 35m 12s" (ElectrumX's formatted_time).
  void progress() {
    const auto now = std::chrono::steady_clock::now();
    if (caught_up_ || now - last_progress_ < std::chrono::seconds(10)) return;
    last_progress_ = now;
    const double secs = std::chrono::duration<double>(now - sync_started_).count();
    const int height = processor_.height(), target = std::max(prefetcher_.node_height(), height);
    const double blocks = secs > 0 ? (height - sync_start_height_) / secs : 0;
    const std::uint64_t txs = processor_.state().tx_count;
    const double tx_rate = secs > 0 ? static_cast<double>(txs - sync_start_txs_) / secs : 0;
    char line[256];
    std::snprintf(line, sizeof line, "height %s/%s (%.1f%%), %s blocks/s, %s tx/s, %s txs, ETA ",
                  rpc::with_commas(height).c_str(), rpc::with_commas(target).c_str(),
                  target > 0 ? 100.0 * height / target : 100.0,
                  rpc::with_commas(static_cast<long long>(blocks)).c_str(),
                  rpc::with_commas(static_cast<long long>(tx_rate)).c_str(),
                  rpc::with_commas(static_cast<long long>(txs)).c_str());
    std::string text = line;
    if (blocks > 0) {
      text += rpc::formatted_time(std::chrono::seconds(static_cast<long long>((target - height) / blocks)));
    } else {
      text += "?";
    }
    log(text);
  }

  IndexerOptions options_;
  const Network* network_;
  S storage_;
  Mempool mempool_;
  Index<S> index_;
  BlockProcessor<S, Cache> processor_;
  node::NodeClient node_;
  Prefetcher prefetcher_;
  std::function<void(const Notification&)> notify_;
  std::thread thread_;
  std::atomic<bool> stop_{false}, caught_up_{false};
  std::atomic<int> forced_reorg_{0};
  mutable std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::optional<std::string> failure_;
  static constexpr std::chrono::seconds max_flush_delay{1};  // once caught up, while the node is ahead
  std::chrono::steady_clock::time_point sync_started_, last_progress_, last_flush_;
  SyncStats stats_;
  int sync_start_height_ = -1;
  std::uint64_t sync_start_txs_ = 0;
};

}  // namespace coinkit::indexer

namespace coinkit {
// The mission's vocabulary: coinkit::Indexer<Coin, Storage, Cache>.
using indexer::Indexer;
}  // namespace coinkit
