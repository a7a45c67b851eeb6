// Tests address/base58.hpp: Bitcoin Core's base58 vectors, base58check and every error.
#include <coinkit/address/base58.hpp>

#include <coinkit/core/hex.hpp>

#include "support/data.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace coinkit;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(base58_tests)

// Every [hex, base58] pair of base58_encode_decode.json, both directions.
BOOST_AUTO_TEST_CASE(core_vectors) {
  const json::array cases = test::read_json("vectors/core/base58_encode_decode.json").as_array();
  std::size_t checked = 0;
  for (const json::value& c : cases) {
    const json::array& pair = c.as_array();
    const Bytes bytes = from_hex(pair.at(0).as_string());
    const std::string text(pair.at(1).as_string());
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(base58_encode(bytes) == text);
      auto decoded = base58_decode(text);
      BOOST_TEST_REQUIRE(decoded.has_value());
      BOOST_TEST(to_hex(*decoded) == to_hex(bytes));
    }
    ++checked;
  }
  BOOST_TEST(checked == cases.size());
  BOOST_TEST(checked == 21u);
}

BOOST_AUTO_TEST_CASE(leading_zeros_are_ones) {
  BOOST_TEST(base58_encode(Bytes{0, 0, 0}) == "111");
  BOOST_TEST(base58_encode(Bytes{0, 0, 1}) == "112");
  BOOST_TEST((*base58_decode("111") == Bytes{0, 0, 0}));
  BOOST_TEST(base58_encode(Bytes{}).empty());
  BOOST_TEST(base58_decode("")->empty());
}

BOOST_AUTO_TEST_CASE(check_round_trip) {
  // The genesis block's coinbase pays to this key hash: 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa.
  const Bytes hash = from_hex("62e907b15cbf27d5425399ebf6f0fb50ebb88f18");
  const Bytes version = {0x00};
  const std::string address = base58check_encode(version, hash);
  BOOST_TEST(address == "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
  Bytes payload = version;
  append(payload, hash);
  BOOST_TEST(base58check_encode(payload) == address);
  auto decoded = base58check_decode(address);
  BOOST_TEST_REQUIRE(decoded.has_value());
  BOOST_TEST(to_hex(*decoded) == to_hex(payload));
  BOOST_TEST(to_hex(base58check_decode_or_throw(address)) == to_hex(payload));
}

BOOST_AUTO_TEST_CASE(errors) {
  using address::error;
  // '0', 'O', 'I' and 'l' are not in the alphabet, nor is whitespace.
  for (const char* bad : {"0", "1O", "I1", "abl", " 1", "1 ", "\xff"})
    BOOST_TEST(base58_decode(bad).error() == error::invalid_base58_character);
  BOOST_TEST(base58check_decode("").error() == error::base58_too_short);
  BOOST_TEST(base58check_decode("111").error() == error::base58_too_short);
  BOOST_TEST(base58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb").error() == error::base58_checksum_mismatch);
  BOOST_TEST(base58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0").error() == error::invalid_base58_character);
  // Output size is bounded before any quadratic work.
  BOOST_TEST(base58_decode(std::string(1000, 'z')).error() == error::too_long);
  BOOST_TEST(base58_decode(std::string(300, '1')).error() == error::too_long);
  BOOST_TEST(base58_decode("zzzz", 2).error() == error::too_long);
  BOOST_TEST(base58_decode("zz", 2).has_value());
  BOOST_CHECK_EXCEPTION(base58check_decode_or_throw("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"), system_error,
                        [](const system_error& e) {
                          return e.code() == error::base58_checksum_mismatch &&
                                 std::string(e.what()).find("base58check checksum mismatch") != std::string::npos;
                        });
  BOOST_CHECK_EXCEPTION(base58_decode_or_throw("0"), system_error,
                        [](const system_error& e) { return e.code() == error::invalid_base58_character; });
}

BOOST_AUTO_TEST_SUITE_END()
