// The Storage backends against each other: LmdbStorage must answer every read as MemoryStorage,
// the reference, does, after the same random writes; and both pass the same edge cases.
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/indexer/storage/memory_storage.hpp>

#include <coinkit/core/hex.hpp>

#include "support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

using namespace coinkit;
using namespace coinkit::indexer;

namespace {

using coinkit::test::TempDir;

// One unique table with keys of any length, two dup tables: fixed 8-byte keys with 5-byte
// values (a script's history), keys of any length with 24-byte values.
constexpr TableSpec specs[] = {{"unique", 0}, {"dup5", 5}, {"dup24", 24}};
constexpr TableId unique_table = 0, dup5 = 1, dup24 = 2;
const Bytes hot_key = {0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0, 0};  // Generator::key(dup5) 0

Bytes bytes(std::initializer_list<int> b) {
  Bytes out;
  for (int x : b) out.push_back(static_cast<std::uint8_t>(x));
  return out;
}

StorageOptions lmdb_options(const TempDir& dir, std::size_t initial_map = std::size_t{1} << 30) {
  StorageOptions o;
  o.path = dir.path;
  o.initial_map_size = initial_map;
  o.sync = false;
  return o;
}

struct MemoryBackend {
  MemoryStorage s{StorageOptions{}, specs};
};
struct LmdbBackend {
  TempDir dir;
  LmdbStorage s{lmdb_options(dir), specs};
};
using Backends = std::tuple<MemoryBackend, LmdbBackend>;

// Bytes as hex; long values by length and digest (FNV-1a), so that dumps stay quick.
std::string show(ByteSpan b) {
  if (b.size() <= 64) return to_hex(b);
  std::uint64_t h = 0xcbf29ce484222325;
  for (std::uint8_t x : b) h = (h ^ x) * 0x100000001b3;
  return std::to_string(b.size()) + "#" + std::to_string(h);
}

// Where a cursor is: "-" when invalid.
template <class C>
std::string at(const C& c, bool ok) {
  if (!ok) return "-";
  return show(c.key()) + ":" + show(c.value());
}

// Every entry of table t, forward then backward.
template <class Txn>
std::string dump(const Txn& r, TableId t) {
  std::string out;
  auto c = r.cursor(t);
  std::size_t n = 0;
  for (bool ok = c.first(); ok; ok = c.next(), ++n) out += at(c, true) + " ";
  out += "| ";
  auto b = r.cursor(t);
  for (bool ok = b.last(); ok; ok = b.prev(), --n) out += at(b, true) + " ";
  if (n != 0) out += "count mismatch";
  return out;
}
template <class Txn>
std::string dump_all(const Txn& r) {
  std::string out;
  for (TableId t = 0; t < std::size(specs); ++t) out += dump(r, t) + "\n";
  return out;
}

// ---- random operations ---------------------------------------------------------------------

enum class Kind { put, put_hinted, erase_key, erase_value, get, seek_walk, values };

struct Op {
  Kind kind;
  TableId table;
  Bytes key, value;
  PutFlags hint = PutFlags::none;
  std::vector<int> moves;  // seek_walk: 0 next, 1 prev, 2 first, 3 last; values: stop after n
};

// Bytes biased to the values where orders differ: 0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff.
class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  std::uint8_t byte() {
    static constexpr std::uint8_t edgy[] = {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 'a', 'b'};
    return chance(75) ? edgy[below(std::size(edgy))] : static_cast<std::uint8_t>(below(256));
  }
  Bytes some(std::size_t n) {
    Bytes b(n);
    for (auto& x : b) x = byte();
    return b;
  }

