// Node faults seen through the running Indexer: a node that goes away in the middle of the
// initial sync and comes back, and a node that serves a corrupt block. BlockFeeder stands in
// for the node because it can do both; the regtest node never serves a block it did not check.
#include <coinkit/coins/btc.hpp>
#include <coinkit/indexer/indexer.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/indexer/storage/memory_storage.hpp>
#include <coinkit/regtest/chain_params.hpp>

#include "support/block_feeder.hpp"
#include "support/eventually.hpp"
#include "support/index_chain.hpp"
#include "support/synthetic_chain.hpp"
#include "support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace coinkit;
using namespace coinkit::indexer;
using namespace std::chrono_literals;

namespace {

using test::eventually;

constexpr int tip_height = 300;

struct TestChain {
  std::vector<Bytes> blocks;
  test::ReferenceIndex reference;
};

// The regtest genesis block, then blocks whose transactions pay and spend 60 scripts at random:
// histories of both receipts and spends, across blocks and within one.
const TestChain& test_chain() {
  static const TestChain chain = [] {
    test::SyntheticChain c;
    const Block genesis = regtest::chain_params<BtcPolicy>().genesis;
    c.blocks.push_back(genesis.serialize());
    c.tip = genesis.hash();
    std::mt19937 rng(2026);
    std::vector<std::pair<OutPoint, std::int64_t>> live;
    for (int h = 1; h <= tip_height; ++h) {
      std::vector<Transaction> txs{
          test::SyntheticChain::coinbase(h, {{5'000'000'000, test::SyntheticChain::p2wpkh(rng() % 60)}})};
      for (int t = 0; t < 3 && live.size() >= 2; ++t) {
        std::vector<OutPoint> spent;
        std::int64_t total = 0;
        for (int i = 0; i < 2; ++i) {
          const std::size_t k = rng() % live.size();
          spent.push_back(live[k].first);
          total += live[k].second;
          live[k] = live.back();
          live.pop_back();
        }
        std::vector<TxOut> outs;
        for (int o = 0; o < 3; ++o) outs.push_back({total / 4, test::SyntheticChain::p2wpkh(rng() % 60)});
        txs.push_back(test::SyntheticChain::spend(spent, std::move(outs)));
        for (std::uint32_t o = 0; o < 3; ++o) live.push_back({{txs.back().txid(), o}, total / 4});
      }
      live.push_back({{txs.front().txid(), 0}, 5'000'000'000});
      c.add(std::move(txs));
    }
    TestChain t;
    t.blocks = c.blocks;
    for (int h = 0; h <= c.height(); ++h) t.reference.add_block(Block::parse(t.blocks[std::size_t(h)]), h);
    return t;
  }();
  return chain;
}

// What the indexer logged, for asserting what an operator would read.
struct Log {
  std::mutex mutex;
  std::vector<std::string> lines;
  bool contains(std::string_view text) {
    std::lock_guard lock(mutex);
    return std::any_of(lines.begin(), lines.end(), [&](const auto& l) { return l.find(text) != l.npos; });
  }
};

IndexerOptions options_for(const test::BlockFeeder& feeder, Log& log, std::filesystem::path dir = {}) {
  IndexerOptions o;
  o.db_dir = std::move(dir);
  o.network = NetworkId::regtest;
  o.node = feeder.node_options();
  o.block_poll = 50ms;
  o.mempool_poll = 50ms;
  o.log = [&log](const std::string& line) {
    std::lock_guard lock(log.mutex);
    log.lines.push_back(line);
  };
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(indexer_node_faults)

BOOST_AUTO_TEST_CASE(a_node_that_goes_away_mid_sync_is_waited_for) {
  const TestChain& chain = test_chain();
  test::BlockFeederOptions fo;
  fo.block_delay = 5ms;  // a sync of 1.5 s at least: time to pull the node away in the middle
  auto node = std::make_unique<test::BlockFeeder>(chain.blocks, fo);
  node->start();
  fo.port = node->port();  // it comes back where it was

  Log log;
  Indexer<BtcPolicy, MemoryStorage> ix(options_for(*node, log));
  ix.start();
  BOOST_TEST_REQUIRE(eventually([&] { return node->blocks_served() >= 100; }));
  node.reset();  // every connection closed, nothing listening

  std::this_thread::sleep_for(1500ms);
  BOOST_TEST(!ix.failure());
  BOOST_TEST(!ix.caught_up());
  BOOST_TEST(ix.index().height() < tip_height);
  BOOST_TEST(log.contains("retrying"));

  node = std::make_unique<test::BlockFeeder>(chain.blocks, fo);
  node->start();
  BOOST_TEST_REQUIRE(ix.wait_caught_up(60s));
  BOOST_TEST(!ix.failure());
  BOOST_TEST_REQUIRE(eventually([&] { return ix.index().height() == tip_height; }));
  test::check_against(ix.index(), chain.reference);
  ix.stop();
}

BOOST_AUTO_TEST_CASE(a_corrupt_block_from_the_node_stops_with_its_height_and_loses_nothing) {
  const TestChain& chain = test_chain();
  constexpr int bad_height = 150;
  std::vector<Bytes> corrupt = chain.blocks;
  corrupt[bad_height].back() ^= 0x01;  // the last transaction's lock time: the header still links
  test::TempDir dir("coinkit-faults");
  Log log;
  {
    test::BlockFeeder node(corrupt);
    node.start();
    auto o = options_for(node, log, dir.path);
    o.cache_mb = 0;  // a flush after every block: the database holds all that was indexed
    Indexer<BtcPolicy, LmdbStorage> ix(o);
    ix.start();
    ix.wait();
    BOOST_TEST_REQUIRE(ix.failure().has_value());
    BOOST_TEST_MESSAGE(*ix.failure());
    BOOST_TEST(ix.failure()->find("malformed block from the node at height 150") != std::string::npos);
    BOOST_TEST(ix.failure()->find("merkle") != std::string::npos);
    BOOST_TEST(ix.failure()->find("kept at height 149") != std::string::npos);
    BOOST_TEST(ix.index().height() == bad_height - 1);
    BOOST_TEST(log.contains("stopping: malformed block"));
  }
  // Nothing was corrupted: the same database, served the good chain, continues from 149 and
  // ends equal to the naive scan.
  test::BlockFeeder node(chain.blocks);
  node.start();
  Indexer<BtcPolicy, LmdbStorage> ix(options_for(node, log, dir.path));
  ix.start();
  BOOST_TEST(ix.index().height() == bad_height - 1);
  BOOST_TEST_REQUIRE(ix.wait_caught_up(60s));
  BOOST_TEST_REQUIRE(eventually([&] { return ix.index().height() == tip_height; }));
  BOOST_TEST(node.blocks_served() == std::uint64_t(tip_height - bad_height + 1));
  test::check_against(ix.index(), chain.reference);
  ix.stop();
}

BOOST_AUTO_TEST_SUITE_END()
