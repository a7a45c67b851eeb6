// Node<Coin>: an embedded regtest node: chain, mining, mempool, validation, reorgs, faucet wallet, persistence.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/chain/block.hpp>
#include <coinkit/chain/block_header.hpp>
#include <coinkit/chain/hashes.hpp>
#include <coinkit/chain/outpoint.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/coins/ltc.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/regtest/chain_params.hpp>
#include <coinkit/regtest/node_error.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace coinkit::regtest {

namespace detail {
struct NodeState;  // everything behind the mutex (impl/node.ipp)
}

// --- what the node answers ------------------------------------------------------------------

// Where a known block stands (getchaintips' "status").
enum class BlockStatus {
  active,         // on the best chain
  valid_fork,     // fully validated once, now on a stale branch ("valid-fork")
  valid_headers,  // stored, never connected: a branch with less work ("valid-headers")
  invalid,        // failed validation, invalidated, or descends from such a block
};
std::string_view to_string(BlockStatus s) noexcept;
inline std::ostream& operator<<(std::ostream& os, BlockStatus s) { return os << to_string(s); }

// A known block, active or stale (getblock / getblockheader).
struct BlockInfo {
  BlockHash hash;
  BlockHeader header;
  int height = 0;
  int confirmations = -1;              // bitcoind: -1 when not on the active chain
  std::optional<BlockHash> next_hash;  // the active chain's next block, if any
  std::uint64_t chainwork = 0;         // total work up to and including this block
  std::uint32_t median_time_past = 0;  // of this block and its 10 predecessors
  BlockStatus status = BlockStatus::valid_headers;
  std::size_t tx_count = 0;
  std::size_t size = 0;           // serialized with witness
  std::size_t stripped_size = 0;  // without witness
  std::size_t weight = 0;
  std::shared_ptr<const Bytes> raw;  // the serialized block (shared, never copied)
};

// The 64 hex digits bitcoind prints for "chainwork".
std::string chainwork_hex(std::uint64_t work);

// getblockchaininfo.
struct ChainInfo {
  int height = 0;
  BlockHash best_hash;
  std::uint64_t chainwork = 0;
  std::uint32_t time = 0;              // of the tip
  std::uint32_t median_time_past = 0;  // of the tip
  std::uint32_t bits = 0;              // of the tip
  std::uint64_t size_on_disk = 0;      // bytes of the block file (0 in memory)
};

// getchaintips: one per leaf of the block tree.
struct ChainTip {
  BlockHash hash;
  int height = 0;
  int branch_length = 0;  // blocks back to the active chain
  BlockStatus status = BlockStatus::active;
};

// A transaction found by txid (getrawtransaction with the txindex).
struct TxLookup {
  Transaction tx;
  std::optional<BlockHash> block_hash;  // nullopt: in the mempool
  int height = -1;                      // -1 in the mempool
  int confirmations = 0;                // 0 in the mempool or on a stale block
  std::uint32_t block_time = 0;
  bool in_active_chain = false;
};

// getmempoolentry / getrawmempool verbose. Sizes are virtual sizes (vbytes), fees satoshis.
struct MempoolEntryInfo {
  Txid txid;
  Wtxid wtxid;
  std::int64_t fee = 0;
  std::size_t vsize = 0;
  std::size_t weight = 0;
  std::int64_t time = 0;                                  // unix seconds when it entered
  int height = 0;                                         // chain height when it entered
  std::size_t descendant_count = 0, descendant_size = 0;  // each including the tx itself
  std::int64_t descendant_fees = 0;
  std::size_t ancestor_count = 0, ancestor_size = 0;
  std::int64_t ancestor_fees = 0;
  std::vector<Txid> depends;   // unconfirmed parents
  std::vector<Txid> spent_by;  // unconfirmed children
};

// getmempoolinfo.
struct MempoolInfo {
  std::size_t size = 0;   // transactions
  std::size_t bytes = 0;  // sum of vsizes
  std::size_t usage = 0;  // sum of serialized sizes (an estimate of memory)
  std::int64_t total_fee = 0;
  std::int64_t min_relay_fee_sat_per_kvb = 0;
};

