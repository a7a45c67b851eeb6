// ServerCore: the Electrum server without its coin: I/O threads (shards), the listeners of
// SERVICES (tcp, ssl, ws, wss, rpc), MAX_SESSIONS, TLS, notifications fan-out and LocalRPC.
#pragma once

#include <coinkit/electrum/config.hpp>
#include <coinkit/electrum/line_connection.hpp>
#include <coinkit/electrum/local_rpc.hpp>
#include <coinkit/electrum/service.hpp>
#include <coinkit/electrum/shard.hpp>
#include <coinkit/electrum/websocket_connection.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>

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
      for (tcp::socket* s : operator_sockets_) s->close(ignored);
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
    namespace ssl = boost::asio::ssl;
    ssl::context ctx(ssl::context::tls_server);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::single_dh_use);
    error_code ec;
    ctx.use_certificate_chain_file(c.ssl_certfile.string(), ec);
    if (ec) throw ConfigException({error::tls_setup_failed, "SSL_CERTFILE", c.ssl_certfile.string(), ec.message()});
    ctx.use_private_key_file(c.ssl_keyfile.string(), ssl::context::pem, ec);
    if (ec) throw ConfigException({error::tls_setup_failed, "SSL_KEYFILE", c.ssl_keyfile.string(), ec.message()});
    if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
      throw ConfigException(
          {error::tls_setup_failed, "SSL_KEYFILE", c.ssl_keyfile.string(), "the key does not match the certificate"});
    // Idle TLS sessions give their read and write buffers back (about 34 KiB each).
    SSL_CTX_set_mode(ctx.native_handle(), SSL_MODE_RELEASE_BUFFERS);
    return ctx;
  }

  template <class Which>
  void listen(Which which) {
    auto& io = shards_[0]->io();
    for (const ServiceAddress& s : config_.services) {
      if (!which(s)) continue;
      auto l = std::make_unique<Listener>(io, s);
      tcp::resolver resolver(io);
      auto results = resolver.resolve(s.bind_host(), std::to_string(s.port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service);
      const tcp::endpoint ep = results.begin()->endpoint();
      l->acceptor.open(ep.protocol());
      l->acceptor.set_option(tcp::acceptor::reuse_address(true));
      l->acceptor.bind(ep);
      l->acceptor.listen(boost::asio::socket_base::max_listen_connections);
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

  void start_session(Shard& shard, std::uint64_t id, Protocol p, tcp::socket socket) {
    namespace asio = boost::asio;
    namespace ssl = asio::ssl;
    std::string peer = peer_of(socket);
    log_.debug("session " + std::to_string(id),
               std::string(to_string(p)) + " " + (config_.anon_logs ? std::string("xx.xx.xx.xx:xx") : peer));
    auto spawn = [&](auto conn) {
      conn->log_requests(counters_.log_new.load());
      shard.add(conn);
      asio::co_spawn(shard.io(), conn->run(), [this](std::exception_ptr e) { log_exception(e); });
    };
    switch (p) {
      case Protocol::tcp:
        spawn(std::make_shared<LineConnection<tcp::socket>>(shard, std::move(socket), id, p, std::move(peer)));
        break;
      case Protocol::ssl:
        spawn(std::make_shared<LineConnection<ssl::stream<tcp::socket>>>(
            shard, ssl::stream<tcp::socket>(std::move(socket), *tls_), id, p, std::move(peer)));
        break;
      case Protocol::ws:
        spawn(std::make_shared<WebSocketConnection<tcp::socket>>(shard, std::move(socket), id, p, std::move(peer)));
        break;
      case Protocol::wss:
        spawn(std::make_shared<WebSocketConnection<ssl::stream<tcp::socket>>>(
            shard, ssl::stream<tcp::socket>(std::move(socket), *tls_), id, p, std::move(peer)));
        break;
      case Protocol::rpc: break;
    }
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
    auto s = std::make_shared<tcp::socket>(std::move(socket));
    boost::asio::co_spawn(shards_[0]->io(), operator_session(s), [this](std::exception_ptr e) { log_exception(e); });
  }
  boost::asio::awaitable<void> operator_session(std::shared_ptr<tcp::socket> s) {
    std::list<tcp::socket*>::iterator it;
    {
      std::lock_guard lock(mutex_);
      it = operator_sockets_.insert(operator_sockets_.end(), s.get());
    }
    co_await local_rpc_->serve(*s);
    std::lock_guard lock(mutex_);
    operator_sockets_.erase(it);
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
  std::list<tcp::socket*> operator_sockets_;
  std::size_t next_shard_ = 0;
  std::atomic<bool> serving_{false}, stopped_{false}, started_{false};
};

}  // namespace coinkit::electrum
