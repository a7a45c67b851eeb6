// Tests keys/public_key.hpp: parsing and validation on the curve, encodings, key ids, recovery.
#include <coinkit/keys/public_key.hpp>

#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/keys/private_key.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

using namespace coinkit;

namespace {
const std::string g_x = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
const std::string g_y = "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";  // even
}  // namespace

BOOST_AUTO_TEST_SUITE(public_key_tests)

BOOST_AUTO_TEST_CASE(encodings) {
  const PublicKey c = PublicKey::from_hex("02" + g_x);
  const PublicKey u = PublicKey::from_hex("04" + g_x + g_y);
  BOOST_TEST(c.compressed());
  BOOST_TEST(c.size() == 33u);
  BOOST_TEST(!u.compressed());
  BOOST_TEST(u.size() == 65u);
  BOOST_TEST(to_hex(c.uncompressed_bytes()) == u.to_hex());
  BOOST_TEST(to_hex(u.compressed_bytes()) == c.to_hex());
  BOOST_TEST((u.with_compressed(true) == c));
  BOOST_TEST((c.with_compressed(false) == u));
  BOOST_TEST(!(c == u));  // equal points, different encodings
  BOOST_TEST(to_hex(c.key_id().span()) == "751e76e8199196d454941c45d1b3a323f1433bd6");
  BOOST_TEST((c.key_id() == hash160(c.bytes())));
  BOOST_TEST((u.key_id() == hash160(u.bytes())));
  // Hybrid: 06 for even y, 07 for odd; Core accepts them in scripts.
  const auto hybrid = PublicKey::try_from_hex("06" + g_x + g_y);
  BOOST_TEST_REQUIRE(hybrid.has_value());
  BOOST_TEST(to_hex(hybrid->compressed_bytes()) == c.to_hex());
  BOOST_TEST(PublicKey::try_from_hex("07" + g_x + g_y).error() == keys::error::public_key_not_on_curve);
}

BOOST_AUTO_TEST_CASE(errors) {
  BOOST_TEST(PublicKey::parse({}).error() == keys::error::public_key_wrong_length);
  BOOST_TEST(PublicKey::try_from_hex("").error() == keys::error::public_key_wrong_length);
  BOOST_TEST(PublicKey::try_from_hex("05" + g_x).error() == keys::error::invalid_public_key_prefix);
  BOOST_TEST(PublicKey::try_from_hex("00" + g_x).error() == keys::error::invalid_public_key_prefix);
  BOOST_TEST(PublicKey::parse(from_hex("05")).error() == keys::error::invalid_public_key_prefix);
  // Prefix and size disagree.
  BOOST_TEST(PublicKey::try_from_hex("04" + g_x).error() == keys::error::public_key_wrong_length);
  BOOST_TEST(PublicKey::try_from_hex("02" + g_x + g_y).error() == keys::error::public_key_wrong_length);
  BOOST_TEST(PublicKey::parse(from_hex("02" + g_x + "00")).error() == keys::error::public_key_wrong_length);
  // x = 7 is not on the curve (BIP32 vector 5); x = p is not a field element.
  BOOST_TEST(PublicKey::try_from_hex("02" + std::string(62, '0') + "07").error() ==
             keys::error::public_key_not_on_curve);
  BOOST_TEST(PublicKey::try_from_hex("02fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f").error() ==
             keys::error::public_key_not_on_curve);
  // A y that does not belong to x.
  std::string bad_y = g_y;
  bad_y.back() = '9';
  BOOST_TEST(PublicKey::try_from_hex("04" + g_x + bad_y).error() == keys::error::public_key_not_on_curve);
  BOOST_TEST(PublicKey::try_from_hex("02" + std::string(63, '0') + "z").error() == core::error::invalid_hex_character);
  BOOST_CHECK_EXCEPTION(PublicKey::from_hex("02" + std::string(62, '0') + "07"), system_error,
                        [](const system_error& e) {
                          return e.code() == keys::error::public_key_not_on_curve &&
                                 std::string(e.what()).find("not a point on secp256k1") != std::string::npos;
                        });
}

BOOST_AUTO_TEST_CASE(recovery_errors) {
  const Hash256 digest = sha256(as_bytes("x"));
  const PrivateKey k = PrivateKey::generate();
  RecoverableSignature sig = k.sign_recoverable(digest);
  BOOST_TEST(PublicKey::recover(digest, ByteSpan(sig).first(64)).error() ==
             keys::error::compact_signature_wrong_length);
  sig[0] = 26;
  BOOST_TEST(PublicKey::recover(digest, sig).error() == keys::error::invalid_recovery_header);
  sig[0] = 35;
  BOOST_TEST(PublicKey::recover(digest, sig).error() == keys::error::invalid_recovery_header);
  // r = n: out of range.
  RecoverableSignature overflow{};
  overflow[0] = 31;
  const Bytes n = from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  std::copy(n.begin(), n.end(), overflow.begin() + 1);
  overflow[64] = 1;
  BOOST_TEST(PublicKey::recover(digest, overflow).error() == keys::error::signature_value_out_of_range);
  // r = 0 parses but is never a valid signature: nothing recovers.
  RecoverableSignature zero{};
  zero[0] = 27;
  zero[64] = 1;
  BOOST_TEST(PublicKey::recover(digest, zero).error() == keys::error::public_key_recovery_failed);
}

BOOST_AUTO_TEST_SUITE_END()