// A transaction the mempool accepted, or would accept (sendrawtransaction / testmempoolaccept).
struct AcceptResult {
  Txid txid;
  Wtxid wtxid;
  std::int64_t fee = 0;
  std::size_t vsize = 0;
  std::vector<Txid> replaced = {};  // BIP125: the mempool transactions it replaced directly
};

// submitpackage's answer for one transaction of a package (Core's MempoolAcceptResult).
struct PackageTxResult {
  Txid txid;
  Wtxid wtxid;
  std::optional<Wtxid> other_wtxid;  // the same txid with another witness was in the mempool: ignored
  std::int64_t fee = 0;              // accepted, or already in the mempool
  std::size_t vsize = 0;
  // Accepted now (not already in the mempool): the feerate it was judged by (sat/kvB) and the
  // wtxids whose fees and sizes that rate adds up (itself, or the package evaluated together).
  std::optional<std::int64_t> effective_fee_rate_sat_per_kvb;
  std::vector<Wtxid> effective_includes;
  std::optional<std::string> error;  // rejected: Core's ValidationState::ToString ("reason, detail")
};

// submitpackage. package_msg is "success" when every transaction is in the mempool, "transaction
// failed" when one was rejected, or the package-wide reason ("package-not-sorted", ...), in which
// case no transaction was evaluated and `txs` is empty.
struct PackageResult {
  std::string package_msg;
  std::vector<PackageTxResult> txs;  // in package order
  std::vector<Txid> replaced;        // sorted
};

// testmempoolaccept's answer for one transaction that decoded.
struct TestAcceptResult {
  Txid txid;
  Wtxid wtxid;
  bool allowed = false;
  std::int64_t fee = 0;   // when allowed
  std::size_t vsize = 0;  // when allowed
  NodeError error;        // when not: error.reject_reason is "reject-reason"
};

// bitcoind's wallet address types (getnewaddress's address_type).
enum class AddressType { legacy, p2sh_segwit, bech32, bech32m };
// "legacy", "p2sh-segwit", "bech32", "bech32m"; nullopt for other text.
std::optional<AddressType> parse_address_type(std::string_view s) noexcept;
std::string_view to_string(AddressType t) noexcept;
inline std::ostream& operator<<(std::ostream& os, AddressType t) { return os << to_string(t); }

// listunspent.
struct Unspent {
  OutPoint outpoint;
  std::string address;
  Bytes script_pubkey;
  std::int64_t amount = 0;
  int confirmations = 0;
  bool coinbase = false;
};

// An output to pay: by script, so any template can be paid (addresses convert with to_script_pubkey).
struct Payment {
  Bytes script_pubkey;
  std::int64_t amount = 0;
};

// How the faucet (or a named wallet) builds a transaction.
struct SendOptions {
  std::int64_t fee_rate_sat_per_kvb = 0;             // 0: Node::Options::faucet_fee_rate_sat_per_kvb
  std::vector<OutPoint> inputs;                      // coin control: spend exactly these faucet outputs
  bool submit = true;                                // false: build and sign only (tests craft double spends with it)
  bool subtract_fee_from_first = false;              // sendtoaddress's subtractfeefromamount
  std::optional<std::string> wallet = std::nullopt;  // the named wallet that pays; nullopt: the faucet
};

// loadwallet's outcomes.
enum class WalletLoad { loaded, not_found, already_loaded };

// One entry of generateblock's "transactions": a raw transaction or the txid of a mempool one.
using BlockTxSource = std::variant<Bytes, Txid>;

// --- the node --------------------------------------------------------------------------------