  Bytes key(TableId t) {
    if (t == dup5) {
      // A hot key gathers thousands of values (LMDB: a sub-database over several pages).
      const std::size_t k = chance(40) ? 0 : below(30);
      Bytes b(8, 0x42);
      b[6] = static_cast<std::uint8_t>(k >> 8), b[7] = static_cast<std::uint8_t>(k);
      if (k % 3 == 1) b[0] = 0x80;
      return b;
    }
    if (chance(1)) return some(chance(50) ? 511 : 400 + below(111));  // long, up to LMDB's 511
    return some(1 + below(t == unique_table ? 4 : 3));
  }
  Bytes value(TableId t) {
    if (t == dup5) return some(5);
    if (t == dup24) return some(24);
    if (chance(3)) return some(1000 + below(5000));  // overflow pages
    return some(below(30));                          // empty too
  }
  // A key or value to seek: stored lengths, but also shorter, longer, and past LMDB's limit.
  Bytes probe_key(TableId t, const Bytes& near) {
    switch (below(6)) {
      case 0: return key(t);
      case 1: return near;
      case 2: return Bytes(near.begin(), near.begin() + static_cast<std::ptrdiff_t>(below(near.size() + 1)));
      case 3: {
        Bytes b = near;
        const Bytes more = some(1 + below(3));
        append(b, more);
        return b;
      }
      case 4: {
        Bytes b = near;
        b.resize(512 + below(100), near.empty() ? 0 : near.back());
        return b;
      }
      default: return {};
    }
  }
  Bytes probe_value(TableId t, const Bytes& near) {
    switch (below(5)) {
      case 0: return value(t);
      case 1: return near;
      case 2: return Bytes(near.begin(), near.begin() + static_cast<std::ptrdiff_t>(below(near.size() + 1)));
      case 3: {
        Bytes b = near;
        const Bytes more = some(1 + below(600));
        append(b, more);
        return b;
      }
      default: return {};
    }
  }

 private:
  std::mt19937_64 rng_;
};

// An existing entry of table t in snapshot r near a random key, or a random one.
template <class Txn>
std::pair<Bytes, Bytes> existing(Generator& g, const Txn& r, TableId t) {
  auto c = r.cursor(t);
  const Bytes k = g.key(t);
  if (c.seek(k) || c.last()) return {Bytes(c.key().begin(), c.key().end()), Bytes(c.value().begin(), c.value().end())};
  return {g.key(t), g.value(t)};
}

