// NodeState: the regtest node's chain, mempool and faucet wallet behind BasicNode's lock; its
// member bodies are in regtest/impl/, one file per section of this class.
#pragma once

#include <coinkit/regtest/node.hpp>

#include <coinkit/address/address.hpp>
#include <coinkit/chain/block_view.hpp>
#include <coinkit/chain/merkle.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/chain/sighash.hpp>
#include <coinkit/chain/target.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/random.hpp>
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
#include <memory>
#include <set>
#include <thread>
#include <unordered_map>

namespace coinkit::regtest::detail {

inline constexpr std::int64_t coin_value = 100'000'000;
inline constexpr std::int64_t max_money = 21'000'000 * coin_value;  // consensus (amount.h)
inline constexpr std::int64_t dust_relay_fee_sat_per_kvb = 3000;    // policy (DUST_RELAY_TX_FEE)
inline constexpr std::size_t max_standard_tx_weight = 400'000;      // policy
inline constexpr std::size_t coinbase_weight_reserve = 4000;        // the miner's room for the coinbase
inline constexpr std::uint32_t mempool_sequence = 0xfffffffd;       // the faucet's inputs: RBF-signalling, no BIP68
inline constexpr std::uint32_t truc_version = 3;                    // policy (TRUC_VERSION, BIP431)
inline constexpr std::size_t truc_max_vsize = 10'000;               // policy (TRUC_MAX_VSIZE)
inline constexpr std::size_t truc_child_max_vsize = 1'000;          // policy (TRUC_CHILD_MAX_VSIZE)
inline constexpr std::size_t max_package_count = 25;                // policy (MAX_PACKAGE_COUNT)
inline constexpr std::size_t max_package_weight = 404'000;          // policy (MAX_PACKAGE_WEIGHT)
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

// One wallet's keys and coins: the faucet's, or a named wallet's (createwallet). Its keys are
// the BIP32 children of `master`; `scripts` maps every template of every derived key to its key.
// Bodies in regtest/impl/node_faucet.ipp.
struct WalletState {
  COINKIT_DECL WalletState(const ChainParams& params, ExtPrivKey master_key, std::uint32_t first_key, bool keys);

  COINKIT_DECL const FaucetKey& key(std::uint32_t index);
  COINKIT_DECL Bytes script_of(std::uint32_t index, AddressType type);
  // A fresh key index, keeping the lookahead gap derived.
  COINKIT_DECL std::uint32_t take_key();
  // Whether an output pays this wallet. A key seen in use moves the gap ahead (BIP44's gap
  // limit), so a restart finds every faucet coin by replaying the chain with no wallet file.
  COINKIT_DECL bool is_mine(ByteSpan s);
  COINKIT_DECL std::optional<KeyRef> key_of(ByteSpan s) const;

  static constexpr std::uint32_t key_lookahead = 100;

  const ChainParams* params;
  ExtPrivKey master;
  std::vector<FaucetKey> keys;
  std::uint32_t next_key;
  boost::unordered_flat_map<std::string, KeyRef, StringHash, std::equal_to<>> scripts;
  // The wallet's coins: outpoint -> -2 confirmed (in utxos_), -1 unconfirmed (in the mempool).
  boost::unordered_flat_map<OutPoint, int, Hasher> owned;
  bool has_keys = true;             // false: createwallet's blank / disable_private_keys
  std::uint64_t load_sequence = 0;  // listwallets' order; 0: not loaded (the faucet: always 0)
};

inline std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
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

  COINKIT_DECL NodeState(const ChainParams& params, const Options& options);

  // ===== chain =====

  BlockEntry* tip() const noexcept { return active_.back(); }
  int height() const noexcept { return tip()->height; }

  COINKIT_DECL BlockEntry* find(const BlockHash& h) const;

  std::int64_t now() const { return mock_time_ ? mock_time_ : now_seconds(); }

  COINKIT_DECL std::int64_t subsidy(int height) const;

  COINKIT_DECL static std::uint32_t median_time_past(const BlockEntry* e);

  COINKIT_DECL Hash256 pow_hash(const BlockHeader& h) const;

  COINKIT_DECL BlockEntry& add_entry(std::shared_ptr<const Bytes> raw, const ParsedBlock& pb, BlockEntry* parent);

  std::vector<Transaction> block_transactions(const BlockEntry& e) const { return parse_block(*e.raw).value().txs; }

  COINKIT_DECL BlockStatus status(const BlockEntry& e) const noexcept;

  COINKIT_DECL BlockInfo info(const BlockEntry& e) const;

  // Recomputes `invalid` for every block from failed_self, parents before children.
  COINKIT_DECL void recompute_invalid();

  // The most-work valid block; ties go to the first seen. The tip wins ties against later blocks.
  COINKIT_DECL BlockEntry* best_candidate() const;

