// The Storage concept: named tables of ordered byte keys, snapshot reads, atomic batched writes.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/error.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

namespace coinkit::indexer {

// A table holds unique keys (dup_size 0), or for each key a sorted set of values of exactly
// dup_size bytes (LMDB's MDB_DUPSORT | MDB_DUPFIXED): the key is stored once for all its
// values, which is what makes per-script history cost ~5 bytes an entry instead of ~30.
struct TableSpec {
  std::string_view name;
  std::size_t dup_size = 0;
};

using TableId = std::size_t;  // the table's index in the spec list given to the backend

struct StorageOptions {
  std::filesystem::path path;                           // a directory (created if missing)
  std::size_t initial_map_size = std::size_t{1} << 30;  // LMDB: grows ×2 when full...
  std::size_t max_map_size = std::size_t{1} << 40;      // ...up to this
  bool sync = true;           // fsync each commit (false only for benchmarks and throwaway tests)
  unsigned file_mode = 0644;  // of the files a backend creates (a wallet store: 0600)
};

// What the caller knows about where a put() entry sorts: LMDB then appends without searching
// and fills pages completely. Only a hint: when it is wrong LMDB refuses (MDB_KEYEXIST) and put()
// does an ordinary put, so a wrong hint costs one more lookup, never correctness.
enum class PutFlags : unsigned {
  none = 0,
  append = 1,      // the key sorts after every key of the table (MDB_APPEND): blocks by height
  append_dup = 2,  // dup tables: the value sorts after every value of its key (MDB_APPENDDUP):
                   // a script's history by tx_num
};
constexpr PutFlags operator|(PutFlags a, PutFlags b) noexcept {
  return static_cast<PutFlags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}

// Storage backends (LmdbStorage, MemoryStorage) meet this concept. Entries of a table are
// (key, value) pairs in lexicographic byte order of key, then value; a unique table has one
// value per key. A read transaction is a consistent snapshot, usable from any one thread at a
// time, and readers never block the writer. All of a write() is committed or none of it.
//
//   ReadTxn  r = s.read();
//   r.get(t, key)             -> std::optional<ByteSpan>  (dup tables: the first value)
//   auto c = r.cursor(t);
//   c.seek(key, value = {})   -> bool: first entry >= (key, value); false past the end
//   c.first() / c.last()      -> bool
//   c.next() / c.prev()       -> bool: false when there is none (the cursor is then invalid)
//   c.key() / c.value()       -> ByteSpan, valid until the cursor moves or the txn ends
//   s.write([](WriteTxn& w) { ... })  -> result<void>
//   w: everything a ReadTxn has, seeing its own writes, plus
//   w.put(t, key, value[, PutFlags])  unique: insert or replace; dup: add the value (present: no-op)
//   w.erase(t, key)           -> bool: the key and all its values
//   w.erase(t, key, value)    -> bool: one value of a dup table
//
// write() may run its body more than once (LMDB grows its map and retries), so the body must
// only read the state it writes from, never consume it. Errors inside the body are sticky: the
// body need not check them, write() returns the first one and commits nothing.
template <class S>
concept Storage = requires(S& s, const S& cs, TableId t, ByteSpan b) {
  {cs.read()};
  {
    s.write([](typename S::WriteTxn&) {})
    } -> std::same_as<result<void>>;
  { cs.read().get(t, b) } -> std::same_as<std::optional<ByteSpan>>;
  { cs.read().cursor(t).seek(b, b) } -> std::same_as<bool>;
  { cs.read().cursor(t).key() } -> std::same_as<ByteSpan>;
  { cs.disk_size() } -> std::same_as<std::uint64_t>;
};

}  // namespace coinkit::indexer
