// Tests keys/electrum_seed.hpp against Electrum's own test_mnemonic.py and test_wallet_vertical.py
// values: seed versions, seed types, bip32 seeds, old seeds, and keystores with their addresses.
#include <coinkit/keys/electrum_seed.hpp>

#include <coinkit/address/address.hpp>
#include <coinkit/chain/opcodes.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/ripemd160.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/keys/bip39.hpp>
#include <coinkit/keys/bip39/chinese_simplified.hpp>
#include <coinkit/keys/bip39/japanese.hpp>
#include <coinkit/keys/bip39/spanish.hpp>
#include <coinkit/keys/derivation_path.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/mnemonic_error.hpp>
#include <coinkit/keys/normalize.hpp>
#include <coinkit/keys/slip39.hpp>
#include <coinkit/keys/trustedcoin.hpp>

#include <support/data.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace coinkit;
namespace json = boost::json;

namespace {

std::string str(const json::value& v) { return std::string(v.as_string()); }

const json::object& vectors() {
  static const json::object v = test::read_json("vectors/electrum/electrum_seed_and_wallet_vectors.json").as_object();
  return v;
}

bool what_starts_with(const system_error& e, std::string_view expected) {
  return std::string_view(e.what()).starts_with(expected);
}

std::optional<ElectrumSeedType> type_named(std::string_view name) {
  for (auto t : {ElectrumSeedType::old, ElectrumSeedType::standard, ElectrumSeedType::segwit, ElectrumSeedType::two_fa,
                 ElectrumSeedType::two_fa_segwit})
    if (to_string(t) == name) return t;
  return std::nullopt;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(electrum_seed_tests)

BOOST_AUTO_TEST_CASE(version_prefixes) {
  const json::object& prefixes = vectors().at("seed_version_prefixes").as_object();
  BOOST_TEST(prefixes.size() == 4u);
  for (const auto& [name, prefix] : prefixes) {
    const auto type = type_named(name);
    BOOST_TEST_REQUIRE(type.has_value());
    BOOST_TEST(electrum_seed::version_prefix(*type) == str(prefix));
  }
}

// The decimal digits of a big-endian number (Electrum states seed entropy as an int).
std::string decimal(Bytes n) {
  std::string digits;
  while (std::any_of(n.begin(), n.end(), [](std::uint8_t b) { return b != 0; })) {
    unsigned rest = 0;
    for (std::uint8_t& b : n) {
      const unsigned cur = rest << 8 | b;
      b = static_cast<std::uint8_t>(cur / 10);
      rest = cur % 10;
    }
    digits.insert(digits.begin(), static_cast<char>('0' + rest));
  }
  return digits.empty() ? "0" : digits;
}

// Electrum's wordlists for new seeds are BIP39's.
const Wordlist* electrum_wordlist(std::string_view case_name) {
  if (case_name.starts_with("japanese")) return &bip39::japanese;
  if (case_name.starts_with("spanish")) return &bip39::spanish;
  if (case_name.starts_with("chinese")) return &bip39::chinese_simplified;
  return nullptr;
}

// SEED_TEST_CASES: every case's words carry their seed version, and words + passphrase give
// the bip32 seed. English words round-trip through encode/decode; cases in Japanese, Chinese
// and Spanish state their entropy (an integer) in their own wordlist, BIP39's (keys/bip39/).
BOOST_AUTO_TEST_CASE(seed_test_cases) {
  const json::object& cases = vectors().at("seed_test_cases").as_object();
  std::size_t processed = 0, entropy_cases = 0;
  for (const auto& [name, value] : cases) {
    const json::object& c = value.as_object();
    BOOST_TEST_CONTEXT(name) {
      const std::string words = str(c.at("words"));
      const std::string passphrase = c.contains("passphrase") ? str(c.at("passphrase")) : "";
      if (c.contains("words_hex")) BOOST_TEST(to_hex(as_bytes(words)) == str(c.at("words_hex")));
      if (c.contains("passphrase_hex")) BOOST_TEST(to_hex(as_bytes(passphrase)) == str(c.at("passphrase_hex")));

      const std::string prefix = str(c.at("seed_version_prefix"));
      BOOST_TEST(electrum_seed::has_version_prefix(*electrum_normalize(words), prefix));
      BOOST_TEST(electrum_seed::version_prefix(electrum_seed::seed_type(words)) == prefix);
      BOOST_TEST(to_hex(electrum_seed::to_bip32_seed(words, passphrase)) == str(c.at("bip32_seed")));

      if (c.contains("entropy")) {
        ++entropy_cases;
        const Wordlist* list = electrum_wordlist(name);
        BOOST_TEST_REQUIRE(list != nullptr);
        const auto entropy = electrum_seed::try_decode_entropy(words, *list);
        BOOST_TEST_REQUIRE(entropy.has_value());
        BOOST_TEST(decimal(*entropy) == str(c.at("entropy")));
        BOOST_TEST(*electrum_normalize(electrum_seed::encode_entropy(*entropy, *list)) == *electrum_normalize(words));
      } else {
        const Bytes entropy = *electrum_seed::try_decode_entropy(words);
        BOOST_TEST(electrum_seed::encode_entropy(entropy) == words);
      }
      ++processed;
    }
  }
  BOOST_TEST(processed == 10u);
  BOOST_TEST(processed == cases.size());
  BOOST_TEST(entropy_cases == 8u);
}

// calc_seed_type on all 24 cases, including mixed case, extra whitespace and non-seeds ("").
BOOST_AUTO_TEST_CASE(seed_type_cases) {
  std::size_t processed = 0, not_seeds = 0;
  for (const json::value& v : vectors().at("seed_type_cases").as_array()) {
    const std::string words = str(v.at("words")), expected = str(v.at("expected_seed_type"));
    BOOST_TEST_CONTEXT("\"" << words << "\"") {
      auto type = electrum_seed::try_seed_type(words);
      if (expected.empty()) {
        BOOST_TEST_REQUIRE(!type);
        BOOST_TEST(type.error() == keys::mnemonic_error::not_electrum_seed);
        BOOST_TEST(type.error().message() == "not an Electrum seed: no seed version matches");
        ++not_seeds;
      } else {
        BOOST_TEST_REQUIRE(type.has_value());
        BOOST_TEST(to_string(*type) == expected);
      }
      ++processed;
    }
  }
  BOOST_TEST(processed == 24u);
  BOOST_TEST(not_seeds == 3u);
}

BOOST_AUTO_TEST_CASE(old_mnemonic_case) {
  const json::object& c = vectors().at("old_mnemonic").as_object();
  const std::string words = str(c.at("words"));
  BOOST_TEST(electrum_seed::seed_type(words) == ElectrumSeedType::old);
  BOOST_TEST(electrum_seed::old_seed_hex(words) == str(c.at("seed_hex")));
  // The hex form is an old seed too, and stands for itself.
  BOOST_TEST(electrum_seed::seed_type(str(c.at("seed_hex"))) == ElectrumSeedType::old);
  BOOST_TEST(electrum_seed::old_seed_hex(str(c.at("seed_hex"))) == str(c.at("seed_hex")));
}

// The weak old-seed checks let a triple exceed 32 bits; mn_decode then writes 9 hex digits.
BOOST_AUTO_TEST_CASE(old_seed_wide_triple) {
  const std::string words = "hurry idiot prefer sunset mention mist jaw inhale impossible kingdom rare squeeze";
  BOOST_TEST(electrum_seed::seed_type(words) == ElectrumSeedType::old);
  BOOST_TEST(electrum_seed::old_seed_hex(words) == "025d2f2d005036911003ca78900ca155c");
}

BOOST_AUTO_TEST_CASE(old_wordlist) {
  BOOST_TEST(electrum_seed::old_words.size() == 1626u);
  BOOST_TEST(electrum_seed::old_words[0] == "like");
  BOOST_TEST(electrum_seed::old_words[1625] == "weary");
  for (std::size_t i = 0; i < electrum_seed::old_words.size(); ++i)
    BOOST_TEST(electrum_seed::old_words.find(electrum_seed::old_words[i]) == static_cast<int>(i));
}

BOOST_AUTO_TEST_CASE(pbkdf2_basic_case) {
  const json::object& c = vectors().at("mnemonic_to_seed_basic").as_object();
  BOOST_TEST(to_hex(electrum_seed::to_bip32_seed(str(c.at("mnemonic")), str(c.at("passphrase")))) == str(c.at("seed")));
}

// make(): Electrum's search from random entropy to the first words with the version.
BOOST_AUTO_TEST_CASE(make_new_seeds) {
  std::mt19937 rng(2024);
  auto fill = [&](MutableByteSpan out) {
    for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  };
  for (auto type : {ElectrumSeedType::standard, ElectrumSeedType::segwit, ElectrumSeedType::two_fa,
                    ElectrumSeedType::two_fa_segwit}) {
    for (int i = 0; i < 3; ++i) {
      const std::string words = electrum_seed::make(type, fill);
      BOOST_TEST_CONTEXT(to_string(type) << ": " << words) {
        BOOST_TEST(electrum_seed::seed_type(words) == type);
        std::size_t count = 0;
        keys::detail::for_each_word(words, [&](std::string_view w) {
          ++count;
          BOOST_TEST(bip39::english.find(w) >= 0);
        });
        BOOST_TEST(count == 12u);  // 132 bits, top word non-zero
        BOOST_TEST(electrum_seed::encode_entropy(*electrum_seed::try_decode_entropy(words)) == words);
      }
    }
  }
  const std::string fresh = electrum_seed::make();  // the kernel's random source, segwit
  BOOST_TEST(electrum_seed::seed_type(fresh) == ElectrumSeedType::segwit);
}

BOOST_AUTO_TEST_CASE(entropy_encoding) {
  BOOST_TEST(electrum_seed::encode_entropy(Bytes{}) == "");
  BOOST_TEST(electrum_seed::encode_entropy(Bytes{0x00, 0x01}) == "ability");          // digit 1
  BOOST_TEST(electrum_seed::encode_entropy(Bytes{0x08, 0x00}) == "abandon ability");  // 2048 = 0 + 1·2048
  BOOST_TEST(electrum_seed::encode_entropy(Bytes{0x07, 0xff}) == "zoo");
  BOOST_TEST(to_hex(*electrum_seed::try_decode_entropy("abandon ability")) == "000800");  // 22 bits: 3 bytes
  MnemonicFault fault;
  auto bad = electrum_seed::try_decode_entropy("zoo Xyzzy", bip39::english, &fault);
  BOOST_TEST_REQUIRE(!bad);
  BOOST_TEST(bad.error() == keys::mnemonic_error::unknown_word);
  BOOST_TEST(fault.position == 2u);
  BOOST_TEST(fault.word == "xyzzy");  // normalized: Electrum lower-cases
  auto empty = electrum_seed::try_decode_entropy("  ");
  BOOST_TEST_REQUIRE(!empty);
  BOOST_TEST(empty.error() == keys::mnemonic_error::empty_mnemonic);
}

BOOST_AUTO_TEST_CASE(bad_input) {
  auto none = electrum_seed::try_seed_type("");
  BOOST_TEST_REQUIRE(!none);
  BOOST_TEST(none.error() == keys::mnemonic_error::not_electrum_seed);
  BOOST_CHECK_EXCEPTION(electrum_seed::seed_type("   "), system_error, [](const system_error& e) {
    return e.code() == keys::mnemonic_error::not_electrum_seed &&
           what_starts_with(e, "electrum seed: not an Electrum seed: no seed version matches");
  });
  auto utf = electrum_seed::try_seed_type("abandon \xff");
  BOOST_TEST_REQUIRE(!utf);
  BOOST_TEST(utf.error() == keys::mnemonic_error::invalid_utf8);

  auto not_old = electrum_seed::try_old_seed_hex(
      "wild father tree among universe such mobile favorite target dynamic "
      "credit identify");
  BOOST_TEST_REQUIRE(!not_old);
  BOOST_TEST(not_old.error() == keys::mnemonic_error::not_old_seed);
  BOOST_TEST(not_old.error().message() == "not an old Electrum seed");
  BOOST_TEST(!electrum_seed::try_old_seed_hex("0123456789abcdef"));  // 8 bytes of hex is not a seed

  // Old and 2fa seeds make no single keystore; standard seeds no 2fa keystores.
  auto old = electrum_seed::try_keystore(str(vectors().at("old_mnemonic").at("words")));
  BOOST_TEST_REQUIRE(!old);
  BOOST_TEST(old.error() == keys::mnemonic_error::unsupported_seed_type);
  BOOST_TEST(old.error().message() == "Electrum seed type not supported here");
  auto two = electrum_seed::try_two_fa_keystores(
      "wild father tree among universe such mobile favorite target dynamic "
      "credit identify");
  BOOST_TEST_REQUIRE(!two);
  BOOST_TEST(two.error() == keys::mnemonic_error::unsupported_seed_type);
  auto old_2fa = electrum_seed::try_two_fa_keystores(
      "sibling leg cable timber patient foot occur plate travel finger chef scale radio citizen promote immune must "
      "chef fluid sea sphere common acid lab",
      "secret");
  BOOST_TEST_REQUIRE(!old_2fa);
  BOOST_TEST(old_2fa.error() == keys::mnemonic_error::old_seed_passphrase);
}

BOOST_AUTO_TEST_SUITE_END()

// --- wallet vectors -----------------------------------------------------------------------

namespace {

// A keystore as the wallet tests see it: an extended key, private when known, and its type.
struct Keystore {
  std::optional<ExtPrivKey> xprv;
  ExtPubKey xpub;
  TxinType txin_type;
};

Keystore from_private(const ExtPrivKey& k, TxinType t) { return {k, k.neuter(), t}; }

Keystore from_text(std::string_view text, const Network& net) {
  auto any = decode_ext_key(text, net.ext_key_versions);
  BOOST_TEST_REQUIRE(any.has_value());
  if (const auto* priv = std::get_if<ExtPrivKey>(&any->key)) return from_private(*priv, any->txin_type);
  return {std::nullopt, std::get<ExtPubKey>(any->key), any->txin_type};
}

// Electrum writes p2sh multisig keys with the p2pkh (xprv/xpub) version bytes.
TxinType written_as(TxinType t) { return t == TxinType::p2sh ? TxinType::p2pkh : t; }

std::string xprv_text(const Keystore& k, const Network& net) {
  return *k.xprv->to_base58(net.ext_key_versions, written_as(k.txin_type));
}
std::string xpub_text(const Keystore& k, const Network& net) {
  return *k.xpub.to_base58(net.ext_key_versions, written_as(k.txin_type));
}

// The first key of the receiving (0) or change (1) chain of a wallet over `keystores`: one
// keystore is a single-key wallet, several a sorted m-of-n multisig one, as Electrum builds.
std::string first_address(const std::vector<Keystore>& keystores, std::size_t m, bool multisig, unsigned chain,
                          const Network& net) {
  const TxinType txin = keystores.front().txin_type;
  std::vector<PublicKey> keys;
  for (const Keystore& k : keystores) keys.push_back(k.xpub.derive(chain).derive(0).key());
  Bytes script_pubkey;
  if (!multisig) {
    const Hash160 id = keys.front().key_id();
    switch (txin) {
      case TxinType::p2pkh: script_pubkey = p2pkh_script(id); break;
      case TxinType::p2wpkh: script_pubkey = p2wpkh_script(id); break;
      case TxinType::p2wpkh_p2sh: script_pubkey = p2sh_script(hash160(p2wpkh_script(id))); break;
      default: BOOST_FAIL("no single-key script for " << to_string(txin));
    }
  } else {
    std::sort(keys.begin(), keys.end(), [](const PublicKey& a, const PublicKey& b) { return a.to_hex() < b.to_hex(); });
    Bytes redeem = {encode_small_int(static_cast<int>(m))};
    for (const PublicKey& k : keys) push_data(redeem, k.bytes());
    redeem.push_back(encode_small_int(static_cast<int>(keys.size())));
    redeem.push_back(OP_CHECKMULTISIG);
    const Hash256 witness_hash = sha256(redeem);
    switch (txin) {
      case TxinType::p2sh: script_pubkey = p2sh_script(hash160(redeem)); break;
      case TxinType::p2wsh: script_pubkey = p2wsh_script(witness_hash); break;
      case TxinType::p2wsh_p2sh: script_pubkey = p2sh_script(hash160(p2wsh_script(witness_hash))); break;
      default: BOOST_FAIL("no multisig script for " << to_string(txin));
    }
  }
  return *to_address(script_pubkey, net.address);
}

// Electrum's xtype_from_derivation for BIP43 purposes 44, 45, 49, 84.
TxinType txin_of_derivation(std::string_view path) {
  if (path.starts_with("m/49'")) return TxinType::p2wpkh_p2sh;
  if (path.starts_with("m/84'")) return TxinType::p2wpkh;
  if (path.starts_with("m/45'")) return TxinType::p2sh;
  return TxinType::p2pkh;
}

// The single-quoted literal after `call(` in a recorded Python step.
std::optional<std::string> literal_after(const std::string& step, std::string_view call) {
  const std::size_t at = step.find(call);
  if (at == std::string::npos) return std::nullopt;
  const std::size_t open = step.find('\'', at), close = step.find('\'', open + 1);
  return step.substr(open + 1, close - open - 1);
}

std::string quoted_derivation(const std::string& step) {
  const std::size_t at = step.find("derivation=\"");
  BOOST_TEST_REQUIRE(at != std::string::npos);
  const std::size_t open = at + 12;
  return step.substr(open, step.find('"', open) - open);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(electrum_wallet_tests)

// TestWalletKeystoreAddressIntegrity (mainnet and testnet): every assert of all 27 tests.
// Each test's keystores are rebuilt from its recorded steps; the asserts compare keystore
// keys, seed types, script types and the first receiving and change addresses. 2fa wallets
// add TrustedCoin's cosigner key (keys/trustedcoin.hpp); SLIP39 wallets start from the
// master secret of their shares (keys/slip39.hpp). Nothing is skipped.
BOOST_AUTO_TEST_CASE(keystores_and_addresses) {
  const std::string unicode_horror = str(vectors().at("UNICODE_HORROR"));
  std::size_t tests = 0, asserts = 0, checked = 0, two_fa_wallets = 0, slip39_wallets = 0;
  for (const auto& [group, list] : vectors().at("wallet_vectors").as_object()) {
    const Network& net = BtcPolicy::networks[group.ends_with("Testnet") ? 1 : 0];
    for (const json::value& tv : list.as_array()) {
      ++tests;
      const std::string name = str(tv.at("test"));
      const json::object& vars = tv.at("vars").as_object();
      const std::string words = vars.contains("seed_words") ? str(vars.at("seed_words")) : "";
      std::vector<std::string> steps;
      for (const json::value& s : tv.at("steps").as_array()) steps.push_back(str(s));
      const json::array& checks = tv.at("asserts").as_array();
      asserts += checks.size();

      BOOST_TEST_CONTEXT(group << "." << name) {
        // What each expression evaluates to in this test; filled per test, then compared in order.
        std::vector<std::string> actual;
        auto expect_each = [&](std::vector<std::string> values) { actual = std::move(values); };

        if (name == "test_electrum_seed_old") {
          const std::string seed_hex = electrum_seed::old_seed_hex(words);
          BOOST_TEST(seed_hex == str(vars.at("seed_hex")));
          const PrivateKey master = *electrum_seed::try_old_master_private_key(seed_hex);
          const auto mpk = master.public_key().uncompressed_bytes();
          auto address = [&](bool change) {
            const PublicKey k = *electrum_seed::try_old_public_key(master.public_key(), change, 0);
            BOOST_TEST(k.size() == 65u);  // old wallets pay to uncompressed keys
            BOOST_TEST(electrum_seed::try_old_private_key(master, change, 0)->public_key() == k);
            return *to_address(p2pkh_script(k.key_id()), net.address);
          };
          // calc_seed_type is asked of the words and of the hex form alike.
          BOOST_TEST(to_string(electrum_seed::seed_type(seed_hex)) == "old");
          expect_each({std::string(to_string(electrum_seed::seed_type(words))), to_hex(ByteSpan(mpk).subspan(1)),
                       "p2pkh", address(false), address(true)});
        } else if (name.starts_with("test_electrum_seed_2fa")) {
          const auto pair = electrum_seed::try_two_fa_keystores(words);
          BOOST_TEST_REQUIRE(pair.has_value());
          const Keystore ks1 = from_private((*pair)[0].xprv, (*pair)[0].txin_type);
          const Keystore ks2 = from_private((*pair)[1].xprv, (*pair)[1].txin_type);
          // The third key is TrustedCoin's, from the user xpubs as Electrum writes them.
          const ExtPubKey cosigner = *trustedcoin::try_cosigner_key(*pair, net.ext_key_versions);
          BOOST_TEST((cosigner == *trustedcoin::try_cosigner_key(xpub_text(ks2, net), xpub_text(ks1, net))));
          const Keystore ks3{std::nullopt, cosigner, ks1.txin_type};
          expect_each({std::string(to_string(electrum_seed::seed_type(words))), xprv_text(ks1, net),
                       xpub_text(ks1, net), xprv_text(ks2, net), xpub_text(ks2, net),
                       std::string(to_string(ks1.txin_type)), first_address({ks1, ks2, ks3}, 2, true, 0, net),
                       first_address({ks1, ks2, ks3}, 2, true, 1, net)});
          ++two_fa_wallets;
        } else if (name.starts_with("test_electrum_seed")) {
          const bool horror = steps[0].find("UNICODE_HORROR") != std::string::npos;
          const auto ks = electrum_seed::keystore(words, horror ? unicode_horror : "");
          const Keystore k = from_private(ks.xprv, ks.txin_type);
          std::vector<std::string> values = {std::string(to_string(electrum_seed::seed_type(words))),
                                             xprv_text(k, net),
                                             xpub_text(k, net),
                                             std::string(to_string(k.txin_type)),
                                             first_address({k}, 1, false, 0, net),
                                             first_address({k}, 1, false, 1, net)};
          // Keystore.get_lightning_xprv (segwit tests only): the keystore's child m/67'.
          if (checks.size() == 7)
            values.push_back(*ks.xprv.derive(hardened(67)).to_base58(net.ext_key_versions, k.txin_type));
          expect_each(values);
        } else if (name.starts_with("test_slip39")) {
          // root_seed = the master secret of the shares, a BIP32 seed. The recorded steps leave
          // the passphrase out: Electrum's test decrypts with "TREZOR", the passphrase of
          // SLIP39's own vectors (the one root_seed.hex() assert confirms it).
          std::vector<std::string> mnemonics;
          for (const json::value& m : vars.at("mnemonics").as_array()) mnemonics.push_back(str(m));
          const Bytes root_seed = slip39::recover(mnemonics, "TREZOR");
          const std::string path = quoted_derivation(steps[0]);
          const Keystore k = from_private(ExtPrivKey::from_seed(root_seed).derive_path(path), txin_of_derivation(path));
          std::vector<std::string> values;
          if (str(checks[0].at("expr")) == "root_seed.hex()") values.push_back(to_hex(root_seed));
          for (const std::string& v : {xprv_text(k, net), xpub_text(k, net), std::string(to_string(k.txin_type)),
                                       first_address({k}, 1, false, 0, net), first_address({k}, 1, false, 1, net)})
            values.push_back(v);
          expect_each(values);
          ++slip39_wallets;
        } else if (name.starts_with("test_bip39_seed")) {
          const bool horror = steps[0].find("UNICODE_HORROR") != std::string::npos;
          const std::string path = quoted_derivation(steps[1]);
          const ExtPrivKey root = ExtPrivKey::from_seed(bip39::to_seed(words, horror ? unicode_horror : ""));
          const Keystore k = from_private(root.derive_path(path), txin_of_derivation(path));
          expect_each({bip39::check(words) ? "invalid" : "[true, true]", xprv_text(k, net), xpub_text(k, net),
                       std::string(to_string(k.txin_type)), first_address({k}, 1, false, 0, net),
                       first_address({k}, 1, false, 1, net)});
        } else if (name.starts_with("test_electrum_multisig_seed") || name.starts_with("test_bip39_multisig_seed")) {
          Keystore ks1 = [&] {
            if (auto xprv = literal_after(steps[0], "keystore.from_xprv(")) return from_text(*xprv, net);
            if (name.starts_with("test_electrum")) {
              const auto ks = electrum_seed::keystore(words, "", /*for_multisig=*/true);
              return from_private(ks.xprv, ks.txin_type);
            }
            const std::string path = quoted_derivation(steps[1]);
            return from_private(ExtPrivKey::from_seed(bip39::to_seed(words)).derive_path(path),
                                txin_of_derivation(path));
          }();
          std::optional<std::string> cosigner;
          for (const std::string& s : steps)
            if (!cosigner) cosigner = literal_after(s, "keystore.from_xpub(");
          BOOST_TEST_REQUIRE(cosigner.has_value());
          const Keystore ks2 = from_text(*cosigner, net);  // an xpub cosigner takes the wallet's type
          std::vector<std::string> values;
          for (const json::value& a : checks) {
            const std::string expr = str(a.at("expr"));
            if (expr == "calc_seed_type(seed_words)") values.emplace_back(to_string(electrum_seed::seed_type(words)));
            if (expr == "keystore.bip39_is_checksum_valid(seed_words)")
              values.emplace_back(bip39::check(words) ? "invalid" : "[true, true]");
            if (expr == "ks1.xprv") values.push_back(xprv_text(ks1, net));
            if (expr == "ks1.xpub") values.push_back(xpub_text(ks1, net));
            if (expr == "w.txin_type") values.emplace_back(to_string(ks1.txin_type));
            if (expr == "w.get_receiving_addresses()[0]") values.push_back(first_address({ks1, ks2}, 2, true, 0, net));
            if (expr == "w.get_change_addresses()[0]") values.push_back(first_address({ks1, ks2}, 2, true, 1, net));
          }
          expect_each(values);
        } else if (name == "test_bip32_extended_version_bytes") {
          const bip39::Seed seed = bip39::to_seed(words);
          const ExtPrivKey root = ExtPrivKey::from_seed(seed);
          std::vector<std::string> values = {bip39::check(words) ? "invalid" : "[true, true]", to_hex(seed),
                                             root.neuter().derive_path("m/0/0").key().to_hex(),
                                             root.neuter().derive_path("m/1/0").key().to_hex()};
          // create_keystore_from_bip32seed at m for each xtype: three single-key wallets, then
          // three 1-of-1 multisig ones ('standard' again, as p2sh).
          const std::pair<TxinType, bool> wallets[] = {{TxinType::p2pkh, false},     {TxinType::p2wpkh_p2sh, false},
                                                       {TxinType::p2wpkh, false},    {TxinType::p2sh, true},
                                                       {TxinType::p2wsh_p2sh, true}, {TxinType::p2wsh, true}};
          for (const auto& [txin, multisig] : wallets) {
            const Keystore k = from_private(root, txin);
            values.push_back(xprv_text(k, net));
            values.push_back(xpub_text(k, net));
            values.push_back(first_address({k}, 1, multisig, 0, net));
            values.push_back(first_address({k}, 1, multisig, 1, net));
          }
          expect_each(values);
        } else {
          BOOST_FAIL("no rule for wallet test " << name);
        }

        BOOST_TEST_REQUIRE(actual.size() == checks.size());
        for (std::size_t i = 0; i < checks.size(); ++i) {
          const std::string expr = str(checks[i].at("expr"));
          const json::value& expected = checks[i].at("expected");
          BOOST_TEST_CONTEXT(i << ": " << expr) {
            if (expected.is_array())  // bip39_is_checksum_valid: (is_checksum_valid, is_wordlist_valid)
              BOOST_TEST(actual[i] ==
                         std::string(expected.at(0).as_bool() && expected.at(1).as_bool() ? "[true, true]" : "other"));
            else
              BOOST_TEST(actual[i] == str(expected));
            ++checked;
          }
        }
      }
    }
  }
  BOOST_TEST(tests == 27u);
  BOOST_TEST(asserts == 204u);
  BOOST_TEST(two_fa_wallets == 4u);
  BOOST_TEST(slip39_wallets == 8u);
  BOOST_TEST(checked == asserts);  // every assert, no skip rule left
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(trustedcoin_tests)

// The wallet vectors above check the cosigner key through addresses; these check its parts.
BOOST_AUTO_TEST_CASE(user_id_and_keys) {
  const std::string a =
      "xpub661MyMwAqRbcGnMkaTx2594P9EDuiEqMq25PM2aeG6UmwzaohgA6uDmNsvSUV8ubqwA3Wpste1hg69XHgjUuCD5HLcEp2QPzyV1HMrPppsL";
  const std::string b =
      "xpub6DTBdtBB8qUmH5c77v8qVGVoYk7WjJNpGvutqjLasNG1mbux6KsojaLrYf2sRhXAVU4NaFuHhbD9SvVPRt1MB1MaMooRuhHcAZH1yhQ1qDU";
  const Hash256 id = trustedcoin::long_user_id(a, b);
  BOOST_TEST(id == trustedcoin::long_user_id(b, a));  // sorted first
  BOOST_TEST(id == sha256(as_bytes(a + b)));
  BOOST_TEST(trustedcoin::short_user_id(id) == to_hex(sha256(id.span()).span()));
  const ExtPubKey cosigner = *trustedcoin::try_cosigner_key(a, b);
  BOOST_TEST(cosigner.depth() == 0);  // Electrum writes it as a root key
  BOOST_TEST(!(cosigner == *trustedcoin::try_cosigner_key(a, b, trustedcoin::testnet)));
  BOOST_TEST(trustedcoin::try_billing_key(id, 0)->size() == 33u);
  BOOST_TEST(!(*trustedcoin::try_billing_key(id, 0) == *trustedcoin::try_billing_key(id, 1)));

  // Keystores whose script type the version table cannot write fail with that error.
  const auto pair = *electrum_seed::try_two_fa_keystores(
      "universe topic remind silver february ranch shine worth innocent cattle enhance wise");
  const ExtKeyVersion xpub_only[] = {{TxinType::p2pkh, 0x0488b21e, 0x0488ade4}};
  auto r = trustedcoin::try_cosigner_key(pair, xpub_only);
  BOOST_TEST_REQUIRE(!r);
  BOOST_TEST(r.error() == keys::error::no_version_for_txin_type);
}

BOOST_AUTO_TEST_SUITE_END()
