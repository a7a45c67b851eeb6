// Initial sync of the Electrum indexer (Indexer<BtcPolicy, LmdbStorage>) from a bitcoind stand-in
// (BlockFeeder, in a child process so the indexer's memory is measured alone): wall time,
// blocks/s, tx/s, MB/s, peak RSS, database bytes per transaction, and where the time went.
// A small harness rather than Google Benchmark: each figure is one run of minutes.
//
//   bench-indexer_sync --mainnet <blk file>   # real mainnet blocks 0..4312 (framed, as blk*.dat)
//   bench-indexer_sync --synthetic [N]        # N transactions (default 1,000,000) shaped like real
//                                             # segwit-era blocks, on regtest
//   bench-indexer_sync --empty [N] [--live]   # N blocks holding only a coinbase (default 5,000):
//                                             # the per-block cost. --live: the indexer first
//                                             # catches up with a node at height 0, which then
//                                             # gets N blocks ahead at once
// Options: --cache-mb N (default: IndexerOptions' 512), --no-sync (sync_to_disk false),
// --tx-per-block N (1,664), --seed N, --no-rest (blocks by getblock), --db DIR, --keep,
// --shapes 574200[,...] (transaction shapes from these blocks only), --record FILE (appends the
// figures as one JSON line). The process exits 1 unless the index holds exactly the history
// entries, scripts and unspent outputs an independent count over the blocks finds.
//
// The synthetic chain. Every transaction copies the shape of a transaction drawn at random from
// 11 real blocks (831328..831335, 702861, 574200, 540107): its input count with each input's
// scriptSig and witness item lengths (dummy bytes), its output count with each output's script
// type and length. Spends and script reuse follow what the 831328..831335 run shows: the share of
// inputs spending an output of the same block and of the block before, the rest an age drawn
// log-uniformly over the chain (which matches the run's ages 2..5 blocks); the share of outputs
// paying a script already paid (preferential: a random earlier output's script of the same
// type). Coinbase first with a BIP34 height and a witness commitment; merkle roots correct;
// headers linked; no proof of work. Block 0 is the real regtest genesis block; block 1 is a
// funding coinbase (20,000 outputs) for the first spends.
#include "support/block_feeder.hpp"

#include <coinkit/chain/block_view.hpp>
#include <coinkit/chain/merkle.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/indexer/indexer.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/regtest/chain_params.hpp>

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <lmdb.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace coinkit;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Peak resident set of this process (ru_maxrss, KiB on Linux), and of waited-for children.
long peak_rss_kib(int who = RUSAGE_SELF) {
  rusage u{};
  getrusage(who, &u);
  return u.ru_maxrss;
}
// Resident memory now, from /proc/self/status: anonymous (heap: caches, LMDB's dirty pages) and
// file-backed (LMDB's read-only map of data.mdb, page cache the kernel can drop).
struct Rss {
  long anon_kib = 0, file_kib = 0;
  long total() const { return anon_kib + file_kib; }
};
Rss rss_now() {
  std::ifstream in("/proc/self/status");
  Rss r;
  std::string key;
  long value;
  while (in >> key) {
    if (key == "RssAnon:" && in >> value) r.anon_kib = value;
    if (key == "RssFile:" && in >> value) r.file_kib = value;
  }
  return r;
}
long current_rss_kib() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}
// CPU seconds (user + system) from a /proc/.../stat file; 0 when it cannot be read.
double stat_cpu_seconds(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (stat.find(')') == std::string::npos) return 0;
  // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 1; i <= 13 && rest >> field; ++i)
    if (i >= 12) ticks += std::stod(field);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}
// CPU seconds of each thread of this process but the calling one, in creation order: the
// indexer's run thread (applies and flushes), Asio's resolver thread (its first connection, to
// check the genesis block), the prefetcher's thread.
std::vector<double> thread_cpu_seconds() {
  std::vector<std::pair<long, double>> threads;
  const long self = static_cast<long>(gettid());
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
    const long tid = std::stol(e.path().filename().string());
    if (tid == self) continue;
    threads.emplace_back(tid, stat_cpu_seconds(e.path() / "stat"));
  }
  std::sort(threads.begin(), threads.end());
  std::vector<double> out;
  for (const auto& t : threads) out.push_back(t.second);
  return out;
}
// CPU seconds (user + system) another process has used so far.
double process_cpu_seconds(pid_t pid) { return stat_cpu_seconds("/proc/" + std::to_string(pid) + "/stat"); }
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

Bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Bitcoin Core's block files: f9beb4d9, LE u32 size, block; zero padding may follow.
std::vector<Bytes> split_framed(const Bytes& data) {
  static constexpr std::uint8_t magic[4] = {0xf9, 0xbe, 0xb4, 0xd9};
  std::vector<Bytes> blocks;
  std::size_t pos = 0;
  while (pos + 8 <= data.size() && std::equal(magic, magic + 4, data.begin() + static_cast<std::ptrdiff_t>(pos))) {
    const std::size_t size = load_le<std::uint32_t>(data.data() + pos + 4);
    pos += 8;
    if (data.size() - pos < size) throw std::runtime_error("a framed block runs past the end of the file");
    blocks.emplace_back(data.begin() + static_cast<std::ptrdiff_t>(pos),
                        data.begin() + static_cast<std::ptrdiff_t>(pos + size));
    pos += size;
  }
  return blocks;
}

// --- byte writing -------------------------------------------------------------------------------

void put_u32(Bytes& out, std::uint32_t v) {
  const std::size_t n = out.size();
  out.resize(n + 4);
  store_le(out.data() + n, v);
}
void put_u64(Bytes& out, std::uint64_t v) {
  const std::size_t n = out.size();
  out.resize(n + 8);
  store_le(out.data() + n, v);
}
void put_compact(Bytes& out, std::uint64_t v) {
  if (v < 0xfd) {
    out.push_back(static_cast<std::uint8_t>(v));
  } else if (v <= 0xffff) {
    out.push_back(0xfd);
    const std::size_t n = out.size();
    out.resize(n + 2);
    store_le(out.data() + n, static_cast<std::uint16_t>(v));
  } else {
    out.push_back(0xfe);
    put_u32(out, static_cast<std::uint32_t>(v));
  }
}

// --- what the index must hold: an independent count over the raw blocks --------------------------

struct ChainCounts {
  std::uint64_t blocks = 0, txs = 0, inputs = 0, outputs = 0, bytes = 0;
  std::uint64_t history = 0, utxos = 0, scripts = 0;  // what the index should hold
};

