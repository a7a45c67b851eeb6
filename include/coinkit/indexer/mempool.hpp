// Mempool: a mirror of the node's mempool indexed by script: unconfirmed history, balance
// deltas, unspent outputs, fees and the fee histogram.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/chain/tx_view.hpp>
#include <coinkit/indexer/detail/hash.hpp>
#include <coinkit/indexer/fee_histogram.hpp>
#include <coinkit/indexer/schema.hpp>
#include <coinkit/indexer/snapshot.hpp>

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <tuple>
#include <vector>

namespace coinkit::indexer {

// One unconfirmed transaction touching a script, as the Electrum protocol lists it.
struct MempoolItem {
  Txid txid;
  int height = 0;  // 0, or -1 when it spends an output of another unconfirmed transaction
  std::int64_t fee = 0;
};

// Refreshed by one thread (the indexer's), read by any number. A refresh prepares everything
// outside the lock and applies it in chunks, so readers wait at most for one chunk, however
// large the mempool (ElectrumX stalls its sessions while a 100k-tx mempool syncs).
class Mempool {
 public:
  struct Output {
    Txid txid;
    std::uint32_t vout = 0;
    std::int64_t value = 0;
  };

  // Fetches raw transactions by txid (a batch; nullopt for any the node no longer has).
  using Fetch = std::function<std::vector<std::optional<Bytes>>(std::span<const Txid>)>;

  explicit Mempool(TxSerParams params = tx_with_witness) : params_(params) {}

  // Brings the mirror to `node_txids` (getrawmempool). Prevouts resolve against the mempool,
  // then the confirmed snapshot, which must be at the node's height (the caller refreshes after
  // the processor caught up). A transaction whose inputs cannot be found yet is left for the
  // next refresh. Returns the scripts whose unconfirmed history changed.
  template <Storage S>
  std::vector<HashX> refresh(std::span<const Txid> node_txids, const Fetch& fetch, const Snapshot<S>& confirmed);

  // Drops everything (after a reorg, prevouts may have changed). Returns the scripts touched.
  std::vector<HashX> clear();

  // In the order of the 1.6 status hash: height 0 before -1, then by txid in display order.
  std::vector<MempoolItem> history(const HashX& hx) const;
  std::int64_t balance_delta(const HashX& hx) const;
  // Unconfirmed outputs paying the script that no unconfirmed transaction spends.
  std::vector<Output> unspent(const HashX& hx) const;
  // Whether an unconfirmed transaction spends this output.
  bool is_spent(const Txid& txid, std::uint32_t vout) const;
  bool contains(const Txid& txid) const;
  std::size_t size() const;
  std::uint64_t total_vsize() const;
  FeeHistogram fee_histogram() const;

  // Transactions fetched per node batch, and applied per lock hold.
  static constexpr std::size_t fetch_batch = 500, apply_chunk = 2000;

 private:
  struct Tx {
    Txid txid;
    std::int64_t fee = 0;
    std::uint32_t vsize = 0;
    bool unconfirmed_parent = false;
    std::vector<detail::OutKey> prevouts;
    std::vector<std::pair<HashX, std::int64_t>> spent;    // per input: the prevout's script and value
    std::vector<std::pair<HashX, std::int64_t>> outputs;  // per output, unspendable ones zero-valued
    std::vector<bool> indexed;                            // per output: pays a script (not OP_RETURN)
  };

  std::optional<Tx> prepare(ByteSpan raw, const Txid& txid, const auto& find_prevout) const;
  void add(Tx&& tx, std::vector<HashX>& touched);
  void remove(const Txid& txid, std::vector<HashX>& touched);
  COINKIT_DECL void touch_all(const Tx& tx, std::vector<HashX>& touched) const;
  COINKIT_DECL static void unique(std::vector<HashX>& v);

