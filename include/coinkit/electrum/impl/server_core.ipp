// The non-template code of <coinkit/electrum/server_core.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/electrum/server_core.hpp>

namespace coinkit::electrum {
ServerCore::ServerCore(const ServerConfig& config, Service& service, const Log& log, LocalRpcBackend& backend)

    : config_(config), service_(service), log_(log) {
  unsigned n = config.worker_threads ? config.worker_threads : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>(i, config_, service_, log_, counters_));
  peers_ = std::make_unique<PeerDiscovery>(config_, service_, log_);
  service_.peers = peers_.get();
  local_rpc_ = std::make_unique<LocalRpc>(shards_, counters_, backend, log_, *peers_);
  metrics_ = std::make_unique<ServerMetrics>(shards_, counters_, backend);
  net::HttpServerOptions http;
  http.body_limit = 1 << 10;  // requests are GETs
  http.max_connections = 32;
  metrics_http_ = std::make_unique<net::HttpServer>(
      shards_[0]->executor(), [this](net::Request& req) { return metrics_->answer(req); }, http);
  if (std::any_of(config.services.begin(), config.services.end(), [](const auto& s) { return s.tls(); }))
    tls_.emplace(make_tls_context(config));
}

void ServerCore::start() {
  for (auto& s : shards_) s->start();
  started_ = true;
  listen([](const ServiceAddress& s) { return s.for_operators(); });
}

void ServerCore::serve_clients() {
  if (serving_.exchange(true)) return;
  listen([](const ServiceAddress& s) { return !s.for_operators(); });
  peers_->start();  // as ElectrumX, once caught up: a peer compares its tip with ours
  if (config_.log_sessions.count() > 0)
    boost::asio::co_spawn(shards_[0]->io(), log_sessions(), [this](std::exception_ptr e) { log_exception(e); });
}

void ServerCore::stop() {
  if (stopped_.exchange(true)) return;
  peers_->stop();
  auto close_listeners = [this] {
    std::lock_guard lock(mutex_);
    error_code ignored;
    for (auto& l : listeners_) l->acceptor.close(ignored);
    for (net::Transport* t : operators_) t->close();
    metrics_http_->stop();
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

boost::asio::awaitable<void> ServerCore::log_sessions() {
  boost::asio::steady_timer timer(shards_[0]->io());
  while (!stopped_) {
    timer.expires_after(config_.log_sessions);
    (void)co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (stopped_) break;
    co_await local_rpc_->log_summary(config_.anon_logs);
  }
}

void ServerCore::notify(ChainEvent e) {
  auto shared = std::make_shared<const ChainEvent>(std::move(e));
  for (auto& s : shards_) boost::asio::post(s->io(), [shard = s.get(), shared] { shard->notify(*shared); });
}

std::vector<Listening> ServerCore::listening() const {
  std::lock_guard lock(mutex_);
  std::vector<Listening> out;
  for (const auto& l : listeners_) out.push_back({l->service, l->endpoint});
  return out;
}

std::optional<ServerCore::tcp::endpoint> ServerCore::endpoint(Protocol p) const {
  for (const auto& l : listening())
    if (l.service.protocol == p) return l.endpoint;
  return std::nullopt;
}

boost::asio::ssl::context ServerCore::make_tls_context(const ServerConfig& c) {
  std::optional<net::TlsSetupError> error;
  auto ctx = net::tls_server_context(c.ssl_certfile, c.ssl_keyfile, error);
  if (error)
    throw ConfigException({error::tls_setup_failed, error->key ? "SSL_KEYFILE" : "SSL_CERTFILE",
                           (error->key ? c.ssl_keyfile : c.ssl_certfile).string(), error->reason});
  return ctx;
}

void ServerCore::log_exception(std::exception_ptr e) const {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    log_.error("ElectrumServer", std::string("unexpected exception: ") + x.what());
  }
}

std::string ServerCore::peer_of(const tcp::socket& s) {
  error_code ec;
  auto ep = s.remote_endpoint(ec);
  if (ec) return "unknown";
  auto a = ep.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(ep.port());
}

boost::asio::awaitable<void> ServerCore::accept_clients(Listener& l) {
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

void ServerCore::hand_over(Shard& target, std::uint64_t id, Protocol p, tcp::socket socket) {
  boost::asio::post(target.io(), [this, &target, id, p, socket = std::move(socket)]() mutable {
    start_session(target, id, p, std::move(socket));
  });
}

void ServerCore::start_session(Shard& shard, std::uint64_t id, Protocol p, tcp::socket socket) {
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
    case Protocol::rpc:
    case Protocol::http: break;  // the operators' services: accept_operators
  }
}

boost::asio::awaitable<void> ServerCore::accept_operators(Listener& l) {
  namespace asio = boost::asio;
  for (;;) {
    auto [ec, socket] = co_await l.acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || stopped_) co_return;
    if (ec) continue;
    if (l.service.protocol == Protocol::http)
      metrics_http_->serve(std::move(socket));
    else
      serve_operator(std::move(socket));
  }
}

void ServerCore::serve_operator(tcp::socket socket) {
  auto op = local_rpc_->connect(std::move(socket));
  boost::asio::co_spawn(shards_[0]->io(), operator_session(std::move(op)),
                        [this](std::exception_ptr e) { log_exception(e); });
}

boost::asio::awaitable<void> ServerCore::operator_session(std::shared_ptr<LocalRpc::Operator> op) {
  std::list<net::Transport*>::iterator it;
  {
    std::lock_guard lock(mutex_);
    it = operators_.insert(operators_.end(), &op->transport);
  }
  co_await op->transport.run(*op, std::weak_ptr<void>(op));
  std::lock_guard lock(mutex_);
  operators_.erase(it);
}

}  // namespace coinkit::electrum
