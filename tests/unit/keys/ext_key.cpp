// Tests keys/ext_key.hpp and keys/derivation_path.hpp: BIP32 vectors 1-5 and SLIP-132.
#include <coinkit/keys/ext_key.hpp>

#include <coinkit/address/error.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/coins/ltc.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/hmac.hpp>
#include <coinkit/keys/derivation_path.hpp>

#include <support/data.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <map>
#include <string>

using namespace coinkit;
namespace json = boost::json;

namespace {

constexpr std::uint32_t xpub_version = 0x0488b21e;
constexpr std::uint32_t xprv_version = 0x0488ade4;

std::string str(const json::value& v) { return std::string(v.as_string()); }

// The deepest hardened prefix of `path`: derivation below it can be done from the xpub.
std::size_t hardened_prefix_length(const DerivationPath& path) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < path.size(); ++i)
    if (is_hardened(path[i])) n = i + 1;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ext_key_tests)

BOOST_AUTO_TEST_CASE(bip32_valid_vectors) {
  const json::value data = test::read_json("vectors/bip32/bip32_vectors.json");
  std::size_t in_file = 0, processed = 0, public_derivations = 0;
  for (const json::value& vector : data.at("valid").as_array()) {
    const Bytes seed = from_hex(str(vector.at("seed_hex")));
    const ExtPrivKey master = ExtPrivKey::from_seed(seed);
    for (const json::value& chain : vector.at("chains").as_array()) {
      ++in_file;
      const std::string path_text = str(chain.at("path"));
      const std::string xprv = str(chain.at("xprv")), xpub = str(chain.at("xpub"));
      BOOST_TEST_CONTEXT("vector " << vector.at("vector") << " " << path_text) {
        const DerivationPath path = DerivationPath::parse(path_text);
        BOOST_TEST(path.to_string() == path_text);
        const ExtPrivKey priv = master.derive(path);
        BOOST_TEST(priv.depth() == path.size());
        BOOST_TEST(priv.to_base58(xprv_version) == xprv);
        BOOST_TEST(priv.neuter().to_base58(xpub_version) == xpub);

        // Parse both back: the same key, the p2pkh row of the table.
        const auto parsed_priv = ExtPrivKey::parse(xprv, btc::mainnet_ext_keys);
        BOOST_TEST((parsed_priv.key == priv));
        BOOST_TEST((parsed_priv.txin_type == TxinType::p2pkh));
        BOOST_TEST(parsed_priv.version == xprv_version);
        const auto parsed_pub = ExtPubKey::parse(xpub, btc::mainnet_ext_keys);
        BOOST_TEST((parsed_pub.key == priv.neuter()));
        BOOST_TEST(parsed_pub.key.to_base58(xpub_version) == xpub);

        // CKDpub below the last hardened step gives the same public key.
        const std::size_t split = hardened_prefix_length(path);
        if (split < path.size()) {
          const auto first = path.indexes().begin();
          ExtPubKey pub = master.derive(DerivationPath(std::vector<std::uint32_t>(first, first + split))).neuter();
          for (std::size_t i = split; i < path.size(); ++i) pub = pub.derive(path[i]);
          BOOST_TEST(pub.to_base58(xpub_version) == xpub);
          ++public_derivations;
        }
        ++processed;
      }
    }
  }
  BOOST_TEST(processed == in_file);
  BOOST_TEST(in_file == 17u);  // BIP32 vectors 1-4
  BOOST_TEST(public_derivations > 0u);
}

