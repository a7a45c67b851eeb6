// ServerCore: the Electrum server without its coin: I/O threads (shards), the listeners of
// SERVICES (tcp, ssl, ws, wss, rpc, http), MAX_SESSIONS, TLS, notifications fan-out, peer
// discovery, LocalRPC and the metrics.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/electrum/config.hpp>
#include <coinkit/electrum/local_rpc.hpp>
#include <coinkit/electrum/peer_discovery.hpp>
#include <coinkit/electrum/server_metrics.hpp>
#include <coinkit/electrum/service.hpp>
#include <coinkit/electrum/session.hpp>
#include <coinkit/electrum/shard.hpp>
#include <coinkit/net/line_transport.hpp>
#include <coinkit/net/listener.hpp>
#include <coinkit/net/tls.hpp>
#include <coinkit/net/websocket_transport.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace coinkit::electrum {

// A service the server listens on, and the port it got (the configured one, or the OS's pick
// for port 0).
struct Listening {
  ServiceAddress service;
  boost::asio::ip::tcp::endpoint endpoint;
};

class ServerCore {
 public:
  using tcp = boost::asio::ip::tcp;

  // Throws ConfigException when the TLS certificate or key is rejected.
  COINKIT_DECL ServerCore(const ServerConfig& config, Service& service, const Log& log, LocalRpcBackend& backend);
  ServerCore(const ServerCore&) = delete;
  ServerCore& operator=(const ServerCore&) = delete;
  ~ServerCore() { stop(); }

  // Starts the I/O threads and the operators' listeners (rpc://, http://). Throws system_error
  // when one cannot bind.
  COINKIT_DECL void start();

  // Opens the client services (tcp, ssl, ws, wss): called once the index caught up.
  COINKIT_DECL void serve_clients();
  bool serving_clients() const noexcept { return serving_; }

  // Closes the listeners and every session, and stops the threads. Idempotent.
  COINKIT_DECL void stop();

  // From any thread: each shard delivers the event to its sessions.
  COINKIT_DECL void notify(ChainEvent e);

  COINKIT_DECL std::vector<Listening> listening() const;
  // The bound endpoint of the first service of this protocol.
  COINKIT_DECL std::optional<tcp::endpoint> endpoint(Protocol p) const;

  SessionCounters& counters() noexcept { return counters_; }
  PeerDiscovery& peers() noexcept { return *peers_; }
  std::size_t sessions() const noexcept { return counters_.open.load(); }
  std::vector<std::unique_ptr<Shard>>& shards() noexcept { return shards_; }
  const ServerConfig& config() const noexcept { return config_; }

 private:
  struct Listener {
    Listener(boost::asio::io_context& io, ServiceAddress s) : service(std::move(s)), acceptor(io) {}
    ServiceAddress service;
    tcp::acceptor acceptor;
    tcp::endpoint endpoint;
  };

  COINKIT_DECL static boost::asio::ssl::context make_tls_context(const ServerConfig& c);

  template <class Which>
  void listen(Which which) {
    auto& io = shards_[0]->io();
    for (const ServiceAddress& s : config_.services) {
      if (!which(s)) continue;
      auto l = std::make_unique<Listener>(io, s);
      net::listen_on(l->acceptor, net::passive_endpoint(l->acceptor.get_executor(), s.bind_host(), s.port));
      l->endpoint = l->acceptor.local_endpoint();
      log_.info("ElectrumServer", std::string(to_string(s.protocol)) + " server listening on " +
                                      l->endpoint.address().to_string() + ":" + std::to_string(l->endpoint.port()));
      Listener* raw = l.get();
      {
        std::lock_guard lock(mutex_);
        listeners_.push_back(std::move(l));
      }
      boost::asio::co_spawn(io, s.for_operators() ? accept_operators(*raw) : accept_clients(*raw),
                            [this](std::exception_ptr e) { log_exception(e); });
    }
  }

  COINKIT_DECL void log_exception(std::exception_ptr e) const;

  // Every LOG_SESSIONS: the sessions table and getinfo in the log (ElectrumX's _log_sessions).
  COINKIT_DECL boost::asio::awaitable<void> log_sessions();

  COINKIT_DECL static std::string peer_of(const tcp::socket& s);

  COINKIT_DECL boost::asio::awaitable<void> accept_clients(Listener& l);

  // The session starts on its own thread. (Not in the coroutine: GCC 12 mishandles lambdas that
  // capture by value inside one.)
  COINKIT_DECL void hand_over(Shard& target, std::uint64_t id, Protocol p, tcp::socket socket);

  // A session over the transport its service speaks, on the shard's thread.
  COINKIT_DECL void start_session(Shard& shard, std::uint64_t id, Protocol p, tcp::socket socket);

  template <class Transport>
  void spawn(Shard& shard, std::uint64_t id, Protocol p, std::string peer, std::unique_ptr<Transport> t) {
    Transport& transport = *t;
    auto session = std::make_shared<Session>(shard.context(), id, p, std::move(peer), std::move(t));
    session->log_requests(counters_.log_new.load());
    shard.add(session);
    boost::asio::co_spawn(shard.io(), serve(shard, std::move(session), transport),
                          [this](std::exception_ptr e) { log_exception(e); });
  }

  // The session's life: its transport runs it, then it leaves the shard.
  template <class Transport>
  static boost::asio::awaitable<void> serve(Shard& shard, std::shared_ptr<Session> session, Transport& transport) {
    co_await transport.run(*session, std::weak_ptr<void>(session));
    session->detach();
    shard.remove(*session);
  }

  COINKIT_DECL boost::asio::awaitable<void> accept_operators(Listener& l);

  COINKIT_DECL void serve_operator(tcp::socket socket);
  COINKIT_DECL boost::asio::awaitable<void> operator_session(std::shared_ptr<LocalRpc::Operator> op);

  const ServerConfig& config_;
  Service& service_;
  const Log& log_;
  SessionCounters counters_;
  std::optional<boost::asio::ssl::context> tls_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::unique_ptr<PeerDiscovery> peers_;
  std::unique_ptr<LocalRpc> local_rpc_;
  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<net::HttpServer> metrics_http_;  // serves the http:// listeners' connections
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::list<net::Transport*> operators_;  // LocalRPC connections, closed at stop
  std::size_t next_shard_ = 0;
  std::atomic<bool> serving_{false}, stopped_{false}, started_{false};
};

}  // namespace coinkit::electrum

#if COINKIT_HEADER_ONLY
#include <coinkit/electrum/impl/server_core.ipp>
#endif
