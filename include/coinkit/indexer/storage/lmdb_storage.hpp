// LmdbStorage: the Storage concept on LMDB, the indexer's default backend; its map grows as it fills.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/error.hpp>
#include <coinkit/indexer/error.hpp>
#include <coinkit/indexer/storage/detail/lmdb.hpp>
#include <coinkit/indexer/storage/storage.hpp>

#include <lmdb.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace coinkit::indexer {

// One LMDB environment in a directory (data.mdb, lock.mdb), one named database per TableSpec
// (dup tables: MDB_DUPSORT | MDB_DUPFIXED). Behaves as MemoryStorage does, entry for entry; the
// differences are limits: keys are 1 to 511 bytes (mdb_env_get_maxkeysize) and a dup table's
// values exactly its dup_size; a put() outside them fails the write with storage_failure
// (reads and erases of such keys simply find nothing).
//
// The map. LMDB reads through one mmap of the file, sized up front. It starts at
// initial_map_size (or the file's size if larger) and doubles up to max_map_size: after a commit
// that leaves it more than half used, if no snapshot is open at that instant; else when a write
// fills it (MDB_MAP_FULL): the write is aborted, the map doubled once every open snapshot has
// closed, and the body run again. Past max_map_size write() returns error::map_full.
// No MDB_WRITEMAP, so the map is address space only (the file grows as pages are written) and a
// full disk is an error from write(), not a SIGBUS.
//
// Threads. read() from any thread; a ReadTxn and its cursors are used by one thread at a time but
// may move between threads (MDB_NOTLS). Readers and the writer do not wait for each other, and
// writes are serialized, except around a remap, which waits for the snapshots open at that
// moment (read() meanwhile waits up to SnapshotGate::hold_back, 100 ms, then goes ahead). So
//  - never call write() while the calling thread holds a ReadTxn it would only release later: if
//    the map must grow in that write, it waits forever;
//  - a snapshot held for long (a slow client) delays a write that fills the map by as much.
// Growing early (at half full, when no snapshot is open) makes the second case rare; setting
// initial_map_size = max_map_size removes both (the map costs address space only).
//
// One process owns the database: a map grown by another process is not followed.
class LmdbStorage {
  struct Table {
    MDB_dbi dbi = 0;
    std::size_t dup_size = 0;
    std::string name;
  };

 public:
  static constexpr unsigned max_readers = 1024;  // LMDB's default of 126 is low for a server

  // A position in a table. Spans from key()/value() stay valid until the cursor moves or the
  // transaction ends (in a write transaction: or the table is written). A Cursor must not
  // outlive its transaction. In a write transaction that failed, every move returns false.
  class Cursor {
   public:
    Cursor(Cursor&& o) noexcept
        : cursor_(std::exchange(o.cursor_, nullptr)),
          dup_size_(o.dup_size_),
          max_key_(o.max_key_),
          failed_(o.failed_),
          valid_(std::exchange(o.valid_, false)),
          key_(o.key_),
          value_(o.value_) {}
    Cursor& operator=(Cursor&& o) noexcept {
      if (this != &o) {
        close();
        cursor_ = std::exchange(o.cursor_, nullptr), dup_size_ = o.dup_size_, max_key_ = o.max_key_;
        failed_ = o.failed_, valid_ = std::exchange(o.valid_, false), key_ = o.key_, value_ = o.value_;
      }
      return *this;
    }
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    ~Cursor() { close(); }

