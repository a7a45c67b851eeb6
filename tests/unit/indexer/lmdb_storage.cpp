// LmdbStorage on its own: persistence, map growth and its limit, a full disk, bad paths,
// concurrent readers, and the fast paths (append hints, values a page at a time).
#include <coinkit/indexer/storage/lmdb_storage.hpp>

#include <coinkit/core/endian.hpp>

#include "support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace coinkit;
using namespace coinkit::indexer;

namespace {

using coinkit::test::TempDir;

constexpr TableSpec specs[] = {{"items", 0}, {"meta", 0}, {"history", 5}};
constexpr TableId items = 0, meta = 1, history = 2;

StorageOptions options(const std::filesystem::path& path, std::size_t initial_map = std::size_t{1} << 30,
                       std::size_t max_map = std::size_t{1} << 40) {
  StorageOptions o;
  o.path = path;
  o.initial_map_size = initial_map;
  o.max_map_size = max_map;
  o.sync = false;
  return o;
}

Bytes be32(std::uint32_t n) {
  Bytes b(4);
  store_be(b.data(), n);
  return b;
}
Bytes value_of(std::uint32_t n, std::size_t size) {
  Bytes b(size);
  for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<std::uint8_t>(n * 31 + i);
  return b;
}

// How many entries table t holds, and whether item i of each is value_of(i, size).
template <class Txn>
std::size_t count(const Txn& r, TableId t) {
  std::size_t n = 0;
  auto c = r.cursor(t);
  for (bool ok = c.first(); ok; ok = c.next()) ++n;
  return n;
}
bool items_intact(const LmdbStorage& s, std::uint32_t n, std::size_t size) {
  const auto r = s.read();
  if (count(r, items) != n) return false;
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto v = r.get(items, be32(i));
    if (!v || !equal(*v, value_of(i, size))) return false;
  }
  return true;
}
result<void> put_items(LmdbStorage& s, std::uint32_t from, std::uint32_t to, std::size_t size, int* runs = nullptr) {
  return s.write([&](LmdbStorage::WriteTxn& w) {
    if (runs) ++*runs;
    for (std::uint32_t i = from; i < to; ++i) w.put(items, be32(i), value_of(i, size));
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lmdb_storage)

BOOST_AUTO_TEST_CASE(data_persist_across_reopen) {
  TempDir dir;
  {
    LmdbStorage s(options(dir.path), specs);
    BOOST_REQUIRE(put_items(s, 0, 1000, 100));
    BOOST_REQUIRE(s.write([](auto& w) {
      for (std::uint8_t i = 0; i < 10; ++i) w.put(history, as_bytes("script"), Bytes{0, 0, 0, 0, i});
    }));
  }
  BOOST_TEST(std::filesystem::exists(dir.path / "data.mdb"));
  // A map smaller than the file: it opens at the file's size.
  LmdbStorage s(options(dir.path, 64 << 10), specs);
  BOOST_TEST(s.map_size() >= s.disk_size());
  BOOST_TEST(s.disk_size() > 100'000u);
  BOOST_TEST(items_intact(s, 1000, 100));
  std::size_t n = 0;
  s.read().for_each_value(history, as_bytes("script"), [&](ByteSpan v) { BOOST_TEST(v[4] == n++); });
  BOOST_TEST(n == 10u);
}

// From a 64 KiB map, one write of 8 MB: aborted, map doubled, run again, until it fits.
BOOST_AUTO_TEST_CASE(map_grows_from_a_tiny_start) {
  TempDir dir;
  LmdbStorage s(options(dir.path, 64 << 10), specs);
  const std::size_t map_before = s.map_size();
  const std::uint64_t disk_before = s.disk_size();
  int runs = 0;
  BOOST_REQUIRE(put_items(s, 0, 2000, 4000, &runs));
  BOOST_TEST(runs > 1);
  BOOST_TEST(s.map_size() >= 8u << 20);
  BOOST_TEST(s.map_size() > map_before);
  BOOST_TEST(s.disk_size() > 8'000'000u);
  BOOST_TEST(s.disk_size() > disk_before);
  // Small writes then grow it early, at half full, without running anything twice.
  runs = 0;
  for (std::uint32_t i = 2000; i < 4000; i += 100) BOOST_REQUIRE(put_items(s, i, i + 100, 4000, &runs));
  BOOST_TEST(runs == 20);
  BOOST_TEST(items_intact(s, 4000, 4000));
}

// At max_map_size a write fails whole with map_full; what was there stays, and so does the
// storage's use for writes that fit.
BOOST_AUTO_TEST_CASE(map_full_at_the_maximum) {
  TempDir dir;
  {
    LmdbStorage s(options(dir.path, 64 << 10, 1 << 20), specs);
    BOOST_REQUIRE(put_items(s, 0, 100, 1000));
    const auto r = put_items(s, 100, 1100, 1000);
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error() == error::map_full);
    BOOST_TEST(s.map_size() == 1u << 20);
    BOOST_TEST(items_intact(s, 100, 1000));
    BOOST_REQUIRE(put_items(s, 100, 110, 1000));
  }
  LmdbStorage s(options(dir.path, 64 << 10, 1 << 20), specs);
  BOOST_TEST(items_intact(s, 110, 1000));
}

// A full disk, as a file size limit (RLIMIT_FSIZE) in a child process: the write fails with
// disk_full and commits nothing; once there is room again the same storage writes.
BOOST_AUTO_TEST_CASE(disk_full_commits_nothing) {
  TempDir dir;
  {
    StorageOptions o = options(dir.path, 1 << 20);
    o.sync = true;
    LmdbStorage s(o, specs);
    BOOST_REQUIRE(put_items(s, 0, 500, 200));
  }
  int pipe_fds[2];
  BOOST_REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    // The child: no Boost.Test here, answers go through the pipe. SIGXFSZ ignored, so writes
    // past the limit fail with EFBIG instead of killing the process.
    int codes[4] = {-1, -1, -1, -1};
    try {
      std::signal(SIGXFSZ, SIG_IGN);
      StorageOptions o = options(dir.path, 1 << 20);
      o.sync = true;
      LmdbStorage s(o, specs);
      rlimit limit{};
      ::getrlimit(RLIMIT_FSIZE, &limit);
      const rlim_t unlimited = limit.rlim_cur;
      auto code = [](const result<void>& r) { return r ? 0 : r.error() == error::disk_full ? 1 : 2; };
      // At the file's end: the first write past it fails (EFBIG).
      limit.rlim_cur = static_cast<rlim_t>(s.disk_size());
      ::setrlimit(RLIMIT_FSIZE, &limit);
      codes[0] = code(put_items(s, 500, 3000, 2000));  // 5 MB more
      // Within a page past the end: a write is cut short, which LMDB reports as EIO.
      limit.rlim_cur = static_cast<rlim_t>(s.disk_size() + 1000);
      ::setrlimit(RLIMIT_FSIZE, &limit);
      codes[1] = code(put_items(s, 500, 3000, 2000));
      limit.rlim_cur = unlimited;
      ::setrlimit(RLIMIT_FSIZE, &limit);
      codes[2] = code(put_items(s, 500, 600, 200));
      codes[3] = items_intact(s, 600, 200) ? 0 : 1;
    } catch (...) {
    }
    const bool sent = ::write(pipe_fds[1], codes, sizeof codes) == static_cast<ssize_t>(sizeof codes);
    ::_exit(sent ? 0 : 1);
  }
  ::close(pipe_fds[1]);
  int codes[4] = {-1, -1, -1, -1};
  const auto got = ::read(pipe_fds[0], codes, sizeof codes);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  BOOST_REQUIRE(got == static_cast<ssize_t>(sizeof codes));
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(codes[0] == 1);  // disk_full
  BOOST_TEST(codes[1] == 1);  // disk_full
  BOOST_TEST(codes[2] == 0);  // a write once there is room
  BOOST_TEST(codes[3] == 0);
  LmdbStorage s(options(dir.path), specs);
  BOOST_TEST(items_intact(s, 600, 200));  // nothing of the failed write
}

BOOST_AUTO_TEST_CASE(unusable_paths_throw_clearly) {
  TempDir dir;
  std::filesystem::create_directories(dir.path);
  auto message_of = [](const std::filesystem::path& p) -> std::string {
    try {
      LmdbStorage s(options(p), specs);
    } catch (const system_error& e) {
      return e.what();
    }
    return "no exception";
  };
  // A regular file where the directory should be, and a path beneath one.
  const auto file = dir.path / "file";
  std::ofstream(file) << "not a directory";
  std::string m = message_of(file);
  BOOST_TEST(m.find(file.string()) != std::string::npos, m);
  m = message_of(file / "db");
  BOOST_TEST(m.find((file / "db").string()) != std::string::npos, m);
  // Not an LMDB file.
  const auto corrupt = dir.path / "corrupt";
  std::filesystem::create_directories(corrupt);
  std::ofstream(corrupt / "data.mdb", std::ios::binary) << std::string(64 << 10, 'x');
  m = message_of(corrupt);
  BOOST_TEST(m.find(corrupt.string()) != std::string::npos, m);
  BOOST_TEST(m.find("MDB_INVALID") != std::string::npos, m);
  // A table reopened as the other kind (unique <-> dup).
  const auto changed = dir.path / "changed";
  { LmdbStorage s(options(changed), specs); }
  constexpr TableSpec other[] = {{"items", 8}, {"meta", 0}, {"history", 5}};
  try {
    LmdbStorage s(options(changed), other);
    BOOST_ERROR("a unique table opened as a dup table");
  } catch (const system_error& e) {
    BOOST_TEST(std::string(e.what()).find("items") != std::string::npos, e.what());
  }
  constexpr TableSpec too_wide[] = {{"wide", 512}};
  BOOST_CHECK_THROW(LmdbStorage(options(dir.path / "wide"), too_wide), std::invalid_argument);
}

// Errors are sticky: after the first, the body's operations do nothing and write() commits
// nothing; an exception from the body aborts the same way.
BOOST_AUTO_TEST_CASE(failed_writes_commit_nothing) {
  TempDir dir;
  LmdbStorage s(options(dir.path), specs);
  BOOST_REQUIRE(put_items(s, 0, 10, 10));
  bool erased = true;
  const auto r = s.write([&](LmdbStorage::WriteTxn& w) {
    w.put(items, be32(100), value_of(100, 10));
    w.put(items, Bytes(512, 1), as_bytes("key too long"));
    w.put(items, be32(101), value_of(101, 10));  // no-ops from here
    erased = w.erase(items, be32(0));
    BOOST_TEST(!w.get(items, be32(1)));
    auto c = w.cursor(items);
    BOOST_TEST(!c.first());
  });
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error() == error::storage_failure);
  BOOST_TEST(!erased);
  BOOST_TEST(items_intact(s, 10, 10));
  for (const Bytes& bad : {Bytes{}, Bytes(512, 1)}) BOOST_TEST(!s.write([&](auto& w) { w.put(items, bad, bad); }));
  BOOST_TEST(!s.write([](auto& w) { w.put(history, as_bytes("k"), Bytes(4)); }));  // not dup_size
  BOOST_CHECK_THROW(s.write([](auto& w) {
    w.put(items, be32(200), value_of(200, 10));
    throw std::runtime_error("body failed");
  }),
                    std::runtime_error);
  BOOST_TEST(items_intact(s, 10, 10));
  BOOST_REQUIRE(put_items(s, 10, 20, 10));
  BOOST_TEST(items_intact(s, 20, 10));
}

