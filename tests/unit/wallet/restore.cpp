// restore_keystore and AddressChains against Debian's Electrum 4.3.4: for every kind of key
// text, on mainnet, testnet and regtest, the same verdict, master public key, validatekey,
// and the same first 20 receiving and 10 change addresses in the same order.
#include <coinkit/wallet/restore.hpp>

#include <coinkit/address/base58.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/wallet/address_chains.hpp>

#include <support/electrum_reference.hpp>

#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <random>
#include <string>
#include <vector>

using namespace coinkit;
using namespace coinkit::wallet;
namespace json = boost::json;

namespace {

struct Case {
  const Network* net;
  std::string text;
  std::string bip39_derivation;  // non-empty: Electrum's BIP39 keystore at this path is the reference,
  std::string bip39_words;       // for these words
};

// Deterministic key material: the test is the same every run.
struct Material {
  std::mt19937_64 rng{20261205};

  void fill(MutableByteSpan out) {
    for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  }
  PrivateKey key(bool compressed = true) {
    std::uint8_t secret[32];
    for (;;) {
      fill(MutableByteSpan(secret, 32));
      if (auto k = PrivateKey::from_bytes(ByteSpan(secret, 32), compressed)) return *k;
    }
  }
  std::string seed(ElectrumSeedType type) {
    return electrum_seed::make(type, [this](MutableByteSpan out) { fill(out); });
  }
  ExtPrivKey account(const DerivationPath& path) {
    std::uint8_t seed[32];
    fill(MutableByteSpan(seed, 32));
    return ExtPrivKey::from_seed(ByteSpan(seed, 32)).derive(path);
  }
};

std::string address_of(const Network& net, TxinType type, const PublicKey& key) {
  return to_address_or_throw(key_script(type, key).value(), net.address);
}

// Every kind of text restore_wallet_from_text reads, and texts it refuses.
std::vector<Case> cases_for(const Network& net, const Network& other, Material& m) {
  std::vector<Case> out;
  auto add = [&](std::string text) { out.push_back({&net, std::move(text), {}, {}}); };
  const auto& v = net.ext_key_versions;
  const std::uint32_t coin = net.bip44_coin_type;

  add(m.seed(ElectrumSeedType::standard));
  add(m.seed(ElectrumSeedType::segwit));
  add("  " + m.seed(ElectrumSeedType::segwit) + "\n");  // stripped, as Electrum strips
  add("powerful random nobody notice nothing important anyway look away hidden message over");  // old
  add("0123456789abcdef0123456789abcdef");                                                      // old, hex
  add(m.seed(ElectrumSeedType::two_fa));                                                        // refused
  add(m.seed(ElectrumSeedType::two_fa_segwit));                                                 // refused

  // Master keys of every SLIP-132 row; the multisig rows are refused by a standard wallet.
  for (TxinType type :
       {TxinType::p2pkh, TxinType::p2wpkh_p2sh, TxinType::p2wpkh, TxinType::p2wsh_p2sh, TxinType::p2wsh}) {
    const ExtPrivKey k = m.account(DerivationPath{hardened(84), hardened(coin), hardened(0)});
    add(k.neuter().to_base58(v, type).value());
    add(k.to_base58(v, type).value());
  }
  // A root and a key one level below it: the keys whose root fingerprint getfingerprint knows.
  add(m.account(DerivationPath{}).to_base58(v, TxinType::p2wpkh).value());
  add(m.account(DerivationPath{hardened(0)}).neuter().to_base58(v, TxinType::p2pkh).value());
  // Another network's keys are no keys here.
  add(m.account(DerivationPath{hardened(0)}).neuter().to_base58(other.ext_key_versions, TxinType::p2wpkh).value());

  // An Electrum 1.x master public key.
  const PrivateKey old_master = electrum_seed::try_old_master_private_key("00112233445566778899aabbccddeeff").value();
  const auto mpk = old_master.public_key().uncompressed_bytes();
  add(to_hex(ByteSpan(mpk).subspan(1)));

  // Private keys: Electrum's type prefixes, plain WIF (compressed and not), the 3.0 form with
  // the type in the prefix byte; a list of only multisig keys imports nothing.
  {
    const PrivateKey a = m.key(), b = m.key(), c = m.key(), d = m.key(false), e = m.key();
    std::uint8_t payload[34];
    payload[0] = static_cast<std::uint8_t>(net.wif_prefix + 1);  // p2wpkh in Electrum 3.0
    std::copy_n(e.bytes().data(), 32, payload + 1);
    payload[33] = 1;
    add("p2wpkh:" + encode_wif(a, net.wif_prefix) + " p2wpkh-p2sh:" + encode_wif(b, net.wif_prefix) + "\n" +
        encode_wif(c, net.wif_prefix) + " " + encode_wif(d, net.wif_prefix) + " " +
        base58check_encode(ByteSpan(payload, 34)) + " p2wpkh:" + encode_wif(a, net.wif_prefix));
    add("p2wsh:" + encode_wif(a, net.wif_prefix));
    add("p2sh:" + encode_wif(b, net.wif_prefix) + " " + encode_wif(c, net.wif_prefix));
    add(encode_wif(a, other.wif_prefix));  // another network's key
  }

  // Addresses: unsorted, repeated, of every type, one in upper case.
  {
    const PrivateKey a = m.key(), b = m.key(), c = m.key();
    std::string bech = address_of(net, TxinType::p2wpkh, c.public_key());
    std::transform(bech.begin(), bech.end(), bech.begin(), [](char ch) { return static_cast<char>(std::toupper(ch)); });
    add(address_of(net, TxinType::p2wpkh, a.public_key()) + " " + address_of(net, TxinType::p2pkh, b.public_key()) +
        " " + address_of(net, TxinType::p2wpkh_p2sh, a.public_key()) + " " +
        address_of(net, TxinType::p2pkh, b.public_key()) + " " + bech);
    add(address_of(net, TxinType::p2wpkh, a.public_key()) + " " +
        address_of(other, TxinType::p2wpkh, a.public_key()));  // one of another network: no list
  }

  // BIP39, beyond Electrum's restore: Electrum's own BIP39 keystore at the same path is the
  // reference. Without a prefix, BIP84.
  {
    std::uint8_t entropy[16];
    for (int i = 0; i < 3; ++i) {
      m.fill(MutableByteSpan(entropy, 16));
      const std::string words = bip39::encode(ByteSpan(entropy, 16));
      if (electrum_seed::try_seed_type(words)) continue;  // also an Electrum seed: Electrum's
      const std::string c = std::to_string(coin);
      out.push_back({&net, words, "m/84'/" + c + "'/0'", words});
      out.push_back({&net, "bip39:m/49'/" + c + "'/0':" + words, "m/49'/" + c + "'/0'", words});
      out.push_back({&net, "bip39: m/44'/" + c + "'/1' : " + words, "m/44'/" + c + "'/1'", words});
      break;
    }
  }

  add("");
  add("garbage that is no key");
  add("xpub6CUGRUonZSQ4TWtTMmzXdrXDtypWKiKrhko4egpiMZbpiaQL2jkwSB1icqYh2cfDfVxdx4df189oLKnC5fSwqPfgyP3hooxujYzAu3fDVm"
      "z");
  return out;
}

json::array to_reference_cases(const std::vector<Case>& cases) {
  json::array out;
  for (const Case& c : cases) {
    json::object o{{"network", to_string(c.net->id)}, {"text", c.text}};
    if (!c.bip39_derivation.empty()) {
      o["text"] = c.bip39_words;
      o["bip39_derivation"] = c.bip39_derivation;
    }
    out.push_back(std::move(o));
  }
  return out;
}

json::array addresses(const AddressChains& chains, std::span<const WalletAddress> chain) {
  json::array out;
  for (const auto& a : chain) out.push_back(json::string(chains.address(a)));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wallet_restore)

BOOST_AUTO_TEST_CASE(every_key_kind_matches_electrum_on_every_network) {
  Material m;
  const Network& mainnet = *find_network<BtcPolicy>(NetworkId::mainnet);
  const Network& testnet = *find_network<BtcPolicy>(NetworkId::testnet);
  const Network& regtest = *find_network<BtcPolicy>(NetworkId::regtest);
  std::vector<Case> cases;
  const std::pair<const Network*, const Network*> networks[] = {
      {&mainnet, &testnet}, {&testnet, &mainnet}, {&regtest, &mainnet}};
  for (const auto& [net, other] : networks) {
    auto more = cases_for(*net, *other, m);
    cases.insert(cases.end(), more.begin(), more.end());
  }
  const json::array reference = test::electrum_reference("electrum_wallet.py", to_reference_cases(cases));

  std::size_t restored = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const json::object& ref = reference[i].as_object();
    BOOST_TEST_CONTEXT(to_string(c.net->id) << " \"" << c.text << "\" (Electrum: " << ref.at("error") << ")") {
      BOOST_TEST(is_master_key_or_seed(c.text, *c.net) == ref.at("validatekey").as_bool());
      // Bitcart's getfingerprint: Electrum's root_fp_and_der_prefix_from_xkey.
      const auto* fingerprint = ref.if_contains("fingerprint");
      const auto xkey = decode_ext_key(c.text, c.net->ext_key_versions);
      BOOST_TEST(xkey.has_value() == (fingerprint != nullptr));
      if (xkey && fingerprint) {
        const auto fp = root_fingerprint(xkey->key);
        BOOST_TEST((fp ? json::value(to_hex(*fp)) : json::value()) == *fingerprint);
      }
      auto keys = restore_keystore(c.text, *c.net);
      const bool ok = ref.at("ok").as_bool();
      BOOST_TEST(keys.has_value() == ok, (keys ? std::string("restored") : keys.error().message()));
      if (!keys || !ok) continue;
      ++restored;
      const auto mpk = master_public_key(*keys, c.net->ext_key_versions);
      BOOST_TEST((mpk ? json::value(*mpk) : json::value()) == ref.at("mpk"));
      BOOST_TEST(txin_type_name(*keys) == ref.at("txin_type").as_string());
      const AddressChains chains(*keys, *c.net);
      BOOST_TEST(addresses(chains, chains.receiving()) == ref.at("receiving").as_array());
      BOOST_TEST(addresses(chains, chains.change()) == ref.at("change").as_array());
      if (is_deterministic(*keys)) {
        BOOST_TEST(chains.receiving().size() == 20u);
        BOOST_TEST(chains.change().size() == 10u);
      }
    }
  }
  BOOST_TEST(restored >= 3 * 14u);  // most cases are keys, not refusals
}