  TxSerParams params_;
  mutable std::shared_mutex mutex_;
  boost::unordered_flat_map<Txid, Tx, detail::TxidHash> txs_;
  boost::unordered_flat_map<HashX, std::vector<Txid>, detail::HashXHash> by_script_;
  boost::unordered_flat_map<detail::OutKey, Txid, detail::OutKeyHash> spenders_;
  std::uint64_t total_vsize_ = 0;
  FeeRateTally fee_rates_;  // vsize by rate, as transactions come and go
};

// --- implementation -------------------------------------------------------------------------

inline std::optional<Mempool::Tx> Mempool::prepare(ByteSpan raw, const Txid& txid, const auto& find_prevout) const {
  TxViewBuffer buf;
  auto view = TxView::try_parse(raw, buf, params_);
  if (!view || view->txid != txid) return std::nullopt;
  Tx tx;
  tx.txid = txid;
  tx.vsize = static_cast<std::uint32_t>(view->vsize());
  std::int64_t in = 0, out = 0;
  for (const auto& i : view->inputs) {
    auto prev = find_prevout(i.prevout.txid, i.prevout.index);  // optional<(hashX, value, unconfirmed)>
    if (!prev) return std::nullopt;
    tx.prevouts.push_back({i.prevout.txid, i.prevout.index});
    tx.spent.emplace_back(std::get<0>(*prev), std::get<1>(*prev));
    tx.unconfirmed_parent |= std::get<2>(*prev);
    in += std::get<1>(*prev);
  }
  for (const auto& o : view->outputs) {
    const bool indexed = !is_unspendable(o.script_pubkey);
    tx.outputs.emplace_back(indexed ? hashx_of_script(o.script_pubkey) : HashX{}, o.value);
    tx.indexed.push_back(indexed);
    out += o.value;
  }
  tx.fee = std::max<std::int64_t>(0, in - out);
  return tx;
}

template <Storage S>
std::vector<HashX> Mempool::refresh(std::span<const Txid> node_txids, const Fetch& fetch,
                                    const Snapshot<S>& confirmed) {
  std::vector<HashX> touched;
  boost::unordered_flat_set<Txid, detail::TxidHash> wanted(node_txids.begin(), node_txids.end());

  // Gone: confirmed, replaced or evicted. Removed in chunks under the lock.
  std::vector<Txid> gone;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [txid, tx] : txs_)
      if (!wanted.contains(txid)) gone.push_back(txid);
  }
  for (std::size_t i = 0; i < gone.size(); i += apply_chunk) {
    std::unique_lock lock(mutex_);
    for (std::size_t j = i; j < std::min(gone.size(), i + apply_chunk); ++j) remove(gone[j], touched);
  }

  // New: fetched in batches, then accepted parents first (repeat while any input waits for a
  // parent accepted in this round). Only this thread writes, so reading txs_ unlocked is safe.
  std::vector<Txid> fresh;
  for (const Txid& t : node_txids)
    if (!txs_.contains(t)) fresh.push_back(t);
  boost::unordered_flat_map<Txid, Bytes, detail::TxidHash> raws;
  for (std::size_t i = 0; i < fresh.size(); i += fetch_batch) {
    auto batch = std::span(fresh).subspan(i, std::min(fetch_batch, fresh.size() - i));
    auto got = fetch(batch);
    for (std::size_t j = 0; j < batch.size() && j < got.size(); ++j)
      if (got[j]) raws.emplace(batch[j], std::move(*got[j]));
  }
  boost::unordered_flat_map<Txid, Tx, detail::TxidHash> accepted;  // this round, not yet applied
  auto find_prevout = [&](const Txid& txid,
                          std::uint32_t vout) -> std::optional<std::tuple<HashX, std::int64_t, bool>> {
    const Tx* parent = nullptr;
    if (auto it = txs_.find(txid); it != txs_.end())
      parent = &it->second;
    else if (auto it2 = accepted.find(txid); it2 != accepted.end())
      parent = &it2->second;
    if (parent) {
      if (vout >= parent->outputs.size()) return std::nullopt;
      return std::tuple{parent->outputs[vout].first, parent->outputs[vout].second, true};
    }
    if (auto u = confirmed.find_utxo(txid, vout)) return std::tuple{u->hashx, u->value, false};
    return std::nullopt;
  };
  std::vector<Txid> pending;
  for (const Txid& t : fresh)
    if (raws.contains(t)) pending.push_back(t);
  for (bool progress = true; progress && !pending.empty();) {
    progress = false;
    std::vector<Txid> waiting;
    for (const Txid& t : pending) {
      if (auto tx = prepare(raws[t], t, find_prevout)) {
        accepted.emplace(t, std::move(*tx));
        progress = true;
      } else {
        waiting.push_back(t);
      }
    }
    pending.swap(waiting);
  }
  std::vector<Tx> ordered;
  ordered.reserve(accepted.size());
  for (auto& [t, tx] : accepted) ordered.push_back(std::move(tx));
  for (std::size_t i = 0; i < ordered.size(); i += apply_chunk) {
    std::unique_lock lock(mutex_);
    for (std::size_t j = i; j < std::min(ordered.size(), i + apply_chunk); ++j) add(std::move(ordered[j]), touched);
  }

  // Children of removed parents may have lost their last unconfirmed parent: height -1 → 0.
  if (!gone.empty()) {
    std::unique_lock lock(mutex_);
    for (auto& [txid, tx] : txs_) {
      if (!tx.unconfirmed_parent) continue;
      const bool still = std::any_of(tx.prevouts.begin(), tx.prevouts.end(),
                                     [&](const detail::OutKey& p) { return txs_.contains(p.txid); });
      if (!still) tx.unconfirmed_parent = false, touch_all(tx, touched);
    }
  }
  unique(touched);
  return touched;
}

