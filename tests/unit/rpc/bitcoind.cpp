// Tests rpc/bitcoind.hpp: bitcoind's amounts both ways, its request envelope, its binding and
// type-check wording, on a small table of its own.
#include <coinkit/rpc/bitcoind.hpp>

#include <coinkit/rpc/method_table.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <string_view>

using namespace coinkit;
namespace json = boost::json;

namespace {

struct Node {
  json::value getblock(std::string_view blockhash, const json::value& verbosity) {
    return json::array{std::string(blockhash), verbosity};
  }
  json::value getblockhash(int height) { return height; }
  json::value sendtoaddress(std::string_view address, Amount amount, bool subtract) {
    return json::array{std::string(address), rpc::amount_value(amount.units), subtract};
  }
  json::value getbalance(std::optional<std::string_view> dummy, std::optional<std::int64_t> minconf) {
    return json::array{dummy ? json::value(std::string(*dummy)) : json::value(),
                       minconf ? json::value(*minconf) : json::value()};
  }
  static constexpr auto rpc_methods() {
    using rpc::arg;
    return rpc::methods(
        rpc::method<&Node::getblock>("getblock", rpc::doc("The block."), arg("blockhash"), arg("verbosity|verbose", 1)),
        rpc::method<&Node::getblockhash>("getblockhash", rpc::doc("A hash."), arg("height")),
        rpc::method<&Node::sendtoaddress>("sendtoaddress", rpc::doc("Pay."), arg("address"), arg("amount"),
                                          arg("subtractfeefromamount", false)),
        rpc::method<&Node::getbalance>("getbalance", rpc::doc("Balance."), arg("dummy", std::nullopt),
                                       arg("minconf", std::nullopt)));
  }
};
using Table = rpc::MethodTable<Node>;

// The result text, or "code message".
std::string call(std::string_view method, std::string_view params) {
  Node n;
  const json::value p = json::parse(params);
  std::string out;
  const auto f = Table::call(n, *Table::find(method), rpc::Params::of(&p), rpc::Bitcoind{}, out);
  if (f) return std::to_string(f->code) + " " + f->message;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bitcoind)

BOOST_AUTO_TEST_CASE(amounts_both_ways) {
  const auto u = [](const json::value& v) { return rpc::to_json_text(v, rpc::JsonStyle::univalue); };
  BOOST_TEST(u(json::object{
                 {"a", rpc::amount_value(0)}, {"b", rpc::amount_value(-150'000'000)}, {"c", rpc::amount_value(1)}}) ==
             R"({"a":0.00000000,"b":-1.50000000,"c":0.00000001})");
  BOOST_TEST(u(4.656542373906925e-10) == "4.656542373906925e-10");  // other numbers: UniValue's %.16g
  BOOST_TEST(u(1.0) == "1");
  BOOST_TEST(u(json::value("q\"\\\n\x01")) == R"("q\"\\\n\u0001")");
  BOOST_TEST(rpc::amount_from_value(json::value(0.1)).value() == 10'000'000);
  BOOST_TEST(rpc::amount_from_value(json::value("21000000")).value() == 2'100'000'000'000'000);
  BOOST_TEST(rpc::amount_from_value(json::value(3)).value() == 300'000'000);
  const struct {
    json::value v;
    std::string message;
  } bad[] = {{json::value("1.000000001"), "Invalid amount"},
             {json::value("x"), "Invalid amount"},
             {json::value(-1), "Amount out of range"},
             {json::value(21'000'001), "Amount out of range"},
             {json::value(true), "Amount is not a number or string"}};
  for (const auto& b : bad) {
    const auto r = rpc::amount_from_value(b.v);
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().code == -3);
    BOOST_TEST(r.error().message == b.message);
  }
}

BOOST_AUTO_TEST_CASE(request_envelopes) {
  rpc::BitcoindRequest r;
  BOOST_TEST(!rpc::parse_bitcoind_request(json::parse(R"({"method":"m","id":null})"), r));
  BOOST_TEST(r.id.has_value());  // an explicit null id is an id: not a notification
  BOOST_TEST(!r.notification());
  BOOST_TEST(r.style().legacy);
  BOOST_TEST(!rpc::parse_bitcoind_request(json::parse(R"({"jsonrpc":"2.0","method":"m"})"), r));
  BOOST_TEST(r.notification());
  BOOST_TEST(!r.style().legacy);
  BOOST_TEST(r.params.as_array().empty());
  BOOST_TEST(rpc::parse_bitcoind_request(json::parse("[]"), r)->message == "Invalid Request object");
  BOOST_TEST(rpc::parse_bitcoind_request(json::parse(R"({"method":1})"), r)->message == "Method must be a string");
  BOOST_TEST(rpc::parse_bitcoind_request(json::parse(R"({"method":"m","jsonrpc":"3.0"})"), r)->message ==
             "JSON-RPC version not supported");
  BOOST_TEST(rpc::bitcoind_http_status(-32600) == 400u);
  BOOST_TEST(rpc::bitcoind_http_status(-32601) == 404u);
  BOOST_TEST(rpc::bitcoind_http_status(-5) == 500u);
}

// transformNamedArguments and RPCHelpMan's checks, in bitcoind's words.
BOOST_AUTO_TEST_CASE(binding_and_type_checks) {
  BOOST_TEST(call("getblock", R"(["00", 0])") == R"(["00",0])");
  BOOST_TEST(call("getblock", R"({"blockhash": "00", "verbose": true})") == R"(["00",true])");  // an alias
  BOOST_TEST(call("getblock", R"({"blockhash": "00"})") == R"(["00",1])");
  BOOST_TEST(call("getblock", R"(["00", null])") == R"(["00",1])");  // null: the default
  BOOST_TEST(call("getblock", R"({"blockhash": "00", "verbose": 1, "verbosity": 2})") ==
             "-8 Parameter verbose specified multiple times");
  BOOST_TEST(call("getblock", R"({"blockhash": "00", "nope": 1})") == "-8 Unknown named parameter nope");
  BOOST_TEST(call("getblock", "[]") == "-1 getblock \"blockhash\" ( verbosity )\n\nThe block.");
  BOOST_TEST(call("getblock", R"(["00", 1, 2])") == "-1 getblock \"blockhash\" ( verbosity )\n\nThe block.");
  BOOST_TEST(
      call("getblockhash", R"(["7"])") ==
      "-3 Wrong type passed:\n{\n    \"Position 1 (height)\": \"JSON value of type string is not of expected type "
      "number\"\n}");
  BOOST_TEST(call("getblockhash", "[2.0]") == "2");
  BOOST_TEST(call("getblockhash", "[2.5]") == "-1 JSON integer out of range");
  BOOST_TEST(call("getblockhash", "[4294967296]") == "-1 JSON integer out of range");
  BOOST_TEST(
      call("sendtoaddress", R"([1, true])") ==
      "-3 Wrong type passed:\n{\n    \"Position 1 (address)\": \"JSON value of type number is not of expected type "
      "string\",\n    \"Position 2 (amount)\": \"JSON value of type bool is not of expected type number or "
      "string\"\n}");
  BOOST_TEST(call("sendtoaddress", R"(["a", "0.1"])") == R"(["a",0.10000000,false])");
  BOOST_TEST(call("sendtoaddress", R"(["a", "0.000000001"])") == "-3 Invalid amount");
  // A named call that leaves a hole below a given argument: the type check names the hole.
  BOOST_TEST(call("sendtoaddress", R"({"amount": 1})") ==
             "-3 Wrong type passed:\n{\n    \"Position 1 (address)\": \"JSON value of type null is not of expected "
             "type string\"\n}");
  BOOST_TEST(call("getbalance", R"({"minconf": 3})") == R"([null,3])");
  BOOST_TEST(rpc::bitcoind_usage(*Table::find("sendtoaddress")) ==
             "sendtoaddress \"address\" amount ( subtractfeefromamount )");
}

BOOST_AUTO_TEST_SUITE_END()