BOOST_AUTO_TEST_CASE(refusals_say_why) {
  const Network& mainnet = *find_network<BtcPolicy>(NetworkId::mainnet);
  Material m;
  BOOST_TEST(restore_keystore("", mainnet).error() == make_error_code(error::key_not_recognized));
  BOOST_TEST(restore_keystore("no key at all", mainnet).error() == make_error_code(error::key_not_recognized));
  BOOST_TEST(restore_keystore(m.seed(ElectrumSeedType::two_fa), mainnet).error() ==
             make_error_code(error::two_fa_seed));
  const ExtPrivKey k = m.account(DerivationPath{hardened(48), hardened(0), hardened(0), hardened(2)});
  BOOST_TEST(
      restore_keystore(k.neuter().to_base58(mainnet.ext_key_versions, TxinType::p2wsh).value(), mainnet).error() ==
      make_error_code(error::multisig_master_key));
  BOOST_TEST(restore_keystore("p2wsh:" + encode_wif(m.key(), mainnet.wif_prefix), mainnet).error() ==
             make_error_code(error::no_valid_private_key));
  // A BIP39 mnemonic with a path of no single-key type, or a bad checksum.
  const std::string words =
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
  BOOST_TEST(restore_keystore("bip39:m/48'/0'/0'/2':" + words, mainnet).error() ==
             make_error_code(error::unsupported_derivation));
  BOOST_TEST(!restore_keystore("bip39:" + words.substr(0, words.size() - 5) + "abandon", mainnet));
}

