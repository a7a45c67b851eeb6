#include <coinkit/node/detail/hex_replies.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

using namespace coinkit;
using namespace coinkit::node;
using coinkit::node::detail::parse_hex_replies;

BOOST_AUTO_TEST_SUITE(hex_replies)

BOOST_AUTO_TEST_CASE(single_reply) {
  auto r = parse_hex_replies(R"({"result":"00ff10Ab","error":null,"id":7})"
                             "\n",
                             7, 1, false);
  BOOST_REQUIRE(r);
  BOOST_REQUIRE_EQUAL(r->size(), 1u);
  BOOST_TEST(to_hex(r->at(0).value()) == "00ff10ab");
  // JSON-RPC 2.0 shape, other keys and nested values ignored, keys in any order.
  r = parse_hex_replies(R"({"jsonrpc":"2.0","id":7,"extra":{"result":[1,{"id":9}]},"result":""})", 7, 1, false);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->at(0).value().empty());
  // An escaped hex digit splits the string into parts.
  r = parse_hex_replies(R"({"result":"0\u0030f\u0066","error":null,"id":7})", 7, 1, false);
  BOOST_REQUIRE(r);
  BOOST_TEST(to_hex(r->at(0).value()) == "00ff");
}

BOOST_AUTO_TEST_CASE(error_replies) {
  auto r = parse_hex_replies(
      R"({"result":null,"error":{"code":-5,"message":"Block \"x\" not found","data":{"code":1}},"id":3})", 3, 1, false);
  BOOST_REQUIRE(r);
  BOOST_REQUIRE(!r->at(0));
  BOOST_TEST(r->at(0).error().rpc_code == -5);
  BOOST_TEST(r->at(0).error().message == "Block \"x\" not found");
}

BOOST_AUTO_TEST_CASE(batch_matched_by_id) {
  auto r = parse_hex_replies(R"([{"result":"02","error":null,"id":12},)"
                             R"({"result":null,"error":{"code":-8,"message":"out of range"},"id":11},)"
                             R"({"result":"0a0b","error":null,"id":10}])",
                             10, 3, true);
  BOOST_REQUIRE(r);
  BOOST_TEST(to_hex(r->at(0).value()) == "0a0b");
  BOOST_TEST(r->at(1).error().rpc_code == -8);
  BOOST_TEST(to_hex(r->at(2).value()) == "02");
}

// Anything else is not taken for replies.
BOOST_AUTO_TEST_CASE(rejected_shapes) {
  const char* bad_single[] = {
      "",
      "not json",
      "[1,2]",
      "\"00\"",
      R"({"result":"0","error":null,"id":1})",   // odd length
      R"({"result":"zz","error":null,"id":1})",  // not hex
      R"({"result":12,"error":null,"id":1})",    // not a string
      R"({"result":{"hex":"00"},"error":null,"id":1})",
      R"({"result":["00"],"error":null,"id":1})",
      R"({"result":null,"error":null,"id":1})",  // neither result nor error
      R"({"result":"00","error":null,"id":2})",  // another request's
      R"({"result":"00","error":null})",         // no id
      R"({"result":"00","error":null,"id":"1"})",
      R"({"result":"00","error":"bad","id":1})",
      R"({"result":"00","error":null,"id":1} {})",  // trailing data
      R"({"result":"00","error":null,"id":1)",      // truncated
  };
  for (const char* body : bad_single) BOOST_TEST(!parse_hex_replies(body, 1, 1, false), body);
  const char* bad_batch[] = {
      R"({"result":"00","error":null,"id":1})",                                        // not an array
      R"([{"result":"00","error":null,"id":1}])",                                      // a reply missing
      R"([{"result":"00","error":null,"id":1},{"result":"00","error":null,"id":1}])",  // twice the same
      R"([{"result":"00","error":null,"id":1},{"result":"00","error":null,"id":3}])",  // unknown id
      R"([{"result":"00","error":null,"id":1},"00"])",
      R"([{"result":"00","error":null,"id":1},[]])",
  };
  for (const char* body : bad_batch) BOOST_TEST(!parse_hex_replies(body, 1, 2, true), body);
}

BOOST_AUTO_TEST_SUITE_END()
