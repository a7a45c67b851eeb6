// Parsing real mainnet blocks with txids (the indexer's hot path) against raw sha256d over
// the same bytes: the target is parse + txids at >= 50% of the sha256d rate.
#include <coinkit/chain/block_view.hpp>
#include <coinkit/core/sha256.hpp>

#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace coinkit;

namespace {

// Segwit-era raw blocks (831328..831335 contiguous, 702861, 574200, 540107): ~17 MB.
const std::vector<Bytes>& blocks() {
  static const std::vector<Bytes> all = [] {
    std::vector<Bytes> out;
    const std::filesystem::path root = std::filesystem::path(COINKIT_TEST_DATA_DIR) / "blocks/mainnet";
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(root / "contig_831328-831335")) files.push_back(e.path());
    for (const auto& e : std::filesystem::directory_iterator(root))
      if (e.path().filename().string().starts_with("block") && e.path().extension() == ".raw")
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return out;
  }();
  return all;
}

std::int64_t total_bytes() {
  std::int64_t n = 0;
  for (const Bytes& b : blocks()) n += static_cast<std::int64_t>(b.size());
  return n;
}

// for_each_transaction: views over the bytes, txid of each tx streamed into Sha256d.
void BM_parse_with_txids(benchmark::State& state) {
  TxViewBuffer scratch;
  std::int64_t txs = 0;
  for (auto _ : state) {
    for (const Bytes& b : blocks()) {
      const error_code ec = for_each_transaction(b, scratch, [&](const TxView& tx, std::size_t) {
        benchmark::DoNotOptimize(tx.txid);
        ++txs;
      });
      if (ec) state.SkipWithError(ec.message().c_str());
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes());
  state.counters["tx/s"] = benchmark::Counter(static_cast<double>(txs), benchmark::Counter::kIsRate);
  state.SetLabel(std::string(sha256_implementation()));
}
BENCHMARK(BM_parse_with_txids)->Unit(benchmark::kMillisecond);

// BlockView::assign reusing one view: every tx kept with its spans, as the block processor holds them.
void BM_block_view(benchmark::State& state) {
  BlockView view;
  for (auto _ : state) {
    for (const Bytes& b : blocks()) {
      if (view.assign(b)) state.SkipWithError("parse failed");
      benchmark::DoNotOptimize(view.transactions().data());
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes());
}
BENCHMARK(BM_block_view)->Unit(benchmark::kMillisecond);

// The ceiling: sha256d over each whole block's bytes, one pass, no parsing.
void BM_raw_sha256d_same_bytes(benchmark::State& state) {
  for (auto _ : state)
    for (const Bytes& b : blocks()) benchmark::DoNotOptimize(sha256d(b));
  state.SetBytesProcessed(state.iterations() * total_bytes());
  state.SetLabel(std::string(sha256_implementation()));
}
BENCHMARK(BM_raw_sha256d_same_bytes)->Unit(benchmark::kMillisecond);

// Merkle root of each block from its txids.
void BM_merkle_root(benchmark::State& state) {
  std::vector<std::vector<Txid>> txids;
  for (const Bytes& b : blocks()) txids.push_back(BlockView::parse(b).txids());
  for (auto _ : state)
    for (const auto& t : txids) benchmark::DoNotOptimize(compute_merkle_root(t));
}
BENCHMARK(BM_merkle_root)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