  // ===== connecting and disconnecting =====

  // Everything the transactions of a block must satisfy against the coins of its parent.
  // Applies the block to the coin set and returns "" or the rejection reason (and rolls back).
  COINKIT_DECL std::string connect_block(BlockEntry& e, const std::vector<Transaction>& txs, bool verify_scripts);

  // Undoes the tip; returns its transactions (for the mempool).
  COINKIT_DECL std::vector<Transaction> disconnect_tip();

  // Makes the most-work valid chain active. Returns the reason the first block that failed to
  // connect gave, if any. Transactions of disconnected blocks go back to the mempool.
  COINKIT_DECL std::string activate_best_chain(const std::vector<Transaction>* mined_txs = nullptr,
                                               BlockEntry* mined = nullptr);

  // ===== accepting blocks =====

  // CheckBlock and the contextual checks that need only the parent: "" or the reject reason.
  COINKIT_DECL std::string check_block(const ParsedBlock& pb, const BlockEntry& parent) const;

  COINKIT_DECL static Hash256 witness_commitment(const std::vector<Transaction>& txs, ByteSpan nonce);

  struct SubmitOutcome {
    BlockEntry* entry = nullptr;
    std::optional<std::string> result;  // nullopt: accepted and active
  };

  // submitblock's logic; `trusted` skips the proof of work only for replays of our own file.
  COINKIT_DECL NodeResult<SubmitOutcome> accept_block(std::shared_ptr<const Bytes> raw, bool from_file);

  // A block that failed to connect: remembered in the file, so a replay checks it again rather
  // than trusting it as one of ours.
  COINKIT_DECL void mark_failed(BlockEntry& e);

  COINKIT_DECL void replay(std::vector<BlockFile::Record> records);

  COINKIT_DECL NodeResult<void> invalidate(const BlockHash& h, bool from_file = false);

  COINKIT_DECL NodeResult<void> reconsider(const BlockHash& h, bool from_file = false);

  // ===== transactions =====

  // Core's CheckTransaction: structure and amounts, without context.
  COINKIT_DECL std::string check_transaction(const Transaction& tx) const;

  COINKIT_DECL static bool is_final(const Transaction& tx, int height, std::uint32_t mtp);

  COINKIT_DECL ScriptCheck verify_scripts_of(const Transaction& tx, std::vector<TxOut> spent) const;

  struct AcceptOptions {
    bool test_only = false;
    bool verify_scripts = true;
    std::int64_t max_fee_rate = 0;  // sat/kvB; 0: none
    bool from_reorg = false;        // returning from a disconnected block: no fee floor
    // Judged inside a package by the package feerate: a TRUC transaction's own fee may be below
    // the minimum relay fee (the caller checks the package's); no replacements.
    bool package_feerates = false;
  };

  COINKIT_DECL static NodeError reject(std::string reason, std::string detail = {});

  // Core's MemPoolAccept::PreChecks, PolicyScriptChecks and Finalize, in that order.
  COINKIT_DECL NodeResult<AcceptResult> accept(const Transaction& tx, const AcceptOptions& o);

  // Core's TRUC rules (BIP431, Core 28) for a version 3 transaction, or one spending an
  // unconfirmed version 3 parent: "" or the detail of a "TRUC-violation".
  COINKIT_DECL std::string check_truc(const Transaction& tx, std::size_t vsize, const std::vector<Txid>& parents,
                                      const std::vector<Txid>& conflicts) const;

  // submitpackage's validation (Core's AcceptPackage): `txs` is a well-formed child with parents.
  COINKIT_DECL PackageResult accept_package(const std::vector<Transaction>& txs, std::int64_t max_fee_rate);

  // BIP125: whether a transaction signals that it may be replaced (an input's sequence below
  // 0xfffffffe), and whether `tx` may replace `conflicts` (empty) or why not.
  COINKIT_DECL static bool signals_rbf(const Transaction& tx);
  COINKIT_DECL std::string check_replacement(const Transaction& tx, std::int64_t fee, std::size_t vsize,
                                             const std::vector<Txid>& conflicts,
                                             const std::vector<Txid>& parents) const;

  // Removes one mempool transaction, leaving its descendants (the caller's business).
  COINKIT_DECL void erase_from_mempool(const Txid& txid, bool confirmed);

  COINKIT_DECL void erase_with_descendants(const Txid& txid);

  // A block confirmed `tx`: it leaves the mempool, and so does whatever spent its inputs otherwise.
  COINKIT_DECL void remove_for_block(const Transaction& tx);

  // After a reorg: disconnected transactions first, then the old mempool, each re-accepted
  // against the new chain (Core's MaybeUpdateMempoolForReorg); what no longer fits is dropped.
  COINKIT_DECL void rebuild_mempool(std::vector<Transaction> returned);

