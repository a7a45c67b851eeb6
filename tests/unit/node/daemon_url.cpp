#include <coinkit/node/daemon_url.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

using namespace coinkit;
using namespace coinkit::node;

namespace {

NodeOptions parse(std::string_view url, std::uint16_t default_port = 8332) {
  auto r = parse_daemon_url(url, default_port);
  BOOST_REQUIRE_MESSAGE(r.has_value(), std::string(url) << ": " << r.error().message());
  return *r;
}

void check(std::string_view url, std::string_view host, std::uint16_t port, std::string_view user = "",
           std::string_view password = "") {
  BOOST_TEST_CONTEXT(url) {
    const NodeOptions o = parse(url);
    BOOST_TEST(o.host == host);
    BOOST_TEST(o.port == port);
    BOOST_TEST(o.user == user);
    BOOST_TEST(o.password == password);
    BOOST_TEST(o.cookie_file.empty());
  }
}

void check_error(std::string_view url, node::error expected, std::uint16_t default_port = 8332) {
  BOOST_TEST_CONTEXT(url) {
    auto r = parse_daemon_url(url, default_port);
    BOOST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error() == make_error_code(expected));
    BOOST_TEST(!r.error().message().empty());
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(daemon_url)

// The forms ElectrumX's docs give for DAEMON_URL.
BOOST_AUTO_TEST_CASE(electrumx_forms) {
  check("http://user:pass@host:18332/", "host", 18332, "user", "pass");
  check("http://user:pass@127.0.0.1:8332", "127.0.0.1", 8332, "user", "pass");
  check("user:pass@127.0.0.1:18443", "127.0.0.1", 18443, "user", "pass");
  check("user:pass@localhost", "localhost", 8332, "user", "pass");
  check("user:pass@localhost/", "localhost", 8332, "user", "pass");
  check("127.0.0.1:18443", "127.0.0.1", 18443);  // credentials from a cookie file
  check("bitcoind", "bitcoind", 8332);
  check("[::1]:18443", "::1", 18443);
  check("http://rpc:pw@[2001:db8::7]/", "2001:db8::7", 8332, "rpc", "pw");
  check("  HTTP://u:p@h:1  \n", "h", 1, "u", "p");
}

BOOST_AUTO_TEST_CASE(credentials) {
  check("u:p:q@h:1", "h", 1, "u", "p:q");                // the password may hold ':'
  check("u:p@ss@h:1", "h", 1, "u", "p@ss");              // the last '@' ends the credentials, as ElectrumX's ".+@"
  check("u%40x:p%2F%3a%25@h:1", "h", 1, "u@x", "p/:%");  // percent-encoded
  check("__cookie__:@h:1", "h", 1, "__cookie__", "");    // empty password: cookie login
  NodeOptions o = parse("u:p@h:2");
  BOOST_TEST(o.use_rest);
  BOOST_TEST(o.connections == 4u);
  BOOST_TEST(o.timeout.count() == 30000);
}

BOOST_AUTO_TEST_CASE(malformed) {
  check_error("", node::error::empty_daemon_url);
  check_error("   ", node::error::empty_daemon_url);
  check_error("https://u:p@h:1/", node::error::unsupported_url_scheme);
  check_error("zmq://h:1", node::error::unsupported_url_scheme);
  check_error("user@h:1", node::error::invalid_url_credentials);
  check_error(":p@h:1", node::error::invalid_url_credentials);
  check_error("u:p%2@h:1", node::error::invalid_url_credentials);
  check_error("u:p%zz@h:1", node::error::invalid_url_credentials);
  check_error("u:p@", node::error::invalid_url_host);
  check_error("u:p@:8332", node::error::invalid_url_host);
  check_error("::1", node::error::invalid_url_host);
  check_error("::1:18443", node::error::invalid_url_host);
  check_error("[::1", node::error::invalid_url_host);
  check_error("[]:1", node::error::invalid_url_host);
  check_error("[nothex]:1", node::error::invalid_url_host);
  check_error("[::1]x", node::error::invalid_url_host);
  check_error("h st:1", node::error::invalid_url_host);
  check_error("h:", node::error::invalid_url_port);
  check_error("[::1]:", node::error::invalid_url_port);
  check_error("h:0", node::error::invalid_url_port);
  check_error("h:65536", node::error::invalid_url_port);
  check_error("h:123456", node::error::invalid_url_port);
  check_error("h:80a", node::error::invalid_url_port);
  check_error("h:-1", node::error::invalid_url_port);
  check_error("h", node::error::invalid_url_port, 0);  // no port and no default
  check_error("http://u:p@h:1/wallet/x", node::error::invalid_url_path);
  BOOST_TEST(parse_daemon_url("h:65535", 0).value().port == 65535);
}

BOOST_AUTO_TEST_SUITE_END()
