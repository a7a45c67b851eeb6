// Tests address/segwit_address.hpp: the BIP173/BIP350 address vectors, valid, invalid and unencodable.
#include <coinkit/address/segwit_address.hpp>

#include <coinkit/core/hex.hpp>

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

address::error expected_error(const std::string& reason) {
  static const std::map<std::string, address::error> codes = {
      {"Invalid HRP", address::error::wrong_network},
      {"Invalid checksum algorithm (bech32 instead of bech32m)", address::error::bech32m_required},
      {"Invalid checksum algorithm (bech32m instead of bech32)", address::error::bech32_required},
      {"Invalid character in checksum", address::error::invalid_data_character},
      {"Invalid witness version", address::error::invalid_witness_version},
      {"Invalid program length (1 byte)", address::error::invalid_program_length},
      {"Invalid program length (41 bytes)", address::error::invalid_program_length},
      {"Invalid program length for witness version 0 (per BIP141)", address::error::invalid_v0_program_length},
      {"Mixed case", address::error::mixed_case},
      {"More than 4 padding bits", address::error::excess_padding},
      {"Non-zero padding in 8-to-5 conversion", address::error::non_zero_padding},
      {"Empty data section", address::error::empty_data},
  };
  auto it = codes.find(reason);
  BOOST_TEST_REQUIRE((it != codes.end()), "unmapped reason: " << reason);
  return it->second;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(segwit_address_tests)

// Each valid address decodes to its scriptPubKey, re-encodes to itself (in lower case) and
// is another network's address under the other HRP.
BOOST_AUTO_TEST_CASE(valid_addresses) {
  const json::array& cases = vectors().at("valid_address").as_array();
  std::size_t checked = 0;
  for (const json::value& c : cases) {
    const std::string address(c.at("address").as_string());
    const std::string script(c.at("scriptPubKey").as_string());
    BOOST_TEST_CONTEXT(address) {
      const std::string hrp = lower(address.substr(0, address.rfind('1')));
      BOOST_TEST_REQUIRE((hrp == "bc" || hrp == "tb"));
      auto d = segwit_address_decode(address, hrp);
      BOOST_TEST_REQUIRE(d.has_value(), d.error().message());
      BOOST_TEST(to_hex(d->script_pubkey()) == script);
      auto wp = witness_program(d->script_pubkey());
      BOOST_TEST_REQUIRE(wp.has_value());
      BOOST_TEST(wp->version == d->version);
      auto again = segwit_address_encode(hrp, d->version, d->program());
      BOOST_TEST_REQUIRE(again.has_value());
      BOOST_TEST(*again == lower(address));
      BOOST_TEST(segwit_address_decode(address, hrp == "bc" ? "tb" : "bc").error() == address::error::wrong_network);
    }
    ++checked;
  }
  BOOST_TEST(checked == cases.size());
  BOOST_TEST(checked == 8u);
}

// Each invalid address is rejected under both HRPs, with the code for its stated reason.
BOOST_AUTO_TEST_CASE(invalid_addresses) {
  const json::array& cases = vectors().at("invalid_address").as_array();
  std::size_t checked = 0;
  for (const json::value& c : cases) {
    const std::string address(c.at("address").as_string());
    const std::string reason(c.at("reason").as_string());
    BOOST_TEST_CONTEXT(address << " (" << reason << ")") {
      for (const char* hrp : {"bc", "tb"}) {
        auto d = segwit_address_decode(address, hrp);
        BOOST_TEST_REQUIRE(!d.has_value());
        BOOST_TEST(d.error() == expected_error(reason), hrp << ": " << d.error().message());
      }
    }
    ++checked;
  }
  BOOST_TEST(checked == cases.size());
  BOOST_TEST(checked == 15u);
}

// (hrp, version, program length) triples that must not encode.
BOOST_AUTO_TEST_CASE(invalid_encodings) {
  const json::array& cases = vectors().at("invalid_address_enc").as_array();
  std::size_t checked = 0;
  for (const json::value& c : cases) {
    const std::string hrp(c.at("hrp").as_string());
    const int version = static_cast<int>(c.at("witver").as_int64());
    const auto length = static_cast<std::size_t>(c.at("program_len").as_int64());
    BOOST_TEST_CONTEXT(hrp << " v" << version << " " << length << " bytes") {
      const address::error expected = hrp != lower(hrp)           ? address::error::uppercase_hrp
                                      : version > 16              ? address::error::invalid_witness_version
                                      : length < 2 || length > 40 ? address::error::invalid_program_length
                                      : version == 0              ? address::error::invalid_v0_program_length
                                                                  : address::error{};
      BOOST_TEST_REQUIRE(expected != address::error{});
      auto r = segwit_address_encode(hrp, version, Bytes(length));
      BOOST_TEST_REQUIRE(!r.has_value());
      BOOST_TEST(r.error() == expected);
    }
    ++checked;
  }
  BOOST_TEST(checked == cases.size());
  BOOST_TEST(checked == 5u);
}

BOOST_AUTO_TEST_CASE(every_witness_version_and_length) {
  for (int version = 0; version <= 16; ++version) {
    for (std::size_t length = 2; length <= 40; ++length) {
      Bytes program(length);
      for (std::size_t i = 0; i < length; ++i) program[i] = static_cast<std::uint8_t>(i * 7 + version);
      auto a = segwit_address_encode("bc", version, program);
      if (version == 0 && length != 20 && length != 32) {
        BOOST_TEST(a.error() == address::error::invalid_v0_program_length);
        continue;
      }
      BOOST_TEST_REQUIRE(a.has_value());
      auto d = segwit_address_decode(*a, "bc");
      BOOST_TEST_REQUIRE(d.has_value());
      BOOST_TEST(d->version == version);
      BOOST_TEST(to_hex(d->program()) == to_hex(program));
    }
  }
  BOOST_TEST(segwit_address_encode("bc", -1, Bytes(20)).error() == address::error::invalid_witness_version);
}

BOOST_AUTO_TEST_CASE(throwing_overload) {
  BOOST_CHECK_EXCEPTION(segwit_address_decode_or_throw("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "bc"),
                        system_error, [](const system_error& e) {
                          return e.code() == address::error::bech32_required &&
                                 std::string(e.what()).find("segwit address") != std::string::npos;
                        });
}

BOOST_AUTO_TEST_SUITE_END()
