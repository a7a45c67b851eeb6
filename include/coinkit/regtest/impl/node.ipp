// BasicNode's bodies: non-template, inline (the whole node compiles once per TU that uses it).
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/chain/block_view.hpp>
#include <coinkit/chain/merkle.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/chain/sighash.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/schnorr.hpp>
#include <coinkit/keys/taproot.hpp>
#include <coinkit/regtest/detail/block_file.hpp>
#include <coinkit/regtest/detail/script_check.hpp>

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <thread>
#include <unordered_map>

namespace coinkit::regtest {

inline std::string_view to_string(BlockStatus s) noexcept {
  switch (s) {
    case BlockStatus::active: return "active";
    case BlockStatus::valid_fork: return "valid-fork";
    case BlockStatus::valid_headers: return "valid-headers";
    case BlockStatus::invalid: return "invalid";
  }
  return "invalid";
}

inline std::string chainwork_hex(std::uint64_t work) {
  std::array<std::uint8_t, 32> be{};
  for (int i = 0; i < 8; ++i) be[31 - i] = static_cast<std::uint8_t>(work >> (8 * i));
  return to_hex(be);
}

inline std::optional<AddressType> parse_address_type(std::string_view s) noexcept {
  if (s == "legacy") return AddressType::legacy;
  if (s == "p2sh-segwit") return AddressType::p2sh_segwit;
  if (s == "bech32") return AddressType::bech32;
  if (s == "bech32m") return AddressType::bech32m;
  return std::nullopt;
}

inline std::string_view to_string(AddressType t) noexcept {
  switch (t) {
    case AddressType::legacy: return "legacy";
    case AddressType::p2sh_segwit: return "p2sh-segwit";
    case AddressType::bech32: return "bech32";
    case AddressType::bech32m: return "bech32m";
  }
  return "legacy";
}

namespace detail {

inline constexpr std::int64_t coin_value = 100'000'000;
inline constexpr std::int64_t max_money = 21'000'000 * coin_value;  // consensus (amount.h)
inline constexpr std::int64_t dust_relay_fee_sat_per_kvb = 3000;    // policy (DUST_RELAY_TX_FEE)
inline constexpr std::size_t max_standard_tx_weight = 400'000;      // policy
inline constexpr std::size_t coinbase_weight_reserve = 4000;        // the miner's room for the coinbase
inline constexpr std::uint32_t mempool_sequence = 0xfffffffd;       // the faucet's inputs: RBF-signalling, no BIP68
inline constexpr std::uint8_t witness_commitment_header[4] = {0xaa, 0x21, 0xa9, 0xed};  // BIP141

struct Hasher {
  template <class T>
  std::size_t operator()(const T& v) const noexcept {
    return std::hash<T>()(v);
  }
};
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>()(s); }
};
inline std::string_view script_key(ByteSpan s) noexcept { return as_chars(s); }

struct UtxoCoin {
  TxOut out;
  int height = 0;
  bool coinbase = false;
};

struct BlockEntry {
  BlockHash hash;
  BlockHeader header;
  BlockEntry* parent = nullptr;
  std::vector<BlockEntry*> children;
  int height = 0;
  std::uint64_t chainwork = 0;
  std::uint64_t sequence = 0;  // first seen order: ties of equal work go to the smaller
  std::uint32_t mtp = 0;
  std::shared_ptr<const Bytes> raw;
  std::vector<Txid> txids;
  std::vector<std::uint32_t> tx_offsets;  // tx i is raw[tx_offsets[i], tx_offsets[i + 1])
  std::size_t size = 0, stripped_size = 0, weight = 0;
  bool failed_self = false;  // failed validation or invalidateblock
  bool invalid = false;      // failed_self here or in an ancestor
  bool connected_once = false;
  bool on_active = false;
  std::vector<UtxoCoin> undo;           // coins spent, in (tx, input) order, while connected
  std::vector<std::int64_t> fee_rates;  // sat/kvB of each non-coinbase tx, set when connected
};

struct MempoolTx {
  Transaction tx;
  std::int64_t fee = 0;
  std::size_t vsize = 0, weight = 0, size = 0;
  std::int64_t time = 0;
  int height = 0;
  std::uint64_t sequence = 0;
  std::vector<Txid> parents, children;
};

struct FaucetKey {
  PrivateKey key;
  PublicKey pubkey;
  PrivateKey taproot_key;  // tweaked for key-path spends (BIP341/BIP86)
  Bytes taproot_script;
};
struct KeyRef {
  std::uint32_t index;
  AddressType type;
};

inline std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Core's arith_uint256::SetCompact into 32 little-endian bytes; false when negative/overflowing.
inline bool compact_to_target(std::uint32_t bits, std::array<std::uint8_t, 32>& target) noexcept {
  target.fill(0);
  const int size = static_cast<int>(bits >> 24);
  std::uint32_t word = bits & 0x007fffff;
  if (word != 0 && (bits & 0x00800000)) return false;
  if (size <= 3) {
    word >>= 8 * (3 - size);
    for (int i = 0; i < 3; ++i) target[i] = static_cast<std::uint8_t>(word >> (8 * i));
    return word != 0;
  }
  for (int i = 0; i < 3; ++i) {
    const int at = size - 3 + i;
    if (at >= 32) {
      if ((word >> (8 * i)) & 0xff) return false;
      continue;
    }
    target[at] = static_cast<std::uint8_t>(word >> (8 * i));
  }
  return word != 0;
}

// hash <= target, both little-endian 256-bit numbers.
inline bool hash_meets_target(const Hash256& h, const std::array<std::uint8_t, 32>& target) noexcept {
  for (int i = 31; i >= 0; --i) {
    if (h[i] != target[i]) return h[i] < target[i];
  }
  return true;
}

// 2^256 / (target + 1), Core's GetBlockProof, as far as 64 bits hold it.
inline std::uint64_t block_work(const std::array<std::uint8_t, 32>& target) noexcept {
  long double t = 0;
  for (int i = 31; i >= 0; --i) t = t * 256 + target[i];
  const long double work = std::ldexp(1.0L, 256) / (t + 1);
  return work >= 1.8e19L ? UINT64_MAX : static_cast<std::uint64_t>(work);
}

// CScript() << n: OP_0, OP_1..OP_16, or the minimal CScriptNum push (BIP34's height).
inline void push_int(Bytes& script, std::int64_t n) {
  if (n == 0) {
    script.push_back(OP_0);
    return;
  }
  if (n >= 1 && n <= 16) {
    script.push_back(encode_small_int(static_cast<int>(n)));
    return;
  }
  Bytes num;
  const bool neg = n < 0;
  std::uint64_t a = neg ? static_cast<std::uint64_t>(-n) : static_cast<std::uint64_t>(n);
  while (a) num.push_back(static_cast<std::uint8_t>(a & 0xff)), a >>= 8;
  if (num.back() & 0x80)
    num.push_back(neg ? 0x80 : 0);
  else if (neg)
    num.back() |= 0x80;
  push_data(script, num);
}

inline std::string format_money(std::int64_t v) {
  const bool neg = v < 0;
  const std::uint64_t a = neg ? static_cast<std::uint64_t>(-v) : static_cast<std::uint64_t>(v);
  std::string frac = std::to_string(a % coin_value);
  frac.insert(0, 8 - frac.size(), '0');
  while (frac.size() > 2 && frac.back() == '0') frac.pop_back();
  return (neg ? "-" : "") + std::to_string(a / coin_value) + "." + frac;
}

inline std::int64_t fee_for(std::int64_t rate_sat_per_kvb, std::size_t vsize) {
  // Core's CFeeRate::GetFee: truncating, but at least 1 sat for a positive rate.
  std::int64_t fee = rate_sat_per_kvb * static_cast<std::int64_t>(vsize) / 1000;
  if (fee == 0 && vsize != 0 && rate_sat_per_kvb > 0) fee = 1;
  return fee;
}

// Core's GetDustThreshold at the default dust relay fee.
inline std::int64_t dust_threshold(const TxOut& out) {
  if (is_unspendable(out.script_pubkey)) return 0;
  std::size_t size = 8 + compact_size_length(out.script_pubkey.size()) + out.script_pubkey.size();
  size += witness_program(out.script_pubkey) ? 32 + 4 + 1 + 107 / 4 + 4 : 32 + 4 + 1 + 107 + 4;
  return static_cast<std::int64_t>(size) * dust_relay_fee_sat_per_kvb / 1000;
}

// Virtual size of an input of each faucet template, signatures at their largest.
inline double input_vbytes(AddressType t) noexcept {
  switch (t) {
    case AddressType::legacy: return 32 + 4 + 1 + 107 + 4;
    case AddressType::p2sh_segwit: return 32 + 4 + 1 + 23 + 4 + (1 + 1 + 72 + 1 + 33) / 4.0;
    case AddressType::bech32: return 32 + 4 + 1 + 4 + (1 + 1 + 72 + 1 + 33) / 4.0;
    case AddressType::bech32m: return 32 + 4 + 1 + 4 + (1 + 1 + 64) / 4.0;
  }
  return 148;
}

// One parsed transaction of a block with its place in the raw bytes.
struct ParsedBlock {
  BlockHeader header;
  std::vector<Transaction> txs;
  std::vector<std::uint32_t> offsets;
  std::size_t size = 0, stripped_size = 0, weight = 0;
};

inline result<ParsedBlock> parse_block(ByteSpan raw) {
  auto view = BlockView::try_parse(raw);
  if (!view) return view.error();
  ParsedBlock p;
  p.header = view->header();
  p.txs.reserve(view->transactions().size());
  for (const TxView& tx : view->transactions()) {
    p.offsets.push_back(static_cast<std::uint32_t>(tx.raw.data() - raw.data()));
    p.txs.emplace_back(tx);
  }
  p.offsets.push_back(static_cast<std::uint32_t>(raw.size()));
  p.size = view->size();
  p.stripped_size = view->stripped_size();
  p.weight = view->weight();
  return p;
}

class NodeState {
 public:
  using Options = BasicNode::Options;

  NodeState(const ChainParams& params, const Options& options)
      : params_(params), opt_(options), master_(ExtPrivKey::from_seed(sha256(as_bytes(options.faucet_seed)).span())) {
    if (!compact_to_target(params_.pow_bits, target_)) throw std::invalid_argument("regtest: bad pow_bits");
    work_ = block_work(target_);
    // Genesis: stored, connected, never in the block file. Its coinbase is unspendable (Core
    // never adds it to the coin set).
    const Bytes raw = params_.genesis.serialize();
    ParsedBlock pb = parse_block(raw).value();
    BlockEntry& g = add_entry(std::make_shared<const Bytes>(raw), pb, nullptr);
    g.on_active = g.connected_once = true;
    active_.push_back(&g);
    faucet_key(key_lookahead);  // the coinbase key and the gap the chain is scanned for
    if (!opt_.datadir.empty()) replay(file_.open(opt_.datadir / "blocks.dat"));
  }

  // ===== chain =====

  BlockEntry* tip() const noexcept { return active_.back(); }
  int height() const noexcept { return tip()->height; }

