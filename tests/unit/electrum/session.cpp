#include <coinkit/electrum/session.hpp>

#include "fixture.hpp"

#include <support/data.hpp>

#include <boost/test/unit_test.hpp>

#include <sstream>

using namespace coinkit;
using namespace coinkit::test;

namespace {

// Request and reply lines of the Electrum 4.3.4 <-> ElectrumX 1.20 capture, by section.
struct Exchange {
  std::string request, reply;
};
Exchange captured(const std::string& section) {
  std::istringstream in(read_text("electrum_protocol/electrum-4.3.4_to_electrumx-1.20_regtest_examples.txt"));
  std::string line, current;
  Exchange e;
  while (std::getline(in, line)) {
    if (line.rfind("=== ", 0) == 0) current = line.substr(4);
    if (current != section) continue;
    if (line.rfind("  C>S ", 0) == 0) e.request = line.substr(6);
    if (line.rfind("  S>C ", 0) == 0) e.reply = line.substr(6);
  }
  return e;
}

// The reply line to one raw line.
std::string round_trip(TcpChannel& c, std::string_view line) {
  BOOST_TEST_REQUIRE(c.send(line));
  auto r = c.receive();
  BOOST_TEST_REQUIRE(r.has_value());
  return *r;
}

std::string replace(std::string s, std::string_view from, std::string_view to) {
  if (auto at = s.find(from); at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(session)

// Electrum 4.3.4's own requests get replies of ElectrumX 1.20's exact bytes (the server's name
// and the chain's data aside).
BOOST_AUTO_TEST_CASE(electrum_434_requests_get_electrumx_bytes) {
  ElectrumFixture f;
  TcpChannel c(f.port(Protocol::tcp));
  auto check = [&](const std::string& section, std::string expected) {
    const Exchange e = captured(section);
    BOOST_TEST_CONTEXT(section) BOOST_TEST(round_trip(c, e.request) == expected);
  };
  check("server.version", replace(captured("server.version").reply, "ElectrumX 1.20.0", "coinkit 0.1.0"));
  check("server.donation_address", captured("server.donation_address").reply);
  check("server.peers.subscribe", captured("server.peers.subscribe").reply);
  check("mempool.get_fee_histogram", captured("mempool.get_fee_histogram").reply);
  check("blockchain.estimatefee", captured("blockchain.estimatefee").reply);
  check("blockchain.relayfee", captured("blockchain.relayfee").reply);
  check("server.banner", replace(captured("server.banner").reply, "ElectrumX 1.20.0", "coinkit 0.1.0"));
  const std::string tip = to_hex(f.node.block(f.node.block_hash(101).value()).value().header.serialize());
  check("blockchain.headers.subscribe",
        R"({"jsonrpc": "2.0", "result": {"hex": ")" + tip + R"(", "height": 101}, "id": 1})");
  const std::string h1 = to_hex(f.node.block(f.node.block_hash(1).value()).value().header.serialize());
  check("blockchain.block.header", R"({"jsonrpc": "2.0", "result": ")" + h1 + R"(", "id": 6})");
  check("blockchain.scripthash.subscribe", captured("blockchain.scripthash.subscribe").reply);  // no history: null
}

BOOST_AUTO_TEST_CASE(the_first_message_must_be_server_version) {
  ElectrumFixture f;
  ProtocolClient other(f);
  other.version();
  ProtocolClient c(f);
  const json::object e = c.error("server.ping");
  BOOST_TEST(e.at("code") == json::value(1));
  BOOST_TEST(e.at("message") == json::value("use server.version to identify client"));
  BOOST_TEST(c.closed_by_server());
  BOOST_TEST(other.call("server.ping").is_null());  // the other session carries on
  // An unknown method first is refused the same way.
  ProtocolClient d(f);
  BOOST_TEST(d.error("foo.bar").at("message") == json::value("use server.version to identify client"));
  BOOST_TEST(d.closed_by_server());
}

BOOST_AUTO_TEST_CASE(only_one_server_version) {
  ElectrumFixture f;
  ProtocolClient c(f);
  c.version("1.4");
  const json::object e = c.error("server.version", {"again", "1.6"});
  BOOST_TEST(e.at("code") == json::value(1));
  BOOST_TEST(e.at("message") == json::value("server.version already sent"));
  BOOST_TEST(c.call("server.ping").is_null());  // still open, still 1.4
  BOOST_TEST(c.call("blockchain.relayfee").is_number());
}

BOOST_AUTO_TEST_CASE(unsupported_versions_are_answered_then_closed) {
  ElectrumFixture f;
  for (json::value v :
       {json::value("1.3"), json::value(json::array{"1.0", "1.3"}), json::value("2.0"), json::value(1.4)}) {
    ProtocolClient c(f);
    const json::object e = c.error("server.version", {"old-client", v});
    BOOST_TEST(e.at("code") == json::value(1));
    BOOST_TEST(e.at("message").as_string().starts_with("unsupported protocol version: "));
    BOOST_TEST(c.closed_by_server());
  }
  ProtocolClient c(f);
  BOOST_TEST(c.error("server.version", {"x", json::array{"1.0", "1.3"}}).at("message") ==
             json::value("unsupported protocol version: ['1.0', '1.3']"));
}

BOOST_AUTO_TEST_CASE(server_version_forms) {
  ElectrumFixture f;
  {  // 1.6 tolerates extra arguments (protocol-methods.rst's example)
    ProtocolClient c(f);
    BOOST_TEST(c.call("server.version", {"electrum/4.6.2", json::array{"1.4", "1.6"}, "trailing_garbage1", 9999.9}) ==
               (json::array{"coinkit 0.1.0", "1.6"}));
  }
  {
    ProtocolClient c(f);
    BOOST_TEST(c.call("server.version",
                      json::object{{"client_name", "x"}, {"protocol_version", "1.4.2"}, {"dd", json::object{}}}) ==
               (json::array{"coinkit 0.1.0", "1.4.2"}));
  }
  {  // no arguments: the minimum
    ProtocolClient c(f);
    BOOST_TEST(c.call("server.version") == (json::array{"coinkit 0.1.0", "1.4"}));
  }
  {  // DROP_CLIENT
    ElectrumFixture g([](electrum::ServerConfig& cfg) { cfg.drop_client = "^bad-wallet/"; });
    ProtocolClient c(g);
    BOOST_TEST(c.error("server.version", {"bad-wallet/1.0", "1.4"}).at("message") ==
               json::value("unsupported client: bad-wallet/1.0"));
    BOOST_TEST(c.closed_by_server());
  }
}

// ElectrumX 1.20 (aiorpcX 0.25) answers -32700 and keeps the session: the next request is served.
BOOST_AUTO_TEST_CASE(invalid_json_is_answered_and_the_session_goes_on) {
  ElectrumFixture f;
  TcpChannel c(f.port(Protocol::tcp));
  BOOST_TEST(round_trip(c, "{\"method\": \"server.version\", oops") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32700, "message": "invalid JSON"}, "id": null})");
  BOOST_TEST(round_trip(c, "not json at all") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32700, "message": "invalid JSON"}, "id": null})");
  BOOST_TEST(round_trip(c, R"({"jsonrpc": "2.0", "id": 7, "method": "server.version", "params": ["t", "1.4"]})") ==
             R"({"jsonrpc": "2.0", "result": ["coinkit 0.1.0", "1.4"], "id": 7})");
  BOOST_TEST(round_trip(c, R"({"jsonrpc": "2.0", "id": 8, "method": "server.ping"})") ==
             R"({"jsonrpc": "2.0", "result": null, "id": 8})");
  BOOST_TEST(!c.closed());
}

