// Tests the daemon's /ws endpoint and get_updates (daemon/daemon_server.hpp, net/websocket_hub.hpp,
// daemon/wallet_updates.hpp) over real websocket connections on 127.0.0.1.
#include <coinkit/daemon/daemon_server.hpp>

#include <boost/test/unit_test.hpp>

#include <boost/json/parse.hpp>

#include "test_daemon.hpp"

using namespace coinkit;
using coinkit::test::call;
using coinkit::test::DaemonFixture;
using coinkit::test::HttpClient;
using coinkit::test::WsClient;

namespace {

boost::json::value event(std::string_view name, std::int64_t n) {
  return boost::json::object{{"event", name}, {"height", n}};
}

std::string frame(std::string_view name, std::int64_t n, const std::string& wallet) {
  return R"({"updates": [{"event": ")" + std::string(name) + R"(", "height": )" + std::to_string(n) +
         R"(}], "wallet": )" + (wallet.empty() ? std::string("null") : "\"" + wallet + "\"") +
         R"(, "currency": "BTC"})";
}

// Waits until the daemon has applied `n` websocket subscriptions (the client's message and our
// later notify travel different paths).
template <class Fixture>
void wait_for_subscribers(Fixture& f, std::size_t n) {
  for (int i = 0; i < 500; ++i) {
    if (f.on_daemon([&] { return f.daemon.server().websockets().subscribers(); }) == n) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  BOOST_FAIL("the subscriptions were not applied");
}

template <class Fixture>
void wait_for_sockets(Fixture& f, std::size_t n) {
  for (int i = 0; i < 500; ++i) {
    if (f.on_daemon([&] { return f.daemon.server().websockets().size(); }) == n) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  BOOST_FAIL("the websockets did not reach the expected count");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(daemon_websocket)

BOOST_AUTO_TEST_CASE(frame_format) {
  DaemonFixture<> f;
  WsClient ws(f.port());
  ws.handshake();
  wait_for_sockets(f, 1);
  f.daemon.notify(std::nullopt, event("new_block", 1103));
  BOOST_TEST(ws.read() ==
             R"({"updates": [{"event": "new_block", "height": 1103}], "wallet": null, "currency": "BTC"})");
  f.daemon.notify("vpub1", boost::json::object{{"event", "new_payment"},
                                               {"address", "49e8823621"},
                                               {"status", 3},
                                               {"status_str", "Paid"},
                                               {"tx_hashes", boost::json::array{"80da"}},
                                               {"sent_amount", "0.01"}});
  BOOST_TEST(ws.read() ==
             R"({"updates": [{"event": "new_payment", "address": "49e8823621", "status": 3, "status_str": "Paid", )"
             R"("tx_hashes": ["80da"], "sent_amount": "0.01"}], "wallet": "vpub1", "currency": "BTC"})");
}

BOOST_AUTO_TEST_CASE(filtering_by_xpub) {
  DaemonFixture<> f;
  WsClient all(f.port()), one(f.port()), two(f.port()), dict(f.port()), ignored(f.port());
  for (WsClient* c : {&all, &one, &two, &dict, &ignored}) c->handshake();
  one.send(R"({"xpub": "k1"})");
  two.send(R"({"xpub": "k2", "other": 1})");
  // The SDK sends an object when the coin has a contract: such a socket gets global events only.
  dict.send(R"({"xpub": {"xpub": "k1", "contract": "c"}})");
  // Not JSON, not an object, a falsy xpub, a binary frame: all ignored (no filter set).
  ignored.send("not json");
  ignored.send(R"(["xpub", "k1"])");
  ignored.send(R"({"xpub": ""})");
  ignored.send(R"({"xpub": null})");
  ignored.send(R"({"xpub": false})");
  ignored.stream().binary(true);
  ignored.send(R"({"xpub": "k2"})");
  wait_for_subscribers(f, 3);

  f.daemon.notify("k1", event("new_transaction", 1));
  f.daemon.notify("k2", event("new_transaction", 2));
  f.daemon.notify(std::nullopt, event("new_block", 3));  // global: everyone

  BOOST_TEST(all.read() == frame("new_transaction", 1, "k1"));
  BOOST_TEST(all.read() == frame("new_transaction", 2, "k2"));
  BOOST_TEST(all.read() == frame("new_block", 3, ""));
  BOOST_TEST(ignored.read() == frame("new_transaction", 1, "k1"));
  BOOST_TEST(ignored.read() == frame("new_transaction", 2, "k2"));
  BOOST_TEST(ignored.read() == frame("new_block", 3, ""));
  BOOST_TEST(one.read() == frame("new_transaction", 1, "k1"));
  BOOST_TEST(one.read() == frame("new_block", 3, ""));
  BOOST_TEST(two.read() == frame("new_transaction", 2, "k2"));
  BOOST_TEST(two.read() == frame("new_block", 3, ""));
  BOOST_TEST(dict.read() == frame("new_block", 3, ""));

  // A filter can be changed but not reset to null.
  one.send(R"({"xpub": "k2"})");
  one.send(R"({"xpub": null})");
  two.send(R"({"xpub": "k3"})");
  for (int i = 0; i < 500; ++i) {
    auto [k2, k3] = f.on_daemon([&] {
      auto& hub = f.daemon.server().websockets();
      return std::pair(hub.subscribers("k2"), hub.subscribers("k3"));
    });
    if (k2 == 1 && k3 == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  f.daemon.notify("k1", event("after", 1));
  f.daemon.notify("k2", event("after", 2));
  f.daemon.notify(std::nullopt, event("after", 3));
  BOOST_TEST(one.read() == frame("after", 2, "k2"));
  BOOST_TEST(one.read() == frame("after", 3, ""));
  BOOST_TEST(two.read() == frame("after", 3, ""));
}

BOOST_AUTO_TEST_CASE(auth_on_the_upgrade) {
  DaemonFixture<> f;
  for (const std::string& authorization :
       {std::string(), test::auth_header("electrum", "wrong"), std::string("Basic Zm9v")}) {
    WsClient ws(f.port(), authorization);
    boost::beast::websocket::response_type res;
    auto ec = ws.handshake(res);
    BOOST_TEST((ec == boost::beast::websocket::error::upgrade_declined));
    BOOST_TEST(res.result_int() == 200);
    BOOST_TEST(res.body() == R"({"jsonrpc": "2.0", "error": {"code": -32600, "message": "Unauthorized"}, "id": null})");
  }
  // An upgrade on another path is not a websocket either.
  {
    WsClient ws(f.port());
    boost::beast::websocket::response_type res;
    boost::system::error_code ec;
    ws.stream().handshake(res, "127.0.0.1", "/other", ec);
    BOOST_TEST((ec == boost::beast::websocket::error::upgrade_declined));
    BOOST_TEST(res.result_int() == 404);
  }
  BOOST_TEST(f.on_daemon([&] { return f.daemon.server().websockets().size(); }) == 0u);
}

BOOST_AUTO_TEST_CASE(shutdown_closes_with_1001) {
  DaemonFixture<> f;
  WsClient ws(f.port());
  ws.handshake();
  wait_for_sockets(f, 1);
  f.daemon.stop();
  boost::system::error_code ec;
  ws.read(ec);
  BOOST_TEST((ec == boost::beast::websocket::error::closed));
  BOOST_TEST(static_cast<int>(ws.stream().reason().code) == 1001);
  BOOST_TEST(std::string(ws.stream().reason().reason.c_str()) == "Server shutdown");
}

BOOST_AUTO_TEST_CASE(get_updates_is_capped_per_wallet) {
  DaemonFixture<> f(Environment{{"BTC_POLLING_CAP", "3"}});
  HttpClient c(f.port());
  const std::string get_a = R"({"id":48,"method":"get_updates","params":{"xpub":"a"}})";
  const std::string get_b = R"({"id":48,"method":"get_updates","params":{"xpub":"b"}})";
  // Events for a wallet that is not loaded are not queued (as Bitcart: only loaded wallets have queues).
  f.daemon.notify("a", event("before_load", 0));
  BOOST_TEST(call(c, get_a) == R"({"jsonrpc": "2.0", "result": [], "id": 48})");
  BOOST_TEST(call(c, get_b) == R"({"jsonrpc": "2.0", "result": [], "id": 48})");
  for (int i = 1; i <= 5; ++i) f.daemon.notify("a", event("new_transaction", i));
  f.daemon.notify("b", event("new_transaction", 10));
  f.daemon.notify(std::nullopt, event("new_block", 6));  // global: every loaded wallet's queue
  // The oldest are dropped: a keeps 5 and the block; b its event and the block.
  BOOST_TEST(call(c, get_a) ==
             R"({"jsonrpc": "2.0", "result": [{"event": "new_transaction", "height": 4}, )"
             R"({"event": "new_transaction", "height": 5}, {"event": "new_block", "height": 6}], "id": 48})");
  BOOST_TEST(call(c, get_a) == R"({"jsonrpc": "2.0", "result": [], "id": 48})");  // drained
  BOOST_TEST(call(c, get_b) == R"({"jsonrpc": "2.0", "result": [{"event": "new_transaction", "height": 10}, )"
                               R"({"event": "new_block", "height": 6}], "id": 48})");
  BOOST_TEST(call(c, R"({"id":1,"method":"get_updates","params":[]})") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32000, "message": "Wallet not loaded"}, "id": 1})");
}

BOOST_AUTO_TEST_CASE(polling_cap_zero_queues_nothing) {
  DaemonFixture<> f(Environment{{"BTC_POLLING_CAP", "0"}});
  HttpClient c(f.port());
  const std::string get_a = R"({"id":1,"method":"get_updates","params":{"xpub":"a"}})";
  BOOST_TEST(call(c, get_a) == R"({"jsonrpc": "2.0", "result": [], "id": 1})");
  f.daemon.notify("a", event("new_transaction", 1));
  f.daemon.notify(std::nullopt, event("new_block", 2));
  BOOST_TEST(call(c, get_a) == R"({"jsonrpc": "2.0", "result": [], "id": 1})");
}

BOOST_AUTO_TEST_CASE(a_client_that_never_reads_is_dropped) {
  DaemonServerOptions options;
  options.websocket.max_queued_bytes = 1 << 20;
  DaemonFixture<> f(Environment{}, options);
  WsClient reader(f.port()), stuck(f.port());
  reader.handshake();
  stuck.handshake();  // and never reads again
  wait_for_sockets(f, 2);
  HttpClient c(f.port());
  const std::string payload(64 << 10, 'x');
  std::size_t dropped = 0;
  int batches = 0;
  // Batches of 8 x 64 KiB: the reader drains each batch; the stuck client's kernel buffers fill,
  // then its queue passes 1 MiB and it is dropped.
  for (; batches < 400 && dropped == 0; ++batches) {
    for (int i = 0; i < 8; ++i)
      f.daemon.notify(std::nullopt, boost::json::object{{"event", "big"}, {"n", i}, {"data", payload}});
    for (int i = 0; i < 8; ++i) BOOST_TEST_REQUIRE(reader.read().size() > payload.size());
    dropped = f.on_daemon([&] { return f.daemon.server().websockets().dropped(); });
  }
  BOOST_TEST(dropped == 1u);
  BOOST_TEST_MESSAGE("stuck client dropped after " << batches << " batches");
  wait_for_sockets(f, 1);
  // The reader and HTTP clients are still served.
  f.daemon.notify(std::nullopt, event("new_block", 1));
  BOOST_TEST(reader.read() == frame("new_block", 1, ""));
  BOOST_TEST(call(c, R"({"id":1,"method":"add","params":[1,2]})") == R"({"jsonrpc": "2.0", "result": 3, "id": 1})");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(wallet_updates)

BOOST_AUTO_TEST_CASE(queues) {
  WalletUpdates u(2);
  u.push("w", event("lost", 0));  // not open
  BOOST_TEST(!u.is_open("w"));
  u.open("w");
  u.open("v");
  for (int i = 1; i <= 3; ++i) u.push("w", event("e", i));
  u.push_all(event("g", 4));
  BOOST_TEST(u.pending("w") == 2u);
  BOOST_TEST(u.drain("w") == (boost::json::array{event("e", 3), event("g", 4)}));
  BOOST_TEST(u.drain("v") == (boost::json::array{event("g", 4)}));
  BOOST_TEST(u.drain("w").empty());
  u.close("w");
  BOOST_TEST(!u.is_open("w"));
  BOOST_TEST(u.wallets() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
