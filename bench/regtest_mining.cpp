// Mining throughput of the embedded regtest node: blocks/s and tx/s for blocks of 1, 100 and 2,000
// faucet transactions, and (with --chain N) the time to generate an N-transaction chain, the
// indexer's benchmark input. A small harness rather than Google Benchmark: each figure is one
// long run, and the chain run is minutes, not microseconds.
//
//   bench-regtest_mining                  # the three block sizes
//   bench-regtest_mining --chain 1000000  # plus a 1,000,000-transaction chain (in memory)
//   bench-regtest_mining --chain 1000000 --datadir /tmp/chain  # ... persisted
#include <coinkit/regtest/node.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

using namespace coinkit;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void bench_block_size(std::size_t txs_per_block, std::size_t blocks) {
  regtest::Node<BtcPolicy> node;
  node.generate(200);  // 100 mature coinbases to spend round robin
  const auto t0 = Clock::now();
  const std::size_t total = txs_per_block * blocks;
  auto r = node.generate_transactions(total, txs_per_block, 2);
  const double s = seconds_since(t0);
  if (!r) {
    std::fprintf(stderr, "error: %s\n", r.error().message.c_str());
    std::exit(1);
  }
  std::printf("%6zu tx/block: %5d blocks in %7.3f s = %9.1f blocks/s, %9.0f tx/s\n", txs_per_block, *r, s, *r / s,
              total / s);
}

void bench_empty_blocks(std::size_t blocks) {
  regtest::Node<BtcPolicy> node;
  const auto t0 = Clock::now();
  node.generate(static_cast<int>(blocks));
  const double s = seconds_since(t0);
  std::printf("     0 tx/block: %5zu blocks in %7.3f s = %9.1f blocks/s (coinbase only)\n", blocks, s, blocks / s);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t chain = 0;
  std::string datadir;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--chain") && i + 1 < argc) {
      chain = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--datadir") && i + 1 < argc) {
      datadir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--chain N] [--datadir DIR]\n", argv[0]);
      return 2;
    }
  }
  std::printf("regtest mining (BTC, faucet transactions 1-in 2-out, signed on %u threads, SHA-256: %s)\n",
              std::thread::hardware_concurrency(), std::string(sha256_implementation()).c_str());
  bench_empty_blocks(2000);
  bench_block_size(1, 1000);
  bench_block_size(100, 100);
  bench_block_size(2000, 20);
  if (chain) {
    regtest::Node<BtcPolicy>::Options o;
    o.datadir = datadir;
    regtest::Node<BtcPolicy> node(o);
    const auto t0 = Clock::now();
    node.generate(200);
    auto r = node.generate_transactions(chain, 2000, 2);
    const double s = seconds_since(t0);
    if (!r) {
      std::fprintf(stderr, "error: %s\n", r.error().message.c_str());
      return 1;
    }
    std::printf("chain: %zu transactions in %d blocks (+200 funding blocks) in %.1f s = %.0f tx/s; height %d\n", chain,
                *r, s, chain / s, node.height());
  }
  if (chain && !datadir.empty()) {
    regtest::Node<BtcPolicy>::Options o;
    o.datadir = datadir;
    const auto t0 = Clock::now();
    regtest::Node<BtcPolicy> node(o);
    std::printf("restart: replayed %d blocks (%.0f MB) in %.1f s\n", node.height(),
                node.chain_info().size_on_disk / 1e6, seconds_since(t0));
  }
}
