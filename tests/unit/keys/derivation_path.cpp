// Tests keys/derivation_path.hpp: the path forms Core and Electrum write, and every error.
#include <coinkit/keys/derivation_path.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

using namespace coinkit;

BOOST_AUTO_TEST_SUITE(derivation_path_tests)

BOOST_AUTO_TEST_CASE(parse_forms) {
  BOOST_TEST(DerivationPath::parse("m").empty());
  BOOST_TEST(
      (DerivationPath::parse("m/84'/0'/0'/0/5") == DerivationPath{hardened(84), hardened(0), hardened(0), 0, 5}));
  BOOST_TEST((DerivationPath::parse("m/84h/0H/0'/0/5") == DerivationPath::parse("m/84'/0'/0'/0/5")));
  BOOST_TEST((DerivationPath::parse("84'/1") == DerivationPath{hardened(84), 1}));
  BOOST_TEST((DerivationPath::parse("m/2147483647'") == DerivationPath{0xffffffffu}));
  BOOST_TEST(DerivationPath::parse("m/1'/2h/3").to_string() == "m/1'/2'/3");
  BOOST_TEST(DerivationPath::parse("m/1'/2h/3").to_string('h') == "m/1h/2h/3");
  BOOST_TEST(DerivationPath::parse("M/007").to_string() == "m/7");
}

BOOST_AUTO_TEST_CASE(errors) {
  BOOST_TEST(DerivationPath::try_parse("").error() == keys::error::path_empty_component);
  BOOST_TEST(DerivationPath::try_parse("m/").error() == keys::error::path_empty_component);
  BOOST_TEST(DerivationPath::try_parse("m//1").error() == keys::error::path_empty_component);
  BOOST_TEST(DerivationPath::try_parse("m/1/").error() == keys::error::path_empty_component);
  BOOST_TEST(DerivationPath::try_parse("/1").error() == keys::error::path_empty_component);
  BOOST_TEST(DerivationPath::try_parse("m/'").error() == keys::error::path_invalid_index);
  BOOST_TEST(DerivationPath::try_parse("m/-1").error() == keys::error::path_invalid_index);
  BOOST_TEST(DerivationPath::try_parse("m/+1").error() == keys::error::path_invalid_index);
  BOOST_TEST(DerivationPath::try_parse("m/1''").error() == keys::error::path_invalid_index);
  BOOST_TEST(DerivationPath::try_parse("m/ 1").error() == keys::error::path_invalid_index);
  BOOST_TEST(DerivationPath::try_parse("m/0x10").error() == keys::error::path_invalid_index);
  BOOST_TEST(DerivationPath::try_parse("m/1/m").error() == keys::error::path_invalid_index);
  BOOST_TEST(DerivationPath::try_parse("mm/1").error() == keys::error::path_invalid_index);
  BOOST_TEST(DerivationPath::try_parse("m/2147483648").error() == keys::error::path_index_out_of_range);
  BOOST_TEST(DerivationPath::try_parse("m/2147483648'").error() == keys::error::path_index_out_of_range);
  BOOST_TEST(DerivationPath::try_parse("m/99999999999999999999999").error() == keys::error::path_index_out_of_range);
  BOOST_CHECK_EXCEPTION(DerivationPath::parse("m/x"), system_error, [](const system_error& e) {
    return e.code() == keys::error::path_invalid_index &&
           std::string(e.what()).find("derivation path") != std::string::npos;
  });
}

BOOST_AUTO_TEST_SUITE_END()
