// Tests keys/schnorr.hpp: every row of BIP340's test vectors, x-only key errors.
#include <coinkit/keys/schnorr.hpp>

#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>

#include <support/data.hpp>

#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>
#include <vector>

using namespace coinkit;

namespace {

// One CSV row; the comment (last column) may be empty and holds no commas before it.
std::vector<std::string> split_row(const std::string& line, std::size_t columns) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i + 1 < columns; ++i) {
    const std::size_t comma = line.find(',', start);
    if (comma == std::string::npos) break;
    out.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
  out.push_back(line.substr(start));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(schnorr_tests)

BOOST_AUTO_TEST_CASE(bip340_vectors) {
  std::istringstream csv(test::read_text("vectors/bip340/bip340_test_vectors.csv"));
  std::string line;
  std::getline(csv, line);
  BOOST_TEST_REQUIRE(line.rfind("index,secret key,public key,aux_rand,message,signature,verification result", 0) == 0u);
  std::size_t rows = 0, signed_rows = 0, valid = 0, invalid = 0, bad_keys = 0;
  while (std::getline(csv, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto f = split_row(line, 8);
    BOOST_TEST_REQUIRE(f.size() == 8u);
    BOOST_TEST_CONTEXT("row " << f[0] << " " << f[7]) {
      BOOST_TEST(std::stoul(f[0]) == rows);
      const Bytes message = from_hex(f[4]);
      const Bytes signature = from_hex(f[5]);
      const bool expected = f[6] == "TRUE";
      BOOST_TEST_REQUIRE((f[6] == "TRUE" || f[6] == "FALSE"));
      if (!f[1].empty()) {
        const PrivateKey key = PrivateKey::from_hex(f[1]);
        BOOST_TEST(x_only_public_key(key).to_hex() == to_hex(from_hex(f[2])));
        const Bytes aux = from_hex(f[3]);
        BOOST_TEST_REQUIRE(aux.size() == 32u);
        const SchnorrSignature sig = schnorr_sign(key, message, std::span<const std::uint8_t, 32>(aux.data(), 32));
        BOOST_TEST(to_hex(sig) == to_hex(signature));
        ++signed_rows;
      }
      const auto pub = XOnlyPublicKey::parse(from_hex(f[2]));
      bool verified = false;
      if (pub) {
        verified = pub->verify(signature, message);
      } else {
        // Rows 5 and 14: keys that are no curve point fail verification by failing to parse.
        BOOST_TEST(pub.error() == keys::error::x_only_key_not_on_curve);
        ++bad_keys;
      }
      BOOST_TEST(verified == expected);
      ++(expected ? valid : invalid);
      ++rows;
    }
  }
  BOOST_TEST(rows == 19u);
  BOOST_TEST(signed_rows == 8u);
  BOOST_TEST(valid == 9u);
  BOOST_TEST(invalid == 10u);
  BOOST_TEST(bad_keys == 2u);
}

BOOST_AUTO_TEST_CASE(round_trips_and_random_aux) {
  const PrivateKey key = PrivateKey::generate();
  const XOnlyPublicKey pub = x_only_public_key(key);
  for (std::size_t len : {0u, 1u, 32u, 100u}) {
    const Bytes message(len, 0x5a);
    const SchnorrSignature a = schnorr_sign(key, message), b = schnorr_sign(key, message);
    BOOST_TEST(pub.verify(a, message));
    BOOST_TEST(pub.verify(b, message));
    BOOST_TEST(to_hex(a) != to_hex(b));  // fresh aux randomness, fresh nonce
    BOOST_TEST(!pub.verify(a, Bytes(len + 1, 0x5a)));
    BOOST_TEST(!pub.verify(ByteSpan(a).first(63), message));
  }
  // The x-only key of a full key, parity reported.
  bool odd = true;
  const XOnlyPublicKey x = XOnlyPublicKey::from_public_key(key.public_key(), &odd);
  BOOST_TEST((x == pub));
  BOOST_TEST(odd == (key.public_key().compressed_bytes()[0] == 0x03));
}

BOOST_AUTO_TEST_CASE(errors) {
  BOOST_TEST(XOnlyPublicKey::parse(Bytes(31, 1)).error() == keys::error::x_only_key_wrong_length);
  BOOST_TEST(XOnlyPublicKey::parse(Bytes(33, 1)).error() == keys::error::x_only_key_wrong_length);
  BOOST_TEST(XOnlyPublicKey::try_from_hex("").error() == keys::error::x_only_key_wrong_length);
  BOOST_TEST(XOnlyPublicKey::try_from_hex(std::string(62, '0') + "07").error() == keys::error::x_only_key_not_on_curve);
  BOOST_TEST(XOnlyPublicKey::try_from_hex(std::string(63, '0') + "x").error() == core::error::invalid_hex_character);
  BOOST_CHECK_EXCEPTION(XOnlyPublicKey::from_hex(std::string(64, 'f')), system_error, [](const system_error& e) {
    return e.code() == keys::error::x_only_key_not_on_curve &&
           std::string(e.what()).find("x-only public key") != std::string::npos;
  });
}

BOOST_AUTO_TEST_SUITE_END()