  BlockEntry* find(const BlockHash& h) const {
    auto it = blocks_.find(h);
    return it == blocks_.end() ? nullptr : it->second.get();
  }

  std::int64_t now() const { return mock_time_ ? mock_time_ : now_seconds(); }

  std::int64_t subsidy(int height) const {
    const int halvings = height / params_.halving_interval;
    if (halvings >= 64) return 0;
    return (50 * coin_value) >> halvings;
  }

  static std::uint32_t median_time_past(const BlockEntry* e) {
    std::uint32_t times[11];
    int n = 0;
    for (; e && n < 11; e = e->parent) times[n++] = e->header.time;
    std::sort(times, times + n);
    return times[n / 2];
  }

  Hash256 pow_hash(const BlockHeader& h) const {
    const Bytes b = h.serialize();
    return params_.pow_hash(b);
  }

  BlockEntry& add_entry(std::shared_ptr<const Bytes> raw, const ParsedBlock& pb, BlockEntry* parent) {
    auto e = std::make_unique<BlockEntry>();
    e->hash = pb.header.hash();
    e->header = pb.header;
    e->parent = parent;
    e->height = parent ? parent->height + 1 : 0;
    e->chainwork = (parent ? parent->chainwork : 0) + work_;
    e->sequence = next_sequence_++;
    e->raw = std::move(raw);
    e->tx_offsets = pb.offsets;
    e->txids.reserve(pb.txs.size());
    for (const Transaction& tx : pb.txs) e->txids.push_back(tx.txid());
    e->size = pb.size, e->stripped_size = pb.stripped_size, e->weight = pb.weight;
    e->mtp = median_time_past(e.get());
    e->invalid = parent && parent->invalid;
    BlockEntry& ref = *e;
    if (parent) parent->children.push_back(&ref);
    blocks_.emplace(ref.hash, std::move(e));
    return ref;
  }

  std::vector<Transaction> block_transactions(const BlockEntry& e) const { return parse_block(*e.raw).value().txs; }

  BlockStatus status(const BlockEntry& e) const noexcept {
    if (e.invalid) return BlockStatus::invalid;
    if (e.on_active) return BlockStatus::active;
    return e.connected_once ? BlockStatus::valid_fork : BlockStatus::valid_headers;
  }

  BlockInfo info(const BlockEntry& e) const {
    BlockInfo i;
    i.hash = e.hash;
    i.header = e.header;
    i.height = e.height;
    i.confirmations = e.on_active ? height() - e.height + 1 : -1;
    if (e.on_active && e.height < height()) i.next_hash = active_[e.height + 1]->hash;
    i.chainwork = e.chainwork;
    i.median_time_past = e.mtp;
    i.status = status(e);
    i.tx_count = e.txids.size();
    i.size = e.size, i.stripped_size = e.stripped_size, i.weight = e.weight;
    i.raw = e.raw;
    return i;
  }

  // Recomputes `invalid` for every block from failed_self, parents before children.
  void recompute_invalid() {
    std::vector<BlockEntry*> all;
    all.reserve(blocks_.size());
    for (auto& [h, e] : blocks_) all.push_back(e.get());
    std::sort(all.begin(), all.end(), [](auto* a, auto* b) { return a->height < b->height; });
    for (BlockEntry* e : all) e->invalid = e->failed_self || (e->parent && e->parent->invalid);
  }

  // The most-work valid block; ties go to the first seen. The tip wins ties against later blocks.
  BlockEntry* best_candidate() const {
    BlockEntry* best = nullptr;
    for (auto& [h, e] : blocks_) {
      if (e->invalid) continue;
      if (!best || e->chainwork > best->chainwork || (e->chainwork == best->chainwork && e->sequence < best->sequence))
        best = e.get();
    }
    return best;
  }

  // ===== connecting and disconnecting =====

  // Everything the transactions of a block must satisfy against the coins of its parent.
  // Applies the block to the coin set and returns "" or the rejection reason (and rolls back).
  std::string connect_block(BlockEntry& e, const std::vector<Transaction>& txs, bool verify_scripts) {
    const int spend_height = e.height;
    std::vector<UtxoCoin> undo;
    std::vector<OutPoint> added;
    std::vector<OutPoint> spent;
    std::int64_t fees = 0;
    std::vector<std::int64_t> fee_rates;
    std::string reason;

    auto add_outputs = [&](const Transaction& tx, bool coinbase) {
      for (std::uint32_t n = 0; n < tx.outputs().size(); ++n) {
        const TxOut& out = tx.outputs()[n];
        if (is_unspendable(out.script_pubkey)) continue;
        OutPoint op{tx.txid(), n};
        utxos_.insert_or_assign(op, UtxoCoin{out, spend_height, coinbase});
        added.push_back(op);
      }
    };
    const bool ctor = params_.canonical_tx_order;
    if (ctor)
      for (std::size_t t = 0; t < txs.size(); ++t) add_outputs(txs[t], t == 0);

    for (std::size_t t = 1; t < txs.size() && reason.empty(); ++t) {
      const Transaction& tx = txs[t];
      std::int64_t in_value = 0;
      std::vector<TxOut> spent_outs;
      spent_outs.reserve(tx.inputs().size());
      for (const TxIn& in : tx.inputs()) {
        auto it = utxos_.find(in.prevout);
        if (it == utxos_.end()) {
          reason = "bad-txns-inputs-missingorspent";
          break;
        }
        if (it->second.coinbase && spend_height - it->second.height < params_.coinbase_maturity) {
          reason = "bad-txns-premature-spend-of-coinbase";
          break;
        }
        in_value += it->second.out.value;
        spent_outs.push_back(it->second.out);
        undo.push_back(std::move(it->second));
        spent.push_back(in.prevout);
        utxos_.erase(it);
      }
      if (!reason.empty()) break;
      std::int64_t out_value = 0;
      for (const TxOut& o : tx.outputs()) out_value += o.value;
      if (in_value < out_value) {
        reason = "bad-txns-in-belowout";
        break;
      }
      fees += in_value - out_value;
      fee_rates.push_back((in_value - out_value) * 1000 / static_cast<std::int64_t>(tx.vsize()));
      // A transaction the mempool verified (same wtxid) is not verified again: Core's script cache.
      const auto pooled = mempool_.find(tx.txid());
      if (verify_scripts && (pooled == mempool_.end() || pooled->second.tx.wtxid() != tx.wtxid())) {
        auto check = verify_scripts_of(tx, spent_outs);
        if (check.kind == ScriptCheck::mandatory || check.kind == ScriptCheck::non_mandatory) {
          reason = "mandatory-script-verify-flag-failed (" + check.error + ")";
          break;
        }
        // Templates we cannot run are consensus-valid as far as we know: accepted in blocks.
      }
      if (!ctor) add_outputs(tx, false);
    }
    if (reason.empty()) {
      std::int64_t cb_value = 0;
      for (const TxOut& o : txs[0].outputs()) cb_value += o.value;
      if (cb_value > subsidy(e.height) + fees) reason = "bad-cb-amount";
    }
    if (!reason.empty()) {
      // Roll back: outputs added, then coins spent (in reverse, so intra-block spends return).
      for (const OutPoint& op : added) utxos_.erase(op);
      for (std::size_t k = spent.size(); k-- > 0;) utxos_.insert_or_assign(spent[k], std::move(undo[k]));
      for (const OutPoint& op : added) utxos_.erase(op);
      return reason;
    }
    if (!ctor) add_outputs(txs[0], true);

    // The faucet's view, the txindex, the mempool.
    for (std::size_t k = 0; k < spent.size(); ++k) owned_.erase(spent[k]);
    for (const OutPoint& op : added) {
      auto it = utxos_.find(op);
      if (it != utxos_.end() && is_faucet_script(it->second.out.script_pubkey)) owned_.insert_or_assign(op, -2);
    }
    for (std::uint32_t t = 0; t < txs.size(); ++t) txindex_.insert_or_assign(txs[t].txid(), TxPos{&e, t});
    for (std::size_t t = 1; t < txs.size(); ++t) remove_for_block(txs[t]);

    e.undo = std::move(undo);
    e.fee_rates = std::move(fee_rates);
    e.on_active = e.connected_once = true;
    active_.push_back(&e);
    return {};
  }

  // Undoes the tip; returns its transactions (for the mempool).
  std::vector<Transaction> disconnect_tip() {
    BlockEntry& e = *tip();
    BOOST_ASSERT(e.parent);
    std::vector<Transaction> txs = block_transactions(e);
    // Spent coins come back first, then every output of the block goes: this order undoes
    // spends inside the block in either transaction order (topological or CTOR).
    std::size_t k = 0;
    for (std::size_t t = 1; t < txs.size(); ++t) {
      for (const TxIn& in : txs[t].inputs()) {
        UtxoCoin& c = e.undo[k++];
        if (is_faucet_script(c.out.script_pubkey)) owned_.insert_or_assign(in.prevout, -2);
        utxos_.insert_or_assign(in.prevout, std::move(c));
      }
    }
    for (const Transaction& tx : txs) {
      for (std::uint32_t n = 0; n < tx.outputs().size(); ++n) {
        utxos_.erase(OutPoint{tx.txid(), n});
        owned_.erase(OutPoint{tx.txid(), n});
      }
      auto it = txindex_.find(tx.txid());
      if (it != txindex_.end() && it->second.block == &e) txindex_.erase(it);
    }
    e.undo.clear();
    e.undo.shrink_to_fit();
    e.on_active = false;
    active_.pop_back();
    txs.erase(txs.begin());  // the coinbase never returns
    return txs;
  }

  // Makes the most-work valid chain active. Returns the reason the first block that failed to
  // connect gave, if any. Transactions of disconnected blocks go back to the mempool.
  std::string activate_best_chain(const std::vector<Transaction>* mined_txs = nullptr, BlockEntry* mined = nullptr) {
    std::string first_failure;
    std::vector<Transaction> returned;
    bool reorganized = false;
    for (;;) {
      BlockEntry* best = best_candidate();
      if (!best || best == tip() || best->chainwork < tip()->chainwork ||
          (best->chainwork == tip()->chainwork && !tip()->invalid))
        break;
      // Fork point.
      BlockEntry* fork = best;
      while (!fork->on_active) fork = fork->parent;
      while (tip() != fork) {
        auto txs = disconnect_tip();
        // Older blocks' transactions go first, as Core's DisconnectedBlockTransactions.
        returned.insert(returned.begin(), std::make_move_iterator(txs.begin()), std::make_move_iterator(txs.end()));
        reorganized = true;
      }
      std::vector<BlockEntry*> path;
      for (BlockEntry* b = best; b != fork; b = b->parent) path.push_back(b);
      bool failed = false;
      for (auto it = path.rbegin(); it != path.rend(); ++it) {
        BlockEntry* b = *it;
        std::string reason;
        if (b == mined && mined_txs) {
          reason = connect_block(*b, *mined_txs, false);
        } else {
          const bool verify = !b->connected_once && (!trusted_replay_ || replay_failed_.contains(b->hash));
          reason = connect_block(*b, block_transactions(*b), verify);
        }
        if (!reason.empty()) {
          if (first_failure.empty()) first_failure = reason;
          mark_failed(*b);
          failed = true;
          break;
        }
      }
      if (!failed) break;
    }
    if (reorganized) rebuild_mempool(std::move(returned));
    return first_failure;
  }

