// Tests address/cashaddr.hpp: the CashAddr spec vectors, the CashTokens vectors and every error.
#include <coinkit/address/cashaddr.hpp>

#include <coinkit/core/hex.hpp>

#include "support/data.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace coinkit;
namespace json = boost::json;

namespace {

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// One vector: decodes to (type, payload) with and without its prefix, in either case, and
// encodes back to itself.
void check_vector(const std::string& address, int type, std::size_t size, const std::string& payload_hex) {
  const std::string prefix = address.substr(0, address.find(':'));
  const std::string bare = address.substr(address.find(':') + 1);
  const Bytes payload = from_hex(payload_hex);
  BOOST_TEST_REQUIRE(payload.size() == size);
  auto a = cashaddr_decode(address);
  BOOST_TEST_REQUIRE(a.has_value(), a.error().message());
  BOOST_TEST(a->prefix == prefix);
  BOOST_TEST(static_cast<int>(a->type) == type);
  BOOST_TEST(to_hex(a->hash()) == to_hex(payload));
  BOOST_TEST(a->token_aware() == (type == 2 || type == 3));
  auto encoded = cashaddr_encode(prefix, static_cast<CashAddrType>(type), payload);
  BOOST_TEST_REQUIRE(encoded.has_value());
  BOOST_TEST(*encoded == address);

  // The checksum covers the prefix, written or not.
  auto implied = cashaddr_decode(bare, prefix);
  BOOST_TEST_REQUIRE(implied.has_value());
  BOOST_TEST(to_hex(implied->hash()) == to_hex(payload));
  BOOST_TEST(implied->prefix == prefix);
  BOOST_TEST(cashaddr_decode(bare, prefix == "bchtest" ? "bchreg" : "bchtest").error() ==
             address::error::cashaddr_checksum_mismatch);
  BOOST_TEST(cashaddr_decode(address, prefix == "bchtest" ? "bchreg" : "bchtest").error() ==
             address::error::wrong_network);
  BOOST_TEST(cashaddr_decode(address, upper(prefix)).has_value());
  BOOST_TEST(cashaddr_decode(bare).error() == address::error::missing_prefix);

  auto shouted = cashaddr_decode(upper(address));
  BOOST_TEST_REQUIRE(shouted.has_value());
  BOOST_TEST(shouted->prefix == prefix);
  BOOST_TEST(to_hex(shouted->hash()) == to_hex(payload));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cashaddr_tests)

// The spec's checksum-only strings: the checksum holds, the payload on purpose does not.
BOOST_AUTO_TEST_CASE(spec_checksum_vectors) {
  const json::value v = test::read_json("vectors/cashaddr/cashaddr_spec_vectors.json");
  const json::array& cases = v.at("checksum_only_vectors").as_array();
  std::size_t checked = 0;
  for (const json::value& c : cases) {
    const std::string address(c.as_string());
    BOOST_TEST_CONTEXT(address) {
      auto raw = cashaddr_decode_values(address);
      BOOST_TEST_REQUIRE(raw.has_value(), raw.error().message());
      BOOST_TEST(raw->prefix == address.substr(0, address.find(':')));
      BOOST_TEST(*cashaddr_encode_values(raw->prefix, raw->values) == address);
      BOOST_TEST(cashaddr_decode_values(upper(address)).has_value());
      BOOST_TEST(!cashaddr_decode(address).has_value());
      // One changed character breaks the checksum.
      std::string broken = address;
      broken.back() = broken.back() == 'q' ? 'p' : 'q';
      BOOST_TEST(cashaddr_decode_values(broken).error() == address::error::cashaddr_checksum_mismatch);
    }
    ++checked;
  }
  BOOST_TEST(checked == cases.size());
  BOOST_TEST(checked == 5u);
}

BOOST_AUTO_TEST_CASE(spec_larger_vectors) {
  const json::value v = test::read_json("vectors/cashaddr/cashaddr_spec_vectors.json");
  const json::array& cases = v.at("larger_test_vectors").as_array();
  std::size_t checked = 0;
  for (const json::value& c : cases) {
    const std::string address(c.at("cashaddr").as_string());
    BOOST_TEST_CONTEXT(address) {
      check_vector(address, static_cast<int>(c.at("type").as_int64()),
                   static_cast<std::size_t>(c.at("payload_size").as_int64()),
                   std::string(c.at("payload_hex").as_string()));
    }
    ++checked;
  }
  BOOST_TEST(checked == cases.size());
  BOOST_TEST(checked == 32u);
}

BOOST_AUTO_TEST_CASE(cashtokens_vectors) {
  const json::array cases = test::read_json("vectors/cashaddr/cashtokens_cashaddr.json").as_array();
  std::size_t checked = 0;
  for (const json::value& c : cases) {
    const std::string address(c.at("cashaddr").as_string());
    BOOST_TEST_CONTEXT(address) {
      check_vector(address, static_cast<int>(c.at("type").as_int64()),
                   static_cast<std::size_t>(c.at("payloadSize").as_int64()), std::string(c.at("payload").as_string()));
    }
    ++checked;
  }
  BOOST_TEST(checked == cases.size());
  BOOST_TEST(checked == 67u);
}

BOOST_AUTO_TEST_CASE(decode_errors) {
  using address::error;
  const std::string good = "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a";
  BOOST_TEST_REQUIRE(cashaddr_decode(good).has_value());
  BOOST_TEST(cashaddr_decode(":qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a").error() == error::empty_hrp);
  BOOST_TEST(cashaddr_decode("qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a").error() == error::missing_prefix);
  BOOST_TEST(cashaddr_decode("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6A").error() == error::mixed_case);
  BOOST_TEST(cashaddr_decode("Bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a").error() == error::mixed_case);
  BOOST_TEST(cashaddr_decode("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6b").error() ==
             error::invalid_data_character);
  BOOST_TEST(cashaddr_decode("bitcoincash:bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a").error() ==
             error::invalid_data_character);  // double prefix: the second ':' is in the payload
  BOOST_TEST(cashaddr_decode("bitcoin-cash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a").error() ==
             error::invalid_hrp_character);
  BOOST_TEST(cashaddr_decode("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6q").error() ==
             error::cashaddr_checksum_mismatch);
  BOOST_TEST(cashaddr_decode("bitcoincash:qpm2qsz").error() == error::checksum_too_short);
  BOOST_TEST(cashaddr_decode("bitcoincash:" + std::string(200, 'q')).error() == error::too_long);
  BOOST_TEST(cashaddr_decode(std::string(100, 'a') + ":qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a").error() ==
             error::too_long);
  BOOST_TEST(cashaddr_decode("bchtest:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a").error() ==
             error::cashaddr_checksum_mismatch);
  BOOST_TEST(cashaddr_decode(good, "bchtest").error() == error::wrong_network);

  // Payload-level rejections, written with a valid checksum at the 5-bit level.
  const auto write = [](const Bytes& bytes, int extra_values, std::uint8_t last_or) {
    Bytes values;
    address::detail::bytes_to_base32(bytes, [&](std::uint8_t v) { values.push_back(v); });
    for (int i = 0; i < extra_values; ++i) values.push_back(0);
    values.back() |= last_or;
    return *cashaddr_encode_values("bitcoincash", values);
  };
  Bytes p2pkh(21, 0x11);
  p2pkh[0] = 0x00;
  BOOST_TEST_REQUIRE(cashaddr_decode(write(p2pkh, 0, 0)).has_value());
  Bytes reserved = p2pkh;
  reserved[0] = 0x80;
  BOOST_TEST(cashaddr_decode(write(reserved, 0, 0)).error() == error::reserved_version_bit);
  Bytes wrong_size = p2pkh;
  wrong_size[0] = 0x01;  // size bits say 24 bytes
  BOOST_TEST(cashaddr_decode(write(wrong_size, 0, 0)).error() == error::hash_size_mismatch);
  BOOST_TEST(cashaddr_decode(write(p2pkh, 1, 0)).error() == error::excess_padding);  // 7 padding bits
  BOOST_TEST(cashaddr_decode(write(p2pkh, 0, 1)).error() == error::non_zero_padding);
  BOOST_TEST(cashaddr_decode("prefix:x64nx6hz").error() == error::empty_data);

  BOOST_CHECK_EXCEPTION(cashaddr_decode_or_throw(good, "bchtest"), system_error, [](const system_error& e) {
    return e.code() == error::wrong_network && std::string(e.what()).find("CashAddr") != std::string::npos;
  });
}

BOOST_AUTO_TEST_CASE(encode_errors) {
  using address::error;
  const Bytes hash(20, 0x42);
  BOOST_TEST(cashaddr_encode("", CashAddrType::p2pkh, hash).error() == error::empty_hrp);
  BOOST_TEST(cashaddr_encode("BitcoinCash", CashAddrType::p2pkh, hash).error() == error::uppercase_hrp);
  BOOST_TEST(cashaddr_encode("bitcoin:cash", CashAddrType::p2pkh, hash).error() == error::invalid_hrp_character);
  BOOST_TEST(cashaddr_encode("bitcoincash", CashAddrType::p2pkh, Bytes(21)).error() == error::hash_size_mismatch);
  BOOST_TEST(cashaddr_encode("bitcoincash", static_cast<CashAddrType>(16), hash).error() ==
             error::reserved_version_bit);
  BOOST_TEST(cashaddr_encode_values("p", Bytes{32}).error() == error::invalid_data_value);
  BOOST_TEST(cashaddr_encode_values("p", Bytes(105)).error() == error::too_long);
  BOOST_TEST(cashaddr_encode_values("p", Bytes(104)).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
