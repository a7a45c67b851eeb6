#include <coinkit/node/node_client.hpp>

#include <coinkit/chain/transaction.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/net/http_server.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_server.hpp>

#include "support/free_port.hpp"
#include "support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace coinkit;
using namespace coinkit::node;
namespace json = boost::json;
namespace utf = boost::unit_test;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr std::chrono::seconds test_timeout{5};

using coinkit::test::TempDir;

using coinkit::test::free_port;

regtest::RpcServerOptions login_options(bool rest = true) {
  regtest::RpcServerOptions o;
  o.user = "alice";
  o.password = "secret";
  o.rest = rest;
  o.auth_failure_delay = milliseconds(100);
  return o;
}

// The regtest node served by RpcServer on its own io thread; the server can be stopped and started
// again on the same port (bitcoind going down and coming back) while the chain stays.
class ServedNode {
 public:
  explicit ServedNode(regtest::RpcServerOptions options = login_options()) : options_(std::move(options)) {}
  ~ServedNode() { stop(); }

  // Serves on `port` (0: the OS picks; later starts reuse the port first chosen).
  ServedNode& start(std::uint16_t port = 0) {
    if (port == 0) port = port_;
    options_.endpoint.port(port);
    io_ = std::make_unique<boost::asio::io_context>();
    server_ = std::make_unique<regtest::RpcServer>(io_->get_executor(), node_, options_);
    server_->start();
    port_ = server_->local_endpoint().port();
    thread_ = std::thread([io = io_.get()] { io->run(); });
    return *this;
  }

  void stop() {
    if (!thread_.joinable()) return;
    boost::asio::post(*io_, [this] {
      server_->stop();
      io_->stop();
    });
    thread_.join();
    server_.reset();
    io_.reset();
  }

  NodeOptions client_options() const {
    NodeOptions o;
    o.port = port_;
    o.user = options_.user;
    o.password = options_.password;
    o.timeout = test_timeout;
    return o;
  }

  regtest::Node<BtcPolicy>& node() { return node_; }
  regtest::RpcServer& server() { return *server_; }
  std::uint16_t port() const { return port_; }

 private:
  regtest::Node<BtcPolicy> node_;
  regtest::RpcServerOptions options_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<regtest::RpcServer> server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

// A plain HTTP server answering every request with `body`: not a node at all.
class GarbageServer {
 public:
  GarbageServer(std::string body, std::string content_type)
      : server_(io_.get_executor(),
                [this](net::Request& req) -> net::asio::awaitable<net::Response> {
                  co_return net::make_response(req, net::http::status::ok, body_, content_type_);
                }),
        body_(std::move(body)),
        content_type_(std::move(content_type)) {
    server_.listen({boost::asio::ip::make_address("127.0.0.1"), 0});
    thread_ = std::thread([this] { io_.run(); });
  }
  ~GarbageServer() {
    boost::asio::post(io_, [this] {
      server_.stop();
      io_.stop();
    });
    thread_.join();
  }
  std::uint16_t port() const { return server_.local_endpoint().port(); }

