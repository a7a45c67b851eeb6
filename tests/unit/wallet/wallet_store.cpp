// WalletStore and GroupCommit: wallets and their requests written in batches and read back (in
// another store opened on the same files, as a restarted daemon would), each wallet's requests
// apart from the others'; changes read while they are only in the journal, and after a process
// killed while writing (every acknowledged one there, across checkpoints), and on a disk that
// fills (refused, none acknowledged lost); writes from many
// coroutines at once all on disk, in the order made; what was queued before stop() written, what
// comes after refused.
#include <coinkit/wallet/group_commit.hpp>
#include <coinkit/wallet/wallet_store.hpp>

#include <support/temp_dir.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace coinkit;
using namespace coinkit::wallet;

namespace {

WalletStore::Batch saving(const std::string& key, const RequestBook::Entry& e) {
  WalletStore::Batch b;
  b.save_request(key, e);
  return b;
}

RequestBook::Entry entry(const std::string& id, std::uint64_t seq, std::string message = "order") {
  RequestBook::Entry e;
  e.id = id;
  e.seq = seq;
  e.slot = static_cast<std::uint32_t>(seq % 7);
  e.announced = RequestStatus::unconfirmed;
  e.request.address = "bcrt1q40rrgjq3wnss5zcn68njnrawtjmqggr9pfhkx6";
  e.request.amount = 1'000'000 + static_cast<std::int64_t>(seq);
  e.request.message = std::move(message);
  e.request.time = 1'700'000'000 + static_cast<std::int64_t>(seq);
  e.request.expiry = 3600;
  e.request.height = 101;
  return e;
}

// The request of number i, with its id made from i.
RequestBook::Entry numbered(std::uint32_t i, std::string message = "order") {
  return entry("id" + std::to_string(100000 + i), i, std::move(message));
}
// The first of the numbered requests 0 to `last` not in `ids`.
std::optional<std::uint32_t> first_missing(const std::set<std::string>& ids, std::uint32_t last) {
  for (std::uint32_t i = 0; i <= last; ++i)
    if (!ids.contains(numbered(i).id)) return i;
  return std::nullopt;
}

// Runs body(send) in a child process, which exits with what it returns; send(v) writes v to the
// pipe whose reading end goes into `from_child` (no Boost.Test in the child). -1 when it cannot.
template <class Body>
pid_t fork_reporting(int& from_child, Body body) {
  int p[2];
  if (::pipe(p) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[0]);
    ::_exit(body([&](std::uint32_t v) {
      if (::write(p[1], &v, sizeof v) != sizeof v) ::_exit(3);
    }));
  }
  ::close(p[1]);
  from_child = p[0];
  return pid;
}

std::set<std::string> ids_of(const WalletStore& store, const std::string& key) {
  std::set<std::string> out;
  for (const auto& e : store.requests_of(key)) out.insert(e.id);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wallet_store)

BOOST_AUTO_TEST_CASE(batches_are_read_back_by_another_store) {
  test::TempDir dir;
  const StoredWallet a{"key a", 25, 10}, b{"key b", 20, 12};
  {
    WalletStore store(dir.path);
    WalletStore::Batch batch;
    batch.save(a)
        .save(b)
        .save_request(a.key, entry("aaaa000001", 0, "café ☕"))
        .save_request(a.key, entry("aaaa000002", 1));
    batch.save_request(b.key, entry("bbbb000001", 0));
    BOOST_TEST_REQUIRE(store.commit(batch).has_value());
  }
  WalletStore store(dir.path);
  BOOST_TEST((store.find(a.key) == a));
  BOOST_TEST((store.find(b.key) == b));
  const auto read = store.requests_of(a.key);
  BOOST_TEST_REQUIRE(read.size() == 2u);
  const auto& first = *std::ranges::find(read, std::string("aaaa000001"), &RequestBook::Entry::id);
  const auto expected = entry("aaaa000001", 0, "café ☕");
  BOOST_TEST(first.request.message == expected.request.message);
  BOOST_TEST(first.request.amount == expected.request.amount);
  BOOST_TEST(first.request.time == expected.request.time);
  BOOST_TEST(first.request.expiry == expected.request.expiry);
  BOOST_TEST(first.request.height == expected.request.height);
  BOOST_TEST(first.request.address == expected.request.address);
  BOOST_TEST(first.slot == expected.slot);
  BOOST_TEST(first.seq == expected.seq);
  BOOST_TEST((first.announced == RequestStatus::unconfirmed));
  // One wallet's requests cleared, the other's kept; a wallet erased takes its requests along.
  BOOST_TEST_REQUIRE(store.commit(WalletStore::Batch().clear_requests(a.key)).has_value());
  BOOST_TEST(ids_of(store, a.key).empty());
  BOOST_TEST((ids_of(store, b.key) == std::set<std::string>{"bbbb000001"}));
  BOOST_TEST_REQUIRE(store.erase(b.key).has_value());
  BOOST_TEST(!store.find(b.key).has_value());
  BOOST_TEST(ids_of(store, b.key).empty());
  BOOST_TEST(store.find(a.key).has_value());
}