  // ===== accepting blocks =====

  // CheckBlock and the contextual checks that need only the parent: "" or the reject reason.
  std::string check_block(const ParsedBlock& pb, const BlockEntry& parent) const {
    const auto& txs = pb.txs;
    const BlockHeader& h = pb.header;
    if (h.bits != params_.pow_bits) return "bad-diffbits";
    if (h.time <= parent.mtp) return "time-too-old";
    if (static_cast<std::int64_t>(h.time) > now() + 2 * 60 * 60) return "time-too-new";
    if (h.version < 4) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "bad-version(0x%08x)", static_cast<unsigned>(h.version));
      return buf;
    }
    std::vector<Txid> txids;
    txids.reserve(txs.size());
    for (const Transaction& tx : txs) txids.push_back(tx.txid());
    const MerkleRoot m = compute_merkle_root(txids);
    if (m.root != h.merkle_root) return "bad-txnmrklroot";
    if (m.mutated) return "bad-txns-duplicate";
    if (txs.empty() || !txs[0].is_coinbase()) return "bad-cb-missing";
    for (std::size_t i = 1; i < txs.size(); ++i)
      if (txs[i].is_coinbase()) return "bad-cb-multiple";
    for (const Transaction& tx : txs)
      if (auto r = check_transaction(tx); !r.empty()) return r;
    const std::size_t max_weight = params_.segwit ? opt_.max_block_weight : opt_.max_block_size * 4;
    if (pb.weight > max_weight) return params_.segwit ? "bad-blk-weight" : "bad-blk-length";
    if (params_.canonical_tx_order) {
      for (std::size_t i = 2; i < txs.size(); ++i)
        if (!(txs[i - 1].txid().array() < txs[i].txid().array())) return "tx-ordering";
    }
    // ContextualCheckBlock.
    const int height = parent.height + 1;
    for (const Transaction& tx : txs)
      if (!is_final(tx, height, parent.mtp)) return "bad-txns-nonfinal";
    Bytes expect;
    push_int(expect, height);
    const Bytes& sig = txs[0].inputs()[0].script_sig;
    if (sig.size() < expect.size() || !std::equal(expect.begin(), expect.end(), sig.begin())) return "bad-cb-height";
    if (sig.size() < 2 || sig.size() > 100) return "bad-cb-length";
    bool have_witness_commitment = false;
    if (params_.segwit) {
      const auto& outs = txs[0].outputs();
      std::optional<std::size_t> commitment;
      for (std::size_t i = 0; i < outs.size(); ++i) {
        const Bytes& s = outs[i].script_pubkey;
        if (s.size() >= 38 && s[0] == OP_RETURN && s[1] == 0x24 &&
            std::equal(s.begin() + 2, s.begin() + 6, witness_commitment_header))
          commitment = i;
      }
      if (commitment) {
        have_witness_commitment = true;
        const Witness& w = txs[0].inputs()[0].witness;
        if (w.size() != 1 || w[0].size() != 32) return "bad-witness-nonce-size";
        const Hash256 expected = witness_commitment(txs, w[0]);
        if (!std::equal(expected.span().begin(), expected.span().end(), outs[*commitment].script_pubkey.begin() + 6))
          return "bad-witness-merkle-match";
      }
    }
    if (!have_witness_commitment)
      for (const Transaction& tx : txs)
        if (tx.has_witness()) return "unexpected-witness";
    return {};
  }

  static Hash256 witness_commitment(const std::vector<Transaction>& txs, ByteSpan nonce) {
    std::vector<Wtxid> wtxids;
    wtxids.reserve(txs.size());
    wtxids.push_back(Wtxid{});  // the coinbase's wtxid counts as zero
    for (std::size_t i = 1; i < txs.size(); ++i) wtxids.push_back(txs[i].wtxid());
    const Hash256 root = compute_merkle_root(wtxids).root;
    return Sha256d().write(root.span()).write(nonce).finalize();
  }

  struct SubmitOutcome {
    BlockEntry* entry = nullptr;
    std::optional<std::string> result;  // nullopt: accepted and active
  };

  // submitblock's logic; `trusted` skips the proof of work only for replays of our own file.
  NodeResult<SubmitOutcome> accept_block(std::shared_ptr<const Bytes> raw, bool from_file) {
    auto parsed = parse_block(*raw);
    if (!parsed) return NodeError(rpc_error::deserialization_error, "Block decode failed");
    ParsedBlock& pb = *parsed;
    if (pb.txs.empty() || !pb.txs[0].is_coinbase())
      return NodeError(rpc_error::deserialization_error, "Block does not start with a coinbase");
    const BlockHash hash = pb.header.hash();
    if (BlockEntry* known = find(hash))
      return SubmitOutcome{known, std::string(known->invalid ? "duplicate-invalid" : "duplicate")};
    if (!from_file && !hash_meets_target(pow_hash(pb.header), target_)) return SubmitOutcome{nullptr, "high-hash"};
    BlockEntry* parent = find(pb.header.prev_hash);
    if (!parent) return SubmitOutcome{nullptr, "prev-blk-not-found"};
    if (parent->invalid) return SubmitOutcome{nullptr, "bad-prevblk"};
    if (!from_file) {
      if (auto r = check_block(pb, *parent); !r.empty()) return SubmitOutcome{nullptr, r};
    }
    BlockEntry& e = add_entry(raw, pb, parent);
    if (!from_file) file_.append(BlockFile::block, *raw);
    std::string failure;
    if (parent == tip()) {
      // The common case, and all of a replay: it extends the best chain, so it is the best
      // chain if it connects (no scan of every block, no second parse).
      const bool known_bad = from_file && replay_failed_.contains(e.hash);
      failure = connect_block(e, pb.txs, !from_file || known_bad);
      if (!failure.empty()) mark_failed(e);
    } else {
      failure = activate_best_chain();
    }
    if (e.invalid) return SubmitOutcome{&e, failure.empty() ? std::string("invalid") : failure};
    if (!e.on_active) return SubmitOutcome{&e, std::string("inconclusive")};
    return SubmitOutcome{&e, std::nullopt};
  }

  // A block that failed to connect: remembered in the file, so a replay checks it again rather
  // than trusting it as one of ours.
  void mark_failed(BlockEntry& e) {
    e.failed_self = true;
    recompute_invalid();
    if (!trusted_replay_) file_.append(BlockFile::failed, e.hash.span());
  }

  void replay(std::vector<BlockFile::Record> records) {
    for (const auto& rec : records)
      if (rec.type == BlockFile::failed && rec.payload.size() == 32)
        replay_failed_.insert(BlockHash::from_bytes(rec.payload).value());
    trusted_replay_ = true;
    for (auto& rec : records) {
      if (rec.type == BlockFile::block) {
        (void)accept_block(std::make_shared<const Bytes>(std::move(rec.payload)), true);
      } else if (rec.payload.size() == 32) {
        const BlockHash h = BlockHash::from_bytes(rec.payload).value();
        if (rec.type == BlockFile::invalidate) (void)invalidate(h, true);
        if (rec.type == BlockFile::reconsider) (void)reconsider(h, true);
      }
    }
    trusted_replay_ = false;
  }

  NodeResult<void> invalidate(const BlockHash& h, bool from_file = false) {
    BlockEntry* e = find(h);
    if (!e) return NodeError(rpc_error::invalid_address_or_key, "Block not found");
    if (!e->parent) return NodeError(rpc_error::invalid_parameter, "Cannot invalidate the genesis block");
    if (!from_file) file_.append(BlockFile::invalidate, h.span());
    std::vector<Transaction> returned;
    bool disconnected = false;
    if (e->on_active) {
      while (tip() != e->parent) {
        auto txs = disconnect_tip();
        returned.insert(returned.begin(), std::make_move_iterator(txs.begin()), std::make_move_iterator(txs.end()));
        disconnected = true;
      }
    }
    e->failed_self = true;
    recompute_invalid();
    if (disconnected) rebuild_mempool(std::move(returned));
    activate_best_chain();
    return {};
  }

  NodeResult<void> reconsider(const BlockHash& h, bool from_file = false) {
    BlockEntry* e = find(h);
    if (!e) return NodeError(rpc_error::invalid_address_or_key, "Block not found");
    if (!from_file) file_.append(BlockFile::reconsider, h.span());
    // Core's ResetBlockFailureFlags: the block, its descendants and its ancestors.
    std::vector<BlockEntry*> stack{e};
    while (!stack.empty()) {
      BlockEntry* b = stack.back();
      stack.pop_back();
      b->failed_self = false;
      for (BlockEntry* c : b->children) stack.push_back(c);
    }
    for (BlockEntry* a = e; a; a = a->parent) a->failed_self = false;
    recompute_invalid();
    activate_best_chain();
    return {};
  }

  // ===== transactions =====

  // Core's CheckTransaction: structure and amounts, without context.
  std::string check_transaction(const Transaction& tx) const {
    if (tx.inputs().empty()) return "bad-txns-vin-empty";
    if (tx.outputs().empty()) return "bad-txns-vout-empty";
    if (tx.stripped_size() * witness_scale_factor > 4'000'000) return "bad-txns-oversize";
    std::int64_t total = 0;
    for (const TxOut& o : tx.outputs()) {
      if (o.value < 0) return "bad-txns-vout-negative";
      if (o.value > max_money) return "bad-txns-vout-toolarge";
      total += o.value;
      if (total > max_money) return "bad-txns-txouttotal-toolarge";
    }
    boost::unordered_flat_set<OutPoint, Hasher> seen;
    for (const TxIn& in : tx.inputs())
      if (!seen.insert(in.prevout).second) return "bad-txns-inputs-duplicate";
    if (tx.is_coinbase()) {
      const std::size_t n = tx.inputs()[0].script_sig.size();
      if (n < 2 || n > 100) return "bad-cb-length";
    } else {
      for (const TxIn& in : tx.inputs())
        if (in.prevout.is_null()) return "bad-txns-prevout-null";
    }
    return {};
  }

  static bool is_final(const Transaction& tx, int height, std::uint32_t mtp) {
    if (tx.lock_time() == 0) return true;
    const std::int64_t limit = tx.lock_time() < 500'000'000 ? height : static_cast<std::int64_t>(mtp);
    if (static_cast<std::int64_t>(tx.lock_time()) < limit) return true;
    for (const TxIn& in : tx.inputs())
      if (in.sequence != TxIn::sequence_final) return false;
    return true;
  }

  ScriptCheck verify_scripts_of(const Transaction& tx, std::vector<TxOut> spent) const {
    bool taproot = false;
    for (const TxOut& o : spent) taproot |= classify(o.script_pubkey) == ScriptType::p2tr;
    const PrecomputedTxData pre = taproot ? PrecomputedTxData(tx, spent) : PrecomputedTxData(tx);
    ScriptCheck worst;
    for (std::size_t i = 0; i < tx.inputs().size(); ++i) {
      ScriptCheck c = verify_input(tx, pre, i, spent[i], params_);
      if (c.kind == ScriptCheck::mandatory) return c;
      if (c.kind != ScriptCheck::ok && worst.kind == ScriptCheck::ok) worst = std::move(c);
    }
    return worst;
  }

  struct AcceptOptions {
    bool test_only = false;
    bool verify_scripts = true;
    std::int64_t max_fee_rate = 0;  // sat/kvB; 0: none
    bool from_reorg = false;        // returning from a disconnected block: no fee floor
  };

  static NodeError reject(std::string reason, std::string detail = {}) {
    std::string msg = detail.empty() ? reason : reason + ", " + detail;
    return NodeError(rpc_error::verify_rejected, std::move(msg), std::move(reason));
  }

  // Core's MemPoolAccept::PreChecks, PolicyScriptChecks and Finalize, in that order.
  NodeResult<AcceptResult> accept(const Transaction& tx, const AcceptOptions& o) {
    if (auto r = check_transaction(tx); !r.empty()) return reject(r);
    if (tx.is_coinbase()) return reject("coinbase");
    const std::uint32_t max_version = params_.canonical_tx_order ? 2 : 3;
    if (tx.version() < 1 || tx.version() > max_version) return reject("version");
    if (tx.weight() > max_standard_tx_weight) return reject("tx-size");
    std::size_t op_returns = 0;
    for (const TxIn& in : tx.inputs()) {
      if (in.script_sig.size() > 1650) return reject("scriptsig-size");
      std::vector<ByteSpan> pushes;
      if (!split_pushes(in.script_sig, pushes)) return reject("scriptsig-not-pushonly");
    }
    for (const TxOut& out : tx.outputs()) {
      const ScriptType t = classify(out.script_pubkey);
      if (t == ScriptType::nonstandard) return reject("scriptpubkey");
      if (t == ScriptType::null_data) {
        if (out.script_pubkey.size() > max_op_return_relay) return reject("scriptpubkey");
        ++op_returns;
      } else if (out.value < dust_threshold(out)) {
        return reject("dust");
      }
    }
    if (op_returns > 1) return reject("multi-op-return");
    if (params_.canonical_tx_order) {
      if (tx.size() < 100) return reject("bad-txns-undersize");
    } else if (tx.stripped_size() < 65) {
      return reject("tx-size-small");
    }
    if (!is_final(tx, height() + 1, tip()->mtp)) return reject("non-final");
    if (auto it = mempool_.find(tx.txid()); it != mempool_.end()) {
      if (it->second.tx.wtxid() == tx.wtxid()) return reject("txn-already-in-mempool");
      return reject("txn-same-nonwitness-data-in-mempool");
    }
    for (const TxIn& in : tx.inputs())
      if (mempool_spends_.contains(in.prevout)) return reject("txn-mempool-conflict");

    // Inputs.
    std::vector<TxOut> spent;
    spent.reserve(tx.inputs().size());
    std::vector<Txid> parents;
    std::int64_t in_value = 0;
    for (const TxIn& in : tx.inputs()) {
      if (auto p = mempool_.find(in.prevout.txid); p != mempool_.end()) {
        if (in.prevout.index >= p->second.tx.outputs().size())
          return NodeError(rpc_error::verify_error, "bad-txns-inputs-missingorspent", "bad-txns-inputs-missingorspent");
        spent.push_back(p->second.tx.outputs()[in.prevout.index]);
        if (std::find(parents.begin(), parents.end(), in.prevout.txid) == parents.end())
          parents.push_back(in.prevout.txid);
      } else if (auto u = utxos_.find(in.prevout); u != utxos_.end()) {
        const UtxoCoin& c = u->second;
        const int depth = height() + 1 - c.height;
        if (c.coinbase && depth < params_.coinbase_maturity)
          return reject("bad-txns-premature-spend-of-coinbase",
                        "tried to spend coinbase at depth " + std::to_string(depth));
        spent.push_back(c.out);
      } else {
        for (std::uint32_t n = 0; n < tx.outputs().size(); ++n)
          if (utxos_.contains(OutPoint{tx.txid(), n}))
            return NodeError(rpc_error::verify_already_in_chain, "Transaction outputs already in utxo set",
                             "txn-already-known");
        return NodeError(rpc_error::verify_error, "bad-txns-inputs-missingorspent", "bad-txns-inputs-missingorspent");
      }
      in_value += spent.back().value;
      if (spent.back().value < 0 || in_value > max_money) return reject("bad-txns-inputvalues-outofrange");
    }
    std::int64_t out_value = 0;
    for (const TxOut& out : tx.outputs()) out_value += out.value;
    if (in_value < out_value)
      return reject("bad-txns-in-belowout",
                    "value in (" + format_money(in_value) + ") < value out (" + format_money(out_value) + ")");
    const std::int64_t fee = in_value - out_value;
    const std::size_t vsize = tx.vsize();
    if (!o.from_reorg) {
      const std::int64_t min_fee = fee_for(opt_.min_relay_fee_sat_per_kvb, vsize);
      if (fee < min_fee) return reject("min relay fee not met", std::to_string(fee) + " < " + std::to_string(min_fee));
    }
    if (o.verify_scripts) {
      ScriptCheck c = verify_scripts_of(tx, spent);
      if (c.kind == ScriptCheck::unsupported) return reject("bad-txns-nonstandard-inputs", c.error);
      if (c.kind == ScriptCheck::non_mandatory) return reject("non-mandatory-script-verify-flag (" + c.error + ")");
      if (c.kind == ScriptCheck::mandatory) return reject("mandatory-script-verify-flag-failed (" + c.error + ")");
    }
    if (o.max_fee_rate > 0 && fee > fee_for(o.max_fee_rate, vsize)) {
      if (o.test_only) return reject("max-fee-exceeded");
      return NodeError(rpc_error::verify_error, "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)",
                       "max-fee-exceeded");
    }
    AcceptResult result{tx.txid(), tx.wtxid(), fee, vsize};
    if (o.test_only) return result;

    // Finalize.
    MempoolTx m{tx, fee, vsize, tx.weight(), tx.size(), now(), height(), mempool_seq_++, std::move(parents), {}};
    for (const Txid& p : m.parents) mempool_.find(p)->second.children.push_back(tx.txid());
    for (const TxIn& in : tx.inputs()) mempool_spends_.emplace(in.prevout, tx.txid());
    for (std::uint32_t n = 0; n < tx.outputs().size(); ++n)
      if (is_faucet_script(tx.outputs()[n].script_pubkey)) owned_.insert_or_assign(OutPoint{tx.txid(), n}, -1);
    mempool_order_.emplace(m.sequence, tx.txid());
    mempool_.emplace(tx.txid(), std::move(m));
    return result;
  }

  // Removes one mempool transaction, leaving its descendants (the caller's business).
  void erase_from_mempool(const Txid& txid, bool confirmed) {
    auto it = mempool_.find(txid);
    if (it == mempool_.end()) return;
    MempoolTx& m = it->second;
    for (const TxIn& in : m.tx.inputs()) mempool_spends_.erase(in.prevout);
    for (const Txid& p : m.parents) {
      auto pit = mempool_.find(p);
      if (pit != mempool_.end()) std::erase(pit->second.children, txid);
    }
    for (const Txid& c : m.children) {
      auto cit = mempool_.find(c);
      if (cit != mempool_.end()) std::erase(cit->second.parents, txid);
    }
    if (!confirmed)
      for (std::uint32_t n = 0; n < m.tx.outputs().size(); ++n) owned_.erase(OutPoint{txid, n});
    mempool_order_.erase(m.sequence);
    mempool_.erase(it);
  }

  void erase_with_descendants(const Txid& txid) {
    std::vector<Txid> stack{txid};
    std::vector<Txid> order;
    boost::unordered_flat_set<Txid, Hasher> seen;
    while (!stack.empty()) {
      Txid t = stack.back();
      stack.pop_back();
      if (!seen.insert(t).second) continue;
      auto it = mempool_.find(t);
      if (it == mempool_.end()) continue;
      order.push_back(t);
      for (const Txid& c : it->second.children) stack.push_back(c);
    }
    for (const Txid& t : order) erase_from_mempool(t, false);
  }

  // A block confirmed `tx`: it leaves the mempool, and so does whatever spent its inputs otherwise.
  void remove_for_block(const Transaction& tx) {
    if (mempool_.contains(tx.txid())) {
      erase_from_mempool(tx.txid(), true);
      return;
    }
    for (const TxIn& in : tx.inputs()) {
      auto it = mempool_spends_.find(in.prevout);
      if (it != mempool_spends_.end()) erase_with_descendants(it->second);
    }
  }

  // After a reorg: disconnected transactions first, then the old mempool, each re-accepted
  // against the new chain (Core's MaybeUpdateMempoolForReorg); what no longer fits is dropped.
  void rebuild_mempool(std::vector<Transaction> returned) {
    std::vector<Transaction> old;
    old.reserve(mempool_.size());
    for (auto& [seq, txid] : mempool_order_) old.push_back(std::move(mempool_.find(txid)->second.tx));
    std::vector<std::int64_t> times;
    mempool_.clear();
    mempool_spends_.clear();
    mempool_order_.clear();
    boost::unordered::erase_if(owned_, [](const auto& kv) { return kv.second == -1; });
    AcceptOptions o;
    o.verify_scripts = false;  // every one of them was verified when it first entered
    o.from_reorg = true;
    for (const Transaction& tx : returned) (void)accept(tx, o);
    o.from_reorg = false;
    for (const Transaction& tx : old) (void)accept(tx, o);
  }

  MempoolEntryInfo entry_info(const MempoolTx& m) const {
    MempoolEntryInfo i;
    i.txid = m.tx.txid();
    i.wtxid = m.tx.wtxid();
    i.fee = m.fee;
    i.vsize = m.vsize;
    i.weight = m.weight;
    i.time = m.time;
    i.height = m.height;
    i.depends = m.parents;
    i.spent_by = m.children;
    auto walk = [&](bool up, std::size_t& count, std::size_t& size, std::int64_t& fees) {
      boost::unordered_flat_set<Txid, Hasher> seen;
      std::vector<const MempoolTx*> stack{&m};
      while (!stack.empty()) {
        const MempoolTx* x = stack.back();
        stack.pop_back();
        if (!seen.insert(x->tx.txid()).second) continue;
        ++count, size += x->vsize, fees += x->fee;
        for (const Txid& t : up ? x->parents : x->children) {
          auto it = mempool_.find(t);
          if (it != mempool_.end()) stack.push_back(&it->second);
        }
      }
    };
    walk(true, i.ancestor_count, i.ancestor_size, i.ancestor_fees);
    walk(false, i.descendant_count, i.descendant_size, i.descendant_fees);
    return i;
  }

  // ===== mining =====

  // Mempool transactions for a block: by fee rate, each with its unconfirmed ancestors first
  // (so a high-fee child pulls in its parent), within the weight budget; linear in the mempool.
  std::vector<const MempoolTx*> select_transactions() const {
    std::vector<const MempoolTx*> cands;
    cands.reserve(mempool_.size());
    for (auto& [seq, txid] : mempool_order_) cands.push_back(&mempool_.find(txid)->second);
    std::stable_sort(cands.begin(), cands.end(), [](const MempoolTx* a, const MempoolTx* b) {
      return a->fee * static_cast<std::int64_t>(b->vsize) > b->fee * static_cast<std::int64_t>(a->vsize);
    });
    const std::size_t budget =
        (params_.segwit ? opt_.max_block_weight : opt_.max_block_size * witness_scale_factor) - coinbase_weight_reserve;
    std::size_t used = 0;
    boost::unordered_flat_set<Txid, Hasher> included;
    std::vector<const MempoolTx*> out;
    std::vector<const MempoolTx*> package, stack;
    int failures = 0;
    boost::unordered_flat_set<Txid, Hasher> seen;
    for (const MempoolTx* c : cands) {
      if (included.contains(c->tx.txid())) continue;
      package.clear();
      stack.assign(1, c);
      seen.clear();
      std::size_t weight = 0;
      while (!stack.empty()) {
        const MempoolTx* x = stack.back();
        stack.pop_back();
        if (included.contains(x->tx.txid()) || !seen.insert(x->tx.txid()).second) continue;
        package.push_back(x);
        weight += x->weight;
        for (const Txid& p : x->parents) stack.push_back(&mempool_.find(p)->second);
      }
      if (used + weight > budget) {
        if (++failures > 1000) break;
        continue;
      }
      std::sort(package.begin(), package.end(), [](auto* a, auto* b) { return a->sequence < b->sequence; });
      for (const MempoolTx* x : package) {
        included.insert(x->tx.txid());
        out.push_back(x);
      }
      used += weight;
    }
    return out;
  }

  // Builds, grinds and returns a block on `parent` paying `script`, with `txs` after the coinbase.
  Block build_block(const BlockEntry& parent, ByteSpan script, std::vector<Transaction> txs, std::int64_t fees) {
    const int height = parent.height + 1;
    if (params_.canonical_tx_order)
      // CTOR compares txids as Core's uint256 does: memcmp of the internal bytes.
      std::sort(txs.begin(), txs.end(),
                [](const Transaction& a, const Transaction& b) { return a.txid().array() < b.txid().array(); });
    MutableTransaction cb;
    cb.version = 2;
    TxIn& in = cb.inputs.emplace_back();
    push_int(in.script_sig, height);
    // An extra nonce makes coinbases of competing branches differ (Core's IncrementExtraNonce).
    push_int(in.script_sig, ++extra_nonce_);
    cb.outputs.push_back(TxOut{subsidy(height) + fees, Bytes(script.begin(), script.end())});
    Block block;
    block.transactions.reserve(txs.size() + 1);
    if (params_.segwit) {
      in.witness.assign(1, Bytes(32, 0));
      Bytes commitment_script = {OP_RETURN, 0x24};
      commitment_script.insert(commitment_script.end(), witness_commitment_header, witness_commitment_header + 4);
      // The commitment is over the wtxids, which do not depend on the coinbase.
      std::vector<Wtxid> wtxids{Wtxid{}};
      for (const Transaction& tx : txs) wtxids.push_back(tx.wtxid());
      const Hash256 root = compute_merkle_root(wtxids).root;
      const Hash256 c = Sha256d().write(root.span()).write(Bytes(32, 0)).finalize();
      commitment_script.insert(commitment_script.end(), c.span().begin(), c.span().end());
      cb.outputs.push_back(TxOut{0, std::move(commitment_script)});
    }
    block.transactions.emplace_back(std::move(cb));
    for (Transaction& tx : txs) block.transactions.push_back(std::move(tx));
    BlockHeader& h = block.header;
    h.version = 0x20000000;
    h.prev_hash = parent.hash;
    h.merkle_root = block.merkle_root().root;
    h.time = static_cast<std::uint32_t>(std::max<std::int64_t>(parent.mtp + 1, now()));
    h.bits = params_.pow_bits;
    for (h.nonce = 0; !hash_meets_target(pow_hash(h), target_); ++h.nonce) {
    }
    return block;
  }

  // Mines one block on the tip from the mempool (or exactly `txs`), connects it, stores it.
  BlockHash mine(ByteSpan script, const std::vector<Transaction>* exact = nullptr) {
    std::vector<Transaction> txs;
    std::int64_t fees = 0;
    if (exact) {
      txs = *exact;
    } else {
      for (const MempoolTx* m : select_transactions()) {
        txs.push_back(m->tx);
        fees += m->fee;
      }
    }
    return store_mined(build_block(*tip(), script, std::move(txs), fees), true);
  }

  BlockHash store_mined(Block block, bool on_tip) {
    auto raw = std::make_shared<const Bytes>(block.serialize());
    ParsedBlock pb;
    pb.header = block.header;
    // Offsets from the sizes: header, count, then each transaction back to back.
    std::uint32_t pos = static_cast<std::uint32_t>(80 + compact_size_length(block.transactions.size()));
    std::size_t stripped = 80 + compact_size_length(block.transactions.size());
    for (const Transaction& tx : block.transactions) {
      pb.offsets.push_back(pos);
      pos += static_cast<std::uint32_t>(tx.size());
      stripped += tx.stripped_size();
    }
    pb.offsets.push_back(pos);
    pb.size = raw->size();
    pb.stripped_size = stripped;
    pb.weight = stripped * (witness_scale_factor - 1) + pb.size;
    pb.txs = std::move(block.transactions);
    BlockEntry& e = add_entry(raw, pb, find(pb.header.prev_hash));
    file_.append(BlockFile::block, *raw);
    if (on_tip && e.parent == tip()) {
      const std::string r = connect_block(e, pb.txs, false);
      BOOST_ASSERT_MSG(r.empty(), "a mined block failed to connect");
      (void)r;
    } else {
      activate_best_chain();
    }
    return e.hash;
  }

  // ===== faucet =====

  const FaucetKey& faucet_key(std::uint32_t index) {
    while (keys_.size() <= index) {
      const auto n = static_cast<std::uint32_t>(keys_.size());
      ExtPrivKey child = master_.derive(n);
      FaucetKey k{child.key(), child.public_key(), taproot_tweak_private_key(child.key()).value(), {}};
      const XOnlyPublicKey internal = x_only_public_key(k.key);
      k.taproot_script = p2tr_script(taproot_output_key(internal).value().output_key.span());
      const Hash160 id = k.pubkey.key_id();
      scripts_.insert_or_assign(std::string(script_key(p2pkh_script(id))), KeyRef{n, AddressType::legacy});
      if (params_.segwit) {
        const Bytes wpkh = p2wpkh_script(id);
        scripts_.insert_or_assign(std::string(script_key(p2sh_script(hash160(wpkh)))),
                                  KeyRef{n, AddressType::p2sh_segwit});
        scripts_.insert_or_assign(std::string(script_key(wpkh)), KeyRef{n, AddressType::bech32});
        scripts_.insert_or_assign(std::string(script_key(k.taproot_script)), KeyRef{n, AddressType::bech32m});
      }
      keys_.push_back(std::move(k));
    }
    return keys_[index];
  }

  Bytes script_of(std::uint32_t index, AddressType type) {
    const FaucetKey& k = faucet_key(index);
    const Hash160 id = k.pubkey.key_id();
    switch (type) {
      case AddressType::legacy: return p2pkh_script(id);
      case AddressType::p2sh_segwit: return p2sh_script(hash160(p2wpkh_script(id)));
      case AddressType::bech32: return p2wpkh_script(id);
      case AddressType::bech32m: return k.taproot_script;
    }
    return {};
  }

  // A fresh key index, keeping the lookahead gap derived.
  std::uint32_t take_key() {
    const std::uint32_t i = next_key_++;
    faucet_key(next_key_ + key_lookahead);
    return i;
  }

  AddressType default_type() const noexcept { return params_.segwit ? AddressType::bech32 : AddressType::legacy; }
  Bytes coinbase_script() { return script_of(0, default_type()); }

  // Whether an output pays the faucet. A key seen in use moves the gap ahead (BIP44's gap
  // limit), so a restart finds every coin by replaying the chain with no wallet file.
  bool is_faucet_script(ByteSpan s) {
    auto it = scripts_.find(script_key(s));
    if (it == scripts_.end()) return false;
    const std::uint32_t index = it->second.index;
    if (index >= next_key_) {
      next_key_ = index + 1;
      faucet_key(next_key_ + key_lookahead);
    }
    return true;
  }
  std::optional<KeyRef> key_of(ByteSpan s) const {
    auto it = scripts_.find(script_key(s));
    if (it == scripts_.end()) return std::nullopt;
    return it->second;
  }

  NodeResult<Bytes> new_script(AddressType type) {
    if (!params_.segwit && type != AddressType::legacy)
      return NodeError(rpc_error::invalid_address_or_key,
                       "Unknown address type '" + std::string(to_string(type)) + "'");
    return script_of(take_key(), type);
  }

  // A faucet coin's current state: value, script, confirmations (0 unconfirmed), coinbase.
  struct OwnedView {
    OutPoint op;
    const TxOut* out;
    int confirmations;
    bool coinbase;
  };

  std::optional<OwnedView> owned_view(const OutPoint& op, int state) const {
    if (state == -1) {
      auto it = mempool_.find(op.txid);
      if (it == mempool_.end() || op.index >= it->second.tx.outputs().size()) return std::nullopt;
      return OwnedView{op, &it->second.tx.outputs()[op.index], 0, false};
    }
    auto it = utxos_.find(op);
    if (it == utxos_.end()) return std::nullopt;
    return OwnedView{op, &it->second.out, height() - it->second.height + 1, it->second.coinbase};
  }

  // Wallet maturity: a coinbase needs 101 confirmations (Core's GetBlocksToMaturity).
  bool wallet_mature(const OwnedView& v) const { return !v.coinbase || v.confirmations > params_.coinbase_maturity; }

  template <class F>
  void for_each_spendable(F&& f) const {
    for (auto& [op, state] : owned_) {
      if (mempool_spends_.contains(op)) continue;
      auto v = owned_view(op, state);
      if (v && wallet_mature(*v)) f(*v);
    }
  }

  // Signs every input of `tx` that spends a faucet coin; `spent` holds each input's coin.
  Transaction sign_inputs(MutableTransaction m, const std::vector<TxOut>& spent) const {
    const Transaction unsigned_tx(m);
    bool taproot = false;
    for (const TxOut& o : spent) taproot |= classify(o.script_pubkey) == ScriptType::p2tr;
    const PrecomputedTxData pre = taproot ? PrecomputedTxData(unsigned_tx, spent) : PrecomputedTxData(unsigned_tx);
    const bool forkid = params_.sighash == SighashScheme::forkid;
    for (std::size_t i = 0; i < m.inputs.size(); ++i) {
      auto ref = key_of(spent[i].script_pubkey);
      if (!ref) continue;
      const FaucetKey& k = keys_[ref->index];
      TxIn& in = m.inputs[i];
      auto ecdsa = [&](const Hash256& digest, std::uint8_t hash_type) {
        const DerSignature der = k.key.sign(digest, NonceGrinding::none).to_der();
        Bytes sig(der.span().begin(), der.span().end());
        sig.push_back(hash_type);
        return sig;
      };
      const Hash160 id = k.pubkey.key_id();
      switch (ref->type) {
        case AddressType::legacy: {
          Hash256 digest;
          std::uint8_t hash_type = sighash_all;
          if (forkid) {
            hash_type |= sighash_forkid;
            digest = forkid_sighash(unsigned_tx, pre, i, spent[i].script_pubkey, spent[i].value,
                                    hash_type | (params_.fork_id << 8))
                         .value();
          } else {
            digest = legacy_sighash(unsigned_tx, i, spent[i].script_pubkey, hash_type);
          }
          in.script_sig.clear();
          push_data(in.script_sig, ecdsa(digest, hash_type));
          push_data(in.script_sig, k.pubkey.bytes());
          break;
        }
        case AddressType::p2sh_segwit:
        case AddressType::bech32: {
          const Bytes code = p2pkh_script(id);
          const Hash256 digest = segwit_v0_sighash(unsigned_tx, pre, i, code, spent[i].value, sighash_all).value();
          in.script_sig.clear();
          if (ref->type == AddressType::p2sh_segwit) push_data(in.script_sig, p2wpkh_script(id));
          in.witness = {ecdsa(digest, sighash_all), Bytes(k.pubkey.bytes().begin(), k.pubkey.bytes().end())};
          break;
        }
        case AddressType::bech32m: {
          const Hash256 digest = taproot_sighash(unsigned_tx, pre, i, sighash_default).value();
          const std::array<std::uint8_t, 32> aux{};
          const SchnorrSignature sig = schnorr_sign(k.taproot_key, digest.span(), aux);
          in.witness = {Bytes(sig.begin(), sig.end())};
          break;
        }
      }
    }
    return Transaction(std::move(m));
  }

  NodeResult<Transaction> faucet_send(std::span<const Payment> payments, const SendOptions& o) {
    if (payments.empty())
      return NodeError(rpc_error::invalid_parameter, "Transaction must have at least one recipient");
    std::int64_t total = 0;
    for (const Payment& p : payments) {
      if (p.amount <= 0) return NodeError(rpc_error::type_error, "Invalid amount for send");
      total += p.amount;
      if (total > max_money) return NodeError(rpc_error::type_error, "Amount out of range");
    }
    const std::int64_t rate = o.fee_rate_sat_per_kvb ? o.fee_rate_sat_per_kvb : opt_.faucet_fee_rate_sat_per_kvb;
    MutableTransaction m;
    m.version = 2;
    for (const Payment& p : payments) m.outputs.push_back(TxOut{p.amount, p.script_pubkey});
    double vbytes = 10.5;
    for (const TxOut& out : m.outputs) vbytes += 9 + out.script_pubkey.size();
    const Bytes change_script = script_of(take_key(), default_type());
    const double change_vbytes = 9 + change_script.size();
    std::vector<TxOut> spent;
    std::int64_t in_value = 0;
    auto add_input = [&](const OutPoint& op, const TxOut& out) {
      m.inputs.push_back(TxIn{op, {}, mempool_sequence, {}});
      spent.push_back(out);
      in_value += out.value;
      auto ref = key_of(out.script_pubkey);
      vbytes += input_vbytes(ref ? ref->type : AddressType::legacy);
    };
    auto fee_now = [&](bool with_change) {
      return fee_for(rate, static_cast<std::size_t>(std::ceil(vbytes + (with_change ? change_vbytes : 0))));
    };
    if (!o.inputs.empty()) {
      for (const OutPoint& op : o.inputs) {
        auto it = owned_.find(op);
        auto v = it == owned_.end() ? std::nullopt : owned_view(op, it->second);
        if (!v) return NodeError(rpc_error::invalid_parameter, "Input not found or already spent");
        add_input(op, *v->out);
      }
    } else {
      // Largest coins first, confirmed before unconfirmed: few inputs, short unconfirmed chains.
      std::vector<OwnedView> coins;
      for_each_spendable([&](const OwnedView& v) { coins.push_back(v); });
      std::sort(coins.begin(), coins.end(), [](const OwnedView& a, const OwnedView& b) {
        if ((a.confirmations > 0) != (b.confirmations > 0)) return a.confirmations > 0;
        if (a.out->value != b.out->value) return a.out->value > b.out->value;
        return a.op < b.op;
      });
      const bool subtract = o.subtract_fee_from_first;
      for (const OwnedView& v : coins) {
        if (in_value >= total + (subtract ? 0 : fee_now(true))) break;
        add_input(v.op, *v.out);
      }
      if (in_value < total + (subtract ? 0 : fee_now(false)))
        return NodeError(rpc_error::wallet_insufficient_funds, "Insufficient funds");
    }
    if (o.subtract_fee_from_first) {
      // The fee comes out of the first output; whatever the inputs hold beyond is change.
      TxOut change_out{in_value - total, change_script};
      const bool with_change = change_out.value >= dust_threshold(change_out) && change_out.value > 0;
      m.outputs[0].value -= fee_now(with_change);
      if (m.outputs[0].value < dust_threshold(m.outputs[0]))
        return NodeError(rpc_error::wallet_error, "The transaction amount is too small to pay the fee");
      if (with_change) m.outputs.push_back(std::move(change_out));
    } else {
      TxOut change_out{in_value - total - fee_now(true), change_script};
      if (change_out.value >= dust_threshold(change_out) && change_out.value > 0)
        m.outputs.push_back(std::move(change_out));
      else if (in_value - total < fee_now(false))
        return NodeError(rpc_error::wallet_insufficient_funds, "Insufficient funds");
    }
    for (const TxOut& out : m.outputs)
      if (out.value < dust_threshold(out)) return NodeError(rpc_error::wallet_error, "Transaction amount too small");
    Transaction tx = sign_inputs(std::move(m), spent);
    if (o.submit) {
      AcceptOptions a;
      a.verify_scripts = opt_.verify_own_transactions;
      auto r = accept(tx, a);
      if (!r) return r.error();
    }
    return tx;
  }

  // ===== bulk generation =====

  NodeResult<int> generate_transactions(std::size_t count, std::size_t per_block, std::size_t outputs_per_tx) {
    if (per_block == 0 || outputs_per_tx == 0)
      return NodeError(rpc_error::invalid_parameter, "txs_per_block and outputs_per_tx must be positive");
    // Payees: a pool of faucet scripts of every template the coin has.
    const std::size_t pool_size = 1000;
    std::vector<AddressType> types = {AddressType::legacy};
    if (params_.segwit)
      types = {AddressType::bech32, AddressType::legacy, AddressType::p2sh_segwit, AddressType::bech32m};
    std::vector<Bytes> payees;
    for (std::size_t i = 0; i < pool_size; ++i) payees.push_back(script_of(take_key(), types[i % types.size()]));
    const Bytes change_script = coinbase_script();
    // Coins to spend, round robin: each transaction's change goes to the back of the queue,
    // so unconfirmed chains stay short (per_block / queue length deep).
    struct QueuedCoin {
      OutPoint op;
      TxOut out;
    };
    std::deque<QueuedCoin> queue;
    for_each_spendable([&](const OwnedView& v) {
      if (v.out->value >= 1'000'000) queue.push_back({v.op, *v.out});
    });
    if (queue.empty()) return NodeError(rpc_error::wallet_insufficient_funds, "Insufficient funds");
    const std::int64_t rate = opt_.faucet_fee_rate_sat_per_kvb;
    AcceptOptions a;
    a.verify_scripts = opt_.verify_own_transactions;
    int blocks = 0;
    std::size_t in_block = 0, payee = 0;
    // Batches of transactions whose inputs all exist already (each takes a different coin from
    // the queue) are signed in parallel, then accepted in order: signing is nearly all the work.
    const unsigned threads =
        std::clamp(opt_.signing_threads ? opt_.signing_threads : std::thread::hardware_concurrency(), 1u, 64u);
    std::vector<MutableTransaction> unsigned_txs;
    std::vector<TxOut> spent_coins;
    std::vector<Transaction> signed_txs;
    for (std::size_t n = 0; n < count;) {
      if (queue.empty()) return NodeError(rpc_error::wallet_insufficient_funds, "Insufficient funds");
      const std::size_t batch = std::min({queue.size(), count - n, per_block - in_block});
      unsigned_txs.clear();
      spent_coins.clear();
      for (std::size_t b = 0; b < batch; ++b) {
        QueuedCoin c = std::move(queue.front());
        queue.pop_front();
        MutableTransaction m;
        m.version = 2;
        m.inputs.push_back(TxIn{c.op, {}, mempool_sequence, {}});
        auto ref = key_of(c.out.script_pubkey);
        double vbytes = 10.5 + input_vbytes(ref ? ref->type : AddressType::legacy);
        std::int64_t paid = 0;
        for (std::size_t k = 0; k + 1 < outputs_per_tx; ++k) {
          const Bytes& s = payees[payee++ % payees.size()];
          const std::int64_t amount = 10'000 + static_cast<std::int64_t>((n + b + k * 7) % 1000);
          m.outputs.push_back(TxOut{amount, s});
          vbytes += 9 + s.size();
          paid += amount;
        }
        vbytes += 9 + change_script.size();
        const std::int64_t fee = fee_for(rate, static_cast<std::size_t>(std::ceil(vbytes)));
        const std::int64_t change = c.out.value - paid - fee;
        if (change < 1'000'000) continue;  // spent down: the coin leaves the queue
        m.outputs.push_back(TxOut{change, change_script});
        unsigned_txs.push_back(std::move(m));
        spent_coins.push_back(std::move(c.out));
      }
      signed_txs.assign(unsigned_txs.size(), Transaction());
      auto sign_part = [&](unsigned part) {
        for (std::size_t i = part; i < unsigned_txs.size(); i += threads)
          signed_txs[i] = sign_inputs(std::move(unsigned_txs[i]), {spent_coins[i]});
      };
      if (threads == 1 || unsigned_txs.size() < 8) {
        for (std::size_t i = 0; i < unsigned_txs.size(); ++i)
          signed_txs[i] = sign_inputs(std::move(unsigned_txs[i]), {spent_coins[i]});
      } else {
        std::vector<std::thread> workers;
        for (unsigned t = 1; t < threads; ++t) workers.emplace_back(sign_part, t);
        sign_part(0);
        for (std::thread& w : workers) w.join();
      }
      for (Transaction& tx : signed_txs) {
        auto r = accept(tx, a);
        if (!r) return r.error();
        queue.push_back(
            {OutPoint{tx.txid(), static_cast<std::uint32_t>(tx.outputs().size() - 1)}, tx.outputs().back()});
        ++n;
        if (++in_block == per_block) {
          mine(change_script);
          ++blocks;
          in_block = 0;
        }
      }
    }
    if (in_block) {
      mine(change_script);
      ++blocks;
    }
    return blocks;
  }

  // ===== state =====

  static constexpr std::uint32_t key_lookahead = 100;

  struct TxPos {
    BlockEntry* block;
    std::uint32_t index;
  };

  const ChainParams& params_;
  const Options& opt_;
  std::array<std::uint8_t, 32> target_{};
  std::uint64_t work_ = 0;
  std::unordered_map<BlockHash, std::unique_ptr<BlockEntry>> blocks_;
  std::vector<BlockEntry*> active_;
  std::uint64_t next_sequence_ = 0;
  boost::unordered_flat_map<OutPoint, UtxoCoin, Hasher> utxos_;
  boost::unordered_flat_map<Txid, TxPos, Hasher> txindex_;
  boost::unordered_flat_map<Txid, MempoolTx, Hasher> mempool_;
  boost::unordered_flat_map<OutPoint, Txid, Hasher> mempool_spends_;
  std::map<std::uint64_t, Txid> mempool_order_;
  std::uint64_t mempool_seq_ = 0;
  ExtPrivKey master_;
  std::vector<FaucetKey> keys_;
  std::uint32_t next_key_ = 1;
  boost::unordered_flat_map<std::string, KeyRef, StringHash, std::equal_to<>> scripts_;
  // The faucet's coins: outpoint -> -2 confirmed (in utxos_), -1 unconfirmed (in the mempool).
  boost::unordered_flat_map<OutPoint, int, Hasher> owned_;
  std::int64_t mock_time_ = 0;
  std::int64_t extra_nonce_ = 0;
  bool trusted_replay_ = false;
  boost::unordered_flat_set<BlockHash, Hasher> replay_failed_;
  BlockFile file_;
};

}  // namespace detail

