// Prefetcher: fetches and prepares blocks ahead of the block processor, on its own thread,
// into a queue bounded in bytes.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/indexer/prepared_block.hpp>
#include <coinkit/node/node_client.hpp>
#include <coinkit/node/retry.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>

namespace coinkit::indexer {

class Prefetcher {
 public:
  struct Failure {
    error_code ec;
    std::string message;
  };
  using Item = std::variant<PreparedBlock, Failure>;

  struct Options {
    BlockFormat format = tx_with_witness;
    std::size_t max_bytes = std::size_t{64} << 20;  // raw block bytes queued ahead
    std::chrono::milliseconds poll_interval{1000};  // asking the node for new blocks, once caught up
    node::RetryLog retry_log;
  };

  Prefetcher(node::NodeClient& node, Options options) : node_(node), options_(std::move(options)) {}
  ~Prefetcher() { stop(); }

  COINKIT_DECL void start(int next_height);
  COINKIT_DECL void stop();

  // The next item, waiting up to `timeout`; nullopt when none came.
  COINKIT_DECL std::optional<Item> pop(std::chrono::milliseconds timeout);

  // Drops what is queued and fetches from `next_height` on (after a reorg).
  COINKIT_DECL void restart(int next_height);
  // Polls the node now rather than at the next interval.
  COINKIT_DECL void wake();

  // Time spent asking the node for its height and the blocks' hashes, fetching the blocks, and
  // preparing them (parsing, hashing), in nanoseconds.
  std::uint64_t ask_ns() const noexcept { return ask_ns_.load(); }
  std::uint64_t fetch_ns() const noexcept { return fetch_ns_.load(); }
  std::uint64_t prepare_ns() const noexcept { return prepare_ns_.load(); }

  // The node's height when last asked (-1 before).
  int node_height() const noexcept { return node_height_.load(); }
  // Nothing queued and nothing more on the node.
  COINKIT_DECL bool caught_up() const;

 private:
  COINKIT_DECL void run();

  COINKIT_DECL bool push(std::uint64_t gen, PreparedBlock&& b);
  COINKIT_DECL void fail(std::uint64_t gen, Failure f);
  COINKIT_DECL void idle(std::chrono::milliseconds d);

  node::NodeClient& node_;
  Options options_;
  std::thread thread_;
  std::atomic<bool> stop_flag_{false};
  std::atomic<int> node_height_{-1};
  std::atomic<std::uint64_t> ask_ns_{0}, fetch_ns_{0}, prepare_ns_{0};
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  std::size_t bytes_ = 0;
  int next_ = 0;
  std::uint64_t generation_ = 0;
  bool failed_ = false, stopping_ = false, woken_ = false, at_tip_ = false;
};

}  // namespace coinkit::indexer

#if COINKIT_HEADER_ONLY
#include <coinkit/indexer/impl/prefetcher.ipp>
#endif
