#include <coinkit/electrum/server.hpp>

#include "clients.hpp"
#include "support/eventually.hpp"
#include "support/prometheus_text.hpp"

#include <coinkit/coins/btc.hpp>
#include <coinkit/indexer/storage/memory_storage.hpp>
#include <coinkit/net/http_client.hpp>
#include <coinkit/program/program.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_server.hpp>

#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <tuple>

using namespace coinkit;
using namespace coinkit::test;

namespace {

// A regtest node behind bitcoind's JSON-RPC, as an Electrum server's DAEMON_URL sees it.
struct NodeBehindRpc {
  regtest::Node<BtcPolicy> node;
  asio::io_context io;
  std::unique_ptr<regtest::RpcServer> rpc;
  std::thread thread;
  NodeBehindRpc() {
    node.generate(101);
    regtest::RpcServerOptions o;
    o.user = "user", o.password = "pass";
    rpc = std::make_unique<regtest::RpcServer>(io.get_executor(), node, o);
    rpc->start();
    thread = std::thread([this] { io.run(); });
  }
  ~NodeBehindRpc() {
    io.stop();
    thread.join();
  }
  std::string url() const { return "http://user:pass@127.0.0.1:" + std::to_string(rpc->local_endpoint().port()); }
};

electrum::ServerConfig server_config(const NodeBehindRpc& n, const std::filesystem::path& db) {
  electrum::ServerConfig c;
  c.coin = "Bitcoin";
  c.network = NetworkId::regtest;
  c.daemon_url = n.url();
  c.node = node::parse_daemon_url(c.daemon_url, 0).value();
  c.db_directory = db;
  c.services = {{Protocol::tcp, "127.0.0.1", 0}, {Protocol::rpc, "127.0.0.1", 0}};
  c.worker_threads = 2;
  c.daemon_poll_interval_blocks = 50ms;
  c.daemon_poll_interval_mempool = 50ms;
  c.log_level = electrum::LogLevel::warning;
  return c;
}

template <class Server>
struct Port {
  Server& s;
  unsigned short port(Protocol p) const { return s.endpoint(p).value().port(); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(server)

// LocalRPC daemon_url: a node that does not answer is refused and the server keeps its node;
// another URL of the chain is taken at once and the server follows the chain through it.
BOOST_AUTO_TEST_CASE(daemon_url_switches_the_node_without_a_restart) {
  NodeBehindRpc n;
  TempDir db;
  ElectrumServer<BtcPolicy, indexer::MemoryStorage> server(server_config(n, db.path));
  server.start();
  BOOST_TEST_REQUIRE(eventually([&] { return server.serving_clients(); }));
  const auto rpc = server.endpoint(Protocol::rpc)->port();
  const std::string first = "127.0.0.1:" + std::to_string(n.rpc->local_endpoint().port()) + "/";
  BOOST_TEST(local_rpc(rpc, "getinfo").at("result").at("daemon") == json::value(first));

  const json::value refused = local_rpc(rpc, "daemon_url", json::array{"http://user:pass@127.0.0.1:1"});
  BOOST_TEST(refused.at("error").at("code") == json::value(1));
  BOOST_TEST(refused.at("error").at("message").as_string().starts_with("an error occurred: "), refused);
  BOOST_TEST(local_rpc(rpc, "getinfo").at("result").at("daemon") == json::value(first));

  // A second RPC server on the same node; then the first one goes away.
  asio::io_context io;
  regtest::RpcServerOptions o;
  o.user = "user", o.password = "pass";
  regtest::RpcServer second(io.get_executor(), n.node, o);
  second.start();
  std::thread thread([&] { io.run(); });
  const std::string url = "http://user:pass@127.0.0.1:" + std::to_string(second.local_endpoint().port());
  const std::string where = "127.0.0.1:" + std::to_string(second.local_endpoint().port()) + "/";
  BOOST_TEST(local_rpc(rpc, "daemon_url", json::array{url}).at("result") ==
             json::value("now using daemon at " + where));
  BOOST_TEST(local_rpc(rpc, "getinfo").at("result").at("daemon") == json::value(where));
  n.io.stop();
  n.node.generate(2);
  BOOST_TEST(eventually([&] { return server.indexer().index().height() == 103; }, 10s));
  server.stop();
  io.stop();
  thread.join();
}

// The whole stack: regtest node -> bitcoind JSON-RPC -> Indexer -> Electrum server -> client.
BOOST_AUTO_TEST_CASE(follows_the_node_and_notifies_clients) {
  NodeBehindRpc n;
  TempDir db;
  ElectrumServer<BtcPolicy, indexer::MemoryStorage> server(server_config(n, db.path));
  server.start();
  BOOST_TEST_REQUIRE(eventually([&] { return server.serving_clients(); }));
  BOOST_TEST(server.indexer().caught_up());
  Port<decltype(server)> at{server};
  ProtocolClient c(at);
  BOOST_TEST(c.call("server.version", {"electrum/4.3.4", "1.4"}) == (json::array{"coinkit 0.1.0", "1.4"}));
  BOOST_TEST(c.call("blockchain.headers.subscribe").at("height") == json::value(101));

  const Bytes script = n.node.new_script(regtest::AddressType::bech32).value();
  const std::string sh = electrum_scripthash(script).to_hex();
  BOOST_TEST(c.call("blockchain.scripthash.subscribe", {sh}).is_null());
  const Transaction t = n.node.send({{regtest::Payment{script, 42'000}}}).value();
  auto paid = c.notification("blockchain.scripthash.subscribe");  // from the indexer's mempool poll
  BOOST_TEST_REQUIRE(paid.has_value());
  BOOST_TEST(c.call("blockchain.scripthash.get_mempool", {sh}).at(0).at("tx_hash") == json::value(t.txid().to_hex()));
  BOOST_TEST(c.call("blockchain.transaction.get", {t.txid().to_hex()}) == json::value(to_hex(t.serialize())));

  n.node.generate(1);
  auto header = c.notification("blockchain.headers.subscribe");
  BOOST_TEST_REQUIRE(header.has_value());
  BOOST_TEST(header->at("params").at(0).at("height") == json::value(102));
  auto mined = c.notification("blockchain.scripthash.subscribe");
  BOOST_TEST_REQUIRE(mined.has_value());
  BOOST_TEST(mined->at("params").at(1) != paid->at("params").at(1));
  BOOST_TEST(c.call("blockchain.scripthash.get_history", {sh}).at(0).at("height") == json::value(102));

  const unsigned short rpc = server.endpoint(Protocol::rpc).value().port();
  const json::value info = local_rpc(rpc, "getinfo").at("result");
  BOOST_TEST(info.at("db height") == json::value(102));
  BOOST_TEST(info.at("coin") == json::value("Bitcoin"));
  BOOST_TEST(local_rpc(rpc, "reorg", json::array{1}).at("result") == json::value("scheduled a reorg of 1 blocks"));
  auto again = c.notification("blockchain.headers.subscribe");  // the same tip, indexed again
  BOOST_TEST_REQUIRE(again.has_value());
  BOOST_TEST(again->at("params").at(0).at("height") == json::value(102));
  BOOST_TEST(local_rpc(rpc, "query", json::array{json::array{to_hex(script)}})
                 .at("result")
                 .at(1)
                 .as_string()
                 .starts_with("History #0: height 102"));

  BOOST_TEST(local_rpc(rpc, "stop").at("result") == json::value("stopping"));
  BOOST_TEST(!server.wait().has_value());
  server.stop();
  BOOST_TEST(c.closed_by_server());
}

// The default storage, LMDB: a restart serves at once from the index on disk.
BOOST_AUTO_TEST_CASE(lmdb_index_survives_a_restart) {
  NodeBehindRpc n;
  TempDir db;
  for (int run = 0; run < 2; ++run) {
    ElectrumServer<BtcPolicy> server(server_config(n, db.path));
    server.start();
    BOOST_TEST_REQUIRE(eventually([&] { return server.serving_clients(); }));
    Port<decltype(server)> at{server};
    ProtocolClient c(at);
    c.version();
    BOOST_TEST(c.call("blockchain.headers.subscribe").at("height") == json::value(101 + run));
    n.node.generate(1);
    BOOST_TEST(c.notification("blockchain.headers.subscribe").has_value());
    server.stop();
  }
}

// coinkit::run's configure step: the environment only, every refusal a ConfigException.
BOOST_AUTO_TEST_CASE(configure_reads_the_environment_and_refuses_arguments) {
  using Server = ElectrumServer<BtcPolicy, MemoryStorage>;
  static_assert(Program<Server>);
  const Environment env{
      {"DAEMON_URL", "https://user:pass@127.0.0.1:18443"}, {"DB_DIRECTORY", "/tmp/db"}, {"ALLOW_ROOT", "1"}};
  BOOST_CHECK_EXCEPTION(Server::configure(Arguments{}, env), ConfigException,
                        [](const ConfigException& e) { return e.error().variable == "DAEMON_URL"; });
  const Environment good{{"DAEMON_URL", "user:pass@127.0.0.1:18443"}, {"DB_DIRECTORY", "/tmp/db"}, {"ALLOW_ROOT", "1"}};
  const electrum::ServerConfig c = Server::configure(Arguments{}, good);
  BOOST_TEST(c.node.host == "127.0.0.1");
  BOOST_TEST(c.node.port == 18443);
  BOOST_TEST(c.node.user == "user");
  BOOST_CHECK_EXCEPTION(
      Server::configure(Arguments{"electrum-server", {"--verbose"}}, good), ConfigException,
      [](const ConfigException& e) { return e.code() == coinkit::config::error::unexpected_argument; });
  BOOST_TEST(Server::usage("electrum-server").find("DAEMON_URL") != std::string::npos);
}

// Nothing is served to clients before the index caught up; LocalRPC answers meanwhile.
BOOST_AUTO_TEST_CASE(clients_wait_for_the_first_catch_up) {
  TempDir db;
  electrum::ServerConfig c;
  c.network = NetworkId::regtest;
  c.node = node::parse_daemon_url("http://user:pass@127.0.0.1:1", 0).value();  // nobody there: the indexer retries
  c.db_directory = db.path;
  c.services = {{Protocol::tcp, "127.0.0.1", 0}, {Protocol::rpc, "127.0.0.1", 0}};
  c.log_level = electrum::LogLevel::critical;
  ElectrumServer<BtcPolicy, indexer::MemoryStorage> server(c);
  server.start();
  std::this_thread::sleep_for(300ms);
  BOOST_TEST(!server.serving_clients());
  BOOST_TEST(!server.endpoint(Protocol::tcp));
  const json::value info = local_rpc(server.endpoint(Protocol::rpc).value().port(), "getinfo").at("result");
  BOOST_TEST(info.at("db height") == json::value(-1));
  server.stop();
}

// GET /metrics on an http:// service: valid Prometheus text from the start (before the
// catch-up), whose counters follow what clients and the chain did, exactly.
BOOST_AUTO_TEST_CASE(metrics_follow_sessions_requests_and_blocks) {
  NodeBehindRpc n;
  TempDir db;
  electrum::ServerConfig config = server_config(n, db.path);
  config.services.push_back({Protocol::http, "127.0.0.1", 0});
  ElectrumServer<BtcPolicy> server(config);
  server.start();
  const auto http_port = server.endpoint(Protocol::http);
  BOOST_TEST_REQUIRE(http_port.has_value());  // an operator's service: listening before the catch-up
  net::HttpClient http(http_port->port());
  auto scrape = [&] {
    auto res = http.get("/metrics");
    BOOST_TEST(res.result_int() == 200);
    BOOST_TEST(res[net::http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
    auto text = parse_prometheus(res.body());
    BOOST_TEST_REQUIRE(text.valid(), text.error << "\n" << res.body());
    return text;
  };
  BOOST_TEST_REQUIRE(eventually([&] { return server.serving_clients(); }));
  const auto before = scrape();
  BOOST_TEST(*before.value("coinkit_index_height") == 101);
  BOOST_TEST(*before.value("coinkit_index_caught_up") == 1);
  BOOST_TEST(*before.value("coinkit_electrum_sessions") == 0);
  BOOST_TEST(*before.value("coinkit_electrum_requests_total", {{"method", "server.version"}}) == 0);
  BOOST_TEST(*before.value("coinkit_index_database_bytes") > 0);
  BOOST_TEST(before.types.at("coinkit_electrum_notification_seconds") == "histogram");

  Port<decltype(server)> at{server};
  ProtocolClient c(at);
  c.version();
  constexpr int calls = 50;
  for (int i = 0; i < calls; ++i) c.call("blockchain.headers.subscribe");
  const Bytes script = n.node.new_script(regtest::AddressType::bech32).value();
  BOOST_TEST(c.call("blockchain.scripthash.subscribe", {electrum_scripthash(script).to_hex()}).is_null());
  BOOST_TEST(c.request("blockchain.no_such_method").at("error").at("code") == json::value(-32601));
  n.node.generate(1);
  BOOST_TEST_REQUIRE(c.notification("blockchain.headers.subscribe").has_value());

  const auto after = scrape();
  BOOST_TEST(*after.value("coinkit_electrum_sessions") == 1);
  BOOST_TEST(*after.value("coinkit_electrum_sessions_accepted_total") == 1);
  BOOST_TEST(*after.value("coinkit_electrum_requests_total", {{"method", "server.version"}}) == 1);
  BOOST_TEST(*after.value("coinkit_electrum_requests_total", {{"method", "blockchain.headers.subscribe"}}) == calls);
  BOOST_TEST(*after.value("coinkit_electrum_requests_total", {{"method", "blockchain.scripthash.subscribe"}}) == 1);
  BOOST_TEST(*after.value("coinkit_electrum_request_errors_total") == 1);
  BOOST_TEST(*after.value("coinkit_electrum_subscriptions") == 1);
  BOOST_TEST(*after.value("coinkit_electrum_received_bytes_total") >
             *before.value("coinkit_electrum_received_bytes_total"));
  BOOST_TEST(*after.value("coinkit_electrum_sent_bytes_total") > 100 * calls);  // 50 headers of 80 bytes in hex
  BOOST_TEST(*after.value("coinkit_index_height") == 102);
  BOOST_TEST(*after.value("coinkit_index_blocks_total") == *before.value("coinkit_index_blocks_total") + 1);
  BOOST_TEST(*after.value("coinkit_electrum_notification_seconds_count") >
             *before.value("coinkit_electrum_notification_seconds_count"));

  BOOST_TEST(http.get("/").result_int() == 404);
  BOOST_TEST(http.post("/metrics", "").result_int() == 405);
  server.stop();
}

#ifdef COINKIT_RPC_PROGRAM
namespace {
// Runs a shell command; its exit status and standard output.
std::pair<int, std::string> run_command(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  BOOST_TEST_REQUIRE(p != nullptr);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}
}  // namespace

// coinkit-rpc, the shipped admin command, against a running server as electrumx_rpc is used:
// getinfo as sorted JSON, sessions as ElectrumX's table, query lines, refusals, and stop.
BOOST_AUTO_TEST_CASE(coinkit_rpc_drives_local_rpc) {
  NodeBehindRpc n;
  TempDir db;
  ElectrumServer<BtcPolicy, indexer::MemoryStorage> server(server_config(n, db.path));
  server.start();
  BOOST_TEST_REQUIRE(eventually([&] { return server.serving_clients(); }));
  Port<decltype(server)> at{server};
  ProtocolClient c(at);
  c.call("server.version", {"coinkit-test/1.0", "1.4"});
  const std::string rpc = COINKIT_RPC_PROGRAM " -p " + std::to_string(server.endpoint(Protocol::rpc)->port());

  auto [rc, out] = run_command(rpc + " getinfo");
  BOOST_TEST_REQUIRE(rc == 0, out);
  BOOST_TEST(out.starts_with("{\n    \"coin\": \"Bitcoin\",\n    \"daemon\": "));  // indent 4, keys sorted
  const json::value info = json::parse(out);
  BOOST_TEST(info.at("db height") == json::value(101));
  BOOST_TEST(info.at("sessions").at("count") == json::value(1));
  BOOST_TEST(info.at("request counts").at("server.version") == json::value(1));

  std::tie(rc, out) = run_command(rpc + " sessions");
  BOOST_TEST_REQUIRE(rc == 0, out);
  BOOST_TEST(out.starts_with("ID     Flags            Client Proto    Cost"));
  const std::size_t row = out.find('\n') + 1;
  BOOST_TEST(out.substr(row, 13) == "0      T     ");
  BOOST_TEST(out.find(" coinkit-test/1.0   1.4 ", row) != std::string::npos);
  BOOST_TEST(std::count(out.begin(), out.end(), '\n') == 2);

  const Bytes script = n.node.new_script(regtest::AddressType::bech32).value();
  n.node.send({{regtest::Payment{script, 42'000}}}).value();
  n.node.generate(1);
  BOOST_TEST_REQUIRE(eventually([&] { return server.indexer().index().height() == 102; }));
  std::tie(rc, out) = run_command(rpc + " query -l 10 " + to_hex(script));
  BOOST_TEST_REQUIRE(rc == 0, out);
  BOOST_TEST(out.find("History #0: height 102") != std::string::npos);
  BOOST_TEST(out.find("Balance: 0.00042000 BTC") != std::string::npos, out);

  std::tie(rc, out) = run_command("RPC_PORT=" + std::to_string(server.endpoint(Protocol::rpc)->port()) + " " +
                                  COINKIT_RPC_PROGRAM " groups");
  BOOST_TEST(rc == 0);
  BOOST_TEST(out.starts_with("Name            Sessions"));
  BOOST_TEST(run_command(rpc + " no_such_command 2>/dev/null").first == 2);
  std::tie(rc, out) = run_command(rpc + " add_peer 'a.example.org s50002'");
  BOOST_TEST(rc == 0);
  BOOST_TEST(out == "\"peer 'a.example.org s50002' added\"\n");
  std::tie(rc, out) = run_command(rpc + " peers");  // ElectrumX's table: the peer, not reached (no DNS here)
  BOOST_TEST(rc == 0);
  BOOST_TEST(out.starts_with("Host "), out);
  BOOST_TEST(out.find("\na.example.org ") != std::string::npos, out);
  BOOST_TEST(out.find(" 50002 ") != std::string::npos, out);
  std::tie(rc, out) = run_command(COINKIT_RPC_PROGRAM " -p 1 getinfo");
  BOOST_TEST(rc == 1);
  BOOST_TEST(out == "cannot connect - is the server not running, or is 1 the wrong RPC port?\n");

  std::tie(rc, out) = run_command(rpc + " stop");
  BOOST_TEST(rc == 0);
  BOOST_TEST(out == "\"stopping\"\n");
  BOOST_TEST(!server.wait().has_value());
  server.stop();
}
#endif

BOOST_AUTO_TEST_SUITE_END()