inline void Mempool::add(Tx&& tx, std::vector<HashX>& touched) {
  touch_all(tx, touched);
  auto note = [&](const HashX& hx) {
    auto& v = by_script_[hx];
    if (v.empty() || v.back() != tx.txid) v.push_back(tx.txid);
  };
  for (const auto& [hx, v] : tx.spent) note(hx);
  for (std::size_t i = 0; i < tx.outputs.size(); ++i)
    if (tx.indexed[i]) note(tx.outputs[i].first);
  for (const auto& p : tx.prevouts) spenders_[p] = tx.txid;
  total_vsize_ += tx.vsize;
  fee_rates_.add(tx.fee, tx.vsize);
  const Txid id = tx.txid;
  txs_.emplace(id, std::move(tx));
}

inline void Mempool::remove(const Txid& txid, std::vector<HashX>& touched) {
  auto it = txs_.find(txid);
  if (it == txs_.end()) return;
  const Tx& tx = it->second;
  touch_all(tx, touched);
  auto forget = [&](const HashX& hx) {
    auto s = by_script_.find(hx);
    if (s == by_script_.end()) return;
    std::erase(s->second, txid);
    if (s->second.empty()) by_script_.erase(s);
  };
  for (const auto& [hx, v] : tx.spent) forget(hx);
  for (std::size_t i = 0; i < tx.outputs.size(); ++i)
    if (tx.indexed[i]) forget(tx.outputs[i].first);
  for (const auto& p : tx.prevouts)
    if (auto s = spenders_.find(p); s != spenders_.end() && s->second == txid) spenders_.erase(s);
  total_vsize_ -= tx.vsize;
  fee_rates_.remove(tx.fee, tx.vsize);
  txs_.erase(it);
}

inline std::vector<HashX> Mempool::clear() {
  std::unique_lock lock(mutex_);
  std::vector<HashX> touched;
  for (const auto& [hx, v] : by_script_) touched.push_back(hx);
  txs_.clear(), by_script_.clear(), spenders_.clear(), total_vsize_ = 0, fee_rates_.clear();
  unique(touched);
  return touched;
}

inline std::vector<MempoolItem> Mempool::history(const HashX& hx) const {
  std::shared_lock lock(mutex_);
  std::vector<MempoolItem> out;
  auto s = by_script_.find(hx);
  if (s == by_script_.end()) return out;
  for (const Txid& t : s->second) {
    const Tx& tx = txs_.at(t);
    out.push_back({t, tx.unconfirmed_parent ? -1 : 0, tx.fee});
  }
  lock.unlock();
  // Display order is the reverse of the internal bytes.
  std::sort(out.begin(), out.end(), [](const MempoolItem& a, const MempoolItem& b) {
    if (a.height != b.height) return a.height > b.height;
    return std::lexicographical_compare(a.txid.array().rbegin(), a.txid.array().rend(), b.txid.array().rbegin(),
                                        b.txid.array().rend());
  });
  return out;
}

inline std::int64_t Mempool::balance_delta(const HashX& hx) const {
  std::shared_lock lock(mutex_);
  std::int64_t delta = 0;
  auto s = by_script_.find(hx);
  if (s == by_script_.end()) return 0;
  for (const Txid& t : s->second) {
    const Tx& tx = txs_.at(t);
    for (const auto& [h, v] : tx.spent)
      if (h == hx) delta -= v;
    for (std::size_t i = 0; i < tx.outputs.size(); ++i)
      if (tx.indexed[i] && tx.outputs[i].first == hx) delta += tx.outputs[i].second;
  }
  return delta;
}

inline std::vector<Mempool::Output> Mempool::unspent(const HashX& hx) const {
  std::shared_lock lock(mutex_);
  std::vector<Output> out;
  auto s = by_script_.find(hx);
  if (s == by_script_.end()) return out;
  for (const Txid& t : s->second) {
    const Tx& tx = txs_.at(t);
    for (std::size_t i = 0; i < tx.outputs.size(); ++i)
      if (tx.indexed[i] && tx.outputs[i].first == hx && !spenders_.contains({t, static_cast<std::uint32_t>(i)}))
        out.push_back({t, static_cast<std::uint32_t>(i), tx.outputs[i].second});
  }
  return out;
}

inline bool Mempool::is_spent(const Txid& txid, std::uint32_t vout) const {
  std::shared_lock lock(mutex_);
  return spenders_.contains({txid, vout});
}
inline bool Mempool::contains(const Txid& txid) const {
  std::shared_lock lock(mutex_);
  return txs_.contains(txid);
}
inline std::size_t Mempool::size() const {
  std::shared_lock lock(mutex_);
  return txs_.size();
}
inline std::uint64_t Mempool::total_vsize() const {
  std::shared_lock lock(mutex_);
  return total_vsize_;
}

inline FeeHistogram Mempool::fee_histogram() const {
  std::shared_lock lock(mutex_);
  return fee_rates_.compact();  // a walk over the distinct rates, not the transactions
}

}  // namespace coinkit::indexer

#if COINKIT_HEADER_ONLY
#include <coinkit/indexer/impl/mempool.ipp>
#endif
