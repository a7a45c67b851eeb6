// Electrum test clients: one JSON message at a time over TCP, TLS, WebSocket and secure
// WebSocket with a deadline on every wait, an Electrum client on top (replies by id,
// notifications set aside), and what every server test needs (temp dirs, a self-signed cert).
#pragma once

#include <coinkit/electrum/config.hpp>
#include <coinkit/electrum/local_rpc.hpp>

#include "support/self_signed_cert.hpp"
#include "support/temp_dir.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace coinkit::test {

namespace asio = boost::asio;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using electrum::Protocol;

using test::TempDir;

// LocalRPC's chain commands for a server whose tests do not use them.
struct NullRpc final : electrum::LocalRpcBackend {
  json::object info() override { return {}; }
  electrum::LocalRpcResult query(const std::vector<std::string>&, std::size_t) override { return json::value(); }
  electrum::LocalRpcResult reorg(int) override { return json::value(); }
  electrum::LocalRpcResult daemon_url(const std::string&) override { return json::value(); }
  void request_stop() override {}
};

// --- clients ------------------------------------------------------------------------------------

// One JSON message at a time, whatever the transport; every wait has a deadline.
class Channel {
 public:
  virtual ~Channel() = default;
  virtual bool send(std::string_view message, std::chrono::milliseconds timeout = 5s) = 0;
  // The next message; nullopt on timeout or when the server closed the connection (closed()).
  virtual std::optional<std::string> receive(std::chrono::milliseconds timeout = 5s) = 0;
  bool closed() const noexcept { return closed_; }

 protected:
  // Runs the io_context until `done` or the deadline; false on the deadline (ops cancelled).
  template <class Cancel>
  bool run_until(asio::io_context& io, bool& done, std::chrono::milliseconds timeout, Cancel cancel) {
    io.restart();
    io.run_for(timeout);
    if (done) return true;
    cancel();
    io.restart();
    io.run();
    return false;
  }
  bool closed_ = false;
};

inline asio::ssl::context client_tls() {
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  return ctx;
}

// Newline-delimited messages over TCP (Stream = tcp::socket) or TLS (ssl::stream<tcp::socket>).
template <class Stream>
class LineChannel final : public Channel {
  static constexpr bool tls = !std::is_same_v<Stream, tcp::socket>;

 public:
  explicit LineChannel(unsigned short port) : stream_(make()) {
    lowest().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    if constexpr (tls) stream_.handshake(asio::ssl::stream_base::client);
  }

  bool send(std::string_view message, std::chrono::milliseconds timeout = 5s) override {
    std::string line(message);
    line += '\n';
    return send_raw(line, timeout);
  }
  bool send_raw(std::string_view bytes, std::chrono::milliseconds timeout = 5s) {
    bool done = false;
    boost::system::error_code err;
    asio::async_write(stream_, asio::buffer(bytes), [&](boost::system::error_code ec, std::size_t) {
      done = true;
      err = ec;
    });
    // A failed write does not mark the channel closed: a reply may still wait to be read.
    return run_until(io_, done, timeout, [&] { lowest().cancel(); }) && !err;
  }
  std::optional<std::string> receive(std::chrono::milliseconds timeout = 5s) override {
    if (auto line = take()) return line;
    if (closed_) return std::nullopt;
    bool done = false;
    boost::system::error_code err;
    asio::async_read_until(stream_, asio::dynamic_buffer(buf_), '\n', [&](boost::system::error_code ec, std::size_t) {
      done = true;
      err = ec;
    });
    if (!run_until(io_, done, timeout, [&] { lowest().cancel(); })) return std::nullopt;
    if (err) {
      closed_ = true;
      return std::nullopt;
    }
    return take();
  }
  tcp::socket& lowest() {
    if constexpr (tls)
      return stream_.next_layer();
    else
      return stream_;
  }

 private:
  Stream make() {
    if constexpr (tls)
      return Stream(io_, tls_);
    else
      return Stream(io_);
  }
  std::optional<std::string> take() {
    const auto nl = buf_.find('\n');
    if (nl == std::string::npos) return std::nullopt;
    std::string line = buf_.substr(0, nl);
    buf_.erase(0, nl + 1);
    return line;
  }

  asio::io_context io_;
  asio::ssl::context tls_ = client_tls();
  Stream stream_;
  std::string buf_;
};

// One message per WebSocket message over ws:// (Next = tcp::socket) or wss://.
template <class Next>
class WsChannel final : public Channel {
  static constexpr bool tls = !std::is_same_v<Next, tcp::socket>;

 public:
  explicit WsChannel(unsigned short port) : ws_(make()) {
    boost::beast::get_lowest_layer(ws_).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    if constexpr (tls) ws_.next_layer().handshake(asio::ssl::stream_base::client);
    ws_.handshake("127.0.0.1", "/");
    ws_.text(true);
  }
  bool send(std::string_view message, std::chrono::milliseconds timeout = 5s) override {
    bool done = false;
    boost::system::error_code err;
    ws_.async_write(asio::buffer(message), [&](boost::system::error_code ec, std::size_t) {
      done = true;
      err = ec;
    });
    if (!run_until(io_, done, timeout, [&] { boost::beast::get_lowest_layer(ws_).cancel(); })) return false;
    if (err) closed_ = true;
    return !err;
  }
  std::optional<std::string> receive(std::chrono::milliseconds timeout = 5s) override {
    if (closed_) return std::nullopt;
    bool done = false;
    boost::system::error_code err;
    boost::beast::flat_buffer buf;
    ws_.async_read(buf, [&](boost::system::error_code ec, std::size_t) {
      done = true;
      err = ec;
    });
    if (!run_until(io_, done, timeout, [&] { boost::beast::get_lowest_layer(ws_).cancel(); })) return std::nullopt;
    if (err) {
      closed_ = true;
      return std::nullopt;
    }
    return boost::beast::buffers_to_string(buf.data());
  }