    // The first entry >= (key, value) in (key, value) order; false past the end. For a unique
    // table too: (k, v) with v < value sorts before (k, value), so the cursor goes to the next key.
    bool seek(ByteSpan key, ByteSpan value = {}) {
      if (key.empty()) return first();  // no key is empty: every entry sorts after ("", value)
      if (key.size() > max_key_) {
        // No stored key is that long: the entries after it are those after its longest prefix.
        const ByteSpan prefix = key.first(max_key_);
        MDB_val k = detail::to_val(prefix);
        if (!step(MDB_SET_RANGE, &k)) return false;
        return equal(key_span(), prefix) ? step(MDB_NEXT_NODUP) : true;
      }
      MDB_val k = detail::to_val(key);
      if (!step(MDB_SET_RANGE, &k)) return false;
      if (value.empty() || !equal(key_span(), key) || detail::compare(value_span(), value) >= 0) return true;
      if (dup_size_ == 0) return step(MDB_NEXT);
      // The key's first value is below `value`: its first value >= `value`, else the next key.
      if (!step(MDB_LAST_DUP)) return false;
      if (detail::compare(value_span(), value) < 0) return step(MDB_NEXT_NODUP);
      // Values are dup_size bytes, so one >= a longer `value` is > its first dup_size bytes.
      const ByteSpan probe = value.size() > dup_size_ ? value.first(dup_size_) : value;
      MDB_val k2 = detail::to_val(key), v2 = detail::to_val(probe);
      if (!step(MDB_GET_BOTH_RANGE, &k2, &v2)) return false;
      return probe.size() < value.size() && equal(value_span(), probe) ? step(MDB_NEXT_DUP) : true;
    }
    bool first() { return step(MDB_FIRST); }
    bool last() { return step(MDB_LAST); }
    bool next() { return valid_ && step(MDB_NEXT); }
    // From an invalid position (past either end, or never placed): the last entry, as a
    // std::set iterator at end() would.
    bool prev() { return valid_ ? step(MDB_PREV) : last(); }
    bool valid() const noexcept { return valid_; }
    ByteSpan key() const noexcept { return valid_ ? key_span() : ByteSpan{}; }
    ByteSpan value() const noexcept { return valid_ ? value_span() : ByteSpan{}; }

   private:
    friend class LmdbStorage;
    Cursor(MDB_cursor* c, std::size_t dup_size, std::size_t max_key, int* failed) noexcept
        : cursor_(c), dup_size_(dup_size), max_key_(max_key), failed_(failed) {}

    void close() noexcept {
      if (cursor_) mdb_cursor_close(cursor_), cursor_ = nullptr;
    }
    ByteSpan key_span() const noexcept { return detail::to_span(key_); }
    ByteSpan value_span() const noexcept { return detail::to_span(value_); }

    bool step(MDB_cursor_op op, MDB_val* key = nullptr, MDB_val* value = nullptr) {
      valid_ = false;
      if (!cursor_ || (failed_ && *failed_)) return false;
      MDB_val k = key ? *key : MDB_val{}, v = value ? *value : MDB_val{};
      int rc = mdb_cursor_get(cursor_, &k, &v, op);
      // These leave the key as given (or unset): read it back from the page.
      if (rc == 0 && (op == MDB_GET_BOTH_RANGE || op == MDB_LAST_DUP))
        rc = mdb_cursor_get(cursor_, &k, &v, MDB_GET_CURRENT);
      if (rc == 0) {
        key_ = k, value_ = v;
        return valid_ = true;
      }
      if (rc != MDB_NOTFOUND) {
        if (!failed_) detail::throw_lmdb(rc, "LmdbStorage: cursor");
        *failed_ = rc;
      }
      return false;
    }

    MDB_cursor* cursor_;
    std::size_t dup_size_;
    std::size_t max_key_;
    int* failed_;  // the write transaction's first error; null in a read transaction (errors throw)
    bool valid_ = false;
    MDB_val key_{}, value_{};
  };

  // A snapshot: MDB_RDONLY, aborted by the destructor. Movable between threads; must not outlive
  // the storage. In a read transaction an LMDB error (a corrupt page) throws system_error.
  class ReadTxn {
   public:
    ReadTxn(ReadTxn&& o) noexcept
        : storage_(o.storage_),
          txn_(std::exchange(o.txn_, nullptr)),
          gated_(std::exchange(o.gated_, false)),
          sticky_(o.sticky_) {}
    ReadTxn& operator=(ReadTxn&& o) noexcept {
      if (this != &o) {
        end();
        storage_ = o.storage_, txn_ = std::exchange(o.txn_, nullptr), gated_ = std::exchange(o.gated_, false);
        sticky_ = o.sticky_;
      }
      return *this;
    }
    ReadTxn(const ReadTxn&) = delete;
    ReadTxn& operator=(const ReadTxn&) = delete;
    ~ReadTxn() { end(); }