// Append hints: right ones are used, wrong ones fall back to an ordinary put.
BOOST_AUTO_TEST_CASE(append_hints) {
  TempDir dir;
  LmdbStorage s(options(dir.path), specs);
  BOOST_REQUIRE(s.write([](LmdbStorage::WriteTxn& w) {
    for (std::uint32_t i = 0; i < 5000; ++i) w.put(items, be32(i), value_of(i, 20), PutFlags::append);
    for (std::uint32_t i = 0; i < 3000; ++i) {
      Bytes v(5);
      store_be(v.data() + 1, i * 2);  // even numbers: odd ones fit between
      w.put(history, as_bytes("script"), v, PutFlags::append_dup);
    }
  }));
  BOOST_TEST(items_intact(s, 5000, 20));
  BOOST_REQUIRE(s.write([](LmdbStorage::WriteTxn& w) {
    w.put(items, be32(7), value_of(7, 20), PutFlags::append);                        // not after the last: replaces
    w.put(items, be32(4999), value_of(4999, 20), PutFlags::append);                  // the last itself
    w.put(history, as_bytes("script"), Bytes{0, 0, 0, 0, 8}, PutFlags::append_dup);  // present
    w.put(history, as_bytes("script"), Bytes{0, 0, 0, 0, 7}, PutFlags::append_dup);  // in between
    w.put(history, as_bytes("a"), Bytes{1, 2, 3, 4, 5}, PutFlags::append | PutFlags::append_dup);  // key not last
  }));
  BOOST_TEST(items_intact(s, 5000, 20));
  const auto r = s.read();
  std::vector<Bytes> values;
  auto c = r.cursor(history);
  for (bool ok = c.seek(as_bytes("script")); ok; ok = c.next()) values.emplace_back(c.value().begin(), c.value().end());
  BOOST_TEST(values.size() == 3001u);
  BOOST_TEST(std::is_sorted(values.begin(), values.end()));
  BOOST_TEST(r.get(history, as_bytes("a")).has_value());
}

