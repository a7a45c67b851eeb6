// Electron Cash's rules on the wallet engine (wallet/electron_cash_wallet.hpp,
// wallet/electron_cash_request.hpp): no segwit key on Bitcoin Cash, BIP39 on BIP44, addresses equal to
// what Debian's Electrum 4.3.4 derives for the same standard seed (Electron Cash derives as
// Electrum 2 did; Bitcoin Cash's legacy addresses are Bitcoin's), and request ids, amounts and
// payments as Electron Cash's wallet.py computes them (vectors from its formulas run in Python).
#include <coinkit/wallet/electron_cash_request.hpp>
#include <coinkit/wallet/electron_cash_wallet.hpp>

#include <coinkit/address/address.hpp>
#include <coinkit/coins/bch.hpp>
#include <coinkit/keys/bip39.hpp>
#include <coinkit/keys/electrum_seed.hpp>
#include <coinkit/keys/wif.hpp>

#include <support/electrum_reference.hpp>

#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace coinkit;
using namespace coinkit::wallet;
namespace json = boost::json;

namespace {

const Network& bch_mainnet() { return *find_network<BchPolicy>(NetworkId::mainnet); }

Txid txid(char c) { return Txid::from_hex(std::string(64, c)); }

}  // namespace

BOOST_AUTO_TEST_SUITE(electron_cash)

BOOST_AUTO_TEST_CASE(a_standard_seed_gives_electrums_addresses_in_cashaddr_without_prefix) {
  const std::string seed = electrum_seed::make(ElectrumSeedType::standard);
  const json::array reference =
      test::electrum_reference("electrum_wallet.py", json::array{json::object{{"network", "mainnet"}, {"text", seed}}});
  const ElectronCashWallet<BchPolicy> w(seed, bch_mainnet());
  BOOST_TEST(w.chains().receiving().size() == 20u);
  BOOST_TEST(w.chains().change().size() == 20u);  // gap_limit_for_change: 20
  const json::array& receiving = reference[0].at("receiving").as_array();
  const json::array& change = reference[0].at("change").as_array();
  BOOST_TEST_REQUIRE(receiving.size() == 20u);
  for (std::uint32_t i = 0; i < 20; ++i) {
    const std::string text = w.address_text(w.chains().receiving()[i]);
    BOOST_TEST(text.starts_with("q"));  // CashAddr p2pkh, no "bitcoincash:"
    BOOST_TEST(
        to_address(to_script_pubkey(text, bch_mainnet().address).value(), bch_mainnet().address, AddressStyle::legacy)
            .value() == receiving[i].as_string());
  }
  for (std::uint32_t i = 0; i < change.size(); ++i)
    BOOST_TEST(to_address(w.chains().change()[i].script(), bch_mainnet().address, AddressStyle::legacy).value() ==
               change[i].as_string());
}

// Bitcoin Cash has no segwit: its network refuses segwit seeds, keys and paths whatever the
// wallet family's rules (Electrum's included).
BOOST_AUTO_TEST_CASE(segwit_seeds_and_keys_are_refused_and_bip39_is_bip44) {
  const Network& net = bch_mainnet();
  constexpr KeyTextRules rules = ElectronCashRules::key_text;
  const auto segwit = make_error_code(error::segwit_key);
  const std::string wif = encode_wif(PrivateKey::generate(), net.wif_prefix);
  for (const KeyTextRules& family : {rules, ElectrumRules::key_text}) {
    BOOST_TEST(restore_keystore(electrum_seed::make(ElectrumSeedType::segwit), net, family).error() == segwit);
    BOOST_TEST(restore_keystore("p2wpkh:" + wif, net, family).error() == segwit);
    BOOST_TEST(restore_keystore("p2pkh:" + wif + " p2wpkh-p2sh:" + wif, net, family).error() == segwit);
    BOOST_TEST(restore_keystore("p2pkh:" + wif, net, family).has_value());
  }
  BOOST_TEST(!is_master_key_or_seed(electrum_seed::make(ElectrumSeedType::segwit), net));
  BOOST_TEST(is_master_key_or_seed(electrum_seed::make(ElectrumSeedType::standard), net));
  // A network with segwit reads them.
  const Network& btc = *find_network<BtcPolicy>(NetworkId::mainnet);
  BOOST_TEST(restore_keystore("p2wpkh:" + encode_wif(PrivateKey::generate(), btc.wif_prefix), btc).has_value());
  BOOST_TEST(is_master_key_or_seed(electrum_seed::make(ElectrumSeedType::segwit), btc));

  // BIP39: m/44'/145'/0' (Electron Cash's bip44_derivation_145), p2pkh; a segwit purpose refused.
  const std::string words =
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
  const auto keys = restore_keystore(words, net, rules).value();
  const ExtPrivKey account = ExtPrivKey::from_seed(bip39::try_to_seed(words).value())
                                 .try_derive(DerivationPath{hardened(44), hardened(145), hardened(0)})
                                 .value();
  BOOST_TEST(master_public_key(keys, net.ext_key_versions).value() ==
             account.neuter().to_base58(net.ext_key_versions, TxinType::p2pkh).value());
  BOOST_TEST(restore_keystore("bip39:m/84'/145'/0':" + words, net, rules).error() == segwit);
}

