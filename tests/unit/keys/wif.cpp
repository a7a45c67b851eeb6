// Tests keys/wif.hpp: Core's key_io vectors (private keys), Electrum's typed WIF import/export.
#include <coinkit/keys/wif.hpp>

#include <coinkit/address/address.hpp>
#include <coinkit/address/error.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/ripemd160.hpp>

#include <support/data.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

using namespace coinkit;
namespace json = boost::json;

namespace {

std::string str(const json::value& v) { return std::string(v.as_string()); }

const Network& btc_network(NetworkId id) { return *find_network<BtcPolicy>(id); }
const std::uint8_t mainnet_wif = btc_network(NetworkId::mainnet).wif_prefix;
const std::uint8_t testnet_wif = btc_network(NetworkId::testnet).wif_prefix;

// key_io's chain names; testnet4 shares testnet3's prefix byte.
std::uint8_t wif_prefix_of_chain(const std::string& chain) {
  if (chain == "main") return btc_network(NetworkId::mainnet).wif_prefix;
  if (chain == "test" || chain == "testnet4") return btc_network(NetworkId::testnet).wif_prefix;
  if (chain == "signet") return btc_network(NetworkId::signet).wif_prefix;
  if (chain == "regtest") return btc_network(NetworkId::regtest).wif_prefix;
  BOOST_FAIL("unknown chain " << chain);
  return 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wif_tests)

BOOST_AUTO_TEST_CASE(core_key_io_valid) {
  const json::array cases = test::read_json("vectors/core/key_io_valid.json").as_array();
  std::size_t keys_checked = 0, non_keys_rejected = 0;
  for (const json::value& v : cases) {
    const json::array& c = v.as_array();
    const std::string text = str(c.at(0)), payload = str(c.at(1));
    const json::object& meta = c.at(2).as_object();
    const std::uint8_t prefix = wif_prefix_of_chain(str(meta.at("chain")));
    BOOST_TEST_CONTEXT(text) {
      if (meta.at("isPrivkey").as_bool()) {
        const auto key = decode_wif(text, prefix);
        BOOST_TEST_REQUIRE(key.has_value(), key.error().message());
        BOOST_TEST(to_hex(key->span()) == payload);
        BOOST_TEST(key->compressed() == meta.at("isCompressed").as_bool());
        BOOST_TEST(encode_wif(*key, prefix) == text);
        // The other network's prefix refuses it.
        const std::uint8_t other = prefix == mainnet_wif ? testnet_wif : mainnet_wif;
        BOOST_TEST(decode_wif(text, other).error() == keys::error::wif_wrong_network);
        ++keys_checked;
      } else {
        // Addresses are the address layer's; here they must not read as keys.
        BOOST_TEST(decode_wif(text, prefix).has_error());
        ++non_keys_rejected;
      }
    }
  }
  BOOST_TEST(keys_checked + non_keys_rejected == cases.size());
  BOOST_TEST(keys_checked == 16u);
  BOOST_TEST(non_keys_rejected == 54u);
}

BOOST_AUTO_TEST_CASE(core_key_io_invalid) {
  const json::array cases = test::read_json("vectors/core/key_io_invalid.json").as_array();
  std::size_t rejected = 0;
  for (const json::value& v : cases) {
    const std::string text = str(v.as_array().at(0));
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(decode_wif(text, mainnet_wif).has_error());
      BOOST_TEST(decode_wif(text, testnet_wif).has_error());
      BOOST_TEST(decode_electrum_wif(text, mainnet_wif).has_error());
      ++rejected;
    }
  }
  BOOST_TEST(rejected == cases.size());
  BOOST_TEST(rejected == 70u);
}

