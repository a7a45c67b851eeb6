// Tests electrum/cost_meter.hpp: ElectrumX's cost accounting, decay and throttling.
#include <coinkit/electrum/cost_meter.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>

using namespace coinkit::electrum;

BOOST_AUTO_TEST_SUITE(cost_meter)

BOOST_AUTO_TEST_CASE(costs_decay_and_throttle_between_the_limits) {
  CostPolicy p;  // 1,000 soft, 10,000 hard, 2.5 s sleep at the hard limit
  const auto t0 = CostMeter::Clock::now();
  CostMeter m(p, t0);
  BOOST_TEST(m.cost() == 5.0);  // a connection costs something from the start
  m.bump(995);
  BOOST_TEST(m.fraction() == 0.0);
  BOOST_TEST(m.delay().count() == 0);
  m.bump(4500);  // halfway between soft and hard
  BOOST_TEST(m.fraction() == 0.5, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(m.delay().count() == 1250);
  BOOST_TEST(!m.excessive());
  m.bump(4500);
  BOOST_TEST(m.excessive());
  // hard / 10,000 per second: 1.0/s, slower with subscriptions.
  m.decay(t0 + std::chrono::seconds(100), 0);
  BOOST_TEST(m.cost() == 9900.0, boost::test_tools::tolerance(1e-6));
  m.decay(t0 + std::chrono::seconds(200), 10'000);  // 10,000 subscriptions: a third of the rate
  BOOST_TEST(m.cost() == 9900.0 - 100.0 / 6.0, boost::test_tools::tolerance(1e-6));
  m.bump_bytes(5000);  // BANDWIDTH_UNIT_COST bytes cost 1
  BOOST_TEST(m.cost() == 9900.0 - 100.0 / 6.0 + 1.0, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(zero_limits_disable_throttling) {
  CostPolicy p;
  p.soft_limit = p.hard_limit = 0;
  CostMeter m(p);
  m.bump(1e12);
  BOOST_TEST(!m.excessive());
  BOOST_TEST(m.delay().count() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
