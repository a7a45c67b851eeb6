// Electrum queries on an LMDB index (Index<LmdbStorage>): history, balance, unspent and status of a
// script with 200,000 history entries and 200,000 unspent outputs (target: <= 100 ms each), and of
// a typical script with 10 entries, for reference. The index is built once, before the
// benchmarks, by applying synthetic blocks straight through the BlockProcessor (no node: a
// PreparedBlock is what the processor applies): 200 blocks of 2,000 transactions; every second
// transaction pays the big script, each pays two fresh scripts and spends one earlier output,
// and 1,000 typical scripts each receive 6 times and spend 4 of those. Warm figures: the
// database was just written, so its pages are in the page cache.
#include <coinkit/indexer/block_processor.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace coinkit;
using namespace coinkit::indexer;

namespace {

constexpr int block_count = 200, txs_per_block = 2000;
constexpr std::size_t big_entries = 200'000;
constexpr int typical_scripts = 1000, typical_receipts = 6, typical_spends = 4;
constexpr std::int64_t big_value = 1000;

struct Built {
  std::filesystem::path dir;
  std::unique_ptr<LmdbStorage> storage;
  Mempool mempool;
  std::unique_ptr<Index<LmdbStorage>> index;
  ScriptHash big, typical;
  std::uint64_t transactions = 0, history_entries = 0;
  double build_s = 0;

