// ElectrumClient: one connection to an Electrum server (TCP or TLS), shared by every wallet of a
// daemon: requests pipelined and matched by id, notifications handed on, and the connection made
// again with back-off whenever it drops, or until the server first comes up. With `reconnect`
// off it is one connection for a few calls (a peer server being checked).
#pragma once

#include <coinkit/electrum/server_address.hpp>
#include <coinkit/net/line_transport.hpp>
#include <coinkit/net/wake_list.hpp>
#include <coinkit/rpc/client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace coinkit::electrum {

struct ElectrumClientOptions {
  ServerAddress server;
  std::string client_name = "coinkit";
  boost::json::value protocol_version = "1.4";  // or [min, max]
  std::chrono::milliseconds first_retry{100};   // after a failed connect; doubled up to max_retry
  std::chrono::milliseconds max_retry{5000};
  std::chrono::milliseconds request_timeout{60'000};
  net::LineLimits limits{64u << 20, 1u << 20, 64u << 20};  // a long history is one long reply
  // Off: one connection attempt; once it fails or closes every call fails at once.
  bool reconnect = true;
  // Off: no server.version of its own; the caller sends it as its first call.
  bool greet = true;
};

// All of it runs on one strand (the executor given): calls, callbacks and the connection. The
// server's certificate is not verified: Electrum servers present self-signed certificates, and
// what the wallet believes is checked by SPV, not by the transport.
class ElectrumClient {
 public:
  using Executor = boost::asio::any_io_executor;
  using Clock = std::chrono::steady_clock;

  // A connection is ready (server.version answered): subscriptions are to be made again.
  std::function<void()> on_connected;
  // A notification: its method and params.
  std::function<void(std::string_view, boost::json::value&)> on_notification;
  // What an operator reads: connections made and lost, servers dropped.
  std::function<void(const std::string&)> log;

  ElectrumClient(Executor ex, ElectrumClientOptions options)
      : ex_(std::move(ex)), options_(std::move(options)), tls_(boost::asio::ssl::context::tls_client), retry_(ex_) {
    tls_.set_verify_mode(boost::asio::ssl::verify_none);
  }
  ElectrumClient(const ElectrumClient&) = delete;
  ElectrumClient& operator=(const ElectrumClient&) = delete;
  ~ElectrumClient() { stop(); }

  const ServerAddress& server() const noexcept { return options_.server; }
  bool connected() const noexcept { return ready_; }
  // The address of the last connection made (what the server's name resolved to).
  const boost::asio::ip::address& remote_address() const noexcept { return remote_address_; }

  // Connects, and keeps connecting, until stop().
  void start() {
    if (running_) return;
    running_ = true;
    ++runs_;
    boost::asio::co_spawn(ex_, run(), boost::asio::detached);
  }

  void stop() {
    running_ = false;
    retry_.cancel();
    if (auto c = connection_) c->close();
    fail_pending();
  }

  // Closes the connection (a server caught lying); the next one is made after the longest
  // back-off, so that a server that keeps lying is not asked again and again.
  void drop(const std::string& why) {
    say("dropping " + options_.server.to_string() + ": " + why);
    penalized_ = true;
    if (auto c = connection_) c->close();
  }

  // After stop(): returns once the connection's coroutine has ended, so the client can go.
  boost::asio::awaitable<void> finished() {
    while (runs_ > 0) co_await finished_.wait(ex_, Clock::now() + std::chrono::seconds(1));
  }

  // One request: waits for a connection and then for its reply, both within the request timeout.
  // A server's error reply is its Fault; a lost connection or a timeout is Fault{-1, why}.
  // `method` is a literal (a coroutine keeps the pointer, not a copy).
  boost::asio::awaitable<rpc::Outcome<boost::json::value>> call(const char* method, boost::json::array params) {
    const auto deadline = Clock::now() + options_.request_timeout;
    while (!ready_ && running_ && Clock::now() < deadline) co_await connected_.wait(ex_, deadline);
    if (!ready_) co_return rpc::Fault{-1, "not connected to the Electrum server " + options_.server.to_string()};
    co_return co_await send(method, params, deadline);
  }

 private:
  struct Pending {
    boost::asio::steady_timer timer;
    std::optional<rpc::Reply> reply;
  };

  // The connection of the moment, type-erased over TCP and TLS.
  struct Connection {
    virtual ~Connection() = default;
    virtual net::Transport& transport() = 0;
    virtual boost::asio::ip::tcp::endpoint remote() = 0;
    void close() { transport().close(); }
    bool flush_posted = false;
  };
  template <class Stream>
  struct LineConnection final : Connection {
    LineConnection(Stream s, net::LineLimits limits) : lines(std::move(s), limits, net::TlsHandshake::done) {}
    net::Transport& transport() override { return lines; }
    boost::asio::ip::tcp::endpoint remote() override {
      error_code ec;
      return lines.stream().lowest_layer().remote_endpoint(ec);
    }
    net::LineTransport<Stream> lines;
  };

  boost::asio::awaitable<rpc::Outcome<boost::json::value>> send(const char* method, const boost::json::array& params,
                                                                Clock::time_point deadline) {
    auto connection = connection_;
    const std::uint64_t id = ++next_id_;
    Pending pending{boost::asio::steady_timer(ex_, deadline), std::nullopt};
    pending_.emplace(id, &pending);
    std::string line;
    const boost::json::value params_value(params);  // an lvalue: the overload that writes JSON
    rpc::write_request(line, id, method, params_value);
    connection->transport().send(line);
    // Written once this turn of the event loop is done, with the other calls made in it: the
    // addresses of many requests subscribed at once go out in one write, not one each.
    if (!connection->flush_posted) {
      connection->flush_posted = true;
      boost::asio::post(ex_, [connection] {
        connection->flush_posted = false;
        connection->transport().flush();
      });
    }
    (void)co_await pending.timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    pending_.erase(id);
    if (!pending.reply)
      co_return rpc::Fault{-1, std::string(method) + ": no reply from " + options_.server.to_string()};
    if (pending.reply->shape == rpc::ReplyShape::result) co_return std::move(pending.reply->result);
    if (pending.reply->shape == rpc::ReplyShape::malformed) drop(pending.reply->fault.message);
    co_return std::move(pending.reply->fault);
  }

