// The index's tables and the byte layout of their keys and values (docs/schema.md explains why).
#pragma once

#include <coinkit/chain/hashes.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/uint256.hpp>
#include <coinkit/indexer/storage/storage.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

namespace coinkit::indexer {

// A script's identity in the index: the first 11 bytes of sha256(scriptPubKey), digest order
// (ElectrumX's length: random collisions stay below 1e-9 at a billion scripts; an attacker can
// only collide scripts of their own).
inline constexpr std::size_t hashx_size = 11;
using HashX = std::array<std::uint8_t, hashx_size>;

inline HashX to_hashx(const ScriptHash& sh) noexcept {
  HashX h;
  std::memcpy(h.data(), sh.data(), hashx_size);
  return h;
}
inline HashX hashx_of_script(ByteSpan script_pubkey) noexcept { return to_hashx(electrum_scripthash(script_pubkey)); }

// Transactions are numbered in chain order from 0 (the genesis coinbase). Stored in 5 bytes
// big-endian so keys sort numerically: 2^40 transactions, ~1,000 times Bitcoin's count today.
using TxNum = std::uint64_t;
inline constexpr std::size_t tx_num_size = 5;
inline constexpr TxNum max_tx_num = (TxNum{1} << 40) - 1;

inline void store_tx_num(std::uint8_t* p, TxNum n) noexcept {
  for (int i = 4; i >= 0; --i, n >>= 8) p[i] = static_cast<std::uint8_t>(n);
}
inline TxNum load_tx_num(const std::uint8_t* p) noexcept {
  TxNum n = 0;
  for (int i = 0; i < 5; ++i) n = (n << 8) | p[i];
  return n;
}
inline void store_vout(std::uint8_t* p, std::uint32_t v) noexcept {  // 3 bytes big-endian
  p[0] = static_cast<std::uint8_t>(v >> 16), p[1] = static_cast<std::uint8_t>(v >> 8),
  p[2] = static_cast<std::uint8_t>(v);
}
inline std::uint32_t load_vout(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
}
// A block of 4,000,000 bytes holds at most 444,444 outputs: 3 bytes index them all.
inline constexpr std::uint32_t max_vout = (1u << 24) - 1;

// --- tables ---------------------------------------------------------------------------
//
//  meta      "state"                    -> State (below)
//  blocks    height u32 BE              -> header (80, or the coin's header_size) ‖ txid × n (internal order)
//  history   hashX (11) ‖ tx_num (5 BE) -> tx_num × 128: a full row, keyed by its first entry
//            hashX (11)                 -> tx_num × 1..127: the script's newest entries
//  utxo      hashX (11)                 => tx_num (5 BE) ‖ vout (3 BE) ‖ value (8 LE)  [dup]
//  outpoint  txid[0..8) ‖ vout (3 BE)   => tx_num (5 BE) ‖ hashX (11)              [dup]
//  undo      height u32 BE              -> the outputs the block spent: 27-byte entries
//
// `=>` marks dup tables: the key is stored once and each value costs its size. The txid
// prefix of `outpoint` can collide (rarely, or on purpose): all candidates are values of one
// key, and the full txid of each is checked through `blocks`.
namespace table {
inline constexpr TableId meta = 0, blocks = 1, history = 2, utxo = 3, outpoint = 4, undo = 5;
}
inline constexpr std::size_t utxo_value_size = tx_num_size + 3 + 8;
inline constexpr std::size_t outpoint_key_size = 8 + 3;
inline constexpr std::size_t outpoint_value_size = tx_num_size + hashx_size;
inline constexpr TableSpec tables[] = {
    {"meta", 0}, {"blocks", 0}, {"history", 0}, {"utxo", utxo_value_size}, {"outpoint", outpoint_value_size},
    {"undo", 0},
};

inline constexpr std::uint32_t schema_version = 2;

// A script's history is cut into rows of 128 tx_nums, from its first entry on: each full row
// keyed by its first entry, the rest (1..127 entries) under the bare hashX. So the rows are a
// function of the history alone — however blocks were flushed or backed out — and a new entry
// rewrites at most 635 bytes. A packed row costs no per-entry header, and none of the slack
// LMDB reserves in a growing dup sub-page (up to 4 values' worth), which was a third of the
// table when every entry was a dup value.
inline constexpr std::size_t history_row_entries = 128;
using HistoryRowKey = std::array<std::uint8_t, hashx_size + tx_num_size>;
inline HistoryRowKey history_row_key(const HashX& hx, TxNum first) noexcept {
  HistoryRowKey k;
  std::memcpy(k.data(), hx.data(), hashx_size);
  store_tx_num(k.data() + hashx_size, first);
  return k;
}
inline void pack_tx_nums(Bytes& out, std::span<const TxNum> nums) {
  out.resize(nums.size() * tx_num_size);
  for (std::size_t i = 0; i < nums.size(); ++i) store_tx_num(out.data() + i * tx_num_size, nums[i]);
}
// f(TxNum) for each entry of a packed row, in order; false from f stops (and is returned).
template <class F>
bool for_each_tx_num(ByteSpan row, F&& f) {
  for (std::size_t i = 0; i + tx_num_size <= row.size(); i += tx_num_size)
    if (!f(load_tx_num(row.data() + i))) return false;
  return true;
}

// Writes `tail`, the entries of a script's history from the first one not in a full row on,
// as full rows and a last partial row; `had_partial_row` says whether one was stored before
// (it is replaced or removed). With `PutFlags::append` when the table held no row of this
// script: the partial row's key sorts before the full rows', so it goes first.
template <class WriteTxn>
void write_history_tail(WriteTxn& w, const HashX& hx, std::span<const TxNum> tail, bool had_partial_row,
                        PutFlags hint = PutFlags::none) {
  const std::size_t full = tail.size() / history_row_entries * history_row_entries;
  Bytes row;
  if (full < tail.size()) {
    pack_tx_nums(row, tail.subspan(full));
    w.put(table::history, hx, row, hint);
  } else if (had_partial_row) {
    w.erase(table::history, hx);
  }
  for (std::size_t i = 0; i < full; i += history_row_entries) {
    pack_tx_nums(row, tail.subspan(i, history_row_entries));
    w.put(table::history, history_row_key(hx, tail[i]), row, hint);
  }
}

using HeightKey = std::array<std::uint8_t, 4>;
inline HeightKey height_key(std::uint32_t h) noexcept {
  HeightKey k;
  store_be(k.data(), h);
  return k;
}

// The values of the `utxo` and `outpoint` tables.
inline std::array<std::uint8_t, utxo_value_size> utxo_value(TxNum tx_num, std::uint32_t vout,
                                                            std::int64_t value) noexcept {
  std::array<std::uint8_t, utxo_value_size> v;
  store_tx_num(v.data(), tx_num);
  store_vout(v.data() + tx_num_size, vout);
  store_le(v.data() + tx_num_size + 3, static_cast<std::uint64_t>(value));
  return v;
}
inline std::array<std::uint8_t, outpoint_value_size> outpoint_value(TxNum tx_num, const HashX& hashx) noexcept {
  std::array<std::uint8_t, outpoint_value_size> v;
  store_tx_num(v.data(), tx_num);
  std::memcpy(v.data() + tx_num_size, hashx.data(), hashx_size);
  return v;
}

// An unspent output as the index keeps it.
struct Utxo {
  Txid txid;
  std::uint32_t vout = 0;
  TxNum tx_num = 0;
  HashX hashx{};
  std::int64_t value = 0;