// ===== BasicNode: lock, then ask the state =====

inline BasicNode::BasicNode(ChainParams params, Options options)
    : params_(std::move(params)), options_(std::move(options)) {
  state_ = std::make_unique<detail::NodeState>(params_, options_);
}

inline BasicNode::~BasicNode() = default;

inline int BasicNode::height() const {
  std::lock_guard lock(mutex_);
  return state_->height();
}

inline BlockHash BasicNode::tip() const {
  std::lock_guard lock(mutex_);
  return state_->tip()->hash;
}

inline ChainInfo BasicNode::chain_info() const {
  std::lock_guard lock(mutex_);
  const detail::BlockEntry& t = *state_->tip();
  return ChainInfo{t.height, t.hash, t.chainwork, t.header.time, t.mtp, t.header.bits, state_->file_.size()};
}

inline std::vector<ChainTip> BasicNode::chain_tips() const {
  std::lock_guard lock(mutex_);
  std::vector<ChainTip> out;
  for (auto& [h, e] : state_->blocks_) {
    if (!e->children.empty() && e.get() != state_->tip()) continue;  // leaves, and the active tip always
    ChainTip t{e->hash, e->height, 0, state_->status(*e)};
    for (const detail::BlockEntry* b = e.get(); b && !b->on_active; b = b->parent) ++t.branch_length;
    out.push_back(t);
  }
  std::sort(out.begin(), out.end(), [](const ChainTip& a, const ChainTip& b) { return a.height > b.height; });
  return out;
}

