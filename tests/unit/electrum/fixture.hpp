// Electrum server test fixtures: a regtest node behind bitcoind's RPC, an index that follows it,
// and an Electrum server over both on 127.0.0.1, on every transport (ports the OS picks).
#pragma once

#include <coinkit/coins/btc.hpp>
#include <coinkit/electrum/electrum_service.hpp>
#include <coinkit/electrum/query.hpp>
#include <coinkit/electrum/server_core.hpp>
#include <coinkit/indexer/block_processor.hpp>
#include <coinkit/indexer/prepared_block.hpp>
#include <coinkit/indexer/storage/memory_storage.hpp>
#include <coinkit/node/node_client.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_server.hpp>

#include "clients.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace coinkit::test {

inline const Network& regtest_network() { return *find_network<BtcPolicy>(NetworkId::regtest); }

// The index of a regtest node, brought up to date by sync(): what the indexer does in a program.
class ChainFollower {
 public:
  using Index = indexer::Index<indexer::MemoryStorage>;

  explicit ChainFollower(regtest::Node<BtcPolicy>& node)
      : node_(node), processor_(index_, {regtest_network().genesis_hash, std::size_t{1} << 30, 200}) {
    processor_.open().value();
    processor_.track_touched(true);
  }

  Index& index() noexcept { return index_; }
  void on_event(std::function<void(electrum::ChainEvent)> f) { notify_ = std::move(f); }
  void request_reorg(int blocks) { reorg_ += blocks; }

  // Blocks (backing out a replaced tip first), then the mempool; then one event.
  void sync() {
    std::vector<indexer::HashX> touched;
    bool reorg = false;
    for (int undo = reorg_.exchange(0); undo > 0 && processor_.height() > 0; --undo) {
      processor_.undo_tip().value();
      reorg = true;
    }
    while (processor_.height() >= 0) {
      auto h = node_.block_hash(processor_.height());
      if (h && *h == processor_.tip()) break;
      processor_.undo_tip().value();
      reorg = true;
    }
    for (int h = processor_.height() + 1; h <= node_.height(); ++h) {
      auto raw = node_.block(node_.block_hash(h).value()).value().raw;
      processor_.apply(indexer::prepare_block(*raw, h, tx_with_witness).value(), true).value();
    }
    processor_.flush(true).value();
    for (const auto& hx : processor_.take_touched()) touched.push_back(hx);
    if (reorg)
      for (const auto& hx : mempool_.clear()) touched.push_back(hx);
    const auto txids = node_.mempool_txids();
    auto fetch = [&](std::span<const Txid> ids) {
      std::vector<std::optional<Bytes>> out;
      for (const Txid& t : ids) {
        auto found = node_.transaction(t);
        out.push_back(found ? std::optional<Bytes>(found->tx.serialize()) : std::nullopt);
      }
      return out;
    };
    for (const auto& hx : mempool_.refresh(txids, fetch, index_.snapshot())) touched.push_back(hx);
    if (notify_)
      notify_({index_.height(), reorg, std::make_shared<const std::vector<indexer::HashX>>(std::move(touched))});
  }

 private:
  regtest::Node<BtcPolicy>& node_;
  indexer::MemoryStorage storage_{indexer::StorageOptions{}, indexer::tables};
  indexer::Mempool mempool_;
  Index index_{storage_, mempool_};
  indexer::BlockProcessor<indexer::MemoryStorage> processor_;
  std::function<void(electrum::ChainEvent)> notify_;
  std::atomic<int> reorg_{0};
};

// LocalRPC's chain commands, answered from the follower.
class FollowerRpc final : public electrum::LocalRpcBackend {
 public:
  FollowerRpc(ChainFollower& f, regtest::Node<BtcPolicy>& node) : follower_(f), node_(node) {}
  json::object info() override {
    return {{"coin", "Bitcoin"},
            {"daemon", "127.0.0.1"},
            {"daemon height", node_.height()},
            {"db height", follower_.index().height()}};
  }
  electrum::LocalRpcResult query(const std::vector<std::string>& items, std::size_t limit) override {
    json::array lines;
    for (auto& l : electrum::query_lines(follower_.index(), regtest_network(), "BTC", items, limit))
      lines.emplace_back(l);
    return json::value(std::move(lines));
  }
  electrum::LocalRpcResult reorg(int count) override {
    follower_.request_reorg(count);
    return json::value("scheduled a reorg of " + electrum::with_commas(count) + " blocks");
  }
  electrum::LocalRpcResult daemon_url(const std::string&) override {
    return rpc::Fault{rpc::electrumx_code::bad_request, "the test node has one URL"};
  }
  void request_stop() override { stop_requested = true; }
  std::atomic<bool> stop_requested{false};

 private:
  ChainFollower& follower_;
  regtest::Node<BtcPolicy>& node_;
};

