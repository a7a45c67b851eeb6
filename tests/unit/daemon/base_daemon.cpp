// Tests daemon/base_daemon.hpp (and daemon/daemon_server.hpp) over real HTTP on 127.0.0.1:
// JSON-RPC params, the xpub forms, every error reply byte for byte, auth, /spec, help and bad input.
#include <coinkit/daemon/base_daemon.hpp>

#include <boost/test/unit_test.hpp>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>

#include "test_daemon.hpp"

using namespace coinkit;
using coinkit::test::call;
using coinkit::test::DaemonFixture;
using coinkit::test::HttpClient;

namespace {

std::string error_reply(const std::string& id, int code, const std::string& message) {
  return R"({"jsonrpc": "2.0", "error": {"code": )" + std::to_string(code) + R"(, "message": ")" + message +
         R"("}, "id": )" + id + "}";
}

const std::string unauthorized =
    R"({"jsonrpc": "2.0", "error": {"code": -32600, "message": "Unauthorized"}, "id": null})";

const std::string vpub =
    "vpub5UbgU5E8jii87b3GxqvSrg47jMTv1DBJwUyTwtkDfTVXTcwp1FuM1r9LDxEWDPhEa4Q98SFr8QvA3yJMAqQpxKkWK3sYg8YR9oJopcBe8Eh";

}  // namespace

BOOST_AUTO_TEST_SUITE(base_daemon)

BOOST_AUTO_TEST_CASE(positional_named_and_mixed_params) {
  DaemonFixture<> f;
  HttpClient c(f.port());
  BOOST_TEST(call(c, R"({"jsonrpc":"2.0","id":1,"method":"echo","params":["ab",2,true]})") ==
             R"({"jsonrpc": "2.0", "result": "ABAB", "id": 1})");
  BOOST_TEST(call(c, R"({"id":2,"method":"echo","params":{"text":"x","count":3}})") ==
             R"({"jsonrpc": "2.0", "result": "xxx", "id": 2})");
  BOOST_TEST(call(c, R"({"id":"three","method":"echo","params":["x",{"upper":true,"count":2}]})") ==
             R"({"jsonrpc": "2.0", "result": "XX", "id": "three"})");
  BOOST_TEST(call(c, R"({"id":4,"method":"echo","params":["x"]})") == R"({"jsonrpc": "2.0", "result": "x", "id": 4})");
  BOOST_TEST(call(c, R"({"id":5,"method":"add","params":[2,40]})") == R"({"jsonrpc": "2.0", "result": 42, "id": 5})");
  // Amounts: decimal strings or numbers in, exact decimal strings out.
  BOOST_TEST(call(c, R"({"id":6,"method":"twice","params":["0.1"]})") ==
             R"({"jsonrpc": "2.0", "result": "0.2", "id": 6})");
  BOOST_TEST(call(c, R"({"id":7,"method":"twice","params":[0.01]})") ==
             R"({"jsonrpc": "2.0", "result": "0.02", "id": 7})");
  // A null result is a success; no id answers id null; params default to [].
  BOOST_TEST(call(c, R"({"id":8,"method":"nothing","params":[]})") == R"({"jsonrpc": "2.0", "result": null, "id": 8})");
  BOOST_TEST(call(c, R"({"jsonrpc":"2.0","method":"nothing"})") == R"({"jsonrpc": "2.0", "result": null, "id": null})");
}

BOOST_AUTO_TEST_CASE(xpub_forms_select_the_wallet) {
  DaemonFixture<> f;
  HttpClient c(f.port());
  const std::string expected =
      R"({"jsonrpc": "2.0", "result": {"confirmed": "1.5", "wallet": ")" + vpub + R"(", "diskless": false}, "id": 9})";
  // A params object, a trailing kwargs object, and kwargs alone in a list.
  BOOST_TEST(call(c, R"({"id":9,"method":"getbalance","params":{"xpub":")" + vpub + R"("}})") == expected);
  BOOST_TEST(call(c, R"({"id":9,"method":"getbalance","params":[{"xpub":")" + vpub + R"("}]})") == expected);
  // The object form: extra flags such as diskless, and a contract suffixing the key.
  BOOST_TEST(
      call(c, R"({"id":52,"method":"getbalance","params":{"xpub":{"xpub":")" + vpub + R"(","diskless":true}}})") ==
      R"({"jsonrpc": "2.0", "result": {"confirmed": "1.5", "wallet": ")" + vpub + R"(", "diskless": true}, "id": 52})");
  BOOST_TEST(call(c, R"({"id":1,"method":"getbalance","params":{"xpub":{"xpub":"k","contract":"0xabc"}}})") ==
             R"({"jsonrpc": "2.0", "result": {"confirmed": "1.5", "wallet": "k_0xabc", "diskless": false}, "id": 1})");
  // An xpub given to a method that needs no wallet is accepted and not passed as an argument.
  BOOST_TEST(call(c, R"({"id":1,"method":"echo","params":["x",{"xpub":")" + vpub + R"("}]})") ==
             R"({"jsonrpc": "2.0", "result": "x", "id": 1})");
}