inline NodeResult<BlockHash> BasicNode::block_hash(int height) const {
  std::lock_guard lock(mutex_);
  if (height < 0 || height > state_->height())
    return NodeError(rpc_error::invalid_parameter, "Block height out of range");
  return state_->active_[static_cast<std::size_t>(height)]->hash;
}

inline NodeResult<BlockInfo> BasicNode::block(const BlockHash& hash) const {
  std::lock_guard lock(mutex_);
  const detail::BlockEntry* e = state_->find(hash);
  if (!e) return NodeError(rpc_error::invalid_address_or_key, "Block not found");
  return state_->info(*e);
}

inline std::vector<BlockHeader> BasicNode::headers(const BlockHash& hash, std::size_t count) const {
  std::lock_guard lock(mutex_);
  std::vector<BlockHeader> out;
  const detail::BlockEntry* e = state_->find(hash);
  if (!e || !e->on_active) return out;  // Core's REST walks the active chain only
  for (int h = e->height; h <= state_->height() && out.size() < count; ++h)
    out.push_back(state_->active_[static_cast<std::size_t>(h)]->header);
  return out;
}

inline NodeResult<std::vector<std::vector<TxOut>>> BasicNode::block_spent_outputs(const BlockHash& hash) const {
  std::lock_guard lock(mutex_);
  const detail::BlockEntry* e = state_->find(hash);
  if (!e) return NodeError(rpc_error::invalid_address_or_key, "Block not found");
  if (!e->on_active) return NodeError(rpc_error::invalid_address_or_key, "Undo data not available");
  const auto txs = state_->block_transactions(*e);
  std::vector<std::vector<TxOut>> out(txs.size());
  std::size_t k = 0;
  for (std::size_t t = 1; t < txs.size(); ++t)
    for (std::size_t i = 0; i < txs[t].inputs().size(); ++i) out[t].push_back(e->undo[k++].out);
  return out;
}

