// ElectrumServer<Coin, Storage, Cache>: an Electrum protocol server for one coin: an Indexer
// following the node, the protocol's methods over it, and the ServerCore's listeners; clients
// are served once the index has caught up, LocalRPC at once. A coinkit::Program:
//   int main() { return coinkit::run<coinkit::ElectrumServer<coinkit::BtcPolicy, coinkit::LmdbStorage>>(); }
#pragma once

#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/electrum/config.hpp>
#include <coinkit/electrum/electrum_service.hpp>
#include <coinkit/electrum/log.hpp>
#include <coinkit/electrum/query.hpp>
#include <coinkit/electrum/server_core.hpp>
#include <coinkit/electrum/server_fwd.hpp>
#include <coinkit/indexer/flat_cache.hpp>
#include <coinkit/indexer/indexer.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/node/node_client.hpp>
#include <coinkit/program/arguments.hpp>

#include <boost/json/object.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace coinkit::electrum {

template <CoinPolicy Coin, class S, class Cache>
class Server final : private LocalRpcBackend {
  static_assert(indexer::Storage<S>, "S must model coinkit::indexer::Storage");

 public:
  using Indexer = indexer::Indexer<Coin, S, Cache>;
  using Service = ElectrumService<indexer::Index<S>, node::NodeClient>;

  using Options = ServerConfig;

  static std::string usage(std::string_view program) {
    return "usage: " + std::string(program) + "\n\nAn Electrum protocol server (1.4 to 1.6) for " +
           std::string(Coin::name) +
           ", configured by environment variables as ElectrumX is:\n"
           "  DAEMON_URL       the node's JSON-RPC: http://user:password@host:port (required)\n"
           "  DB_DIRECTORY     where the index lives (required)\n"
           "  COIN, NET        the coin and its network (mainnet, testnet, regtest, signet)\n"
           "  SERVICES         listeners: tcp://:50001,ssl://:50002,ws://:50003,wss://:50004,rpc://,\n"
           "                   http://:8080 (GET /metrics, Prometheus)\n"
           "  SSL_CERTFILE, SSL_KEYFILE   PEM files for ssl:// and wss://\n"
           "  MAX_SESSIONS, MAX_SEND, MAX_RECV, COST_SOFT_LIMIT, COST_HARD_LIMIT, SESSION_TIMEOUT, ...\n"
           "docs/configuration.md lists every variable.\n";
  }

  // ElectrumX's variables; no arguments. Refuses to run as root unless ALLOW_ROOT is set.
  static ServerConfig configure(const Arguments& args, const Environment& env) {
    reject_arguments(args);
    ServerConfig c = load_server_config<Coin>(env).value();
    if (::geteuid() == 0 && !c.allow_root)
      throw std::runtime_error("refusing to run as root (set ALLOW_ROOT to allow it)");
    return c;
  }

  // The indexer's settings from the server's (DB_DIRECTORY, DAEMON_URL, CACHE_MB, ...).
  static indexer::IndexerOptions indexer_options(const ServerConfig& c) {
    indexer::IndexerOptions o;
    o.db_dir = c.db_directory;
    o.network = c.network;
    o.node = c.node;
    o.cache_mb = c.cache_mb;
    o.reorg_limit = c.reorg_limit;
    o.block_poll = c.daemon_poll_interval_blocks;
    o.mempool_poll = c.daemon_poll_interval_mempool;
    return o;
  }

  explicit Server(ServerConfig config) : Server(config, indexer_options(config)) {}

