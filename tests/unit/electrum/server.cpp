#include <coinkit/electrum/server.hpp>

#include "clients.hpp"
#include "support/eventually.hpp"

#include <coinkit/coins/btc.hpp>
#include <coinkit/indexer/storage/memory_storage.hpp>
#include <coinkit/program/program.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_server.hpp>

#include <boost/test/unit_test.hpp>

#include <thread>

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

// The whole stack: regtest node -> bitcoind JSON-RPC -> Indexer -> Electrum server -> client.
BOOST_AUTO_TEST_CASE(follows_the_node_and_notifies_clients) {
  NodeBehindRpc n;
  TempDir db;
  ElectrumServer<BtcPolicy, indexer::MemoryStorage> server(server_config(n, db.path));
  server.start();
  BOOST_TEST_REQUIRE(eventually([&] { return server.serving_clients(); }));
  BOOST_TEST(server.indexer().caught_up());
  Port<decltype(server)> at{server};
  ElectrumClient c(at);
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
    ElectrumClient c(at);
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
  BOOST_CHECK_EXCEPTION(Server::configure(Arguments{"electrum-server", {"--verbose"}}, good), ConfigException,
                        [](const ConfigException& e) { return e.code() == config::error::unexpected_argument; });
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

BOOST_AUTO_TEST_SUITE_END()