BOOST_AUTO_TEST_CASE(bad_requests_get_json_rpc_errors) {
  ElectrumFixture f;
  TcpChannel c(f.port(Protocol::tcp));
  round_trip(c, R"({"jsonrpc": "2.0", "id": 1, "method": "server.version", "params": ["t", "1.4"]})");
  BOOST_TEST(round_trip(c, R"({"jsonrpc": "2.0", "id": 2, "method": "foo.bar"})") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32601, "message": "unknown method \"foo.bar\""}, "id": 2})");
  BOOST_TEST(round_trip(c, R"({"jsonrpc": "2.0", "id": 3, "method": 5})") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32601, "message": "method must be a string"}, "id": 3})");
  BOOST_TEST(round_trip(c, R"({"jsonrpc": "2.0", "id": 4, "method": "server.ping", "params": "x"})") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32602, "message": "invalid request arguments: x"}, "id": 4})");
  BOOST_TEST(round_trip(c, R"({"jsonrpc": "2.0", "id": [1], "method": "server.ping"})") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32600, "message": "invalid \"id\": [1]"}, "id": null})");
  BOOST_TEST(
      round_trip(c, R"("a string")") ==
      R"({"jsonrpc": "2.0", "error": {"code": -32600, "message": "request object must be a dictionary"}, "id": null})");
  BOOST_TEST(round_trip(c, R"({"jsonrpc": "2.0", "id": 5, "method": "blockchain.block.header", "params": ["abc"]})") ==
             R"({"jsonrpc": "2.0", "error": {"code": 1, "message": "abc should be a non-negative integer"}, "id": 5})");
  BOOST_TEST(
      round_trip(c, R"({"jsonrpc": "2.0", "id": 6, "method": "blockchain.block.headers", "params": [1, 2, 3, 4]})") ==
      R"({"jsonrpc": "2.0", "error": {"code": -32602, "message": "4 arguments passed to method blockchain.block.headers taking at most 3"}, "id": 6})");
  // JSON-RPC 1.0 style (no "jsonrpc"): answered; a string id comes back as given.
  BOOST_TEST(round_trip(c, R"({"id": "abc", "method": "server.ping", "params": []})") ==
             R"({"jsonrpc": "2.0", "result": null, "id": "abc"})");
  // A notification (no id) gets no reply: the next reply is the ping's.
  BOOST_TEST(round_trip(c, R"({"jsonrpc": "2.0", "method": "server.ping"})"
                           "\n"
                           R"({"jsonrpc": "2.0", "id": 7, "method": "server.ping"})") ==
             R"({"jsonrpc": "2.0", "result": null, "id": 7})");
}