  using OutpointKey = std::array<std::uint8_t, outpoint_key_size>;
  static OutpointKey outpoint_key(const Txid& txid, std::uint32_t vout) noexcept {
    OutpointKey k;
    std::memcpy(k.data(), txid.data(), 8);
    store_vout(k.data() + 8, vout);
    return k;
  }
  OutpointKey outpoint_key() const noexcept { return outpoint_key(txid, vout); }
  std::array<std::uint8_t, outpoint_value_size> outpoint_value() const noexcept {
    return indexer::outpoint_value(tx_num, hashx);
  }
  std::array<std::uint8_t, utxo_value_size> utxo_value() const noexcept {
    return indexer::utxo_value(tx_num, vout, value);
  }
};

// The undo record of one block: every output it spent, as 27-byte entries tx_num (5) ‖ vout (3)
// ‖ hashX (11) ‖ value (8 LE). Backing the block out restores those older than the block and
// deletes what the block created, found through `outpoint` by the block's txids; so neither
// the orphaned block nor its outputs need be kept. The txid is the one of tx_num in `blocks`.
inline constexpr std::size_t undo_entry_size = tx_num_size + 3 + hashx_size + 8;

inline void append_undo_entry(Bytes& out, const Utxo& u) {
  const std::size_t n = out.size();
  out.resize(n + undo_entry_size);
  std::uint8_t* p = out.data() + n;
  std::memcpy(p, u.utxo_value().data(), tx_num_size + 3);
  std::memcpy(p + 8, u.hashx.data(), hashx_size);
  store_le(p + 19, static_cast<std::uint64_t>(u.value));
}
// The entry at `p`, without its txid.
inline Utxo read_undo_entry(const std::uint8_t* p) noexcept {
  Utxo u;
  u.tx_num = load_tx_num(p);
  u.vout = load_vout(p + tx_num_size);
  std::memcpy(u.hashx.data(), p + 8, hashx_size);
  u.value = static_cast<std::int64_t>(load_le<std::uint64_t>(p + 19));
  return u;
}

// The one record that says where the index stands; written in the same transaction as the
// data it describes, so a restart always finds them in agreement.
struct State {
  std::uint32_t version = schema_version;
  BlockHash genesis;
  std::int32_t height = -1;  // -1: empty
  BlockHash tip;
  TxNum tx_count = 0;
  std::uint64_t utxo_count = 0;
  std::uint64_t flush_count = 0;  // 64 bits: a flush a second for 500 billion years
  std::uint8_t synced = 0;        // has caught up with the node once