// Counts history entries ((script, tx) pairs), live outputs and distinct scripts the way the
// indexer defines them: every spendable output of every block but the genesis block (its coinbase
// can never be spent), every input but coinbases'.
ChainCounts count_expected(const std::vector<Bytes>& blocks) {
  ChainCounts c;
  struct OutKeyHash {
    std::size_t operator()(const std::pair<Txid, std::uint32_t>& k) const noexcept {
      std::size_t v;
      std::memcpy(&v, k.first.data(), sizeof v);
      return v ^ (k.second * 0x9e3779b97f4a7c15ull);
    }
  };
  boost::unordered_flat_map<std::pair<Txid, std::uint32_t>, std::uint64_t, OutKeyHash> live;
  boost::unordered_flat_set<std::uint64_t> scripts;
  std::vector<std::uint64_t> touched;
  TxViewBuffer scratch;
  for (const Bytes& b : blocks) {
    ++c.blocks;
    c.bytes += b.size();
    auto ec = for_each_transaction(b, scratch, [&](const TxView& tx, std::size_t i) {
      ++c.txs;
      touched.clear();
      if (i != 0)
        for (const auto& in : tx.inputs) {
          ++c.inputs;
          auto it = live.find({in.prevout.txid, in.prevout.index});
          if (it == live.end()) throw std::runtime_error("the chain spends an output it does not have");
          touched.push_back(it->second);
          live.erase(it);
        }
      for (std::size_t o = 0; o < tx.outputs.size(); ++o) {
        ++c.outputs;
        const ByteSpan s = tx.outputs[o].script_pubkey;
        if (is_unspendable(s) || c.blocks == 1) continue;
        const std::uint64_t key = std::hash<std::string_view>{}(as_chars(s));
        live.emplace(std::pair{tx.txid, static_cast<std::uint32_t>(o)}, key);
        scripts.insert(key);
        touched.push_back(key);
      }
      std::sort(touched.begin(), touched.end());
      c.history += static_cast<std::uint64_t>(std::unique(touched.begin(), touched.end()) - touched.begin());
    });
    if (ec) throw std::runtime_error("a block does not parse: " + ec.message());
  }
  c.utxos = live.size();
  c.scripts = scripts.size();
  return c;
}

// --- the synthetic chain ----------------------------------------------------------------------

enum Kind : std::uint8_t { p2pkh, p2sh, p2wpkh, p2wsh, p2tr, op_return, other, kinds };
constexpr const char* kind_names[kinds] = {"p2pkh", "p2sh", "p2wpkh", "p2wsh", "p2tr", "OP_RETURN", "other"};

Kind kind_of(ByteSpan s) {
  if (is_unspendable(s)) return op_return;
  switch (classify(s)) {
    case ScriptType::p2pkh: return p2pkh;
    case ScriptType::p2sh: return p2sh;
    case ScriptType::p2wpkh: return p2wpkh;
    case ScriptType::p2wsh: return p2wsh;
    case ScriptType::p2tr: return p2tr;
    default: return other;
  }
}

// Transaction shapes taken from real blocks, and how their spends and scripts behave.
struct Shapes {
  struct Input {
    std::uint32_t script_sig;
    std::uint32_t witness_begin, witness_items;  // item lengths in witness_lengths
  };
  struct Output {
    Kind kind;
    std::uint32_t script;  // OP_RETURN and other: the real script in `scripts`
  };
  struct Tx {
    std::uint32_t version;
    bool segwit;
    std::uint32_t input_begin, input_count, output_begin, output_count;
  };
  std::vector<Tx> txs;
  std::vector<Input> inputs;
  std::vector<Output> outputs;
  std::vector<std::uint32_t> witness_lengths;
  std::vector<Bytes> scripts;
  // Behaviour measured on the contiguous run.
  double same_block_spends = 0, previous_block_spends = 0, reuse = 0;
  std::array<double, 8> age_share{};              // share of inputs spending an output `a` blocks older
  std::uint64_t real_bytes = 0, real_blocks = 0;  // of the blocks shapes come from
  std::array<std::uint64_t, kinds> real_kinds{};
};

// Shapes from the blocks whose file names hold one of `heights` (all 11 when empty); spend and
// reuse behaviour from the contiguous run always.
Shapes load_shapes(const std::filesystem::path& root, const std::vector<std::string>& heights) {
  Shapes s;
  std::vector<std::filesystem::path> run, others;
  for (const auto& e : std::filesystem::directory_iterator(root / "contig_831328-831335")) run.push_back(e.path());
  for (const auto& e : std::filesystem::directory_iterator(root))
    if (e.path().filename().string().starts_with("block") && e.path().extension() == ".raw") others.push_back(e.path());
  std::sort(run.begin(), run.end());
  std::sort(others.begin(), others.end());
  if (run.size() != 8 || others.size() != 3) throw std::runtime_error("the real blocks are not where expected");

  boost::unordered_flat_map<Txid, int, indexer::detail::TxidHash> block_of;
  boost::unordered_flat_set<std::string> seen;
  std::array<std::uint64_t, 8> at_age{}, inputs_from{};  // spends of age a; inputs of blocks >= a
  std::uint64_t run_outputs = 0, reused = 0;
  TxViewBuffer scratch;
  std::vector<std::filesystem::path> all = run;
  all.insert(all.end(), others.begin(), others.end());
  for (std::size_t bi = 0; bi < all.size(); ++bi) {
    const bool in_run = bi < run.size();
    const std::string name = all[bi].filename().string();
    const bool take = heights.empty() || std::any_of(heights.begin(), heights.end(), [&](const std::string& h) {
                        return name.find(h) != std::string::npos;
                      });
    if (!in_run && !take) continue;
    const Bytes raw = read_file(all[bi]);
    std::uint64_t block_inputs = 0;
    auto ec = for_each_transaction(raw, scratch, [&](const TxView& tx, std::size_t i) {
      if (in_run) block_of.emplace(tx.txid, static_cast<int>(bi));
      if (i == 0) return;
      if (in_run) {
        block_inputs += tx.inputs.size();
        for (const auto& in : tx.inputs)
          if (auto it = block_of.find(in.prevout.txid); it != block_of.end()) ++at_age[bi - it->second];
        for (const auto& out : tx.outputs) {
          if (is_unspendable(out.script_pubkey)) continue;
          ++run_outputs;
          if (!seen.emplace(as_chars(out.script_pubkey)).second) ++reused;
        }
      }
      if (!take) return;
      Shapes::Tx t{tx.version,
                   tx.has_witness(),
                   static_cast<std::uint32_t>(s.inputs.size()),
                   static_cast<std::uint32_t>(tx.inputs.size()),
                   static_cast<std::uint32_t>(s.outputs.size()),
                   static_cast<std::uint32_t>(tx.outputs.size())};
      for (const auto& in : tx.inputs) {
        Shapes::Input si{static_cast<std::uint32_t>(in.script_sig.size()),
                         static_cast<std::uint32_t>(s.witness_lengths.size()), 0};
        for (ByteSpan item : in.witness)
          s.witness_lengths.push_back(static_cast<std::uint32_t>(item.size())), ++si.witness_items;
        s.inputs.push_back(si);
      }
      for (const auto& out : tx.outputs) {
        const Kind k = kind_of(out.script_pubkey);
        ++s.real_kinds[k];
        std::uint32_t script = 0;
        if (k == op_return || k == other) {
          script = static_cast<std::uint32_t>(s.scripts.size());
          s.scripts.emplace_back(out.script_pubkey.begin(), out.script_pubkey.end());
        }
        s.outputs.push_back({k, script});
      }
      s.txs.push_back(t);
    });
    if (ec) throw std::runtime_error(all[bi].string() + " does not parse");
    if (take) s.real_bytes += raw.size(), ++s.real_blocks;
    if (in_run)
      for (std::size_t a = 0; a <= bi && a < 8; ++a) inputs_from[a] += block_inputs;
  }
  if (s.txs.empty()) throw std::runtime_error("--shapes matches none of the real blocks");
  for (std::size_t a = 0; a < 8; ++a) s.age_share[a] = inputs_from[a] ? double(at_age[a]) / double(inputs_from[a]) : 0;
  s.same_block_spends = s.age_share[0];
  s.previous_block_spends = s.age_share[1];
  s.reuse = double(reused) / double(run_outputs);
  return s;
}

