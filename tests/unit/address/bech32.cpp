// Tests address/bech32.hpp: the BIP173/BIP350 string vectors (valid and invalid) and encoding errors.
#include <coinkit/address/bech32.hpp>

#include "support/data.hpp"

#include <boost/test/unit_test.hpp>

#include <map>
#include <string>

using namespace coinkit;
namespace json = boost::json;

namespace {

const json::object& vectors() {
  static const json::value v = test::read_json("vectors/bech32/bip173_bip350_vectors.json");
  return v.as_object();
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// The reason each invalid vector gives, as our error code; a reason not listed fails the test.
address::error expected_error(std::string reason) {
  static const std::map<std::string, address::error> codes = {
      {"hrp character out of range", address::error::invalid_hrp_character},
      {"overall max length exceeded", address::error::too_long},
      {"no separator character", address::error::no_separator},
      {"empty hrp", address::error::empty_hrp},
      {"invalid data character", address::error::invalid_data_character},
      {"too short checksum", address::error::checksum_too_short},
      {"invalid character in checksum", address::error::invalid_data_character},
      {"checksum calculated with uppercase form of hrp", address::error::bech32_checksum_mismatch},
  };
  auto it = codes.find(lower(reason));
  BOOST_TEST_REQUIRE((it != codes.end()), "unmapped reason: " << reason);
  return it->second;
}

void check_valid(const char* key, Bech32Variant variant, std::size_t expected_count) {
  const json::array& cases = vectors().at(key).as_array();
  std::size_t checked = 0;
  for (const json::value& c : cases) {
    const std::string text(c.as_string());
    BOOST_TEST_CONTEXT(key << ": " << text) {
      auto d = bech32_decode(text);
      BOOST_TEST_REQUIRE(d.has_value(), d.error().message());
      BOOST_TEST((d->variant == variant));
      BOOST_TEST(d->hrp == lower(text.substr(0, text.rfind('1'))));
      auto again = bech32_encode(d->hrp, d->values, variant);
      BOOST_TEST_REQUIRE(again.has_value());
      BOOST_TEST(*again == lower(text));
      // The same data under the other checksum is another string that fails this one's check.
      const Bech32Variant other = variant == Bech32Variant::bech32 ? Bech32Variant::bech32m : Bech32Variant::bech32;
      auto swapped = bech32_encode(d->hrp, d->values, other);
      BOOST_TEST_REQUIRE(swapped.has_value());
      BOOST_TEST(*swapped != lower(text));
      BOOST_TEST((bech32_decode(*swapped)->variant == other));
    }
    ++checked;
  }
  BOOST_TEST(checked == expected_count);
}

void check_invalid(const char* key, std::size_t expected_count) {
  const json::array& cases = vectors().at(key).as_array();
  std::size_t checked = 0;
  for (const json::value& c : cases) {
    const std::string text(c.at("string").as_string());
    const std::string reason(c.at("reason").as_string());
    BOOST_TEST_CONTEXT(key << ": " << text << " (" << reason << ")") {
      auto d = bech32_decode(text);
      BOOST_TEST_REQUIRE(!d.has_value());
      BOOST_TEST(d.error() == expected_error(reason));
    }
    ++checked;
  }
  BOOST_TEST(checked == expected_count);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bech32_tests)

BOOST_AUTO_TEST_CASE(valid_bech32) { check_valid("valid_bech32", Bech32Variant::bech32, 7); }
BOOST_AUTO_TEST_CASE(valid_bech32m) { check_valid("valid_bech32m", Bech32Variant::bech32m, 7); }
BOOST_AUTO_TEST_CASE(invalid_bech32) { check_invalid("invalid_bech32", 12); }
BOOST_AUTO_TEST_CASE(invalid_bech32m) { check_invalid("invalid_bech32m", 14); }

BOOST_AUTO_TEST_CASE(upper_case_decodes_as_lower_case) {
  auto d = bech32_decode("A12UEL5L");
  BOOST_TEST_REQUIRE(d.has_value());
  BOOST_TEST(d->hrp == "a");
  BOOST_TEST(d->values.empty());
}

BOOST_AUTO_TEST_CASE(encode_errors) {
  using address::error;
  const Bytes ok = {0, 1, 2};
  BOOST_TEST(bech32_encode("", ok, Bech32Variant::bech32).error() == error::empty_hrp);
  BOOST_TEST(bech32_encode("BC", ok, Bech32Variant::bech32).error() == error::uppercase_hrp);
  BOOST_TEST(bech32_encode("b c", ok, Bech32Variant::bech32).error() == error::invalid_hrp_character);
  BOOST_TEST(bech32_encode("bc", Bytes{0, 32}, Bech32Variant::bech32).error() == error::invalid_data_value);
  BOOST_TEST(bech32_encode("bc", Bytes(82), Bech32Variant::bech32).error() == error::too_long);
  BOOST_TEST(bech32_encode("bc", Bytes(81), Bech32Variant::bech32)->size() == 90u);
  // A longer limit, for formats that allow one.
  BOOST_TEST(bech32_encode("bc", Bytes(100), Bech32Variant::bech32, 200).has_value());
  BOOST_TEST(bech32_decode(*bech32_encode("bc", Bytes(100), Bech32Variant::bech32, 200), 200).has_value());
}

BOOST_AUTO_TEST_CASE(decode_errors) {
  using address::error;
  BOOST_TEST(bech32_decode("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5").error() == error::bech32_checksum_mismatch);
  BOOST_TEST(bech32_decode("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7KV8F3T4").error() == error::mixed_case);
  BOOST_TEST(bech32_decode("").error() == error::no_separator);
  BOOST_CHECK_EXCEPTION(bech32_decode_or_throw("x1b4n0q5v"), system_error, [](const system_error& e) {
    return e.code() == error::invalid_data_character &&
           std::string(e.what()).find("bech32/CashAddr alphabet") != std::string::npos;
  });
}

BOOST_AUTO_TEST_SUITE_END()
