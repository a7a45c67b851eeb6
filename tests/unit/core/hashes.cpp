// Tests core/sha256.hpp, sha512.hpp, ripemd160.hpp, hmac.hpp against published vectors,
// and the SHA-NI compression against the portable one.
#include <coinkit/core/hmac.hpp>
#include <coinkit/core/ripemd160.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/core/sha512.hpp>

#include <boost/test/unit_test.hpp>

#include <random>
#include <string>

using namespace coinkit;

namespace {

std::string hex_of(ByteSpan b) { return to_hex(b); }

// SHA-256 through an explicit compression function, so each variant is tested by name.
std::string sha256_with(core::detail::sha256_transform_fn transform, ByteSpan data) {
  std::uint32_t s[8];
  std::memcpy(s, core::detail::sha256_init, sizeof s);
  Bytes msg(data.begin(), data.end());
  const std::uint64_t bits = data.size() * 8;
  msg.push_back(0x80);
  while (msg.size() % 64 != 56) msg.push_back(0);
  for (int i = 7; i >= 0; --i) msg.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
  transform(s, msg.data(), msg.size() / 64);
  std::uint8_t out[32];
  for (int i = 0; i < 8; ++i) store_be<std::uint32_t>(out + 4 * i, s[i]);
  return to_hex(ByteSpan(out, 32));
}

// FIPS 180-4 / NIST example messages.
const std::string nist_448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const std::string nist_896 =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

}  // namespace

BOOST_AUTO_TEST_SUITE(sha256_tests)