  Built() {
    dir = std::filesystem::temp_directory_path() / ("coinkit-bench-queries-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    storage = std::make_unique<LmdbStorage>(StorageOptions{.path = dir, .sync = false}, tables);
    index = std::make_unique<Index<LmdbStorage>>(*storage, mempool);
    const auto t0 = std::chrono::steady_clock::now();
    build();
    build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  ~Built() {
    index.reset();
    storage.reset();
    std::filesystem::remove_all(dir);
  }

  void build() {
    std::mt19937_64 rng(2026);
    auto random_hash = [&](auto& h) {
      for (std::size_t i = 0; i < h.size(); i += 8) {
        const std::uint64_t v = rng();
        std::memcpy(h.data() + i, &v, std::min<std::size_t>(8, h.size() - i));
      }
    };
    random_hash(big);
    std::vector<ScriptHash> typ(typical_scripts);
    for (auto& t : typ) random_hash(t);
    typical = typ[0];

    // Where each typical script receives (blocks 1..100) and spends (blocks 101..200): distinct
    // transactions, so each has exactly 10 history entries.
    const std::uint64_t total = std::uint64_t{block_count} * txs_per_block;
    std::multimap<std::uint64_t, std::pair<int, bool>> events;  // tx -> (script, spends?)
    for (int j = 0; j < typical_scripts; ++j) {
      std::set<std::uint64_t> used;
      auto pick = [&](std::uint64_t from, std::uint64_t to) {
        for (;;) {
          const std::uint64_t k = from + rng() % (to - from);
          if (k % txs_per_block != 0 && used.insert(k).second) return k;  // not a coinbase
        }
      };
      for (int r = 0; r < typical_receipts; ++r) events.emplace(pick(txs_per_block, total / 2), std::pair{j, false});
      for (int s = 0; s < typical_spends; ++s) events.emplace(pick(total / 2, total), std::pair{j, true});
    }

    BlockHeader genesis_header;
    genesis_header.time = 1;
    const BlockHash genesis = genesis_header.hash();
    BlockProcessor<LmdbStorage> processor(*index, {genesis, std::size_t{1} << 30, 200});
    processor.open().value();

    struct Out {
      Txid txid;
      std::uint32_t vout;
    };
    std::vector<Out> background;  // spendable outputs of fresh scripts
    std::vector<std::vector<Out>> typical_outs(typical_scripts);
    std::size_t big_paid = 0;
    BlockHash prev;
    for (int h = 0; h <= block_count; ++h) {
      PreparedBlock b;
      b.height = h;
      b.header.version = 0x20000000;
      b.header.time = 1 + static_cast<std::uint32_t>(h);
      b.header.prev_hash = prev;
      if (h == 0) b.header = genesis_header;
      b.hash = b.header.hash();
      std::vector<Out> made;
      const int n = h == 0 ? 1 : txs_per_block;
      for (int t = 0; t < n; ++t) {
        const std::uint64_t k = std::uint64_t(h) * txs_per_block + static_cast<std::uint64_t>(t);
        Txid txid;
        random_hash(txid);
        const auto ti = static_cast<std::uint32_t>(t);
        b.txids.push_back(txid);
        std::uint32_t vout = 0;
        auto pay = [&](const HashX& hx, std::int64_t value) { b.outputs.push_back({hx, value, ti, vout++}); };
        if (t != 0 && !background.empty()) {  // one spend of an earlier block's output
          const std::size_t i = rng() % background.size();
          b.inputs.push_back({background[i].txid, background[i].vout, ti});
          background[i] = background.back();
          background.pop_back();
        }
        if (t != 0 && k % 2 == 1 && big_paid < big_entries) pay(to_hashx(big), big_value), ++big_paid;
        for (int f = 0; f < 2; ++f) {
          HashX fresh;
          random_hash(fresh);
          made.push_back({txid, vout});
          pay(fresh, 10'000);
        }
        for (auto [it, end] = events.equal_range(k); it != end; ++it) {
          auto& outs = typical_outs[static_cast<std::size_t>(it->second.first)];
          if (it->second.second) {
            b.inputs.push_back({outs.back().txid, outs.back().vout, ti});
            outs.pop_back();
          } else {
            outs.push_back({txid, vout});
            pay(to_hashx(typ[static_cast<std::size_t>(it->second.first)]), 5'000);
          }
        }
      }
      b.size = 250 * b.txids.size();
      if (auto r = processor.apply(b, false); !r) throw std::runtime_error("apply: " + r.error().message());
      if (h > 0) background.insert(background.end(), made.begin(), made.end());  // block 0's are not indexed
      prev = b.hash;
      transactions += b.txids.size();
    }
    if (auto r = processor.flush(true); !r) throw std::runtime_error("flush: " + r.error().message());
    if (big_paid != big_entries) throw std::runtime_error("the chain is too short for the big script");
  }
};

Built& built() {
  static Built b;
  return b;
}

// Checks the shapes the figures claim before timing anything.
void check() {
  Built& b = built();
  const auto& ix = *b.index;
  const auto h = ix.history(b.big).value();
  const auto u = ix.unspent(b.big).value();
  if (h.size() != big_entries || u.size() != big_entries ||
      ix.balance(b.big).confirmed != big_value * static_cast<std::int64_t>(big_entries))
    throw std::runtime_error("the big script is not 200,000 entries and outputs");
  if (ix.history(b.typical).value().size() != typical_receipts + typical_spends ||
      ix.unspent(b.typical).value().size() != typical_receipts - typical_spends)
    throw std::runtime_error("the typical script is not 10 entries and 2 outputs");
  std::printf("index: %llu transactions in %.1f s (applied and flushed), %.1f MB on disk\n",
              static_cast<unsigned long long>(b.transactions), b.build_s, b.storage->disk_size() / 1e6);
}

const ScriptHash& script(const benchmark::State& state) { return state.range(0) ? built().big : built().typical; }
void label(benchmark::State& state) { state.SetLabel(state.range(0) ? "200,000 entries" : "10 entries"); }

void BM_history(benchmark::State& state) {
  const auto& sh = script(state);
  for (auto _ : state) benchmark::DoNotOptimize(built().index->history(sh).value());
  label(state);
}
void BM_balance(benchmark::State& state) {
  const auto& sh = script(state);
  for (auto _ : state) benchmark::DoNotOptimize(built().index->balance(sh));
  label(state);
}
void BM_unspent(benchmark::State& state) {
  const auto& sh = script(state);
  for (auto _ : state) benchmark::DoNotOptimize(built().index->unspent(sh).value());
  label(state);
}
// The Electrum status (sha256 over "txid:height:" of the history): what a subscription costs.
void BM_status(benchmark::State& state) {
  const auto& sh = script(state);
  for (auto _ : state) benchmark::DoNotOptimize(built().index->status(sh).value());
  label(state);
}
BENCHMARK(BM_history)->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_balance)->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_unspent)->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_status)->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  try {
    check();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