    // The value of `key`; for a dup table its first value.
    std::optional<ByteSpan> get(TableId t, ByteSpan key) const {
      if (failed_ || !storable(key)) return std::nullopt;
      MDB_val k = detail::to_val(key), v{};
      const int rc = mdb_get(txn_, table(t).dbi, &k, &v);
      if (rc == 0) return detail::to_span(v);
      if (rc != MDB_NOTFOUND) fail(rc, "LmdbStorage: get");
      return std::nullopt;
    }

    Cursor cursor(TableId t) const {
      MDB_cursor* c = nullptr;
      if (!failed_)
        if (const int rc = mdb_cursor_open(txn_, table(t).dbi, &c)) fail(rc, "LmdbStorage: cursor"), c = nullptr;
      return Cursor(c, table(t).dup_size, storage_->max_key_, sticky_ ? &failed_ : nullptr);
    }

    // Calls f(value) for each value of `key` in order: all of a dup table's, read a page at a
    // time (MDB_GET_MULTIPLE), or a unique table's one. f returns void, or bool: false stops.
    template <class F>
    void for_each_value(TableId t, ByteSpan key, F f) const {
      const Table& tb = table(t);
      if (tb.dup_size == 0) {
        if (auto v = get(t, key)) detail::keep_going(f, *v);
        return;
      }
      if (failed_ || !storable(key)) return;
      MDB_cursor* raw = nullptr;
      if (const int rc = mdb_cursor_open(txn_, tb.dbi, &raw)) return fail(rc, "LmdbStorage: cursor");
      const std::unique_ptr<MDB_cursor, decltype(&mdb_cursor_close)> c(raw, &mdb_cursor_close);
      MDB_val k = detail::to_val(key), v{};
      int rc = mdb_cursor_get(raw, &k, &v, MDB_SET_KEY);
      // A key with a single value has no page of values: LMDB then returns success and leaves
      // `v` as MDB_SET_KEY set it, that value.
      if (rc == 0) rc = mdb_cursor_get(raw, &k, &v, MDB_GET_MULTIPLE);
      for (; rc == 0; rc = mdb_cursor_get(raw, &k, &v, MDB_NEXT_MULTIPLE)) {
        const ByteSpan run = detail::to_span(v);
        for (std::size_t i = 0; i + tb.dup_size <= run.size(); i += tb.dup_size)
          if (!detail::keep_going(f, run.subspan(i, tb.dup_size))) return;
      }
      if (rc != MDB_NOTFOUND) fail(rc, "LmdbStorage: for_each_value");
    }

   protected:
    friend class LmdbStorage;
    ReadTxn(const LmdbStorage* s, MDB_txn* txn, bool gated, bool sticky) noexcept
        : storage_(s), txn_(txn), gated_(gated), sticky_(sticky) {}

    const Table& table(TableId t) const noexcept { return storage_->tables_[t]; }
    bool storable(ByteSpan key) const noexcept { return !key.empty() && key.size() <= storage_->max_key_; }
    void fail(int rc, const char* what) const {
      if (!sticky_) detail::throw_lmdb(rc, what);
      if (!failed_) failed_ = rc;
    }
    void end() noexcept {
      if (txn_) {
        if (gated_)
          storage_->release(txn_);
        else
          mdb_txn_abort(txn_);
        txn_ = nullptr;
      }
      if (gated_) storage_->gate_.leave(), gated_ = false;
    }

    const LmdbStorage* storage_;
    MDB_txn* txn_;
    bool gated_ = false;      // counted in the snapshot gate (read transactions)
    bool sticky_ = false;     // errors are kept in failed_ rather than thrown (write transactions)
    mutable int failed_ = 0;  // the first LMDB error of a write transaction
  };

  // The write transaction given to write()'s body: a ReadTxn that sees its own writes, plus
  // put and erase. After the first error every operation is a no-op (reads find nothing).
  // Spans it returns stay valid until the next put or erase of the same table.
  class WriteTxn : public ReadTxn {
   public:
    WriteTxn(const WriteTxn&) = delete;
    WriteTxn& operator=(const WriteTxn&) = delete;

