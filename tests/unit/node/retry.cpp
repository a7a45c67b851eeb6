#include <coinkit/node/retry.hpp>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

using namespace coinkit;
using namespace coinkit::node;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

// A node that fails `failures` times with `failure`, then answers 42.
struct Flaky {
  NodeFailure failure;
  int failures;
  int calls = 0;
  NodeResult<int> operator()() {
    if (calls++ < failures) return failure;
    return 42;
  }
};

const RetryPolicy fast{milliseconds(5), milliseconds(20), milliseconds(2)};

}  // namespace

BOOST_AUTO_TEST_SUITE(retry)

BOOST_AUTO_TEST_CASE(electrumx_back_off_defaults) {
  const RetryPolicy p;
  BOOST_TEST(p.first_delay.count() == 250);
  BOOST_TEST(p.max_delay.count() == 4000);
}

BOOST_AUTO_TEST_CASE(retries_unreachable_and_warmup_with_doubling_delays) {
  for (const NodeFailure& f :
       {node_failure(node::error::unreachable, "down"), rpc_failure(-28, "Verifying blocks...")}) {
    Flaky flaky{f, 5};
    std::atomic<bool> stop{false};
    std::vector<milliseconds> delays;
    std::vector<std::size_t> attempts;
    auto r = with_retry(
        std::ref(flaky), stop,
        [&](const NodeFailure& seen, std::size_t attempt, milliseconds delay) {
          BOOST_TEST(seen.ec == f.ec);
          attempts.push_back(attempt);
          delays.push_back(delay);
        },
        fast);
    BOOST_TEST(r.value() == 42);
    BOOST_TEST(flaky.calls == 6);
    BOOST_TEST(attempts == (std::vector<std::size_t>{1, 2, 3, 4, 5}));
    BOOST_TEST(delays == (std::vector<milliseconds>{milliseconds(5), milliseconds(10), milliseconds(20),
                                                    milliseconds(20), milliseconds(20)}));
  }
}

BOOST_AUTO_TEST_CASE(other_failures_return_at_once) {
  for (const NodeFailure& f : {node_failure(node::error::auth_failed), rpc_failure(-5, "Block not found"),
                               node_failure(node::error::bad_reply), node_failure(node::error::wrong_network)}) {
    Flaky flaky{f, 100};
    std::atomic<bool> stop{false};
    auto r = with_retry(std::ref(flaky), stop, {}, fast);
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().ec == f.ec);
    BOOST_TEST(flaky.calls == 1);
  }
}

BOOST_AUTO_TEST_CASE(stop_ends_the_wait) {
  std::atomic<bool> stop{true};
  Flaky already{node_failure(node::error::unreachable), 100};
  BOOST_TEST(!with_retry(std::ref(already), stop));  // a stopping caller gets one attempt
  BOOST_TEST(already.calls == 1);

  stop = false;
  Flaky flaky{node_failure(node::error::unreachable), 1'000'000};
  const auto t0 = Clock::now();
  const RetryPolicy slow{std::chrono::seconds(10), std::chrono::seconds(10), milliseconds(20)};
  auto waiting = std::async(std::launch::async, [&] { return with_retry(std::ref(flaky), stop, {}, slow); });
  std::this_thread::sleep_for(milliseconds(100));
  stop = true;
  auto r = waiting.get();
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().ec == make_error_code(node::error::unreachable));
  BOOST_TEST(std::chrono::duration<double>(Clock::now() - t0).count() < 2.0);  // not the 10 s wait
  BOOST_TEST(flaky.calls == 1);
}

BOOST_AUTO_TEST_SUITE_END()