 private:
  boost::beast::websocket::stream<Next> make() {
    if constexpr (tls)
      return boost::beast::websocket::stream<Next>(io_, tls_);
    else
      return boost::beast::websocket::stream<Next>(io_);
  }
  asio::io_context io_;
  asio::ssl::context tls_ = client_tls();
  boost::beast::websocket::stream<Next> ws_;
};

using TcpChannel = LineChannel<tcp::socket>;
using TlsChannel = LineChannel<asio::ssl::stream<tcp::socket>>;

inline std::unique_ptr<Channel> connect(Protocol p, unsigned short port) {
  switch (p) {
    case Protocol::tcp: return std::make_unique<TcpChannel>(port);
    case Protocol::ssl: return std::make_unique<TlsChannel>(port);
    case Protocol::ws: return std::make_unique<WsChannel<tcp::socket>>(port);
    case Protocol::wss: return std::make_unique<WsChannel<asio::ssl::stream<tcp::socket>>>(port);
    default: return std::make_unique<TcpChannel>(port);
  }
}

// An Electrum client: requests matched to replies by id, notifications set aside.
class ProtocolClient {
 public:
  explicit ProtocolClient(std::unique_ptr<Channel> ch) : ch_(std::move(ch)) {}
  template <class Server>
  explicit ProtocolClient(Server& f, Protocol p = Protocol::tcp) : ch_(connect(p, f.port(p))) {}

  Channel& channel() { return *ch_; }

  // The whole reply object; a failed test (and null) without one in time.
  json::value request(std::string_view method, json::value params = json::array(),
                      std::chrono::milliseconds timeout = 10s) {
    const int id = next_id_++;
    json::object req{{"jsonrpc", "2.0"}, {"method", method}, {"id", id}};
    if (!params.is_null()) req["params"] = std::move(params);
    BOOST_TEST_REQUIRE(ch_->send(json::serialize(req)));
    return reply(id, timeout);
  }
  json::value reply(int id, std::chrono::milliseconds timeout = 10s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      auto text =
          ch_->receive(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()));
      if (!text) break;
      json::value v = json::parse(*text);
      if (v.is_object() && v.get_object().contains("id") && v.at("id") == json::value(id)) return v;
      notifications_.push_back(std::move(v));
    }
    BOOST_TEST_FAIL("no reply to request " << id);
    return nullptr;
  }
  // The result of a call that must succeed.
  json::value call(std::string_view method, json::value params = json::array()) {
    json::value r = request(method, std::move(params));
    BOOST_TEST_REQUIRE(r.is_object());
    BOOST_TEST_INFO(json::serialize(r));
    BOOST_TEST_REQUIRE(r.get_object().contains("result"));
    return r.at("result");
  }
  // The error object of a call that must fail.
  json::object error(std::string_view method, json::value params = json::array()) {
    json::value r = request(method, std::move(params));
    BOOST_TEST_INFO(json::serialize(r));
    BOOST_TEST_REQUIRE((r.is_object() && r.get_object().contains("error")));
    return r.at("error").get_object();
  }
  void version(std::string_view v = "1.4") { call("server.version", json::array{"test-client", v}); }

  // The next notification of `method` (those already received first).
  std::optional<json::value> notification(std::string_view method, std::chrono::milliseconds timeout = 10s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      for (auto it = notifications_.begin(); it != notifications_.end(); ++it)
        if (it->is_object() && it->get_object().contains("method") && it->at("method") == json::value(method)) {
          json::value v = std::move(*it);
          notifications_.erase(it);
          return v;
        }
      const auto now = std::chrono::steady_clock::now();
      if (now >= until) return std::nullopt;
      auto text = ch_->receive(std::chrono::duration_cast<std::chrono::milliseconds>(until - now));
      if (!text) return std::nullopt;
      notifications_.push_back(json::parse(*text));
    }
  }
  std::size_t pending_notifications() const { return notifications_.size(); }
  // Waits for the server to close the connection (anything it sends first is kept).
  bool closed_by_server(std::chrono::milliseconds timeout = 5s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!ch_->closed() && std::chrono::steady_clock::now() < until) {
      auto text =
          ch_->receive(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()));
      if (text) notifications_.push_back(json::parse(*text));
    }
    return ch_->closed();
  }

 private:
  std::unique_ptr<Channel> ch_;
  int next_id_ = 0;
  std::deque<json::value> notifications_;
};

// One LocalRPC call on its own connection (as electrumx_rpc makes them): the parsed reply.
inline json::value local_rpc(unsigned short port, std::string_view method, json::value params = json::array()) {
  TcpChannel c(port);
  json::object req{{"jsonrpc", "2.0"}, {"id", 0}, {"method", method}, {"params", std::move(params)}};
  BOOST_TEST_REQUIRE(c.send(json::serialize(req)));
  auto line = c.receive(std::chrono::seconds(10));
  BOOST_TEST_REQUIRE(line.has_value());
  return json::parse(*line);
}

}  // namespace coinkit::test
