// The whole wallet stack on loopback for the daemon tests: a regtest node behind bitcoind's RPC,
// coinkit's Electrum server indexing it, and Daemon<Coin> following that server (over a socket,
// or on its index in the same process); plus a JSON-RPC caller and what the tests compute from
// the node's own blocks.
#pragma once

#include <coinkit/chain/block.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/daemon/daemon.hpp>
#include <coinkit/electrum/server.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/net/http_client.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_server.hpp>
#include <coinkit/wallet/index_source.hpp>

#include "support/eventually.hpp"
#include "support/free_port.hpp"
#include "support/self_signed_cert.hpp"
#include "support/temp_dir.hpp"
#include "test_daemon.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <type_traits>

namespace coinkit::test {

namespace json = boost::json;

// The regtest vpub of bitcart-wire-examples.md (a segwit seed made by Electrum 4.3.4).
inline constexpr const char* recorded_vpub =
    "vpub5UbgU5E8jii87b3GxqvSrg47jMTv1DBJwUyTwtkDfTVXTcwp1FuM1r9LDxEWDPhEa4Q98SFr8QvA3yJMAqQpxKkWK3sYg8YR9oJopcBe8Eh";

// The node and its RPC server; the Electrum server over them, started (and stopped, and started
// again) on a port chosen once; the daemon following it: through the Electrum protocol, or
// `InProcess` on the server's index (the server then runs as long as the stack).
// `WalletT`: the wallet family's rules (ElectronCashWallet for the BCH daemon).
template <class Coin = BtcPolicy, bool InProcess = false, template <class> class WalletT = ElectrumWallet>
class WalletStack {
 public:
  using Daemon = std::conditional_t<InProcess, coinkit::Daemon<Coin, WalletT, wallet::InProcessSource>,
                                    coinkit::Daemon<Coin, WalletT>>;

  // The Electrum server listens on `electrum_port`; the daemon follows `daemon_server_port` (the
  // same by default; a proxy's in the tests of a lying server).
  // With `tls`, the server's one service is ssl:// with a self-signed certificate.
  explicit WalletStack(bool start_server = true, std::uint16_t electrum_port = free_port(),
                       std::uint16_t daemon_server_port = 0, bool tls = false)
      : electrum_port_(electrum_port), tls_(tls) {
    if (daemon_server_port == 0) daemon_server_port = electrum_port;
    regtest::RpcServerOptions ro;
    ro.user = "user", ro.password = "pass";
    rpc_ = std::make_unique<regtest::RpcServer>(rpc_io_.get_executor(), node, ro);
    rpc_->start();
    rpc_thread_ = std::thread([this] { rpc_io_.run(); });
    node.generate(101);  // a mature coinbase for the faucet
    if (InProcess)
      make_electrum();
    else if (start_server)
      start_electrum();
    env_.set(std::string(Coin::ticker) + "_PORT", "0")
        .set(std::string(Coin::ticker) + "_NETWORK", "regtest")
        .set(std::string(Coin::ticker) + "_SERVER",
             "127.0.0.1:" + std::to_string(daemon_server_port) + (tls ? ":s" : ":t"))
        .set(std::string(Coin::ticker) + "_DATA_PATH", data_.path.string());
    if constexpr (InProcess) {
      daemon = std::make_unique<Daemon>(load_daemon_config<Coin>(env_), DaemonServerOptions{},
                                        server_->indexer().index(), server_->indexer().node());
      server_->on_chain_event(daemon->source().chain_listener());
      run_electrum();
    } else {
      daemon = std::make_unique<Daemon>(load_daemon_config<Coin>(env_));
    }
    run_daemon();
  }

  ~WalletStack() {
    if (InProcess) stop_electrum();  // its notifications go to the daemon's executor: it stops first
    stop_daemon();
    stop_electrum();
    rpc_io_.stop();
    rpc_thread_.join();
    rpc_->stop();
  }

  // Stops the daemon and starts another on the same data directory (a new port), as an
  // operator's restart does.
  // `while_down` runs between the two.
  template <class F = void (*)()>
  void restart_daemon(F while_down = [] {}) {
    static_assert(!InProcess, "the in-process source stays registered with the server");
    stop_daemon();
    while_down();
    daemon = std::make_unique<Daemon>(load_daemon_config<Coin>(env_));
    run_daemon();
  }

  void start_electrum() {
    make_electrum();
    run_electrum();
  }
  void make_electrum() {
    electrum::ServerConfig c;
    c.coin = std::string(Coin::name);
    c.network = NetworkId::regtest;
    c.node = node::parse_daemon_url("user:pass@127.0.0.1:" + std::to_string(rpc_->local_endpoint().port()), 0).value();
    c.db_directory = db_.path;
    c.services = {{tls_ ? electrum::Protocol::ssl : electrum::Protocol::tcp, "127.0.0.1", electrum_port_}};
    if (tls_) {
      if (!cert_) cert_.emplace();
      c.ssl_certfile = cert_->cert, c.ssl_keyfile = cert_->key;
    }
    c.worker_threads = 1;
    c.daemon_poll_interval_blocks = std::chrono::milliseconds(20);
    c.daemon_poll_interval_mempool = std::chrono::milliseconds(20);
    c.log_level = electrum::LogLevel::warning;
    server_ = std::make_unique<ElectrumServer<Coin, LmdbStorage>>(c);
  }
  void run_electrum() {
    server_->start();
    BOOST_TEST_REQUIRE(eventually([&] { return server_->serving_clients(); }));
  }
  void stop_electrum() {
    if (!server_) return;
    server_->stop();
    server_.reset();
  }
  bool electrum_running() const { return server_ != nullptr; }
  std::uint16_t electrum_port() const noexcept { return electrum_port_; }
  std::uint16_t rpc_port() const { return rpc_->local_endpoint().port(); }

