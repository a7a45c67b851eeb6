// Tests keys/private_key.hpp: range checks, public keys, ECDSA signing (RFC6979, low S, low R).
#include <coinkit/keys/private_key.hpp>

#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/keys/public_key.hpp>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace coinkit;

namespace {

const std::string order_n = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
const std::string order_n_minus_1 = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140";
const std::string one = "0000000000000000000000000000000000000000000000000000000000000001";
// The generator G, the public key of secret 1.
const std::string g_compressed = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
const std::string g_uncompressed =
    "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";

Hash256 digest_of(std::string_view text) { return sha256(as_bytes(text)); }

}  // namespace

BOOST_AUTO_TEST_SUITE(private_key_tests)

BOOST_AUTO_TEST_CASE(range) {
  BOOST_TEST(PrivateKey::try_from_hex(one).has_value());
  BOOST_TEST(PrivateKey::try_from_hex(order_n_minus_1).has_value());
  BOOST_TEST(PrivateKey::try_from_hex(std::string(64, '0')).error() == keys::error::invalid_private_key);
  BOOST_TEST(PrivateKey::try_from_hex(order_n).error() == keys::error::invalid_private_key);
  BOOST_TEST(PrivateKey::try_from_hex(std::string(64, 'f')).error() == keys::error::invalid_private_key);
  BOOST_TEST(PrivateKey::from_bytes(Bytes(31, 1)).error() == keys::error::private_key_wrong_length);
  BOOST_TEST(PrivateKey::from_bytes(Bytes(33, 1)).error() == keys::error::private_key_wrong_length);
  BOOST_TEST(PrivateKey::try_from_hex("01").error() == keys::error::private_key_wrong_length);
  BOOST_TEST(PrivateKey::try_from_hex(std::string(63, '0') + "g").error() == core::error::invalid_hex_character);
  BOOST_CHECK_EXCEPTION(PrivateKey::from_hex(order_n), system_error, [](const system_error& e) {
    return e.code() == keys::error::invalid_private_key &&
           std::string(e.what()).find("private key is zero or not below the curve order") != std::string::npos;
  });
}

BOOST_AUTO_TEST_CASE(public_key_of_one_is_the_generator) {
  const PrivateKey k = PrivateKey::from_hex(one);
  BOOST_TEST(k.compressed());
  BOOST_TEST(k.public_key().to_hex() == g_compressed);
  BOOST_TEST(k.with_compressed(false).public_key().to_hex() == g_uncompressed);
  BOOST_TEST(PrivateKey::from_hex(one, false).public_key().to_hex() == g_uncompressed);
  // hash160(G compressed), the key hash of the p2pkh output in BIP341's wallet vectors.
  BOOST_TEST(k.public_key().key_id().span().size() == 20u);
  BOOST_TEST(to_hex(k.public_key().key_id().span()) == "751e76e8199196d454941c45d1b3a323f1433bd6");
}

BOOST_AUTO_TEST_CASE(generate) {
  std::set<std::string> seen;
  for (int i = 0; i < 16; ++i) {
    const PrivateKey k = PrivateKey::generate();
    BOOST_TEST(PrivateKey::from_bytes(k.span()).has_value());
    seen.insert(to_hex(k.span()));
  }
  BOOST_TEST(seen.size() == 16u);
  BOOST_TEST(!PrivateKey::generate(false).compressed());
}

BOOST_AUTO_TEST_CASE(tweak_add) {
  // 1 + (n - 1) = 0: not a key.
  const PrivateKey k = PrivateKey::from_hex(one);
  const Bytes t = from_hex(order_n_minus_1);
  BOOST_TEST(k.tweak_add(std::span<const std::uint8_t, 32>(t.data(), 32)).error() == keys::error::invalid_tweak);
  const Bytes n = from_hex(order_n);
  BOOST_TEST(k.tweak_add(std::span<const std::uint8_t, 32>(n.data(), 32)).error() == keys::error::invalid_tweak);
  // 1 + 1 = 2, and the public side agrees: (1 + 1)G = G + 1G.
  const Bytes t1 = from_hex(one);
  const auto two = k.tweak_add(std::span<const std::uint8_t, 32>(t1.data(), 32));
  BOOST_TEST_REQUIRE(two.has_value());
  BOOST_TEST(to_hex(two->span()) == std::string(63, '0') + "2");
  const auto g2 = k.public_key().tweak_add(std::span<const std::uint8_t, 32>(t1.data(), 32));
  BOOST_TEST((g2.value() == two->public_key()));
  // G + (n - 1)G is the point at infinity.
  BOOST_TEST(k.public_key().tweak_add(std::span<const std::uint8_t, 32>(t.data(), 32)).error() ==
             keys::error::invalid_tweak);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ecdsa_signing_tests)

