// Mutated and random input through every keys parser (a deterministic cousin of the fuzz
// target): no crash, no exception, and what parses re-encodes consistently.
#include <coinkit/keys/derivation_path.hpp>
#include <coinkit/keys/ecdsa_signature.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/public_key.hpp>
#include <coinkit/keys/schnorr.hpp>
#include <coinkit/keys/wif.hpp>

#include <coinkit/coins/btc.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>

#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

using namespace coinkit;

namespace {

// Flip, insert, delete or overwrite a few positions of `s`.
template <class Seq>
Seq mutate(Seq s, std::mt19937& rng, const std::string& alphabet) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    const std::size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    const char c = alphabet[rng() % alphabet.size()];
    switch (rng() % 4) {
      case 0:
        if (pos < s.size()) s[pos] = static_cast<typename Seq::value_type>(s[pos] ^ (1u << (rng() % 8)));
        break;
      case 1: s.insert(s.begin() + static_cast<std::ptrdiff_t>(pos), static_cast<typename Seq::value_type>(c)); break;
      case 2:
        if (pos < s.size()) s.erase(s.begin() + static_cast<std::ptrdiff_t>(pos));
        break;
      default:
        if (pos < s.size()) s[pos] = static_cast<typename Seq::value_type>(c);
    }
  }
  return s;
}

const std::string base58_chars(base58_alphabet);
const std::string all_bytes = [] {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}();

}  // namespace

BOOST_AUTO_TEST_SUITE(untrusted_input_tests)

BOOST_AUTO_TEST_CASE(text_parsers) {
  std::mt19937 rng(20240601);
  const std::vector<std::string> seeds = {
      "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi",
      "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8",
      "p2wpkh-p2sh:L3CZH1pm87X4bbE6mSGvZnAZ1KcFDRomBudUkrkBG7EZhDtBVXMW",
      "LHJnnvRzsdrTX2j5QeWVsaBkabK7gfMNqNNqxnbBVRaJYfk24iJz",
      "SzavMBLoXU6kDrqtUVmffv",
      "m/84'/0'/0'/0/5",
  };
  std::size_t parsed = 0;
  for (int i = 0; i < 4000; ++i) {
    const std::string& seed = seeds[static_cast<std::size_t>(i) % seeds.size()];
    const std::string text = mutate(seed, rng, i % 2 ? base58_chars + ":'/h" : all_bytes);
    BOOST_TEST_CONTEXT(text) {
      if (auto k = decode_ext_key(text, btc::mainnet_ext_keys)) {
        const std::string again = std::visit([&](const auto& key) { return key.to_base58(k->version); }, k->key);
        BOOST_TEST(again == text);
        ++parsed;
      }
      if (auto w = decode_wif(text, 0x80)) {
        BOOST_TEST(encode_wif(*w, 0x80) == text);
        ++parsed;
      }
      if (auto e = decode_electrum_wif(text, 0x80)) {
        // The canonical export reads back to the same key and type.
        const auto again = decode_electrum_wif(encode_electrum_wif(e->key, e->txin_type, 0x80), 0x80);
        BOOST_TEST((again.value().key == e->key));
        ++parsed;
      }
      if (auto p = DerivationPath::try_parse(text)) {
        BOOST_TEST((DerivationPath::parse(p->to_string()) == *p));
        ++parsed;
      }
    }
  }
  BOOST_TEST(parsed > 0u);  // some mutations stay valid (paths, mostly)
}

BOOST_AUTO_TEST_CASE(byte_parsers) {
  std::mt19937 rng(7);
  const PrivateKey key = PrivateKey::from_hex("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d");
  const Hash256 digest = sha256(as_bytes("fuzz"));
  const DerSignature der = key.sign(digest).to_der();
  const RecoverableSignature rec = key.sign_recoverable(digest);
  const ExtKeyPayload payload =
      ExtPrivKey::from_seed(from_hex("000102030405060708090a0b0c0d0e0f")).serialize(0x0488ade4);
  const std::vector<Bytes> seeds = {
      Bytes(der.span().begin(), der.span().end()),
      Bytes(rec.begin(), rec.end()),
      Bytes(payload.begin(), payload.end()),
      [&] {
        const auto c = key.public_key().compressed_bytes();
        return Bytes(c.begin(), c.end());
      }(),
      [&] {
        const auto u = key.public_key().uncompressed_bytes();
        return Bytes(u.begin(), u.end());
      }(),
      Bytes(),
  };
  std::size_t strict_ok = 0;
  for (int i = 0; i < 6000; ++i) {
    const Bytes b = mutate(seeds[static_cast<std::size_t>(i) % seeds.size()], rng, all_bytes);
    BOOST_TEST_CONTEXT(to_hex(b)) {
      if (auto s = EcdsaSignature::parse_der(b)) {
        // Strict DER is canonical: it serializes back to itself.
        BOOST_TEST(to_hex(s->to_der().span()) == to_hex(b));
        BOOST_TEST_REQUIRE(EcdsaSignature::parse_der_lax(b).has_value());
        ++strict_ok;
      }
      (void)EcdsaSignature::parse_der_lax(b);
      (void)key.public_key().verify_der(digest, b);
      (void)EcdsaSignature::parse_compact(b);
      (void)PublicKey::recover(digest, b);
      if (auto p = PublicKey::parse(b)) BOOST_TEST(to_hex(p->bytes()) == to_hex(b));
      if (auto x = XOnlyPublicKey::parse(b)) BOOST_TEST(to_hex(x->span()) == to_hex(b));
      if (auto k = decode_ext_key_payload(b, btc::mainnet_ext_keys)) {
        const auto again = std::visit([&](const auto& key) { return key.serialize(k->version); }, k->key);
        BOOST_TEST(to_hex(again) == to_hex(b));
      }
    }
  }
  BOOST_TEST(strict_ok > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