// The coin-independent node: everything lives here, behind one mutex, so the RPC server's io
// thread and a mining timer may call it concurrently. Node<Coin> only supplies the ChainParams.
class BasicNode {
 public:
  struct Options {
    std::filesystem::path datadir;                  // empty: in memory only; else blocks persist in datadir/blocks.dat
    std::int64_t min_relay_fee_sat_per_kvb = 1000;  // -minrelaytxfee (bitcoind's default)
    std::int64_t incremental_relay_fee_sat_per_kvb = 1000;  // -incrementalrelayfee: a replacement's extra fee
    std::int64_t max_fee_rate_sat_per_kvb = 10'000'000;     // sendrawtransaction's default maxfeerate (0.10/kvB)
    std::int64_t faucet_fee_rate_sat_per_kvb = 2000;        // the wallet's fee rate (-fallbackfee)
    std::string faucet_seed = "coinkit regtest faucet";     // BIP32 seed text; same seed, same keys
    // Verify the signatures of the faucet's own transactions too (false: they are trusted, which
    // the bulk generators rely on; everything submitted from outside is always verified).
    bool verify_own_transactions = false;
    // Threads that sign generate_transactions' batches (0: one per hardware thread).
    unsigned signing_threads = 0;
    std::size_t max_block_weight = 4'000'000;  // BIP141; BCH uses max_block_size instead
    std::size_t max_block_size = 32'000'000;   // BCH's excessive block size
  };

  BasicNode(ChainParams params, Options options);
  ~BasicNode();
  BasicNode(const BasicNode&) = delete;
  BasicNode& operator=(const BasicNode&) = delete;

  const ChainParams& params() const noexcept { return params_; }
  const Options& options() const noexcept { return options_; }

  // --- chain queries ---
  int height() const;
  BlockHash tip() const;
  ChainInfo chain_info() const;
  std::vector<ChainTip> chain_tips() const;
  // The active chain's block at `height`: -8 "Block height out of range".
  NodeResult<BlockHash> block_hash(int height) const;
  // Any known block (active or stale): -5 "Block not found".
  NodeResult<BlockInfo> block(const BlockHash& hash) const;
  // Up to `count` headers from `hash` along the active chain (REST /headers); empty if `hash` is
  // unknown or not on the active chain.
  std::vector<BlockHeader> headers(const BlockHash& hash, std::size_t count) const;
  // The outputs each transaction of an active block spent (undo data; the coinbase gets none),
  // for getblock verbosity 2's fees and "prevout". -5 if unknown or not active.
  NodeResult<std::vector<std::vector<TxOut>>> block_spent_outputs(const BlockHash& hash) const;
  // By txid: the mempool, then the active chain (txindex); with `block`, only inside that block.
  // -5 "No such mempool or blockchain transaction. Use gettransaction for wallet transactions."
  NodeResult<TxLookup> transaction(const Txid& txid, const std::optional<BlockHash>& block = std::nullopt) const;
  // An unspent output of the active chain (gettxout); with `include_mempool`, spent-in-mempool
  // outputs are absent and mempool outputs present. nullopt when none.
  struct UtxoEntry {
    TxOut out;
    int height = -1;  // -1: in the mempool
    bool coinbase = false;
  };
  std::optional<UtxoEntry> utxo(const OutPoint& outpoint, bool include_mempool = true) const;

  // --- mining ---
  // n blocks on the tip paying `script_pubkey` (the faucet's when empty), each filled from the
  // mempool by fee rate with ancestors first. The hashes, oldest first.
  std::vector<BlockHash> generate(int n, ByteSpan script_pubkey = {});
  // generatetoaddress: -5 "Error: Invalid address" when the address is not this chain's.
  NodeResult<std::vector<BlockHash>> generate_to_address(int n, std::string_view address);
  // generateblock: one block with exactly these transactions, in order (raw ones need not be in
  // the mempool). -5 "Transaction <txid> not in mempool.", -22 "Transaction decode failed for
  // <hex>", -25 "TestBlockValidity failed: <reason>".
  NodeResult<BlockHash> generate_block(ByteSpan script_pubkey, std::span<const BlockTxSource> txs);
  // n blocks on top of `parent` (any known valid block): a competing branch of any depth. With
  // `include_mempool` and `parent` the tip, the blocks take the mempool's transactions as
  // generate() does; on an older parent they hold only their coinbase.
  // The branch becomes active when it has more work. -5 "Block not found".
  NodeResult<std::vector<BlockHash>> generate_on(const BlockHash& parent, int n, ByteSpan script_pubkey = {},
                                                 bool include_mempool = false);
  // submitblock: nullopt when accepted (bitcoind's null), else its result string: "duplicate",
  // "duplicate-invalid", "inconclusive", "prev-blk-not-found", "high-hash", "bad-diffbits",
  // "bad-txnmrklroot", "bad-cb-height", "bad-cb-amount", "bad-witness-nonce-size",
  // "bad-witness-merkle-match", "unexpected-witness", "time-too-old", "bad-txns-..." ...
  // -22 "Block decode failed" / "Block does not start with a coinbase" when it does not parse.
  NodeResult<std::optional<std::string>> submit_block(ByteSpan raw);
  // setmocktime: block times and mempool entry times use it (0: the clock again).
  void set_mock_time(std::int64_t unix_seconds);