inline NodeResult<TxLookup> BasicNode::transaction(const Txid& txid, const std::optional<BlockHash>& block) const {
  std::lock_guard lock(mutex_);
  const detail::NodeState& s = *state_;
  auto from_block = [&](const detail::BlockEntry& e, std::uint32_t index) {
    TxLookup l;
    const ByteSpan raw(e.raw->data() + e.tx_offsets[index], e.tx_offsets[index + 1] - e.tx_offsets[index]);
    l.tx = Transaction::parse(raw);
    l.block_hash = e.hash;
    l.height = e.height;
    l.in_active_chain = e.on_active;
    l.confirmations = e.on_active ? s.height() - e.height + 1 : 0;
    l.block_time = e.header.time;
    return l;
  };
  if (block) {
    const detail::BlockEntry* e = s.find(*block);
    if (!e) return NodeError(rpc_error::invalid_address_or_key, "Block hash not found");
    for (std::uint32_t i = 0; i < e->txids.size(); ++i)
      if (e->txids[i] == txid) return from_block(*e, i);
    return NodeError(rpc_error::invalid_address_or_key,
                     "No such transaction found in the provided block. Use gettransaction for wallet transactions.");
  }
  if (auto it = s.mempool_.find(txid); it != s.mempool_.end()) {
    TxLookup l;
    l.tx = it->second.tx;
    return l;
  }
  if (auto it = s.txindex_.find(txid); it != s.txindex_.end()) return from_block(*it->second.block, it->second.index);
  return NodeError(rpc_error::invalid_address_or_key,
                   "No such mempool or blockchain transaction. Use gettransaction for wallet transactions.");
}

