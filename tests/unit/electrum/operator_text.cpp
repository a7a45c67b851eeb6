// electrum/operator_text.hpp against the strings ElectrumX's own functions (util.formatted_time,
// lib/text.py's sessions_lines, groups_lines and peers_lines) print for the same data, computed
// with ElectrumX's code in Python.
#include <coinkit/electrum/operator_text.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using coinkit::rpc::formatted_time;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(operator_text)

BOOST_AUTO_TEST_CASE(formatted_time_as_electrumx) {
  using std::chrono::seconds;
  BOOST_TEST(formatted_time(seconds(0)) == "00s");
  BOOST_TEST(formatted_time(seconds(5)) == "05s");
  BOOST_TEST(formatted_time(seconds(65)) == "01m 05s");
  BOOST_TEST(formatted_time(seconds(65), "") == "01m05s");
  BOOST_TEST(formatted_time(seconds(3600)) == "01h 00m 00s");
  BOOST_TEST(formatted_time(seconds(3725)) == "01h 02m 05s");
  BOOST_TEST(formatted_time(seconds(86400)) == "1d 00h 00m");  // no seconds once there are days
  BOOST_TEST(formatted_time(seconds(93784)) == "1d 02h 03m");
  BOOST_TEST(formatted_time(seconds(1000000), "") == "11d13h46m");
}

BOOST_AUTO_TEST_CASE(sessions_table_as_electrumx_rpc) {
  // LocalRPC's row: id, flags, peer, client, proto, cost, extra cost, reqs, txs, subs, recv count,
  // recv bytes, send count, send bytes, seconds connected.
  const auto rows = json::parse(
      R"([[0, "T", "127.0.0.1:5555", "coinkit-test/1.0", "1.4", 12.5, 0.0, 0, 0, 1, 1234, 5000, 2, 1536000, 65.7]])");
  const auto lines = coinkit::electrum::sessions_lines(rows.as_array());
  BOOST_TEST_REQUIRE(lines.size() == 2u);
  BOOST_TEST(
      lines[0] ==
      "ID     Flags            Client Proto    Cost   XCost  Reqs   Txs    Subs    Recv Recv KB    Sent Sent KB  "
      "    Time                  Peer");
  BOOST_TEST(
      lines[1] ==
      "0      T      coinkit-test/1.0   1.4      12       0     0     0       1   1,234       4       2   1,500  "
      "  01m05s        127.0.0.1:5555");
}

BOOST_AUTO_TEST_CASE(groups_and_peers_tables_as_electrumx_rpc) {
  BOOST_TEST(coinkit::electrum::groups_lines(json::array{}).at(0) ==
             "Name            Sessions     Cost Retained   Reqs    Txs     Subs   Recv   Recv KB    Sent   Sent KB");
  const double now = 1700000000;
  const auto peers = json::parse(R"([{"host": "electrum.example.org", "status": "good", "source": "peers.subscribe",
      "ip_addr": "192.0.2.1", "try_count": 0, "last_good": 1699996275, "last_try": 0,
      "features": {"hosts": {"electrum.example.org": {"tcp_port": 50001, "ssl_port": null}},
                   "server_version": "ElectrumX 1.16.0", "protocol_min": "1.4", "protocol_max": "1.4.2",
                   "pruning": null}}])");
  const auto lines = coinkit::electrum::peers_lines(peers.as_array(), now);
  BOOST_TEST_REQUIRE(lines.size() == 2u);
  BOOST_TEST(
      lines[0] ==
      "Host                                                           Status   TCP   SSL Server             Min  "
      "Max  Pruning   Last Good    Last Try Tries               Source IP Address     ");
  BOOST_TEST(lines[1] ==
             "electrum.example.org                                           good   50001       ElectrumX 1.16.0   1.4 "
             "1.4.2          01h 02m 05s       Never     0      peers.subscribe 192.0.2.1      ");
}

BOOST_AUTO_TEST_SUITE_END()
