// LyingProxy: an Electrum server that lies, for the SPV tests: a line proxy in front of a real
// server that, while lying, changes one hash of every merkle branch it relays
// (blockchain.transaction.get_merkle), or the previous-block hash of every tip header it relays
// (blockchain.headers.subscribe, reply and notification), and counts the connections made
// through it.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <thread>

namespace coinkit::test {

class LyingProxy {
 public:
  enum class Lie { branch, headers };

  explicit LyingProxy(std::uint16_t upstream_port, Lie lie = Lie::branch)
      : upstream_(upstream_port), kind_(lie), acceptor_(io_, {boost::asio::ip::make_address_v4("127.0.0.1"), 0}) {
    boost::asio::co_spawn(io_, accept(), boost::asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~LyingProxy() {
    io_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void lie(bool on) { lying_ = on; }
  int connections() const { return connections_; }
  int lies_told() const { return lies_; }

 private:
  using tcp = boost::asio::ip::tcp;

  boost::asio::awaitable<void> accept() {
    for (;;) {
      auto [ec, client] = co_await acceptor_.async_accept(boost::asio::as_tuple(boost::asio::use_awaitable));
      if (ec) co_return;
      ++connections_;
      auto server = std::make_shared<tcp::socket>(io_);
      auto [cec] = co_await server->async_connect({boost::asio::ip::make_address_v4("127.0.0.1"), upstream_},
                                                  boost::asio::as_tuple(boost::asio::use_awaitable));
      if (cec) continue;
      auto c = std::make_shared<tcp::socket>(std::move(client));
      boost::asio::co_spawn(io_, relay(c, server, false), boost::asio::detached);
      boost::asio::co_spawn(io_, relay(server, c, true), boost::asio::detached);
    }
  }

  // Lines from `from` to `to`; replies from the server pass through lie_about().
  boost::asio::awaitable<void> relay(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to, bool replies) {
    boost::asio::streambuf buf;
    for (;;) {
      auto [ec, n] =
          co_await boost::asio::async_read_until(*from, buf, '\n', boost::asio::as_tuple(boost::asio::use_awaitable));
      if (ec) break;
      std::string line(boost::asio::buffers_begin(buf.data()), boost::asio::buffers_begin(buf.data()) + n);
      buf.consume(n);
      if (replies && lying_) line = lie_about(line);
      auto [wec, w] = co_await boost::asio::async_write(*to, boost::asio::buffer(line),
                                                        boost::asio::as_tuple(boost::asio::use_awaitable));
      (void)w;
      if (wec) break;
    }
    boost::system::error_code ignored;
    from->close(ignored);
    to->close(ignored);
  }

  std::string lie_about(const std::string& line) {
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    auto* o = ec ? nullptr : v.if_object();
    if (o && kind_ == Lie::headers) return lie_about_tip(*o) ? boost::json::serialize(v) + "\n" : line;
    auto* result = o ? o->if_contains("result") : nullptr;
    auto* merkle = result && result->is_object() ? result->get_object().if_contains("merkle") : nullptr;
    if (!merkle || !merkle->is_array() || merkle->get_array().empty()) return line;
    std::string h(merkle->get_array()[0].as_string());
    h[0] = h[0] == '0' ? '1' : '0';
    merkle->get_array()[0] = boost::json::string(h);
    ++lies_;
    return boost::json::serialize(v) + "\n";
  }

  // A tip header ({"height", "hex"}) whose previous-block hash is changed: it no longer links.
  bool lie_about_tip(boost::json::object& o) {
    boost::json::value* tip = o.if_contains("result");
    if (auto* params = o.if_contains("params"); params && params->is_array() && !params->get_array().empty())
      tip = &params->get_array()[0];
    auto* t = tip ? tip->if_object() : nullptr;
    auto* hex = t && t->contains("height") ? t->if_contains("hex") : nullptr;
    if (!hex || !hex->is_string() || hex->get_string().size() < 72) return false;
    std::string h(hex->get_string());
    h[8] = h[8] == '0' ? '1' : '0';  // the first byte of the previous block's hash
    *hex = boost::json::string(h);
    ++lies_;
    return true;
  }

  std::uint16_t upstream_;
  Lie kind_;
  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> lying_{true};
  std::atomic<int> connections_{0}, lies_{0};
};

}  // namespace coinkit::test
