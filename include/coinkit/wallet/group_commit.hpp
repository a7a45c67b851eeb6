// GroupCommit: one writer thread for a WalletStore. Writes are committed in the order they
// came, and those that come while a commit is on its way to the disk go together into the
// next one: ten clients adding requests at once wait for one fsync, not ten, and the daemon's
// I/O goes on while the disk works.
#pragma once

#include <coinkit/wallet/wallet_store.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace coinkit::wallet {

class GroupCommit {
 public:
  explicit GroupCommit(WalletStore& store) : store_(store), thread_([this] { run(); }) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;
  ~GroupCommit() { stop(); }

  // Commits what is queued and ends the thread; later writes fail.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  // Blocks the caller until `b` is on disk (with what was queued before it).
  result<void> commit(WalletStore::Batch b) {
    std::promise<result<void>> done;
    auto written = done.get_future();
    enqueue(std::move(b), [&done](const result<void>& r) { done.set_value(r); });
    return written.get();
  }

  // Resumes the calling coroutine, on `ex`, once `b` is on disk. (Not a coroutine itself: the
  // batch is queued at the call, in the caller's order.)
  boost::asio::awaitable<result<void>> async_commit(WalletStore::Batch b, boost::asio::any_io_executor ex) {
    auto wait = std::make_shared<Wait>(std::move(ex));
    enqueue(std::move(b), [wait](const result<void>& r) {
      boost::asio::post(wait->timer.get_executor(), [wait, r] {
        wait->outcome = r;
        wait->timer.cancel();
      });
    });
    return until_written(std::move(wait));
  }

  // Writes `b` with the next group; `done` (on the writer thread) hears how it went.
  void post(WalletStore::Batch b, std::function<void(const result<void>&)> done) {
    enqueue(std::move(b), std::move(done));
  }

  // Blocks the caller until every write queued before the call is on disk and heard of, so that
  // a read of the store after it sees them (later writes are not waited for). Returns at once
  // when none is pending.
  void wait_written() {
    std::unique_lock lock(mutex_);
    const std::uint64_t target = queued_;
    written_cv_.wait(lock, [&] { return written_ >= target; });
  }

 private:
  struct Wait {
    explicit Wait(boost::asio::any_io_executor ex) : timer(std::move(ex)) {
      timer.expires_at(boost::asio::steady_timer::time_point::max());
    }
    boost::asio::steady_timer timer;
    std::optional<result<void>> outcome;
  };
  struct Pending {
    WalletStore::Batch batch;
    std::function<void(const result<void>&)> done;
  };

  static boost::asio::awaitable<result<void>> until_written(std::shared_ptr<Wait> wait) {
    while (!wait->outcome) (void)co_await wait->timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    co_return *wait->outcome;
  }

  void enqueue(WalletStore::Batch b, std::function<void(const result<void>&)> done) {
    {
      std::lock_guard lock(mutex_);
      if (!stopping_) {
        queue_.push_back({std::move(b), std::move(done)});
        ++queued_;
        wake_.notify_one();
        return;
      }
    }
    done(error_code(std::make_error_code(std::errc::operation_canceled)));
  }

  void run() {
    for (;;) {
      std::vector<Pending> group;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and nothing left to write
        group.swap(queue_);
      }
      WalletStore::Batch all;
      for (Pending& p : group) all.append(std::move(p.batch));
      const result<void> r = store_.commit(all);
      for (Pending& p : group)
        if (p.done) p.done(r);
      {
        std::lock_guard lock(mutex_);
        written_ += group.size();
      }
      written_cv_.notify_all();
    }
  }

  WalletStore& store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_cv_;
  std::vector<Pending> queue_;
  std::uint64_t queued_ = 0, written_ = 0;  // writes queued, and written and heard of, ever
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once the rest is made
};

}  // namespace coinkit::wallet