std::vector<Op> make_batch(Generator& g, const MemoryStorage& reference, std::size_t n) {
  const auto r = reference.read();
  std::vector<Op> ops;
  for (std::size_t i = 0; i < n; ++i) {
    Op op{};
    op.table = g.chance(50) ? dup5 : g.below(std::size(specs));
    const TableId t = op.table;
    const auto [near_key, near_value] = existing(g, r, t);
    switch (g.below(20)) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
      case 5:
      case 6:
      case 7:
        op.kind = Kind::put;
        op.key = g.chance(30) ? near_key : g.key(t);
        op.value = g.value(t);
        break;
      case 8:
      case 9: {
        // Right or wrong hints: a key after the last, a value after the key's last.
        op.kind = Kind::put_hinted;
        auto c = r.cursor(t);
        op.key = g.chance(50) && c.last() ? Bytes(c.key().begin(), c.key().end()) : near_key;
        if (g.chance(60) && op.key.size() < 511) op.key.push_back(g.byte());
        op.value = g.value(t);
        if (specs[t].dup_size != 0 && g.chance(60)) op.value[0] = 0xff;
        op.hint = g.chance(50)   ? PutFlags::append
                  : g.chance(50) ? PutFlags::append_dup
                                 : PutFlags::append | PutFlags::append_dup;
        break;
      }
      case 10:
        op.kind = Kind::erase_key;
        op.key = g.chance(70) ? near_key : g.key(t);
        if (t == dup5 && (op.key == hot_key || g.chance(90))) op.kind = Kind::erase_value;  // spare the hot key
        break;
      case 11:
      case 12:
        op.kind = Kind::erase_value;
        op.key = g.chance(80) ? near_key : g.key(t);
        op.value = g.chance(70) ? near_value : g.value(t);
        break;
      case 13: op.kind = Kind::get, op.key = g.chance(70) ? near_key : g.probe_key(t, near_key); break;
      case 14:
        op.kind = Kind::values;
        op.key = g.chance(80) ? near_key : g.key(t);
        op.moves.push_back(g.chance(50) ? 1'000'000 : static_cast<int>(g.below(5)));
        break;
      default:
        op.kind = Kind::seek_walk;
        op.key = g.probe_key(t, near_key);
        op.value = g.probe_value(t, near_value);
        for (std::size_t m = g.below(6); m > 0; --m)
          op.moves.push_back(static_cast<int>(g.below(g.chance(80) ? 2 : 4)));
        break;
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

// The values of a key as MemoryStorage shows them: what for_each_value must visit.
template <class Txn>
std::string values_by_cursor(const Txn& r, TableId t, ByteSpan key, int limit) {
  std::string out;
  auto c = r.cursor(t);
  for (bool ok = c.seek(key); ok && equal(c.key(), key) && limit-- > 0; ok = c.next()) out += show(c.value()) + " ";
  return out;
}

template <class Txn>
constexpr bool is_lmdb = std::is_base_of_v<LmdbStorage::ReadTxn, std::remove_cvref_t<Txn>>;

// A read operation; its answer goes to the log.
template <class Txn>
void apply_read(const Txn& r, const Op& op, std::vector<std::string>& log) {
  if (op.kind == Kind::get) {
    const auto v = r.get(op.table, op.key);
    log.push_back(v ? show(*v) : "none");
  } else if (op.kind == Kind::values) {
    const int limit = op.moves.at(0);
    if constexpr (is_lmdb<Txn>) {
      std::string out;
      int n = limit;
      r.for_each_value(op.table, op.key, [&](ByteSpan v) {
        if (n-- <= 0) return false;
        out += show(v) + " ";
        return true;
      });
      log.push_back(out);
    } else {
      log.push_back(values_by_cursor(r, op.table, op.key, limit));
    }
  } else {
    auto c = r.cursor(op.table);
    std::string out = at(c, c.seek(op.key, op.value));
    for (int m : op.moves) {
      const bool ok = m == 0 ? c.next() : m == 1 ? c.prev() : m == 2 ? c.first() : c.last();
      out += " " + at(c, ok);
    }
    log.push_back(out);
  }
}

// Applies one operation; reads and erase's answers go to the log.
template <class Txn>
void apply(Txn& w, const Op& op, std::vector<std::string>& log) {
  switch (op.kind) {
    case Kind::put: w.put(op.table, op.key, op.value); break;
    case Kind::put_hinted:
      if constexpr (is_lmdb<Txn>) {
        w.put(op.table, op.key, op.value, op.hint);
      } else {
        w.put(op.table, op.key, op.value);
      }
      break;
    case Kind::erase_key: log.push_back(w.erase(op.table, op.key) ? "erased" : "absent"); break;
    case Kind::erase_value: log.push_back(w.erase(op.table, op.key, op.value) ? "erased" : "absent"); break;
    default: apply_read(w, op, log);
  }
}

std::string describe(const Op& op) {
  static const char* names[] = {"put", "put_hinted", "erase_key", "erase_value", "get", "seek_walk", "values"};
  std::ostringstream s;
  s << names[static_cast<int>(op.kind)] << " table " << op.table << " key " << show(op.key) << " value "
    << show(op.value);
  return s.str();
}

// Logs equal, else a failure naming the first operation whose answer differs.
void compare_logs(const std::vector<Op>& ops, const std::vector<std::string>& expected,
                  const std::vector<std::string>& got) {
  if (expected == got) return;
  std::size_t i = 0;
  while (i < expected.size() && i < got.size() && expected[i] == got[i]) ++i;
  // Map log entry i back to its operation: puts log nothing.
  std::size_t logged = 0, op = 0;
  for (; op < ops.size(); ++op) {
    if (ops[op].kind == Kind::put || ops[op].kind == Kind::put_hinted) continue;
    if (logged++ == i) break;
  }
  BOOST_ERROR("answers differ at log entry " << i << " (" << (op < ops.size() ? describe(ops[op]) : "?") << "): memory "
                                             << (i < expected.size() ? expected[i] : "<none>") << " / lmdb "
                                             << (i < got.size() ? got[i] : "<none>"));
}

// Runs `writes` random batches on both backends, comparing every answer, the tables after each
// write, and snapshots taken along the way (held across later writes when hold_snapshots).
void differential(std::uint64_t seed, std::size_t writes, std::size_t initial_map, bool hold_snapshots) {
  BOOST_TEST_CONTEXT("seed " << seed) {
    Generator g(seed);
    TempDir dir;
    MemoryStorage memory(StorageOptions{}, specs);
    LmdbStorage lmdb(lmdb_options(dir, initial_map), specs);

    struct Snapshot {
      MemoryStorage::ReadTxn memory;
      LmdbStorage::ReadTxn lmdb;
      std::string dump;
    };
    std::deque<Snapshot> snapshots;
    std::size_t reruns = 0;

    for (std::size_t i = 0; i < writes; ++i) {
      BOOST_TEST_CONTEXT("write " << i) {
        auto ops = make_batch(g, memory, 1 + g.below(60));
        if (g.chance(20)) {  // the hot key over several pages of values (an LMDB sub-database)
          for (int n = 0; n < 100; ++n) ops.push_back({Kind::put, dup5, hot_key, g.value(dup5), PutFlags::none, {}});
        }
        if (i == 150) ops.push_back({Kind::erase_key, dup5, hot_key, {}, PutFlags::none, {}});  // all its pages
        if (i % 100 == 50) {  // now and then a third of a megabyte: from a small map, more than it holds
          for (int n = 0; n < 100; ++n)
            ops.push_back(
                {Kind::put, unique_table, g.key(unique_table), g.some(1000 + g.below(5000)), PutFlags::none, {}});
        }
        std::vector<std::string> expected, got;
        BOOST_REQUIRE(memory.write([&](MemoryStorage::WriteTxn& w) {
          for (const Op& op : ops) apply(w, op, expected);
        }));
        std::size_t runs = 0;
        BOOST_REQUIRE(lmdb.write([&](LmdbStorage::WriteTxn& w) {
          ++runs;
          got.clear();  // a rerun (map grown) starts over
          for (const Op& op : ops) apply(w, op, got);
        }));
        reruns += runs - 1;
        compare_logs(ops, expected, got);

        // Reads after the commit, then the whole tables.
        const auto rm = memory.read();
        const auto rl = lmdb.read();
        std::vector<std::string> expected_reads, got_reads;
        auto reads = make_batch(g, memory, 20);
        std::erase_if(reads, [](const Op& op) {
          return op.kind != Kind::get && op.kind != Kind::seek_walk && op.kind != Kind::values;
        });
        for (const Op& op : reads) apply_read(rm, op, expected_reads), apply_read(rl, op, got_reads);
        compare_logs(reads, expected_reads, got_reads);
        const std::string now = dump_all(rm);
        BOOST_REQUIRE_EQUAL(dump_all(rl), now);

        if (hold_snapshots && g.chance(10)) {
          if (snapshots.size() == 4) snapshots.pop_front();
          snapshots.push_back({memory.read(), lmdb.read(), now});
        }
        for (const Snapshot& s : snapshots) {
          if (!g.chance(10)) continue;
          BOOST_REQUIRE_EQUAL(dump_all(s.memory), s.dump);
          BOOST_REQUIRE_EQUAL(dump_all(s.lmdb), s.dump);
        }
      }
    }
    for (const Snapshot& s : snapshots) {
      BOOST_CHECK_EQUAL(dump_all(s.memory), s.dump);
      BOOST_CHECK_EQUAL(dump_all(s.lmdb), s.dump);
    }
    const auto r = lmdb.read();
    std::size_t entries = 0, hot = 0;
    for (TableId t = 0; t < std::size(specs); ++t) {
      auto c = r.cursor(t);
      for (bool ok = c.first(); ok; ok = c.next()) ++entries;
    }
    r.for_each_value(dup5, hot_key, [&](ByteSpan) { ++hot; });
    BOOST_TEST_MESSAGE("seed " << seed << ": " << entries << " entries, " << hot << " values of the hot key, " << reruns
                               << " bodies run again, map " << lmdb.map_size());
    if (!hold_snapshots) BOOST_TEST(reruns > 0);
  }
}

std::uint64_t random_seed() {
  if (const char* s = std::getenv("COINKIT_STORAGE_SEED")) return std::strtoull(s, nullptr, 0);
  return std::random_device{}();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(storage_conformance)

// Snapshots held across writes; the map large enough never to grow (a remap would wait for them).
BOOST_AUTO_TEST_CASE(random_operations_match_memory_storage) {
  for (std::uint64_t seed : {1u, 2u, 3u}) differential(seed, 250, std::size_t{1} << 30, true);
  differential(random_seed(), 250, std::size_t{1} << 30, true);  // printed on failure
}

// From a 64 KiB map: writes fill it, are aborted and run again on a larger map.
BOOST_AUTO_TEST_CASE(random_operations_match_while_the_map_grows) {
  differential(4, 250, 64 << 10, false);
  differential(random_seed(), 250, 64 << 10, false);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(empty_tables, B, Backends) {
  B b;
  const auto r = b.s.read();
  for (TableId t = 0; t < std::size(specs); ++t) {
    auto c = r.cursor(t);
    BOOST_TEST(!c.first());
    BOOST_TEST(!c.last());
    BOOST_TEST(!c.seek(as_bytes("a")));
    BOOST_TEST(!c.seek({}));
    BOOST_TEST(!c.next());
    BOOST_TEST(!c.prev());
    BOOST_TEST(!r.get(t, as_bytes("a")));
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(cursor_ends, B, Backends) {
  B b;
  BOOST_REQUIRE(b.s.write([](auto& w) {
    for (const char* k : {"b", "d", "f"}) w.put(unique_table, as_bytes(k), as_bytes(k));
  }));
  const auto r = b.s.read();
  auto c = r.cursor(unique_table);
  BOOST_TEST(!c.next());  // never placed: nothing next...
  BOOST_TEST(c.prev());   // ...and the last entry before the end
  BOOST_TEST(as_chars(c.key()) == "f");
  BOOST_TEST(!c.seek(as_bytes("g")));  // past the end
  BOOST_TEST(c.prev());
  BOOST_TEST(as_chars(c.key()) == "f");
  BOOST_TEST(c.seek(as_bytes("c")));
  BOOST_TEST(as_chars(c.key()) == "d");
  BOOST_TEST(c.seek(as_bytes("d")));
  BOOST_TEST(as_chars(c.key()) == "d");
  BOOST_TEST(c.first());
  BOOST_TEST(!c.prev());  // before the first: invalid
  BOOST_TEST(!c.next());  // and stays so going forward
  BOOST_TEST(c.prev());   // back from the end
  BOOST_TEST(as_chars(c.key()) == "f");
  BOOST_TEST(c.last());
  BOOST_TEST(!c.next());
  BOOST_TEST(!c.next());
  BOOST_TEST(c.seek({}));  // the empty key sorts first
  BOOST_TEST(as_chars(c.key()) == "b");
}

// Bytes compare unsigned (0x80 > 0x7f), a prefix sorts first, in keys and in dup values.
BOOST_AUTO_TEST_CASE_TEMPLATE(byte_order, B, Backends) {
  B b;
  const std::vector<Bytes> keys = {bytes({0x80}), bytes({0x7f}), bytes({0x7f, 0x00}),
                                   bytes({0xff}), bytes({0x00}), bytes({0x7f, 0xff, 0x01})};
  const std::vector<Bytes> values = {bytes({0x80, 0, 0, 0, 0}), bytes({0x7f, 0xff, 0xff, 0xff, 0xff}),
                                     bytes({0x00, 0, 0, 0, 1}), bytes({0xff, 0, 0, 0, 0}), bytes({0x00, 0, 0, 0, 0})};
  BOOST_REQUIRE(b.s.write([&](auto& w) {
    for (const Bytes& k : keys) w.put(unique_table, k, k);
    for (const Bytes& v : values) w.put(dup5, as_bytes("key"), v);
  }));
  const auto r = b.s.read();
  std::vector<std::string> got_keys, got_values;
  auto c = r.cursor(unique_table);
  for (bool ok = c.first(); ok; ok = c.next()) got_keys.push_back(to_hex(c.key()));
  auto d = r.cursor(dup5);
  for (bool ok = d.first(); ok; ok = d.next()) got_values.push_back(to_hex(d.value()));
  const std::vector<std::string> want_keys = {"00", "7f", "7f00", "7fff01", "80", "ff"};
  const std::vector<std::string> want_values = {"0000000000", "0000000001", "7fffffffff", "8000000000", "ff00000000"};
  BOOST_TEST(got_keys == want_keys, boost::test_tools::per_element());
  BOOST_TEST(got_values == want_values, boost::test_tools::per_element());
  BOOST_TEST(to_hex(*r.get(dup5, as_bytes("key"))) == "0000000000");  // a dup table's first value
}

// seek(key, value) is the first entry >= (key, value): within a dup key, then on to the next.
BOOST_AUTO_TEST_CASE_TEMPLATE(seek_key_and_value, B, Backends) {
  B b;
  BOOST_REQUIRE(b.s.write([&](auto& w) {
    for (int v : {0x10, 0x20, 0x80}) w.put(dup5, as_bytes("k1"), bytes({v, 0, 0, 0, 0}));
    w.put(dup5, as_bytes("k2"), bytes({0x05, 0, 0, 0, 0}));
    w.put(unique_table, as_bytes("k1"), bytes({0x50}));
    w.put(unique_table, as_bytes("k2"), bytes({0x01}));
  }));
  const auto r = b.s.read();
  auto c = r.cursor(dup5);
  auto where = [&](bool ok) { return ok ? std::string(as_chars(c.key())) + "/" + to_hex(c.value()) : "-"; };
  BOOST_TEST(where(c.seek(as_bytes("k1"), bytes({0x20, 0, 0, 0, 0}))) == "k1/2000000000");     // equal
  BOOST_TEST(where(c.seek(as_bytes("k1"), bytes({0x20, 0, 0, 0, 1}))) == "k1/8000000000");     // between
  BOOST_TEST(where(c.seek(as_bytes("k1"), bytes({0x7f}))) == "k1/8000000000");                 // shorter
  BOOST_TEST(where(c.seek(as_bytes("k1"), bytes({0x80, 0, 0, 0, 0, 0}))) == "k2/0500000000");  // longer
  BOOST_TEST(where(c.seek(as_bytes("k1"), bytes({0x81}))) == "k2/0500000000");                 // past the last
  BOOST_TEST(where(c.seek(as_bytes("k2"), bytes({0x06}))) == "-");
  BOOST_TEST(where(c.seek(as_bytes("k0"), bytes({0xff}))) == "k1/1000000000");  // no such key: its successor
  BOOST_TEST(where(c.prev()) == "-");
  BOOST_TEST(where(c.seek(as_bytes("k1"), bytes({0x20, 0, 0, 0, 1}))) == "k1/8000000000");
  BOOST_TEST(where(c.prev()) == "k1/2000000000");
  BOOST_TEST(where(c.next()) == "k1/8000000000");
  BOOST_TEST(where(c.next()) == "k2/0500000000");
  // A unique table orders (key, value) the same way: a larger value goes to the next key.
  auto u = r.cursor(unique_table);
  BOOST_TEST(u.seek(as_bytes("k1"), bytes({0x50})));
  BOOST_TEST(as_chars(u.key()) == "k1");
  BOOST_TEST(u.seek(as_bytes("k1"), bytes({0x4f, 0xff})));
  BOOST_TEST(as_chars(u.key()) == "k1");
  BOOST_TEST(u.seek(as_bytes("k1"), bytes({0x50, 0x00})));
  BOOST_TEST(as_chars(u.key()) == "k2");
  BOOST_TEST(!u.seek(as_bytes("k2"), bytes({0x02})));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(put_and_erase, B, Backends) {
  B b;
  const Bytes v1 = bytes({1, 1, 1, 1, 1}), v2 = bytes({2, 2, 2, 2, 2});
  BOOST_REQUIRE(b.s.write([&](auto& w) {
    w.put(dup5, as_bytes("k"), v1);
    w.put(dup5, as_bytes("k"), v2);
    w.put(dup5, as_bytes("k"), v1);  // present: nothing happens
    w.put(unique_table, as_bytes("k"), as_bytes("old"));
    w.put(unique_table, as_bytes("k"), as_bytes("new"));  // replaced
    w.put(unique_table, as_bytes("e"), ByteSpan{});       // an empty value is a value
    // The body sees its own writes.
    BOOST_TEST(as_chars(*w.get(unique_table, as_bytes("k"))) == "new");
    BOOST_TEST(w.get(unique_table, as_bytes("e")).has_value());
    auto c = w.cursor(dup5);
    BOOST_TEST(c.seek(as_bytes("k"), v2));
  }));
  auto count = [&](TableId t) {
    const auto r = b.s.read();
    auto c = r.cursor(t);
    int n = 0;
    for (bool ok = c.first(); ok; ok = c.next()) ++n;
    return n;
  };
  BOOST_TEST(count(dup5) == 2);
  BOOST_TEST(count(unique_table) == 2);
  BOOST_REQUIRE(b.s.write([&](auto& w) {
    BOOST_TEST(!w.erase(unique_table, as_bytes("k"), as_bytes("old")));  // not its value
    BOOST_TEST(w.erase(unique_table, as_bytes("k"), as_bytes("new")));
    BOOST_TEST(!w.erase(unique_table, as_bytes("k")));
    BOOST_TEST(!w.erase(dup5, as_bytes("k"), bytes({3, 3, 3, 3, 3})));
    BOOST_TEST(w.erase(dup5, as_bytes("k"), v1));
    BOOST_TEST(!w.erase(dup5, as_bytes("k"), v1));
    BOOST_TEST(w.erase(dup5, as_bytes("k")));  // all values (here the one left)
    BOOST_TEST(!w.erase(dup5, as_bytes("k")));
    BOOST_TEST(!w.erase(dup5, as_bytes("nothing")));
  }));
  BOOST_TEST(count(dup5) == 0);
  BOOST_TEST(count(unique_table) == 1);
}

// Keys up to LMDB's limit of 511 bytes; seeks with longer keys still find the next entry.
BOOST_AUTO_TEST_CASE_TEMPLATE(long_keys, B, Backends) {
  B b;
  const Bytes k511(511, 'a'), k510(510, 'a');
  Bytes k511b = k511, k512 = k511;
  k511b.back() = 'b';
  k512.push_back(0x00);
  BOOST_REQUIRE(b.s.write([&](auto& w) {
    for (const Bytes& k : {k510, k511, k511b}) w.put(unique_table, k, k);
    for (const Bytes& k : {k510, k511, k511b}) w.put(dup24, k, Bytes(24, k.back()));
  }));
  const auto r = b.s.read();
  for (TableId t : {unique_table, dup24}) {
    auto c = r.cursor(t);
    BOOST_TEST(c.seek(k512));  // > k511, < k511b
    BOOST_TEST(equal(c.key(), k511b));
    BOOST_TEST(c.prev());
    BOOST_TEST(equal(c.key(), k511));
    Bytes k600(600, 'a');
    BOOST_TEST(c.seek(k600));
    BOOST_TEST(equal(c.key(), k511b));
    k600[0] = 'b';
    BOOST_TEST(!c.seek(k600));
    BOOST_TEST(!r.get(t, k512));
    BOOST_TEST(r.get(t, k511).has_value());
  }
}

// A snapshot keeps seeing what was committed when it was taken.
BOOST_AUTO_TEST_CASE_TEMPLATE(snapshots_are_isolated, B, Backends) {
  B b;
  BOOST_REQUIRE(b.s.write([](auto& w) { w.put(unique_table, as_bytes("a"), as_bytes("1")); }));
  const auto before = b.s.read();
  BOOST_REQUIRE(b.s.write([](auto& w) {
    w.put(unique_table, as_bytes("a"), as_bytes("2"));
    w.put(unique_table, as_bytes("b"), as_bytes("2"));
  }));
  const auto after = b.s.read();
  BOOST_TEST(as_chars(*before.get(unique_table, as_bytes("a"))) == "1");
  BOOST_TEST(!before.get(unique_table, as_bytes("b")));
  BOOST_TEST(as_chars(*after.get(unique_table, as_bytes("a"))) == "2");
  BOOST_TEST(after.get(unique_table, as_bytes("b")).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
