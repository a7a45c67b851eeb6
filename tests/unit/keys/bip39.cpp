// Tests keys/bip39.hpp, keys/wordlist.hpp and keys/normalize.hpp: the trezor BIP39 vectors in
// every language, the English wordlist against its source, errors, and BIP44/49/84/86 derivations.
#include <coinkit/keys/bip39.hpp>

#include <coinkit/address/address.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/ripemd160.hpp>
#include <coinkit/keys/bip39/chinese_simplified.hpp>
#include <coinkit/keys/bip39/chinese_traditional.hpp>
#include <coinkit/keys/bip39/czech.hpp>
#include <coinkit/keys/bip39/french.hpp>
#include <coinkit/keys/bip39/italian.hpp>
#include <coinkit/keys/bip39/japanese.hpp>
#include <coinkit/keys/bip39/korean.hpp>
#include <coinkit/keys/bip39/portuguese.hpp>
#include <coinkit/keys/bip39/spanish.hpp>
#include <coinkit/keys/derivation_path.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/mnemonic_error.hpp>
#include <coinkit/keys/normalize.hpp>
#include <coinkit/keys/schnorr.hpp>
#include <coinkit/keys/taproot.hpp>
#include <coinkit/keys/wif.hpp>
#include <coinkit/keys/wordlist.hpp>

#include <support/data.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace coinkit;
namespace json = boost::json;