  COINKIT_DECL MempoolEntryInfo entry_info(const MempoolTx& m) const;

  // ===== mining =====

  // Mempool transactions for a block: by fee rate, each with its unconfirmed ancestors first
  // (so a high-fee child pulls in its parent), within the weight budget; linear in the mempool.
  COINKIT_DECL std::vector<const MempoolTx*> select_transactions() const;

  // Builds, grinds and returns a block on `parent` paying `script`, with `txs` after the coinbase.
  COINKIT_DECL Block build_block(const BlockEntry& parent, ByteSpan script, std::vector<Transaction> txs,
                                 std::int64_t fees);

  // Mines one block on the tip from the mempool (or exactly `txs`), connects it, stores it.
  COINKIT_DECL BlockHash mine(ByteSpan script, const std::vector<Transaction>* exact = nullptr);

  COINKIT_DECL BlockHash store_mined(Block block, bool on_tip);

  // ===== wallets =====

  const FaucetKey& faucet_key(std::uint32_t index) { return faucet_.key(index); }
  Bytes script_of(std::uint32_t index, AddressType type) { return faucet_.script_of(index, type); }
  std::uint32_t take_key() { return faucet_.take_key(); }

  AddressType default_type() const noexcept { return params_.segwit ? AddressType::bech32 : AddressType::legacy; }
  Bytes coinbase_script() { return script_of(0, default_type()); }

  // The faucet (nullopt) or a loaded named wallet; nullptr when there is no such wallet loaded.
  COINKIT_DECL WalletState* wallet(std::optional<std::string_view> name);
  const WalletState* wallet(std::optional<std::string_view> name) const {
    return const_cast<NodeState*>(this)->wallet(name);
  }

  template <class F>
  void for_each_wallet(F&& f) {
    f(faucet_);
    for (auto& [name, w] : wallets_) f(*w);
  }
  // An output every wallet it pays counts as its coin (-2 confirmed, -1 in the mempool).
  COINKIT_DECL void track(const OutPoint& op, ByteSpan script, int state);
  void untrack(const OutPoint& op) {
    for_each_wallet([&](WalletState& w) { w.owned.erase(op); });
  }
  // The key of any wallet that owns `script` (the faucet first), for signing.
  COINKIT_DECL const FaucetKey* signing_key(ByteSpan script, AddressType& type) const;

  COINKIT_DECL NodeResult<Bytes> new_script(WalletState& w, AddressType type);

  // A faucet coin's current state: value, script, confirmations (0 unconfirmed), coinbase.
  struct OwnedView {
    OutPoint op;
    const TxOut* out;
    int confirmations;
    bool coinbase;
  };

  COINKIT_DECL std::optional<OwnedView> owned_view(const OutPoint& op, int state) const;

  // Wallet maturity: a coinbase needs 101 confirmations (Core's GetBlocksToMaturity).
  bool wallet_mature(const OwnedView& v) const { return !v.coinbase || v.confirmations > params_.coinbase_maturity; }

  template <class F>
  void for_each_spendable(const WalletState& w, F&& f) const {
    for (auto& [op, state] : w.owned) {
      if (mempool_spends_.contains(op)) continue;
      auto v = owned_view(op, state);
      if (v && wallet_mature(*v)) f(*v);
    }
  }

  // Signs every input of `tx` that spends a coin of a wallet; `spent` holds each input's coin.
  COINKIT_DECL Transaction sign_inputs(MutableTransaction m, const std::vector<TxOut>& spent) const;

  // Pays from the faucet or o.wallet (-18 "Requested wallet does not exist or is not loaded").
  COINKIT_DECL NodeResult<Transaction> faucet_send(std::span<const Payment> payments, const SendOptions& o);

  // ===== bulk generation =====

  COINKIT_DECL NodeResult<int> generate_transactions(std::size_t count, std::size_t per_block,
                                                     std::size_t outputs_per_tx);

  // ===== state =====

  static constexpr std::uint32_t key_lookahead = WalletState::key_lookahead;

  struct TxPos {
    BlockEntry* block;
    std::uint32_t index;
  };

  const ChainParams& params_;
  const Options& opt_;
  Target target_;
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
  WalletState faucet_;  // key 0 is the coinbase key
  // createwallet's wallets, loaded or not (an unloaded one keeps following the chain).
  std::map<std::string, std::unique_ptr<WalletState>, std::less<>> wallets_;
  std::uint64_t wallet_loads_ = 0;
  std::int64_t mock_time_ = 0;
  std::int64_t extra_nonce_ = 0;
  bool trusted_replay_ = false;
  boost::unordered_flat_set<BlockHash, Hasher> replay_failed_;
  BlockFile file_;
};

}  // namespace coinkit::regtest::detail
