// Snapshot: a consistent read-only view of the confirmed index (storage + block list).
#pragma once

#include <coinkit/chain/block_header.hpp>
#include <coinkit/core/reader.hpp>
#include <coinkit/indexer/block_list.hpp>
#include <coinkit/indexer/schema.hpp>
#include <coinkit/indexer/storage/storage.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <tuple>
#include <utility>

namespace coinkit::indexer {

// The storage read transaction and the block list taken together under the index's publish
// lock, so every tx_num in storage has its block in the list. Cheap to create; one thread at a
// time; spans it returns live as long as the snapshot.
template <Storage S>
class Snapshot {
 public:
  using ReadTxn = decltype(std::declval<const S&>().read());

  Snapshot(ReadTxn txn, std::shared_ptr<const BlockList> blocks, std::size_t header_size = 80)
      : txn_(std::move(txn)), blocks_(std::move(blocks)), header_size_(header_size) {}

  const BlockList& blocks() const noexcept { return *blocks_; }
  const ReadTxn& txn() const noexcept { return txn_; }
  int height() const noexcept { return blocks_->height(); }
  TxNum tx_count() const noexcept { return blocks_->tx_count(); }

  // header ‖ txids of the block at `height`; empty beyond the tip.
  ByteSpan block_record(int height) const {
    if (height < 0 || height > this->height()) return {};
    auto v = txn_.get(table::blocks, height_key(static_cast<std::uint32_t>(height)));
    return v ? *v : ByteSpan{};
  }
  ByteSpan raw_header(int height) const {
    ByteSpan r = block_record(height);
    return r.size() >= header_size_ ? r.first(header_size_) : ByteSpan{};
  }
  std::optional<BlockHeader> header(int height) const {
    ByteSpan raw = raw_header(height);
    if (raw.empty()) return std::nullopt;
    ByteReader r(raw.first(80));
    return BlockHeader::read(r);
  }
  // The block's txids in order, internal byte order.
  std::span<const Txid> txids(int height) const {
    ByteSpan r = block_record(height);
    if (r.size() < header_size_) return {};
    return {reinterpret_cast<const Txid*>(r.data() + header_size_), (r.size() - header_size_) / 32};
  }

  // Transaction `n` as (height, txid); nullopt beyond the index.
  std::optional<std::pair<int, Txid>> transaction(TxNum n) const {
    auto h = blocks_->height_of(n);
    if (!h) return std::nullopt;
    if (*h != cached_height_) cached_txids_ = txids(static_cast<int>(*h)), cached_height_ = *h;
    const std::size_t i = n - blocks_->tx_begin(*h);
    if (i >= cached_txids_.size()) return std::nullopt;
    return std::pair{static_cast<int>(*h), cached_txids_[i]};
  }

  // f(TxNum) for each confirmed transaction touching the script, in chain order. Stops early
  // when f returns false. One seek: the partial row (the newest entries, keyed by the bare
  // hashX) sorts just before the full rows, so it is kept aside and given last.
  template <class F>
  void for_each_history(const HashX& hx, F&& f) const {
    auto c = txn_.cursor(table::history);
    bool ok = c.seek(hx);
    std::array<std::uint8_t, history_row_entries * tx_num_size> partial;  // a span dies as the cursor moves
    std::size_t partial_size = 0;
    if (ok && equal(c.key(), hx)) {
      partial_size = std::min(c.value().size(), partial.size());
      std::memcpy(partial.data(), c.value().data(), partial_size);
      ok = c.next();
    }
    for (;
         ok && c.key().size() == std::tuple_size_v<HistoryRowKey> && std::equal(hx.begin(), hx.end(), c.key().begin());
         ok = c.next())
      if (!for_each_tx_num(c.value(), f)) return;
    for_each_tx_num(ByteSpan(partial.data(), partial_size), f);
  }

  // f(Utxo without txid, tx_num set) for each unspent output of the script, chain order.
  template <class F>
  void for_each_utxo(const HashX& hx, F&& f) const {
    auto c = txn_.cursor(table::utxo);
    for (bool ok = c.seek(hx); ok && equal(c.key(), hx); ok = c.next()) {
      const std::uint8_t* p = c.value().data();
      Utxo u;
      u.tx_num = load_tx_num(p);
      u.vout = load_vout(p + tx_num_size);
      u.value = static_cast<std::int64_t>(load_le<std::uint64_t>(p + tx_num_size + 3));
      u.hashx = hx;
      if (!f(u)) return;
    }
  }

  // The unspent output at (txid, vout). The 8-byte txid prefix may be shared by several
  // candidates: then the full txid of each is checked. A lone candidate is trusted when
  // `verify` is false (a valid block's spend always finds its own output: the processor's path).
  std::optional<Utxo> find_utxo(const Txid& txid, std::uint32_t vout, bool verify = true) const {
    const auto key = Utxo::outpoint_key(txid, vout);
    auto c = txn_.cursor(table::outpoint);
    std::optional<Utxo> found;
    bool several = false;
    for (bool ok = c.seek(key); ok && equal(c.key(), key); ok = c.next()) {
      Utxo u;
      u.txid = txid;
      u.vout = vout;
      u.tx_num = load_tx_num(c.value().data());
      std::memcpy(u.hashx.data(), c.value().data() + tx_num_size, hashx_size);
      if (found) several = true;
      if (!found || matches(u)) found = u;
    }
    if (!found || ((several || verify) && !matches(*found))) return std::nullopt;
    auto value = amount(found->hashx, found->tx_num, found->vout);
    if (!value) return std::nullopt;
    found->value = *value;
    return found;
  }

  // The amount of an unspent output, kept once: in its script's `utxo` row.
  std::optional<std::int64_t> amount(const HashX& hx, TxNum tx_num, std::uint32_t vout) const {
    const auto v = utxo_value(tx_num, vout, 0);
    const ByteSpan position = ByteSpan(v).first(tx_num_size + 3);
    auto c = txn_.cursor(table::utxo);
    if (!c.seek(hx, position) || !equal(c.key(), hx) || !equal(c.value().first(position.size()), position))
      return std::nullopt;
    return static_cast<std::int64_t>(load_le<std::uint64_t>(c.value().data() + position.size()));
  }

 private:
  bool matches(const Utxo& u) const {
    auto t = transaction(u.tx_num);
    return t && t->second == u.txid;
  }

  ReadTxn txn_;
  std::shared_ptr<const BlockList> blocks_;
  std::size_t header_size_;
  mutable std::size_t cached_height_ = static_cast<std::size_t>(-1);
  mutable std::span<const Txid> cached_txids_;
};

}  // namespace coinkit::indexer
