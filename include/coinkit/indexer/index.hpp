// Index: the read-only query API an Electrum server needs, safe to call from many threads.
#pragma once

#include <coinkit/chain/electrum_status.hpp>
#include <coinkit/chain/merkle.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/indexer/error.hpp>
#include <coinkit/indexer/header_merkle_cache.hpp>
#include <coinkit/indexer/mempool.hpp>
#include <coinkit/indexer/snapshot.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace coinkit::indexer {

struct HistoryItem {
  Txid txid;
  int height = 0;        // > 0 confirmed; 0 or -1 in the mempool
  std::int64_t fee = 0;  // mempool entries only
  bool operator==(const HistoryItem&) const = default;
};

struct UnspentItem {
  Txid txid;
  std::uint32_t vout = 0;
  std::int64_t value = 0;
  int height = 0;  // 0 in the mempool
  bool operator==(const UnspentItem&) const = default;
};

struct Balance {
  std::int64_t confirmed = 0;
  std::int64_t unconfirmed = 0;  // the mempool's delta, may be negative
  bool operator==(const Balance&) const = default;
};

// A merkle branch: siblings from the leaf up, internal byte order (Electrum prints each reversed).
struct MerkleProof {
  std::vector<Hash256> branch;
  Hash256 root;
  std::size_t pos = 0;
};

// Confirmed data come from a Snapshot, unconfirmed from the Mempool. The block processor
// publishes through commit(), which takes the same lock snapshot() does, so a query never pairs
// a storage state with the wrong block list.
template <Storage S>
class Index {
 public:
  // `header_size`: the coin's (CoinPolicy::header_size); the `blocks` records begin with it.
  Index(S& storage, Mempool& mempool, std::size_t header_size = 80)
      : storage_(storage), mempool_(mempool), header_size_(header_size) {}

  Snapshot<S> snapshot() const {
    std::lock_guard lock(publish_mutex_);
    return Snapshot<S>(storage_.read(), blocks_, header_size_);
  }

  std::size_t header_size() const noexcept { return header_size_; }

  // The processor's write path: `write()` commits to storage; on success `blocks` becomes what
  // readers see, atomically with the commit.
  template <class Write>
  result<void> commit(Write&& write, const BlockList& blocks) {
    std::lock_guard lock(publish_mutex_);
    auto r = write();
    if (r) blocks_ = std::make_shared<const BlockList>(blocks);
    return r;
  }

  S& storage() noexcept { return storage_; }
  Mempool& mempool() noexcept { return mempool_; }
  const Mempool& mempool() const noexcept { return mempool_; }

  int height() const {
    std::lock_guard lock(publish_mutex_);
    return blocks_->height();
  }
  BlockList blocks() const {
    std::lock_guard lock(publish_mutex_);
    return *blocks_;
  }

  // --- headers ---
  std::optional<Bytes> header(int height) const {
    auto s = snapshot();
    ByteSpan h = s.raw_header(height);
    if (h.empty()) return std::nullopt;
    return Bytes(h.begin(), h.end());
  }
  // Up to `count` consecutive headers from `start`, concatenated (fewer past the tip).
  Bytes headers(int start, int count) const {
    auto s = snapshot();
    Bytes out;
    if (start < 0 || count <= 0) return out;
    const int end = std::min(s.height() + 1, start + count);
    out.reserve(static_cast<std::size_t>(std::max(0, end - start)) * header_size_);
    for (int h = start; h < end; ++h) append(out, s.raw_header(h));
    return out;
  }
  // The proof that the block at `height` is in the merkle tree of the block hashes 0..cp_height
  // (Electrum's header checkpoints). nullopt unless height <= cp_height <= tip.
  std::optional<MerkleProof> header_proof(int height, int cp_height) const {
    const BlockList blocks = this->blocks();
    if (height < 0 || height > cp_height || cp_height > blocks.height()) return std::nullopt;
    auto p = header_merkle_->prove(blocks, static_cast<std::size_t>(height), static_cast<std::size_t>(cp_height));
    return MerkleProof{std::move(p.branch), p.root, static_cast<std::size_t>(height)};
  }