    // Unique table: insert or replace. Dup table: add the value (present: nothing to do).
    void put(TableId t, ByteSpan key, ByteSpan value, PutFlags hint = PutFlags::none) {
      if (failed_) return;
      const Table& tb = table(t);
      if (!storable(key) || (tb.dup_size != 0 && value.size() != tb.dup_size)) return fail(MDB_BAD_VALSIZE, "");
      const unsigned base = tb.dup_size != 0 ? MDB_NODUPDATA : 0;
      const auto given = static_cast<unsigned>(hint);
      const unsigned fast =
          (given & static_cast<unsigned>(PutFlags::append) ? MDB_APPEND : 0) |
          (tb.dup_size != 0 && given & static_cast<unsigned>(PutFlags::append_dup) ? MDB_APPENDDUP : 0);
      MDB_val k = detail::to_val(key), v = detail::to_val(value);
      int rc = mdb_put(txn_, tb.dbi, &k, &v, base | fast);
      if (rc == MDB_KEYEXIST && fast != 0) {  // out of order after all (or present)
        k = detail::to_val(key), v = detail::to_val(value);
        rc = mdb_put(txn_, tb.dbi, &k, &v, base);
      }
      if (rc == MDB_KEYEXIST && tb.dup_size != 0) rc = 0;  // the value was there
      if (rc != 0) fail(rc, "");
    }

    // Removes the key and all its values.
    bool erase(TableId t, ByteSpan key) {
      if (failed_ || !storable(key)) return false;
      MDB_val k = detail::to_val(key);
      return done(mdb_del(txn_, table(t).dbi, &k, nullptr));
    }

    // Removes one (key, value) entry: one value of a dup table; the key of a unique table if its
    // value is `value`.
    bool erase(TableId t, ByteSpan key, ByteSpan value) {
      const Table& tb = table(t);
      if (tb.dup_size == 0) {
        const auto v = get(t, key);
        return v && equal(*v, value) && erase(t, key);
      }
      if (failed_ || !storable(key) || value.size() != tb.dup_size) return false;
      MDB_val k = detail::to_val(key), v = detail::to_val(value);
      return done(mdb_del(txn_, tb.dbi, &k, &v));
    }

   private:
    friend class LmdbStorage;
    explicit WriteTxn(const LmdbStorage& s) noexcept : ReadTxn(&s, nullptr, false, true) {
      failed_ = mdb_txn_begin(s.env_.get(), nullptr, 0, &txn_);
      if (failed_) txn_ = nullptr;
    }
    bool done(int rc) {
      if (rc == 0) return true;
      if (rc != MDB_NOTFOUND) fail(rc, "");
      return false;
    }
    int commit() noexcept {
      const int rc = mdb_txn_commit(txn_);  // ends the transaction, committed or not
      txn_ = nullptr;
      return rc;
    }
  };

