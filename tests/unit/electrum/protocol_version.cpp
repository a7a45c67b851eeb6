#include <coinkit/electrum/protocol_version.hpp>

#include <coinkit/electrum/methods.hpp>
#include <coinkit/electrum/params.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace coinkit;
using namespace coinkit::electrum;
namespace json = boost::json;

namespace {
std::optional<std::string> negotiated(std::string_view request_json) {
  if (request_json.empty()) {
    auto v = negotiate(nullptr);
    return v ? std::optional(v->to_string()) : std::nullopt;
  }
  json::value req = json::parse(request_json);
  auto v = negotiate(&req);
  return v ? std::optional(v->to_string()) : std::nullopt;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(protocol_version)

BOOST_AUTO_TEST_CASE(parses_and_prints_dotted_versions) {
  BOOST_TEST(ProtocolVersion::parse("1.4")->to_string() == "1.4");
  BOOST_TEST(ProtocolVersion::parse("1.4.2")->to_string() == "1.4.2");
  BOOST_TEST(ProtocolVersion::parse("1")->to_string() == "1");
  for (std::string_view bad : {"", ".", "1.", ".4", "1..4", "a.b", "1.4b", "-1.4", "1.4 ", "1.2.3.4.5"})
    BOOST_TEST_CONTEXT(bad) BOOST_TEST(!ProtocolVersion::parse(bad));
}

BOOST_AUTO_TEST_CASE(compares_like_python_tuples) {
  auto v = [](std::string_view s) { return *ProtocolVersion::parse(s); };
  BOOST_TEST((v("1.4") < v("1.4.0")));  // a prefix sorts first, as (1, 4) < (1, 4, 0)
  BOOST_TEST((v("1.4.0") < v("1.4.2")));
  BOOST_TEST((v("1.4.2") < v("1.6")));
  BOOST_TEST((v("1.9") < v("1.10")));
  BOOST_TEST((v("1.6") == ProtocolVersion(1, 6)));
}

// server.version's negotiation against the 1.4-1.6 range (docs/protocol-methods.rst).
BOOST_AUTO_TEST_CASE(negotiates_the_highest_common_version) {
  BOOST_TEST(negotiated(R"("1.4")").value_or("none") == "1.4");  // Electrum 4.3 asks "1.4" and wants exactly "1.4"
  BOOST_TEST(negotiated(R"(["1.4", "1.6"])").value_or("none") == "1.6");
  BOOST_TEST(negotiated(R"(["1.1", "1.4.2"])").value_or("none") == "1.4.2");
  BOOST_TEST(negotiated(R"(["1.4", "2.0"])").value_or("none") == "1.6");
  BOOST_TEST(negotiated(R"(null)").value_or("none") == "1.4");  // absent: the server's minimum
  BOOST_TEST(negotiated("").value_or("none") == "1.4");
  BOOST_TEST(!negotiated(R"("1.3")"));  // below the minimum
  BOOST_TEST(!negotiated(R"(["1.0", "1.3"])"));
  BOOST_TEST(!negotiated(R"("1.7")"));  // the client's minimum is above our maximum
  BOOST_TEST(!negotiated(R"("2.0")"));
  BOOST_TEST(!negotiated(R"(1.4)"));      // not a string
  BOOST_TEST(!negotiated(R"(["1.4"])"));  // a list must have two elements
  BOOST_TEST(!negotiated(R"(["1.4", "x"])"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(methods)

BOOST_AUTO_TEST_CASE(every_method_is_found_by_name) {
  std::size_t n = 0;
  for (const MethodInfo& m : all_methods()) {
    BOOST_TEST(find_method(m.name) == &m);
    BOOST_TEST(&method_info(m.method) == &m);
    ++n;
  }
  BOOST_TEST(n == 25u);
  BOOST_TEST(!find_method("blockchain.address.get_balance"));  // removed in 1.3
  BOOST_TEST(!find_method("blockchain.block.get_chunk"));      // removed in 1.4
  BOOST_TEST(!find_method(""));
}

BOOST_AUTO_TEST_CASE(methods_exist_only_in_their_versions) {
  const ProtocolVersion v14{1, 4}, v142{1, 4, 2}, v16{1, 6};
  BOOST_TEST(find_method("blockchain.relayfee")->available(v14));
  BOOST_TEST(!find_method("blockchain.relayfee")->available(v16));  // removed in 1.6
  BOOST_TEST(!find_method("mempool.get_info")->available(v142));
  BOOST_TEST(find_method("mempool.get_info")->available(v16));
  BOOST_TEST(!find_method("blockchain.transaction.broadcast_package")->available(v14));
  BOOST_TEST(find_method("blockchain.transaction.broadcast_package")->available(v16));
  BOOST_TEST(!find_method("blockchain.scripthash.unsubscribe")->available(v14));
  BOOST_TEST(find_method("blockchain.scripthash.unsubscribe")->available(v142));
  BOOST_TEST(find_method("blockchain.block.headers")->available(v16));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(params)

namespace {
std::string bind_error(std::string_view method, std::string_view params) {
  json::value p = json::parse(params);
  auto r = Params::bind(*find_method(method), &p);
  if (auto* e = std::get_if<RpcError>(&r)) return std::to_string(e->code) + " " + e->message;
  return "";
}
}  // namespace

BOOST_AUTO_TEST_CASE(binds_by_position_and_by_name) {
  json::value p = json::parse(R"({"cp_height": 8, "height": 5})");
  auto r = Params::bind(*find_method("blockchain.block.header"), &p);
  const Params& bound = std::get<Params>(r);
  BOOST_TEST(bound[0]->as_int64() == 5);
  BOOST_TEST(bound[1]->as_int64() == 8);
  json::value q = json::parse(R"([5])");
  const Params b2 = std::get<Params>(Params::bind(*find_method("blockchain.block.header"), &q));
  BOOST_TEST(b2[0]->as_int64() == 5);
  BOOST_TEST(!b2[1]);
}

// aiorpcx's handler_invocation messages, code -32602.
BOOST_AUTO_TEST_CASE(wrong_arguments_get_aiorpcx_messages) {
  BOOST_TEST(bind_error("blockchain.block.header", "[]") ==
             R"(-32602 0 arguments passed to method "blockchain.block.header" but it requires 1)");
  BOOST_TEST(bind_error("blockchain.block.headers", "[1]") ==
             R"(-32602 1 argument passed to method "blockchain.block.headers" but it requires 2)");
  BOOST_TEST(bind_error("server.ping", "[1, 2]") == "-32602 2 arguments passed to method server.ping takes at most 0");
  BOOST_TEST(bind_error("blockchain.block.headers", R"({"count": 1})") ==
             R"(-32602 method "blockchain.block.headers" requires parameter "start_height")");
  BOOST_TEST(bind_error("blockchain.scripthash.subscribe", R"({"scripthash": "", "x": 1, "a": 2})") ==
             R"(-32602 method "blockchain.scripthash.subscribe" does not take parameters "a", "x")");
  BOOST_TEST(bind_error("blockchain.block.header", R"("5")") == "-32602 invalid request arguments: 5");
}

BOOST_AUTO_TEST_CASE(server_version_tolerates_extra_arguments) {  // 1.6
  BOOST_TEST(bind_error("server.version", R"(["electrum/4.6.2", ["1.4", "1.6"], "trailing_garbage1", 9999.9])") == "");
  BOOST_TEST(bind_error("server.version", R"({"client_name": "x", "dd": {}})") == "");
}

BOOST_AUTO_TEST_CASE(non_negative_integer_follows_python_int) {
  auto n = [](std::string_view v) { return to_non_negative(json::parse(v)); };
  BOOST_TEST(n("12").value_or(-1) == 12);
  BOOST_TEST(n(R"("12")").value_or(-1) == 12);
  BOOST_TEST(n(R"(" 7 ")").value_or(-1) == 7);
  BOOST_TEST(n("3.7").value_or(-1) == 3);
  BOOST_TEST(n("true").value_or(-1) == 1);
  BOOST_TEST(!n("-1"));
  BOOST_TEST(!n(R"("1e3")"));
  BOOST_TEST(!n("null"));
  BOOST_TEST(!n("[1]"));
  BOOST_TEST(not_non_negative(json::parse(R"("abc")")).message == "abc should be a non-negative integer");
  BOOST_TEST(not_non_negative(json::parse("-5")).message == "-5 should be a non-negative integer");
  BOOST_TEST(not_non_negative(json::parse("null")).message == "None should be a non-negative integer");
}

BOOST_AUTO_TEST_CASE(python_str_quotes_as_python_does) {
  BOOST_TEST(python_str(json::parse(R"(["1.0", 1, true, null])")) == "['1.0', 1, True, None]");
  BOOST_TEST(python_str(json::parse(R"({"a": "b"})")) == "{'a': 'b'}");
  BOOST_TEST(python_str(json::parse("1.5")) == "1.5");
}

BOOST_AUTO_TEST_SUITE_END()