BOOST_AUTO_TEST_CASE(error_replies_byte_for_byte) {
  DaemonFixture<> f;
  HttpClient c(f.port());
  // As captured from Bitcart's BTC daemon (wire examples 27, 28, 31, 32, 33).
  BOOST_TEST(call(c, R"({"jsonrpc":"2.0","id":27,"method":"no_such_method","params":[]})") ==
             error_reply("27", -32601, "Procedure not found"));
  BOOST_TEST(call(c, R"({"jsonrpc":"2.0","id":28,"params":[]})") == error_reply("28", -32601, "Procedure not found"));
  BOOST_TEST(call(c, R"({"jsonrpc":"2.0","id":31,"method":"getbalance","params":[]})") ==
             error_reply("31", -32000, "Wallet not loaded"));
  BOOST_TEST(call(c, R"({"jsonrpc":"2.0","id":31,"method":"getbalance","params":{"xpub":null}})") ==
             error_reply("31", -32000, "Wallet not loaded"));
  BOOST_TEST(call(c, R"({"jsonrpc":"2.0","id":33,"method":"getbalance","params":{"xpub":"badNOTVALID"}})") ==
             error_reply("33", -32005, "Exception: Seed or key not recognized"));
  // Method faults: the spec's electrum_map by case-insensitive substring, else -32603.
  BOOST_TEST(call(c, R"({"id":26,"method":"fail","params":["Exception: Request not found"]})") ==
             error_reply("26", -32003, "Exception: Request not found"));
  BOOST_TEST(call(c, R"({"id":1,"method":"fail","params":["x: INVALID BITCOIN ADDRESS: nope"]})") ==
             error_reply("1", -32004, "x: INVALID BITCOIN ADDRESS: nope"));
  BOOST_TEST(call(c, R"({"id":1,"method":"fail","params":["ValueError: something else"]})") ==
             error_reply("1", -32603, "ValueError: something else"));
  // Malformed bodies: not JSON, and JSON that is not an object (a batch).
  BOOST_TEST(call(c, R"({"jsonrpc":"2.0",)") == error_reply("null", -32700, "Parse error"));
  BOOST_TEST(call(c, "") == error_reply("null", -32700, "Parse error"));
  BOOST_TEST(call(c, R"([{"id":1,"method":"help","params":[]}])") == error_reply("null", -32600, "Invalid Request"));
  BOOST_TEST(call(c, R"("help")") == error_reply("null", -32600, "Invalid Request"));
  BOOST_TEST(call(c, R"({"id":3,"method":"help","params":5})") == error_reply("3", -32602, "Invalid params"));
}

BOOST_AUTO_TEST_CASE(wrong_parameter_types_and_counts) {
  DaemonFixture<> f;
  HttpClient c(f.port());
  BOOST_TEST(call(c, R"({"id":1,"method":"add","params":["1",2]})") ==
             error_reply("1", -32603, "TypeError: Commands.add() argument 'a' must be int, not str"));
  BOOST_TEST(call(c, R"({"id":1,"method":"add","params":[1]})") ==
             error_reply("1", -32603, "TypeError: Commands.add() missing 1 required positional argument: 'b'"));
  BOOST_TEST(
      call(c, R"({"id":1,"method":"add","params":[]})") ==
      error_reply("1", -32603, "TypeError: Commands.add() missing 2 required positional arguments: 'a' and 'b'"));
  BOOST_TEST(call(c, R"({"id":1,"method":"add","params":[1,2,3]})") ==
             error_reply("1", -32603, "TypeError: Commands.add() takes 2 positional arguments but 3 were given"));
  BOOST_TEST(call(c, R"({"id":36,"method":"getbalance","params":{"foo":1,"xpub":")" + vpub + R"("}})") ==
             error_reply("36", -32603, "TypeError: Commands.getbalance() got an unexpected keyword argument 'foo'"));
  BOOST_TEST(call(c, R"({"id":1,"method":"add","params":[1,{"a":2}]})") ==
             error_reply("1", -32603, "TypeError: Commands.add() got multiple values for argument 'a'"));
  BOOST_TEST(call(c, R"({"id":35,"method":"twice","params":{"amount":"abc"}})") ==
             error_reply("35", -32603, "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]"));
  BOOST_TEST(call(c, R"({"id":1,"method":"echo","params":[1]})") ==
             error_reply("1", -32603, "TypeError: Commands.echo() argument 'text' must be str, not int"));
  // The daemon keeps serving on the same connection after every error.
  BOOST_TEST(call(c, R"({"id":1,"method":"add","params":[1,2]})") == R"({"jsonrpc": "2.0", "result": 3, "id": 1})");
}