BOOST_AUTO_TEST_CASE(bip32_vector5_invalid_keys) {
  const json::value data = test::read_json("vectors/bip32/bip32_vectors.json");
  // Each reason BIP32 gives, and the error we report for it.
  const std::map<std::string, error_code> expected = {
      {"pubkey version / prvkey mismatch", keys::error::public_version_with_private_key},
      {"prvkey version / pubkey mismatch", keys::error::private_version_with_public_key},
      {"invalid pubkey prefix 04", keys::error::invalid_public_key_prefix},
      {"invalid pubkey prefix 01", keys::error::invalid_public_key_prefix},
      {"invalid prvkey prefix 04", keys::error::invalid_private_key_prefix},
      {"invalid prvkey prefix 01", keys::error::invalid_private_key_prefix},
      {"zero depth with non-zero parent fingerprint", keys::error::ext_key_zero_depth_with_fingerprint},
      {"zero depth with non-zero index", keys::error::ext_key_zero_depth_with_child_number},
      {"unknown extended key version", keys::error::unknown_ext_key_version},
      {"private key 0 not in 1..n-1", keys::error::invalid_private_key},
      {"private key n not in 1..n-1", keys::error::invalid_private_key},
      {"invalid pubkey 020000000000000000000000000000000000000000000000000000000000000007",
       keys::error::public_key_not_on_curve},
      {"invalid checksum", address::error::base58_checksum_mismatch},
  };
  std::size_t in_file = 0, processed = 0;
  for (const json::value& c : data.at("invalid_vector5").as_array()) {
    ++in_file;
    const std::string key = str(c.at("key")), reason = str(c.at("reason"));
    BOOST_TEST_CONTEXT(reason << ": " << key) {
      const auto it = expected.find(reason);
      BOOST_TEST_REQUIRE((it != expected.end()), "no expected error for this reason");
      const auto r = decode_ext_key(key, btc::mainnet_ext_keys);
      BOOST_TEST_REQUIRE(r.has_error());
      BOOST_TEST(r.error() == it->second, r.error().message() << " != " << it->second.message());
      ++processed;
    }
  }
  BOOST_TEST(processed == in_file);
  BOOST_TEST(in_file == 16u);
}

BOOST_AUTO_TEST_CASE(public_private_expectations) {
  const std::string xprv =
      "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi";
  const std::string xpub =
      "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8";
  BOOST_TEST(ExtPubKey::try_parse(xprv, btc::mainnet_ext_keys).error() == keys::error::ext_key_is_private);
  BOOST_TEST(ExtPrivKey::try_parse(xpub, btc::mainnet_ext_keys).error() == keys::error::ext_key_is_public);
  // Mainnet versions are unknown to testnet.
  BOOST_TEST(ExtPubKey::try_parse(xpub, btc::testnet_ext_keys).error() == keys::error::unknown_ext_key_version);
  BOOST_CHECK_EXCEPTION(ExtPubKey::parse(xprv, btc::mainnet_ext_keys), system_error, [](const system_error& e) {
    return e.code() == keys::error::ext_key_is_private &&
           std::string(e.what()).find("extended public key") != std::string::npos;
  });
  // Hardened from public.
  const ExtPubKey pub = ExtPubKey::parse(xpub, btc::mainnet_ext_keys).key;
  BOOST_TEST(pub.try_derive(hardened(0)).error() == keys::error::hardened_derivation_from_public);
  BOOST_TEST(pub.try_derive(DerivationPath::parse("m/1/2'")).error() == keys::error::hardened_derivation_from_public);
  BOOST_CHECK_THROW(pub.derive_path("0'"), system_error);
  BOOST_TEST(pub.derive(1).depth() == 1);
  BOOST_TEST(pub.derive(1).child_number() == 1u);
  BOOST_TEST((pub.derive(1).parent_fingerprint() == pub.fingerprint()));
}

BOOST_AUTO_TEST_CASE(wrong_lengths_and_characters) {
  // A valid base58check payload of 77 and 79 bytes.
  Bytes payload(77, 0x04);
  BOOST_TEST(decode_ext_key(base58check_encode(payload), btc::mainnet_ext_keys).error() ==
             keys::error::ext_key_wrong_length);
  payload.assign(79, 0x04);
  BOOST_TEST(decode_ext_key(base58check_encode(payload), btc::mainnet_ext_keys).error() ==
             keys::error::ext_key_wrong_length);
  BOOST_TEST(decode_ext_key("", btc::mainnet_ext_keys).has_error());
  BOOST_TEST(decode_ext_key("xpub0OIl", btc::mainnet_ext_keys).error() == address::error::invalid_base58_character);
  BOOST_TEST(decode_ext_key_payload(Bytes(78, 0), btc::mainnet_ext_keys).error() ==
             keys::error::unknown_ext_key_version);
}

