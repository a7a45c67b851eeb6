// A daemon built on BaseDaemon for the daemon tests, a fixture running it on its own thread and
// a blocking websocket client with Basic auth.
#pragma once

#include <coinkit/daemon/base_daemon.hpp>
#include <coinkit/net/http_client.hpp>

#include <coinkit/coins/btc.hpp>
#include <coinkit/core/amount.hpp>
#include <coinkit/core/base64.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <future>
#include <optional>
#include <string>
#include <thread>

namespace coinkit::test {

namespace json = boost::json;

// A few cheap methods, one of them needing a wallet. Keys starting with "bad" fail to load.
template <class Derived>
class TestDaemonBase : public BaseDaemon<Derived> {
 public:
  using Coin = BtcPolicy;
  using BaseDaemon<Derived>::BaseDaemon;

  std::string echo(std::string text, std::int64_t count, bool upper) {
    std::string out;
    for (std::int64_t i = 0; i < count; ++i) out += text;
    if (upper)
      for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    return out;
  }
  std::int64_t add(std::int64_t a, std::int64_t b) { return a + b; }
  Amount twice(Amount amount) { return Amount{amount.units * 2}; }
  std::nullptr_t nothing() { return nullptr; }
  void fail(std::string message) { throw rpc::fault_error(message); }
  json::object getbalance(const rpc::Call& call) {
    json::object o;
    o.emplace("confirmed", "1.5");
    o.emplace("wallet", call.wallet().key());
    o.emplace("diskless", call.wallet().diskless());
    return o;
  }

  void load_wallet(const rpc::WalletSelector& wallet) {
    if (wallet.xpub.starts_with("bad")) throw rpc::fault_error("Exception: Seed or key not recognized");
  }
  json::object capabilities() const {
    json::object c;
    c.emplace("lightning", false);
    return c;
  }

  static constexpr auto rpc_methods() {
    using Self = TestDaemonBase;
    return rpc::extend(BaseDaemon<Derived>::rpc_methods(),
                       rpc::method<&Self::echo>("echo", rpc::no_flags, "Repeat text.", rpc::arg("text"),
                                                rpc::arg("count", 1), rpc::arg("upper", false)),
                       rpc::method<&Self::add>("add", rpc::no_flags, "Add two integers.", rpc::arg("a"), rpc::arg("b")),
                       rpc::method<&Self::twice>("twice", rpc::no_flags, "Double an amount.", rpc::arg("amount")),
                       rpc::method<&Self::nothing>("nothing", rpc::no_flags, "Return null."),
                       rpc::method<&Self::fail>("fail", rpc::no_flags, "Fail with a message.", rpc::arg("message")),
                       rpc::method<&Self::getbalance>("getbalance", rpc::requires_wallet, "The wallet's balance."));
  }
};

class TestDaemon final : public TestDaemonBase<TestDaemon> {
 public:
  using TestDaemonBase<TestDaemon>::TestDaemonBase;
};

// Runs a daemon on 127.0.0.1 with an OS-chosen port on its own thread for one test.
template <class Daemon = TestDaemon>
struct DaemonFixture {
  Daemon daemon;
  std::thread thread;

  explicit DaemonFixture(Environment env = {}, DaemonServerOptions options = {})
      : daemon(env.set("BTC_PORT", "0"), options) {
    daemon.start();
    thread = std::thread([this] { daemon.io_context().run(); });
  }
  ~DaemonFixture() {
    daemon.stop();
    thread.join();
  }
  unsigned short port() const { return daemon.local_endpoint().port(); }

  // Runs `f` on the daemon's thread and returns its result.
  template <class F>
  auto on_daemon(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(daemon.io_context(), [&task] { task(); });
    return result.get();
  }
};

using net::HttpClient;

inline std::string auth_header(const std::string& login = "electrum", const std::string& password = "electrumz") {
  return net::basic_authorization(login, password);
}

inline HttpClient::Headers auth() { return {{"Authorization", auth_header()}}; }

// POSTs a JSON-RPC body with the default credentials and returns the reply body.
inline std::string call(HttpClient& client, const std::string& body) {
  auto res = client.post("/", body, auth());
  BOOST_TEST(res.result_int() == 200);
  return res.body();
}

// A websocket client; every wait is bounded by `timeout` (then the read fails the test).
class WsClient {
 public:
  explicit WsClient(unsigned short port, const std::string& authorization = auth_header(),
                    std::chrono::seconds timeout = std::chrono::seconds(10))
      : ws_(io_), timeout_(timeout) {
    auto& tcp = boost::beast::get_lowest_layer(ws_);
    tcp.expires_after(timeout_);
    tcp.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    ws_.set_option(
        boost::beast::websocket::stream_base::decorator([authorization](boost::beast::websocket::request_type& req) {
          if (!authorization.empty()) req.set(boost::beast::http::field::authorization, authorization);
        }));
  }

  // The handshake's error (the server answers an unauthorized upgrade with plain HTTP).
  boost::system::error_code handshake(boost::beast::websocket::response_type& res) {
    boost::system::error_code ec;
    ws_.handshake(res, "127.0.0.1", "/ws", ec);
    return ec;
  }
  void handshake() {
    boost::beast::websocket::response_type res;
    auto ec = handshake(res);
    BOOST_TEST_REQUIRE(!ec, ec.message());
  }

  void send(const std::string& text) { ws_.write(boost::asio::buffer(text)); }

  // The next text frame, or the error that ended the wait.
  std::string read(boost::system::error_code& ec) {
    std::string out;
    bool done = false;
    boost::beast::get_lowest_layer(ws_).expires_after(timeout_);
    ws_.async_read(buffer_, [&](boost::system::error_code e, std::size_t) {
      ec = e;
      done = true;
      if (!e) out = boost::beast::buffers_to_string(buffer_.data());
      buffer_.consume(buffer_.size());
    });
    io_.restart();
    io_.run();
    BOOST_TEST_REQUIRE(done);
    return out;
  }
  std::string read() {
    boost::system::error_code ec;
    std::string s = read(ec);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    return s;
  }

  boost::beast::websocket::stream<boost::beast::tcp_stream>& stream() { return ws_; }

 private:
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::chrono::seconds timeout_;
};

}  // namespace coinkit::test