class SyntheticChain {
 public:
  struct Options {
    std::uint64_t transactions = 1'000'000;  // in all, coinbases and genesis included
    std::uint32_t tx_per_block = 1664;       // the 1,000,000 tx in 601 blocks
    std::uint32_t funding_outputs = 20'000;
    std::uint64_t seed = 2026;
  };

  SyntheticChain(const Shapes& shapes, Options o) : s_(shapes), o_(o), rng_(o.seed) {
    noise_.resize(1 << 20);
    for (auto& b : noise_) b = static_cast<std::uint8_t>(rng_());
    scripts_.push_back({p2wpkh, 0});  // id 0: the mining pool's payout script
  }

  std::vector<Bytes> build() {
    std::vector<Bytes> blocks;
    const Block genesis = regtest::chain_params<BtcPolicy>().genesis;
    blocks.push_back(genesis.serialize());
    prev_ = genesis.hash();
    std::uint64_t made = 1;
    live_.emplace_back();  // genesis: nothing to spend (its output is never spent)
    blocks.push_back(funding_block(1));
    ++made;
    while (made < o_.transactions) {
      const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(o_.tx_per_block, o_.transactions - made));
      blocks.push_back(block(static_cast<int>(blocks.size()), n));
      made += n;
    }
    return blocks;
  }

  // The genesis block, then `n` blocks holding only a coinbase (BIP34 height, one payout to the
  // same script, the witness commitment bitcoind always adds): a chain of empty blocks.
  std::vector<Bytes> build_empty(std::uint64_t n) {
    std::vector<Bytes> blocks;
    const Block genesis = regtest::chain_params<BtcPolicy>().genesis;
    blocks.push_back(genesis.serialize());
    prev_ = genesis.hash();
    // The witness commitment of a block whose only wtxid is the coinbase's (zero).
    const Hash256 commitment = sha256d(std::array<std::uint8_t, 64>{});
    for (std::uint64_t h = 1; h <= n; ++h) {
      std::vector<Txid> txids(1);
      const Bytes cb = coinbase(static_cast<int>(h), 1, false, commitment, txids[0]);
      blocks.push_back(assemble(static_cast<int>(h), cb, {}, 1, txids));
    }
    return blocks;
  }

  std::array<std::uint64_t, kinds> kinds_made{};
  std::uint64_t reused_outputs = 0, spendable_outputs = 0, fallback_spends = 0;
  std::array<std::uint64_t, 3> spend_age{};  // same block, previous block, older

 private:
  struct Utxo {
    Txid txid;
    std::uint32_t vout;
  };
  struct Script {
    Kind kind;
    std::uint32_t real;  // other: the real script it varies
  };

  std::uint64_t random(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_); }
  double uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }

  void noise(Bytes& out, std::size_t n) {
    const std::size_t at = random(noise_.size() - n);
    append(out, ByteSpan(noise_).subspan(at, n));
  }

  // The script with this id: its template with a payload derived from the id.
  void append_script(Bytes& out, std::uint32_t id) {
    const Script& sc = scripts_[id];
    std::array<std::uint8_t, 32> p;
    std::uint64_t x = (std::uint64_t{id} + 1) * 0x9e3779b97f4a7c15ull;
    for (std::size_t i = 0; i < 32; i += 8) {  // splitmix64
      x += 0x9e3779b97f4a7c15ull;
      std::uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      z ^= z >> 31;
      std::memcpy(p.data() + i, &z, 8);
    }
    auto push = [&](std::initializer_list<std::uint8_t> head, std::size_t n, std::initializer_list<std::uint8_t> tail) {
      put_compact(out, head.size() + n + tail.size());
      out.insert(out.end(), head);
      append(out, ByteSpan(p).first(n));
      out.insert(out.end(), tail);
    };
    switch (sc.kind) {
      case p2pkh: return push({0x76, 0xa9, 0x14}, 20, {0x88, 0xac});
      case p2sh: return push({0xa9, 0x14}, 20, {0x87});
      case p2wpkh: return push({0x00, 0x14}, 20, {});
      case p2wsh: return push({0x00, 0x20}, 32, {});
      case p2tr: return push({0x51, 0x20}, 32, {});
      default: {
        const Bytes& real = s_.scripts[sc.real];
        put_compact(out, real.size());
        const std::size_t at = out.size();
        append(out, real);
        // Bytes 1..9 varied (the first byte kept, so the script stays spendable).
        for (std::size_t i = 1; i < real.size() && i < 10; ++i) out[at + i] ^= p[i];
      }
    }
  }

  // An output's script: a new one, or (at the measured rate) one an earlier output paid, picked
  // among the earlier outputs of its type, so popular scripts get more.
  std::uint32_t output_script(const Shapes::Output& so) {
    auto& pool = paid_[so.kind];
    std::uint32_t id;
    if (!pool.empty() && uniform() < s_.reuse) {
      id = pool[random(pool.size())];
      ++reused_outputs;
    } else {
      id = static_cast<std::uint32_t>(scripts_.size());
      scripts_.push_back({so.kind, so.script});
    }
    pool.push_back(id);
    return id;
  }

  // An unspent output: of this block (at the measured rate), the one before, or `age` blocks
  // back with age log-uniform over the chain; the spent one leaves its block's list.
  Utxo spend(int height) {
    const double r = uniform();
    auto take = [&](std::size_t block) {
      auto& l = live_[block];
      const std::size_t i = random(l.size());
      const Utxo u = l[i];
      l[i] = l.back();
      l.pop_back();
      return u;
    };
    const auto h = static_cast<std::size_t>(height);
    if (r < s_.same_block_spends && !live_[h].empty()) return ++spend_age[0], take(h);
    if (r < s_.same_block_spends + s_.previous_block_spends && !live_[h - 1].empty())
      return ++spend_age[1], take(h - 1);
    const double max_age = height - 1;  // block 1 is the oldest with outputs
    for (int attempt = 0; attempt < 16 && max_age >= 2; ++attempt) {
      const auto age = std::min(
          static_cast<std::size_t>(max_age),
          static_cast<std::size_t>(std::exp(std::log(2.0) + uniform() * (std::log(max_age + 1) - std::log(2.0)))));
      if (!live_[h - age].empty()) return ++spend_age[2], take(h - age);
    }
    ++fallback_spends;
    for (std::size_t b = h; b-- > 0;)
      if (!live_[b].empty()) return ++spend_age[2], take(b);
    throw std::runtime_error("the synthetic chain ran out of outputs to spend");
  }

  BlockHeader header(int height) const {
    BlockHeader hd;
    hd.version = 0x20000000;
    hd.prev_hash = prev_;
    hd.time = 1296688602 + 600 * static_cast<std::uint32_t>(height);
    hd.bits = 0x207fffff;
    return hd;
  }

  // The coinbase: BIP34 height, then 8 bytes of extra nonce; pays `payouts` outputs, and commits
  // to the block's witnesses when `commitment` is set.
  Bytes coinbase(int height, std::size_t payouts, bool fresh_scripts, const std::optional<Hash256>& commitment,
                 Txid& txid) {
    Bytes tx;
    put_u32(tx, 2);
    if (commitment) tx.push_back(0), tx.push_back(1);
    const std::size_t body = tx.size();
    put_compact(tx, 1);
    tx.resize(tx.size() + 32, 0);
    put_u32(tx, 0xffffffff);
    Bytes sig;
    if (height <= 16) {
      sig.push_back(static_cast<std::uint8_t>(0x50 + height));
    } else {
      Bytes num;
      for (auto v = static_cast<std::uint32_t>(height); v; v >>= 8) num.push_back(static_cast<std::uint8_t>(v));
      if (num.back() & 0x80) num.push_back(0);
      push_data(sig, num);
    }
    std::array<std::uint8_t, 8> extra{};
    store_le(extra.data(), rng_());
    push_data(sig, extra);
    put_compact(tx, sig.size());
    append(tx, sig);
    put_u32(tx, 0xffffffff);
    put_compact(tx, payouts + (commitment ? 1 : 0));
    for (std::size_t i = 0; i < payouts; ++i) {
      put_u64(tx, fresh_scripts ? 100'000 : 312'500'000);
      std::uint32_t id = 0;
      if (fresh_scripts) id = static_cast<std::uint32_t>(scripts_.size()), scripts_.push_back({p2wpkh, 0});
      append_script(tx, id);
    }
    if (commitment) {
      put_u64(tx, 0);
      const std::uint8_t head[6] = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};
      put_compact(tx, 38);
      append(tx, head);
      append(tx, commitment->span());
    }
    const std::size_t body_end = tx.size();
    if (commitment) tx.push_back(1), tx.push_back(32), tx.resize(tx.size() + 32, 0);  // reserved value: zeros
    const std::size_t witness_end = tx.size();
    put_u32(tx, 0);
    Sha256d h;
    h.write(ByteSpan(tx).first(4));
    h.write(ByteSpan(tx).subspan(body, body_end - body));
    h.write(ByteSpan(tx).subspan(witness_end, 4));
    txid = Txid::from(h.finalize());
    return tx;
  }

  Bytes assemble(int height, const Bytes& coinbase_tx, const Bytes& rest, std::size_t tx_count,
                 const std::vector<Txid>& txids) {
    BlockHeader hd = header(height);
    const auto root = compute_merkle_root(txids);
    hd.merkle_root = root.root;
    Bytes b = hd.serialize();
    put_compact(b, tx_count);
    append(b, coinbase_tx);
    append(b, rest);
    prev_ = hd.hash();
    return b;
  }

  Bytes funding_block(int height) {
    Txid txid;
    const Bytes cb = coinbase(height, o_.funding_outputs, true, std::nullopt, txid);
    live_.emplace_back();
    for (std::uint32_t v = 0; v < o_.funding_outputs; ++v) live_[1].push_back({txid, v});
    std::vector<Txid> txids{txid};
    return assemble(height, cb, {}, 1, txids);
  }

  Bytes block(int height, std::uint32_t tx_count) {
    live_.emplace_back();
    Bytes rest;
    std::vector<Txid> txids(1);
    std::vector<Hash256> wtxids(1);  // the coinbase's wtxid is zero
    bool any_witness = false;
    for (std::uint32_t t = 1; t < tx_count; ++t) {
      const Shapes::Tx& shape = s_.txs[random(s_.txs.size())];
      const std::size_t start = rest.size();
      put_u32(rest, shape.version);
      if (shape.segwit) rest.push_back(0), rest.push_back(1), any_witness = true;
      const std::size_t body = rest.size();
      put_compact(rest, shape.input_count);
      for (std::uint32_t i = 0; i < shape.input_count; ++i) {
        const Shapes::Input& in = s_.inputs[shape.input_begin + i];
        const Utxo u = spend(height);
        append(rest, u.txid.span());
        put_u32(rest, u.vout);
        put_compact(rest, in.script_sig);
        noise(rest, in.script_sig);
        put_u32(rest, 0xfffffffd);
      }
      put_compact(rest, shape.output_count);
      std::vector<std::uint32_t> spendable;
      for (std::uint32_t o = 0; o < shape.output_count; ++o) {
        const Shapes::Output& so = s_.outputs[shape.output_begin + o];
        ++kinds_made[so.kind];
        put_u64(rest, 546 + random(50'000'000));
        if (so.kind == op_return) {
          put_compact(rest, s_.scripts[so.script].size());
          append(rest, s_.scripts[so.script]);
          continue;
        }
        append_script(rest, output_script(so));
        spendable.push_back(o);
      }
      const std::size_t body_end = rest.size();
      if (shape.segwit)
        for (std::uint32_t i = 0; i < shape.input_count; ++i) {
          const Shapes::Input& in = s_.inputs[shape.input_begin + i];
          put_compact(rest, in.witness_items);
          for (std::uint32_t w = 0; w < in.witness_items; ++w) {
            const std::uint32_t n = s_.witness_lengths[in.witness_begin + w];
            put_compact(rest, n);
            noise(rest, n);
          }
        }
      const std::size_t witness_end = rest.size();
      put_u32(rest, 0);
      Sha256d h;
      h.write(ByteSpan(rest).subspan(start, 4));
      h.write(ByteSpan(rest).subspan(body, body_end - body));
      h.write(ByteSpan(rest).subspan(witness_end, 4));
      const Txid txid = Txid::from(h.finalize());
      txids.push_back(txid);
      wtxids.push_back(shape.segwit ? sha256d(ByteSpan(rest).subspan(start)) : Hash256::from(txid));
      for (std::uint32_t o : spendable) live_[static_cast<std::size_t>(height)].push_back({txid, o});
      spendable_outputs += spendable.size();
    }
    std::optional<Hash256> commitment;
    if (any_witness) {
      std::array<std::uint8_t, 64> pre{};
      const Hash256 root = compute_merkle_root(wtxids).root;
      std::memcpy(pre.data(), root.data(), 32);  // ‖ 32 zero bytes: the coinbase's reserved value
      commitment = sha256d(pre);
    }
    const Bytes cb = coinbase(height, 1, false, commitment, txids[0]);
    live_[static_cast<std::size_t>(height)].push_back({txids[0], 0});
    return assemble(height, cb, rest, tx_count, txids);
  }

  const Shapes& s_;
  Options o_;
  std::mt19937_64 rng_;
  Bytes noise_;
  BlockHash prev_;
  std::vector<Script> scripts_;
  std::array<std::vector<std::uint32_t>, kinds> paid_;
  std::vector<std::vector<Utxo>> live_;  // unspent outputs by block
};