  static constexpr std::size_t size = 4 + 32 + 4 + 32 + 8 + 8 + 8 + 1;
  std::array<std::uint8_t, size> encode() const noexcept {
    std::array<std::uint8_t, size> b{};
    std::uint8_t* p = b.data();
    store_le(p, version), p += 4;
    std::memcpy(p, genesis.data(), 32), p += 32;
    store_le(p, static_cast<std::uint32_t>(height)), p += 4;
    std::memcpy(p, tip.data(), 32), p += 32;
    store_le(p, tx_count), p += 8;
    store_le(p, utxo_count), p += 8;
    store_le(p, flush_count), p += 8;
    *p = synced;
    return b;
  }
  static std::optional<State> decode(ByteSpan b) noexcept {
    if (b.size() != size) return std::nullopt;
    State s;
    const std::uint8_t* p = b.data();
    s.version = load_le<std::uint32_t>(p), p += 4;
    std::memcpy(s.genesis.data(), p, 32), p += 32;
    s.height = static_cast<std::int32_t>(load_le<std::uint32_t>(p)), p += 4;
    std::memcpy(s.tip.data(), p, 32), p += 32;
    s.tx_count = load_le<std::uint64_t>(p), p += 8;
    s.utxo_count = load_le<std::uint64_t>(p), p += 8;
    s.flush_count = load_le<std::uint64_t>(p), p += 8;
    s.synced = *p;
    return s;
  }
};
inline constexpr std::string_view state_key = "state";

}  // namespace coinkit::indexer
