// Tests address/address.hpp: Core's key_io vectors, Electrum's script hashes, BCH CashAddr and
// legacy, LTC, and every rejection of to_script_pubkey/to_address.
#include <coinkit/address/address.hpp>

#include <coinkit/coins/bch.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/coins/ltc.hpp>
#include <coinkit/core/hex.hpp>

#include "support/data.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace coinkit;
namespace json = boost::json;
using address::error;

namespace {

struct NamedFormat {
  std::string name;
  AddressFormat format;
};

// Every network of every shipped coin.
std::vector<NamedFormat> all_networks() {
  std::vector<NamedFormat> out;
  for (const Network& n : BtcPolicy::networks) out.push_back({"BTC " + std::string(to_string(n.id)), n.address});
  for (const Network& n : LtcPolicy::networks) out.push_back({"LTC " + std::string(to_string(n.id)), n.address});
  for (const Network& n : BchPolicy::networks) out.push_back({"BCH " + std::string(to_string(n.id)), n.address});
  return out;
}

template <class Coin>
const AddressFormat& format_of(NetworkId id) {
  for (const Network& n : Coin::networks)
    if (n.id == id) return n.address;
  BOOST_FAIL("network not in policy");
  throw;
}

// key_io's chain names. Rule "testnet4": testnet4 writes addresses exactly as testnet3
// (0x6f, 0xc4, "tb"), so it is checked against BtcPolicy's testnet.
NetworkId chain_network(const std::string& chain) {
  if (chain == "main") return NetworkId::mainnet;
  if (chain == "testnet4" || chain == "test") return NetworkId::testnet;
  if (chain == "signet") return NetworkId::signet;
  if (chain == "regtest") return NetworkId::regtest;
  BOOST_FAIL("unknown chain " << chain);
  throw;
}

std::string flip_case(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
    else if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// On every network an address is either the same script or refused as another network's
// (or, for segwit on Bitcoin Cash, as unsupported): never a different script.
void check_on_every_network(const std::string& address, const std::string& script_hex) {
  for (const NamedFormat& n : all_networks()) {
    BOOST_TEST_CONTEXT(n.name) {
      auto r = to_script_pubkey(address, n.format);
      if (r) {
        BOOST_TEST(to_hex(*r) == script_hex);
      } else {
        BOOST_TEST((r.error() == error::wrong_network || r.error() == error::segwit_not_supported),
                   r.error().message());
      }
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(address_tests)

// Every address of key_io_valid.json decodes on its chain to its scriptPubKey and encodes back
// to itself; the private keys are the keys layer's and are counted apart.
BOOST_AUTO_TEST_CASE(core_key_io_valid) {
  const json::array cases = test::read_json("vectors/core/key_io_valid.json").as_array();
  std::size_t addresses = 0, privkeys = 0, case_flipped = 0;
  for (const json::value& c : cases) {
    const json::array& entry = c.as_array();
    const std::string text(entry.at(0).as_string());
    const std::string expected(entry.at(1).as_string());
    const json::object& meta = entry.at(2).as_object();
    if (meta.at("isPrivkey").as_bool()) {  // rule "isPrivkey": tested in tests/unit/keys
      ++privkeys;
      continue;
    }
    ++addresses;
    BOOST_TEST_CONTEXT(text << " on " << meta.at("chain").as_string()) {
      const AddressFormat& format = format_of<BtcPolicy>(chain_network(std::string(meta.at("chain").as_string())));
      auto script = to_script_pubkey(text, format);
      BOOST_TEST_REQUIRE(script.has_value(), script.error().message());
      BOOST_TEST(to_hex(*script) == expected);
      BOOST_TEST(is_valid_address(text, format));
      auto again = to_address(*script, format);
      BOOST_TEST_REQUIRE(again.has_value(), again.error().message());
      BOOST_TEST(*again == text);
      check_on_every_network(text, expected);
      if (meta.contains("tryCaseFlip") && meta.at("tryCaseFlip").as_bool()) {
        ++case_flipped;
        auto flipped = to_script_pubkey(flip_case(text), format);
        BOOST_TEST_REQUIRE(flipped.has_value(), flipped.error().message());
        BOOST_TEST(to_hex(*flipped) == expected);
      }
    }
  }
  BOOST_TEST(addresses + privkeys == cases.size());
  BOOST_TEST(cases.size() == 70u);
  BOOST_TEST(addresses == 54u);
  BOOST_TEST(privkeys == 16u);
  BOOST_TEST(case_flipped == 32u);
}

// Every string of key_io_invalid.json is refused on every network of every coin.
BOOST_AUTO_TEST_CASE(core_key_io_invalid) {
  const json::array cases = test::read_json("vectors/core/key_io_invalid.json").as_array();
  const auto networks = all_networks();
  std::size_t checked = 0;
  for (const json::value& c : cases) {
    const std::string text(c.as_array().at(0).as_string());
    BOOST_TEST_CONTEXT("'" << text << "'") {
      for (const NamedFormat& n : networks) {
        auto r = to_script_pubkey(text, n.format);
        BOOST_TEST(!r.has_value(), n.name);
        BOOST_TEST(!is_valid_address(text, n.format), n.name);
      }
    }
    ++checked;
  }
  BOOST_TEST(checked == cases.size());
  BOOST_TEST(checked == 70u);
}

// Electrum's key-import vectors: address -> scriptPubKey -> Electrum script hash, and the
// checksum cases.
BOOST_AUTO_TEST_CASE(electrum_scripthash_vectors) {
  const json::value v = test::read_json("vectors/electrum/electrum_key_import_scripthash_vectors.json");
  const AddressFormat& mainnet = format_of<BtcPolicy>(NetworkId::mainnet);
  std::size_t checked = 0;
  for (const json::value& c : v.at("vectors").as_array()) {
    const std::string text(c.at("address").as_string());
    BOOST_TEST_CONTEXT(text) {
      auto script = to_script_pubkey(text, mainnet);
      BOOST_TEST_REQUIRE(script.has_value(), script.error().message());
      BOOST_TEST(electrum_scripthash(*script).to_hex() == c.at("scripthash").as_string());
      BOOST_TEST(*to_address(*script, mainnet) == text);
      const std::string encoding(c.at("addr_encoding").as_string());
      BOOST_TEST((classify(*script) == (encoding == "bech32" ? ScriptType::p2wpkh
                                        : text[0] == '3'     ? ScriptType::p2sh
                                                             : ScriptType::p2pkh)));
    }
    ++checked;
  }
  BOOST_TEST(checked == v.at("vectors").as_array().size());
  BOOST_TEST(checked == 9u);

  std::size_t checksum_cases = 0;
  for (const json::value& c : v.at("extra_address_checksum_cases").as_array()) {
    const std::string text(c.at("address").as_string());
    BOOST_TEST_CONTEXT(text) {
      auto r = to_script_pubkey(text, mainnet);
      BOOST_TEST(r.has_value() == c.at("valid").as_bool());
      BOOST_TEST(is_valid_address(text, mainnet) == c.at("valid").as_bool());
      if (!r)
        BOOST_TEST((r.error() ==
                    (text.starts_with("bc1") ? error::bech32_checksum_mismatch : error::base58_checksum_mismatch)));
    }
    ++checksum_cases;
  }
  BOOST_TEST(checksum_cases == 6u);
}

// The CashAddr spec's translations: the legacy and CashAddr forms are one script on BCH.
BOOST_AUTO_TEST_CASE(bch_cashaddr_and_legacy) {
  const json::value v = test::read_json("vectors/cashaddr/cashaddr_spec_vectors.json");
  const AddressFormat& bch = format_of<BchPolicy>(NetworkId::mainnet);
  const AddressFormat& btc = format_of<BtcPolicy>(NetworkId::mainnet);
  std::size_t checked = 0;
  for (const json::value& c : v.at("legacy_translation").as_array()) {
    const std::string legacy(c.at("legacy").as_string());
    const std::string cash(c.at("cashaddr").as_string());
    BOOST_TEST_CONTEXT(legacy << " = " << cash) {
      auto from_legacy = to_script_pubkey(legacy, bch);
      auto from_cash = to_script_pubkey(cash, bch);
      BOOST_TEST_REQUIRE(from_legacy.has_value());
      BOOST_TEST_REQUIRE(from_cash.has_value());
      BOOST_TEST(to_hex(*from_legacy) == to_hex(*from_cash));
      BOOST_TEST((classify(*from_cash) == (legacy[0] == '1' ? ScriptType::p2pkh : ScriptType::p2sh)));
      // The prefix may be left out on its own network.
      auto bare = to_script_pubkey(cash.substr(cash.find(':') + 1), bch);
      BOOST_TEST_REQUIRE(bare.has_value());
      BOOST_TEST(to_hex(*bare) == to_hex(*from_cash));
      BOOST_TEST(*to_address(*from_cash, bch) == cash);
      BOOST_TEST(*to_address(*from_cash, bch, AddressStyle::legacy) == legacy);
      // Bitcoin reads the legacy form, and has no CashAddr.
      BOOST_TEST(*to_address(*from_cash, btc) == legacy);
      BOOST_TEST(to_script_pubkey(cash, btc).error() == error::cashaddr_not_supported);
      // Another BCH network: the prefix is checked, or the checksum fails under its own.
      const AddressFormat& testnet = format_of<BchPolicy>(NetworkId::testnet);
      BOOST_TEST(to_script_pubkey(cash, testnet).error() == error::wrong_network);
      BOOST_TEST(to_script_pubkey(cash.substr(cash.find(':') + 1), testnet).error() ==
                 error::cashaddr_checksum_mismatch);
      BOOST_TEST(to_script_pubkey(legacy, testnet).error() == error::wrong_network);
    }
    ++checked;
  }
  BOOST_TEST(checked == 6u);
}

// Each CashAddr vector (spec and CashTokens) on the BCH network of its prefix: p2pkh and p2sh
// (types 0, 1) and their token-aware forms (2, 3) with 20-byte hashes and p2sh32; other
// sizes and types have no script, and prefixes of no BCH network are another network's.
BOOST_AUTO_TEST_CASE(bch_cashaddr_vectors_to_scripts) {
  struct File {
    const char* path;
    const char* list;
    const char* size_key;
    const char* payload_key;
    std::size_t count;
  };
  const File files[] = {
      {"vectors/cashaddr/cashaddr_spec_vectors.json", "larger_test_vectors", "payload_size", "payload_hex", 32},
      {"vectors/cashaddr/cashtokens_cashaddr.json", nullptr, "payloadSize", "payload", 67},
  };
  for (const File& f : files) {
    const json::value v = test::read_json(f.path);
    const json::array& cases = f.list ? v.at(f.list).as_array() : v.as_array();
    std::size_t scripts = 0, no_template = 0, foreign = 0;
    for (const json::value& c : cases) {
      const std::string text(c.at("cashaddr").as_string());
      const int type = static_cast<int>(c.at("type").as_int64());
      const auto size = static_cast<std::size_t>(c.at(f.size_key).as_int64());
      const std::string hash = to_hex(from_hex(c.at(f.payload_key).as_string()));
      BOOST_TEST_CONTEXT(text) {
        const std::string prefix = text.substr(0, text.find(':'));
        const AddressFormat* format = nullptr;
        for (const Network& n : BchPolicy::networks)
          if (n.address.cashaddr_prefix == prefix) format = &n.address;
        if (!format) {  // "pref", "prefix": no BCH network
          ++foreign;
          for (const Network& n : BchPolicy::networks)
            BOOST_TEST(to_script_pubkey(text, n.address).error() == error::wrong_network);
          continue;
        }
        auto r = to_script_pubkey(text, *format);
        const bool key_hash = type == 0 || type == 2, script_hash = type == 1 || type == 3;
        if (!key_hash && !script_hash) {
          ++no_template;
          BOOST_TEST(r.error() == error::unknown_version_byte);
        } else if (size != 20 && !(script_hash && size == 32)) {
          ++no_template;
          BOOST_TEST(r.error() == error::invalid_payload_length);
        } else {
          ++scripts;
          BOOST_TEST_REQUIRE(r.has_value(), r.error().message());
          const std::string expected = key_hash     ? "76a914" + hash + "88ac"
                                       : size == 20 ? "a914" + hash + "87"
                                                    : "aa20" + hash + "87";
          BOOST_TEST(to_hex(*r) == expected);
          const AddressStyle style = type >= 2 ? AddressStyle::token_aware : AddressStyle::preferred;
          BOOST_TEST(*to_address(*r, *format, style) == text);
        }
      }
    }
    BOOST_TEST(scripts + no_template + foreign == cases.size());
    BOOST_TEST(cases.size() == f.count);
    BOOST_TEST(scripts > 0u);
  }
}

// Litecoin: addresses published by other wallets' tests (Trust Wallet's LitecoinTests,
// mrtnetwork/blockchain_utils' p2wpkh vectors).
BOOST_AUTO_TEST_CASE(ltc_addresses) {
  const AddressFormat& ltc = format_of<LtcPolicy>(NetworkId::mainnet);
  const AddressFormat& btc = format_of<BtcPolicy>(NetworkId::mainnet);
  struct Case {
    const char* address;
    ScriptType type;
    const char* script;  // empty: not published with the address
  };
  const Case cases[] = {
      {"LV7LV7Z4bWDEjYkfx9dQo6k6RjGbXsg6hS", ScriptType::p2pkh, ""},
      {"M8eTgzhoFTErAjkGa6cyBomcHfxAprbDgD", ScriptType::p2sh, ""},
      {"ltc1qytnqzjknvv03jwfgrsmzt0ycmwqgl0asjnaxwu", ScriptType::p2wpkh, ""},
      {"ltc1qx88q7zjd74lxwgkjmmwlqv5pd3vujuehexfttt", ScriptType::p2wpkh,
       "001431ce0f0a4df57e6722d2deddf032816c59c97337"},
      {"ltc1qudhthew8h03vzc7x99m3qg0z8wjq2f759hp4ej", ScriptType::p2wpkh,
       "0014e36ebbe5c7bbe2c163c629771021e23ba40527d4"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.address) {
      auto script = to_script_pubkey(c.address, ltc);
      BOOST_TEST_REQUIRE(script.has_value(), script.error().message());
      BOOST_TEST((classify(*script) == c.type));
      if (*c.script) BOOST_TEST(to_hex(*script) == c.script);
      BOOST_TEST(*to_address(*script, ltc) == c.address);
      BOOST_TEST(to_script_pubkey(c.address, btc).error() == error::wrong_network);
      for (const Network& n : LtcPolicy::networks)
        if (n.id != NetworkId::mainnet)
          BOOST_TEST(to_script_pubkey(c.address, n.address).error() == error::wrong_network);
    }
  }
  // Testnet's own p2sh version byte (0x3a) and HRPs.
  const Hash160 h = Hash160::from_hex("0000000000000000000000000000000000000001");
  for (const Network& n : LtcPolicy::networks) {
    for (const Bytes& script : {p2pkh_script(h), p2sh_script(h), p2wpkh_script(h)}) {
      auto a = to_address(script, n.address);
      BOOST_TEST_REQUIRE(a.has_value());
      BOOST_TEST(to_hex(*to_script_pubkey(*a, n.address)) == to_hex(script));
    }
    BOOST_TEST(to_address(p2wpkh_script(h), n.address)->starts_with(std::string(n.address.bech32_hrp) + "1q"));
  }
  BOOST_TEST(to_address(p2sh_script(h), format_of<LtcPolicy>(NetworkId::testnet))->starts_with("Q"));
}

BOOST_AUTO_TEST_CASE(every_witness_version_and_p2tr) {
  const AddressFormat& mainnet = format_of<BtcPolicy>(NetworkId::mainnet);
  for (int version = 1; version <= 16; ++version) {
    const Bytes script = witness_script(version, Bytes(32, static_cast<std::uint8_t>(version)));
    auto a = to_address(script, mainnet);
    BOOST_TEST_REQUIRE(a.has_value());
    BOOST_TEST(to_hex(*to_script_pubkey(*a, mainnet)) == to_hex(script));
    BOOST_TEST((bech32_decode(*a)->variant == Bech32Variant::bech32m));
  }
  const Bytes p2tr = p2tr_script(Bytes(32, 0xab));
  BOOST_TEST(to_address(p2tr, mainnet)->starts_with("bc1p"));
}

BOOST_AUTO_TEST_CASE(to_script_pubkey_errors) {
  const AddressFormat& main = format_of<BtcPolicy>(NetworkId::mainnet);
  const AddressFormat& test = format_of<BtcPolicy>(NetworkId::testnet);
  const AddressFormat& regtest = format_of<BtcPolicy>(NetworkId::regtest);
  const AddressFormat& bch = format_of<BchPolicy>(NetworkId::mainnet);
  // Another network's valid address.
  BOOST_TEST(to_script_pubkey("mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ", main).error() == error::wrong_network);
  BOOST_TEST(to_script_pubkey("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo", test).error() == error::wrong_network);
  BOOST_TEST(to_script_pubkey("tb1qcrh3yqn4nlleplcez2yndq2ry8h9ncg3qh7n54", regtest).error() == error::wrong_network);
  BOOST_TEST(to_script_pubkey("bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9", test).error() == error::wrong_network);
  BOOST_TEST(to_script_pubkey("bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv", test).error() == error::wrong_network);
  // Segwit on a coin without it.
  BOOST_TEST(to_script_pubkey("bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv", bch).error() ==
             error::segwit_not_supported);
  // Checksums, characters and lengths.
  BOOST_TEST(to_script_pubkey("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mp", main).error() == error::base58_checksum_mismatch);
  BOOST_TEST(to_script_pubkey("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2m0", main).error() == error::invalid_base58_character);
  BOOST_TEST(to_script_pubkey("bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhw", main).error() ==
             error::bech32_checksum_mismatch);
  BOOST_TEST(to_script_pubkey("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6q", bch).error() ==
             error::cashaddr_checksum_mismatch);
  BOOST_TEST(to_script_pubkey("qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6q", bch).error() ==
             error::cashaddr_checksum_mismatch);
  BOOST_TEST(to_script_pubkey("", main).error() == error::base58_too_short);
  BOOST_TEST(to_script_pubkey(std::string(300, '1'), main).error() == error::too_long);
  // A WIF key is base58check, but not an address.
  BOOST_TEST(to_script_pubkey("5Hxn5C4SQuiV6e62A1MtZmbSeQyrLFhu5uYks62pU5VBUygK2KD", main).error() ==
             error::invalid_payload_length);
  // Segwit rules through the address entry point.
  BOOST_TEST(to_script_pubkey("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", main).error() ==
             error::bech32m_required);
  BOOST_TEST(to_script_pubkey("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", main).error() == error::bech32_required);
  BOOST_TEST(to_script_pubkey("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", main).error() ==
             error::invalid_witness_version);
  BOOST_TEST(to_script_pubkey("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", main).error() ==
             error::invalid_v0_program_length);
  BOOST_TEST(to_script_pubkey("bc1pw5dgrnzv", main).error() == error::invalid_program_length);
  BOOST_TEST(to_script_pubkey("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", test).error() ==
             error::mixed_case);
  // CashAddr types without a script.
  const Bytes hash(20, 7);
  BOOST_TEST(to_script_pubkey(*cashaddr_encode("bitcoincash", static_cast<CashAddrType>(15), hash), bch).error() ==
             error::unknown_version_byte);
  BOOST_TEST(to_script_pubkey(*cashaddr_encode("bitcoincash", CashAddrType::p2pkh, Bytes(32)), bch).error() ==
             error::invalid_payload_length);

  BOOST_CHECK_EXCEPTION(
      to_script_pubkey_or_throw("mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ", main), system_error, [](const system_error& e) {
        return e.code() == error::wrong_network && std::string(e.what()).find("another network") != std::string::npos;
      });
  BOOST_TEST(to_hex(to_script_pubkey_or_throw("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo", main)) ==
             "76a914a31c06bd463e3923bc1aadbde48b16976c08071788ac");
}

BOOST_AUTO_TEST_CASE(to_address_errors) {
  const AddressFormat& main = format_of<BtcPolicy>(NetworkId::mainnet);
  const AddressFormat& bch = format_of<BchPolicy>(NetworkId::mainnet);
  const Hash160 h = Hash160::from_hex("0000000000000000000000000000000000000001");
  BOOST_TEST(to_address(p2wpkh_script(h), bch).error() == error::segwit_not_supported);
  BOOST_TEST(to_address(p2pkh_script(h), main, AddressStyle::token_aware).error() == error::cashaddr_not_supported);
  BOOST_TEST(
      to_address(p2pk_script(from_hex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")), main)
          .error() == error::unsupported_script);
  BOOST_TEST(to_address(null_data_script(Bytes{1, 2, 3}), main).error() == error::unsupported_script);
  BOOST_TEST(to_address(Bytes{}, main).error() == error::unsupported_script);
  BOOST_TEST(to_address(witness_script(0, Bytes(25)), main).error() == error::invalid_v0_program_length);
  // p2sh32 has only a CashAddr form.
  const Bytes p2sh32 = from_hex("aa20" + std::string(64, '1') + "87");
  BOOST_TEST(to_address(p2sh32, main).error() == error::unsupported_script);
  BOOST_TEST(to_address(p2sh32, bch, AddressStyle::legacy).error() == error::unsupported_script);
  BOOST_TEST(to_address(p2sh32, bch)->starts_with("bitcoincash:p"));
  BOOST_CHECK_EXCEPTION(to_address_or_throw(Bytes{}, main), system_error, [](const system_error& e) {
    return e.code() == error::unsupported_script && std::string(e.what()).find("no address form") != std::string::npos;
  });
}

BOOST_AUTO_TEST_SUITE_END()