  // Opens (creating if needed) the environment in options.path and one table per spec. Throws
  // system_error naming the path and LMDB's reason when it cannot; std::invalid_argument for a
  // spec LMDB cannot hold (dup_size above 511).
  LmdbStorage(const StorageOptions& options, std::span<const TableSpec> specs)
      : path_(options.path), max_map_size_(options.max_map_size), file_mode_(options.file_mode) {
    idle_txns_.reserve(max_idle_txns);
    std::error_code ec;
    std::filesystem::create_directories(path_, ec);
    if (ec) throw system_error(error_code(ec.value(), boost::system::generic_category()), message("cannot create"));

    MDB_env* env = nullptr;
    if (const int rc = mdb_env_create(&env)) detail::throw_lmdb(rc, message("cannot open"));
    env_.reset(env);
    max_key_ = static_cast<std::size_t>(mdb_env_get_maxkeysize(env));
    for (const TableSpec& s : specs) {
      if (s.dup_size > max_key_) throw std::invalid_argument("LmdbStorage: a dup table's values must be <= 511 bytes");
      tables_.push_back({0, s.dup_size, std::string(s.name)});
    }
    std::size_t map_size = options.initial_map_size;
    if (const auto file = std::filesystem::file_size(data_file(), ec); !ec && file > map_size) map_size = file;
    const unsigned flags = MDB_NOTLS | (options.sync ? 0u : unsigned{MDB_NOSYNC | MDB_NOMETASYNC});
    int rc = mdb_env_set_maxdbs(env, static_cast<MDB_dbi>(specs.size()));
    if (rc == 0) rc = mdb_env_set_maxreaders(env, max_readers);
    if (rc == 0) rc = mdb_env_set_mapsize(env, map_size);
    if (rc == 0) rc = mdb_env_open(env, path_.c_str(), flags, static_cast<mdb_mode_t>(file_mode_));
    if (rc != 0) detail::throw_lmdb(rc, message("cannot open"));
    int dead = 0;
    mdb_reader_check(env, &dead);  // frees reader slots left by processes that died
    MDB_envinfo info;
    mdb_env_info(env, &info);  // LMDB raises the map to the data's size if needed
    map_size_ = info.me_mapsize;
    MDB_stat stat;
    mdb_env_stat(env, &stat);
    page_size_ = stat.ms_psize;

    int open_rc = 0;
    const Table* open_failed = nullptr;
    const auto opened = transact([&](WriteTxn& w) {
      for (Table& t : tables_) {
        const unsigned dup = t.dup_size != 0 ? unsigned{MDB_DUPSORT | MDB_DUPFIXED} : 0u;
        unsigned found = 0;
        open_rc = mdb_dbi_open(w.txn_, t.name.c_str(), MDB_CREATE | dup, &t.dbi);
        // An existing table keeps its flags whatever we ask: check it is the kind we expect.
        if (open_rc == 0 && (open_rc = mdb_dbi_flags(w.txn_, t.dbi, &found)) == 0 &&
            (found & (MDB_DUPSORT | MDB_DUPFIXED)) != dup)
          open_rc = MDB_INCOMPATIBLE;
        if (open_rc != 0) {
          open_failed = &t;
          w.failed_ = open_rc;
          return;
        }
      }
    });
    if (open_failed) {
      std::string what = "LmdbStorage: cannot open table ";
      what += open_failed->name;
      what += " in ";
      what += path_.string();
      detail::throw_lmdb(open_rc, std::move(what));
    }
    if (!opened) throw system_error(opened.error(), message("cannot open"));
  }

  LmdbStorage(const LmdbStorage&) = delete;
  LmdbStorage& operator=(const LmdbStorage&) = delete;
  ~LmdbStorage() {
    for (MDB_txn* t : idle_txns_) mdb_txn_abort(t);
  }

  // A snapshot of the last commit. Throws system_error if LMDB cannot begin one (more than
  // max_readers open, or the storage broken by a failed remap).
  ReadTxn read() const {
    if (broken_) throw system_error(error::storage_failure, message("unusable after a failed remap"));
    gate_.enter();
    MDB_txn* txn = nullptr;
    {
      std::lock_guard lock(idle_mutex_);
      if (!idle_txns_.empty()) {
        txn = idle_txns_.back();
        idle_txns_.pop_back();
      }
    }
    if (txn && mdb_txn_renew(txn) != 0) {
      mdb_txn_abort(txn);
      txn = nullptr;
    }
    if (!txn)
      if (const int rc = mdb_txn_begin(env_.get(), nullptr, MDB_RDONLY, &txn)) {
        gate_.leave();
        detail::throw_lmdb(rc, message("cannot begin a read transaction"));
      }
    return ReadTxn(this, txn, true, false);
  }

  // Runs body(WriteTxn&) in one write transaction and commits it; maybe more than once (see the
  // map above). Errors: map_full; disk_full (ENOSPC, EFBIG, EDQUOT: the storage stays usable and
  // a later write succeeds once there is room); storage_failure. On error nothing is committed.
  // An exception from the body aborts the transaction and propagates.
  template <class F>
  result<void> write(F&& body) {
    std::lock_guard lock(write_mutex_);
    return transact(body);
  }

  // The size of data.mdb in bytes (LMDB never shrinks it: freed pages are reused).
  std::uint64_t disk_size() const {
    std::error_code ec;
    const auto n = std::filesystem::file_size(data_file(), ec);
    return ec ? 0 : n;
  }
  std::size_t map_size() const noexcept { return map_size_; }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  struct EnvClose {
    void operator()(MDB_env* e) const noexcept { mdb_env_close(e); }
  };

