// Tests config/reader.hpp: typed reads of the environment, the first rejection kept with its
// variable, value and what was expected.
#include <coinkit/config/reader.hpp>

#include <coinkit/coins/bch.hpp>
#include <coinkit/coins/btc.hpp>

#include <boost/test/unit_test.hpp>

using namespace coinkit;

BOOST_AUTO_TEST_SUITE(config_reader)

BOOST_AUTO_TEST_CASE(values_are_read_with_the_prefix) {
  const Environment env{{"BTC_PORT", "5000"}, {"BTC_DEBUG", "Yes"}, {"PORT", "1"}, {"BTC_NAME", "shop"}};
  ConfigReader r(env, {.prefix = "BTC_", .empty_means_unset = false});
  BOOST_TEST(r.name("PORT") == "BTC_PORT");
  BOOST_TEST(r.integer<int>("PORT", 7, 0, 65535) == 5000);
  BOOST_TEST(r.boolean("DEBUG"));
  BOOST_TEST(r.string("NAME") == "shop");
  BOOST_TEST(r.string("MISSING", "fallback") == "fallback");
  BOOST_TEST(r.integer<int>("MISSING", 7, 0, 10) == 7);
  BOOST_TEST(!r.failure().has_value());
  BOOST_TEST(r.finish(42).value() == 42);
}

BOOST_AUTO_TEST_CASE(the_first_rejection_is_kept) {
  const Environment env{{"A", "12x"}, {"B", "maybe"}, {"C", "999"}};
  ConfigReader r(env);
  BOOST_TEST(r.integer<int>("A", 1, 0, 100) == 1);  // the fallback after a rejection
  BOOST_TEST(r.boolean("B", true));
  BOOST_TEST(r.integer<int>("C", 2, 0, 100) == 2);
  BOOST_TEST_REQUIRE(r.failure().has_value());
  BOOST_TEST(r.failure()->variable == "A");
  BOOST_TEST(r.failure()->code == config::error::invalid_integer);
  BOOST_TEST(r.failure()->message() == "A=12x: not a decimal integer (expected an integer from 0 to 100)");
  auto result = r.finish(0);
  BOOST_TEST_REQUIRE(result.has_error());
  BOOST_CHECK_EXCEPTION(result.value(), ConfigException, [](const ConfigException& e) {
    return std::string(e.what()) == "A=12x: not a decimal integer (expected an integer from 0 to 100)";
  });
}

BOOST_AUTO_TEST_CASE(integers_are_plain_decimals_in_range) {
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "0x10", "1e3", "1_000", "99999999999999999999999"}) {
    ConfigReader r(Environment{{"N", bad}});
    (void)r.integer<int>("N", 0, 0, 100);
    BOOST_TEST_REQUIRE(r.failure().has_value(), "'" << bad << "'");
    BOOST_TEST((r.failure()->code == config::error::invalid_integer), bad);
  }
  for (const char* out : {"101", "18446744073709551616"}) {
    ConfigReader r(Environment{{"N", out}});
    (void)r.integer<int>("N", 0, 5, 100);
    BOOST_TEST_REQUIRE(r.failure().has_value());
    BOOST_TEST((r.failure()->code == config::error::integer_out_of_range), out);
  }
  ConfigReader below(Environment{{"N", "4"}});
  (void)below.integer<int>("N", 0, 5, 100, "a port number 5-100");
  BOOST_TEST(below.failure()->message() == "N=4: integer out of range (expected a port number 5-100)");
}

BOOST_AUTO_TEST_CASE(empty_means_unset_for_electrumx_servers_only) {
  const Environment env{{"N", ""}};
  ConfigReader docker(env, {.prefix = {}, .empty_means_unset = true});
  BOOST_TEST(docker.integer<int>("N", 9, 0, 10) == 9);
  BOOST_TEST(!docker.get("N").has_value());
  BOOST_TEST(!docker.failure().has_value());
  ConfigReader decouple(env);
  (void)decouple.integer<int>("N", 9, 0, 10);
  BOOST_TEST(decouple.failure().has_value());
  BOOST_TEST(!decouple.boolean("N", true));  // decouple: the empty string is false
}

BOOST_AUTO_TEST_CASE(networks_are_the_coins) {
  ConfigReader r(Environment{{"NET", "regtest"}, {"BAD", "signet"}});
  BOOST_TEST((r.network<BtcPolicy>("NET", NetworkId::mainnet) == NetworkId::regtest));
  BOOST_TEST((r.network<BtcPolicy>("UNSET", NetworkId::testnet) == NetworkId::testnet));
  BOOST_TEST((r.network<BchPolicy>("BAD", NetworkId::mainnet) == NetworkId::mainnet));
  BOOST_TEST_REQUIRE(r.failure().has_value());
  BOOST_TEST(r.failure()->message() ==
             "BAD=signet: unknown network for this coin (expected one of: mainnet, testnet, regtest)");
}

BOOST_AUTO_TEST_CASE(the_process_environment) {
  ::setenv("COINKIT_TEST_VARIABLE", "17", 1);
  const Environment env = Environment::process();
  ConfigReader r(env, {.prefix = "COINKIT_TEST_", .empty_means_unset = false});
  BOOST_TEST(r.integer<int>("VARIABLE", 0, 0, 100) == 17);
  ::unsetenv("COINKIT_TEST_VARIABLE");
  BOOST_TEST(!r.get("VARIABLE").has_value());  // read at each call
}

BOOST_AUTO_TEST_SUITE_END()
