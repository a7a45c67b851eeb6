// WalletUpdates: the per-wallet event queues that the get_updates method drains, each capped at
// COIN_POLLING_CAP events with the oldest dropped first (Bitcart's deque(maxlen=...)).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <coinkit/core/string_map.hpp>

#include <boost/unordered/unordered_flat_map.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit {

class WalletUpdates {
 public:
  explicit WalletUpdates(std::size_t cap = 100) : cap_(cap) {}

  std::size_t cap() const noexcept { return cap_; }

  // A wallet was loaded: its queue starts collecting (no-op when already open).
  void open(std::string_view wallet) {
    if (queues_.find(wallet) == queues_.end()) queues_.emplace(std::string(wallet), Queue{});
  }
  // A wallet was closed: its queue and pending events go away.
  void close(std::string_view wallet) {
    if (auto it = queues_.find(wallet); it != queues_.end()) queues_.erase(it);
  }
  bool is_open(std::string_view wallet) const { return queues_.find(wallet) != queues_.end(); }
  std::size_t wallets() const noexcept { return queues_.size(); }

  // An event of one wallet; ignored when that wallet is not open (as Bitcart: only loaded
  // wallets have queues). With a cap of 0 nothing is kept.
  void push(std::string_view wallet, const boost::json::value& event) {
    if (auto it = queues_.find(wallet); it != queues_.end())
      append(it->second, std::make_shared<const boost::json::value>(event));
  }
  // A global event (new_block): appended to every open wallet's queue, one copy for them all.
  void push_all(const boost::json::value& event) {
    if (queues_.empty()) return;
    const auto shared = std::make_shared<const boost::json::value>(event);
    for (auto& [wallet, queue] : queues_) append(queue, shared);
  }

  // Takes every queued event of `wallet`, oldest first, and opens its queue if needed.
  boost::json::array drain(std::string_view wallet) {
    auto it = queues_.find(wallet);
    if (it == queues_.end()) it = queues_.emplace(std::string(wallet), Queue{}).first;
    boost::json::array out;
    out.reserve(it->second.size());
    for (const auto& event : it->second) out.push_back(*event);
    Queue().swap(it->second);  // an idle wallet's queue holds no memory
    return out;
  }

  // Events waiting for `wallet`.
  std::size_t pending(std::string_view wallet) const {
    auto it = queues_.find(wallet);
    return it == queues_.end() ? 0 : it->second.size();
  }

 private:
  // Shared events, oldest first; a vector, since an empty std::deque allocates (about 600 bytes
  // a wallet), and at most COIN_POLLING_CAP (100) of them move when the oldest goes.
  using Queue = std::vector<std::shared_ptr<const boost::json::value>>;

  void append(Queue& queue, std::shared_ptr<const boost::json::value> event) {
    if (cap_ == 0) return;
    if (queue.size() >= cap_) queue.erase(queue.begin());
    queue.push_back(std::move(event));
  }

  std::size_t cap_;
  StringMap<Queue> queues_;
};

}  // namespace coinkit