// --- the run ----------------------------------------------------------------------------------

struct Args {
  std::string mode;  // mainnet | synthetic | empty
  std::string mainnet_file;
  std::uint64_t transactions = 1'000'000;
  std::uint64_t empty_blocks = 5'000;
  std::uint32_t tx_per_block = 1664;
  std::uint64_t seed = 2026;
  std::optional<std::size_t> cache_mb;
  bool sync = true, rest = true, keep = false, live = false;
  std::filesystem::path db = "/tmp/coinkit-bench-indexer";
  std::string record;
  std::vector<std::string> shapes;  // block heights the shapes come from (all 11 when empty)
};

// What the feeder process tells the indexer process (one line on a pipe).
struct FeederReport {
  std::uint16_t port = 0;
  ChainCounts expected;
  long rss_kib = 0;
  double build_s = 0;
};

[[noreturn]] void run_feeder(const Args& a, int report_fd, int quit_fd) {
  const auto t0 = Clock::now();
  std::vector<Bytes> blocks;
  std::string chain = "regtest";
  if (a.mode == "mainnet") {
    blocks = split_framed(read_file(a.mainnet_file));
    chain = "main";
    std::printf("feeder: %zu mainnet blocks from %s\n", blocks.size(), a.mainnet_file.c_str());
  } else if (a.mode == "empty") {
    const Shapes none;
    SyntheticChain gen(none, {0, 1, 0, a.seed});
    blocks = gen.build_empty(a.empty_blocks);
  } else {
    const Shapes shapes = load_shapes(std::filesystem::path(COINKIT_TEST_DATA_DIR) / "blocks/mainnet", a.shapes);
    std::uint64_t real_in = shapes.inputs.size(), real_out = shapes.outputs.size(), n = shapes.txs.size();
    std::printf("shapes: %zu real transactions of %llu blocks (%.2f in/tx, %.2f out/tx, %.0f B/tx with coinbases)\n",
                shapes.txs.size(), (unsigned long long)shapes.real_blocks, double(real_in) / double(n),
                double(real_out) / double(n), double(shapes.real_bytes) / double(n));
    std::printf("measured on 831328..831335: same-block spends %.3f, previous block %.3f, ages 2..7:",
                shapes.age_share[0], shapes.age_share[1]);
    for (std::size_t i = 2; i < 8; ++i) std::printf(" %.3f", shapes.age_share[i]);
    std::printf("; script reuse %.3f\n", shapes.reuse);
    SyntheticChain gen(shapes, {a.transactions, a.tx_per_block, 20'000, a.seed});
    blocks = gen.build();
    std::uint64_t made = 0;
    for (auto k : gen.kinds_made) made += k;
    std::printf("output types (real -> synthetic):");
    for (int k = 0; k < kinds; ++k)
      std::printf(" %s %.3f->%.3f", kind_names[k], double(shapes.real_kinds[k]) / double(real_out),
                  double(gen.kinds_made[k]) / double(made));
    const double spends = double(gen.spend_age[0] + gen.spend_age[1] + gen.spend_age[2]);
    std::printf(
        "\nsynthetic: reuse %.3f of spendable outputs; spends same block %.3f, previous %.3f, older %.3f "
        "(%llu by fallback)\n",
        double(gen.reused_outputs) / double(gen.spendable_outputs), double(gen.spend_age[0]) / spends,
        double(gen.spend_age[1]) / spends, double(gen.spend_age[2]) / spends,
        static_cast<unsigned long long>(gen.fallback_spends));
  }
  FeederReport r;
  r.expected = count_expected(blocks);
  r.build_s = seconds_since(t0);
  // --live: the node holds only the genesis block until told to add the rest at once.
  std::vector<Bytes> held;
  if (a.live) {
    held.assign(std::make_move_iterator(blocks.begin() + 1), std::make_move_iterator(blocks.end()));
    blocks.resize(1);
  }
  test::BlockFeeder feeder(std::move(blocks), {"bench", "bench", a.rest, chain});
  feeder.start();
  r.port = feeder.port();
  r.rss_kib = current_rss_kib();
  std::fflush(stdout);
  const auto& e = r.expected;
  const std::string line = std::to_string(r.port) + " " + std::to_string(e.blocks) + " " + std::to_string(e.txs) + " " +
                           std::to_string(e.inputs) + " " + std::to_string(e.outputs) + " " + std::to_string(e.bytes) +
                           " " + std::to_string(e.history) + " " + std::to_string(e.utxos) + " " +
                           std::to_string(e.scripts) + " " + std::to_string(r.rss_kib) + " " +
                           std::to_string(r.build_s) + "\n";
  if (write(report_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::_Exit(3);
  char c;
  while (read(quit_fd, &c, 1) > 0)
    if (c == 'g') feeder.add_blocks(std::move(held));
  feeder.stop();
  std::fflush(stdout);
  std::_Exit(0);
}

FeederReport read_report(int fd) {
  std::string line;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n') line += c;
  FeederReport r;
  auto& e = r.expected;
  unsigned port = 0;
  if (std::sscanf(line.c_str(), "%u %lu %lu %lu %lu %lu %lu %lu %lu %ld %lf", &port, &e.blocks, &e.txs, &e.inputs,
                  &e.outputs, &e.bytes, &e.history, &e.utxos, &e.scripts, &r.rss_kib, &r.build_s) != 11)
    throw std::runtime_error("the feeder did not start");
  r.port = static_cast<std::uint16_t>(port);
  return r;
}

// Entries and distinct scripts of a table keyed by hashX, read after the sync: a history row
// holds several entries (5 bytes each), a utxo value one.
std::pair<std::uint64_t, std::uint64_t> table_counts(indexer::Index<indexer::LmdbStorage>& index, indexer::TableId t) {
  auto s = index.snapshot();
  auto c = s.txn().cursor(t);
  std::uint64_t entries = 0, keys = 0;
  Bytes last;
  for (bool ok = c.first(); ok; ok = c.next()) {
    entries += t == indexer::table::history ? c.value().size() / indexer::tx_num_size : 1;
    const ByteSpan script = c.key().first(indexer::hashx_size);
    if (!equal(script, last)) ++keys, last.assign(script.begin(), script.end());
  }
  return {entries, keys};
}

// Bytes each table takes (pages of its B-tree, overflow pages included), read with LMDB's own
// statistics once the indexer has closed the database; the rest of the file is LMDB's free list
// and meta pages.
std::vector<std::pair<std::string, std::uint64_t>> table_sizes(const std::filesystem::path& dir) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  MDB_env* env = nullptr;
  if (mdb_env_create(&env) != 0) return out;
  mdb_env_set_maxdbs(env, 16);
  MDB_txn* txn = nullptr;
  if (mdb_env_open(env, dir.c_str(), MDB_RDONLY, 0644) == 0 && mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn) == 0) {
    for (const auto& t : indexer::tables) {
      MDB_dbi dbi;
      MDB_stat st;
      if (mdb_dbi_open(txn, std::string(t.name).c_str(), 0, &dbi) != 0 || mdb_stat(txn, dbi, &st) != 0) continue;
      out.emplace_back(std::string(t.name),
                       std::uint64_t{st.ms_psize} * (st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages));
    }
    // Free pages: each record of LMDB's free list (database 0) is a list of page numbers led
    // by its length.
    MDB_cursor* c = nullptr;
    std::uint64_t free_pages = 0;
    MDB_stat st;
    if (mdb_stat(txn, 0, &st) == 0 && mdb_cursor_open(txn, 0, &c) == 0) {
      MDB_val k, v;
      for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
        if (v.mv_size >= sizeof(std::size_t)) free_pages += *static_cast<const std::size_t*>(v.mv_data);
      mdb_cursor_close(c);
      out.emplace_back("(free)", std::uint64_t{st.ms_psize} * free_pages);
    }
    mdb_txn_abort(txn);
  }
  mdb_env_close(env);
  return out;
}

// Removes an earlier run's database; refuses a directory holding anything else.
void remove_database(const std::filesystem::path& dir) {
  if (!std::filesystem::exists(dir)) return;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (const auto name = e.path().filename(); name != "data.mdb" && name != "lock.mdb")
      throw std::runtime_error(dir.string() + " holds more than an LMDB database: not removing it");
  std::filesystem::remove_all(dir);
}

int run(const Args& a) {
  remove_database(a.db);
  int report[2], quit[2];
  if (pipe(report) != 0 || pipe(quit) != 0) throw std::runtime_error("pipe");
  std::fflush(stdout);
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork");
  if (child == 0) {
    close(report[0]), close(quit[1]);
    try {
      run_feeder(a, report[1], quit[0]);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "feeder: %s\n", e.what());
      std::_Exit(1);
    }
  }
  close(report[1]), close(quit[0]);
  FeederReport f;
  try {
    f = read_report(report[0]);
  } catch (...) {
    waitpid(child, nullptr, 0);
    throw;
  }
  const auto& e = f.expected;
  std::printf(
      "chain: %llu blocks, %llu tx, %llu inputs, %llu outputs, %.1f MB (%.0f B/tx, %.2f in/tx, %.2f out/tx); "
      "built in %.1f s\n",
      (unsigned long long)e.blocks, (unsigned long long)e.txs, (unsigned long long)e.inputs,
      (unsigned long long)e.outputs, e.bytes / 1e6, double(e.bytes) / double(e.txs), double(e.inputs) / double(e.txs),
      double(e.outputs) / double(e.txs), f.build_s);
  std::printf("feeder process RSS with the chain in memory: %.0f MiB\n", f.rss_kib / 1024.0);

  indexer::IndexerOptions o;
  o.db_dir = a.db;
  o.network = a.mode == "mainnet" ? NetworkId::mainnet : NetworkId::regtest;
  o.node = node::NodeOptions{};
  o.node.port = f.port;
  o.node.user = "bench", o.node.password = "bench";
  o.node.use_rest = a.rest;
  if (a.cache_mb) o.cache_mb = *a.cache_mb;
  o.sync_to_disk = a.sync;
  const long rss_before = peak_rss_kib();
  std::printf("indexer: cache %zu MB, sync_to_disk %s, blocks by %s, db %s\n", o.cache_mb,
              o.sync_to_disk ? "true" : "false", a.rest ? "REST" : "getblock", a.db.c_str());
  std::fflush(stdout);
  double wall = 0, cpu = 0, feeder_cpu = 0, live_detect = 0;
  indexer::SyncStats before_live;  // --live: the stats once caught up at height 0
  std::uint64_t total_tx = 0;
  std::optional<double> last_applied;
  indexer::SyncStats st, at_last;
  Rss max_rss;
  long max_total_kib = 0, peak = 0;
  std::vector<double> threads;
  Rss after;  // caught up and idle: what the indexer keeps
  std::uint64_t disk = 0;
  std::pair<std::uint64_t, std::uint64_t> history, utxo;
  bool ok = false;
  {
    indexer::Indexer<BtcPolicy, indexer::LmdbStorage> ix(o);
    const double cpu0 = cpu_seconds(), feeder_cpu0 = process_cpu_seconds(child);
    const auto t0 = Clock::now();
    ix.start();
    // Polled rather than only waited for, to see when the last block was applied: the indexer
    // signals "caught up" only after its next check of the node.
    for (;;) {
      const Rss r = rss_now();
      max_rss.anon_kib = std::max(max_rss.anon_kib, r.anon_kib);
      max_rss.file_kib = std::max(max_rss.file_kib, r.file_kib);
      max_total_kib = std::max(max_total_kib, r.total());
      if (ix.wait_caught_up(std::chrono::milliseconds(5)) || ix.failure()) break;
      if (!last_applied && ix.stats().blocks >= e.blocks) last_applied = seconds_since(t0), at_last = ix.stats();
    }
    ok = ix.caught_up();
    wall = seconds_since(t0);
    if (ok && a.live) {
      // Caught up with a node at height 0 that now gets ahead by every other block at once: timed
      // from the moment the prefetcher has seen the new height (its poll interval apart) until
      // readers see the last block.
      const int target = static_cast<int>(e.blocks) - 1;
      before_live = ix.stats();
      const auto t_release = Clock::now();
      if (write(quit[1], "g", 1) != 1) throw std::runtime_error("cannot reach the feeder");
      std::optional<Clock::time_point> seen;
      while (ix.index().height() < target && !ix.failure()) {
        if (!seen && ix.node_height() >= target) seen = Clock::now();
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      ok = !ix.failure() && seen;
      if (seen) live_detect = std::chrono::duration<double>(*seen - t_release).count(), wall = seconds_since(*seen);
    }
    cpu = cpu_seconds() - cpu0;
    feeder_cpu = process_cpu_seconds(child) - feeder_cpu0;
    st = ix.stats();
    total_tx = st.transactions;
    if (a.live) {  // the figures of the live part alone
      const indexer::SyncStats& b = before_live;
      st.ask_ns -= b.ask_ns, st.fetch_ns -= b.fetch_ns, st.prepare_ns -= b.prepare_ns, st.apply_ns -= b.apply_ns;
      st.flush_ns -= b.flush_ns, st.wait_ns -= b.wait_ns, st.flushes -= b.flushes;
      st.blocks -= b.blocks, st.transactions -= b.transactions, st.bytes -= b.bytes;
    }
    threads = thread_cpu_seconds();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the first notification's work done
    after = rss_now();
    ix.stop();
    peak = peak_rss_kib();  // before counting the tables below maps more of the file
    if (!ok) std::fprintf(stderr, "the indexer did not catch up: %s\n", ix.failure().value_or("timeout").c_str());
    disk = ix.index().storage().disk_size();
    history = table_counts(ix.index(), indexer::table::history);
    utxo = table_counts(ix.index(), indexer::table::utxo);
  }
  close(quit[1]);
  int status = 0;
  waitpid(child, &status, 0);
  const long feeder_peak = peak_rss_kib(RUSAGE_CHILDREN);
  const auto sizes = table_sizes(a.db);
  if (!a.keep) remove_database(a.db);
  if (!ok) return 1;

  const double tx = double(st.transactions), mb = st.bytes / 1e6;
  const double busy = double(st.ask_ns + st.fetch_ns + st.prepare_ns + st.apply_ns + st.flush_ns) / 1e9;
  auto share = [&](std::uint64_t ns) { return 100.0 * double(ns) / 1e9 / wall; };
  std::printf("\n== %s%s sync: %llu blocks, %llu tx, %.1f MB in %.2f s\n", a.mode.c_str(), a.live ? " (live)" : "",
              (unsigned long long)st.blocks, (unsigned long long)st.transactions, mb, wall);
  std::printf("   %.1f blocks/s, %.0f tx/s, %.1f MB/s, %.0f inputs+outputs/s; CPU %.1f s (%.2f cores)\n",
              double(st.blocks) / wall, tx / wall, mb / wall, double(e.inputs + e.outputs) / wall, cpu, cpu / wall);
  std::printf(
      "   time (thread-seconds, %% of wall): height and hashes %.2f s (%.0f%%), fetch %.2f s (%.0f%%), prepare %.2f s "
      "(%.0f%%) [prefetcher thread]; apply %.2f s (%.0f%%), flush %.2f s (%.0f%%, %llu flushes), waiting for blocks "
      "%.2f s (%.0f%%) [processor thread]; sum of work %.2f s\n",
      st.ask_ns / 1e9, share(st.ask_ns), st.fetch_ns / 1e9, share(st.fetch_ns), st.prepare_ns / 1e9,
      share(st.prepare_ns), st.apply_ns / 1e9, share(st.apply_ns), st.flush_ns / 1e9, share(st.flush_ns),
      (unsigned long long)st.flushes, st.wait_ns / 1e9, share(st.wait_ns), busy);
  if (a.live)
    std::printf(
        "   live: the node got %llu blocks ahead at once; the prefetcher saw it after %.3f s (its poll), then %.2f "
        "s until readers saw the last block\n",
        (unsigned long long)st.blocks, live_detect, wall);
  const double per_block = 1e6 / double(st.blocks);
  std::printf(
      "   per block (µs): height and hashes %.1f, fetch %.1f, prepare %.1f, apply %.1f, flush %.1f; wall %.1f; "
      "the feeder (node stand-in) used %.2f CPU-s (%.1f µs a block)\n",
      st.ask_ns / 1e3 / double(st.blocks), st.fetch_ns / 1e3 / double(st.blocks),
      st.prepare_ns / 1e3 / double(st.blocks), st.apply_ns / 1e3 / double(st.blocks),
      st.flush_ns / 1e3 / double(st.blocks), wall * per_block, feeder_cpu, feeder_cpu * per_block);
  if (threads.size() >= 2)
    std::printf("   CPU by thread: processor (apply + flush) %.2f s, prefetcher (fetch + prepare) %.2f s\n",
                threads.front(), threads.back());
  if (last_applied) {
    const double final_flush = double(st.flush_ns - at_last.flush_ns) / 1e9;
    std::printf("   last block applied at %.2f s; then %.2f s until caught up, of which the final flush %.2f s\n",
                *last_applied, wall - *last_applied, final_flush);
  }
  std::printf(
      "   peak RSS: indexer process %.0f MiB (%.0f MiB before the indexer started; sampled every 5 ms: "
      "max %.0f MiB, anonymous max %.0f MiB, file-backed max %.0f MiB); feeder process %.0f MiB\n",
      peak / 1024.0, rss_before / 1024.0, max_total_kib / 1024.0, max_rss.anon_kib / 1024.0, max_rss.file_kib / 1024.0,
      feeder_peak / 1024.0);
  std::printf("   resident once caught up and idle: %.0f MiB anonymous, %.0f MiB file-backed\n",
              after.anon_kib / 1024.0, after.file_kib / 1024.0);
  std::printf(
      "   database: %.1f MB = %.1f B/tx; history %llu entries over %llu scripts (expected %llu over %llu); "
      "utxos %llu (expected %llu)\n",
      disk / 1e6, double(disk) / tx, (unsigned long long)history.first, (unsigned long long)history.second,
      (unsigned long long)e.history, (unsigned long long)e.scripts, (unsigned long long)utxo.first,
      (unsigned long long)e.utxos);
  std::printf("   by table (MB, B/tx):");
  std::uint64_t undo = 0, free_bytes = 0;
  for (const auto& [name, bytes] : sizes) {
    std::printf(" %s %.1f (%.1f)", name.c_str(), bytes / 1e6, double(bytes) / tx);
    if (name == "undo") undo = bytes;
    if (name == "(free)") free_bytes = bytes;
  }
  std::printf("; without undo (kept for the last 200 blocks only) and free pages: %.1f B/tx\n",
              double(disk - undo - free_bytes) / tx);
  const bool exact =
      history.first == e.history && history.second == e.scripts && utxo.first == e.utxos && total_tx == e.txs;
  std::printf("   index contents %s the independent count\n", exact ? "match" : "DO NOT MATCH");
  if (!a.record.empty()) {
    std::ofstream out(a.record, std::ios::app);
    out << "{\"mode\":\"" << a.mode << "\",\"blocks\":" << st.blocks << ",\"tx\":" << st.transactions
        << ",\"inputs\":" << e.inputs << ",\"outputs\":" << e.outputs << ",\"bytes\":" << st.bytes
        << ",\"cache_mb\":" << o.cache_mb << ",\"sync_to_disk\":" << (o.sync_to_disk ? "true" : "false")
        << ",\"wall_s\":" << wall << ",\"cpu_s\":" << cpu << ",\"tx_per_s\":" << tx / wall
        << ",\"ask_s\":" << st.ask_ns / 1e9 << ",\"wait_s\":" << st.wait_ns / 1e9 << ",\"feeder_cpu_s\":" << feeder_cpu
        << ",\"fetch_s\":" << st.fetch_ns / 1e9 << ",\"prepare_s\":" << st.prepare_ns / 1e9
        << ",\"apply_s\":" << st.apply_ns / 1e9 << ",\"flush_s\":" << st.flush_ns / 1e9 << ",\"flushes\":" << st.flushes
        << ",\"processor_cpu_s\":" << (threads.size() >= 2 ? threads.front() : 0)
        << ",\"prefetcher_cpu_s\":" << (threads.size() >= 2 ? threads.back() : 0)
        << ",\"last_applied_s\":" << last_applied.value_or(0) << ",\"peak_rss_kib\":" << peak
        << ",\"anon_max_kib\":" << max_rss.anon_kib << ",\"file_max_kib\":" << max_rss.file_kib
        << ",\"idle_anon_kib\":" << after.anon_kib << ",\"feeder_rss_kib\":" << feeder_peak
        << ",\"disk_bytes\":" << disk << ",\"undo_bytes\":" << undo << ",\"free_bytes\":" << free_bytes
        << ",\"history\":" << history.first << ",\"scripts\":" << history.second << ",\"utxos\":" << utxo.first
        << ",\"match\":" << (exact ? "true" : "false") << "}\n";
  }
  return exact ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  auto usage = [&] {
    std::fprintf(
        stderr,
        "usage: %s --mainnet <blk file> | --synthetic [tx count] | --empty [blocks]\n"
        "       [--live] [--cache-mb N] [--no-sync] [--tx-per-block N] [--seed N] [--no-rest] [--db DIR] [--keep]\n"
        "       [--shapes HEIGHT,...] [--record FILE]\n",
        argv[0]);
    return 2;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next_is_value = [&] { return i + 1 < argc && argv[i + 1][0] != '-'; };
    if (arg == "--mainnet" && i + 1 < argc) {
      a.mode = "mainnet", a.mainnet_file = argv[++i];
    } else if (arg == "--synthetic") {
      a.mode = "synthetic";
      if (next_is_value()) a.transactions = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--empty") {
      a.mode = "empty";
      if (next_is_value()) a.empty_blocks = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--cache-mb" && i + 1 < argc) {
      a.cache_mb = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--no-sync") {
      a.sync = false;
    } else if (arg == "--live") {
      a.live = true;
    } else if (arg == "--no-rest") {
      a.rest = false;
    } else if (arg == "--keep") {
      a.keep = true;
    } else if (arg == "--tx-per-block" && i + 1 < argc) {
      a.tx_per_block = static_cast<std::uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--seed" && i + 1 < argc) {
      a.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--db" && i + 1 < argc) {
      a.db = argv[++i];
    } else if (arg == "--shapes" && i + 1 < argc) {
      std::string list = argv[++i];
      for (std::size_t at = 0; at <= list.size();) {
        const std::size_t comma = std::min(list.find(',', at), list.size());
        if (comma > at) a.shapes.push_back(list.substr(at, comma - at));
        at = comma + 1;
      }
    } else if (arg == "--record" && i + 1 < argc) {
      a.record = argv[++i];
    } else {
      return usage();
    }
  }
  if (a.mode.empty() || a.transactions < 3 || a.tx_per_block < 2 || (a.mode == "empty" && a.empty_blocks < 1))
    return usage();
  try {
    return run(a);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
