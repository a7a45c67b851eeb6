// SubscriptionIndex: which sessions of one I/O thread subscribed to which scripts.
#pragma once

#include <coinkit/chain/script.hpp>
#include <coinkit/indexer/detail/hash.hpp>
#include <coinkit/indexer/schema.hpp>

#include <boost/unordered/unordered_flat_map.hpp>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace coinkit::electrum {

class Session;

// Keyed by the index's HashX, the form the indexer reports touched scripts in, so a
// notification costs one lookup per touched script. `mempool` marks scripts whose last status
// had unconfirmed transactions: they are checked again whenever the height changes.
class SubscriptionIndex {
 public:
  struct Entry {
    ScriptHash scripthash;  // the full hash, to compute the status from
    std::vector<Session*> sessions;
    bool mempool = false;
  };
  using Map = boost::unordered_flat_map<indexer::HashX, Entry, indexer::detail::HashXHash>;

  void add(const ScriptHash& sh, Session* s, bool mempool) {
    Entry& e = map_[indexer::to_hashx(sh)];
    if (e.sessions.empty()) e.scripthash = sh;
    e.sessions.push_back(s);
    e.mempool = mempool;
    ++count_;
  }
  void remove(const indexer::HashX& hx, Session* s) {
    auto it = map_.find(hx);
    if (it == map_.end()) return;
    auto& v = it->second.sessions;
    if (auto pos = std::find(v.begin(), v.end(), s); pos != v.end()) {
      *pos = v.back();
      v.pop_back();
      --count_;
    }
    if (v.empty()) map_.erase(it);
  }
  Entry* find(const indexer::HashX& hx) noexcept {
    auto it = map_.find(hx);
    return it == map_.end() ? nullptr : &it->second;
  }
  Map& entries() noexcept { return map_; }
  std::size_t scripts() const noexcept { return map_.size(); }
  std::size_t subscriptions() const noexcept { return count_; }

 private:
  Map map_;
  std::size_t count_ = 0;
};

}  // namespace coinkit::electrum
