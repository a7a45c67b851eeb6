// Test fixture: a regtest Node<BtcPolicy> served by RpcServer on 127.0.0.1 (a port the OS picks),
// its io_context on a thread, and a keep-alive HTTP client speaking JSON-RPC to it.
#pragma once

#include <coinkit/coins/btc.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_server.hpp>
#include <coinkit/rpc/bitcoind.hpp>

#include <coinkit/net/http_client.hpp>
#include <support/temp_dir.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

namespace coinkit::test {

namespace json = boost::json;
using net::HttpClient;
using regtest::Node;
using regtest::RpcServer;
using regtest::RpcServerOptions;

// A fresh directory under the system temp dir, removed when the object dies.

// What a JSON-RPC call came back with: the HTTP status and the parsed body (null for 204).
struct RpcResponse {
  unsigned status = 0;
  json::value body;
  std::string text;
};

// A JSON-RPC error seen by RpcFixture::call.
struct RpcFailure : std::runtime_error {
  unsigned status;
  std::int64_t code;
  std::string message;
  RpcFailure(unsigned s, std::int64_t c, std::string m)
      : std::runtime_error("RPC error " + std::to_string(c) + ": " + m), status(s), code(c), message(std::move(m)) {}
};

class RpcFixture {
 public:
  explicit RpcFixture(RpcServerOptions options = default_options(), Node<BtcPolicy>::Options node_options = {})
      : node_(std::make_unique<Node<BtcPolicy>>(std::move(node_options))) {
    server_ = std::make_unique<RpcServer>(io_.get_executor(), *node_, std::move(options));
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
    client_ = std::make_unique<HttpClient>(port());
  }
  ~RpcFixture() { shutdown(); }

  static RpcServerOptions default_options() {
    RpcServerOptions o;
    o.user = "user";
    o.password = "pass";
    o.rest = true;
    return o;
  }

  // Stops the server on its own thread and joins it (idempotent).
  void shutdown() {
    if (!thread_.joinable()) return;
    client_.reset();
    boost::asio::post(io_, [this] {
      server_->stop();
      io_.stop();
    });
    thread_.join();
  }

  Node<BtcPolicy>& node() { return *node_; }
  RpcServer& server() { return *server_; }
  unsigned short port() const { return server_->local_endpoint().port(); }
  HttpClient& http() { return *client_; }

  HttpClient::Headers auth() const {
    return {{"Authorization", server_->authorization()}, {"Content-Type", "application/json"}};
  }

  // Posts a raw body to `path` ("/", or "/wallet/<name>" for a wallet) with our credentials.
  RpcResponse post(const std::string& body, const std::string& path = "/") {
    auto res = client_->post(path, body, auth());
    RpcResponse out;
    out.status = res.result_int();
    out.text = res.body();
    if (!out.text.empty()) out.body = json::parse(out.text);
    return out;
  }

  static std::string request(const std::string& method, const json::value& params, const json::value& id = 1) {
    return json::serialize(json::object{{"method", method}, {"params", params}, {"id", id}});
  }

  // The result of a JSON-RPC 1.0 call; throws RpcFailure on an error reply.
  json::value call(const std::string& method, const json::value& params = json::array(),
                   const std::string& path = "/") {
    RpcResponse r = post(request(method, params), path);
    const json::object& o = r.body.as_object();
    if (!o.at("error").is_null()) {
      const json::object& e = o.at("error").as_object();
      throw RpcFailure{r.status, e.at("code").as_int64(), std::string(e.at("message").as_string())};
    }
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(o.at("id") == json::value(1));
    return o.at("result");
  }

  // The error of a call that must fail.
  RpcFailure fail(const std::string& method, const json::value& params = json::array(), const std::string& path = "/") {
    try {
      call(method, params, path);
    } catch (const RpcFailure& f) {
      return f;
    }
    BOOST_FAIL("call to " + method + " did not fail");
    return {0, 0, {}};
  }

 private:
  boost::asio::io_context io_;
  std::unique_ptr<Node<BtcPolicy>> node_;
  std::unique_ptr<RpcServer> server_;
  std::thread thread_;
  std::unique_ptr<HttpClient> client_;
};

// The error of `call` must carry `code` and `message` exactly (HTTP status per bitcoind).
inline void check_rpc_error(RpcFixture& f, const std::string& method, const json::value& params,
                            std::int64_t expected_code, const std::string& expected_message,
                            const std::string& path = "/") {
  BOOST_TEST_CONTEXT(path << " " << method << " " << json::serialize(params)) {
    const RpcFailure e = f.fail(method, params, path);
    BOOST_TEST(e.code == expected_code);
    BOOST_TEST(e.message == expected_message);
    const unsigned status = expected_code == -32600 ? 400 : expected_code == -32601 ? 404 : 500;
    BOOST_TEST(e.status == status);
  }
}

}  // namespace coinkit::test
