// The non-template code of <coinkit/indexer/prefetcher.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/indexer/prefetcher.hpp>

namespace coinkit::indexer {
void Prefetcher::start(int next_height) {
  next_ = next_height;
  thread_ = std::thread([this] { run(); });
}

void Prefetcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_flag_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::optional<Prefetcher::Item> Prefetcher::pop(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  // Also woken, once, when the prefetcher finds itself at the node's tip, so the caller sees
  // caught_up() at once instead of after the timeout. The flag is spent only by a pop that finds
  // the queue empty: the prefetcher usually reaches the tip while blocks are still queued, and
  // spending it on one of those left the pop after the last block waiting out its whole timeout
  // (1 s of a 1.4 s catch-up of 5,000 empty blocks).
  cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || stopping_ || at_tip_; });
  if (queue_.empty()) {
    at_tip_ = false;
    return std::nullopt;
  }
  Item item = std::move(queue_.front());
  queue_.pop_front();
  if (auto* b = std::get_if<PreparedBlock>(&item)) bytes_ -= b->size;
  cv_.notify_all();
  return item;
}

void Prefetcher::restart(int next_height) {
  std::lock_guard lock(mutex_);
  queue_.clear(), bytes_ = 0;
  next_ = next_height;
  ++generation_;
  failed_ = false;
  woken_ = true;
  cv_.notify_all();
}

void Prefetcher::wake() {
  std::lock_guard lock(mutex_);
  woken_ = true;
  cv_.notify_all();
}

bool Prefetcher::caught_up() const {
  std::lock_guard lock(mutex_);
  return queue_.empty() && !failed_ && next_ > node_height_.load();
}

void Prefetcher::run() {
  using namespace std::chrono;
  double avg_block = 0;  // bytes per block of the last batches, to size them; 0 before the first
  auto since = [](steady_clock::time_point t) {
    return static_cast<std::uint64_t>(duration_cast<nanoseconds>(steady_clock::now() - t).count());
  };
  while (!stop_flag_) {
    std::uint64_t gen;
    int next;
    bool failed;
    {
      std::lock_guard lock(mutex_);
      gen = generation_, next = next_, failed = failed_;
    }
    if (failed) {  // after a failure nothing is fetched until restart()
      idle(options_.poll_interval);
      continue;
    }
    const auto t_count = steady_clock::now();
    auto count = node::with_retry([&] { return node_.block_count(); }, stop_flag_, options_.retry_log);
    ask_ns_ += since(t_count);
    if (!count) {
      fail(gen, {count.error().ec, count.error().describe()});
      continue;
    }
    node_height_ = *count;
    if (next > *count) {
      std::lock_guard lock(mutex_);
      at_tip_ = true;
      cv_.notify_all();
    }
    if (next > *count) {
      idle(options_.poll_interval);
      continue;
    }
    // About 8 MB a batch, at most 200 blocks; 8 blocks first, to learn their size.
    const int n = avg_block > 0 ? std::clamp(static_cast<int>((8 << 20) / avg_block), 1, 200) : 8;
    const int batch = std::min(n, *count - next + 1);
    const auto t_hashes = steady_clock::now();
    auto hashes = node::with_retry([&] { return node_.block_hashes(next, batch); }, stop_flag_, options_.retry_log);
    ask_ns_ += since(t_hashes);
    if (!hashes) {
      // The node's chain may have shrunk between the two calls: ask again.
      if (hashes.error().ec == node::error::rpc_error) continue;
      fail(gen, {hashes.error().ec, hashes.error().describe()});
      continue;
    }
    const auto t0 = steady_clock::now();
    // Small blocks come in one request (see NodeClient::blocks).
    const auto expected = static_cast<std::size_t>(avg_block);
    auto raws = node::with_retry([&] { return node_.blocks(*hashes, expected); }, stop_flag_, options_.retry_log);
    fetch_ns_ += since(t0);
    if (!raws) {
      if (raws.error().ec == node::error::rpc_error) continue;  // a block reorged away meanwhile
      fail(gen, {raws.error().ec, raws.error().describe()});
      continue;
    }
    std::size_t total = 0;
    for (std::size_t i = 0; i < raws->size() && !stop_flag_; ++i) {
      std::string why;
      const auto t1 = steady_clock::now();
      auto b = prepare_block((*raws)[i], next + static_cast<int>(i), options_.format, &why);
      prepare_ns_ += since(t1);
      if (b && b->hash != (*hashes)[i]) b = error::malformed_block, why = "its hash is not the one asked for";
      if (!b) {
        fail(gen, {b.error(), "malformed block from the node at height " + std::to_string(next + int(i)) + ": " + why});
        break;
      }
      total += b->size;
      if (!push(gen, std::move(*b))) break;
    }
    if (!raws->empty()) {
      const double mean = double(total) / double(raws->size()) + 1;
      avg_block = avg_block > 0 ? 0.8 * avg_block + 0.2 * mean : mean;
    }
    std::lock_guard lock(mutex_);
    if (generation_ == gen && !failed_) next_ = next + batch;
  }
}

bool Prefetcher::push(std::uint64_t gen, PreparedBlock&& b) {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return stopping_ || generation_ != gen || bytes_ < options_.max_bytes; });
  if (stopping_ || generation_ != gen) return false;
  bytes_ += b.size;
  next_ = b.height + 1;  // caught_up() is exact from the moment the last block is queued
  queue_.emplace_back(std::move(b));
  cv_.notify_all();
  return true;
}

void Prefetcher::fail(std::uint64_t gen, Failure f) {
  if (stop_flag_) return;
  std::lock_guard lock(mutex_);
  if (generation_ != gen) return;
  queue_.emplace_back(std::move(f));
  failed_ = true;
  cv_.notify_all();
}

void Prefetcher::idle(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, d, [&] { return stopping_ || woken_; });
  woken_ = false;
}

}  // namespace coinkit::indexer