inline std::optional<BasicNode::UtxoEntry> BasicNode::utxo(const OutPoint& outpoint, bool include_mempool) const {
  std::lock_guard lock(mutex_);
  const detail::NodeState& s = *state_;
  if (include_mempool) {
    if (s.mempool_spends_.contains(outpoint)) return std::nullopt;
    if (auto it = s.mempool_.find(outpoint.txid); it != s.mempool_.end()) {
      if (outpoint.index >= it->second.tx.outputs().size()) return std::nullopt;
      return UtxoEntry{it->second.tx.outputs()[outpoint.index], -1, false};
    }
  }
  auto it = s.utxos_.find(outpoint);
  if (it == s.utxos_.end()) return std::nullopt;
  return UtxoEntry{it->second.out, it->second.height, it->second.coinbase};
}

inline std::vector<BlockHash> BasicNode::generate(int n, ByteSpan script_pubkey) {
  std::lock_guard lock(mutex_);
  const Bytes script =
      script_pubkey.empty() ? state_->coinbase_script() : Bytes(script_pubkey.begin(), script_pubkey.end());
  std::vector<BlockHash> out;
  for (int i = 0; i < n; ++i) out.push_back(state_->mine(script));
  return out;
}

inline NodeResult<std::vector<BlockHash>> BasicNode::generate_to_address(int n, std::string_view address) {
  auto script = to_script_pubkey(address, params_.network->address);
  if (!script) return NodeError(rpc_error::invalid_address_or_key, "Error: Invalid address");
  return generate(n, *script);
}

inline NodeResult<BlockHash> BasicNode::generate_block(ByteSpan script_pubkey, std::span<const BlockTxSource> sources) {
  std::lock_guard lock(mutex_);
  detail::NodeState& s = *state_;
  std::vector<Transaction> txs;
  for (const BlockTxSource& src : sources) {
    if (const Txid* id = std::get_if<Txid>(&src)) {
      auto it = s.mempool_.find(*id);
      if (it == s.mempool_.end())
        return NodeError(rpc_error::invalid_address_or_key, "Transaction " + id->to_hex() + " not in mempool.");
      txs.push_back(it->second.tx);
    } else {
      const Bytes& raw = std::get<Bytes>(src);
      auto tx = Transaction::try_parse(raw);
      if (!tx) return NodeError(rpc_error::deserialization_error, "Transaction decode failed for " + to_hex(raw));
      txs.push_back(std::move(*tx));
    }
  }
  // TestBlockValidity: build on a copy of the facts we need, i.e. try to connect and roll back.
  const Bytes script = script_pubkey.empty() ? s.coinbase_script() : Bytes(script_pubkey.begin(), script_pubkey.end());
  // Fees: from the coins each transaction spends (in the chain, earlier in the block, or the mempool).
  std::int64_t fees = 0;
  {
    boost::unordered_flat_map<OutPoint, std::int64_t, detail::Hasher> created;
    for (const Transaction& tx : txs) {
      std::int64_t in = 0, out = 0;
      for (const TxIn& i : tx.inputs()) {
        if (auto c = created.find(i.prevout); c != created.end())
          in += c->second;
        else if (auto u = s.utxos_.find(i.prevout); u != s.utxos_.end())
          in += u->second.out.value;
        else
          return NodeError(rpc_error::verify_error, "TestBlockValidity failed: bad-txns-inputs-missingorspent");
      }
      for (std::uint32_t n = 0; n < tx.outputs().size(); ++n) {
        out += tx.outputs()[n].value;
        created.emplace(OutPoint{tx.txid(), n}, tx.outputs()[n].value);
      }
      if (in < out) return NodeError(rpc_error::verify_error, "TestBlockValidity failed: bad-txns-in-belowout");
      fees += in - out;
    }
  }
  Block block = s.build_block(*s.tip(), script, txs, fees);
  detail::ParsedBlock pb;
  pb.header = block.header;
  pb.txs = block.transactions;
  if (auto r = s.check_block(pb, *s.tip()); !r.empty())
    return NodeError(rpc_error::verify_error, "TestBlockValidity failed: " + r);
  // Connect for real; on failure the state is rolled back by connect_block and nothing is stored.
  auto raw = std::make_shared<const Bytes>(block.serialize());
  auto parsed = detail::parse_block(*raw).value();
  detail::BlockEntry& e = s.add_entry(raw, parsed, s.tip());
  const std::string r = s.connect_block(e, parsed.txs, true);
  if (!r.empty()) {
    e.parent->children.pop_back();
    s.blocks_.erase(e.hash);
    return NodeError(rpc_error::verify_error, "TestBlockValidity failed: " + r);
  }
  s.file_.append(detail::BlockFile::block, *raw);
  return s.tip()->hash;
}

