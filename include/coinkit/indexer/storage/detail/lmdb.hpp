// LMDB plumbing for LmdbStorage: byte views as MDB_val, LMDB codes as errors, the snapshot gate.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/error.hpp>
#include <coinkit/indexer/error.hpp>

#include <lmdb.h>

#include <boost/system/error_code.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <type_traits>

namespace coinkit::indexer::detail {

inline MDB_val to_val(ByteSpan b) noexcept { return {b.size(), const_cast<std::uint8_t*>(b.data())}; }
inline ByteSpan to_span(const MDB_val& v) noexcept { return {static_cast<const std::uint8_t*>(v.mv_data), v.mv_size}; }

// Unsigned bytes in lexicographic order, a prefix first: LMDB's default order, and std::string's.
inline int compare(ByteSpan a, ByteSpan b) noexcept {
  const std::size_t n = std::min(a.size(), b.size());
  if (n != 0)
    if (const int c = std::memcmp(a.data(), b.data(), n)) return c;
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

// errno values keep their system meaning; LMDB's own codes (negative) are storage failures,
// with mdb_strerror() in the exception's text.
inline error_code lmdb_error_code(int rc) noexcept {
  if (rc > 0) return {rc, boost::system::generic_category()};
  return error::storage_failure;
}

[[noreturn]] inline void throw_lmdb(int rc, std::string what) {
  what += ": ";
  what += mdb_strerror(rc);
  throw system_error(lmdb_error_code(rc), what);
}

// Calls f(value); false when f returns false (f may return void: then always true).
template <class F>
bool keep_going(F& f, ByteSpan value) {
  if constexpr (std::is_same_v<std::invoke_result_t<F&, ByteSpan>, bool>) {
    return f(value);
  } else {
    f(value);
    return true;
  }
}

// Keeps mdb_env_set_mapsize() away from open snapshots: it unmaps and remaps the file, so it
// may run only while no transaction of this process is open (LMDB does not check).
//
// Not a std::shared_mutex: a ReadTxn may end on another thread than the one that began it
// (MDB_NOTLS, coroutines), which a pthread rwlock forbids. And a remap must not make new readers
// wait for old ones: with one io thread, a session holding a snapshot across co_await needs that
// very thread to finish. So a remap waiting for snapshots to close holds new readers back only
// for `hold_back`, long enough for short reads to drain, then lets them in and waits on.
class SnapshotGate {
 public:
  static constexpr std::chrono::milliseconds hold_back{100};

  void enter() {
    std::unique_lock lock(mutex_);
    if (remap_waiting_) changed_.wait_for(lock, hold_back, [&] { return !remap_waiting_; });
    ++open_;
  }
  void leave() {
    std::lock_guard lock(mutex_);
    if (--open_ == 0 && remap_waiting_) changed_.notify_all();
  }

  // Runs remap() with no snapshot open and none able to open. With `wait` false gives up
  // (false) if any is open; otherwise waits for them to close.
  template <class F>
  bool exclusive(bool wait, F&& remap) {
    std::unique_lock lock(mutex_);
    if (open_ != 0) {
      if (!wait) return false;
      remap_waiting_ = true;
      changed_.wait(lock, [&] { return open_ == 0; });
      remap_waiting_ = false;
    }
    remap();  // under mutex_: enter() cannot pass
    changed_.notify_all();
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t open_ = 0;  // snapshots open
  bool remap_waiting_ = false;
};

}  // namespace coinkit::indexer::detail
