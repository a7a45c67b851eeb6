// Tests rpc/request.hpp: Bitcart's envelope, params forms and the xpub wallet selector.
#include <coinkit/rpc/request.hpp>

#include <coinkit/rpc/json_writer.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

using namespace coinkit;
namespace json = boost::json;

namespace {

rpc::Request parse(std::string_view body) {
  rpc::Request r;
  error_code ec = rpc::parse_request(body, r);
  BOOST_TEST_REQUIRE(!ec, "parse_request(" << body << "): " << ec.message());
  return r;
}

std::string text(const json::value& v) { return rpc::to_json_text(v); }

constexpr std::string_view vpub =
    "vpub5UbgU5E8jii87b3GxqvSrg47jMTv1DBJwUyTwtkDfTVXTcwp1FuM1r9LDxEWDPhEa4Q98SFr8QvA3yJMAqQpxKkWK3sYg8YR9oJopcBe8Eh";

}  // namespace

BOOST_AUTO_TEST_SUITE(request_tests)

BOOST_AUTO_TEST_CASE(params_forms) {
  auto r = parse(R"({"jsonrpc":"2.0","id":3,"method":"validateaddress","params":["bcrt1q"]})");
  BOOST_TEST(text(r.id) == "3");
  BOOST_TEST(r.method == "validateaddress");
  BOOST_TEST(text(r.args) == R"(["bcrt1q"])");
  BOOST_TEST(r.kwargs.empty());
  BOOST_TEST(!r.wallet.present());

  r = parse(R"({"id":8,"method":"make_seed","params":{"nbits":132,"language":"en","seed_type":"segwit"}})");
  BOOST_TEST(r.args.empty());
  BOOST_TEST(text(r.kwargs) == R"({"nbits": 132, "language": "en", "seed_type": "segwit"})");

  // The trailing object holds named arguments: ["x", "y", {"memo": "m"}] == f("x", "y", memo="m").
  r = parse(R"({"id":1,"method":"m","params":[0.01,"order 42",{"memo":"m","expiry":5}]})");
  BOOST_TEST(text(r.args) == R"([0.01, "order 42"])");
  BOOST_TEST(text(r.kwargs) == R"({"memo": "m", "expiry": 5})");

  // A lone object in a list is named arguments too (Bitcart's rule): a positional object needs
  // a trailing, possibly empty, kwargs object.
  r = parse(R"({"id":1,"method":"m","params":[{"a":1}]})");
  BOOST_TEST(r.args.empty());
  BOOST_TEST(text(r.kwargs) == R"({"a": 1})");
  r = parse(R"({"id":1,"method":"m","params":[{"a":1},{}]})");
  BOOST_TEST(text(r.args) == R"([{"a": 1}])");
  BOOST_TEST(r.kwargs.empty());
  // Only the last element counts.
  r = parse(R"({"id":1,"method":"m","params":[{"a":1},2]})");
  BOOST_TEST(text(r.args) == R"([{"a": 1}, 2])");

  // Defaults: no id -> null, no params or null params -> none.
  r = parse(R"({"jsonrpc":"2.0","method":"getinfo"})");
  BOOST_TEST(r.id.is_null());
  BOOST_TEST(r.args.empty());
  r = parse(R"({"method":"getinfo","params":null,"id":"s"})");
  BOOST_TEST(text(r.id) == R"("s")");
  BOOST_TEST(r.args.empty());
  // Any id is echoed, "jsonrpc" is not checked.
  r = parse(R"({"jsonrpc":"1.0","method":"x","id":{"k":[1,2]}})");
  BOOST_TEST(text(r.id) == R"({"k": [1, 2]})");
}

BOOST_AUTO_TEST_CASE(method_field) {
  BOOST_TEST(parse(R"({"jsonrpc":"2.0","id":28,"params":[]})").method.empty());
  BOOST_TEST(parse(R"({"id":28,"method":5})").method.empty());
  BOOST_TEST(parse(R"({"id":28,"method":null})").method.empty());
}