BOOST_AUTO_TEST_CASE(nist_vectors) {
  BOOST_TEST(sha256(as_bytes("")).to_hex() ==
             "55b852781b9995a44c939b64e441ae2724b96f99c8f4fb9a141cfc9842c4b0e3");  // display order = reversed
  BOOST_TEST(hex_of(sha256(as_bytes("")).span()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(hex_of(sha256(as_bytes("abc")).span()) ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(hex_of(sha256(as_bytes(nist_448)).span()) ==
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const std::string million(1000000, 'a');
  BOOST_TEST(hex_of(sha256(as_bytes(million)).span()) ==
             "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

BOOST_AUTO_TEST_CASE(incremental_equals_one_shot) {
  std::mt19937 rng(7);
  Bytes data(1000);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  for (std::size_t split = 0; split <= data.size(); split += 37) {
    Sha256 h;
    h.write(ByteSpan(data).first(split)).write(ByteSpan(data).subspan(split));
    BOOST_TEST(h.finalize() == sha256(data));
  }
}

BOOST_AUTO_TEST_CASE(each_variant_matches_vectors) {
  BOOST_TEST(sha256_with(core::detail::sha256_transform_generic, as_bytes("abc")) ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
#ifdef COINKIT_HAVE_SHANI
  if (!core::detail::cpu_has_shani()) return;
  BOOST_TEST(sha256_with(core::detail::sha256_transform_shani, as_bytes("abc")) ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::mt19937 rng(11);
  for (std::size_t len = 0; len < 700; len += 13) {
    Bytes data(len);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    BOOST_TEST(sha256_with(core::detail::sha256_transform_shani, data) ==
               sha256_with(core::detail::sha256_transform_generic, data));
  }
#endif
}

BOOST_AUTO_TEST_CASE(implementation_is_named) {
  const auto name = sha256_implementation();
  BOOST_TEST_MESSAGE("sha256 implementation: " << name);
  BOOST_TEST((name == "shani" || name == "generic"));
  const char* forced = std::getenv("COINKIT_SHA256");
  if (forced && std::string(forced) == "generic") BOOST_TEST(name == "generic");
}

BOOST_AUTO_TEST_CASE(double_sha256) {
  // The genesis block header hashes to the well-known block hash.
  const Bytes header = from_hex(
      "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81b"
      "c3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c");
  BOOST_TEST(sha256d(header).to_hex() == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
}

BOOST_AUTO_TEST_CASE(sha256d64_equals_sha256d) {
  std::mt19937 rng(3);
  Bytes in(64 * 9);
  for (auto& b : in) b = static_cast<std::uint8_t>(rng());
  Bytes out(32 * 9);
  sha256d64(out.data(), in.data(), 9);
  for (int i = 0; i < 9; ++i)
    BOOST_TEST(hex_of(ByteSpan(out).subspan(32 * i, 32)) == hex_of(sha256d(ByteSpan(in).subspan(64 * i, 64)).span()));
}

BOOST_AUTO_TEST_CASE(bip340_tagged_hash) {
  // tagged_hash(tag, m) is defined as sha256(sha256(tag) || sha256(tag) || m).
  const Hash256 t = sha256(as_bytes("TapLeaf"));
  Bytes pre;
  append(pre, t.span());
  append(pre, t.span());
  append(pre, as_bytes("xyz"));
  BOOST_TEST(tagged_hash("TapLeaf", as_bytes("xyz")) == sha256(pre));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sha512_tests)

BOOST_AUTO_TEST_CASE(nist_vectors) {
  BOOST_TEST(hex_of(sha512(as_bytes("abc"))) ==
             "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423"
             "643ce80e2a9ac94fa54ca49f");
  BOOST_TEST(hex_of(sha512(as_bytes(""))) ==
             "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd"
             "47417a81a538327af927da3e");
  BOOST_TEST(hex_of(sha512(as_bytes(nist_896))) ==
             "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329ee"
             "b6dd26545e96e55b874be909");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ripemd160_tests)

BOOST_AUTO_TEST_CASE(reference_vectors) {
  // From the RIPEMD-160 authors' page.
  BOOST_TEST(hex_of(ripemd160(as_bytes("")).span()) == "9c1185a5c5e9fc54612808977ee8f548b2258d31");
  BOOST_TEST(hex_of(ripemd160(as_bytes("abc")).span()) == "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
  BOOST_TEST(hex_of(ripemd160(as_bytes("message digest")).span()) == "5d0689ef49d2fae572b881b123a85ffa21595f36");
  BOOST_TEST(hex_of(ripemd160(as_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).span()) ==
             "12a053384a9c0c88e405a06c27dcf49ada62eb2b");
  BOOST_TEST(hex_of(ripemd160(as_bytes(std::string(1000000, 'a'))).span()) ==
             "52783243c1697bdbe16d37f97f68f08325dc1528");
}

BOOST_AUTO_TEST_CASE(hash160_of_pubkey) {
  // Generator point G, compressed: its hash160 is the payload of 1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH.
  const Bytes g = from_hex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  BOOST_TEST(hex_of(hash160(g).span()) == "751e76e8199196d454941c45d1b3a323f1433bd6");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hmac_tests)

BOOST_AUTO_TEST_CASE(rfc4231) {
  // Test case 1 and 6 (a key longer than the block).
  const Bytes key1(20, 0x0b);
  BOOST_TEST(hex_of(hmac_sha256(key1, as_bytes("Hi There"))) ==
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  BOOST_TEST(hex_of(hmac_sha512(key1, as_bytes("Hi There"))) ==
             "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914e"
             "eb61f1702e696c203a126854");
  const Bytes key6(131, 0xaa);
  BOOST_TEST(hex_of(hmac_sha512(key6, as_bytes("Test Using Larger Than Block-Size Key - Hash Key First"))) ==
             "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f"
             "73f63f0aec8b915a985d786598");
}

BOOST_AUTO_TEST_CASE(pbkdf2_sha512) {
  // BIP39 "abandon ... about" with passphrase "TREZOR": the seed in the trezor vectors.
  std::string words;
  for (int i = 0; i < 11; ++i) words += "abandon ";
  words += "about";
  Bytes seed(64);
  pbkdf2_hmac_sha512(as_bytes(words), as_bytes("mnemonicTREZOR"), 2048, seed);
  BOOST_TEST(
      hex_of(seed) ==
      "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4a"
      "b7c81b2f001698e7463b04");
}

BOOST_AUTO_TEST_SUITE_END()
