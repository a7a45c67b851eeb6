// IndexedDaemon<Coin, Wallet>: a wallet daemon and the Electrum server whose index it reads, in
// one process (wallet::InProcessSource: no socket, no JSON between them), as one Program: the
// server configured by ElectrumX's variables, the daemon by its COIN_ ones.
#pragma once

#include <coinkit/daemon/daemon.hpp>
#include <coinkit/electrum/server.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/wallet/index_source.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace coinkit {

template <class Coin, template <class> class WalletT>
class IndexedDaemon {
 public:
  using Server = ElectrumServer<Coin, LmdbStorage>;
  using WalletDaemon = Daemon<Coin, WalletT, wallet::InProcessSource>;

  struct Options {
    electrum::ServerConfig server;
    DaemonConfig daemon;
  };

  static std::string usage(std::string_view program) {
    auto body = [](std::string text) { return text.substr(text.find("\n\n") + 2); };  // after "usage: ..."
    return "usage: " + std::string(program) +
           "\n\nA wallet daemon and the Electrum server whose index it reads, in one process.\n\nThe daemon: " +
           body(WalletDaemon::usage(program)) +
           "\nThe Electrum server (SERVICES may be empty): " + body(Server::usage(program));
  }

  static Options configure(const Arguments& args, const Environment& env) {
    return {Server::configure(args, env), WalletDaemon::configure(args, env)};
  }

  explicit IndexedDaemon(Options o)
      : server_(std::move(o.server)),
        daemon_(std::move(o.daemon), DaemonServerOptions{}, server_.indexer().index(), server_.indexer().node()) {
    server_.on_chain_event(daemon_.source().chain_listener());
  }
  IndexedDaemon(const IndexedDaemon&) = delete;
  IndexedDaemon& operator=(const IndexedDaemon&) = delete;
  ~IndexedDaemon() { stop(); }

  void start() {
    server_.start();
    daemon_.start();
    daemon_thread_ = std::thread([this] { daemon_.wait(); });
  }
  // Until a signal, LocalRPC "stop" or a fault of the index.
  std::optional<std::string> wait() { return server_.wait(); }
  void request_stop() { server_.request_stop(); }
  // The server first: its notifications go to the daemon's executor.
  void stop() {
    server_.stop();
    daemon_.stop();
    if (daemon_thread_.joinable()) daemon_thread_.join();
  }

  Server& server() noexcept { return server_; }
  WalletDaemon& daemon() noexcept { return daemon_; }

 private:
  Server server_;
  WalletDaemon daemon_;
  std::thread daemon_thread_;
};

}  // namespace coinkit