BOOST_AUTO_TEST_CASE(help_lists_and_describes_methods) {
  DaemonFixture<> f;
  HttpClient c(f.port());
  const std::string names = R"(["add", "echo", "fail", "get_updates", "getbalance", "help", "nothing", "twice"])";
  BOOST_TEST(call(c, R"({"id":1,"method":"help","params":[]})") ==
             R"({"jsonrpc": "2.0", "result": )" + names + R"(, "id": 1})");
  BOOST_TEST(call(c, R"({"id":1,"method":"help"})") == R"({"jsonrpc": "2.0", "result": )" + names + R"(, "id": 1})");
  const auto usage = boost::json::parse(call(c, R"({"id":40,"method":"help","params":["echo"]})"));
  BOOST_TEST(usage.at("result").as_string() == "usage: echo text [count=1] [upper=false]\n\nRepeat text.\n");
  BOOST_TEST(call(c, R"({"id":2,"method":"help","params":{"func":"nope"}})") ==
             error_reply("2", -32601, "Procedure not found"));
}

BOOST_AUTO_TEST_CASE(spec_endpoint) {
  DaemonFixture<> f;
  HttpClient c(f.port());
  auto res = c.get("/spec", test::auth());
  BOOST_TEST(res.result_int() == 200);
  BOOST_TEST(res[boost::beast::http::field::content_type] == "application/json");
  const auto spec = boost::json::parse(res.body()).as_object();
  std::vector<std::string> keys;
  for (const auto& m : spec) keys.emplace_back(m.key());
  BOOST_TEST(keys == (std::vector<std::string>{"version", "electrum_map", "exceptions", "capabilities"}),
             boost::test_tools::per_element());
  BOOST_TEST(spec.at("capabilities") == (boost::json::object{{"lightning", false}}));
  // btc.json merged over base.json: a BTC-only map entry and the base's codes.
  BOOST_TEST(spec.at("electrum_map").as_object().at("Invalid Bitcoin address or alias") == -32004);
  BOOST_TEST(spec.at("electrum_map").as_object().at("Request not found") == -32003);
  BOOST_TEST(spec.at("exceptions").as_object().at("-32000").at("exc_name") == "WalletNotLoadedError");
  // Python's spacing, like every other body.
  BOOST_TEST(res.body().starts_with(R"({"version": ")"));
}

BOOST_AUTO_TEST_CASE(auth_on_every_endpoint) {
  DaemonFixture<> f;
  const std::string body = R"({"jsonrpc":"2.0","id":29,"method":"help","params":[]})";
  const std::vector<HttpClient::Headers> bad = {
      {},
      {{"Authorization", test::auth_header("electrum", "wrong")}},
      {{"Authorization", test::auth_header("other", "electrumz")}},
      {{"Authorization", "Bearer abc"}},
      {{"Authorization", "Basic !!!"}},
      {{"Authorization", "Basic " + base64_encode(as_bytes(std::string_view("electrumelectrumz")))}},
  };
  for (const auto& headers : bad) {
    HttpClient c(f.port());
    auto post = c.post("/", body, headers);
    BOOST_TEST(post.result_int() == 200);
    BOOST_TEST(post.body() == unauthorized);
    auto spec = c.get("/spec", headers);
    BOOST_TEST(spec.result_int() == 200);
    BOOST_TEST(spec.body() == unauthorized);
    auto ws = c.get("/ws", headers);  // a plain GET, not an upgrade
    BOOST_TEST(ws.result_int() == 200);
    BOOST_TEST(ws.body() == unauthorized);
  }
  // The scheme is case-insensitive; the right credentials pass on every endpoint.
  HttpClient c(f.port());
  auto lower = c.post("/", body, {{"Authorization", "basic " + test::auth_header().substr(6)}});
  BOOST_TEST(lower.body().starts_with(R"({"jsonrpc": "2.0", "result": [)"));
  BOOST_TEST(c.get("/spec", test::auth()).body().starts_with(R"({"version": )"));
  // Custom credentials from the environment.
  DaemonFixture<> g(Environment{{"BTC_LOGIN", "shop"}, {"BTC_PASSWORD", "s3cret:x"}});
  HttpClient d(g.port());
  BOOST_TEST(d.post("/", body, test::auth()).body() == unauthorized);
  BOOST_TEST(d.post("/", body, {{"Authorization", test::auth_header("shop", "s3cret:x")}})
                 .body()
                 .starts_with(R"({"jsonrpc": "2.0", "result": [)"));
}

BOOST_AUTO_TEST_CASE(unknown_routes_and_methods) {
  DaemonFixture<> f;
  HttpClient c(f.port());
  auto nf = c.get("/nope", test::auth());
  BOOST_TEST(nf.result_int() == 404);
  BOOST_TEST(nf.body() == "404: Not Found");
  auto get_root = c.get("/", test::auth());
  BOOST_TEST(get_root.result_int() == 405);
  BOOST_TEST(get_root.body() == "405: Method Not Allowed");
  auto post_spec = c.post("/spec", "{}", test::auth());
  BOOST_TEST(post_spec.result_int() == 405);
  // A query string does not change the route.
  BOOST_TEST(c.post("/?x=1", R"({"id":1,"method":"nothing"})", test::auth()).body() ==
             R"({"jsonrpc": "2.0", "result": null, "id": 1})");
}

BOOST_AUTO_TEST_CASE(oversized_body_is_refused_and_others_still_served) {
  DaemonFixture<> f;
  HttpClient other(f.port());
  BOOST_TEST(call(other, R"({"id":1,"method":"add","params":[1,2]})") == R"({"jsonrpc": "2.0", "result": 3, "id": 1})");
  {
    // A 50 MB body: the limit (16 MiB) is checked against Content-Length before the body is read.
    namespace asio = boost::asio;
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.connect({asio::ip::make_address("127.0.0.1"), f.port()});
    const std::string head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + test::auth_header() +
                             "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(50 << 20) +
                             "\r\n\r\n";
    asio::write(s, asio::buffer(head));
    const std::string chunk(1 << 20, ' ');
    boost::system::error_code ec;
    for (int i = 0; i < 50 && !ec; ++i) asio::write(s, asio::buffer(chunk), ec);  // the server may cut us off
    std::string response;
    char buf[4096];
    for (;;) {
      std::size_t n = s.read_some(asio::buffer(buf), ec);
      response.append(buf, n);
      if (ec) break;
    }
    // Either the reply arrived, or the server's reset discarded it: both are a refusal.
    if (!response.empty()) {
      BOOST_TEST(response.starts_with("HTTP/1.1 413 Payload Too Large\r\n"));
      BOOST_TEST(response.find("Connection: close\r\n") != std::string::npos);
      BOOST_TEST(response.ends_with(error_reply("null", -32600, "Request body too large")));
    }
  }
  // A large body under the limit is served (6 MiB: the test client reads replies up to 8 MiB).
  const std::string text(6 << 20, 'a');
  std::string big = R"({"id":2,"method":"echo","params":[")" + text + R"("]})";
  auto res = other.post("/", big, test::auth());
  BOOST_TEST((res.body() == R"({"jsonrpc": "2.0", "result": ")" + text + R"(", "id": 2})"));
  BOOST_TEST(call(other, R"({"id":3,"method":"add","params":[1,2]})") == R"({"jsonrpc": "2.0", "result": 3, "id": 3})");
}

BOOST_AUTO_TEST_CASE(malformed_http_gets_a_json_error_and_a_closed_socket) {
  DaemonFixture<> f;
  namespace asio = boost::asio;
  for (const std::string& garbage : {std::string("GARBAGE\r\n\r\n"),
                                     std::string("POST / HTTP/1.1\r\nContent-Length: "
                                                 "x\r\n\r\n"),
                                     std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)}) {
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    s.connect({asio::ip::make_address("127.0.0.1"), f.port()});
    asio::write(s, asio::buffer(garbage));
    std::string response;
    char buf[4096];
    boost::system::error_code ec;
    for (;;) {
      std::size_t n = s.read_some(asio::buffer(buf), ec);
      response.append(buf, n);
      if (ec) break;
    }
    BOOST_TEST(response.starts_with("HTTP/1.1 400 Bad Request\r\n"));
    BOOST_TEST(response.ends_with(error_reply("null", -32600, "Malformed HTTP request")));
  }
  HttpClient c(f.port());
  BOOST_TEST(call(c, R"({"id":1,"method":"add","params":[1,2]})") == R"({"jsonrpc": "2.0", "result": 3, "id": 1})");
}

BOOST_AUTO_TEST_CASE(startup_errors) {
  // An invalid variable stops construction with a message naming it.
  BOOST_CHECK_EXCEPTION(test::TestDaemon(Environment{{"BTC_PORT", "abc"}}), ConfigException,
                        [](const ConfigException& e) {
                          return std::string(e.what()).starts_with(
                              "BTC_PORT=abc: not a decimal integer (expected a port number 0-65535)");
                        });
  // A missing spec directory is a start-up error too.
  BOOST_CHECK_THROW(test::TestDaemon(Environment{{"COINKIT_SPEC_DIR", "/nonexistent"}}), system_error);
  // A port already in use.
  DaemonFixture<> f;
  test::TestDaemon second(Environment{{"BTC_PORT", std::to_string(f.port())}});
  BOOST_CHECK_THROW(second.start(), boost::system::system_error);
}

BOOST_AUTO_TEST_SUITE_END()