// Frozen addresses and coins, and local transactions: read back by another store, one wallet's
// apart from another's; unfrozen and forgotten ones gone; all gone with the wallet.
BOOST_AUTO_TEST_CASE(frozen_state_and_local_transactions_are_read_back) {
  test::TempDir dir;
  const StoredWallet a{"key a", 20, 10}, b{"key b", 20, 10};
  MutableTransaction m;
  m.inputs.push_back(TxIn{OutPoint{Txid::from_hex(std::string(64, '1')), 3}, {}, 0xfffffffd, {Bytes{1, 2}, Bytes{3}}});
  m.outputs.push_back(
      TxOut{12'345, Bytes{0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}});
  const Transaction local(m);
  m.lock_time = 7;
  const Transaction other_local(m);
  const OutPoint coin{Txid::from_hex(std::string(64, 'a')), 0xfffffffe},
      other_coin{Txid::from_hex(std::string(64, 'b')), 1};
  {
    WalletStore store(dir.path);
    WalletStore::Batch batch;
    batch.save(a).save(b);
    batch.freeze_address(a.key, "bcrt1qaddress1", true).freeze_address(a.key, "bcrt1qaddress2", true);
    batch.freeze_coin(a.key, coin, true).freeze_coin(a.key, other_coin, true).freeze_coin(b.key, coin, true);
    batch.save_local(a.key, local).save_local(a.key, other_local).save_local(b.key, local);
    batch.freeze_address(a.key, "bcrt1qaddress2", false).freeze_coin(a.key, other_coin, false);
    batch.erase_local(a.key, other_local.txid());
    BOOST_TEST_REQUIRE(store.commit(batch).has_value());
  }
  WalletStore store(dir.path);
  const FrozenState frozen = store.frozen_of(a.key);
  BOOST_TEST(frozen.addresses == std::vector<std::string>{"bcrt1qaddress1"});
  BOOST_TEST_REQUIRE(frozen.coins.size() == 1u);
  BOOST_TEST((frozen.coins[0] == coin));
  const auto locals = store.local_transactions_of(a.key);
  BOOST_TEST_REQUIRE(locals.size() == 1u);
  BOOST_TEST((locals[0] == local));
  BOOST_TEST(store.frozen_of(b.key).coins.size() == 1u);
  BOOST_TEST_REQUIRE(store.erase(b.key).has_value());
  BOOST_TEST(store.frozen_of(b.key).coins.empty());
  BOOST_TEST(store.local_transactions_of(b.key).empty());
  BOOST_TEST(store.local_transactions_of(a.key).size() == 1u);
}

// wait_written: a read after it sees every write posted before it, callbacks heard (each one
// slow here, so that returning early would show).
BOOST_AUTO_TEST_CASE(a_read_after_wait_written_sees_what_was_posted_before) {
  test::TempDir dir;
  WalletStore store(dir.path);
  GroupCommit writes(store);
  std::atomic<int> heard = 0;
  for (int i = 0; i < 50; ++i)
    writes.post(saving("key", entry("req" + std::to_string(i), static_cast<std::uint64_t>(i))),
                [&heard](const result<void>& r) {
                  std::this_thread::sleep_for(std::chrono::milliseconds(1));
                  if (r) ++heard;
                });
  writes.wait_written();
  BOOST_TEST(heard.load() == 50);
  BOOST_TEST(ids_of(store, "key").size() == 50u);
  writes.wait_written();  // nothing pending: at once
}

// Reads between checkpoints see LMDB with the journal's changes on top: saves, replacements,
// deletions and a wallet erased with all of it; the same after the store is reopened.
BOOST_AUTO_TEST_CASE(changes_are_read_before_a_checkpoint_applies_them) {
  test::TempDir dir;
  const StoredWallet a{"key a", 20, 10}, b{"key b", 20, 10};
  const auto check = [&](const WalletStore& store) {
    BOOST_TEST((store.find(a.key) == StoredWallet{"key a", 30, 10}));
    BOOST_TEST(!store.find(b.key));
    BOOST_TEST(ids_of(store, a.key) == (std::set<std::string>{"req2", "req3"}), boost::test_tools::per_element());
    const auto requests = store.requests_of(a.key);
    const auto req3 = std::ranges::find(requests, std::string("req3"), &RequestBook::Entry::id);
    BOOST_TEST_REQUIRE((req3 != requests.end()));
    BOOST_TEST(req3->request.message == "replaced");
    BOOST_TEST(store.frozen_of(a.key).addresses == std::vector<std::string>{"bcrt1qkept"},
               boost::test_tools::per_element());
    BOOST_TEST(ids_of(store, b.key).empty());
    BOOST_TEST(store.frozen_of(b.key).addresses.empty());
  };
  {
    WalletStore store(dir.path);
    WalletStore::Batch first;
    first.save(a).save(b).save_request(a.key, entry("req1", 1)).save_request(a.key, entry("req3", 3));
    first.save_request(b.key, entry("reqb", 9)).freeze_address(b.key, "bcrt1qgone", true);
    BOOST_TEST_REQUIRE(store.commit(first).has_value());
    BOOST_TEST_REQUIRE(store.checkpoint_now().has_value());  // these in LMDB, the rest in the journal
    WalletStore::Batch second;
    second.save(StoredWallet{"key a", 30, 10}).erase_request(a.key, "req1").save_request(a.key, entry("req2", 2));
    second.save_request(a.key, entry("req3", 3, "replaced")).freeze_address(a.key, "bcrt1qkept", true);
    second.freeze_address(a.key, "bcrt1qthawed", true).freeze_address(a.key, "bcrt1qthawed", false);
    BOOST_TEST_REQUIRE(store.commit(second).has_value());
    BOOST_TEST_REQUIRE(store.erase(b.key).has_value());
    check(store);
  }
  WalletStore store(dir.path);
  check(store);
}

// A process killed (SIGKILL) while it saves requests one after another: every request whose
// commit returned is there when the store is opened again, over more than one checkpoint.
BOOST_AUTO_TEST_CASE(every_acknowledged_write_survives_a_killed_process) {
  test::TempDir dir;
  int acks = -1;
  const pid_t pid = fork_reporting(acks, [&](auto send) {
    WalletStore store(dir.path);
    for (std::uint32_t i = 0;; ++i) {
      if (!store.commit(saving("wallet", numbered(i)))) return 2;
      send(i);
    }
  });
  BOOST_TEST_REQUIRE(pid >= 0);
  std::uint32_t last = 0;
  for (std::uint32_t i; ::read(acks, &i, sizeof i) == sizeof i;) {
    last = i;
    if (i >= 2'500) break;  // past two checkpoints (a journal holds 1,024 requests)
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(acks);
  BOOST_TEST_REQUIRE(last >= 2'500u);
  WalletStore store(dir.path);
  const auto ids = ids_of(store, "wallet");
  const auto lost = first_missing(ids, last);
  BOOST_TEST(!lost, "request " << lost.value_or(0) << " lost");
  BOOST_TEST(ids.size() <= last + 2u);  // and nothing else: at most the one written when killed
}

// A disk that fills (a file size limit, RLIMIT_FSIZE, in a child process): requests go into the
// journal, made beforehand, until a checkpoint needs LMDB to grow; then commits fail with
// disk_full, and those acknowledged before are all there, also when the process ends without
// closing the store (the next opening applies the journal). Once there is room again, commits go
// on.
BOOST_AUTO_TEST_CASE(a_full_disk_fails_commits_and_loses_no_acknowledged_one) {
  test::TempDir dir;
  const std::string memo(3'000, 'm');  // a record of a page: a journal's worth is 3 MB of LMDB
  constexpr std::uint32_t refused = 0xffffffff;
  int acks = -1;
  // The child sends each request committed, then `refused` and the failure's code (1 for
  // disk_full), then the request committed once there is room.
  const pid_t pid = fork_reporting(acks, [&](auto send) {
    std::signal(SIGXFSZ, SIG_IGN);  // writes past the limit fail with EFBIG, as on a full disk
    WalletStore store(dir.path);
    rlimit limit{};
    ::getrlimit(RLIMIT_FSIZE, &limit);
    const rlim_t unlimited = limit.rlim_cur;
    limit.rlim_cur = 5 << 20;  // the journal's 4 MiB and room for one checkpoint, not two
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::uint32_t i = 0;
    for (;; ++i) {
      const auto r = store.commit(saving("wallet", numbered(i, memo)));
      if (!r) {
        send(refused);
        send(r.error() == indexer::error::disk_full ? 1 : 2);
        break;
      }
      send(i);
      if (i > 10'000) return 4;
    }
    if (store.commit(saving("wallet", numbered(i, memo)))) return 5;  // still full: refused again
    limit.rlim_cur = unlimited;
    ::setrlimit(RLIMIT_FSIZE, &limit);
    if (!store.commit(saving("wallet", numbered(i, memo)))) return 6;
    send(i);
    return 0;  // without closing the store: what is in the journal waits for the next opening
  });
  BOOST_TEST_REQUIRE(pid >= 0);
  std::vector<std::uint32_t> got;
  for (std::uint32_t v; ::read(acks, &v, sizeof v) == sizeof v;) got.push_back(v);
  ::close(acks);
  int status = 0;
  ::waitpid(pid, &status, 0);
  BOOST_TEST_REQUIRE(WIFEXITED(status));
  BOOST_TEST_REQUIRE(WEXITSTATUS(status) == 0);
  const auto failed = std::ranges::find(got, refused);
  BOOST_TEST_REQUIRE((failed != got.end() && failed + 3 == got.end()));
  BOOST_TEST(failed[1] == 1u);  // disk_full
  const auto before = static_cast<std::uint32_t>(failed - got.begin());
  BOOST_TEST_MESSAGE("the disk was full after " << before << " requests");
  BOOST_TEST(before > 1'024u);      // past the first checkpoint
  BOOST_TEST(failed[2] == before);  // the one refused, taken later
  WalletStore store(dir.path);
  const auto ids = ids_of(store, "wallet");
  const auto lost = first_missing(ids, before);
  BOOST_TEST(!lost, "request " << lost.value_or(0) << " lost");
  BOOST_TEST(ids.size() == before + 1u);
}

BOOST_AUTO_TEST_CASE(writes_from_many_callers_are_all_on_disk_in_their_order) {
  test::TempDir dir;
  WalletStore store(dir.path);
  boost::asio::io_context io;
  std::vector<std::string> failed;
  {
    GroupCommit writes(store);
    // 200 coroutines, each saving a request and waiting for the disk.
    int done = 0;
    for (int i = 0; i < 200; ++i) {
      boost::asio::co_spawn(
          io,
          writes.async_commit(saving("wallet", entry("id" + std::to_string(1000 + i), static_cast<std::uint64_t>(i))),
                              io.get_executor()),
          [&, i](std::exception_ptr e, result<void> r) {
            if (e || !r) failed.push_back(std::to_string(i));
            ++done;
          });
    }
    // A request saved and then deleted, queued in that order: deleted.
    writes.post(saving("wallet", entry("gone000001", 500)), {});
    WalletStore::Batch erase;
    erase.erase_request("wallet", "gone000001");
    BOOST_TEST(writes.commit(std::move(erase)).has_value());
    io.run();
    BOOST_TEST(done == 200);
    // Queued before stop(): written. After: refused.
    for (int i = 0; i < 50; ++i) writes.post(saving("late", entry("late" + std::to_string(100 + i), 0)), {});
    writes.stop();
    const auto refused = writes.commit(saving("late", entry("refused001", 0)));
    BOOST_TEST(!refused.has_value());
  }
  BOOST_TEST(failed.empty());
  const auto ids = ids_of(store, "wallet");
  BOOST_TEST(ids.size() == 200u);
  BOOST_TEST(!ids.contains("gone000001"));
  BOOST_TEST(ids_of(store, "late").size() == 50u);
}

BOOST_AUTO_TEST_SUITE_END()