  // --- reorgs ---
  // invalidateblock / reconsiderblock: -5 "Block not found". Disconnected transactions go back to
  // the mempool when still valid; the most-work valid chain becomes active (ties: first seen).
  NodeResult<void> invalidate_block(const BlockHash& hash);
  NodeResult<void> reconsider_block(const BlockHash& hash);

  // --- mempool ---
  // sendrawtransaction. -22 "TX decode failed. Make sure the tx has at least one input.",
  // -26 <reason> on rejection, -25 "bad-txns-inputs-missingorspent" for missing inputs,
  // -27 "Transaction outputs already in utxo set", -25 "Fee exceeds maximum configured by user
  // (e.g. -maxtxfee, maxfeerate)". `max_fee_rate_sat_per_kvb` 0 means no limit; nullopt the default.
  NodeResult<AcceptResult> send_raw_transaction(ByteSpan raw,
                                                std::optional<std::int64_t> max_fee_rate_sat_per_kvb = std::nullopt);
  NodeResult<AcceptResult> send_transaction(const Transaction& tx,
                                            std::optional<std::int64_t> max_fee_rate_sat_per_kvb = std::nullopt);
  // submitpackage: a child with its unconfirmed parents (or one transaction), parents first, as
  // Core 29's AcceptPackage takes it: each transaction alone first; one that fails only on its
  // feerate (a TRUC, version 3, transaction below the minimum relay fee) or on inputs an earlier
  // failure left missing is then judged with the others by their package feerate (CPFP). -25
  // "package topology disallowed. not child-with-parents or parents depend on each other."
  NodeResult<PackageResult> submit_package(std::span<const Transaction> txs,
                                           std::optional<std::int64_t> max_fee_rate_sat_per_kvb = std::nullopt);
  // testmempoolaccept of one transaction: nothing changes. -22 when it does not decode.
  NodeResult<TestAcceptResult> test_mempool_accept(ByteSpan raw,
                                                   std::optional<std::int64_t> max_fee_rate_sat_per_kvb = std::nullopt);
  std::vector<Txid> mempool_txids() const;  // in arrival order
  std::vector<MempoolEntryInfo> mempool_entries() const;
  // -5 "Transaction not in mempool"
  NodeResult<MempoolEntryInfo> mempool_entry(const Txid& txid) const;
  MempoolInfo mempool_info() const;
  // estimatesmartfee: a fee rate (sat/kvB) from the transactions of the last blocks, nullopt
  // without data ("Insufficient data or no feerate found").
  std::optional<std::int64_t> estimate_fee_sat_per_kvb(int conf_target) const;

