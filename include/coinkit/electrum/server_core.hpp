// ServerCore: the Electrum server without its coin: I/O threads (shards), the listeners of
// SERVICES (tcp, ssl, ws, wss, rpc), MAX_SESSIONS, TLS, notifications fan-out and LocalRPC.
#pragma once

#include <coinkit/electrum/config.hpp>
#include <coinkit/electrum/local_rpc.hpp>
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
  ServerCore(const ServerConfig& config, Service& service, const Log& log, LocalRpcBackend& backend)
      : config_(config), service_(service), log_(log) {
    unsigned n = config.worker_threads ? config.worker_threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>(i, config_, service_, log_, counters_));
    local_rpc_ = std::make_unique<LocalRpc>(shards_, counters_, backend, log_);
    if (std::any_of(config.services.begin(), config.services.end(), [](const auto& s) { return s.tls(); }))
      tls_.emplace(make_tls_context(config));
  }
  ServerCore(const ServerCore&) = delete;
  ServerCore& operator=(const ServerCore&) = delete;
  ~ServerCore() { stop(); }

  // Starts the I/O threads and the rpc:// listeners. Throws system_error when one cannot bind.
  void start() {
    for (auto& s : shards_) s->start();
    started_ = true;
    listen([](const ServiceAddress& s) { return s.protocol == Protocol::rpc; });
  }

  // Opens the client services (tcp, ssl, ws, wss): called once the index caught up.
  void serve_clients() {
    if (serving_.exchange(true)) return;
    listen([](const ServiceAddress& s) { return s.protocol != Protocol::rpc; });
  }
  bool serving_clients() const noexcept { return serving_; }

  // Closes the listeners and every session, and stops the threads. Idempotent.
  void stop() {
    if (stopped_.exchange(true)) return;
    auto close_listeners = [this] {
      std::lock_guard lock(mutex_);
      error_code ignored;
      for (auto& l : listeners_) l->acceptor.close(ignored);
      for (net::Transport* t : operators_) t->close();
    };
    if (started_) {  // the sockets belong to the first thread: closed there
      std::promise<void> done;
      boost::asio::post(shards_[0]->io(), [&] {
        close_listeners();
        done.set_value();
      });
      done.get_future().wait_for(std::chrono::seconds(5));
    } else {
      close_listeners();
    }
    for (auto& s : shards_) s->stop();
    local_rpc_->join();
    service_.stop();
  }

  // From any thread: each shard delivers the event to its sessions.
  void notify(ChainEvent e) {
    auto shared = std::make_shared<const ChainEvent>(std::move(e));
    for (auto& s : shards_) boost::asio::post(s->io(), [shard = s.get(), shared] { shard->notify(*shared); });
  }

  std::vector<Listening> listening() const {
    std::lock_guard lock(mutex_);
    std::vector<Listening> out;
    for (const auto& l : listeners_) out.push_back({l->service, l->endpoint});
    return out;
  }
  // The bound endpoint of the first service of this protocol.
  std::optional<tcp::endpoint> endpoint(Protocol p) const {
    for (const auto& l : listening())
      if (l.service.protocol == p) return l.endpoint;
    return std::nullopt;
  }

  SessionCounters& counters() noexcept { return counters_; }
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

  static boost::asio::ssl::context make_tls_context(const ServerConfig& c) {
    std::optional<net::TlsSetupError> error;
    auto ctx = net::tls_server_context(c.ssl_certfile, c.ssl_keyfile, error);
    if (error)
      throw ConfigException({error::tls_setup_failed, error->key ? "SSL_KEYFILE" : "SSL_CERTFILE",
                             (error->key ? c.ssl_keyfile : c.ssl_certfile).string(), error->reason});
    return ctx;
  }

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
      boost::asio::co_spawn(io, s.protocol == Protocol::rpc ? accept_operators(*raw) : accept_clients(*raw),
                            [this](std::exception_ptr e) { log_exception(e); });
    }
  }

  void log_exception(std::exception_ptr e) const {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      log_.error("ElectrumServer", std::string("unexpected exception: ") + x.what());
    }
  }

  static std::string peer_of(const tcp::socket& s) {
    error_code ec;
    auto ep = s.remote_endpoint(ec);
    if (ec) return "unknown";
    auto a = ep.address();
    return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(ep.port());
  }

  boost::asio::awaitable<void> accept_clients(Listener& l) {
    namespace asio = boost::asio;
    for (;;) {
      Shard& target = *shards_[next_shard_++ % shards_.size()];
      auto [ec, socket] = co_await l.acceptor.async_accept(target.io(), asio::as_tuple(asio::use_awaitable));
      if (ec == asio::error::operation_aborted || stopped_) co_return;
      if (ec) {  // out of file descriptors, a connection reset while queued: wait a moment
        asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
        (void)co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      if (counters_.open.load() >= config_.max_sessions) {
        ++counters_.refused;
        error_code ignored;
        socket.close(ignored);
        log_.debug("ElectrumServer", "MAX_SESSIONS reached: connection refused");
        continue;
      }
      ++counters_.open, ++counters_.accepted;
      hand_over(target, counters_.next_id++, l.service.protocol, std::move(socket));
    }
  }

  // The session starts on its own thread. (Not in the coroutine: GCC 12 mishandles lambdas that
  // capture by value inside one.)
  void hand_over(Shard& target, std::uint64_t id, Protocol p, tcp::socket socket) {
    boost::asio::post(target.io(), [this, &target, id, p, socket = std::move(socket)]() mutable {
      start_session(target, id, p, std::move(socket));
    });
  }

  // A session over the transport its service speaks, on the shard's thread.
  void start_session(Shard& shard, std::uint64_t id, Protocol p, tcp::socket socket) {
    namespace ssl = boost::asio::ssl;
    std::string peer = peer_of(socket);
    log_.debug("session " + std::to_string(id),
               std::string(to_string(p)) + " " + (config_.anon_logs ? std::string("xx.xx.xx.xx:xx") : peer));
    const std::size_t bound = Session::max_queued(config_);
    const net::LineLimits lines{config_.max_recv, Session::high_water, bound};
    net::WebSocketOptions ws;
    ws.max_message = config_.max_recv;
    ws.high_water = Session::high_water;
    ws.queue.max_bytes = bound;
    switch (p) {
      case Protocol::tcp:
        return spawn(shard, id, p, std::move(peer),
                     std::make_unique<net::LineTransport<tcp::socket>>(std::move(socket), lines));
      case Protocol::ssl:
        return spawn(shard, id, p, std::move(peer),
                     std::make_unique<net::LineTransport<ssl::stream<tcp::socket>>>(
                         ssl::stream<tcp::socket>(std::move(socket), *tls_), lines));
      case Protocol::ws:
        return spawn(shard, id, p, std::move(peer),
                     std::make_unique<net::WebSocketTransport<tcp::socket>>(std::move(socket), ws));
      case Protocol::wss:
        return spawn(shard, id, p, std::move(peer),
                     std::make_unique<net::WebSocketTransport<ssl::stream<tcp::socket>>>(
                         ssl::stream<tcp::socket>(std::move(socket), *tls_), ws));
      case Protocol::rpc: break;
    }
  }

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

  boost::asio::awaitable<void> accept_operators(Listener& l) {
    namespace asio = boost::asio;
    for (;;) {
      auto [ec, socket] = co_await l.acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec == asio::error::operation_aborted || stopped_) co_return;
      if (ec) continue;
      serve_operator(std::move(socket));
    }
  }

  void serve_operator(tcp::socket socket) {
    auto op = local_rpc_->connect(std::move(socket));
    boost::asio::co_spawn(shards_[0]->io(), operator_session(std::move(op)),
                          [this](std::exception_ptr e) { log_exception(e); });
  }
  boost::asio::awaitable<void> operator_session(std::shared_ptr<LocalRpc::Operator> op) {
    std::list<net::Transport*>::iterator it;
    {
      std::lock_guard lock(mutex_);
      it = operators_.insert(operators_.end(), &op->transport);
    }
    co_await op->transport.run(*op, std::weak_ptr<void>(op));
    std::lock_guard lock(mutex_);
    operators_.erase(it);
  }

  const ServerConfig& config_;
  Service& service_;
  const Log& log_;
  SessionCounters counters_;
  std::optional<boost::asio::ssl::context> tls_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::unique_ptr<LocalRpc> local_rpc_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::list<net::Transport*> operators_;  // LocalRPC connections, closed at stop
  std::size_t next_shard_ = 0;
  std::atomic<bool> serving_{false}, stopped_{false}, started_{false};
};

}  // namespace coinkit::electrum
