// Daemon<BtcPolicy, ElectrumWallet, InProcessSource>: the wallet daemon on the index of an Electrum
// server in the same process (no socket, no JSON between them), through the same wallet life as
// over the Electrum protocol in wallet_daemon.cpp: payments, SPV, events, reorgs of depth 1 and 3.
#include "wallet_scenario.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace coinkit;
using namespace coinkit::test;

BOOST_AUTO_TEST_SUITE(in_process_wallet)

BOOST_AUTO_TEST_CASE(a_btc_wallet_follows_the_index_of_its_own_process) {
  WalletStack<BtcPolicy, true> s;
  BOOST_TEST(s.wallet("getbalance", recorded_vpub) == json::parse(R"({"confirmed": "0"})"));
  BOOST_TEST(s.wallet("getunusedaddress", recorded_vpub) ==
             json::value("bcrt1q40rrgjq3wnss5zcn68njnrawtjmqggr9pfhkx6"));
  const json::value info = s.result("getinfo");
  BOOST_TEST(info.at("connected") == json::value(true));
  BOOST_TEST(info.at("server") == json::value("localhost"));
  BOOST_TEST(info.at("server_height") == json::value(s.node.height()));
  a_wallet_lives_through_payments_and_reorgs(s, recorded_vpub);
  // Transactions come from the node, with the node's errors (Bitcart's -32002 for an unknown one).
  const json::value unknown = s.call("get_transaction", json::array{std::string(64, 'b')});
  BOOST_TEST(unknown.at("error").at("code") == json::value(-32002));
}

BOOST_AUTO_TEST_SUITE_END()
