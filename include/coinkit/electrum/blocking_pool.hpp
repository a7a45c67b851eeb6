// BlockingPool: runs blocking calls (to the node, to the index for LocalRPC) on a few threads
// of their own; the calling coroutine resumes on its executor, or gives up after a deadline.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace coinkit::electrum {

class BlockingPool {
 public:
  explicit BlockingPool(std::size_t threads) : pool_(threads) {}
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;
  ~BlockingPool() { join(); }

  // Waits for the calls in progress; none is started afterwards.
  void join() {
    pool_.stop();
    pool_.join();
  }

  // fn() on the pool. nullopt when it did not finish within `timeout` (it still runs to its end,
  // its result dropped) or threw. `fn` must own what it uses: the caller may be gone when it ends.
  // Not a coroutine itself: `fn` moves into shared ownership here, since GCC 12 relocates
  // by-value coroutine parameters bytewise, which breaks a captured std::string.
  template <class F>
  boost::asio::awaitable<std::optional<std::invoke_result_t<F&>>> run(F fn, std::chrono::milliseconds timeout) {
    using R = std::invoke_result_t<F&>;
    auto task = std::make_shared<std::function<R()>>(std::move(fn));
    return run_task<R>(std::move(task), timeout);
  }

 private:
  template <class R>
  struct State {
    explicit State(boost::asio::any_io_executor ex) : timer(std::move(ex)) {}
    boost::asio::steady_timer timer;
    std::optional<R> result;
  };

  // Not in the coroutine: GCC 12 mishandles lambdas that capture by value inside one.
  template <class R>
  void start(std::shared_ptr<State<R>> st, std::shared_ptr<std::function<R()>> task) {
    boost::asio::post(pool_, [st, task] {
      std::optional<R> r;
      try {
        r.emplace((*task)());
      } catch (...) {  // reported as no result
      }
      boost::asio::post(st->timer.get_executor(), [st, r = std::move(r)]() mutable {
        st->result = std::move(r);
        st->timer.cancel();
      });
    });
  }

  template <class R>
  boost::asio::awaitable<std::optional<R>> run_task(std::shared_ptr<std::function<R()>> task,
                                                    std::chrono::milliseconds timeout) {
    namespace asio = boost::asio;
    auto st = std::make_shared<State<R>>(co_await asio::this_coro::executor);
    st->timer.expires_after(timeout);
    start(st, std::move(task));
    (void)co_await st->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return std::move(st->result);
  }

  boost::asio::thread_pool pool_;
};

}  // namespace coinkit::electrum