// for_each_value reads a dup key's values a page at a time: all of them, in order, or up to a stop.
BOOST_AUTO_TEST_CASE(for_each_value_pages) {
  TempDir dir;
  LmdbStorage s(options(dir.path), specs);
  BOOST_REQUIRE(s.write([](LmdbStorage::WriteTxn& w) {
    for (std::uint32_t i = 0; i < 10'000; ++i) {
      Bytes v(5);
      store_be(v.data() + 1, i * 7);
      w.put(history, as_bytes("many"), v);
    }
    w.put(history, as_bytes("one"), Bytes{9, 9, 9, 9, 9});
    w.put(history, as_bytes("two"), Bytes{1, 1, 1, 1, 1});
    w.put(history, as_bytes("two"), Bytes{2, 2, 2, 2, 2});
    w.put(meta, as_bytes("one"), as_bytes("unique"));
  }));
  const auto r = s.read();
  std::uint32_t n = 0;
  bool in_order = true;
  r.for_each_value(history, as_bytes("many"),
                   [&](ByteSpan v) { in_order &= v.size() == 5 && load_be<std::uint32_t>(v.data() + 1) == 7 * n++; });
  BOOST_TEST(n == 10'000u);
  BOOST_TEST(in_order);
  n = 0;
  r.for_each_value(history, as_bytes("many"), [&](ByteSpan) { return ++n < 1234; });
  BOOST_TEST(n == 1234u);
  std::vector<int> firsts;
  for (const char* k : {"one", "two", "none", "mans", "manz"})
    r.for_each_value(history, as_bytes(k), [&](ByteSpan v) { firsts.push_back(v[0]); });
  BOOST_TEST(firsts == (std::vector<int>{9, 1, 2}), boost::test_tools::per_element());
  std::string unique;
  r.for_each_value(meta, as_bytes("one"), [&](ByteSpan v) { unique = as_chars(v); });
  BOOST_TEST(unique == "unique");
}

// Readers on four threads while the writer commits 1,000 batches from a 64 KiB map (so it
// grows under them): every snapshot is a committed state, where the count stored in `meta`
// equals the entries of `items` and the values of history["batches"].
BOOST_AUTO_TEST_CASE(concurrent_readers_see_committed_states) {
  TempDir dir;
  LmdbStorage s(options(dir.path, 64 << 10), specs);
  BOOST_REQUIRE(s.write([](auto& w) { w.put(meta, as_bytes("count"), be32(0)); }));
  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, snapshots{0};
  auto reader = [&] {
    std::uint32_t last_count = 0;
    while (!done) {
      const auto r = s.read();
      const auto stored = r.get(meta, as_bytes("count"));
      if (!stored) {
        ++bad;
        continue;
      }
      const std::uint32_t n = load_be<std::uint32_t>(stored->data());
      std::size_t batches = 0;
      r.for_each_value(history, as_bytes("batches"), [&](ByteSpan) { ++batches; });
      if (count(r, items) != n || batches != n / 10 || n < last_count) ++bad;
      last_count = n;
      ++snapshots;
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) readers.emplace_back(reader);
  std::size_t writes_failed = 0;
  for (std::uint32_t batch = 0; batch < 1000; ++batch) {
    const auto r = s.write([&](LmdbStorage::WriteTxn& w) {
      const std::uint32_t n = load_be<std::uint32_t>(w.get(meta, as_bytes("count"))->data());
      for (std::uint32_t i = n; i < n + 10; ++i) w.put(items, be32(i), value_of(i, 50));
      Bytes v(5);
      store_be(v.data() + 1, batch);
      w.put(history, as_bytes("batches"), v, PutFlags::append_dup);
      w.put(meta, as_bytes("count"), be32(n + 10));
    });
    writes_failed += !r;
  }
  // A snapshot moves to another thread and ends there (MDB_NOTLS).
  auto moved = s.read();
  std::size_t seen = 0;
  std::thread([&, r = std::move(moved)] { seen = count(r, items); }).join();
  done = true;
  for (auto& t : readers) t.join();
  BOOST_TEST(writes_failed == 0u);
  BOOST_TEST(bad == 0);
  BOOST_TEST(snapshots > 0);
  BOOST_TEST(seen == 10'000u);
  BOOST_TEST(s.map_size() > 64u << 10);
  BOOST_TEST_MESSAGE(snapshots << " snapshots checked, map " << s.map_size());
}

// A remap waits for open snapshots, but new readers only briefly: one that must read before
// an old snapshot can end (sessions sharing one io thread) gets in, and nothing deadlocks.
BOOST_AUTO_TEST_CASE(a_waiting_remap_holds_new_readers_back_only_briefly) {
  using namespace std::chrono_literals;
  TempDir dir;
  LmdbStorage s(options(dir.path, 64 << 10), specs);
  std::promise<void> second_read;
  auto second_read_done = second_read.get_future();
  bool gave_up = false;
  std::thread holder([&, r = s.read()]() mutable {
    gave_up = second_read_done.wait_for(10s) != std::future_status::ready;
    const auto end = std::move(r);
  });
  std::thread reader([&] {
    std::this_thread::sleep_for(50ms);  // by then the write waits to remap
    const auto r = s.read();
    second_read.set_value();
  });
  int runs = 0;
  BOOST_REQUIRE(put_items(s, 0, 1000, 1000, &runs));  // 1 MB from 64 KiB
  holder.join();
  reader.join();
  BOOST_TEST(!gave_up);
  BOOST_TEST(runs > 1);
  BOOST_TEST(items_intact(s, 1000, 1000));
}

BOOST_AUTO_TEST_SUITE_END()