// A regtest node (its own, or one shared by several servers), its RPC server, a follower index
// and an Electrum server listening on every transport (tcp, ssl, ws, wss, rpc) on 127.0.0.1 with
// ports the OS picks.
class ElectrumFixture {
 public:
  using Service = electrum::ElectrumService<ChainFollower::Index, node::NodeClient>;

  explicit ElectrumFixture(std::function<void(electrum::ServerConfig&)> tweak = {}, bool serve = true,
                           regtest::Node<BtcPolicy>* shared_node = nullptr)
      : own_node_(shared_node ? nullptr : std::make_unique<regtest::Node<BtcPolicy>>()),
        node(shared_node ? *shared_node : *own_node_) {
    regtest::RpcServerOptions ro;
    ro.user = "user", ro.password = "pass";
    rpc_ = std::make_unique<regtest::RpcServer>(rpc_io_.get_executor(), node, ro);
    rpc_->start();
    rpc_thread_ = std::thread([this] { rpc_io_.run(); });
    node::NodeOptions no;
    no.host = "127.0.0.1", no.port = rpc_->local_endpoint().port(), no.user = "user", no.password = "pass";
    no.timeout = 10s;
    client_ = std::make_unique<node::NodeClient>(no);
    follower_ = std::make_unique<ChainFollower>(node);

    config.coin = "Bitcoin";
    config.network = NetworkId::regtest;
    config.daemon_url = "http://user:pass@127.0.0.1:" + std::to_string(no.port);
    config.node = no;
    config.worker_threads = 2;
    config.services = {{Protocol::tcp, "127.0.0.1", 0},
                       {Protocol::ssl, "127.0.0.1", 0},
                       {Protocol::ws, "127.0.0.1", 0},
                       {Protocol::wss, "127.0.0.1", 0},
                       {Protocol::rpc, "127.0.0.1", 0}};
    config.ssl_certfile = cert.cert, config.ssl_keyfile = cert.key;
    config.log_level = electrum::LogLevel::warning;
    if (tweak) tweak(config);
    log_.set_level(config.log_level);

    if (node.height() < 101) node.generate(101 - node.height());
    follower_->sync();
    service_ = std::make_unique<Service>(follower_->index(), *client_, config, regtest_network());
    backend_ = std::make_unique<FollowerRpc>(*follower_, node);
    core_ = std::make_unique<electrum::ServerCore>(config, *service_, log_, *backend_);
    follower_->on_event([this](electrum::ChainEvent e) { core_->notify(std::move(e)); });
    core_->start();
    if (serve) core_->serve_clients();
  }
  ~ElectrumFixture() {
    core_.reset();  // stops every session first
    rpc_io_.stop();
    rpc_thread_.join();
  }

  unsigned short port(Protocol p) const { return core_->endpoint(p).value().port(); }
  electrum::ServerCore& core() { return *core_; }
  ChainFollower& follower() { return *follower_; }
  FollowerRpc& backend() { return *backend_; }
  electrum::Log& log() { return log_; }
  ChainFollower::Index& index() { return follower_->index(); }
  void sync() { follower_->sync(); }
  // Mines `n` blocks and lets the index follow.
  void mine(int n = 1) {
    node.generate(n);
    sync();
  }

 private:
  std::unique_ptr<regtest::Node<BtcPolicy>> own_node_;

 public:
  regtest::Node<BtcPolicy>& node;
  SelfSignedCert cert;
  electrum::ServerConfig config;

 private:
  asio::io_context rpc_io_;
  std::unique_ptr<regtest::RpcServer> rpc_;
  std::thread rpc_thread_;
  std::unique_ptr<node::NodeClient> client_;
  std::unique_ptr<ChainFollower> follower_;
  electrum::Log log_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<FollowerRpc> backend_;
  std::unique_ptr<electrum::ServerCore> core_;
};

// Log lines of a server, kept for the test to read.
struct LogLines {
  explicit LogLines(electrum::Log& log) : log_(log) {
    log.set_sink([this](electrum::LogLevel, std::string_view component, std::string_view message) {
      std::lock_guard lock(mutex);
      lines.push_back(std::string(component) + ":" + std::string(message));
    });
  }
  bool contains(std::string_view text) {
    std::lock_guard lock(mutex);
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(text) != l.npos; });
  }
  ~LogLines() { log_.set_sink({}); }  // the server may log on after this

  electrum::Log& log_;
  std::mutex mutex;
  std::vector<std::string> lines;
};

// A script the faucet can pay, and its Electrum script hash in display hex.
struct Script {
  Bytes bytes;
  std::string scripthash;
};
inline Script new_script(regtest::Node<BtcPolicy>& node, regtest::AddressType type = regtest::AddressType::bech32) {
  Script s;
  s.bytes = node.new_script(type).value();
  s.scripthash = electrum_scripthash(s.bytes).to_hex();
  return s;
}

}  // namespace coinkit::test