BOOST_AUTO_TEST_CASE(batches) {
  ElectrumFixture f;
  TcpChannel c(f.port(Protocol::tcp));
  const std::string batch = R"([{"jsonrpc": "2.0", "id": 1, "method": "server.version", "params": ["t", "1.4"]},)"
                            R"({"jsonrpc": "2.0", "id": 2, "method": "server.ping"},)"
                            R"({"jsonrpc": "2.0", "method": "server.ping"},)"
                            R"({"jsonrpc": "2.0", "id": 3, "method": "nope"},)"
                            R"({"jsonrpc": "2.0", "id": 4, "method": "blockchain.estimatefee", "params": [2]},)"
                            R"({"jsonrpc": "2.0", "id": 5, "method": "blockchain.block.header", "params": [0]}])";
  const json::array r = json::parse(round_trip(c, batch)).as_array();
  BOOST_TEST_REQUIRE(r.size() == 5u);  // the notification has no entry
  BOOST_TEST(r[0].at("result").at(1) == json::value("1.4"));
  BOOST_TEST(r[1].at("id") == json::value(2));
  BOOST_TEST(r[2].at("error").at("code") == json::value(-32601));
  BOOST_TEST(r[3].at("result") == json::value(-1));  // waited for the node, kept its place
  BOOST_TEST(r[4].at("result") ==
             json::value(to_hex(f.node.block(f.node.block_hash(0).value()).value().header.serialize())));
  BOOST_TEST(round_trip(c, "[]") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32600, "message": "batch is empty"}, "id": null})");
  // Only notifications: nothing to answer.
  BOOST_TEST(c.send(R"([{"jsonrpc": "2.0", "method": "server.ping"}])"));
  BOOST_TEST(!c.receive(300ms));
  BOOST_TEST(!c.closed());
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order) {
  ElectrumFixture f;
  TcpChannel c(f.port(Protocol::tcp));
  std::string many = R"({"jsonrpc": "2.0", "id": 0, "method": "server.version", "params": ["t", "1.4"]})"
                     "\n";
  for (int i = 1; i <= 2000; ++i)
    many += R"({"jsonrpc": "2.0", "id": )" + std::to_string(i) +
            R"(, "method": "blockchain.block.header", "params": [)" + std::to_string(i % 100) + "]}\n";
  BOOST_TEST_REQUIRE(c.send_raw(many));
  for (int i = 0; i <= 2000; ++i) {
    auto line = c.receive();
    BOOST_TEST_REQUIRE(line.has_value());
    BOOST_TEST(json::parse(*line).at("id") == json::value(i));
  }
}

