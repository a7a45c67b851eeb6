// Tests daemon/config.hpp: every COIN_ variable's default, accepted values and rejections.
#include <coinkit/daemon/config.hpp>

#include <coinkit/coins/bch.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/coins/ltc.hpp>

#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

using namespace coinkit;

namespace {

// The rejection of one variable, checked in full: code, variable, value and message.
void check_rejected(const Environment& env, error_code code, const std::string& variable, const std::string& value,
                    const std::string& message) {
  auto r = parse_daemon_config<BtcPolicy>(env);
  BOOST_TEST_REQUIRE(r.has_error());
  BOOST_TEST(r.error().code == code);
  BOOST_TEST(r.error().variable == variable);
  BOOST_TEST(r.error().value == value);
  BOOST_TEST(r.error().message() == message);
  BOOST_CHECK_EXCEPTION(load_daemon_config<BtcPolicy>(env), ConfigException, [&](const ConfigException& e) {
    return e.code() == code && std::string(e.what()) == message && e.error().variable == variable;
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(daemon_config)

BOOST_AUTO_TEST_CASE(defaults_follow_bitcart) {
  const DaemonConfig c = load_daemon_config<BtcPolicy>(Environment{});
  BOOST_TEST(c.coin == "BTC");
  BOOST_TEST(c.host == "127.0.0.1");
  BOOST_TEST(c.port == 5000);
  BOOST_TEST(c.login == "electrum");
  BOOST_TEST(c.password == "electrumz");
  BOOST_TEST(c.data_path.empty());
  BOOST_TEST(!c.debug);
  BOOST_TEST(to_string(c.network) == "mainnet");
  BOOST_TEST(c.polling_cap == 100u);
  BOOST_TEST(c.server.empty());
  BOOST_TEST(!c.oneserver);
  BOOST_TEST(!c.proxy.has_value());
  BOOST_TEST(!c.experimental_nosync);
}

BOOST_AUTO_TEST_CASE(prefix_and_port_per_coin) {
  BOOST_TEST(load_daemon_config<LtcPolicy>(Environment{}).port == 5001);
  BOOST_TEST(load_daemon_config<LtcPolicy>(Environment{}).coin == "LTC");
  BOOST_TEST(load_daemon_config<BchPolicy>(Environment{}).port == 5004);
  BOOST_TEST(load_daemon_config<BchPolicy>(Environment{}).coin == "BCH");
  // Each coin reads its own prefix only.
  const Environment env{{"BTC_PORT", "7000"}, {"BCH_PORT", "7004"}};
  BOOST_TEST(load_daemon_config<BtcPolicy>(env).port == 7000);
  BOOST_TEST(load_daemon_config<BchPolicy>(env).port == 7004);
  BOOST_TEST(load_daemon_config<LtcPolicy>(env).port == 5001);
}

BOOST_AUTO_TEST_CASE(every_variable_is_read) {
  const Environment env{{"BTC_HOST", "0.0.0.0"},
                        {"BTC_PORT", "0"},
                        {"BTC_LOGIN", "merchant"},
                        {"BTC_PASSWORD", "p:a:ss"},
                        {"BTC_DATA_PATH", "/tmp/coinkit-btc"},
                        {"BTC_DEBUG", "YES"},
                        {"BTC_NETWORK", "regtest"},
                        {"BTC_POLLING_CAP", "0"},
                        {"BTC_SERVER", "127.0.0.1:51002:s"},
                        {"BTC_ONESERVER", "on"},
                        {"BTC_PROXY_URL", "socks5://user:secret@[::1]:9050"},
                        {"BTC_EXPERIMENTAL_NOSYNC", "1"}};
  const DaemonConfig c = load_daemon_config<BtcPolicy>(env);
  BOOST_TEST(c.host == "0.0.0.0");
  BOOST_TEST(c.port == 0);
  BOOST_TEST(c.login == "merchant");
  BOOST_TEST(c.password == "p:a:ss");  // only the login cannot hold ':'
  BOOST_TEST(c.data_path == "/tmp/coinkit-btc");
  BOOST_TEST(c.debug);
  BOOST_TEST(to_string(c.network) == "regtest");
  BOOST_TEST(c.polling_cap == 0u);
  BOOST_TEST(c.server == "127.0.0.1:51002:s");
  BOOST_TEST(c.oneserver);
  BOOST_TEST_REQUIRE(c.proxy.has_value());
  BOOST_TEST(c.proxy->scheme == "socks5");
  BOOST_TEST(c.proxy->host == "::1");
  BOOST_TEST(c.proxy->port == 9050);
  BOOST_TEST(c.proxy->user == "user");
  BOOST_TEST(c.proxy->password == "secret");
  BOOST_TEST(c.experimental_nosync);
}

BOOST_AUTO_TEST_CASE(in_docker_binds_all_interfaces) {
  BOOST_TEST(load_daemon_config<BtcPolicy>(Environment{{"IN_DOCKER", "1"}}).host == "0.0.0.0");
  BOOST_TEST(load_daemon_config<BtcPolicy>(Environment{{"IN_DOCKER", ""}}).host == "127.0.0.1");
  BOOST_TEST(load_daemon_config<BtcPolicy>(Environment{{"IN_DOCKER", "1"}, {"BTC_HOST", "::1"}}).host == "::1");
}

BOOST_AUTO_TEST_CASE(booleans_as_decouple_casts_them) {
  const std::pair<const char*, bool> cases[] = {{"true", true}, {"True", true}, {"TRUE", true},   {"1", true},
                                                {"yes", true},  {"on", true},   {"false", false}, {"0", false},
                                                {"no", false},  {"off", false}, {"", false},      {"Off", false}};
  for (const auto& [text, expected] : cases) {
    for (const char* variable : {"BTC_DEBUG", "BTC_ONESERVER", "BTC_EXPERIMENTAL_NOSYNC"}) {
      const DaemonConfig c = load_daemon_config<BtcPolicy>(Environment{{variable, text}});
      const bool got = std::string_view(variable) == "BTC_DEBUG"       ? c.debug
                       : std::string_view(variable) == "BTC_ONESERVER" ? c.oneserver
                                                                       : c.experimental_nosync;
      BOOST_TEST(got == expected, variable << "=" << text);
    }
  }
  for (const char* variable : {"BTC_DEBUG", "BTC_ONESERVER", "BTC_EXPERIMENTAL_NOSYNC"})
    check_rejected(
        Environment{{variable, "maybe"}}, config::error::invalid_boolean, variable, "maybe",
        std::string(variable) + "=maybe: not a boolean (true/false, yes/no, on/off, 1/0) (expected true or false)");
}

BOOST_AUTO_TEST_CASE(networks_of_the_coin) {
  for (const char* name : {"mainnet", "testnet", "regtest", "signet"})
    BOOST_TEST(to_string(load_daemon_config<BtcPolicy>(Environment{{"BTC_NETWORK", name}}).network) == name);
  check_rejected(
      Environment{{"BTC_NETWORK", "moon"}}, config::error::unknown_network, "BTC_NETWORK", "moon",
      "BTC_NETWORK=moon: unknown network for this coin (expected one of: mainnet, testnet, regtest, signet)");
  check_rejected(Environment{{"BTC_NETWORK", "Mainnet"}}, config::error::unknown_network, "BTC_NETWORK", "Mainnet",
                 "BTC_NETWORK=Mainnet: unknown network for this coin (expected one of: mainnet, testnet, regtest, "
                 "signet)");
  // Bitcoin Cash has no signet.
  auto bch = parse_daemon_config<BchPolicy>(Environment{{"BCH_NETWORK", "signet"}});
  BOOST_TEST_REQUIRE(bch.has_error());
  BOOST_TEST(bch.error().message() ==
             "BCH_NETWORK=signet: unknown network for this coin (expected one of: mainnet, testnet, regtest)");
}

BOOST_AUTO_TEST_CASE(ports) {
  BOOST_TEST(load_daemon_config<BtcPolicy>(Environment{{"BTC_PORT", "65535"}}).port == 65535);
  check_rejected(Environment{{"BTC_PORT", "abc"}}, config::error::invalid_integer, "BTC_PORT", "abc",
                 "BTC_PORT=abc: not a decimal integer (expected a port number 0-65535)");
  check_rejected(Environment{{"BTC_PORT", "65536"}}, config::error::integer_out_of_range, "BTC_PORT", "65536",
                 "BTC_PORT=65536: integer out of range (expected a port number 0-65535)");
  check_rejected(Environment{{"BTC_PORT", "-1"}}, config::error::invalid_integer, "BTC_PORT", "-1",
                 "BTC_PORT=-1: not a decimal integer (expected a port number 0-65535)");
  check_rejected(Environment{{"BTC_PORT", ""}}, config::error::invalid_integer, "BTC_PORT", "",
                 "BTC_PORT=: not a decimal integer (expected a port number 0-65535)");
  check_rejected(Environment{{"BTC_PORT", " 5000"}}, config::error::invalid_integer, "BTC_PORT", " 5000",
                 "BTC_PORT= 5000: not a decimal integer (expected a port number 0-65535)");
  check_rejected(Environment{{"BTC_PORT", "99999999999999999999999"}}, config::error::invalid_integer, "BTC_PORT",
                 "99999999999999999999999",
                 "BTC_PORT=99999999999999999999999: not a decimal integer (expected a port number 0-65535)");
}

BOOST_AUTO_TEST_CASE(polling_cap) {
  BOOST_TEST(load_daemon_config<BtcPolicy>(Environment{{"BTC_POLLING_CAP", "5"}}).polling_cap == 5u);
  check_rejected(Environment{{"BTC_POLLING_CAP", "lots"}}, config::error::invalid_integer, "BTC_POLLING_CAP", "lots",
                 "BTC_POLLING_CAP=lots: not a decimal integer (expected a number of events 0-1000000)");
  check_rejected(Environment{{"BTC_POLLING_CAP", "1000001"}}, config::error::integer_out_of_range, "BTC_POLLING_CAP",
                 "1000001", "BTC_POLLING_CAP=1000001: integer out of range (expected a number of events 0-1000000)");
}

BOOST_AUTO_TEST_CASE(hosts) {
  for (const char* host : {"127.0.0.1", "0.0.0.0", "::", "::1", "fe80::1", "localhost", "192.168.1.254"})
    BOOST_TEST(load_daemon_config<BtcPolicy>(Environment{{"BTC_HOST", host}}).host == host);
  for (const char* host : {"", "example.com", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "::g"})
    check_rejected(
        Environment{{"BTC_HOST", host}}, daemon::error::invalid_host, "BTC_HOST", host,
        std::string("BTC_HOST=") + host + ": not an IP address (expected an IP address such as 127.0.0.1 or 0.0.0.0)");
}

BOOST_AUTO_TEST_CASE(login_cannot_hold_a_colon) {
  check_rejected(Environment{{"BTC_LOGIN", "a:b"}}, daemon::error::invalid_login, "BTC_LOGIN", "a:b",
                 "BTC_LOGIN=a:b: login must not contain ':' (expected a login without ':')");
}

BOOST_AUTO_TEST_CASE(servers) {
  for (const char* server : {"", "127.0.0.1:51002:s", "electrum.example.org:50001:t", "[::1]:50002:s"})
    BOOST_TEST(load_daemon_config<BtcPolicy>(Environment{{"BTC_SERVER", server}}).server == server);
  for (const char* server : {"127.0.0.1:51002", "127.0.0.1:51002:x", ":51002:s", "host:0:s", "host:port:s", "s"})
    check_rejected(Environment{{"BTC_SERVER", server}}, daemon::error::invalid_server, "BTC_SERVER", server,
                   std::string("BTC_SERVER=") + server +
                       ": not a server of the form host:port:s or host:port:t (expected host:port:s or host:port:t, "
                       "e.g. 127.0.0.1:51002:s)");
}

BOOST_AUTO_TEST_CASE(proxy_urls) {
  auto c = load_daemon_config<BtcPolicy>(Environment{{"BTC_PROXY_URL", "socks4://10.0.0.1:1080/"}});
  BOOST_TEST_REQUIRE(c.proxy.has_value());
  BOOST_TEST(c.proxy->scheme == "socks4");
  BOOST_TEST(c.proxy->host == "10.0.0.1");
  BOOST_TEST(c.proxy->port == 1080);
  BOOST_TEST(c.proxy->user.empty());
  c = load_daemon_config<BtcPolicy>(Environment{{"BTC_PROXY_URL", "http://bob@proxy:3128"}});
  BOOST_TEST(c.proxy->scheme == "http");
  BOOST_TEST(c.proxy->user == "bob");
  BOOST_TEST(c.proxy->password.empty());
  BOOST_TEST(!load_daemon_config<BtcPolicy>(Environment{{"BTC_PROXY_URL", ""}}).proxy.has_value());
  for (const char* url : {"proxy:1080", "ftp://proxy:1080", "socks5://proxy", "socks5://:1080", "socks5://proxy:0",
                          "socks5://proxy:1080/path", "socks5://proxy:99999"})
    check_rejected(Environment{{"BTC_PROXY_URL", url}}, daemon::error::invalid_proxy_url, "BTC_PROXY_URL", url,
                   std::string("BTC_PROXY_URL=") + url +
                       ": not a proxy URL of the form socks5://[user:password@]host:port (expected "
                       "socks4|socks5|http://[user[:password]@]host:port)");
}

BOOST_AUTO_TEST_CASE(error_category) {
  const error_code ec = daemon::error::invalid_host;
  BOOST_TEST(std::string(ec.category().name()) == "coinkit.daemon");
  BOOST_TEST(ec.message() == "not an IP address");
  const error_code network = config::error::unknown_network;
  BOOST_TEST(std::string(network.category().name()) == "coinkit.config");
  BOOST_TEST(network.message() == "unknown network for this coin");
}

// docs/configuration.md is generated from daemon_variables: the loader reads exactly those (with
// the coin's prefix) and the unprefixed ones, so no variable goes undocumented.
BOOST_AUTO_TEST_CASE(the_reference_lists_every_variable_read) {
  for (const std::string prefix : {"BTC_", "BCH_"}) {
    Environment env;
    env.record_lookups();
    if (prefix == "BTC_")
      (void)parse_daemon_config<BtcPolicy>(env);
    else
      (void)parse_daemon_config<BchPolicy>(env);
    std::set<std::string, std::less<>> documented;
    for (const auto& v : daemon_variables) documented.emplace(prefix + std::string(v.name));
    for (const auto& v : daemon_unprefixed_variables) documented.emplace(v.name);
    for (const auto& name : env.lookups()) BOOST_TEST(documented.contains(name), name << " is read but not documented");
    for (const auto& name : documented)
      BOOST_TEST(env.lookups().contains(name), name << " is documented but never read");
  }
}

BOOST_AUTO_TEST_SUITE_END()
