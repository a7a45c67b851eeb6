// Tests rpc/json_writer.hpp, rpc/envelope.hpp and rpc/reply.hpp: Python's json.dumps text and
// bitcoind's UniValue text, and the reply envelopes of Bitcart, aiorpcx and bitcoind.
#include <coinkit/rpc/json_writer.hpp>

#include <coinkit/rpc/envelope.hpp>
#include <coinkit/rpc/reply.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

using namespace coinkit;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(json_writer_tests)

BOOST_AUTO_TEST_CASE(python_float_repr) {
  // Each expected text is what CPython's json.dumps(float) prints.
  const std::vector<std::pair<double, std::string>> cases = {
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {1.0, "1.0"},
      {1.5, "1.5"},
      {0.1, "0.1"},
      {0.01, "0.01"},
      {100.0, "100.0"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {0.000123, "0.000123"},
      {0.0000123, "1.23e-05"},
      {1e15, "1000000000000000.0"},
      {1234567890123456.0, "1234567890123456.0"},
      {1e16, "1e+16"},
      {12345678901234567890.0, "1.2345678901234567e+19"},
      {1.5e300, "1.5e+300"},
      {-2.5e-300, "-2.5e-300"},
      {5e-324, "5e-324"},
      {std::numeric_limits<double>::max(), "1.7976931348623157e+308"},
      {123.456, "123.456"},
      {1e100, "1e+100"},
      {std::nan(""), "NaN"},
      {std::numeric_limits<double>::infinity(), "Infinity"},
      {-std::numeric_limits<double>::infinity(), "-Infinity"},
  };
  for (const auto& [d, text] : cases) BOOST_TEST(rpc::to_json_text(d) == text);
  BOOST_TEST(cases.size() == 24u);
}

BOOST_AUTO_TEST_CASE(python_strings) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", R"("")"},
      {"plain text ~", R"("plain text ~")"},
      {"q\"b\\s/", R"("q\"b\\s/")"},
      {"\n\r\t\b\f", R"("\n\r\t\b\f")"},
      {std::string("\x00\x01\x1f\x7f", 4), R"("\u0000\u0001\u001f\u007f")"},
      {"caf\xc3\xa9", R"("caf\u00e9")"},
      {"\xe2\x82\xac", R"("\u20ac")"},
      {"\xf0\x9f\x98\x80", R"("\ud83d\ude00")"},
      {"\xef\xbf\xbf", R"("\uffff")"},
      {"a\xffz", R"("a\ufffdz")"},                  // invalid byte
      {"\xc3", R"("\ufffd")"},                      // truncated sequence
      {"\xc0\xaf", R"("\ufffd\ufffd")"},            // overlong: lead rejected, then a stray continuation byte
      {"\xed\xa0\x80", R"("\ufffd\ufffd\ufffd")"},  // a UTF-8 encoded surrogate
  };
  for (const auto& [s, text] : cases) BOOST_TEST(rpc::to_json_text(json::string(s)) == text);
  BOOST_TEST(cases.size() == 13u);
}

BOOST_AUTO_TEST_CASE(python_separators_and_order) {
  json::value v = json::parse(R"({"b":1,"a":[true,false,null,-5,18446744073709551615,{}],"c":{"x":[]},"d":"s"})");
  BOOST_TEST(rpc::to_json_text(v) ==
             R"({"b": 1, "a": [true, false, null, -5, 18446744073709551615, {}], "c": {"x": []}, "d": "s"})");
  BOOST_TEST(rpc::to_json_text(json::value(INT64_MIN)) == "-9223372036854775808");
  BOOST_TEST(rpc::to_json_text(json::object{{"\xc3\xa9", 1}}) == R"({"\u00e9": 1})");
}

namespace {
std::string result_reply(const json::value& id, const json::value& result, rpc::EnvelopeStyle style = {}) {
  std::string out;
  rpc::envelope::begin_result(out, style);
  rpc::write_json(out, result, style.json);
  rpc::envelope::end_result(out, id, style);
  return out;
}
std::string error_reply(const json::value& id, int code, std::string_view message, rpc::EnvelopeStyle style) {
  std::string out;
  rpc::envelope::error(out, id, code, message, style);
  return out;
}
}  // namespace

BOOST_AUTO_TEST_CASE(reply_envelopes) {
  // Verbatim from bitcart-wire-examples.md.
  BOOST_TEST(result_reply(44, nullptr) == R"({"jsonrpc": "2.0", "result": null, "id": 44})");
  BOOST_TEST(result_reply(nullptr, json::parse(R"({"confirmed":"1.5","unconfirmed":"0.01"})")) ==
             R"({"jsonrpc": "2.0", "result": {"confirmed": "1.5", "unconfirmed": "0.01"}, "id": null})");
  BOOST_TEST(rpc::error_reply(27, -32601, "Procedure not found") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Procedure not found"}, "id": 27})");
  BOOST_TEST(rpc::unauthorized_reply() ==
             R"({"jsonrpc": "2.0", "error": {"code": -32600, "message": "Unauthorized"}, "id": null})");
  BOOST_TEST(rpc::error_reply("abc", -32603, "TypeError: \"x\"") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32603, "message": "TypeError: \"x\""}, "id": "abc"})");
  BOOST_TEST(result_reply(json::parse(R"({"a":[1]})"), "x") ==
             R"({"jsonrpc": "2.0", "result": "x", "id": {"a": [1]}})");
}

// bitcoind's JSONRPCReplyObj in UniValue's compact text: 2.0 replies carry one of result and
// error, legacy (1.0) replies both.
BOOST_AUTO_TEST_CASE(bitcoind_envelopes) {
  const rpc::EnvelopeStyle v2{rpc::JsonStyle::univalue, false}, legacy{rpc::JsonStyle::univalue, true};
  BOOST_TEST(result_reply(nullptr, 5, v2) == R"({"jsonrpc":"2.0","result":5,"id":null})");
  BOOST_TEST(result_reply(7, json::parse(R"({"a":[1,"b"]})"), legacy) ==
             R"({"result":{"a":[1,"b"]},"error":null,"id":7})");
  BOOST_TEST(error_reply(nullptr, -8, "bad", legacy) ==
             R"({"result":null,"error":{"code":-8,"message":"bad"},"id":null})");
  BOOST_TEST(error_reply("x", -32601, "Method not found", v2) ==
             R"({"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":"x"})");
}

// UniValue keeps UTF-8 as is where json.dumps escapes it; number literals are their text.
BOOST_AUTO_TEST_CASE(univalue_strings_and_number_literals) {
  BOOST_TEST(rpc::to_json_text(json::value("caf\xc3\xa9\x7f"), rpc::JsonStyle::univalue) == "\"caf\xc3\xa9\\u007f\"");
  BOOST_TEST(rpc::to_json_text(json::value("caf\xc3\xa9")) == R"("caf\u00e9")");
  BOOST_TEST(rpc::to_json_text(rpc::number_literal("1.50")) == "1.50");
  BOOST_TEST(rpc::to_json_text(rpc::number_literal("1.50"), rpc::JsonStyle::univalue) == "1.50");
  // The literal's mark is never valid UTF-8, and the parser refuses what is not: no request
  // can smuggle one in.
  BOOST_TEST(rpc::to_json_text(json::parse(R"(["\u00ff1"])")) == R"(["\u00ff1"])");
  boost::system::error_code ec;
  (void)json::parse(
      "[\"\xff"
      "1\"]",
      ec);
  BOOST_TEST(ec.failed());
}

BOOST_AUTO_TEST_SUITE_END()