BOOST_AUTO_TEST_CASE(a_request_over_max_recv_is_refused_and_the_connection_closed) {
  ElectrumFixture f;
  ProtocolClient other(f);
  other.version();
  TcpChannel c(f.port(Protocol::tcp));
  round_trip(c, R"({"jsonrpc": "2.0", "id": 1, "method": "server.version", "params": ["t", "1.4"]})");
  // 10 MB in one line: the server stops at MAX_RECV (1,000,000), answers and closes.
  std::string huge = R"({"jsonrpc": "2.0", "id": 2, "method": "blockchain.transaction.broadcast", "params": [")";
  huge.append(10'000'000, 'a');
  huge += "\"]}\n";
  c.send_raw(huge, 10s);  // may fail part-way: the server closes
  auto reply = c.receive(5s);
  BOOST_TEST_REQUIRE(reply.has_value());
  BOOST_TEST(
      *reply ==
      R"x({"jsonrpc": "2.0", "error": {"code": -32600, "message": "request too large (over 1,000,000 bytes)"}, "id": null})x");
  BOOST_TEST(!c.receive(3s));
  BOOST_TEST(c.closed());
  BOOST_TEST(other.call("server.ping").is_null());
}

BOOST_AUTO_TEST_CASE(max_recv_is_configurable) {
  ElectrumFixture f([](electrum::ServerConfig& cfg) { cfg.max_recv = 200; });
  TcpChannel c(f.port(Protocol::tcp));
  round_trip(c, R"({"jsonrpc": "2.0", "id": 1, "method": "server.version", "params": ["t", "1.4"]})");
  BOOST_TEST(
      round_trip(
          c, R"({"jsonrpc": "2.0", "id": 2, "method": "server.ping", "params": [")" + std::string(300, 'x') + "\"]}") ==
      R"x({"jsonrpc": "2.0", "error": {"code": -32600, "message": "request too large (over 200 bytes)"}, "id": null})x");
  BOOST_TEST(!c.receive(2s));
  BOOST_TEST(c.closed());
}