 private:
  boost::asio::io_context io_;
  net::HttpServer server_;
  std::string body_, content_type_;
  std::thread thread_;
};

bool is(const NodeFailure& f, node::error e) { return f.ec == e; }

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// 101 blocks so the faucet can pay, then blocks holding real transactions of every output type.
void grow_chain(regtest::BasicNode& node) {
  node.generate(101);
  node.generate_transactions(60, 20, 3).value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(node_client)

BOOST_AUTO_TEST_CASE(user_password_login, *utf::timeout(30)) {
  ServedNode served;
  served.start();
  served.node().generate(7);
  NodeClient client(served.client_options());
  BOOST_TEST(client.block_count().value() == 7);
  BOOST_TEST(client.call("getblockcount").value() == json::value(7));
  BOOST_TEST(client.block_hash(7).value() == served.node().tip());
  BOOST_TEST(client.network_info().value().at("version") == json::value(regtest::RpcServer::version));
  BOOST_TEST(client.relay_fee().value() == 0.00001);
  BOOST_TEST(client.mempool_info().value().at("size") == json::value(0));
}

// bitcoind's cookie file, read again after the node restarts with a new one.
BOOST_AUTO_TEST_CASE(cookie_login_follows_a_new_cookie, *utf::timeout(30)) {
  TempDir dir;
  regtest::RpcServerOptions o;
  o.datadir = dir.path;
  ServedNode served(o);
  served.start();
  NodeOptions options = served.client_options();
  options.user.clear();
  options.password.clear();
  options.cookie_file = dir.path / "regtest" / ".cookie";
  NodeClient client(options);
  BOOST_TEST(client.block_count().value() == 0);

  const auto first_cookie = served.server().cookie_file();
  served.stop();
  BOOST_TEST(!std::filesystem::exists(first_cookie));
  auto down = client.block_count();
  BOOST_REQUIRE(!down);
  BOOST_TEST(is(down.error(), node::error::unreachable));
  BOOST_TEST(down.error().transient());

  served.start();  // a new random cookie, same port
  served.node().generate(2);
  BOOST_TEST(client.block_count().value() == 2);
}

// A cookie read just before bitcoind (restarted after a crash) wrote its new one: the refusal
// makes the client read the file again, and a changed cookie gets one more try.
BOOST_AUTO_TEST_CASE(cookie_rewritten_during_a_request, *utf::timeout(30)) {
  TempDir dir;
  regtest::RpcServerOptions o;
  o.datadir = dir.path / "node";
  o.auth_failure_delay = milliseconds(400);
  ServedNode served(o);
  served.start();
  const auto write = [](const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; };
  std::string good;
  std::getline(std::ifstream(served.server().cookie_file()), good);
  const auto ours = dir.path / "cookie";  // a copy we control
  write(ours, "__cookie__:" + std::string(64, '0') + "\n");

  NodeOptions options = served.client_options();
  options.user.clear();
  options.password.clear();
  options.cookie_file = ours;
  NodeClient client(options);
  auto stale = client.block_count();  // the file does not change: refused for good
  BOOST_REQUIRE(!stale);
  BOOST_TEST(is(stale.error(), node::error::auth_failed));
  BOOST_TEST(stale.error().message.find(ours.string()) != std::string::npos, stale.error().message);

  auto pending = std::async(std::launch::async, [&] { return client.block_count(); });
  std::this_thread::sleep_for(milliseconds(100));  // the request waits out the node's 400 ms refusal
  write(ours, good + "\n");
  BOOST_TEST(pending.get().value() == 0);
}

// Wrong credentials are fatal and reported at once: with_retry does not wait on them.
BOOST_AUTO_TEST_CASE(wrong_password_fails_fast, *utf::timeout(30)) {
  ServedNode served;
  served.start();
  NodeOptions options = served.client_options();
  options.password = "not the password";
  NodeClient client(options);
  std::atomic<bool> stop{false};
  std::size_t retries = 0;
  const auto t0 = Clock::now();
  auto r = with_retry([&] { return client.block_count(); }, stop,
                      [&](const NodeFailure&, std::size_t, milliseconds) { ++retries; });
  BOOST_REQUIRE(!r);
  BOOST_TEST(is(r.error(), node::error::auth_failed));
  BOOST_TEST(!r.error().transient());
  BOOST_TEST(retries == 0u);
  BOOST_TEST(seconds_since(t0) < 2.0);
  BOOST_TEST(r.error().describe().find("user 'alice'") != std::string::npos, r.error().describe());
  BOOST_CHECK_THROW(client.block_count().value(), system_error);
}

// REST binary and getblock hex give the same bytes, and they are the node's own.
BOOST_AUTO_TEST_CASE(rest_and_getblock_give_the_node_bytes, *utf::timeout(60)) {
  ServedNode with_rest;
  grow_chain(with_rest.node());
  with_rest.start();
  regtest::BasicNode& node = with_rest.node();

  NodeClient rest(with_rest.client_options());
  NodeOptions rpc_only = with_rest.client_options();
  rpc_only.use_rest = false;
  NodeClient rpc(rpc_only);
  BOOST_TEST(!rest.rest_available().has_value());

  std::vector<BlockHash> hashes;
  std::size_t with_many_txs = 0;
  for (int h = 0; h <= node.height(); ++h) {
    const BlockHash hash = node.block_hash(h).value();
    hashes.push_back(hash);
    const regtest::BlockInfo info = node.block(hash).value();
    const Bytes over_rest = rest.block(hash).value();
    const Bytes over_rpc = rpc.block(hash).value();
    BOOST_TEST_REQUIRE(equal(over_rest, *info.raw), "height " << h);
    BOOST_TEST_REQUIRE(equal(over_rpc, *info.raw), "height " << h);
    with_many_txs += info.tx_count > 10;
  }
  BOOST_TEST(with_many_txs >= 3u);
  BOOST_TEST(rest.rest_available().value_or(false));
  BOOST_TEST(!rpc.rest_available().has_value());

  // Many at once: REST one by one, getblock as one batch; blocks expected to be small as one
  // getblock batch even over REST.
  const auto all_rest = rest.blocks(hashes).value();
  const auto all_rpc = rpc.blocks(hashes).value();
  const auto all_small = rest.blocks(hashes, 300).value();
  BOOST_REQUIRE_EQUAL(all_rest.size(), hashes.size());
  BOOST_REQUIRE_EQUAL(all_rpc.size(), hashes.size());
  BOOST_REQUIRE_EQUAL(all_small.size(), hashes.size());
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    BOOST_TEST_REQUIRE(equal(all_rest[i], *node.block(hashes[i]).value().raw));
    BOOST_TEST_REQUIRE(equal(all_rpc[i], all_rest[i]));
    BOOST_TEST_REQUIRE(equal(all_small[i], all_rest[i]));
  }
}

// A node without -rest: the client finds out once and uses getblock.
BOOST_AUTO_TEST_CASE(without_rest_falls_back_to_getblock, *utf::timeout(30)) {
  ServedNode served(login_options(false));
  served.node().generate(3);
  served.start();
  NodeClient client(served.client_options());
  for (int h = 0; h <= 3; ++h) {
    const BlockHash hash = served.node().block_hash(h).value();
    BOOST_TEST(equal(client.block(hash).value(), *served.node().block(hash).value().raw));
  }
  BOOST_TEST(!client.rest_available().value_or(true));
}

BOOST_AUTO_TEST_CASE(batch_of_many_getblockhash, *utf::timeout(30)) {
  ServedNode served;
  served.node().generate(500);
  served.start();
  NodeClient client(served.client_options());
  const auto hashes = client.block_hashes(0, 501).value();
  BOOST_REQUIRE_EQUAL(hashes.size(), 501u);
  for (int h = 0; h <= 500; ++h) BOOST_TEST_REQUIRE(hashes[h] == served.node().block_hash(h).value());
  BOOST_TEST(client.block_hashes(10, 0).value().empty());

  // Past the tip: bitcoind's -8 for that call.
  auto past = client.block_hashes(499, 3);
  BOOST_REQUIRE(!past);
  BOOST_TEST(past.error().rpc_code == -8);
  BOOST_TEST(past.error().message == "Block height out of range");

  // The generic batch: every reply matched to its call, errors per call.
  std::vector<RpcCall> calls;
  for (int h = 0; h <= 502; ++h) calls.push_back({"getblockhash", {h}});
  calls.push_back({"nosuchmethod", {}});
  auto replies = client.batch(calls).value();
  BOOST_REQUIRE_EQUAL(replies.size(), calls.size());
  for (int h = 0; h <= 500; ++h)
    BOOST_TEST_REQUIRE(replies[h].value() == json::value(served.node().block_hash(h).value().to_hex()));
  for (int h = 501; h <= 502; ++h) {
    BOOST_REQUIRE(!replies[h]);
    BOOST_TEST(replies[h].error().rpc_code == -8);
  }
  BOOST_REQUIRE(!replies.back());
  BOOST_TEST(replies.back().error().rpc_code == -32601);
  BOOST_TEST(replies.back().error().message == "Method not found");
  BOOST_TEST(client.batch({}).value().empty());
}

// bitcoind's errors come through with their code and message, over REST and over RPC.
BOOST_AUTO_TEST_CASE(rpc_errors_keep_the_node_code_and_message, *utf::timeout(30)) {
  ServedNode served;
  served.start();
  const BlockHash unknown = BlockHash::from_hex("00000000000000000000000000000000000000000000000000000000deadbeef");
  for (bool use_rest : {true, false}) {
    BOOST_TEST_CONTEXT("use_rest " << use_rest) {
      NodeOptions o = served.client_options();
      o.use_rest = use_rest;
      NodeClient client(o);
      auto b = client.block(unknown);
      BOOST_REQUIRE(!b);
      BOOST_TEST(is(b.error(), node::error::rpc_error));
      BOOST_TEST(b.error().rpc_code == -5);
      BOOST_TEST(b.error().message == "Block not found");
      BOOST_TEST(!b.error().transient());
      BOOST_TEST(b.error().describe() == "the node returned an error: -5 Block not found");
      BOOST_TEST(b.error().rpc_error() == (json::object{{"code", -5}, {"message", "Block not found"}}));
      auto many = client.blocks(std::vector<BlockHash>{served.node().tip(), unknown});
      BOOST_REQUIRE(!many);
      BOOST_TEST(many.error().rpc_code == -5);
      // The client still works afterwards (REST stays on: the block really is unknown).
      BOOST_TEST(
          equal(client.block(served.node().tip()).value(), *served.node().block(served.node().tip()).value().raw));
      if (use_rest) BOOST_TEST(client.rest_available().value_or(false));
    }
  }
  NodeClient client(served.client_options());
  auto bad_hash = client.call("getblock", {"zz"});
  BOOST_REQUIRE(!bad_hash);
  BOOST_TEST(bad_hash.error().rpc_code == -8);
  BOOST_TEST(bad_hash.error().message == "blockhash must be of length 64 (not 2, for 'zz')");
  auto unknown_method = client.call("nosuchmethod");  // HTTP 404 with a JSON-RPC body
  BOOST_REQUIRE(!unknown_method);
  BOOST_TEST(unknown_method.error().rpc_code == -32601);
}

// The node is not up yet: with_retry keeps trying with back-off until it is.
BOOST_AUTO_TEST_CASE(node_down_at_start, *utf::timeout(30)) {
  const std::uint16_t port = free_port();
  ServedNode served;
  served.node().generate(3);
  NodeOptions options = served.client_options();
  options.port = port;
  NodeClient client(options);

  auto down = client.block_count();
  BOOST_REQUIRE(!down);
  BOOST_TEST(is(down.error(), node::error::unreachable));
  BOOST_TEST(down.error().message.find("127.0.0.1:" + std::to_string(port)) != std::string::npos, down.error().message);

  std::atomic<bool> stop{false};
  std::vector<milliseconds> delays;
  const auto t0 = Clock::now();
  auto waiting = std::async(std::launch::async, [&] {
    return with_retry([&] { return client.block_count(); }, stop,
                      [&](const NodeFailure& f, std::size_t, milliseconds delay) {
                        BOOST_CHECK(is(f, node::error::unreachable));
                        delays.push_back(delay);
                      });
  });
  std::this_thread::sleep_for(milliseconds(900));
  BOOST_TEST((waiting.wait_for(milliseconds(0)) == std::future_status::timeout));
  served.start(port);
  const auto r = waiting.get();
  BOOST_TEST(r.value() == 3);
  BOOST_TEST(seconds_since(t0) < 5.0);
  // 0.25 s, 0.5 s, then the server was up within the 1 s wait.
  BOOST_REQUIRE_GE(delays.size(), 2u);
  BOOST_TEST(delays[0] == milliseconds(250));
  BOOST_TEST(delays[1] == milliseconds(500));

  // A stop request ends the wait early.
  served.stop();
  const auto t1 = Clock::now();
  auto stopping =
      std::async(std::launch::async, [&] { return with_retry([&] { return client.block_count(); }, stop); });
  std::this_thread::sleep_for(milliseconds(300));
  stop = true;
  const auto stopped = stopping.get();
  BOOST_REQUIRE(!stopped);
  BOOST_TEST(is(stopped.error(), node::error::unreachable));
  BOOST_TEST(seconds_since(t1) < 1.5);
}

// The node goes away while connections are kept alive, then comes back on the same port.
BOOST_AUTO_TEST_CASE(node_killed_mid_use, *utf::timeout(30)) {
  ServedNode served;
  served.node().generate(5);
  served.start();
  NodeOptions options = served.client_options();
  options.connections = 2;
  NodeClient client(options);
  BOOST_TEST(client.block_count().value() == 5);
  BOOST_TEST(client.block(served.node().tip()).has_value());

  served.stop();
  for (int i = 0; i < 3; ++i) {
    auto r = client.block_count();
    BOOST_REQUIRE(!r);
    BOOST_TEST(is(r.error(), node::error::unreachable));
    auto b = client.block(served.node().tip());
    BOOST_REQUIRE(!b);
    BOOST_TEST(is(b.error(), node::error::unreachable));
  }

  served.start();
  served.node().generate(1);
  BOOST_TEST(client.block_count().value() == 6);
  BOOST_TEST(equal(client.block(served.node().tip()).value(), *served.node().block(served.node().tip()).value().raw));

  // Restarted again while the pool holds kept-alive connections: the first request on each
  // dead one goes out again on a fresh connection, so no call fails.
  served.stop();
  served.start();
  std::atomic<bool> stop{false};
  std::size_t retries = 0;
  auto r = with_retry([&] { return client.block_count(); }, stop,
                      [&](const NodeFailure&, std::size_t, milliseconds) { ++retries; });
  BOOST_TEST(r.value() == 6);
  BOOST_TEST(retries == 0u);
}

BOOST_AUTO_TEST_CASE(genesis_mismatch, *utf::timeout(30)) {
  ServedNode served;
  served.start();
  NodeClient client(served.client_options());
  const BlockHash regtest_genesis = BtcPolicy::networks[2].genesis_hash;
  const BlockHash mainnet_genesis = BtcPolicy::networks[0].genesis_hash;
  BOOST_TEST(served.node().block_hash(0).value() == regtest_genesis);
  BOOST_TEST(client.check_genesis(regtest_genesis).has_value());
  auto wrong = client.check_genesis(mainnet_genesis);
  BOOST_REQUIRE(!wrong);
  BOOST_TEST(is(wrong.error(), node::error::wrong_network));
  BOOST_TEST(!wrong.error().transient());
  const std::string text = wrong.error().describe();
  BOOST_TEST(text.find(regtest_genesis.to_hex()) != std::string::npos, text);
  BOOST_TEST(text.find(mainnet_genesis.to_hex()) != std::string::npos, text);
}

// Mempool, transactions and fees.
BOOST_AUTO_TEST_CASE(transactions_and_mempool, *utf::timeout(60)) {
  ServedNode served;
  regtest::BasicNode& node = served.node();
  grow_chain(node);
  std::vector<Txid> sent;
  for (int i = 0; i < 5; ++i) sent.push_back(node.send_to_address(node.get_new_address().value(), 100'000).value());
  served.start();
  NodeClient client(served.client_options());

  const auto mempool = client.raw_mempool().value();
  BOOST_TEST(std::set<Txid>(mempool.begin(), mempool.end()) == std::set<Txid>(sent.begin(), sent.end()));
  BOOST_TEST(client.mempool_info().value().at("size") == json::value(5));

  // Confirmed and unconfirmed transactions, and one the node does not know.
  std::vector<Txid> wanted = sent;
  const regtest::BlockInfo tip = node.block(node.tip()).value();
  const Block tip_block = Block::parse(*tip.raw);
  for (const Transaction& tx : tip_block.transactions) wanted.push_back(tx.txid());
  const Txid unknown = Txid::from_hex("00000000000000000000000000000000000000000000000000000000000000aa");
  wanted.insert(wanted.begin() + 2, unknown);
  const auto raws = client.raw_transactions(wanted).value();
  BOOST_REQUIRE_EQUAL(raws.size(), wanted.size());
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (wanted[i] == unknown) {
      BOOST_REQUIRE(!raws[i]);
      BOOST_TEST(raws[i].error().rpc_code == -5);
      continue;
    }
    BOOST_TEST_REQUIRE(equal(raws[i].value(), node.transaction(wanted[i]).value().tx.serialize()));
  }
  BOOST_TEST(client.raw_transactions({}).value().empty());

  const json::value verbose = client.raw_transaction(sent[0], true).value();
  BOOST_TEST(verbose.at("txid") == json::value(sent[0].to_hex()));
  const json::value hex = client.raw_transaction(sent[0], false).value();
  BOOST_TEST(hex == json::value(to_hex(node.transaction(sent[0]).value().tx.serialize())));

  // A signed payment the node has not seen: sendrawtransaction returns its txid.
  regtest::SendOptions unsent;
  unsent.submit = false;
  const regtest::Payment pay{node.new_script(regtest::AddressType::bech32).value(), 50'000};
  const Transaction tx = node.send(std::span<const regtest::Payment>(&pay, 1), unsent).value();
  BOOST_TEST(client.send_raw_transaction(to_hex(tx.serialize())).value() == tx.txid());
  auto rejected = client.send_raw_transaction("00");
  BOOST_REQUIRE(!rejected);
  BOOST_TEST(rejected.error().rpc_code == -22);

  // estimatesmartfee: no data on a fresh chain section gives nullopt; with blocks of paid
  // transactions, a rate in BTC/kvB that matches the node's own estimate.
  const auto estimate = client.estimate_smart_fee(2, "ECONOMICAL").value();
  const auto expected = node.estimate_fee_sat_per_kvb(2);
  BOOST_TEST(estimate.has_value() == expected.has_value());
  if (estimate && expected)
    BOOST_TEST(*estimate == static_cast<double>(std::max(*expected, std::int64_t{1000})) / 1e8,
               boost::test_tools::tolerance(1e-12));
  auto bad_mode = client.estimate_smart_fee(2, "sometimes");
  BOOST_REQUIRE(!bad_mode);
  BOOST_TEST(bad_mode.error().rpc_code == -8);
}

BOOST_AUTO_TEST_CASE(estimate_without_data_is_nullopt, *utf::timeout(30)) {
  ServedNode served;
  served.start();
  NodeClient client(served.client_options());
  BOOST_TEST(!client.estimate_smart_fee(6).value().has_value());
}

// Four threads share a client of two connections.
BOOST_AUTO_TEST_CASE(concurrent_calls_from_four_threads, *utf::timeout(60)) {
  ServedNode served;
  grow_chain(served.node());
  served.start();
  NodeOptions options = served.client_options();
  options.connections = 2;
  NodeClient client(options);
  regtest::BasicNode& node = served.node();
  const int height = node.height();
  std::atomic<int> failures{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const int h = (t * 37 + i * 11) % (height + 1);
        const BlockHash expected = node.block_hash(h).value();
        bool ok = false;
        switch ((t + i) % 4) {
          case 0: {
            auto got = client.block_hash(h);
            ok = got && *got == expected;
            break;
          }
          case 1: {
            auto b = client.block(expected);
            ok = b && equal(*b, *node.block(expected).value().raw);
            break;
          }
          case 2: {
            auto hs = client.block_hashes(h, std::min(20, height + 1 - h));
            ok = hs && !hs->empty() && hs->front() == expected;
            break;
          }
          default: {
            auto c = client.block_count();
            ok = c && *c == height;
          }
        }
        if (!ok) ++failures;
        ++done;
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(done.load() == 160);
  BOOST_TEST(failures.load() == 0);
}

// Something that answers HTTP but not JSON-RPC.
BOOST_AUTO_TEST_CASE(a_reply_that_is_not_json_rpc, *utf::timeout(30)) {
  const BlockHash some = BtcPolicy::networks[2].genesis_hash;
  {
    GarbageServer garbage("<html><body>It works!</body></html>", "text/html");
    NodeOptions o;
    o.port = garbage.port();
    o.user = "u";
    o.password = "p";
    o.timeout = test_timeout;
    o.use_rest = false;
    NodeClient client(o);
    auto r = client.block_count();
    BOOST_REQUIRE(!r);
    BOOST_TEST(is(r.error(), node::error::bad_reply));
    BOOST_TEST(!r.error().transient());
    BOOST_TEST(r.error().message.find("It works!") != std::string::npos, r.error().message);
    auto b = client.block(some);
    BOOST_REQUIRE(!b);
    BOOST_TEST(is(b.error(), node::error::bad_reply));
    auto h = client.block_hashes(0, 3);
    BOOST_REQUIRE(!h);
    BOOST_TEST(is(h.error(), node::error::bad_reply));
    auto batch = client.batch(std::vector<RpcCall>{{"getblockcount", {}}});
    BOOST_REQUIRE(!batch);
    BOOST_TEST(is(batch.error(), node::error::bad_reply));
  }
  {
    GarbageServer json_not_rpc("[1,2,3]", "application/json");  // JSON, but no JSON-RPC reply
    NodeOptions o;
    o.port = json_not_rpc.port();
    o.timeout = test_timeout;
    NodeClient client(o);
    auto r = client.call("getblockcount");
    BOOST_REQUIRE(!r);
    BOOST_TEST(is(r.error(), node::error::bad_reply));
    auto b = client.block(some);  // "REST" answers 200 but not as octet-stream: getblock, also [1,2,3]
    BOOST_REQUIRE(!b);
    BOOST_TEST(is(b.error(), node::error::bad_reply));
  }
}

BOOST_AUTO_TEST_SUITE_END()