namespace {

constexpr std::uint32_t xprv_version = 0x0488ade4;

std::string str(const json::value& v) { return std::string(v.as_string()); }

// Boost's system_error::what() is "<context>: <message> [<category>:<value>]".
bool what_starts_with(const system_error& e, std::string_view expected) {
  return std::string_view(e.what()).starts_with(expected);
}

template <class T>
std::string error_message(const result<T>& r) {
  return r ? std::string("no error") : r.error().message();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wordlist_tests)

// The generated header holds exactly the standard's file, word for word and in order.
BOOST_AUTO_TEST_CASE(english_matches_source_file) {
  const std::string text = test::read_text("vectors/bip39/bip39_english_wordlist.txt");
  std::vector<std::string> words;
  keys::detail::for_each_word(text, [&](std::string_view w) { words.emplace_back(w); });
  BOOST_TEST_REQUIRE(words.size() == 2048u);
  BOOST_TEST_REQUIRE(bip39::english.size() == 2048u);
  for (std::size_t i = 0; i < words.size(); ++i) {
    BOOST_TEST(bip39::english[i] == words[i]);
    BOOST_TEST(bip39::english.find(words[i]) == static_cast<int>(i));
  }
}

BOOST_AUTO_TEST_CASE(lookup_misses) {
  BOOST_TEST(bip39::english.find("") == -1);
  BOOST_TEST(bip39::english.find("aaa") == -1);       // before the first word
  BOOST_TEST(bip39::english.find("zzz") == -1);       // after the last
  BOOST_TEST(bip39::english.find("abando") == -1);    // a prefix only
  BOOST_TEST(bip39::english.find("abandonn") == -1);  // one letter more
  BOOST_TEST(bip39::english.find("Abandon") == -1);   // lookups are exact; normalize first
  static_assert(bip39::english.find("zoo") == 2047);  // constexpr all the way
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(normalize_tests)

BOOST_AUTO_TEST_CASE(nfkd_forms) {
  BOOST_TEST(*nfkd("abandon about") == "abandon about");
  BOOST_TEST(*nfkd("\xc3\xa1"
                   "baco") ==
             "a\xcc\x81"
             "baco");                                               // á → a + U+0301
  BOOST_TEST(*nfkd("\xe3\x80\x80") == " ");                         // U+3000 → space
  BOOST_TEST(*nfkd("\xef\xac\x81") == "fi");                        // ligature ﬁ
  BOOST_TEST(*nfkd("\xe3\x81\x8c") == "\xe3\x81\x8b\xe3\x82\x99");  // が → か + U+3099
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_rejected) {
  for (std::string_view bad : {std::string_view("\xff"), std::string_view("ab\xc3"), std::string_view("\xc0\xaf"),
                               std::string_view("\xed\xa0\x80")}) {
    auto r = nfkd(bad);
    BOOST_TEST_REQUIRE(!r);
    BOOST_TEST(r.error() == keys::mnemonic_error::invalid_utf8);
    BOOST_TEST(r.error().message() == "text is not valid UTF-8");
    BOOST_TEST(!electrum_normalize(bad));
  }
}

// Electrum's normalize_text: lower case, accents off, whitespace collapsed, no spaces
// between CJK characters.
BOOST_AUTO_TEST_CASE(electrum_normal_form) {
  BOOST_TEST(*electrum_normalize("  cElL  DuMb\t\nheartbeat ") == "cell dumb heartbeat");
  BOOST_TEST(*electrum_normalize("Ara\xc3\xb1"
                                 "a dif\xc3\xad"
                                 "cil") == "arana dificil");
  BOOST_TEST(*electrum_normalize("\xe7\x9c\xbc \xe6\x82\xb2 abc \xe5\x8f\x9b") ==
             "\xe7\x9c\xbc\xe6\x82\xb2 abc \xe5\x8f\x9b");  // 眼 悲 abc 叛
  BOOST_TEST(*electrum_normalize("") == "");
  BOOST_TEST(*electrum_normalize(" \t ") == "");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bip39_tests)

// The shipped wordlists by the names vectors.json uses.
const Wordlist* wordlist_named(std::string_view language) {
  static const std::pair<std::string_view, const Wordlist*> lists[] = {
      {"english", &bip39::english},
      {"chinese_simplified", &bip39::chinese_simplified},
      {"chinese_traditional", &bip39::chinese_traditional},
      {"czech", &bip39::czech},
      {"french", &bip39::french},
      {"italian", &bip39::italian},
      {"japanese", &bip39::japanese},
      {"korean", &bip39::korean},
      {"portuguese", &bip39::portuguese},
      {"spanish", &bip39::spanish},
  };
  for (const auto& [name, list] : lists)
    if (name == language) return list;
  return nullptr;
}

// trezor/python-mnemonic vectors.json: per language, [entropy, mnemonic, seed, xprv] with the
// passphrase "TREZOR". Every entry checks mnemonic → seed → BIP32 root, and entropy ↔
// mnemonic in its language's wordlist (keys/bip39/<language>.hpp). Russian and Turkish are
// python-mnemonic's own lists, in no BIP: they skip that step by the rule
// "wordlist_not_shipped", counted.
BOOST_AUTO_TEST_CASE(trezor_vectors) {
  const json::object vectors = test::read_json("vectors/bip39/trezor_python-mnemonic_vectors.json").as_object();
  std::size_t in_file = 0, processed = 0, round_trips = 0, wordlist_not_shipped = 0;
  for (const auto& [language, cases] : vectors) {
    for (const json::value& v : cases.as_array()) {
      ++in_file;
      const json::array& c = v.as_array();
      const std::string entropy_hex = str(c[0]), mnemonic = str(c[1]), seed_hex = str(c[2]), xprv = str(c[3]);
      BOOST_TEST_CONTEXT(language << " " << entropy_hex) {
        const bip39::Seed seed = bip39::to_seed(mnemonic, "TREZOR");
        BOOST_TEST(to_hex(seed) == seed_hex);
        BOOST_TEST(ExtPrivKey::from_seed(seed).to_base58(xprv_version) == xprv);
        if (const Wordlist* words = wordlist_named(language)) {
          const Bytes entropy = from_hex(entropy_hex);
          // Words come out in NFKD, as the standard's files hold them; Japanese ones joined by U+3000.
          const std::string encoded = bip39::encode(entropy, *words);
          BOOST_TEST(*nfkd(encoded) == *nfkd(mnemonic));
          BOOST_TEST(encoded.find(words->separator()) != std::string::npos);
          BOOST_TEST(to_hex(bip39::decode(mnemonic, *words)) == entropy_hex);
          BOOST_TEST(!bip39::check(mnemonic, *words));
          BOOST_TEST(bip39::to_seed(encoded, "TREZOR") == seed);
          ++round_trips;
        } else {
          BOOST_TEST((language == "russian" || language == "turkish"));
          ++wordlist_not_shipped;
        }
        ++processed;
      }
    }
  }
  BOOST_TEST(in_file == 288u);
  BOOST_TEST(processed == in_file);
  BOOST_TEST(round_trips == 240u);          // the 10 languages of bip-0039/
  BOOST_TEST(wordlist_not_shipped == 48u);  // russian, turkish
  BOOST_TEST(round_trips + wordlist_not_shipped == in_file);
}

// Each shipped list: 2048 distinct NFKD words, each found at its own index, and the SHA-256
// of its words each followed by "\n" (the bytes of bip-0039/<language>.txt, which holds them
// decomposed) equal to the checksum published for that file (rust-bitcoin/rust-bip39's
// language tests; Portuguese, added later, by libraries that pin bips commit ed7af6ae).
BOOST_AUTO_TEST_CASE(shipped_wordlists) {
  const std::pair<const char*, const char*> checksums[] = {
      {"english", "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"},
      {"chinese_simplified", "5c5942792bd8340cb8b27cd592f1015edf56a8c5b26276ee18a482428e7c5726"},
      {"chinese_traditional", "417b26b3d8500a4ae3d59717d7011952db6fc2fb84b807f3f94ac734e89c1b5f"},
      {"czech", "7e80e161c3e93d9554c2efb78d4e3cebf8fc727e9c52e03b83b94406bdcc95fc"},
      {"french", "ebc3959ab7801a1df6bac4fa7d970652f1df76b683cd2f4003c941c63d517e59"},
      {"italian", "d392c49fdb700a24cd1fceb237c1f65dcc128f6b34a8aacb58b59384b5c648c2"},
      {"japanese", "2eed0aef492291e061633d7ad8117f1a2b03eb80a29d0e4e3117ac2528d05ffd"},
      {"korean", "9e95f86c167de88f450f0aaf89e87f6624a57f973c67b516e338e8e8b8897f60"},
      {"portuguese", "2685e9c194c82ae67e10ba59d9ea5345a23dc093e92276fc5361f6667d79cd3f"},
      {"spanish", "46846a5a0139d1e3cb77293e521c2865f7bcdb82c44e8d0a06a2cd0ecba48c0b"},
  };
  for (const auto& [language, checksum] : checksums) {
    const Wordlist& words = *wordlist_named(language);
    BOOST_TEST_CONTEXT(language) {
      BOOST_TEST_REQUIRE(words.size() == 2048u);
      Sha256 file;
      for (std::size_t i = 0; i < words.size(); ++i) {
        BOOST_TEST(words.find(words[i]) == static_cast<int>(i));
        BOOST_TEST(*nfkd(words[i]) == words[i]);
        file.write(as_bytes(words[i])).write(as_bytes("\n"));
      }
      BOOST_TEST(to_hex(file.finalize().span()) == checksum);
    }
  }
  BOOST_TEST(bip39::japanese.separator() == "\xe3\x80\x80");
  BOOST_TEST(bip39::korean.separator() == " ");
  // Words in NFC are found after NFKD: decode normalizes, find does not.
  BOOST_TEST(bip39::spanish.find("\xc3\xa1"
                                 "baco") == -1);  // ábaco, precomposed
  BOOST_TEST(bip39::spanish.find(*nfkd("\xc3\xa1"
                                       "baco")) == 0);
  // A word of one list is not a word of another.
  MnemonicFault fault;
  BOOST_TEST(bip39::check("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
                          "about",
                          bip39::french, &fault) == keys::mnemonic_error::unknown_word);
  BOOST_TEST(fault.position == 12u);  // "abandon" is French too, "about" is not
  BOOST_TEST(fault.word == "about");
}

BOOST_AUTO_TEST_CASE(every_entropy_length) {
  for (std::size_t n = 16; n <= 32; n += 4) {
    Bytes entropy(n);
    for (std::size_t i = 0; i < n; ++i) entropy[i] = static_cast<std::uint8_t>(i * 37 + n);
    const std::string words = bip39::encode(entropy);
    std::size_t count = 0;
    keys::detail::for_each_word(words, [&](std::string_view) { ++count; });
    BOOST_TEST(count == n * 3 / 4);
    BOOST_TEST(bip39::decode(words) == entropy);
  }
}

// Mnemonics are read after NFKD and split on any whitespace run.
BOOST_AUTO_TEST_CASE(decode_tolerates_whitespace) {
  const std::string spaced =
      "  abandon abandon\tabandon abandon abandon abandon\nabandon abandon abandon abandon abandon   about ";
  BOOST_TEST(to_hex(bip39::decode(spaced)) == "00000000000000000000000000000000");
  const std::string ideographic =
      "abandon\xe3\x80\x80"
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
  BOOST_TEST(to_hex(bip39::decode(ideographic)) == "00000000000000000000000000000000");
}

BOOST_AUTO_TEST_CASE(invalid_entropy_length) {
  for (std::size_t n : {0u, 1u, 12u, 15u, 17u, 30u, 33u, 64u}) {
    const Bytes entropy(n, 0x55);
    auto r = bip39::try_encode(entropy);
    BOOST_TEST_REQUIRE(!r);
    BOOST_TEST(r.error() == keys::mnemonic_error::invalid_entropy_length);
    BOOST_TEST(error_message(r) == "entropy must be 16, 20, 24, 28 or 32 bytes");
  }
  BOOST_CHECK_EXCEPTION(bip39::encode(Bytes(15)), system_error, [](const system_error& e) {
    return e.code() == keys::mnemonic_error::invalid_entropy_length &&
           what_starts_with(e, "bip39 entropy: entropy must be 16, 20, 24, 28 or 32 bytes");
  });
}

BOOST_AUTO_TEST_CASE(empty_mnemonic) {
  for (std::string_view text : {"", " ", "\t\n  ", "\xe3\x80\x80"}) {
    auto r = bip39::try_decode(text);
    BOOST_TEST_REQUIRE(!r);
    BOOST_TEST(r.error() == keys::mnemonic_error::empty_mnemonic);
    BOOST_TEST(error_message(r) == "mnemonic has no words");
  }
  BOOST_CHECK_EXCEPTION(bip39::decode("   "), system_error, [](const system_error& e) {
    return e.code() == keys::mnemonic_error::empty_mnemonic &&
           what_starts_with(e, "bip39 mnemonic: mnemonic has no words");
  });
}

BOOST_AUTO_TEST_CASE(wrong_word_count) {
  const std::string eleven = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
  const std::string thirteen = eleven + " abandon about";
  const std::string twenty_seven = thirteen + " " + thirteen + " about";
  for (const std::string& text : {std::string("abandon"), eleven, thirteen, twenty_seven}) {
    auto r = bip39::try_decode(text);
    BOOST_TEST_REQUIRE(!r);
    BOOST_TEST(r.error() == keys::mnemonic_error::wrong_word_count);
    BOOST_TEST(error_message(r) == "mnemonic must have 12, 15, 18, 21 or 24 words");
  }
  BOOST_TEST(bip39::check(eleven) == keys::mnemonic_error::wrong_word_count);
}

BOOST_AUTO_TEST_CASE(unknown_word_is_named) {
  const std::string text =
      "abandon abandon xyzzy abandon abandon abandon abandon abandon abandon abandon abandon about";
  MnemonicFault fault;
  auto r = bip39::try_decode(text, bip39::english, &fault);
  BOOST_TEST_REQUIRE(!r);
  BOOST_TEST(r.error() == keys::mnemonic_error::unknown_word);
  BOOST_TEST(error_message(r) == "word is not in the wordlist");
  BOOST_TEST(fault.position == 3u);
  BOOST_TEST(fault.word == "xyzzy");
  BOOST_CHECK_EXCEPTION(bip39::decode(text), system_error, [](const system_error& e) {
    return e.code() == keys::mnemonic_error::unknown_word &&
           what_starts_with(e, "bip39 mnemonic: word 3 \"xyzzy\": word is not in the wordlist");
  });
  // Upper case is another word: BIP39 normalizes with NFKD only.
  MnemonicFault upper;
  BOOST_TEST(
      bip39::check("Abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
                   bip39::english, &upper) == keys::mnemonic_error::unknown_word);
  BOOST_TEST(upper.position == 1u);
  BOOST_TEST(upper.word == "Abandon");
}

BOOST_AUTO_TEST_CASE(bad_checksum) {
  // The last word of "abandon ×11 about" carries the checksum; "abandon" has the wrong bits.
  const std::string text =
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon";
  auto r = bip39::try_decode(text);
  BOOST_TEST_REQUIRE(!r);
  BOOST_TEST(r.error() == keys::mnemonic_error::bad_checksum);
  BOOST_TEST(error_message(r) == "mnemonic checksum does not match");
  BOOST_CHECK_EXCEPTION(bip39::decode(text), system_error, [](const system_error& e) {
    return e.code() == keys::mnemonic_error::bad_checksum &&
           what_starts_with(e, "bip39 mnemonic: mnemonic checksum does not match");
  });
  // Every other last word of a 24-word phrase fails too, but for the one right word.
  std::string zoo23;
  for (int i = 0; i < 23; ++i) zoo23 += "zoo ";
  std::size_t valid = 0;
  for (std::size_t i = 0; i < bip39::english.size(); ++i)
    if (!bip39::check(zoo23 + std::string(bip39::english[i]))) ++valid;
  BOOST_TEST(valid == 8u);  // 3 free bits in the last word: 2^3 candidates with the right 8-bit checksum
}

BOOST_AUTO_TEST_CASE(seed_of_invalid_utf8) {
  auto r = bip39::try_to_seed("abandon \xff");
  BOOST_TEST_REQUIRE(!r);
  BOOST_TEST(r.error() == keys::mnemonic_error::invalid_utf8);
  auto p = bip39::try_to_seed("abandon", "\xc3");
  BOOST_TEST_REQUIRE(!p);
  BOOST_TEST(p.error() == keys::mnemonic_error::invalid_utf8);
  BOOST_CHECK_EXCEPTION(bip39::to_seed("\xff"), system_error, [](const system_error& e) {
    return e.code() == keys::mnemonic_error::invalid_utf8 && what_starts_with(e, "bip39 seed: text is not valid UTF-8");
  });
}

BOOST_AUTO_TEST_CASE(error_category) {
  const error_code ec = keys::mnemonic_error::bad_checksum;
  BOOST_TEST(std::string(ec.category().name()) == "coinkit.keys.mnemonic");
  std::ostringstream os;
  os << keys::mnemonic_error::unknown_word;
  BOOST_TEST(os.str() == "word is not in the wordlist");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bip44_49_84_86_tests)

namespace {

// What a purpose-path vector group states about its node, computed from the node: keys in
// the SLIP-132 form of the BIP's script type, the first keys' WIF, hashes, scripts, address.
std::map<std::string, std::string> describe_node(const ExtPrivKey& node, const Network& net, TxinType txin,
                                                 const std::string& mnemonic) {
  // BIP86 keys are written xprv/xpub: SLIP-132 has no taproot row.
  const TxinType versions_of = txin == TxinType::p2tr ? TxinType::p2pkh : txin;
  const std::string xprv = *node.to_base58(net.ext_key_versions, versions_of);
  const std::string xpub = *node.neuter().to_base58(net.ext_key_versions, versions_of);
  const PublicKey pub = node.public_key();
  std::map<std::string, std::string> out = {
      {"mnemonic", mnemonic},
      {"masterseedWords", mnemonic},
      {"masterseed", xprv},
      {"rootpriv", xprv},
      {"rootpub", xpub},
      {"account0Xpriv", xprv},
      {"account0Xpub", xpub},
      {"xpriv", xprv},
      {"xprv", xprv},
      {"xpub", xpub},
      {"account0recvPrivateKey", encode_wif(node.key(), net.wif_prefix)},
      {"privkey", encode_wif(node.key(), net.wif_prefix)},
      {"account0recvPrivateKeyHex", "0x" + to_hex(node.key().span())},
      {"account0recvPublicKeyHex", "0x" + pub.to_hex()},
      {"pubkey", pub.to_hex()},
      {"keyhash", "0x" + to_hex(pub.key_id().span())},
  };
  Bytes script_pubkey;
  switch (txin) {
    case TxinType::p2wpkh_p2sh: {
      const Bytes redeem = p2wpkh_script(pub.key_id());
      out["scriptSig"] = "0x" + to_hex(redeem);  // BIP49 calls the redeem script so
      out["addressBytes"] = "0x" + to_hex(hash160(redeem).span());
      script_pubkey = p2sh_script(hash160(redeem));
      break;
    }
    case TxinType::p2wpkh: script_pubkey = p2wpkh_script(pub.key_id()); break;
    case TxinType::p2tr: {
      const XOnlyPublicKey internal = XOnlyPublicKey::from_public_key(pub);
      const TaprootOutput output = *taproot_output_key(internal);
      out["internal_key"] = to_hex(internal.span());
      out["output_key"] = to_hex(output.output_key.span());
      script_pubkey = p2tr_script(output.output_key.span());
      out["scriptPubKey"] = to_hex(script_pubkey);
      break;
    }
    default: script_pubkey = p2pkh_script(pub.key_id()); break;
  }
  out["address"] = *to_address(script_pubkey, net.address);
  return out;
}

}  // namespace

// bip-0049/0084/0086 "Test vectors": every group of every BIP, every value in it, from
// "abandon ×11 about" through BIP39 and BIP32. Values that are formulas ("HASH160(...)")
// are text, skipped by the rule "formula_text" and counted.
BOOST_AUTO_TEST_CASE(purpose_path_vectors) {
  const json::object bips = test::read_json("vectors/bip44_49_84_86/bip49_84_86_vectors.json").at("bips").as_object();
  std::size_t groups = 0, values = 0, checked = 0, formula_text = 0;
  for (const auto& [bip, body] : bips) {
    const bool testnet = bip == "BIP49";  // BIP49's vectors are testnet (coin type 1')
    const Network& net = BtcPolicy::networks[testnet ? 1 : 0];
    const TxinType txin = bip == "BIP49" ? TxinType::p2wpkh_p2sh : bip == "BIP84" ? TxinType::p2wpkh : TxinType::p2tr;
    std::string mnemonic;
    std::optional<ExtPrivKey> root, node;
    for (const json::value& g : body.at("groups").as_array()) {
      ++groups;
      const std::string label = str(g.at("label"));
      const json::object& vals = g.at("values").as_object();
      if (label == "root") {
        mnemonic = str(vals.contains("mnemonic") ? vals.at("mnemonic") : vals.at("masterseedWords"));
        BOOST_TEST_REQUIRE(!bip39::check(mnemonic));
        root = ExtPrivKey::from_seed(bip39::to_seed(mnemonic));
        node = root;
      } else if (const std::size_t at = label.find("= m/"); at != std::string::npos) {
        node = root->derive_path(label.substr(at + 2));
      }  // other labels ("Address derivation") go on describing the last node
      BOOST_TEST_REQUIRE(node.has_value());
      const auto actual = describe_node(*node, net, txin, mnemonic);
      for (const auto& [key, expected] : vals) {
        ++values;
        if (key.ends_with("_formula")) {
          ++formula_text;
          continue;
        }
        BOOST_TEST_CONTEXT(bip << " / " << label << " / " << key) {
          const auto it = actual.find(std::string(key));
          BOOST_TEST_REQUIRE((it != actual.end()), "no derivation for " << key);
          BOOST_TEST(it->second == str(expected));
          ++checked;
        }
      }
    }
  }
  BOOST_TEST(groups == 15u);
  BOOST_TEST(checked + formula_text == values);
  BOOST_TEST(values == 52u);
  BOOST_TEST(formula_text == 4u);
}

BOOST_AUTO_TEST_SUITE_END()
