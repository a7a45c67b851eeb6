#include <coinkit/electrum/config.hpp>

#include <coinkit/coins/btc.hpp>
#include <coinkit/coins/ltc.hpp>

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

using namespace coinkit;
using namespace coinkit::electrum;

namespace {
using Vars = std::map<std::string, std::string, std::less<>>;

Environment env_of(const Vars& vars) {
  Environment env;
  for (const auto& [name, value] : vars) env.set(name, value);
  return env;
}

Vars minimal() { return {{"DAEMON_URL", "http://u:p@127.0.0.1:8332"}, {"DB_DIRECTORY", "/tmp/db"}}; }

// The variable the first error names, or "" when the configuration loads.
std::string rejected(Vars vars) {
  auto r = load_server_config<BtcPolicy>(env_of(vars));
  return r ? "" : r.error().variable;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(defaults_are_electrumx_defaults) {
  const ServerConfig c = load_server_config<BtcPolicy>(env_of(minimal())).value();
  BOOST_TEST(c.coin == "Bitcoin");
  BOOST_TEST((c.network == NetworkId::mainnet));
  BOOST_TEST(c.cache_mb == 1200u);
  BOOST_TEST(c.reorg_limit == 200);
  BOOST_TEST(c.max_sessions == 1000u);
  BOOST_TEST(c.max_send == 8'100'000u);
  BOOST_TEST(c.max_recv == 1'000'000u);
  BOOST_TEST(c.cost.soft_limit == 1000.0);
  BOOST_TEST(c.cost.hard_limit == 10000.0);
  BOOST_TEST(c.cost.request_sleep.count() == 2500);
  BOOST_TEST(c.session_timeout.count() == 600'000);
  BOOST_TEST(c.request_timeout.count() == 30'000);
  BOOST_TEST(c.daemon_poll_interval_blocks.count() == 5000);
  BOOST_TEST(c.services.empty());
  BOOST_TEST((c.log_level == LogLevel::info));
}

BOOST_AUTO_TEST_CASE(reads_every_variable) {
  Vars v = minimal();
  v["COIN"] = "BTC";
  v["NET"] = "regtest";
  v["SERVICES"] = "tcp://:50001, ssl://0.0.0.0:50002,ws://[::1]:50003,wss://example.com:50004,rpc://,http://:9100";
  v["REPORT_SERVICES"] = "tcp://example.com:50001,ssl://example.com:50002";
  v["CACHE_MB"] = "500";
  v["REORG_LIMIT"] = "800";
  v["MAX_SESSIONS"] = "20";
  v["MAX_SEND"] = "2000000";
  v["MAX_RECV"] = "5000";
  v["COST_SOFT_LIMIT"] = "0";
  v["COST_HARD_LIMIT"] = "0";
  v["REQUEST_SLEEP"] = "100";
  v["BANDWIDTH_UNIT_COST"] = "1000";
  v["SESSION_TIMEOUT"] = "30";
  v["REQUEST_TIMEOUT"] = "5";
  v["SEND_TIMEOUT"] = "7";
  v["DAEMON_POLL_INTERVAL_BLOCKS"] = "250";
  v["DAEMON_POLL_INTERVAL_MEMPOOL"] = "750";
  v["WORKER_THREADS"] = "2";
  v["LOG_LEVEL"] = "Warning";
  v["DONATION_ADDRESS"] = "bcrt1qexample";
  v["DROP_CLIENT"] = "^electrum/2\\.";
  v["SSL_CERTFILE"] = "/nonexistent/cert.pem";  // ssl:// is configured: the files must exist
  v["SSL_KEYFILE"] = "/nonexistent/key.pem";
  BOOST_TEST(rejected(v) == "SSL_CERTFILE");
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "coinkit-electrum-config-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "cert.pem") << "cert";
  std::ofstream(dir / "key.pem") << "key";
  std::ofstream(dir / "banner.txt") << "Welcome to $SERVER_VERSION";
  v["SSL_CERTFILE"] = (dir / "cert.pem").string();
  v["SSL_KEYFILE"] = (dir / "key.pem").string();
  v["BANNER_FILE"] = (dir / "banner.txt").string();
  const ServerConfig c = load_server_config<BtcPolicy>(env_of(v)).value();
  std::filesystem::remove_all(dir);
  BOOST_TEST((c.network == NetworkId::regtest));
  BOOST_TEST_REQUIRE(c.services.size() == 6u);
  BOOST_TEST(c.services[0].to_string() == "tcp://:50001");
  BOOST_TEST(c.services[0].bind_host() == "0.0.0.0");
  BOOST_TEST(c.services[1].to_string() == "ssl://0.0.0.0:50002");
  BOOST_TEST(c.services[2].to_string() == "ws://[::1]:50003");
  BOOST_TEST(c.services[3].to_string() == "wss://example.com:50004");
  BOOST_TEST(c.services[4].to_string() == "rpc://localhost:8000");
  BOOST_TEST(c.services[5].to_string() == "http://localhost:9100");  // metrics: loopback unless a host is named
  BOOST_TEST(c.report_services.size() == 2u);
  BOOST_TEST(c.cache_mb == 500u);
  BOOST_TEST(c.reorg_limit == 800);
  BOOST_TEST(c.max_sessions == 20u);
  BOOST_TEST(c.max_send == 2'000'000u);
  BOOST_TEST(c.max_recv == 5000u);
  BOOST_TEST(!c.cost.enabled());
  BOOST_TEST(c.cost.request_sleep.count() == 100);
  BOOST_TEST(c.cost.bandwidth_unit_cost == 1000.0);
  BOOST_TEST(c.session_timeout.count() == 30'000);
  BOOST_TEST(c.request_timeout.count() == 5'000);
  BOOST_TEST(c.send_timeout.count() == 7'000);
  BOOST_TEST(c.daemon_poll_interval_blocks.count() == 250);
  BOOST_TEST(c.daemon_poll_interval_mempool.count() == 750);
  BOOST_TEST(c.worker_threads == 2u);
  BOOST_TEST((c.log_level == LogLevel::warning));
  BOOST_TEST(c.donation_address == "bcrt1qexample");
  BOOST_TEST(c.banner == "Welcome to $SERVER_VERSION");
}

BOOST_AUTO_TEST_CASE(max_send_has_electrumx_floor) {
  Vars v = minimal();
  v["MAX_SEND"] = "1000";
  BOOST_TEST(load_server_config<BtcPolicy>(env_of(v)).value().max_send == 350'000u);
}

// Every bad value stops the start with an error that names its variable.
BOOST_AUTO_TEST_CASE(bad_values_name_their_variable) {
  auto with = [](std::string name, std::string value) {
    Vars v = minimal();
    v[name] = value;
    return rejected(v);
  };
  BOOST_TEST(rejected({{"DB_DIRECTORY", "/tmp/db"}}) == "DAEMON_URL");
  BOOST_TEST(rejected({{"DAEMON_URL", "http://x"}}) == "DB_DIRECTORY");
  BOOST_TEST(with("COIN", "Litecoin") == "COIN");
  BOOST_TEST(with("DAEMON_URL", "https://u:p@host:8332") == "DAEMON_URL");
  BOOST_TEST(with("DAEMON_URL", "u:p@host:99999") == "DAEMON_URL");
  BOOST_TEST(with("DAEMON_URL", "u:p@127.0.0.1:8332,u:p@10.0.0.2:8332") == "");  // the first one is used
  BOOST_TEST(with("NET", "mainnett") == "NET");
  BOOST_TEST(with("CACHE_MB", "12a") == "CACHE_MB");
  BOOST_TEST(with("CACHE_MB", "0") == "CACHE_MB");
  BOOST_TEST(with("REORG_LIMIT", "-5") == "REORG_LIMIT");
  BOOST_TEST(with("MAX_SESSIONS", "0") == "MAX_SESSIONS");
  BOOST_TEST(with("MAX_SEND", "lots") == "MAX_SEND");
  BOOST_TEST(with("MAX_RECV", "10") == "MAX_RECV");
  BOOST_TEST(with("COST_SOFT_LIMIT", "1.5") == "COST_SOFT_LIMIT");
  BOOST_TEST(with("COST_HARD_LIMIT", "x") == "COST_HARD_LIMIT");
  BOOST_TEST(with("SESSION_TIMEOUT", "0") == "SESSION_TIMEOUT");
  BOOST_TEST(with("REQUEST_TIMEOUT", "") == "");  // empty: the default
  BOOST_TEST(with("REQUEST_TIMEOUT", "1s") == "REQUEST_TIMEOUT");
  BOOST_TEST(with("DAEMON_POLL_INTERVAL_MEMPOOL", "0") == "DAEMON_POLL_INTERVAL_MEMPOOL");
  BOOST_TEST(with("LOG_LEVEL", "verbose") == "LOG_LEVEL");
  BOOST_TEST(with("SERVICES", "tcp:50001") == "SERVICES");
  BOOST_TEST(with("SERVICES", "gopher://:70") == "SERVICES");
  BOOST_TEST(with("SERVICES", "http://") == "SERVICES");  // metrics need a port
  BOOST_TEST(with("SERVICES", "tcp://:99999") == "SERVICES");
  BOOST_TEST(with("SERVICES", "tcp://:50001,tcp://:50001") == "SERVICES");
  BOOST_TEST(with("SERVICES", "tcp://") == "SERVICES");  // only rpc has a default port
  BOOST_TEST(with("SERVICES", "ssl://:50002") == "SSL_CERTFILE");
  BOOST_TEST(with("REPORT_SERVICES", "rpc://:8000") == "REPORT_SERVICES");
  BOOST_TEST(with("REPORT_SERVICES", "http://example.com:9100") == "REPORT_SERVICES");
  BOOST_TEST(with("DROP_CLIENT", "([") == "DROP_CLIENT");
  BOOST_TEST(with("BANNER_FILE", "/nonexistent/banner") == "BANNER_FILE");
  BOOST_TEST(with("DB_ENGINE", "leveldb") == "DB_ENGINE");
  BOOST_TEST(with("DB_ENGINE", "lmdb") == "");
  for (const char* obsolete : {"HOST", "TCP_PORT", "SSL_PORT", "RPC_PORT", "MAX_SUBS", "BANDWIDTH_LIMIT"})
    BOOST_TEST(with(obsolete, "1") == obsolete);
}

BOOST_AUTO_TEST_CASE(the_message_says_what_was_wrong) {
  Vars v = minimal();
  v["MAX_SEND"] = "abc";
  auto r = load_server_config<BtcPolicy>(env_of(v));
  BOOST_TEST_REQUIRE(!r);
  BOOST_TEST(r.error().message() == "MAX_SEND=abc: not a decimal integer (expected an integer from 1 to 4294967296)");
  BOOST_CHECK_THROW(r.value(), ConfigException);
}

BOOST_AUTO_TEST_CASE(coin_matches_the_policy) {
  Vars v = minimal();
  v["COIN"] = "Litecoin";
  v["NET"] = "testnet";
  BOOST_TEST(load_server_config<LtcPolicy>(env_of(v)).has_value());
  v["COIN"] = "bitcoin";
  BOOST_TEST(!load_server_config<LtcPolicy>(env_of(v)).has_value());
}

// docs/configuration.md is generated from server_variables: the loader reads exactly those
// (and the obsolete names it refuses), so no variable goes undocumented.
BOOST_AUTO_TEST_CASE(the_reference_lists_every_variable_read) {
  Environment env = env_of(minimal());
  env.record_lookups();
  (void)load_server_config<BtcPolicy>(env);
  std::set<std::string, std::less<>> documented;
  for (const auto& v : electrum::server_variables) documented.emplace(v.name);
  for (std::string_view name : electrum::obsolete_variables) documented.emplace(name);
  for (const auto& name : env.lookups()) BOOST_TEST(documented.contains(name), name << " is read but not documented");
  for (const auto& name : documented) BOOST_TEST(env.lookups().contains(name), name << " is documented but never read");
}

BOOST_AUTO_TEST_SUITE_END()
