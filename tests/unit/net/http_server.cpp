// Tests net/http_server.hpp and net/basic_auth.hpp over real loopback connections.
#include <coinkit/net/basic_auth.hpp>
#include <coinkit/net/http_server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <thread>

#include <coinkit/net/http_client.hpp>

using namespace coinkit;
using namespace coinkit::net;

namespace {

// A server on 127.0.0.1 with an OS-chosen port, run on its own thread for one test.
struct ServerFixture {
  asio::io_context io;
  HttpServer server;
  std::thread thread;

  explicit ServerFixture(HttpServer::Handler handler, HttpServerOptions options = {})
      : server(io.get_executor(), std::move(handler), options) {
    server.listen({asio::ip::make_address("127.0.0.1"), 0});
    thread = std::thread([this] { io.run(); });
  }
  ~ServerFixture() {
    asio::post(io, [this] { server.stop(); });
    io.stop();
    thread.join();
  }
  unsigned short port() const { return server.local_endpoint().port(); }
};

asio::awaitable<Response> echo(Request& req) {
  co_return make_response(req, http::status::ok, std::string(req.target()) + ":" + req.body(), "text/plain");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_server)

BOOST_AUTO_TEST_CASE(keep_alive_serves_many_requests_on_one_connection) {
  ServerFixture f(echo);
  net::HttpClient client(f.port());
  for (int i = 0; i < 50; ++i) {
    auto res = client.post("/x", std::to_string(i));
    BOOST_TEST(res.result_int() == 200);
    BOOST_TEST(res.body() == "/x:" + std::to_string(i));
  }
}

BOOST_AUTO_TEST_CASE(oversized_body_is_refused_and_others_still_served) {
  HttpServerOptions options;
  options.body_limit = 1000;
  ServerFixture f(echo, options);
  net::HttpClient big(f.port());
  auto res = big.post("/", std::string(5000, 'a'));
  BOOST_TEST(res.result_int() == 413);
  BOOST_TEST(!res.keep_alive());
  net::HttpClient other(f.port());
  BOOST_TEST(other.post("/", "ok").body() == "/:ok");
}

BOOST_AUTO_TEST_CASE(custom_error_response) {
  HttpServerOptions options;
  options.body_limit = 10;
  ServerFixture f(echo, options);
  f.server.on_error(
      [](const Request& req, http::status status) { return make_response(req, status, R"({"error":"too large"})"); });
  net::HttpClient client(f.port());
  auto res = client.post("/", std::string(100, 'a'));
  BOOST_TEST(res.result_int() == 413);
  BOOST_TEST(res.body() == R"({"error":"too large"})");
}

BOOST_AUTO_TEST_CASE(handler_exception_is_a_500_not_a_leak) {
  ServerFixture f([](Request&) -> asio::awaitable<Response> {
    throw std::runtime_error("bug");
    co_return Response{};
  });
  net::HttpClient client(f.port());
  BOOST_TEST(client.post("/", "").result_int() == 500);
}

BOOST_AUTO_TEST_CASE(stop_closes_open_connections) {
  auto f = std::make_unique<ServerFixture>(echo);
  net::HttpClient client(f->port());
  BOOST_TEST(client.post("/", "a").result_int() == 200);
  f.reset();
  BOOST_CHECK_THROW(client.post("/", "b"), boost::system::system_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(basic_auth)

BOOST_AUTO_TEST_CASE(parse_and_check) {
  const std::string header = basic_authorization("electrum", "electrumz");
  BOOST_TEST(header == "Basic ZWxlY3RydW06ZWxlY3RydW16");
  BOOST_TEST(check_basic_auth(header, "electrum", "electrumz"));
  BOOST_TEST(check_basic_auth("basic  ZWxlY3RydW06ZWxlY3RydW16 ", "electrum", "electrumz"));
  BOOST_TEST(!check_basic_auth(header, "electrum", "electrum"));
  BOOST_TEST(!check_basic_auth(header, "electrumz", "electrumz"));
  BOOST_TEST(!check_basic_auth("Bearer ZWxlY3RydW06ZWxlY3RydW16", "electrum", "electrumz"));
  BOOST_TEST(!check_basic_auth("Basic !!!!", "electrum", "electrumz"));
  BOOST_TEST(!check_basic_auth("Basic " + base64_encode(as_bytes("nocolon")), "nocolon", ""));
  const auto c = parse_basic_auth("Basic " + base64_encode(as_bytes("user:pass:with:colons")));
  BOOST_REQUIRE(c);
  BOOST_TEST(c->password == "pass:with:colons");
}

BOOST_AUTO_TEST_CASE(base64_rfc4648_vectors) {
  const std::pair<const char*, const char*> cases[] = {{"", ""},
                                                       {"f", "Zg=="},
                                                       {"fo", "Zm8="},
                                                       {"foo", "Zm9v"},
                                                       {"foob", "Zm9vYg=="},
                                                       {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : cases) {
    BOOST_TEST(base64_encode(as_bytes(plain)) == encoded);
    BOOST_TEST(as_chars(*base64_decode(encoded)) == plain);
  }
  BOOST_TEST(base64_decode("Zm9").error() == core::error::wrong_length);
  BOOST_TEST(base64_decode("Zm=v").error() == core::error::invalid_base64_character);
  BOOST_TEST(base64_decode("Zg==Zg==").error() == core::error::invalid_base64_character);
}

BOOST_AUTO_TEST_SUITE_END()