  std::filesystem::path data_file() const { return path_ / "data.mdb"; }
  std::string message(const char* what) const {
    std::string m = "LmdbStorage: ";
    m += what;
    m += ' ';
    m += path_.string();
    return m;
  }

  template <class F>
  result<void> transact(F&& body) {
    for (;;) {
      if (broken_) return error::storage_failure;
      int rc;
      {
        WriteTxn w(*this);
        if (!w.failed_) body(w);
        rc = w.failed_ ? w.failed_ : w.commit();
      }  // aborted here unless committed
      if (rc == 0) {
        grow_early();
        return {};
      }
      if (rc == MDB_MAP_FULL && (rc = grow(true)) == 0) continue;
      return error_of(rc);
    }
  }

  error_code error_of(int rc) const {
    switch (rc) {
      case MDB_MAP_FULL: return error::map_full;
      case ENOSPC:
      case EFBIG:
      case EDQUOT: return error::disk_full;
      case EIO: return out_of_space() ? error::disk_full : error::storage_failure;
      default: return error::storage_failure;
    }
  }

  // LMDB reports a short write as EIO, and a write the filesystem cuts short is how a full disk
  // (or RLIMIT_FSIZE) shows up first. Asking for a little room past the end tells them apart.
  bool out_of_space() const {
    int fd = -1;
    struct stat st;
    if (mdb_env_get_fd(env_.get(), &fd) != 0 || ::fstat(fd, &st) != 0) return false;
    const int rc = ::posix_fallocate(fd, st.st_size, 1 << 20);
    if (rc == 0) {
      if (::ftruncate(fd, st.st_size) != 0) {  // only gives back the probe's room
      }
      return false;
    }
    return rc == ENOSPC || rc == EFBIG || rc == EDQUOT;
  }

  // Doubles the map, up to max_map_size. Returns 0, MDB_MAP_FULL at the maximum (or, `wait`
  // false, with snapshots open), or the error of a failed remap, after which LMDB has no map
  // and the storage is unusable.
  int grow(bool wait) {
    const std::size_t current = map_size_;
    if (current >= max_map_size_) return MDB_MAP_FULL;
    const std::size_t size = current > max_map_size_ / 2 ? max_map_size_ : current * 2;
    int rc = 0;
    if (!gate_.exclusive(wait, [&] { rc = mdb_env_set_mapsize(env_.get(), size); })) return MDB_MAP_FULL;
    if (rc != 0) return broken_ = true, rc;
    map_size_ = size;
    return 0;
  }

  void grow_early() {
    MDB_envinfo info;
    mdb_env_info(env_.get(), &info);
    if ((info.me_last_pgno + 1) * page_size_ > map_size_ / 2) grow(false);
  }

  std::filesystem::path path_;
  std::size_t max_map_size_;
  unsigned file_mode_;
  std::unique_ptr<MDB_env, EnvClose> env_;
  std::vector<Table> tables_;
  std::size_t max_key_ = 0;
  std::size_t page_size_ = 4096;
  std::atomic<std::size_t> map_size_{0};
  std::atomic<bool> broken_{false};
  mutable detail::SnapshotGate gate_;
  std::mutex write_mutex_;  // one writer at a time (LMDB's own lock would block the same way)
  // Finished read transactions, reset for reuse: renewing one takes a snapshot without the
  // reader table's lock or an allocation, which beginning one costs (a query under load takes
  // a snapshot or two). A reset transaction keeps its reader slot but pins no pages.
  static constexpr std::size_t max_idle_txns = 16;
  mutable std::mutex idle_mutex_;
  mutable std::vector<MDB_txn*> idle_txns_;

  void release(MDB_txn* txn) const noexcept {
    mdb_txn_reset(txn);
    {
      std::lock_guard lock(idle_mutex_);
      if (idle_txns_.size() < max_idle_txns) return idle_txns_.push_back(txn);  // reserved: no throw
    }
    mdb_txn_abort(txn);
  }
};

static_assert(Storage<LmdbStorage>);

}  // namespace coinkit::indexer

namespace coinkit {
// The mission's vocabulary: coinkit::LmdbStorage.
using indexer::LmdbStorage;
}  // namespace coinkit