// BIP84's own vector (the mnemonic of "abandon ... about"): the first receiving and change
// addresses of m/84'/0'/0'.
BOOST_AUTO_TEST_CASE(bip84_vector) {
  const Network& mainnet = *find_network<BtcPolicy>(NetworkId::mainnet);
  const auto keys = restore_keystore(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", mainnet);
  BOOST_TEST_REQUIRE(keys.has_value());
  BOOST_TEST(*master_public_key(*keys, mainnet.ext_key_versions) ==
             "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2A"
             "GutZYs");
  const AddressChains chains(*keys, mainnet);
  BOOST_TEST(chains.address(chains.receiving()[0]) == "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu");
  BOOST_TEST(chains.address(chains.receiving()[1]) == "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g");
  BOOST_TEST(chains.address(chains.change()[0]) == "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el");
}

// Recorded from Bitcart's BTC daemon on regtest (bitcart-wire-examples.md: listaddresses with
// receiving=true, getmpk, validatekey for this vpub).
BOOST_AUTO_TEST_CASE(bitcart_recorded_regtest_wallet) {
  const Network& regtest = *find_network<BtcPolicy>(NetworkId::regtest);
  const std::string vpub =
      "vpub5UbgU5E8jii87b3GxqvSrg47jMTv1DBJwUyTwtkDfTVXTcwp1FuM1r9LDxEWDPhEa4Q98SFr8QvA3yJMAqQpxKkWK3sYg8YR9oJopcBe8Eh";
  const char* recorded[] = {
      "bcrt1q40rrgjq3wnss5zcn68njnrawtjmqggr9pfhkx6", "bcrt1qxs5nctwlxvcsqk0qavpq7kf0ayxf6fmgnwfwky",
      "bcrt1q2ctxvaz8wcxcg4jkxgfqhza4pd8tkhw8j2p86j", "bcrt1qgwy3f0vfj4er4dquw307d78xefe28fzfv9dl4c",
      "bcrt1qth7j8vamqrs93eecuyxvf3kjx2380pnd4jm8wc", "bcrt1qu5gxn2jj87u3nrak2lt6lkhl7gdvu8nf27vupd",
      "bcrt1qjrac07x3fnchcj0wj4zvl8xnjkn9hqp478mkr8", "bcrt1qq02nkvlpm2gh5r02py8pw0u8q08fxdzrr3cytk",
      "bcrt1qcsx486vjp2jpupqd8rzg3gmss46az3vftdyy5e", "bcrt1q08f50q0ackyjz8vz3nh0a7x4pwvxydyv62x255",
      "bcrt1q2vumfld4jc7ng6eegh40prx08qldwazcgt02hu", "bcrt1qep2lfgcvrr6l6e5cv8jfpyncmy4klyt2zqaagy",
      "bcrt1q02jdezxvh8n0xj66tkvr6g6uutdcg08vkd9y0r", "bcrt1quxau803ausktzdvwt8wlyfvqwvgc2qstgsnm70",
      "bcrt1qn5zajqrdyd5n4qk8phudhnxptymu352xjcdgzw", "bcrt1qpu39ky5cynecwdemfuh8dtl4ap4ea94vctetyd",
      "bcrt1qmwf0g0nqu0g9gcc7h9fuf4use3xh4dwvvjkq7q", "bcrt1q6llh48pg4240vjq60xdnxh0g9z3wwn6xswxlx0",
      "bcrt1qchuyqqtztkd0azy3zkyad3aap7w2me2rpm6etp", "bcrt1q4ul6ljlzrlmux7xfxqjn2fx3cj658cg05nx4g5"};
  BOOST_TEST(is_master_key_or_seed(vpub, regtest));
  BOOST_TEST(!is_master_key_or_seed("not a key", regtest));
  const auto keys = restore_keystore(vpub, regtest);
  BOOST_TEST_REQUIRE(keys.has_value());
  BOOST_TEST(*master_public_key(*keys, regtest.ext_key_versions) == vpub);
  const AddressChains chains(*keys, regtest);
  BOOST_TEST_REQUIRE(chains.receiving().size() == std::size(recorded));
  for (std::size_t i = 0; i < std::size(recorded); ++i)
    BOOST_TEST(chains.address(chains.receiving()[i]) == recorded[i]);
}

// Electrum's synchronize_sequence: a chain grows while one of its last `limit` addresses has
// history confirmed 3 deep, and only then.
BOOST_AUTO_TEST_CASE(gap_limit_rolls_forward_on_old_addresses) {
  const Network& regtest = *find_network<BtcPolicy>(NetworkId::regtest);
  const auto keys = restore_keystore(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", regtest);
  AddressChains chains(*keys, regtest);
  BOOST_TEST(chains.synchronize([](const WalletAddress&) { return false; }) == 0u);
  // Receiving 4 and change 2 get old history: each chain extends to keep a full gap after it.
  const auto added = chains.synchronize([](const WalletAddress& a) { return a.index == (a.change ? 2u : 4u); });
  BOOST_TEST(added == 5u + 3u);
  BOOST_TEST(chains.receiving().size() == 25u);
  BOOST_TEST(chains.change().size() == 13u);
  for (std::size_t i = 0; i < chains.receiving().size(); ++i) BOOST_TEST(chains.receiving()[i].index == i);
  // The address the chain grew to is the one derivation gives.
  const PublicKey k = derive_public_key(*keys, false, 24).value();
  BOOST_TEST(chains.address(chains.receiving()[24]) == address_of(regtest, TxinType::p2wpkh, k));
}

BOOST_AUTO_TEST_SUITE_END()
