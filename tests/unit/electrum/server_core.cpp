#include <coinkit/electrum/server_core.hpp>

#include "fixture.hpp"
#include "support/eventually.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <sys/resource.h>

#include <fstream>

using namespace coinkit;
using namespace coinkit::test;

namespace {

// Resident memory of this process, bytes.
std::size_t resident_bytes() {
  std::ifstream in("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// A LocalRPC call as electrumx_rpc sends it: one JSON-RPC line, one reply line.
json::value local_rpc(ElectrumFixture& f, std::string_view method, json::value params = json::array()) {
  return test::local_rpc(f.port(Protocol::rpc), method, std::move(params));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(server_core)

// LOG_SESSIONS: every period the sessions table, then getinfo as one JSON line (ElectrumX's
// _log_sessions); ANON_LOGS hides the addresses.
BOOST_AUTO_TEST_CASE(log_sessions_writes_the_sessions_table_and_getinfo) {
  ElectrumFixture f([](electrum::ServerConfig& c) {
    c.log_sessions = 300ms;
    c.anon_logs = true;
  });
  f.log().set_level(electrum::LogLevel::info);
  LogLines log(f.log());
  ProtocolClient c(f, Protocol::tcp);
  c.version("1.4");
  const std::string one_session = "\"sessions\": {\"count\": 1";
  BOOST_TEST_REQUIRE(eventually([&] { return log.contains(one_session); }, 5s));
  std::lock_guard lock(log.mutex);
  const auto info = std::find_if(log.lines.begin(), log.lines.end(),
                                 [&](const std::string& l) { return l.find(one_session) != std::string::npos; });
  BOOST_TEST_REQUIRE((info - log.lines.begin() >= 2));
  BOOST_TEST(info->starts_with("SessionManager:{\"coin\": \"Bitcoin\", "), *info);
  BOOST_TEST(info[-2].starts_with("SessionManager:ID "), info[-2]);  // the table's header, then the session
  BOOST_TEST(info[-1].find("xx.xx.xx.xx:xx") != std::string::npos, info[-1]);
  BOOST_TEST(info[-1].find("127.0.0.1") == std::string::npos, info[-1]);
}

// Every transport carries requests, replies and notifications.
BOOST_AUTO_TEST_CASE(tls_websocket_and_secure_websocket) {
  ElectrumFixture f;
  for (Protocol p : {Protocol::tcp, Protocol::ssl, Protocol::ws, Protocol::wss}) {
    BOOST_TEST_CONTEXT(electrum::to_string(p)) {
      ProtocolClient c(f, p);
      c.version("1.6");
      const json::value tip = c.call("blockchain.headers.subscribe");
      const Script s = new_script(f.node);
      BOOST_TEST(c.call("blockchain.scripthash.subscribe", {s.scripthash}).is_null());
      f.node.send({{regtest::Payment{s.bytes, 10'000}}}).value();
      f.sync();
      BOOST_TEST(c.notification("blockchain.scripthash.subscribe").has_value());
      f.mine();
      auto header = c.notification("blockchain.headers.subscribe");
      BOOST_TEST_REQUIRE(header.has_value());
      BOOST_TEST(header->at("params").at(0).at("height") == json::value(tip.at("height").as_int64() + 1));
      BOOST_TEST(c.call("blockchain.block.headers", {0, 3}).at("headers").as_array().size() == 3u);
    }
  }
  // A WebSocket message is the JSON alone: no trailing newline.
  WsChannel<tcp::socket> ws(f.port(Protocol::ws));
  ws.send(R"({"jsonrpc": "2.0", "id": 0, "method": "server.version", "params": ["t", "1.4"]})");
  auto msg = ws.receive();
  BOOST_TEST_REQUIRE(msg.has_value());
  BOOST_TEST(*msg == R"({"jsonrpc": "2.0", "result": ["coinkit 0.1.0", "1.4"], "id": 0})");
}

// Two TLS records in one TCP segment (a client that pipelines: corked, then sent at once): the
// second is read from the BIO, not waited for on the socket, which has nothing more to say.
BOOST_AUTO_TEST_CASE(pipelined_tls_records_are_all_answered) {
  ElectrumFixture f;
  LineChannel<asio::ssl::stream<tcp::socket>> c(f.port(Protocol::ssl));
  const int fd = c.lowest().native_handle();
  int on = 1, off = 0;
  BOOST_TEST_REQUIRE(::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on) == 0);
  BOOST_TEST_REQUIRE(c.send(R"({"jsonrpc": "2.0", "id": 1, "method": "server.version", "params": ["t", "1.4"]})"));
  BOOST_TEST_REQUIRE(c.send(R"({"jsonrpc": "2.0", "id": 2, "method": "server.ping", "params": []})"));
  BOOST_TEST_REQUIRE(::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &off, sizeof off) == 0);
  auto first = c.receive(), second = c.receive();
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST_REQUIRE(second.has_value());
  BOOST_TEST(*second == R"({"jsonrpc": "2.0", "result": null, "id": 2})");
}

BOOST_AUTO_TEST_CASE(a_bad_certificate_is_a_startup_error) {
  SelfSignedCert other;
  electrum::ServerConfig cfg;
  cfg.services = {{Protocol::ssl, "127.0.0.1", 0}};
  cfg.ssl_certfile = other.cert;
  cfg.ssl_keyfile = "/nonexistent/key.pem";
  ElectrumFixture f;
  NullRpc no_rpc;
  electrum::Log log;
  node::NodeClient nowhere{node::NodeOptions{}};
  ElectrumFixture::Service service(f.index(), nowhere, cfg, regtest_network());
  try {
    electrum::ServerCore core(cfg, service, log, no_rpc);
    BOOST_FAIL("the missing key was accepted");
  } catch (const ConfigException& e) {
    BOOST_TEST(e.error().variable == "SSL_KEYFILE");
  }
}

BOOST_AUTO_TEST_CASE(local_rpc_commands) {
  ElectrumFixture f;
  const Script s = new_script(f.node);
  f.node.send({{regtest::Payment{s.bytes, 100'000}}}).value();
  f.mine();
  ProtocolClient c(f);
  c.version("1.4");
  c.call("blockchain.headers.subscribe");
  c.call("blockchain.scripthash.subscribe", {s.scripthash});

  const json::value info = local_rpc(f, "getinfo").at("result");
  BOOST_TEST(info.at("db height") == json::value(102));
  BOOST_TEST(info.at("sessions").at("count") == json::value(1));
  BOOST_TEST(info.at("sessions").at("subs") == json::value(1));
  BOOST_TEST(info.at("request counts").at("server.version") == json::value(1));
  BOOST_TEST(info.at("version") == json::value("coinkit 0.1.0"));

  const json::array sessions = local_rpc(f, "sessions").at("result").as_array();
  BOOST_TEST_REQUIRE(sessions.size() == 1u);
  const json::array& row = sessions[0].as_array();
  BOOST_TEST(row[1] == json::value("T"));
  BOOST_TEST(row[3] == json::value("test-client"));
  BOOST_TEST(row[4] == json::value("1.4"));
  BOOST_TEST(row[9] == json::value(1));  // subscriptions
  const std::string id = std::to_string(row[0].to_number<std::uint64_t>());

  BOOST_TEST(local_rpc(f, "log", json::array{json::array{id}}).at("result") == (json::array{"logging session " + id}));
  BOOST_TEST(local_rpc(f, "log", json::object{{"session_ids", json::array{id, "bogus"}}}).at("result") ==
             (json::array{"not logging session " + id, "unknown: bogus"}));
  BOOST_TEST(local_rpc(f, "log", json::array{json::array{"new"}}).at("result") ==
             (json::array{"logging new sessions"}));

  const json::array lines =
      local_rpc(f, "query", json::array{json::array{to_hex(s.bytes)}, 10}).at("result").as_array();
  BOOST_TEST_REQUIRE(lines.size() == 4u);
  BOOST_TEST(lines[0] == json::value("Script: " + to_hex(s.bytes)));
  BOOST_TEST(lines[1].as_string().starts_with("History #0: height 102 tx_hash "));
  BOOST_TEST(lines[2].as_string().starts_with("UTXO #1: tx_hash "));
  BOOST_TEST(lines[3] == json::value("Balance: 0.00100000 BTC"));
  const std::string address = to_address(s.bytes, regtest_network().address).value();
  BOOST_TEST(local_rpc(f, "query", json::array{json::array{address}}).at("result").at(0) ==
             json::value("Address: " + address));

  // reorg: the tip is backed out and indexed again; header subscribers hear of it.
  BOOST_TEST(local_rpc(f, "reorg", json::object{{"count", 2}}).at("result") ==
             json::value("scheduled a reorg of 2 blocks"));
  f.sync();
  auto header = c.notification("blockchain.headers.subscribe");
  BOOST_TEST_REQUIRE(header.has_value());
  BOOST_TEST(header->at("params").at(0).at("height") == json::value(102));

  BOOST_TEST(local_rpc(f, "disconnect", json::array{json::array{id}}).at("result") ==
             (json::array{"disconnecting session " + id}));
  BOOST_TEST(c.closed_by_server());
  BOOST_TEST(local_rpc(f, "nope").at("error").at("code") == json::value(-32601));
  BOOST_TEST(local_rpc(f, "groups").at("result") == json::array());
  BOOST_TEST(local_rpc(f, "daemon_url", json::array{"http://x"}).at("error").at("code") == json::value(1));
  BOOST_TEST(local_rpc(f, "stop").at("result") == json::value("stopping"));
  BOOST_TEST(f.backend().stop_requested);
}

BOOST_AUTO_TEST_CASE(local_rpc_listens_before_clients_are_served) {
  ElectrumFixture f({}, false);
  BOOST_TEST(!f.core().serving_clients());
  BOOST_TEST(!f.core().endpoint(Protocol::tcp));
  BOOST_TEST(local_rpc(f, "getinfo").at("result").at("db height") == json::value(101));
  f.core().serve_clients();
  ProtocolClient c(f);
  c.version();
}

BOOST_AUTO_TEST_CASE(max_sessions_refuses_extra_connections) {
  ElectrumFixture f([](electrum::ServerConfig& cfg) { cfg.max_sessions = 3; });
  std::vector<std::unique_ptr<ProtocolClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<ProtocolClient>(f));
    clients.back()->version();
  }
  TcpChannel extra(f.port(Protocol::tcp));
  extra.send(R"({"jsonrpc": "2.0", "id": 0, "method": "server.version"})");
  BOOST_TEST(!extra.receive(3s));
  BOOST_TEST(extra.closed());
  BOOST_TEST(f.core().counters().refused.load() >= 1u);
  for (auto& c : clients) BOOST_TEST(c->call("server.ping").is_null());
  clients.pop_back();  // one leaves: room for another
  BOOST_TEST(eventually([&] { return f.core().sessions() == 2u; }));
  ProtocolClient again(f);
  again.version();
}

BOOST_AUTO_TEST_CASE(idle_sessions_time_out) {
  ElectrumFixture f([](electrum::ServerConfig& cfg) { cfg.session_timeout = 1000ms; });
  ProtocolClient idle(f), busy(f);
  idle.version();
  busy.version();
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < 2s) {
    BOOST_TEST_REQUIRE(busy.call("server.ping").is_null());
    std::this_thread::sleep_for(200ms);
  }
  BOOST_TEST(idle.closed_by_server(2s));
  BOOST_TEST(busy.call("server.ping").is_null());
}

// A client that sends requests and never reads: the server stops reading from it once its
// replies back up, and drops it after SEND_TIMEOUT, while serving everyone else.
BOOST_AUTO_TEST_CASE(a_client_that_never_reads_is_dropped) {
  ElectrumFixture f([](electrum::ServerConfig& cfg) { cfg.send_timeout = 1000ms; });
  f.mine(200);  // headers replies of 16 KB
  ProtocolClient other(f);
  other.version();
  TcpChannel slow(f.port(Protocol::tcp));
  std::string requests = R"({"jsonrpc": "2.0", "id": 0, "method": "server.version", "params": ["t", "1.4"]})"
                         "\n";
  for (int i = 1; i <= 3000; ++i)  // 48 MB of replies
    requests += R"({"jsonrpc": "2.0", "id": )" + std::to_string(i) +
                R"(, "method": "blockchain.block.headers", "params": [0, 100]})"
                "\n";
  slow.send_raw(requests, 5s);
  BOOST_TEST(eventually([&] { return f.core().sessions() == 1u; }, 15s));
  BOOST_TEST(other.call("server.ping").is_null());
}

BOOST_AUTO_TEST_CASE(a_thousand_idle_connections) {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 4096 && lim.rlim_max > lim.rlim_cur) {
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 8192);
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  getrlimit(RLIMIT_NOFILE, &lim);
  BOOST_TEST_REQUIRE(lim.rlim_cur >= 2200u, "needs 2,200 file descriptors (ulimit -n)");
  ElectrumFixture f([](electrum::ServerConfig& cfg) { cfg.max_sessions = 2000; });
  asio::io_context io;
  std::vector<tcp::socket> sockets;
  sockets.reserve(1000);
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), f.port(Protocol::tcp));
  const std::string hello = R"({"jsonrpc": "2.0", "id": 0, "method": "server.version", "params": ["idle", "1.4"]})"
                            "\n";
  const std::size_t before = resident_bytes();
  for (int i = 0; i < 1000; ++i) {
    sockets.emplace_back(io);
    sockets.back().connect(ep);
    asio::write(sockets.back(), asio::buffer(hello));
  }
  std::string line;
  for (auto& s : sockets) {  // every one negotiated
    line.clear();
    asio::read_until(s, asio::dynamic_buffer(line), '\n');
    BOOST_TEST_REQUIRE(line.find("\"1.4\"") != std::string::npos);
  }
  BOOST_TEST(eventually([&] { return f.core().sessions() == 1000u; }));
  const std::size_t after = resident_bytes();
  BOOST_TEST_MESSAGE("1,000 idle sessions: " << (after - before) / 1000 << " bytes each (server and client sides)");
  // Another client is served promptly while they idle.
  ProtocolClient c(f);
  const auto t0 = std::chrono::steady_clock::now();
  c.version();
  BOOST_TEST(c.call("blockchain.block.header", {1}).is_string());
  BOOST_TEST((std::chrono::steady_clock::now() - t0 < 1s));
  sockets.clear();
  BOOST_TEST(eventually([&] { return f.core().sessions() == 1u; }));
}

// 10,000 subscriptions across 10 sessions, all touched by one mempool refresh.
BOOST_AUTO_TEST_CASE(notifying_ten_thousand_subscriptions) {
  ElectrumFixture f([](electrum::ServerConfig& cfg) { cfg.cost.soft_limit = cfg.cost.hard_limit = 0; });
  std::vector<Bytes> scripts;
  for (std::uint32_t i = 0; i < 10'000; ++i) {
    Bytes s(22, 0xab);  // OP_0 <20 bytes>: a v0 witness key hash nobody holds
    s[0] = 0x00, s[1] = 0x14, s[2] = static_cast<std::uint8_t>(i), s[3] = static_cast<std::uint8_t>(i >> 8);
    scripts.push_back(std::move(s));
  }
  std::vector<std::unique_ptr<ProtocolClient>> clients;
  for (int c = 0; c < 10; ++c) {
    auto client = std::make_unique<ProtocolClient>(f);
    client->version();
    std::string batch = "[";
    for (int i = 0; i < 1000; ++i)
      batch += std::string(i ? "," : "") + R"({"jsonrpc": "2.0", "id": )" + std::to_string(i) +
               R"(, "method": "blockchain.scripthash.subscribe", "params": [")" +
               electrum_scripthash(scripts[static_cast<std::size_t>(c * 1000 + i)]).to_hex() + R"("]})";
    BOOST_TEST_REQUIRE(client->channel().send(batch + "]"));
    BOOST_TEST_REQUIRE(client->channel().receive(10s).has_value());
    clients.push_back(std::move(client));
  }
  for (int t = 0; t < 4; ++t) {  // four standard-size transactions of 2,500 outputs
    std::vector<regtest::Payment> pay;
    for (int i = 0; i < 2500; ++i) pay.push_back({scripts[static_cast<std::size_t>(t * 2500 + i)], 1000});
    f.node.send(pay).value();
  }
  const auto t0 = std::chrono::steady_clock::now();
  f.sync();
  std::size_t received = 0;
  for (auto& c : clients)
    for (int i = 0; i < 1000; ++i) received += c->notification("blockchain.scripthash.subscribe", 10s).has_value();
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  BOOST_TEST(received == 10'000u);
  BOOST_TEST_MESSAGE("10,000 subscriptions notified (mempool refresh included) in " << elapsed.count() << " ms");
  BOOST_TEST((elapsed < 10s));
}

BOOST_AUTO_TEST_SUITE_END()