BOOST_AUTO_TEST_CASE(xpub_forms) {
  // string, as a named argument of a params object
  auto r = parse(std::string(R"({"id":9,"method":"getbalance","params":{"xpub":")") + std::string(vpub) + "\"}}");
  BOOST_TEST(r.wallet.present());
  BOOST_TEST(r.wallet.xpub == vpub);
  BOOST_TEST(r.wallet.key() == vpub);
  BOOST_TEST(r.kwargs.empty());
  // in the trailing object, beside other named arguments whose order is kept
  r = parse(R"({"id":1,"method":"m","params":["a",{"memo":"x","xpub":"K","expiry":1}]})");
  BOOST_TEST(r.wallet.xpub == "K");
  BOOST_TEST(text(r.kwargs) == R"({"memo": "x", "expiry": 1})");
  BOOST_TEST(text(r.args) == R"(["a"])");
  // object with extra flags
  r = parse(R"({"id":52,"method":"getbalance","params":{"xpub":{"xpub":"K","diskless":true}}})");
  BOOST_TEST(r.wallet.xpub == "K");
  BOOST_TEST(r.wallet.diskless());
  BOOST_TEST(text(r.wallet.extra) == R"({"diskless": true})");
  // contract and further flags; the key gets "_<contract>"
  r = parse(R"({"method":"m","params":{"xpub":{"one_time":true,"xpub":"K","contract":"C","quiet_mode":1}}})");
  BOOST_TEST(r.wallet.key() == "K_C");
  BOOST_TEST(r.wallet.contract == "C");
  BOOST_TEST(r.wallet.flag("one_time"));
  BOOST_TEST(!r.wallet.flag("quiet_mode"));  // only the JSON true counts
  BOOST_TEST(!r.wallet.diskless());
  BOOST_TEST(text(r.wallet.extra) == R"({"one_time": true, "quiet_mode": 1})");
  // null, "" and an object without xpub name no wallet
  BOOST_TEST(!parse(R"({"method":"m","params":{"xpub":null}})").wallet.present());
  BOOST_TEST(!parse(R"({"method":"m","params":["a",{"xpub":""}]})").wallet.present());
  BOOST_TEST(!parse(R"({"method":"m","params":{"xpub":{"diskless":true}}})").wallet.present());
  BOOST_TEST(!parse(R"({"method":"m","params":{"xpub":{"xpub":null,"contract":null}}})").wallet.present());
  // xpub as a positional argument is just an argument
  r = parse(R"({"method":"getfingerprint","params":["xpub6"]})");
  BOOST_TEST(!r.wallet.present());
  BOOST_TEST(text(r.args) == R"(["xpub6"])");
}

BOOST_AUTO_TEST_CASE(errors) {
  struct Bad {
    std::string_view body;
    rpc::error error;
    std::string_view id;  // the id kept for the reply
  };
  const Bad cases[] = {
      {R"({"jsonrpc":"2.0",)", rpc::error::parse_error, "null"},
      {"", rpc::error::parse_error, "null"},
      {"not json", rpc::error::parse_error, "null"},
      {R"({"id":1} trailing)", rpc::error::parse_error, "null"},
      {R"([{"id":1,"method":"help"}])", rpc::error::invalid_request, "null"},
      {"[]", rpc::error::invalid_request, "null"},
      {"42", rpc::error::invalid_request, "null"},
      {R"("help")", rpc::error::invalid_request, "null"},
      {"null", rpc::error::invalid_request, "null"},
      {R"({"id":7,"method":"m","params":"abc"})", rpc::error::invalid_params, "7"},
      {R"({"id":7,"method":"m","params":5})", rpc::error::invalid_params, "7"},
      {R"({"id":7,"method":"m","params":true})", rpc::error::invalid_params, "7"},
      {R"({"id":8,"method":"m","params":{"xpub":5}})", rpc::error::invalid_xpub, "8"},
      {R"({"id":8,"method":"m","params":{"xpub":["K"]}})", rpc::error::invalid_xpub, "8"},
      {R"({"id":8,"method":"m","params":{"xpub":{"xpub":5}}})", rpc::error::invalid_xpub, "8"},
      {R"({"id":8,"method":"m","params":{"xpub":{"xpub":"K","contract":[]}}})", rpc::error::invalid_xpub, "8"},
  };
  for (const Bad& c : cases) {
    rpc::Request r;
    BOOST_TEST_CONTEXT(c.body) {
      BOOST_TEST(rpc::parse_request(c.body, r) == c.error);
      BOOST_TEST(text(r.id) == c.id);
    }
  }
  BOOST_TEST(rpc::try_parse_request("[]").error() == rpc::error::invalid_request);
  BOOST_TEST(rpc::try_parse_request(R"({"method":"x"})").value().method == "x");
  BOOST_TEST(make_error_code(rpc::error::parse_error).category().name() == std::string("coinkit.rpc"));
  BOOST_TEST(make_error_code(rpc::error::invalid_xpub).message() == "xpub must be a string, an object or null");
}

BOOST_AUTO_TEST_SUITE_END()
