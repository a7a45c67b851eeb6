// Kills an indexer process (SIGKILL) at random instants of its sync, again and again; each
// restart must continue from a consistent state and end equal to a fresh index.
#include <coinkit/indexer/block_processor.hpp>
#include <coinkit/indexer/indexer.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/indexer/storage/memory_storage.hpp>

#include "support/index_chain.hpp"
#include "unit/regtest/rpc_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>

using namespace coinkit;
using namespace coinkit::indexer;

namespace {

pid_t spawn_child(const std::string& db, unsigned short port, int cache_mb) {
  std::fflush(stdout);  // or the child's freopen writes our buffered output a second time
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string p = std::to_string(port), c = std::to_string(cache_mb);
    if (!freopen("/dev/null", "w", stdout)) _exit(126);
    execl(COINKIT_INDEXER_CHILD, COINKIT_INDEXER_CHILD, db.c_str(), p.c_str(), c.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// The height the index at `path` committed, -1 before its first block.
int stored_height(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path / "data.mdb")) return -1;
  LmdbStorage store(StorageOptions{.path = path}, tables);
  if (auto v = store.read().get(table::meta, as_bytes(state_key))) return State::decode(*v).value().height;
  return -1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crash_safety)

BOOST_AUTO_TEST_CASE(sigkill_at_random_points_of_the_sync_loses_nothing) {
  test::RpcFixture rpc;
  auto& node = rpc.node();
  node.generate(101);
  std::mt19937 rng(1234);
  std::vector<Bytes> reused;
  test::add_payments(node, rng, 20, 4, reused);
  node.generate_transactions(20'000, 40).value();  // 500 blocks of 40 transactions
  test::TempDir dir;
  const std::string db = (dir.path / "db").string();

  // cache_mb 0: a flush (one LMDB commit) after every block, so kills land between, inside
  // and during commits alike.
  // Kill, reopen, check, again, until at least 20 kills landed while the index was between
  // genesis and the tip. Each run is killed a few milliseconds after it committed something new
  // (a busy machine slows the child, not the test's count); a sync that completes anyway (a fast
  // machine) starts over from an empty database.
  int killed_mid_sync = 0, rounds = 0, last = -1, restarts = 0;
  std::set<int> heights;
  std::uniform_int_distribution<int> when(5, 40);
  while (killed_mid_sync < 20 && rounds++ < 300) {
    const pid_t pid = spawn_child(db, rpc.port(), rng() % 3 == 0 ? 1 : 0);
    int status = 0;
    bool reaped = false;
    for (const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
         !reaped && stored_height(dir.path / "db") <= last && std::chrono::steady_clock::now() < until;) {
      reaped = waitpid(pid, &status, WNOHANG) == pid;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!reaped) {
      std::this_thread::sleep_for(std::chrono::milliseconds(when(rng)));
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
    if (!WIFSIGNALED(status)) BOOST_TEST_REQUIRE(WEXITSTATUS(status) == 0);  // it finished first
    const int h = stored_height(dir.path / "db");
    BOOST_TEST(h >= last);  // a restart never loses what an earlier run committed
    if (h == node.height()) {
      std::filesystem::remove_all(dir.path / "db");
      last = -1, ++restarts;
      continue;
    }
    last = h;
    if (h >= 0) heights.insert(h);
    if (WIFSIGNALED(status)) ++killed_mid_sync;
  }
  BOOST_TEST_MESSAGE(killed_mid_sync << " kills during the sync, at " << heights.size() << " distinct heights, "
                                     << restarts << " syncs completed between kills");
  BOOST_TEST(killed_mid_sync >= 20);
  BOOST_TEST(heights.size() >= 5u);
  int status = 0;
  const pid_t pid = spawn_child(db, rpc.port(), 0);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > until) {
      kill(pid, SIGKILL), waitpid(pid, &status, 0);
      BOOST_FAIL("the last run did not finish in 120 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  BOOST_TEST_REQUIRE(WIFEXITED(status));
  BOOST_TEST_REQUIRE(WEXITSTATUS(status) == 0);

  // A fresh index of the same chain, built in memory in one go.
  MemoryStorage fresh_store(StorageOptions{}, tables);
  Mempool mempool;
  Index<MemoryStorage> fresh(fresh_store, mempool);
  BlockProcessor<MemoryStorage> p(fresh, {find_network<BtcPolicy>(NetworkId::regtest)->genesis_hash, 1 << 30, 200});
  p.open().value();
  for (int h = 0; h <= node.height(); ++h) p.apply(test::prepared(node, h), true).value();
  p.flush().value();

  LmdbStorage killed_store(StorageOptions{.path = dir.path / "db"}, tables);
  for (TableId t : {table::blocks, table::history, table::utxo, table::outpoint})
    BOOST_TEST_CONTEXT("table " << tables[t].name)
  BOOST_TEST((test::dump(killed_store, t) == test::dump(fresh_store, t)));
  auto st = State::decode(*killed_store.read().get(table::meta, as_bytes(state_key)));
  BOOST_TEST_REQUIRE(st.has_value());
  BOOST_TEST(st->height == node.height());
  BOOST_TEST(st->tx_count == p.state().tx_count);
  BOOST_TEST(st->utxo_count == p.state().utxo_count);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(storage_faults)

// The database reaches its size limit in the middle of a sync: the indexer stops with a message
// saying so and where the index stands, and that index is whole: a restart with room finishes.
BOOST_AUTO_TEST_CASE(a_full_database_stops_the_indexer_cleanly) {
  test::RpcFixture rpc;
  auto& node = rpc.node();
  node.generate(101);
  node.generate_transactions(6'000, 60).value();
  test::TempDir dir;
  IndexerOptions o;
  o.db_dir = dir.path / "db";
  o.network = NetworkId::regtest;
  o.node.port = rpc.port();
  o.node.user = "user";
  o.node.password = "pass";
  o.cache_mb = 0;
  o.mempool = false;
  o.max_db_bytes = 1 << 20;  // 1 MiB: too small for this chain
  o.log = [](const std::string&) {};
  int stopped_at = -1;
  {
    Indexer<BtcPolicy, LmdbStorage> ix(o);
    ix.start();
    ix.wait();
    BOOST_TEST_REQUIRE(ix.failure().has_value());
    BOOST_TEST_MESSAGE(*ix.failure());
    BOOST_TEST(ix.failure()->find("maximum map size") != std::string::npos);
    stopped_at = ix.index().height();
    BOOST_TEST(stopped_at > 0);
    BOOST_TEST(stopped_at < node.height());
  }
  {
    LmdbStorage store(StorageOptions{.path = o.db_dir}, tables);
    BOOST_TEST(State::decode(*store.read().get(table::meta, as_bytes(state_key))).value().height == stopped_at);
  }
  o.max_db_bytes = std::size_t{1} << 30;
  Indexer<BtcPolicy, LmdbStorage> ix(o);
  ix.start();
  BOOST_TEST_REQUIRE(ix.wait_caught_up(std::chrono::seconds(60)));
  BOOST_TEST(ix.index().height() == node.height());
  test::check_against(ix.index(), test::reference_of(node));
}

BOOST_AUTO_TEST_SUITE_END()
