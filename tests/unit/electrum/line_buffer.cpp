#include <coinkit/electrum/line_buffer.hpp>

#include <coinkit/electrum/cost_meter.hpp>

#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <vector>

using namespace coinkit::electrum;

namespace {
void feed(LineBuffer& b, std::string_view bytes) {
  auto space = b.prepare(bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  b.commit(bytes.size());
}
std::vector<std::string> lines(LineBuffer& b) {
  std::vector<std::string> out;
  while (auto l = b.next()) out.emplace_back(*l);
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(line_buffer)

BOOST_AUTO_TEST_CASE(cuts_lines_across_reads) {
  LineBuffer b(1000);
  feed(b, "{\"a\":1}\n{\"b\"");
  BOOST_TEST(lines(b) == std::vector<std::string>{"{\"a\":1}"});
  feed(b, ":2}\r\n\n\n{\"c\":3}\n");  // CRLF, and empty lines are skipped
  BOOST_TEST((lines(b) == std::vector<std::string>{"{\"b\":2}", "{\"c\":3}"}));
  BOOST_TEST(b.pending() == 0u);
  BOOST_TEST(!b.overflow());
}

BOOST_AUTO_TEST_CASE(a_line_over_the_cap_overflows) {
  LineBuffer b(100);
  feed(b, std::string(100, 'x') + "\n");  // exactly the cap: fine
  BOOST_TEST(lines(b).size() == 1u);
  feed(b, std::string(60, 'y'));
  BOOST_TEST(lines(b).empty());
  BOOST_TEST(!b.overflow());
  feed(b, std::string(60, 'y'));  // 120 bytes and no newline yet
  BOOST_TEST(lines(b).empty());
  BOOST_TEST(b.overflow());
  LineBuffer c(100);
  feed(c, std::string(101, 'z') + "\n{}\n");  // a complete line over the cap
  BOOST_TEST(lines(c).empty());
  BOOST_TEST(c.overflow());
}

BOOST_AUTO_TEST_CASE(memory_is_released_when_idle) {
  LineBuffer b(1 << 20);
  BOOST_TEST(b.capacity() == 0u);  // a new connection holds nothing
  feed(b, std::string(100'000, 'x'));
  feed(b, "\n");
  BOOST_TEST(lines(b).size() == 1u);
  BOOST_TEST(b.capacity() >= 100'000u);
  b.release(4096);
  BOOST_TEST(b.capacity() == 0u);
  feed(b, "partial");
  b.release(0);  // not while a partial line is pending
  BOOST_TEST(b.capacity() > 0u);
  feed(b, "\n");
  BOOST_TEST(lines(b) == std::vector<std::string>{"partial"});
}

BOOST_AUTO_TEST_SUITE_END()

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