  // One JSON-RPC call: the whole reply object.
  json::value call(const std::string& method, json::value params = json::array()) {
    json::object body{{"jsonrpc", "2.0"}, {"id", ++id_}, {"method", method}, {"params", std::move(params)}};
    auto res = http->post("/", json::serialize(body), auth());
    BOOST_TEST_REQUIRE(res.result_int() == 200);
    return json::parse(res.body());
  }
  // The result of a call that must succeed.
  json::value result(const std::string& method, json::value params = json::array()) {
    json::value reply = call(method, std::move(params));
    BOOST_TEST_REQUIRE(reply.as_object().contains("result"), method << ": " << json::serialize(reply));
    return reply.at("result");
  }
  // A wallet call's result, or null when it failed (for conditions polled until they hold).
  json::value try_wallet(const std::string& method, const std::string& xpub, json::object params = {}) {
    params["xpub"] = xpub;
    json::value reply = call(method, std::move(params));
    const auto* result = reply.as_object().if_contains("result");
    return result ? *result : json::value(nullptr);
  }
  // The error ({code, message}) of a wallet call that must fail.
  json::object wallet_error(const std::string& method, const std::string& xpub, json::object params = {}) {
    params["xpub"] = xpub;
    json::value reply = call(method, std::move(params));
    BOOST_TEST_REQUIRE(reply.as_object().contains("error"), method << ": " << json::serialize(reply));
    return reply.at("error").as_object();
  }
  // A wallet call: `params` (an object) with the wallet's xpub.
  json::value wallet(const std::string& method, const std::string& xpub, json::object params = {}) {
    params["xpub"] = xpub;
    return result(method, std::move(params));
  }

  // Mines `n` blocks and waits until the Electrum server has indexed them.
  void mine(int n = 1) {
    node.generate(n);
    wait_indexed();
  }
  void wait_indexed() {
    if (!server_) return;
    BOOST_TEST_REQUIRE(eventually([&] { return server_->indexer().index().height() == node.height(); }));
  }

  regtest::Node<Coin> node;
  std::unique_ptr<Daemon> daemon;
  std::unique_ptr<net::HttpClient> http;

 private:
  void run_daemon() {
    daemon->sync_timeout = std::chrono::seconds(20);
    daemon->start();
    daemon_thread_ = std::thread([this] { daemon->io_context().run(); });
    http = std::make_unique<net::HttpClient>(daemon->local_endpoint().port());
  }
  void stop_daemon() {
    http.reset();
    daemon->stop();
    daemon_thread_.join();
    daemon.reset();
  }

  Environment env_;
  boost::asio::io_context rpc_io_;
  std::unique_ptr<regtest::RpcServer> rpc_;
  std::thread rpc_thread_, daemon_thread_;
  TempDir db_, data_;
  std::uint16_t electrum_port_;
  bool tls_;
  std::optional<SelfSignedCert> cert_;  // made when a TLS server first starts
  std::unique_ptr<ElectrumServer<Coin, LmdbStorage>> server_;
  std::int64_t id_ = 0;
};

// What a wallet owns according to the node's own chain and mempool, for the addresses given:
// unspent outputs (txid:vout -> value, height), computed from every block and mempool entry.
struct ExpectedCoin {
  std::int64_t value = 0;
  int height = 0;  // 0 in the mempool, -1 there with an unconfirmed parent
};

template <class Node>
std::map<std::string, ExpectedCoin> expected_coins(const Node& node, const std::vector<Bytes>& scripts) {
  std::map<std::string, ExpectedCoin> coins;
  auto ours = [&](const Bytes& s) { return std::find(scripts.begin(), scripts.end(), s) != scripts.end(); };
  auto add = [&](const Transaction& tx, int height) {
    for (std::uint32_t n = 0; n < tx.outputs().size(); ++n)
      if (ours(tx.outputs()[n].script_pubkey))
        coins[tx.txid().to_hex() + ":" + std::to_string(n)] = {tx.outputs()[n].value, height};
  };
  auto spend = [&](const Transaction& tx) {
    for (const TxIn& in : tx.inputs()) coins.erase(in.prevout.txid.to_hex() + ":" + std::to_string(in.prevout.index));
  };
  // A block's outputs before its spends: under Bitcoin Cash's canonical order a child may come
  // before its parent.
  for (int h = 1; h <= node.height(); ++h) {
    const auto info = node.block(node.block_hash(h).value()).value();
    const auto txs = Block::parse(*info.raw).transactions;
    for (const Transaction& tx : txs) add(tx, h);
    for (const Transaction& tx : txs) spend(tx);
  }
  // In the mempool: height 0, or -1 with an unconfirmed parent (the Electrum protocol's heights).
  std::set<Txid> in_mempool;
  for (const auto& e : node.mempool_entries()) in_mempool.insert(e.txid);
  std::vector<Transaction> pool;
  for (const auto& e : node.mempool_entries()) pool.push_back(node.transaction(e.txid).value().tx);
  for (const Transaction& tx : pool) {
    const bool unconfirmed_parent = std::any_of(tx.inputs().begin(), tx.inputs().end(),
                                                [&](const TxIn& in) { return in_mempool.contains(in.prevout.txid); });
    add(tx, unconfirmed_parent ? -1 : 0);
  }
  for (const Transaction& tx : pool) spend(tx);
  return coins;
}

}  // namespace coinkit::test