BOOST_AUTO_TEST_CASE(errors) {
  const PrivateKey k = PrivateKey::from_hex("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d", false);
  BOOST_TEST(encode_wif(k, 0x80) == "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ");
  // Payload of 32 and 35 bytes.
  Bytes p(33, 0x11);
  p[0] = 0x80;
  BOOST_TEST(decode_wif(base58check_encode(ByteSpan(p).first(32)), 0x80).error() == keys::error::wif_wrong_length);
  p.resize(36, 0x01);
  BOOST_TEST(decode_wif(base58check_encode(p), 0x80).error() == keys::error::wif_wrong_length);
  // 34 bytes whose flag is not 01.
  p.resize(34);
  p[33] = 0x02;
  BOOST_TEST(decode_wif(base58check_encode(p), 0x80).error() == keys::error::wif_invalid_compression_flag);
  // Secret 0 and n.
  Bytes zero(33, 0);
  zero[0] = 0x80;
  BOOST_TEST(decode_wif(base58check_encode(zero), 0x80).error() == keys::error::invalid_private_key);
  Bytes n = from_hex("80fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd036414101");
  BOOST_TEST(decode_wif(base58check_encode(n), 0x80).error() == keys::error::invalid_private_key);
  // Base58 errors come from the address layer.
  BOOST_TEST(decode_wif("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTK", 0x80).error() ==
             address::error::base58_checksum_mismatch);
  BOOST_TEST(decode_wif("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyT0", 0x80).error() ==
             address::error::invalid_base58_character);
  BOOST_TEST(decode_wif("", 0x80).has_error());
  BOOST_CHECK_EXCEPTION(decode_wif_or_throw("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ", 0xef), system_error,
                        [](const system_error& e) {
                          return e.code() == keys::error::wif_wrong_network &&
                                 std::string(e.what()).find("another network") != std::string::npos;
                        });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(electrum_wif_tests)

// Electrum's Test_keyImport: each key (plain, typed, Electrum 3.0 prefix-typed, minikey) to its
// public key, compressed flag, script type and canonical export; then address and scripthash.
BOOST_AUTO_TEST_CASE(key_import_vectors) {
  const json::value data = test::read_json("vectors/electrum/electrum_key_import_scripthash_vectors.json");
  const AddressFormat& format = btc_network(NetworkId::mainnet).address;
  std::size_t processed = 0, minikeys = 0;
  for (const json::value& v : data.at("vectors").as_array()) {
    const std::string priv = str(v.at("priv"));
    BOOST_TEST_CONTEXT(priv) {
      const auto imported = decode_electrum_wif(priv, mainnet_wif);
      BOOST_TEST_REQUIRE(imported.has_value(), imported.error().message());
      const PublicKey pub = imported->key.public_key();
      BOOST_TEST(pub.to_hex() == str(v.at("pub")));
      BOOST_TEST(imported->key.compressed() == v.at("compressed").as_bool());
      BOOST_TEST(to_string(imported->txin_type) == str(v.at("txin_type")));
      BOOST_TEST(encode_electrum_wif(imported->key, imported->txin_type, mainnet_wif) == str(v.at("exported_privkey")));
      // The export reads back to the same key and type.
      const auto again = decode_electrum_wif(str(v.at("exported_privkey")), mainnet_wif);
      BOOST_TEST((again.value().key == imported->key));
      BOOST_TEST((again.value().txin_type == imported->txin_type));
      Bytes script;
      switch (imported->txin_type) {
        case TxinType::p2pkh: script = p2pkh_script(pub.key_id()); break;
        case TxinType::p2wpkh: script = p2wpkh_script(pub.key_id()); break;
        case TxinType::p2wpkh_p2sh: script = p2sh_script(hash160(p2wpkh_script(pub.key_id()))); break;
        default: BOOST_FAIL("unexpected script type");
      }
      BOOST_TEST(to_address(script, format).value() == str(v.at("address")));
      BOOST_TEST(electrum_scripthash(script).to_hex() == str(v.at("scripthash")));
      if (v.at("minikey").as_bool()) ++minikeys;
      ++processed;
    }
  }
  BOOST_TEST(processed == data.at("vectors").as_array().size());
  BOOST_TEST(processed == 9u);
  BOOST_TEST(minikeys == 1u);
}

BOOST_AUTO_TEST_CASE(errors) {
  const std::string wif = "KzMFjMC2MPadjvX5Cd7b8AKKjjpBSoRKUTpoAtN6B3J9ezWYyXS6";
  BOOST_TEST(decode_electrum_wif("p2tr:" + wif, mainnet_wif).error() == keys::error::unknown_script_type);
  BOOST_TEST(decode_electrum_wif(":" + wif, mainnet_wif).error() == keys::error::unknown_script_type);
  BOOST_TEST(decode_electrum_wif("P2PKH:" + wif, mainnet_wif).error() == keys::error::unknown_script_type);
  // A typed key must carry the plain network prefix.
  BOOST_TEST(decode_electrum_wif("p2wpkh:" + wif, testnet_wif).error() == keys::error::wif_wrong_network);
  BOOST_TEST(decode_electrum_wif("p2wpkh:LHJnnvRzsdrTX2j5QeWVsaBkabK7gfMNqNNqxnbBVRaJYfk24iJz", mainnet_wif).error() ==
             keys::error::wif_wrong_network);
  // Untyped keys of another network: the prefix offset names no script type.
  BOOST_TEST(decode_electrum_wif(wif, testnet_wif).error() == keys::error::wif_wrong_network);
  // Segwit needs a compressed key.
  BOOST_TEST(decode_electrum_wif("p2wpkh:5Hxn5C4SQuiV6e62A1MtZmbSeQyrLFhu5uYks62pU5VBUygK2KD", mainnet_wif).error() ==
             keys::error::segwit_key_not_compressed);
  BOOST_TEST(
      decode_electrum_wif("p2wpkh-p2sh:5Hxn5C4SQuiV6e62A1MtZmbSeQyrLFhu5uYks62pU5VBUygK2KD", mainnet_wif).error() ==
      keys::error::segwit_key_not_compressed);
  BOOST_TEST(decode_electrum_wif("p2pkh:5Hxn5C4SQuiV6e62A1MtZmbSeQyrLFhu5uYks62pU5VBUygK2KD", mainnet_wif).has_value());
  // A minikey-looking string that fails its check digit is just bad base58check.
  BOOST_TEST(decode_electrum_wif("SzavMBLoXU6kDrqtUVmffw", mainnet_wif).has_error());
}

BOOST_AUTO_TEST_SUITE_END()
