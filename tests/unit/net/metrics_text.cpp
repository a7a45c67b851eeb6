// MetricsText against the strict exposition-format reader the server tests use, and the reader
// against texts a scraper refuses (so a server's malformed text would fail its test).
#include <coinkit/net/metrics_text.hpp>

#include <boost/test/unit_test.hpp>

#include <support/prometheus_text.hpp>

#include <chrono>

using coinkit::net::LatencyHistogram;
using coinkit::net::MetricsText;
using coinkit::test::parse_prometheus;

BOOST_AUTO_TEST_SUITE(metrics_text)

BOOST_AUTO_TEST_CASE(families_labels_and_escapes_read_back) {
  MetricsText m;
  m.counter("coinkit_test_requests_total", "Requests \\ answered,\nby anyone", 42);
  m.family("coinkit_test_calls_total", MetricsText::Type::counter, "Calls by method")
      .sample(3, {{"method", "blockchain.scripthash.subscribe"}})
      .sample(1, {{"method", "we\"ird\\name\n"}});
  m.gauge("coinkit_test_height", "Height", 840000);
  m.gauge("coinkit_test_ratio", "A fraction", 0.1);
  const auto p = parse_prometheus(m.text());
  BOOST_TEST_REQUIRE(p.valid(), p.error << "\n" << m.text());
  BOOST_TEST(p.types.at("coinkit_test_calls_total") == "counter");
  BOOST_TEST(*p.value("coinkit_test_requests_total") == 42);
  BOOST_TEST(*p.value("coinkit_test_calls_total", {{"method", "blockchain.scripthash.subscribe"}}) == 3);
  BOOST_TEST(*p.value("coinkit_test_calls_total", {{"method", "we\"ird\\name\n"}}) == 1);
  BOOST_TEST(p.total("coinkit_test_calls_total") == 4);
  BOOST_TEST(*p.value("coinkit_test_height") == 840000);
  BOOST_TEST(*p.value("coinkit_test_ratio") == 0.1);
  BOOST_TEST(m.text().find("coinkit_test_ratio 0.1\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(histogram_buckets_are_cumulative) {
  LatencyHistogram h;
  using namespace std::chrono_literals;
  h.observe(50us);   // first bucket (≤ 0.1 ms)
  h.observe(700us);  // ≤ 1 ms
  h.observe(700us);
  h.observe(30s);  // above every bound
  MetricsText m;
  m.family("coinkit_test_latency_seconds", MetricsText::Type::histogram, "Latency").histogram(h, {{"method", "x"}});
  const auto p = parse_prometheus(m.text());
  BOOST_TEST_REQUIRE(p.valid(), p.error << "\n" << m.text());
  BOOST_TEST(*p.value("coinkit_test_latency_seconds_bucket", {{"method", "x"}, {"le", "0.0001"}}) == 1);
  BOOST_TEST(*p.value("coinkit_test_latency_seconds_bucket", {{"method", "x"}, {"le", "0.0005"}}) == 1);
  BOOST_TEST(*p.value("coinkit_test_latency_seconds_bucket", {{"method", "x"}, {"le", "0.001"}}) == 3);
  BOOST_TEST(*p.value("coinkit_test_latency_seconds_bucket", {{"method", "x"}, {"le", "10"}}) == 3);
  BOOST_TEST(*p.value("coinkit_test_latency_seconds_bucket", {{"method", "x"}, {"le", "+Inf"}}) == 4);
  BOOST_TEST(*p.value("coinkit_test_latency_seconds_count", {{"method", "x"}}) == 4);
  BOOST_TEST(std::abs(*p.value("coinkit_test_latency_seconds_sum", {{"method", "x"}}) - 30.00145) < 1e-9);
}

BOOST_AUTO_TEST_CASE(the_reader_refuses_what_a_scraper_refuses) {
  const char* bad[] = {
      "x_total 1",                                                                                // no final newline
      "# TYPE x counter\nx 1\n",                                                                  // counter not *_total
      "# TYPE x_total counter\nx_total -1\n",                                                     // negative counter
      "# TYPE g gauge\ng 1\n# TYPE h gauge\nh 1\ng{a=\"b\"} 2\n",                                 // g split in two
      "# TYPE g gauge\n# TYPE g gauge\ng 1\n",                                                    // TYPE twice
      "g 1\n# TYPE g gauge\n",                                                                    // TYPE after samples
      "g{a=\"b\"} 1\ng{a=\"b\"} 2\n",                                                             // series twice
      "9g 1\n",                                                                                   // bad name
      "g{__a=\"b\"} 1\n",                                                                         // reserved label
      "g{a=\"b\\t\"} 1\n",                                                                        // bad escape
      "g{a=b} 1\n",                                                                               // unquoted
      "g one\n",                                                                                  // bad value
      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",  // not cumulative
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",                           // no +Inf
      "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",                        // count ≠ +Inf
  };
  for (const char* text : bad) BOOST_TEST(!parse_prometheus(text).valid(), text);
  BOOST_TEST(parse_prometheus("# a comment\ng 1 1700000000000\n").valid());
}

BOOST_AUTO_TEST_SUITE_END()