  // Throws ConfigException (a TLS certificate or key OpenSSL refuses).
  Server(ServerConfig config, indexer::IndexerOptions options)
      : config_(std::move(config)), log_(config_.log_level), network_(*network_of(config_)) {
    if (!options.log) options.log = [this](const std::string& line) { log_.info("Indexer", line); };
    indexer_ = std::make_unique<Indexer>(std::move(options));
    service_ = std::make_unique<Service>(indexer_->index(), indexer_->node(), config_, network_);
    core_ = std::make_unique<ServerCore>(config_, *service_, log_, static_cast<LocalRpcBackend&>(*this));
    indexer_->on_notify([this](const indexer::Notification& n) {
      core_->notify(ChainEvent{n.height, n.reorg, std::make_shared<const std::vector<indexer::HashX>>(n.touched)});
      for (const auto& f : chain_listeners_) f(n);
    });
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server() override { stop(); }

  // Opens the index, starts following the node and serving LocalRPC; the client services open
  // once the index has caught up. Throws on a database of another coin or a port in use.
  void start() {
    core_->start();
    indexer_->start();
    starter_ = std::thread([this] {
      while (!stopping_) {
        if (indexer_->wait_caught_up(std::chrono::milliseconds(200))) {
          try {
            core_->serve_clients();
            log_.info("ElectrumServer",
                      "index caught up at height " + std::to_string(indexer_->index().height()) + ": serving clients");
          } catch (const std::exception& e) {
            finish("cannot listen: " + std::string(e.what()));
          }
          return;
        }
        if (auto f = indexer_->failure()) return finish("indexer: " + *f);
      }
    });
  }

  // Until stop(), LocalRPC "stop", request_stop() or a fault; the fault's text, if any.
  std::optional<std::string> wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return stop_requested_; });
    return failure_;
  }
  // From any thread (a signal watcher): wait() returns.
  void request_stop() override { finish({}); }

  // Stops everything; idempotent.
  void stop() {
    if (stopping_.exchange(true)) return;
    log_.info("ElectrumServer", "shutting down");
    if (starter_.joinable()) starter_.join();
    indexer_->stop();  // no notification arrives after this
    core_->stop();
    finish({});
    log_.info("ElectrumServer", "shutdown complete at height " + with_commas(indexer_->index().height()));
  }

  // Tells `f` too of every change the indexer reports, on the indexer's thread (from the
  // catch-up on, the first one announcing the tip): a wallet daemon of the same program follows
  // the index through this (wallet::IndexSource). Before start().
  void on_chain_event(std::function<void(const indexer::Notification&)> f) { chain_listeners_.push_back(std::move(f)); }

  bool serving_clients() const noexcept { return core_->serving_clients(); }
  std::optional<boost::asio::ip::tcp::endpoint> endpoint(Protocol p) const { return core_->endpoint(p); }
  std::vector<Listening> listening() const { return core_->listening(); }
  Indexer& indexer() noexcept { return *indexer_; }
  ServerCore& core() noexcept { return *core_; }
  const ServerConfig& config() const noexcept { return config_; }
  Log& log() noexcept { return log_; }

 private:
  static const Network* network_of(const ServerConfig& c) {
    const Network* n = find_network<Coin>(c.network);
    if (!n) throw ConfigException({config::error::unknown_network, "NET", std::string(to_string(c.network)), ""});
    return n;
  }

  void finish(std::optional<std::string> failure) {
    std::lock_guard lock(mutex_);
    if (failure && !failure_) {
      failure_ = failure;
      log_.error("ElectrumServer", *failure);
    }
    stop_requested_ = true;
    cv_.notify_all();
  }

  // --- LocalRPC --------------------------------------------------------------------------------
  boost::json::object info() override {
    return {{"coin", std::string(Coin::name)},
            {"daemon", indexer_->node().address() + "/"},
            {"daemon height", indexer_->node_height()},
            {"db height", indexer_->index().height()}};
  }
  LocalRpcResult query(const std::vector<std::string>& items, std::size_t limit) override {
    boost::json::array lines;
    for (auto& l : query_lines(indexer_->index(), network_, Coin::ticker, items, limit)) lines.emplace_back(l);
    return boost::json::value(std::move(lines));
  }
  void write_metrics(net::MetricsText& m) override {
    const indexer::SyncStats st = indexer_->stats();
    m.gauge("coinkit_index_height", "Height of the index's tip.", indexer_->index().height());
    m.gauge("coinkit_node_height", "Height of the node's tip, as last polled.", indexer_->node_height());
    m.gauge("coinkit_index_caught_up", "1 once the index caught up with the node (clients are served).",
            indexer_->caught_up() ? 1 : 0);
    m.counter("coinkit_index_blocks_total", "Blocks indexed since start (rate() is the sync speed).",
              static_cast<double>(st.blocks));
    m.counter("coinkit_index_transactions_total", "Transactions indexed since start.",
              static_cast<double>(st.transactions));
    m.counter("coinkit_index_block_bytes_total", "Bytes of blocks indexed since start.", static_cast<double>(st.bytes));
    m.counter("coinkit_index_flushes_total", "Flushes of the caches to the database.", static_cast<double>(st.flushes));
    m.gauge("coinkit_index_cache_bytes", "Bytes held by the UTXO and history caches (CACHE_MB bounds them).",
            static_cast<double>(st.cache_bytes));
    m.gauge("coinkit_index_database_bytes", "Size of the database (LMDB's data file).",
            static_cast<double>(indexer_->index().storage().disk_size()));
    m.gauge("coinkit_mempool_transactions", "Transactions in the mempool mirror.",
            static_cast<double>(indexer_->index().mempool().size()));
  }
  LocalRpcResult reorg(int count) override {
    if (!indexer_->caught_up()) return rpc::Fault{code::bad_request, "still catching up with daemon"};
    indexer_->request_reorg(count);
    return boost::json::value("scheduled a reorg of " + with_commas(count) + " blocks");
  }
  // ElectrumX's rpc_daemon_url: the first URL of the list (DAEMON_URL's when empty). Unlike
  // ElectrumX the node is asked first: one on another chain, or unreachable, is refused.
  LocalRpcResult daemon_url(const std::string& url) override {
    const std::string text = url.empty() ? config_.daemon_url : url;
    auto o = node::parse_daemon_url(text.substr(0, text.find(',')), network_.ports.rpc);
    if (!o) return rpc::Fault{code::bad_request, "an error occurred: " + o.error().message()};
    o->timeout = config_.node.timeout;
    node::NodeClient probe(*o);
    if (auto g = probe.check_genesis(network_.genesis_hash); !g)
      return rpc::Fault{code::bad_request, "an error occurred: " + g.error().describe()};
    indexer_->node().set_node(*o);
    const std::string where = indexer_->node().address() + "/";
    log_.info("ElectrumServer", "now using daemon at " + where);
    return boost::json::value("now using daemon at " + where);
  }

  ServerConfig config_;
  Log log_;
  const Network& network_;
  std::unique_ptr<Indexer> indexer_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<ServerCore> core_;
  std::vector<std::function<void(const indexer::Notification&)>> chain_listeners_;
  std::thread starter_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_requested_ = false;
  std::optional<std::string> failure_;
};

}  // namespace coinkit::electrum