BOOST_AUTO_TEST_CASE(request_ids_amounts_and_uris_are_electron_cashs) {
  // sha256d("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu1700000000") in Python's hashlib.
  BOOST_TEST(electron_cash_request_id("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu", 1'700'000'000) == "55c0d77123");
  // util.format_satoshis ("{:.08f}".format(x / 10**8).rstrip('0'), "+" with is_diff), in Python.
  const std::vector<std::tuple<std::int64_t, std::string, std::string>> amounts = {
      {0, "0.", "+0."},
      {1, "0.00000001", "+0.00000001"},
      {100'000, "0.001", "+0.001"},
      {150'000'000, "1.5", "+1.5"},
      {100'000'000, "1.", "+1."},
      {2'100'000'000'000'000, "21000000.", "+21000000."},
      {1'234'567'890'123, "12345.67890123", "+12345.67890123"},
      {-50'000, "-0.0005", "-0.0005"},
      {99'999'999, "0.99999999", "+0.99999999"}};
  for (const auto& [units, plain, diff] : amounts) {
    BOOST_TEST(electron_cash_amount(units) == plain);
    BOOST_TEST(electron_cash_amount(units, 8, true) == diff);
  }
  PaymentRequest r;
  r.address = "qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a";
  r.amount = 100'000'000;
  r.message = "never in the URI";
  BOOST_TEST(electron_cash_request_uri(r, "bitcoincash") ==
             "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a?amount=1.");
  r.amount = 0;
  BOOST_TEST(electron_cash_request_uri(r, "bitcoincash") == "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a");
  BOOST_TEST(electron_cash_status_text(RequestStatus::unpaid) == "Pending");
  BOOST_TEST(electron_cash_status_text(RequestStatus::unconfirmed) == "Unconfirmed");
  BOOST_TEST(electron_cash_status_text(RequestStatus::unknown) == "Unknown");
}

// get_payment_status: every output counts (even one mined before the request), the sum decides,
// the least confirmed output gives the confirmations, one hash per output, most confirmed first.
BOOST_AUTO_TEST_CASE(payments_are_counted_as_electron_cash_counts_them) {
  PaymentRequest r;
  r.amount = 1'000'000;
  r.height = 500;
  const std::vector<ReceivedOutput> parts = {{txid('a'), 400'000, 450, 60}, {txid('b'), 600'000, 0, 0}};
  RequestPayment p = electron_cash_request_payment(r, parts);
  BOOST_TEST(p.paid);
  BOOST_TEST(p.confirmations.value() == 0);
  BOOST_TEST(p.received == 1'000'000);
  BOOST_TEST((p.tx_hashes == std::vector<Txid>{txid('a'), txid('b')}));
  // (Electrum 4.3 leaves the output mined before the request out: not paid there.)
  BOOST_TEST(!request_payment(r, parts).paid);

  // Two outputs of one transaction: two hashes; an extra unconfirmed payment brings the
  // confirmations down to 0.
  const std::vector<ReceivedOutput> twice = {
      {txid('c'), 500'000, 510, 3}, {txid('c'), 500'000, 510, 3}, {txid('d'), 1, 0, 0}};
  p = electron_cash_request_payment(r, twice);
  BOOST_TEST(p.paid);
  BOOST_TEST(p.confirmations.value() == 0);
  BOOST_TEST((p.tx_hashes == std::vector<Txid>{txid('c'), txid('c'), txid('d')}));

  p = electron_cash_request_payment(r, std::vector<ReceivedOutput>{{txid('e'), 999'999, 520, 2}});
  BOOST_TEST(!p.paid);
  BOOST_TEST(!p.confirmations);
  // No amount: paid by any output, not paid by none.
  r.amount = 0;
  BOOST_TEST(!electron_cash_request_payment(r, {}).paid);
  BOOST_TEST(electron_cash_request_payment(r, std::vector<ReceivedOutput>{{txid('f'), 1, 530, 1}}).paid);
}

BOOST_AUTO_TEST_SUITE_END()
