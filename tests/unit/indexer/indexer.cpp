#include <coinkit/indexer/indexer.hpp>
#include <coinkit/indexer/storage/memory_storage.hpp>

#include "support/eventually.hpp"
#include "support/free_port.hpp"
#include "support/index_chain.hpp"
#include "unit/regtest/rpc_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

using namespace coinkit;
using namespace coinkit::indexer;
using namespace std::chrono_literals;

namespace {

using test::eventually;

IndexerOptions options_for(unsigned short port, std::string password = "pass") {
  IndexerOptions o;
  o.network = NetworkId::regtest;
  o.node.port = port;
  o.node.user = "user";
  o.node.password = std::move(password);
  o.block_poll = 50ms;
  o.mempool_poll = 50ms;
  o.log = [](const std::string&) {};
  return o;
}

using MemoryIndexer = Indexer<BtcPolicy, MemoryStorage>;

// Collects notifications, and waits for one that satisfies a condition.
struct Notifications {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<Notification> seen;
  void attach(MemoryIndexer& ix) {
    ix.on_notify([this](const Notification& n) {
      std::lock_guard lock(mutex);
      seen.push_back(n);
      cv.notify_all();
    });
  }
  template <class F>
  bool wait(F&& f, std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, timeout, [&] { return std::any_of(seen.begin(), seen.end(), f); });
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(indexer_against_the_node)

BOOST_AUTO_TEST_CASE(follows_the_node_and_equals_a_naive_scan) {
  test::RpcFixture rpc;
  auto& node = rpc.node();
  node.generate(101);
  std::mt19937 rng(7);
  std::vector<Bytes> reused;
  test::add_payments(node, rng, 15, 5, reused);

  MemoryIndexer ix(options_for(rpc.port()));
  Notifications notes;
  notes.attach(ix);
  ix.start();
  BOOST_TEST_REQUIRE(ix.wait_caught_up(30s));
  BOOST_TEST(ix.index().height() == node.height());
  test::check_against(ix.index(), test::reference_of(node));

  // New blocks while running: followed, and the scripts they pay are notified.
  test::add_payments(node, rng, 3, 4, reused);
  const regtest::Payment pay{node.new_script(regtest::AddressType::bech32).value(), 1'000'000};
  node.send(std::span(&pay, 1)).value();
  node.generate(1);
  const HashX paid = hashx_of_script(pay.script_pubkey);
  BOOST_TEST_REQUIRE(eventually([&] { return ix.index().height() == node.height(); }));
  BOOST_TEST(notes.wait([&](const Notification& n) { return n.new_tip && n.height == node.height(); }));
  test::check_against(ix.index(), test::reference_of(node));
  BOOST_TEST(
      notes.wait([&](const Notification& n) { return std::binary_search(n.touched.begin(), n.touched.end(), paid); }));
  BOOST_TEST(!ix.failure());
  ix.stop();
}

// Once caught up each block is flushed as it comes; blocks the node has all at once (it got
// far ahead) are applied and flushed together: a flush is two fsyncs, an empty block 10 µs.
BOOST_AUTO_TEST_CASE(blocks_far_ahead_after_catching_up_are_flushed_together) {
  test::RpcFixture rpc;
  auto& node = rpc.node();
  node.generate(101);
  MemoryIndexer ix(options_for(rpc.port()));
  Notifications notes;
  notes.attach(ix);
  ix.start();
  BOOST_TEST_REQUIRE(ix.wait_caught_up(30s));
  const std::uint64_t flushes = ix.stats().flushes;

  node.generate(1000);
  BOOST_TEST_REQUIRE(eventually([&] { return ix.index().height() == node.height(); }));
  BOOST_TEST(ix.stats().flushes - flushes < 100u);
  BOOST_TEST(notes.wait([&](const Notification& n) { return n.new_tip && n.height == node.height(); }));
  test::check_against(ix.index(), test::reference_of(node));

  // One block more is flushed, and seen, on its own.
  node.generate(1);
  BOOST_TEST_REQUIRE(eventually([&] { return ix.index().height() == node.height(); }));
  BOOST_TEST(!ix.failure());
  ix.stop();
}

BOOST_AUTO_TEST_CASE(mempool_entries_move_into_blocks) {
  test::RpcFixture rpc;
  auto& node = rpc.node();
  node.generate(101);
  MemoryIndexer ix(options_for(rpc.port()));
  ix.start();
  BOOST_TEST_REQUIRE(ix.wait_caught_up(30s));

  const Bytes to = node.new_script(regtest::AddressType::bech32).value();
  const ScriptHash sh = electrum_scripthash(to);
  const regtest::Payment pay{to, 3'000'000};
  const Transaction parent = node.send(std::span(&pay, 1)).value();
  BOOST_TEST_REQUIRE(eventually([&] { return ix.index().history(sh).value().size() == 1; }));
  auto h = ix.index().history(sh).value();
  BOOST_TEST(h[0].txid == parent.txid());
  BOOST_TEST(h[0].height == 0);
  BOOST_TEST(h[0].fee > 0);
  BOOST_TEST(ix.index().balance(sh).unconfirmed == 3'000'000);
  BOOST_TEST(ix.index().balance(sh).confirmed == 0);
  BOOST_TEST(ix.index().unspent(sh).value().size() == 1u);

  // A child spending the unconfirmed output: height -1 for its own scripts.
  regtest::SendOptions o;
  std::uint32_t vout = 0;
  while (parent.outputs()[vout].script_pubkey != to) ++vout;
  o.inputs = {OutPoint{parent.txid(), vout}};
  const Bytes change_to = node.new_script(regtest::AddressType::legacy).value();
  const regtest::Payment pay2{change_to, 1'000'000};
  const Transaction child = node.send(std::span(&pay2, 1), o).value();
  const ScriptHash sh2 = electrum_scripthash(change_to);
  BOOST_TEST_REQUIRE(eventually([&] { return ix.index().history(sh).value().size() == 2; }));
  h = ix.index().history(sh).value();
  BOOST_TEST(h[0].height == 0);
  BOOST_TEST(h[1].height == -1);
  BOOST_TEST(h[1].txid == child.txid());
  BOOST_TEST(ix.index().history(sh2).value().at(0).height == -1);
  BOOST_TEST(ix.index().balance(sh).unconfirmed == 0);  // received and spent, both unconfirmed
  BOOST_TEST(ix.index().unspent(sh).value().empty());   // spent in the mempool: not listed

  // Mined: both confirmed, the mempool empty.
  node.generate(1);
  BOOST_TEST_REQUIRE(
      eventually([&] { return ix.index().height() == node.height() && ix.index().mempool().size() == 0; }));
  h = ix.index().history(sh).value();
  BOOST_TEST_REQUIRE(h.size() == 2u);
  BOOST_TEST(h[0].height == node.height());
  BOOST_TEST(h[1].height == node.height());
  BOOST_TEST(ix.index().balance(sh2).confirmed == 1'000'000);
  test::check_against(ix.index(), test::reference_of(node));
  ix.stop();
}

BOOST_AUTO_TEST_CASE(reorgs_are_followed) {
  test::RpcFixture rpc;
  auto& node = rpc.node();
  node.generate(101);
  std::mt19937 rng(11);
  std::vector<Bytes> reused;
  test::add_payments(node, rng, 12, 3, reused);
  std::mutex log_mutex;
  std::vector<std::string> lines;
  auto logged = [&](const std::string& line) {
    std::lock_guard lock(log_mutex);
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  auto options = options_for(rpc.port());
  options.log = [&](const std::string& line) {
    std::lock_guard lock(log_mutex);
    lines.push_back(line);
  };
  MemoryIndexer ix(options);
  Notifications notes;
  notes.attach(ix);
  ix.start();
  BOOST_TEST_REQUIRE(ix.wait_caught_up(30s));
  for (int depth : {1, 3}) {
    const int fork = node.height() - depth;
    const std::string replaced = "chain was reorganised replacing " + std::to_string(depth) +
                                 (depth == 1 ? " block" : " blocks") + " at heights " + std::to_string(fork + 1) + "-" +
                                 std::to_string(fork + depth);
    node.invalidate_block(node.block_hash(fork + 1).value()).value();
    test::add_payments(node, rng, depth + 1, 2, reused);
    BOOST_TEST_REQUIRE(eventually(
        [&] { return ix.index().height() == node.height() && ix.index().blocks().back().hash == node.tip(); }));
    test::check_against(ix.index(), test::reference_of(node));
    BOOST_TEST(logged(replaced), replaced);
  }
  {  // once caught up, a line per block (ElectrumX's, then which block)
    std::lock_guard lock(log_mutex);
    const std::string tip = "(height " + std::to_string(node.height()) + ", ";
    BOOST_TEST(std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
      return l.starts_with("processed 1 block size 0.00 MB in ") && l.find(tip) != std::string::npos;
    }));
  }
  BOOST_TEST(notes.wait([](const Notification& n) { return n.reorg; }));
  // The node's tip is invalidated and nothing is mined: the chain got shorter, no block fails
  // to link, and still the index follows.
  node.invalidate_block(node.tip()).value();
  BOOST_TEST_REQUIRE(eventually(
      [&] { return ix.index().height() == node.height() && ix.index().blocks().back().hash == node.tip(); }));
  // Its transactions are back in the mempool: the confirmed part of each history is the
  // reference's.
  for (const auto& [sh, hist] : test::reference_of(node).history) {
    std::vector<HistoryItem> confirmed;
    for (const auto& item : ix.index().history(sh).value())
      if (item.height > 0) confirmed.push_back(item);
    BOOST_TEST_REQUIRE(confirmed.size() == hist.size());
    for (std::size_t i = 0; i < hist.size(); ++i) BOOST_TEST(confirmed[i].txid == hist[i].txid);
  }
  node.generate(1);
  BOOST_TEST_REQUIRE(eventually([&] { return ix.index().height() == node.height(); }));
  // LocalRPC's forced reorg: back out and index again, ending where it was.
  const auto before = ix.index().blocks().back().hash;
  ix.request_reorg(3);
  BOOST_TEST(eventually([&] { return ix.index().height() == node.height(); }));
  BOOST_TEST(ix.index().blocks().back().hash == before);
  BOOST_TEST(!ix.failure());
  ix.stop();
}

BOOST_AUTO_TEST_CASE(a_node_that_is_down_at_start_is_waited_for) {
  // Find a free port, then start the node on it only after the indexer began trying.
  const unsigned short port = test::free_port();
  MemoryIndexer ix(options_for(port));
  ix.start();
  std::this_thread::sleep_for(600ms);
  BOOST_TEST(!ix.caught_up());
  BOOST_TEST(!ix.failure());
  auto o = test::RpcFixture::default_options();
  o.endpoint.port(port);
  test::RpcFixture rpc(o);
  rpc.node().generate(5);
  BOOST_TEST(ix.wait_caught_up(30s));
  BOOST_TEST(eventually([&] { return ix.index().height() == 5; }));
  ix.stop();
}

BOOST_AUTO_TEST_CASE(wrong_credentials_and_wrong_network_stop_with_a_clear_message) {
  test::RpcFixture rpc;
  {
    MemoryIndexer ix(options_for(rpc.port(), "wrong"));
    ix.start();
    ix.wait();
    BOOST_TEST_REQUIRE(ix.failure().has_value());
    BOOST_TEST(ix.failure()->find("credentials") != std::string::npos);
    BOOST_TEST(!ix.caught_up());
  }
  {
    auto o = options_for(rpc.port());
    o.network = NetworkId::testnet;  // the node is regtest
    MemoryIndexer ix(o);
    ix.start();
    ix.wait();
    BOOST_TEST_REQUIRE(ix.failure().has_value());
    BOOST_TEST(ix.failure()->find("genesis") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