  boost::asio::awaitable<void> run() {
    namespace asio = boost::asio;
    using tcp = asio::ip::tcp;
    auto backoff = options_.first_retry;
    bool said_down = false;
    while (running_) {
      tcp::resolver resolver(ex_);
      auto [rec, endpoints] = co_await resolver.async_resolve(
          options_.server.host, std::to_string(options_.server.port), asio::as_tuple(asio::use_awaitable));
      tcp::socket socket(ex_);
      error_code ec = rec;
      if (!ec)
        std::tie(ec, std::ignore) =
            co_await asio::async_connect(socket, endpoints, asio::as_tuple(asio::use_awaitable));
      std::shared_ptr<Connection> connection;
      if (!ec && options_.server.tls) {
        asio::ssl::stream<tcp::socket> stream(std::move(socket), tls_);
        SSL_set_tlsext_host_name(stream.native_handle(), options_.server.host.c_str());
        std::tie(ec) =
            co_await stream.async_handshake(asio::ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
        if (!ec)
          connection =
              std::make_shared<LineConnection<asio::ssl::stream<tcp::socket>>>(std::move(stream), options_.limits);
      } else if (!ec) {
        connection = std::make_shared<LineConnection<tcp::socket>>(std::move(socket), options_.limits);
      }
      if (!running_) break;
      if (!connection) {
        if (!said_down) say("cannot reach the Electrum server " + options_.server.to_string() + ": " + ec.message());
        said_down = true;
        if (!options_.reconnect) break;
        retry_.expires_after(backoff);
        (void)co_await retry_.async_wait(asio::as_tuple(asio::use_awaitable));
        backoff = std::min(backoff * 2, options_.max_retry);
        continue;
      }
      said_down = false;
      backoff = options_.first_retry;
      connection_ = connection;
      remote_address_ = connection->remote().address();
      if (options_.greet) {
        asio::co_spawn(ex_, greet(connection), asio::detached);  // its request waits for run() below
      } else {
        ready_ = true;
        connected_.wake_all();
      }
      if (options_.server.tls)
        co_await static_cast<LineConnection<asio::ssl::stream<tcp::socket>>&>(*connection).lines.run(*this, connection);
      else
        co_await static_cast<LineConnection<tcp::socket>&>(*connection).lines.run(*this, connection);
      connection_.reset();
      const bool was_ready = std::exchange(ready_, false);
      fail_pending();
      if (was_ready) say("lost the Electrum server " + options_.server.to_string());
      if (!options_.reconnect) break;
      if (running_) {
        retry_.expires_after(std::exchange(penalized_, false) ? options_.max_retry : options_.first_retry);
        (void)co_await retry_.async_wait(asio::as_tuple(asio::use_awaitable));
      }
    }
    running_ = false;
    connected_.wake_all();  // the calls waiting for a connection fail now
    --runs_;
    finished_.wake_all();
  }

  // server.version first, as the protocol asks; then the connection is ready for everyone.
  boost::asio::awaitable<void> greet(std::shared_ptr<Connection> connection) {
    boost::json::array version{boost::json::string(options_.client_name), options_.protocol_version};
    auto r = co_await send("server.version", version, Clock::now() + options_.request_timeout);
    if (connection != connection_) co_return;
    if (!r) co_return drop("server.version: " + r.error().message);
    ready_ = true;
    say("connected to the Electrum server " + options_.server.to_string());
    connected_.wake_all();
    if (on_connected) on_connected();
  }

  void fail_pending() {
    for (auto& [id, p] : pending_) p->timer.cancel();  // each call answers "no reply"
    connected_.wake_all();
  }

  void say(const std::string& line) {
    if (log) log(line);
  }

 public:  // what LineTransport::run calls on its handler
  net::Step receive(std::string_view line) {
    error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec) {
      drop("a reply that is not JSON");
      return net::Step::done;
    }
    if (auto id = rpc::reply_id(v)) {
      auto it = pending_.find(*id);
      if (it != pending_.end()) {
        it->second->reply = rpc::take_reply(std::move(v));
        it->second->timer.cancel();
      }
      return net::Step::done;
    }
    auto* o = v.if_object();
    auto* method = o ? o->if_contains("method") : nullptr;
    auto* params = o ? o->if_contains("params") : nullptr;
    if (method && method->is_string() && params && on_notification) on_notification(method->get_string(), *params);
    return net::Step::done;
  }
  boost::asio::awaitable<void> finish_pending() { co_return; }
  std::chrono::milliseconds throttle_delay() const noexcept { return {}; }
  bool closing() const noexcept { return !running_; }
  void reject_oversized() { drop("a reply over the line limit"); }

 private:
  Executor ex_;
  ElectrumClientOptions options_;
  boost::asio::ssl::context tls_;
  boost::asio::steady_timer retry_;
  std::shared_ptr<Connection> connection_;
  boost::asio::ip::address remote_address_;
  std::unordered_map<std::uint64_t, Pending*> pending_;
  net::WakeList connected_, finished_;
  int runs_ = 0;  // run() coroutines not yet returned
  std::uint64_t next_id_ = 0;
  bool running_ = false, ready_ = false, penalized_ = false;
};

}  // namespace coinkit::electrum
