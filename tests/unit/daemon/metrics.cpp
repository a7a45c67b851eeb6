// Tests the daemon's GET /metrics (daemon/daemon_server.hpp, rpc/call_counts.hpp): Prometheus
// text a strict reader accepts, behind the daemon's Basic auth, whose counters follow the calls,
// errors, events and websockets exactly.
#include <coinkit/daemon/base_daemon.hpp>

#include <boost/test/unit_test.hpp>

#include "support/prometheus_text.hpp"
#include "test_daemon.hpp"

#include <chrono>
#include <string>
#include <thread>

using namespace coinkit;
using coinkit::test::auth;
using coinkit::test::call;
using coinkit::test::DaemonFixture;
using coinkit::test::HttpClient;
using coinkit::test::parse_prometheus;
using coinkit::test::PrometheusText;
using coinkit::test::WsClient;

namespace {

PrometheusText scrape(HttpClient& c) {
  auto res = c.get("/metrics", auth());
  BOOST_TEST(res.result_int() == 200);
  BOOST_TEST(res[net::http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
  auto text = parse_prometheus(res.body());
  BOOST_TEST_REQUIRE(text.valid(), text.error << "\n" << res.body());
  return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(daemon_metrics)

BOOST_AUTO_TEST_CASE(counters_follow_calls_errors_events_and_websockets) {
  DaemonFixture<> f;
  HttpClient c(f.port());
  // Like every other path of the daemon, /metrics needs the credentials.
  BOOST_TEST(c.get("/metrics").body() ==
             R"({"jsonrpc": "2.0", "error": {"code": -32600, "message": "Unauthorized"}, "id": null})");
  BOOST_TEST(c.post("/metrics", "", auth()).result_int() == 405);

  const auto before = scrape(c);
  BOOST_TEST(!before.value("coinkit_daemon_calls_total", {{"method", "echo"}}).has_value());  // never called
  BOOST_TEST(*before.value("coinkit_daemon_websocket_clients") == 0);
  BOOST_TEST(before.types.at("coinkit_daemon_call_duration_seconds") == "histogram");

  constexpr int calls = 40;
  for (int i = 0; i < calls; ++i) call(c, R"({"id":1,"method":"echo","params":["x"]})");
  call(c, R"({"id":2,"method":"fail","params":["NotEnoughFunds"]})");
  call(c, R"({"id":3,"method":"no_such_method"})");
  call(c, R"({"id":4,"method":)");                                // not JSON
  call(c, R"({"id":5,"method":"getbalance","xpub":"bad key"})");  // the wallet fails to load

  WsClient ws(f.port());
  ws.handshake();
  for (int i = 0; i < 500 && f.on_daemon([&] { return f.daemon.server().websockets().size(); }) != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  f.daemon.notify(std::nullopt, boost::json::object{{"event", "new_block"}, {"height", 7}});
  f.daemon.notify("vpub1", boost::json::object{{"event", "new_payment"}, {"status", 3}});
  f.daemon.notify("vpub1", boost::json::object{{"event", "new_payment"}, {"status", 0}});
  ws.read(), ws.read(), ws.read();  // all three are published before the scrape

  const auto after = scrape(c);
  BOOST_TEST(*after.value("coinkit_daemon_calls_total", {{"method", "echo"}}) == calls);
  BOOST_TEST(*after.value("coinkit_daemon_call_errors_total", {{"method", "echo"}}) == 0);
  BOOST_TEST(*after.value("coinkit_daemon_calls_total", {{"method", "fail"}}) == 1);
  BOOST_TEST(*after.value("coinkit_daemon_call_errors_total", {{"method", "fail"}}) == 1);
  BOOST_TEST(*after.value("coinkit_daemon_call_errors_total", {{"method", "getbalance"}}) == 1);
  BOOST_TEST(*after.value("coinkit_daemon_rejected_requests_total") == 2);
  BOOST_TEST(*after.value("coinkit_daemon_call_duration_seconds_count") == calls + 2);
  BOOST_TEST(*after.value("coinkit_daemon_events_total", {{"event", "new_block"}}) == 1);
  BOOST_TEST(*after.value("coinkit_daemon_events_total", {{"event", "new_payment"}}) == 2);
  BOOST_TEST(*after.value("coinkit_daemon_websocket_clients") == 1);
  BOOST_TEST(*after.value("process_start_time_seconds") > 1.7e9);
}

BOOST_AUTO_TEST_SUITE_END()