inline NodeResult<std::vector<BlockHash>> BasicNode::generate_on(const BlockHash& parent, int n, ByteSpan script_pubkey,
                                                                 bool include_mempool) {
  std::lock_guard lock(mutex_);
  detail::NodeState& s = *state_;
  detail::BlockEntry* p = s.find(parent);
  if (!p) return NodeError(rpc_error::invalid_address_or_key, "Block not found");
  if (p->invalid) return NodeError(rpc_error::invalid_parameter, "Block is invalid");
  const Bytes script = script_pubkey.empty() ? s.coinbase_script() : Bytes(script_pubkey.begin(), script_pubkey.end());
  std::vector<BlockHash> out;
  for (int i = 0; i < n; ++i) {
    if (p == s.tip()) {
      // On the tip this is plain mining (with the mempool if asked).
      const std::vector<Transaction> none;
      out.push_back(include_mempool ? s.mine(script) : s.mine(script, &none));
    } else {
      out.push_back(s.store_mined(s.build_block(*p, script, {}, 0), false));
    }
    p = s.find(out.back());
  }
  return out;
}

inline NodeResult<std::optional<std::string>> BasicNode::submit_block(ByteSpan raw) {
  std::lock_guard lock(mutex_);
  auto r = state_->accept_block(std::make_shared<const Bytes>(raw.begin(), raw.end()), false);
  if (!r) return r.error();
  return r->result;
}

inline void BasicNode::set_mock_time(std::int64_t unix_seconds) {
  std::lock_guard lock(mutex_);
  state_->mock_time_ = unix_seconds;
}

inline NodeResult<void> BasicNode::invalidate_block(const BlockHash& hash) {
  std::lock_guard lock(mutex_);
  return state_->invalidate(hash);
}

inline NodeResult<void> BasicNode::reconsider_block(const BlockHash& hash) {
  std::lock_guard lock(mutex_);
  return state_->reconsider(hash);
}

inline NodeResult<AcceptResult> BasicNode::send_raw_transaction(ByteSpan raw,
                                                                std::optional<std::int64_t> max_fee_rate) {
  auto tx = Transaction::try_parse(raw);
  if (!tx)
    return NodeError(rpc_error::deserialization_error, "TX decode failed. Make sure the tx has at least one input.");
  return send_transaction(*tx, max_fee_rate);
}

inline NodeResult<AcceptResult> BasicNode::send_transaction(const Transaction& tx,
                                                            std::optional<std::int64_t> max_fee_rate) {
  std::lock_guard lock(mutex_);
  detail::NodeState& s = *state_;
  // Already in the mempool with this witness: bitcoind answers with the txid again.
  if (auto it = s.mempool_.find(tx.txid()); it != s.mempool_.end() && it->second.tx.wtxid() == tx.wtxid())
    return AcceptResult{tx.txid(), tx.wtxid(), it->second.fee, it->second.vsize};
  detail::NodeState::AcceptOptions o;
  o.max_fee_rate = max_fee_rate.value_or(options_.max_fee_rate_sat_per_kvb);
  return s.accept(tx, o);
}

inline NodeResult<TestAcceptResult> BasicNode::test_mempool_accept(ByteSpan raw,
                                                                   std::optional<std::int64_t> max_fee_rate) {
  auto tx = Transaction::try_parse(raw);
  if (!tx)
    return NodeError(rpc_error::deserialization_error,
                     "TX decode failed: " + tx.error().message() + " Make sure the tx has at least one input.");
  std::lock_guard lock(mutex_);
  detail::NodeState::AcceptOptions o;
  o.test_only = true;
  o.max_fee_rate = max_fee_rate.value_or(options_.max_fee_rate_sat_per_kvb);
  TestAcceptResult out;
  out.txid = tx->txid();
  out.wtxid = tx->wtxid();
  auto r = state_->accept(*tx, o);
  if (r) {
    out.allowed = true;
    out.fee = r->fee;
    out.vsize = r->vsize;
  } else {
    out.error = r.error();
    if (out.error.reject_reason.empty()) out.error.reject_reason = out.error.message;
  }
  return out;
}

inline std::vector<Txid> BasicNode::mempool_txids() const {
  std::lock_guard lock(mutex_);
  std::vector<Txid> out;
  out.reserve(state_->mempool_order_.size());
  for (auto& [seq, txid] : state_->mempool_order_) out.push_back(txid);
  return out;
}

inline std::vector<MempoolEntryInfo> BasicNode::mempool_entries() const {
  std::lock_guard lock(mutex_);
  std::vector<MempoolEntryInfo> out;
  for (auto& [seq, txid] : state_->mempool_order_)
    out.push_back(state_->entry_info(state_->mempool_.find(txid)->second));
  return out;
}

inline NodeResult<MempoolEntryInfo> BasicNode::mempool_entry(const Txid& txid) const {
  std::lock_guard lock(mutex_);
  auto it = state_->mempool_.find(txid);
  if (it == state_->mempool_.end()) return NodeError(rpc_error::invalid_address_or_key, "Transaction not in mempool");
  return state_->entry_info(it->second);
}

inline MempoolInfo BasicNode::mempool_info() const {
  std::lock_guard lock(mutex_);
  MempoolInfo i;
  i.min_relay_fee_sat_per_kvb = options_.min_relay_fee_sat_per_kvb;
  for (auto& [txid, m] : state_->mempool_) {
    ++i.size;
    i.bytes += m.vsize;
    i.usage += m.size;
    i.total_fee += m.fee;
  }
  return i;
}

inline std::optional<std::int64_t> BasicNode::estimate_fee_sat_per_kvb(int conf_target) const {
  std::lock_guard lock(mutex_);
  const detail::NodeState& s = *state_;
  std::vector<std::int64_t> rates;
  const int blocks = std::clamp(conf_target, 1, 1008) * 2;
  for (int h = s.height(); h > 0 && h > s.height() - blocks; --h) {
    const auto& r = s.active_[static_cast<std::size_t>(h)]->fee_rates;
    rates.insert(rates.end(), r.begin(), r.end());
  }
  if (rates.empty()) return std::nullopt;
  std::sort(rates.begin(), rates.end());
  return std::max(rates[rates.size() / 2], options_.min_relay_fee_sat_per_kvb);
}

inline NodeResult<std::string> BasicNode::get_new_address(std::optional<std::string_view> type) {
  std::optional<AddressType> t = params_.segwit ? AddressType::bech32 : AddressType::legacy;
  if (type) {
    t = parse_address_type(*type);
    if (!t) return NodeError(rpc_error::invalid_address_or_key, "Unknown address type '" + std::string(*type) + "'");
  }
  auto script = new_script(*t);
  if (!script) return script.error();
  auto a = to_address(*script, params_.network->address);
  if (!a) return NodeError(rpc_error::wallet_error, "cannot encode the address");
  return *a;
}

inline NodeResult<Bytes> BasicNode::new_script(AddressType type) {
  std::lock_guard lock(mutex_);
  return state_->new_script(type);
}

inline Bytes BasicNode::faucet_script() const {
  std::lock_guard lock(mutex_);
  return state_->script_of(0, state_->default_type());
}

inline std::int64_t BasicNode::balance() const {
  std::lock_guard lock(mutex_);
  std::int64_t total = 0;
  state_->for_each_spendable([&](const detail::NodeState::OwnedView& v) { total += v.out->value; });
  return total;
}

inline std::int64_t BasicNode::immature_balance() const {
  std::lock_guard lock(mutex_);
  std::int64_t total = 0;
  for (auto& [op, st] : state_->owned_) {
    auto v = state_->owned_view(op, st);
    if (v && !state_->wallet_mature(*v)) total += v->out->value;
  }
  return total;
}

inline std::vector<Unspent> BasicNode::list_unspent(int min_conf, int max_conf) const {
  std::lock_guard lock(mutex_);
  std::vector<Unspent> out;
  state_->for_each_spendable([&](const detail::NodeState::OwnedView& v) {
    if (v.confirmations < min_conf || v.confirmations > max_conf) return;
    Unspent u;
    u.outpoint = v.op;
    u.script_pubkey = v.out->script_pubkey;
    if (auto a = to_address(v.out->script_pubkey, params_.network->address)) u.address = std::move(*a);
    u.amount = v.out->value;
    u.confirmations = v.confirmations;
    u.coinbase = v.coinbase;
    out.push_back(std::move(u));
  });
  std::sort(out.begin(), out.end(), [](const Unspent& a, const Unspent& b) {
    return a.confirmations != b.confirmations ? a.confirmations > b.confirmations : a.outpoint < b.outpoint;
  });
  return out;
}

inline NodeResult<Txid> BasicNode::send_to_address(std::string_view address, std::int64_t amount,
                                                   const SendOptions& o) {
  const std::pair<std::string, std::int64_t> p{std::string(address), amount};
  return send_many(std::span(&p, 1), o);
}

inline NodeResult<Txid> BasicNode::send_many(std::span<const std::pair<std::string, std::int64_t>> payments,
                                             const SendOptions& o) {
  std::vector<Payment> ps;
  for (const auto& [address, amount] : payments) {
    auto script = to_script_pubkey(address, params_.network->address);
    if (!script) return NodeError(rpc_error::invalid_address_or_key, "Invalid address: " + address);
    ps.push_back(Payment{std::move(*script), amount});
  }
  auto tx = send(ps, o);
  if (!tx) return tx.error();
  return tx->txid();
}

inline NodeResult<Transaction> BasicNode::send(std::span<const Payment> payments, const SendOptions& o) {
  std::lock_guard lock(mutex_);
  return state_->faucet_send(payments, o);
}

inline NodeResult<Transaction> BasicNode::sign(MutableTransaction tx) const {
  std::lock_guard lock(mutex_);
  detail::NodeState& s = *state_;
  std::vector<TxOut> spent;
  for (const TxIn& in : tx.inputs) {
    if (auto it = s.mempool_.find(in.prevout.txid);
        it != s.mempool_.end() && in.prevout.index < it->second.tx.outputs().size()) {
      spent.push_back(it->second.tx.outputs()[in.prevout.index]);
    } else if (auto u = s.utxos_.find(in.prevout); u != s.utxos_.end()) {
      spent.push_back(u->second.out);
    } else {
      return NodeError(rpc_error::invalid_address_or_key, "Input not found or already spent");
    }
  }
  return s.sign_inputs(std::move(tx), spent);
}

inline NodeResult<int> BasicNode::generate_transactions(std::size_t count, std::size_t txs_per_block,
                                                        std::size_t outputs_per_tx) {
  std::lock_guard lock(mutex_);
  return state_->generate_transactions(count, txs_per_block, outputs_per_tx);
}

}  // namespace coinkit::regtest