  // --- wallets: the faucet (BIP32 keys from Options::faucet_seed) and bitcoind's named wallets ---
  // The `wallet` arguments below: nullopt is the faucet; a name is a wallet create_wallet made
  // (one that does not exist or is not loaded holds nothing). Named wallets live in memory only:
  // each has its own keys (from a random seed) and coins, and gets coins only when paid.
  //
  // getnewaddress: a fresh key as an address of `type` (default: bech32 for segwit coins, legacy
  // otherwise). -5 "Unknown address type '<s>'" / -8 for types the coin lacks, -12 "Error: This
  // wallet has no available keys" for a wallet made without keys.
  NodeResult<std::string> get_new_address(std::optional<std::string_view> type = std::nullopt,
                                          std::optional<std::string_view> wallet = std::nullopt);
  // The script of a fresh key (what get_new_address encodes).
  NodeResult<Bytes> new_script(AddressType type, std::optional<std::string_view> wallet = std::nullopt);
  // The faucet's coinbase script (blocks generated without a script pay it).
  Bytes faucet_script() const;
  // getbalance: mature confirmed outputs and unconfirmed ones in the mempool.
  std::int64_t balance(std::optional<std::string_view> wallet = std::nullopt) const;
  std::int64_t immature_balance(std::optional<std::string_view> wallet = std::nullopt) const;
  // listunspent: outputs with min_conf <= confirmations <= max_conf, immature coinbases left out.
  std::vector<Unspent> list_unspent(int min_conf = 1, int max_conf = 9'999'999,
                                    std::optional<std::string_view> wallet = std::nullopt) const;
  // createwallet: a new, loaded wallet with no coins (`with_keys` false: createwallet's blank or
  // disable_private_keys, a wallet that gives no addresses). False when the name is taken,
  // loaded or not.
  bool create_wallet(std::string_view name, bool with_keys = true);
  // loadwallet / unloadwallet. An unloaded wallet keeps following the chain (bitcoind rescans
  // when it loads one again), so loading it again finds every coin it was paid meanwhile.
  WalletLoad load_wallet(std::string_view name);
  bool unload_wallet(std::string_view name);  // false: no such wallet loaded
  // listwallets: the loaded named wallets, in the order they were loaded.
  std::vector<std::string> wallets() const;
  bool wallet_loaded(std::string_view name) const;
  // sendtoaddress / sendmany: build, sign, submit, from the faucet or SendOptions::wallet. -5
  // "Invalid address: <a>", -3 "Invalid amount", -6 "Insufficient funds", plus any mempool rejection.
  NodeResult<Txid> send_to_address(std::string_view address, std::int64_t amount, const SendOptions& o = {});
  NodeResult<Txid> send_many(std::span<const std::pair<std::string, std::int64_t>> payments, const SendOptions& o = {});
  // Pays any scripts; with o.submit false returns the signed transaction without submitting it.
  NodeResult<Transaction> send(std::span<const Payment> payments, const SendOptions& o = {});
  // Signs the inputs of `tx` that spend outputs of the faucet or a named wallet (looked up in the
  // chain or mempool), with
  // each coin's own template (p2pkh, p2sh-p2wpkh, p2wpkh, p2tr key path; FORKID on BCH).
  NodeResult<Transaction> sign(MutableTransaction tx) const;
  // The same with the coins each input spends given (signrawtransactionwithwallet's prevtxs):
  // a child of a transaction not submitted yet, for a package.
  NodeResult<Transaction> sign(MutableTransaction tx, std::span<const TxOut> spent) const;

  // Bulk generation for benchmarks and the indexer's test chains: `count` transactions, each
  // paying `outputs_per_tx` fresh-key outputs (cycling p2pkh/p2sh-p2wpkh/p2wpkh/p2tr where the
  // coin has them), mined `txs_per_block` to a block. Builds and signs in batches; returns the
  // number of blocks mined. Needs a funded faucet (generate 101+ blocks first).
  NodeResult<int> generate_transactions(std::size_t count, std::size_t txs_per_block, std::size_t outputs_per_tx = 2);

 private:
  ChainParams params_;
  Options options_;
  mutable std::mutex mutex_;
  std::unique_ptr<detail::NodeState> state_;
};

// The node of one coin's regtest network (BtcPolicy, BchPolicy, LtcPolicy).
template <CoinPolicy Coin>
class Node : public BasicNode {
 public:
  using Options = BasicNode::Options;
  explicit Node(Options options = {}) : BasicNode(chain_params<Coin>(), std::move(options)) {}
};

}  // namespace coinkit::regtest

#if COINKIT_HEADER_ONLY
#include <coinkit/regtest/impl/node.ipp>
#endif
