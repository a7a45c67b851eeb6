// Electrum's header checkpoint proofs (blockchain.block.header with cp_height) on a chain of
// 1,000,000 block hashes: HeaderMerkleCache against building the whole tree for each request.
#include <coinkit/chain/merkle.hpp>
#include <coinkit/indexer/header_merkle_cache.hpp>

#include <benchmark/benchmark.h>

#include <cstring>
#include <random>

using namespace coinkit;
using coinkit::indexer::BlockList;
using coinkit::indexer::HeaderMerkleCache;

namespace {

constexpr std::size_t chain_length = 1'000'000;

const BlockList& chain() {
  static const BlockList blocks = [] {
    BlockList b;
    for (std::size_t h = 0; h < chain_length; ++h) {
      std::uint8_t seed[8];
      std::memcpy(seed, &h, sizeof h);
      b.push_back({BlockHash::from(sha256d(ByteSpan(seed, sizeof seed))), h + 1});
    }
    return b;
  }();
  return blocks;
}

// Every proof is checked: a fast wrong answer is no answer.
void verify(const BlockList& blocks, std::size_t height, const HeaderMerkleCache::Proof& p, benchmark::State& state) {
  if (!verify_merkle_branch(Hash256::from(blocks[height].hash), p.branch, height, p.root))
    state.SkipWithError("a proof does not verify");
}

// The checkpoint clients ask for (the chain's tip here) at random heights, once cached.
void BM_header_proof_cached_checkpoint(benchmark::State& state) {
  const BlockList& blocks = chain();
  HeaderMerkleCache cache;
  const std::size_t cp = chain_length - 1;
  cache.prove(blocks, 0, cp);
  std::mt19937_64 rng(7);
  for (auto _ : state) {
    const std::size_t h = rng() % chain_length;
    const auto p = cache.prove(blocks, h, cp);
    verify(blocks, h, p, state);
  }
}
BENCHMARK(BM_header_proof_cached_checkpoint);

// A new checkpoint each time (the chunks below it cached): the levels above the chunks rebuilt.
void BM_header_proof_new_checkpoint(benchmark::State& state) {
  const BlockList& blocks = chain();
  HeaderMerkleCache cache;
  cache.prove(blocks, 0, chain_length - 1);
  std::size_t cp = chain_length - 200'000;
  for (auto _ : state) {
    ++cp;
    const auto p = cache.prove(blocks, cp / 2, cp);
    verify(blocks, cp / 2, p, state);
  }
}
BENCHMARK(BM_header_proof_new_checkpoint)->Unit(benchmark::kMillisecond);

// The first proof a new server gives: every chunk of the chain hashed once.
void BM_header_proof_cold(benchmark::State& state) {
  const BlockList& blocks = chain();
  for (auto _ : state) {
    HeaderMerkleCache cache;
    const auto p = cache.prove(blocks, 12'345, chain_length - 1);
    verify(blocks, 12'345, p, state);
  }
}
BENCHMARK(BM_header_proof_cold)->Unit(benchmark::kMillisecond);

// Before the cache: the whole tree of the chain built for each request.
void BM_header_proof_whole_tree(benchmark::State& state) {
  const BlockList& blocks = chain();
  std::vector<BlockHash> leaves;
  for (std::size_t h = 0; h < chain_length; ++h) leaves.push_back(blocks[h].hash);
  for (auto _ : state) {
    MerkleTree tree(leaves);
    benchmark::DoNotOptimize(tree.branch(12'345));
  }
}
BENCHMARK(BM_header_proof_whole_tree)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