BOOST_AUTO_TEST_CASE(a_reply_over_max_send_is_an_error) {
  ElectrumFixture f([](electrum::ServerConfig& cfg) { cfg.max_send = 5000; });
  ProtocolClient c(f);
  c.version();
  BOOST_TEST(c.call("blockchain.block.headers", {0, 10}).at("count") == json::value(10));  // 1.7 KB
  const json::object e = c.error("blockchain.block.headers", {0, 100});                    // 16 KB
  BOOST_TEST(e.at("code") == json::value(-32600));
  BOOST_TEST(e.at("message") == json::value("response too large (over 5,000 bytes)"));
  BOOST_TEST(c.call("server.ping").is_null());  // the session goes on
  // In a batch, the replies count together.
  TcpChannel raw(f.port(Protocol::tcp));
  round_trip(raw, R"({"jsonrpc": "2.0", "id": 0, "method": "server.version", "params": ["t", "1.4"]})");
  std::string batch = "[";
  for (int i = 0; i < 6; ++i)
    batch += (i ? "," : "") + std::string(R"({"jsonrpc": "2.0", "id": )") + std::to_string(i) +
             R"(, "method": "blockchain.block.headers", "params": [0, 5]})";
  const json::array r = json::parse(round_trip(raw, batch + "]")).as_array();
  BOOST_TEST_REQUIRE(r.size() == 6u);
  BOOST_TEST(r[0].as_object().contains("result"));
  BOOST_TEST(r[5].at("error").at("code") == json::value(-32600));
}

BOOST_AUTO_TEST_CASE(cost_hard_limit_disconnects) {
  ElectrumFixture f([](electrum::ServerConfig& cfg) {
    cfg.cost.soft_limit = 50;
    cfg.cost.hard_limit = 300;
    cfg.cost.request_sleep = 10ms;
  });
  ProtocolClient other(f);
  other.version();
  ProtocolClient c(f);
  c.version();
  for (int i = 0; i < 3; ++i) c.call("server.add_peer", {json::object{}});  // 100 each
  const json::object e = c.error("server.ping");
  BOOST_TEST(e.at("code") == json::value(-101));
  BOOST_TEST(e.at("message") == json::value("excessive resource usage"));
  BOOST_TEST(c.closed_by_server());
  BOOST_TEST(other.call("server.ping").is_null());
}

// Invalid JSON costs as an error does, and a client that sends nothing else reaches the hard limit.
BOOST_AUTO_TEST_CASE(garbage_alone_reaches_the_cost_hard_limit) {
  ElectrumFixture f([](electrum::ServerConfig& cfg) {
    cfg.cost.soft_limit = 50;
    cfg.cost.hard_limit = 300;
    cfg.cost.request_sleep = 10ms;
  });
  TcpChannel c(f.port(Protocol::tcp));
  for (int i = 0; i < 3; ++i)  // 100 each
    BOOST_TEST(round_trip(c, "garbage") ==
               R"({"jsonrpc": "2.0", "error": {"code": -32700, "message": "invalid JSON"}, "id": null})");
  BOOST_TEST(round_trip(c, "garbage") ==
             R"({"jsonrpc": "2.0", "error": {"code": -101, "message": "excessive resource usage"}, "id": null})");
  BOOST_TEST(!c.receive(2s));
  BOOST_TEST(c.closed());
}

BOOST_AUTO_TEST_CASE(cost_soft_limit_slows_requests_down) {
  ElectrumFixture f([](electrum::ServerConfig& cfg) {
    cfg.cost.soft_limit = 10;
    cfg.cost.hard_limit = 1010;
    cfg.cost.request_sleep = 1000ms;
  });
  ProtocolClient c(f);
  c.version();
  auto timed_ping = [&] {
    const auto t0 = std::chrono::steady_clock::now();
    c.call("server.ping");
    return std::chrono::steady_clock::now() - t0;
  };
  BOOST_TEST((timed_ping() < 200ms));
  for (int i = 0; i < 5; ++i) c.call("server.add_peer", {json::object{}});  // cost ~ 510: halfway
  BOOST_TEST((timed_ping() > 300ms));
}

BOOST_AUTO_TEST_CASE(zero_cost_limits_disable_throttling) {
  ElectrumFixture f([](electrum::ServerConfig& cfg) { cfg.cost.soft_limit = cfg.cost.hard_limit = 0; });
  ProtocolClient c(f);
  c.version();
  for (int i = 0; i < 200; ++i) c.call("server.add_peer", {json::object{}});  // 20,000: twice the default hard limit
  BOOST_TEST(c.call("server.ping").is_null());
}

BOOST_AUTO_TEST_SUITE_END()
