#include <coinkit/node/node_failure.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

using namespace coinkit;
using namespace coinkit::node;

BOOST_AUTO_TEST_SUITE(node_failure_)

BOOST_AUTO_TEST_CASE(transient_failures_are_the_ones_electrumx_retries) {
  BOOST_TEST(node_failure(node::error::unreachable, "127.0.0.1:8332: Connection refused").transient());
  BOOST_TEST(rpc_failure(-28, "Loading block index...").transient());  // RPC_IN_WARMUP
  BOOST_TEST(!rpc_failure(-5, "Block not found").transient());
  BOOST_TEST(!node_failure(node::error::auth_failed).transient());
  BOOST_TEST(!node_failure(node::error::wrong_network).transient());
  BOOST_TEST(!node_failure(node::error::bad_reply).transient());
}

BOOST_AUTO_TEST_CASE(messages) {
  const NodeFailure rpc = rpc_failure(-5, "Block not found");
  BOOST_TEST(rpc.describe() == "the node returned an error: -5 Block not found");
  BOOST_TEST(rpc.rpc_error() == (boost::json::object{{"code", -5}, {"message", "Block not found"}}));
  const NodeFailure down = node_failure(node::error::unreachable, "127.0.0.1:8332: Connection refused");
  BOOST_TEST(down.describe() == "cannot connect to the node: 127.0.0.1:8332: Connection refused");
  BOOST_TEST(node_failure(node::error::bad_reply).describe() == "the node's reply is not valid JSON-RPC");
}

BOOST_AUTO_TEST_CASE(value_throws_system_error_with_the_code) {
  const NodeResult<int> r = rpc_failure(-8, "Block height out of range");
  try {
    (void)r.value();
    BOOST_FAIL("value() did not throw");
  } catch (const system_error& e) {
    BOOST_TEST(e.code() == make_error_code(node::error::rpc_error));
    BOOST_TEST(std::string(e.what()).find("-8 Block height out of range") != std::string::npos, e.what());
  }
  const NodeResult<void> ok;
  BOOST_TEST(ok.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