  // --- scripts ---
  // Confirmed history in chain order, then the mempool's in status order. More than `limit`
  // entries: history_too_large.
  result<std::vector<HistoryItem>> history(const ScriptHash& sh, std::size_t limit = SIZE_MAX) const {
    const HashX hx = to_hashx(sh);
    std::vector<HistoryItem> out;
    bool too_large = false;
    {
      auto s = snapshot();
      s.for_each_history(hx, [&](TxNum n) {
        if (out.size() >= limit) return !(too_large = true);
        auto t = s.transaction(n);
        if (t) out.push_back({t->second, t->first, 0});
        return true;
      });
    }
    if (too_large) return error::history_too_large;
    for (const MempoolItem& m : mempool_.history(hx)) out.push_back({m.txid, m.height, m.fee});
    if (out.size() > limit) return error::history_too_large;
    return out;
  }

  std::vector<HistoryItem> mempool_history(const ScriptHash& sh) const {
    std::vector<HistoryItem> out;
    for (const MempoolItem& m : mempool_.history(to_hashx(sh))) out.push_back({m.txid, m.height, m.fee});
    return out;
  }

  Balance balance(const ScriptHash& sh) const {
    const HashX hx = to_hashx(sh);
    Balance b;
    snapshot().for_each_utxo(hx, [&](const Utxo& u) { return b.confirmed += u.value, true; });
    b.unconfirmed = mempool_.balance_delta(hx);
    return b;
  }

  // Confirmed unspent outputs not spent in the mempool, in chain order, then the mempool's.
  result<std::vector<UnspentItem>> unspent(const ScriptHash& sh, std::size_t limit = SIZE_MAX) const {
    const HashX hx = to_hashx(sh);
    std::vector<UnspentItem> out;
    bool too_large = false;
    {
      auto s = snapshot();
      s.for_each_utxo(hx, [&](const Utxo& u) {
        auto t = s.transaction(u.tx_num);
        if (!t || mempool_.is_spent(t->second, u.vout)) return true;
        if (out.size() >= limit) return !(too_large = true);
        out.push_back({t->second, u.vout, u.value, t->first});
        return true;
      });
    }
    if (too_large) return error::history_too_large;
    for (const auto& o : mempool_.unspent(hx)) out.push_back({o.txid, o.vout, o.value, 0});
    if (out.size() > limit) return error::history_too_large;
    return out;
  }

  // The Electrum status: sha256 of "txid:height:" over the history; nullopt without history.
  result<std::optional<Hash256>> status(const ScriptHash& sh, std::size_t limit = SIZE_MAX) const {
    auto h = history(sh, limit);
    if (!h) return h.error();
    return status_of(*h);
  }
  static std::optional<Hash256> status_of(const std::vector<HistoryItem>& history) { return electrum_status(history); }

  // --- transactions ---
  // The merkle branch of `txid` in the block at `height`; nullopt if it is not there.
  std::optional<MerkleProof> transaction_proof(const Txid& txid, int height) const {
    auto s = snapshot();
    auto txids = s.txids(height);
    auto it = std::find(txids.begin(), txids.end(), txid);
    if (it == txids.end()) return std::nullopt;
    return proof(txids, static_cast<std::size_t>(it - txids.begin()));
  }
  // The txid at (height, pos), with its branch; nullopt out of range.
  std::optional<std::pair<Txid, MerkleProof>> transaction_at(int height, std::size_t pos) const {
    auto s = snapshot();
    auto txids = s.txids(height);
    if (pos >= txids.size()) return std::nullopt;
    return std::pair{txids[pos], proof(txids, pos)};
  }

 private:
  static MerkleProof proof(std::span<const Txid> txids, std::size_t pos) {
    MerkleTree tree(txids);
    return {tree.branch(pos), tree.root(), pos};
  }

  S& storage_;
  Mempool& mempool_;
  std::size_t header_size_;
  mutable std::mutex publish_mutex_;
  std::unique_ptr<HeaderMerkleCache> header_merkle_ = std::make_unique<HeaderMerkleCache>();
  // Published whole, once per commit: a snapshot shares it for the price of one reference count
  // (copying the list copied a pointer per 1,024 blocks: 900 on mainnet, for every query).
  std::shared_ptr<const BlockList> blocks_ = std::make_shared<const BlockList>();
};

}  // namespace coinkit::indexer