BOOST_AUTO_TEST_CASE(sign_verify_round_trips) {
  for (int i = 0; i < 32; ++i) {
    const PrivateKey k = PrivateKey::generate(i % 2 == 0);
    const PublicKey pub = k.public_key();
    const Hash256 digest = digest_of("message " + std::to_string(i));
    const EcdsaSignature sig = k.sign(digest);
    BOOST_TEST(sig.is_low_s());
    BOOST_TEST(sig.has_low_r());
    BOOST_TEST(pub.verify(digest, sig));
    const DerSignature der = sig.to_der();
    BOOST_TEST(der.size <= 70u);  // low R and low S: each integer at most 32 bytes
    BOOST_TEST(pub.verify_der(digest, der.span()));
    // The strict and lax parsers read the DER back to the same signature.
    BOOST_TEST((EcdsaSignature::parse_der(der.span()).value() == sig));
    BOOST_TEST((EcdsaSignature::parse_der_lax(der.span()).value() == sig));
    // Another digest, another key: no.
    BOOST_TEST(!pub.verify(digest_of("other"), sig));
    BOOST_TEST(!PrivateKey::generate().public_key().verify(digest, sig));
    // The other encoding of the same point verifies too (ECDSA signs the point).
    BOOST_TEST(pub.with_compressed(!pub.compressed()).verify(digest, sig));
  }
}

BOOST_AUTO_TEST_CASE(deterministic) {
  const PrivateKey k = PrivateKey::from_hex("c90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b14e5c9");
  const Hash256 digest = digest_of("determinism");
  BOOST_TEST((k.sign(digest) == k.sign(digest)));
  BOOST_TEST((k.sign(digest, NonceGrinding::none) == k.sign(digest, NonceGrinding::none)));
  BOOST_TEST(!(k.sign(digest) == k.sign(digest_of("determinism!"))));
}

// Grinding changes the signature exactly when plain RFC6979 gives a high R; both verify.
BOOST_AUTO_TEST_CASE(low_r_grinding) {
  const PrivateKey k = PrivateKey::from_hex(one);
  int high_r = 0;
  for (int i = 0; i < 64; ++i) {
    const Hash256 digest = digest_of("grind " + std::to_string(i));
    const EcdsaSignature plain = k.sign(digest, NonceGrinding::none);
    const EcdsaSignature ground = k.sign(digest);
    BOOST_TEST(plain.is_low_s());
    BOOST_TEST(ground.has_low_r());
    BOOST_TEST(k.public_key().verify(digest, plain));
    BOOST_TEST(k.public_key().verify(digest, ground));
    if (plain.has_low_r()) {
      BOOST_TEST((plain == ground));
    } else {
      ++high_r;
      BOOST_TEST(!(plain == ground));
      BOOST_TEST(plain.to_der().bytes[3] == 33u);  // r needs a 00 pad byte in DER
      BOOST_TEST(ground.to_der().bytes[3] <= 32u);
    }
  }
  BOOST_TEST(high_r > 0);  // about half of them; 2^-64 to see none
}

// RFC6979 with secp256k1 and SHA-256: secret 1, message "Satoshi Nakamoto" (a vector
// published with Trezor's and python-ecdsa's deterministic-signature tests).
BOOST_AUTO_TEST_CASE(rfc6979_vector) {
  const PrivateKey k = PrivateKey::from_hex(one);
  const EcdsaSignature sig = k.sign(digest_of("Satoshi Nakamoto"), NonceGrinding::none);
  BOOST_TEST(to_hex(sig.to_compact()) ==
             "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
             "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5");
}

BOOST_AUTO_TEST_CASE(recoverable) {
  for (bool compressed : {true, false}) {
    const PrivateKey k = PrivateKey::generate(compressed);
    const Hash256 digest = digest_of("recover me");
    const RecoverableSignature sig = k.sign_recoverable(digest);
    BOOST_TEST(sig[0] >= (compressed ? 31 : 27));
    BOOST_TEST(sig[0] <= (compressed ? 34 : 30));
    // Same r and s as the plain signature.
    BOOST_TEST(to_hex(ByteSpan(sig).subspan(1)) == to_hex(k.sign(digest).to_compact()));
    const auto recovered = PublicKey::recover(digest, sig);
    BOOST_TEST_REQUIRE(recovered.has_value());
    BOOST_TEST((*recovered == k.public_key()));
    BOOST_TEST(recovered->compressed() == compressed);
    // Another digest recovers some other key (or none), never ours.
    const auto other = PublicKey::recover(digest_of("not me"), sig);
    BOOST_TEST(!(other && *other == k.public_key()));
  }
}

// The shared context is used from many threads at once (it is only read after creation).
BOOST_AUTO_TEST_CASE(concurrent_signing) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 200; ++i) {
        const PrivateKey k = PrivateKey::generate();
        const Hash256 digest = digest_of(std::to_string(t) + "/" + std::to_string(i));
        if (!k.public_key().verify(digest, k.sign(digest))) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(failures.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