BOOST_AUTO_TEST_CASE(depth_limit) {
  // A depth-255 key cannot have children.
  const ExtPrivKey master = ExtPrivKey::from_seed(from_hex("000102030405060708090a0b0c0d0e0f"));
  const ExtPrivKey deep(255, Fingerprint{1, 2, 3, 4}, 7, master.chain_code(), master.key());
  BOOST_TEST(deep.try_derive(0).error() == keys::error::derivation_depth_exceeded);
  BOOST_TEST(deep.neuter().try_derive(0).error() == keys::error::derivation_depth_exceeded);
  // Round trip of a deep key through its serialization.
  const auto back = ExtPrivKey::parse(deep.to_base58(xprv_version), btc::mainnet_ext_keys);
  BOOST_TEST((back.key == deep));
}

BOOST_AUTO_TEST_CASE(versions_by_txin_type) {
  const ExtPrivKey master = ExtPrivKey::from_seed(from_hex("000102030405060708090a0b0c0d0e0f"));
  const auto z = master.neuter().to_base58(btc::mainnet_ext_keys, TxinType::p2wpkh);
  BOOST_TEST_REQUIRE(z.has_value());
  BOOST_TEST(z->substr(0, 4) == "zpub");
  const auto parsed = ExtPubKey::parse(*z, btc::mainnet_ext_keys);
  BOOST_TEST((parsed.txin_type == TxinType::p2wpkh));
  BOOST_TEST((parsed.key == master.neuter()));
  BOOST_TEST(master.to_base58(btc::mainnet_ext_keys, TxinType::p2tr).error() == keys::error::no_version_for_txin_type);
  BOOST_TEST(master.to_base58(ltc::mainnet_ext_keys, TxinType::p2pkh).value().substr(0, 4) == "xprv");
  BOOST_TEST(find_ext_key_version(ltc::mainnet_ext_keys, TxinType::p2wsh) == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(slip132_tests)

// Every Bitcoin and Litecoin row of SLIP-132 is in our policies with the same script type.
BOOST_AUTO_TEST_CASE(version_table_matches_policies) {
  const json::value data = test::read_json("vectors/slip132/slip132.json");
  auto txin_of = [](const std::string& encoding) -> TxinType {
    if (encoding == "P2PKH or P2SH") return TxinType::p2pkh;
    if (encoding == "P2WPKH in P2SH") return TxinType::p2wpkh_p2sh;
    if (encoding == "P2WPKH") return TxinType::p2wpkh;
    if (encoding == "Multi-signature P2WSH in P2SH") return TxinType::p2wsh_p2sh;
    if (encoding == "Multi-signature P2WSH") return TxinType::p2wsh;
    BOOST_FAIL("unknown address encoding " << encoding);
    return TxinType::p2pkh;
  };
  const std::map<std::string, std::span<const ExtKeyVersion>> ours = {
      {"Bitcoin", btc::mainnet_ext_keys},
      {"Bitcoin Testnet", btc::testnet_ext_keys},
      {"Litecoin", ltc::mainnet_ext_keys},
      {"Litecoin Testnet", ltc::testnet_ext_keys},
  };
  std::size_t rows = 0, checked = 0, other_coins = 0;
  for (const json::value& row : data.at("version_bytes").as_array()) {
    ++rows;
    const std::string coin = str(row.at("coin"));
    const auto it = ours.find(coin);
    if (it == ours.end()) {  // rule: coins we ship no policy for are not checked
      ++other_coins;
      continue;
    }
    const auto pub = static_cast<std::uint32_t>(std::stoul(str(row.at("pub_version")), nullptr, 16));
    const auto prv = static_cast<std::uint32_t>(std::stoul(str(row.at("prv_version")), nullptr, 16));
    const TxinType type = txin_of(str(row.at("address_encoding")));
    BOOST_TEST_CONTEXT(coin << " " << str(row.at("pub_prefix"))) {
      bool found = false;
      for (const ExtKeyVersion& v : it->second)
        if (v.public_version == pub && v.private_version == prv && v.txin_type == type) found = true;
      BOOST_TEST(found);
      // And the prefix characters come out as SLIP-132 names them.
      const ExtPrivKey k = ExtPrivKey::from_seed(from_hex("000102030405060708090a0b0c0d0e0f"));
      BOOST_TEST(k.neuter().to_base58(pub).substr(0, 4) == str(row.at("pub_prefix")));
      BOOST_TEST(k.to_base58(prv).substr(0, 4) == str(row.at("prv_prefix")));
      ++checked;
    }
  }
  BOOST_TEST(rows == data.at("version_bytes").as_array().size());
  BOOST_TEST(checked == 13u);  // BTC 5 + BTC testnet 5 + LTC 2 + LTC testnet 1
  BOOST_TEST(checked + other_coins == rows);
}

// And the other way: every row of our tables is a SLIP-132 row of that coin, or, for
// Litecoin, one of Bitcoin's (Electrum-LTC writes xpub/ypub/zpub and tpub/upub/vpub).
BOOST_AUTO_TEST_CASE(policies_are_slip132_rows) {
  const json::value data = test::read_json("vectors/slip132/slip132.json");
  auto listed = [&](const std::string& coin, const ExtKeyVersion& v) {
    for (const json::value& row : data.at("version_bytes").as_array())
      if (str(row.at("coin")) == coin && std::stoul(str(row.at("pub_version")), nullptr, 16) == v.public_version &&
          std::stoul(str(row.at("prv_version")), nullptr, 16) == v.private_version)
        return true;
    return false;
  };
  std::size_t rows = 0;
  for (const ExtKeyVersion& v : btc::mainnet_ext_keys) {
    BOOST_TEST(listed("Bitcoin", v));
    ++rows;
  }
  for (const ExtKeyVersion& v : btc::testnet_ext_keys) {
    BOOST_TEST(listed("Bitcoin Testnet", v));
    ++rows;
  }
  for (const ExtKeyVersion& v : ltc::mainnet_ext_keys) {
    BOOST_TEST((listed("Litecoin", v) || listed("Bitcoin", v)));
    ++rows;
  }
  for (const ExtKeyVersion& v : ltc::testnet_ext_keys) {
    BOOST_TEST((listed("Litecoin Testnet", v) || listed("Bitcoin Testnet", v)));
    ++rows;
  }
  BOOST_TEST(rows == std::size(btc::mainnet_ext_keys) + std::size(btc::testnet_ext_keys) +
                         std::size(ltc::mainnet_ext_keys) + std::size(ltc::testnet_ext_keys));
}

// The abandon...about account keys in x/y/z forms; the seed is BIP39's PBKDF2 of the ASCII
// mnemonic (NFKD is the identity on it), so this needs no mnemonic code.
BOOST_AUTO_TEST_CASE(bitcoin_test_vectors) {
  const json::value data = test::read_json("vectors/slip132/slip132.json");
  const json::value& tv = data.at("bitcoin_test_vectors");
  const std::string mnemonic = str(tv.at("mnemonic"));
  const std::string salt = "mnemonic" + str(tv.at("passphrase"));
  std::uint8_t seed[64];
  pbkdf2_hmac_sha512(as_bytes(mnemonic), as_bytes(salt), 2048, seed);
  const ExtPrivKey master = ExtPrivKey::from_seed(seed);
  std::size_t processed = 0;
  const TxinType types[] = {TxinType::p2pkh, TxinType::p2wpkh_p2sh, TxinType::p2wpkh};
  for (const json::value& v : tv.at("vectors").as_array()) {
    const std::string path = str(v.at("account_path"));
    BOOST_TEST_CONTEXT(path) {
      const ExtPrivKey account = master.derive_path(path);
      const TxinType type = types[processed];
      BOOST_TEST(account.to_base58(btc::mainnet_ext_keys, type).value() == str(v.at("account_xprv")));
      BOOST_TEST(account.neuter().to_base58(btc::mainnet_ext_keys, type).value() == str(v.at("account_xpub")));
      const auto parsed = ExtPubKey::parse(str(v.at("account_xpub")), btc::mainnet_ext_keys);
      BOOST_TEST((parsed.txin_type == type));
      BOOST_TEST((parsed.key == account.neuter()));
      const auto parsed_priv = ExtPrivKey::parse(str(v.at("account_xprv")), btc::mainnet_ext_keys);
      BOOST_TEST((parsed_priv.txin_type == type));
      BOOST_TEST((parsed_priv.key == account));
      ++processed;
    }
  }
  BOOST_TEST(processed == tv.at("vectors").as_array().size());
  BOOST_TEST(processed == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
