// Daemon<BchPolicy, ElectronCashWallet>: Bitcart's BCH daemon on the wallet engine under Electron
// Cash's rules, on loopback with the BCH regtest node and coinkit's BCH Electrum server. Balances,
// history and payouts are held against the node's own blocks; request objects against Electron
// Cash's rules (wallet.py, commands.py) as ../shared/reference/bitcart-daemon.md §4 states them.
#include "wallet_scenario.hpp"

#include <coinkit/address/address.hpp>
#include <coinkit/coins/bch.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/daemon/methods/arguments.hpp>
#include <coinkit/keys/wif.hpp>
#include <coinkit/node/daemon_url.hpp>
#include <coinkit/node/node_client.hpp>
#include <coinkit/wallet/electron_cash_wallet.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace coinkit;
using namespace coinkit::test;

namespace {

using BchStack = WalletStack<BchPolicy, false, ElectronCashWallet>;

const Network& bch_regtest() { return *find_network<BchPolicy>(NetworkId::regtest); }

// How Electron Cash writes an address (to_ui_string): CashAddr without its prefix.
std::string ui_address(const Bytes& script) {
  const std::string full = address_of<BchPolicy>(script);
  return full.substr(full.find(':') + 1);
}
std::string legacy_address(const Bytes& script) {
  return to_address(script, bch_regtest().address, AddressStyle::legacy).value();
}
// A p2pkh address of a new random key: somewhere to pay that no wallet of the test owns.
std::string fresh_bch_address() {
  return address_of<BchPolicy>(wallet::key_script(TxinType::p2pkh, PrivateKey::generate().public_key()).value());
}

std::set<std::string> mempool_of(const BchStack& s) {
  std::set<std::string> out;
  for (const auto& e : s.node.mempool_entries()) out.insert(e.txid.to_hex());
  return out;
}

// The error ({code, message}) of a call that must fail.
json::object error_of(BchStack& s, const std::string& method, json::value params) {
  const json::value reply = s.call(method, std::move(params));
  BOOST_TEST_REQUIRE(reply.as_object().contains("error"), method << ": " << json::serialize(reply));
  return reply.at("error").as_object();
}

// The keys of a JSON object, in order.
std::vector<std::string> keys_of(const json::value& v) {
  std::vector<std::string> out;
  for (const auto& kv : v.as_object()) out.emplace_back(kv.key());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bch_daemon)

// A wallet of a seed Electron Cash's make_electrum_seed gives: CashAddr addresses without their
// prefix and gap limits of 20 on both chains; paid, confirmed, paying out with FORKID signatures
// (accepted by the node's mempool and mined), and reorganized; getbalance, listunspent and
// history always what the node's blocks say.
BOOST_AUTO_TEST_CASE(a_bch_wallet_is_paid_pays_out_and_is_reorged_as_the_node_says) {
  BchStack s;
  const std::string seed(s.result("make_electrum_seed").as_string());
  BOOST_TEST(s.result("check_electrum_seed", json::array{json::string(seed)}) == json::value(true));
  BOOST_TEST(s.result("validatekey", json::array{json::string(seed)}) == json::value(true));
  const auto scripts = wallet_scripts<BchPolicy>(seed, 20, 20);
  const json::value receiving = s.wallet("listaddresses", seed, {{"receiving", true}});
  BOOST_TEST_REQUIRE(receiving.as_array().size() == 20u);
  for (std::size_t i = 0; i < 20; ++i) BOOST_TEST(receiving.at(i) == json::value(ui_address(scripts[i])));
  BOOST_TEST(s.wallet("listaddresses", seed, {{"change", true}}).as_array().size() == 20u);
  BOOST_TEST(s.wallet("getbalance", seed) == json::parse(R"({"confirmed": "0"})"));

  const Txid first = s.node.send_to_address(address_of<BchPolicy>(scripts[0]), 150'000'000).value();
  s.mine();
  const Txid second = s.node.send_to_address(legacy_address(scripts[1]), 1'000'000).value();
  const Txid third = s.node.send_to_address(address_of<BchPolicy>(scripts[2]), 2'500'000).value();
  s.wait_indexed();
  auto settled = [&] {
    const auto expected = expected_coins(s.node, scripts);
    return s.try_wallet("getbalance", seed) == json::value(expected_balance(expected)) &&
           same(unspent_of(s.try_wallet("listunspent", seed)), expected);
  };
  auto same_coins = [&] {
    return same(unspent_of(s.try_wallet("listunspent", seed)), expected_coins(s.node, scripts));
  };
  BOOST_TEST_REQUIRE(eventually(settled));
  BOOST_TEST(s.wallet("getbalance", seed) == json::parse(R"({"confirmed": "1.5", "unconfirmed": "0.035"})"));
  BOOST_TEST(s.wallet("getunusedaddress", seed) == json::value(ui_address(scripts[3])));

  // history: newest first, Electron Cash's amounts; the mempool's first, unconfirmed.
  json::value history = s.wallet("history", seed);
  BOOST_TEST_REQUIRE(history.as_array().size() == 3u);
  const json::value& oldest = history.at(2);
  BOOST_TEST(oldest.at("txid") == json::value(first.to_hex()));
  BOOST_TEST(oldest.at("value") == json::value("+1.5"));
  BOOST_TEST(oldest.at("balance") == json::value("1.5"));
  BOOST_TEST(oldest.at("fee") == json::value("--"));  // the node's inputs are not the wallet's
  BOOST_TEST(oldest.at("confirmations") == json::value(1));
  BOOST_TEST((keys_of(oldest) == std::vector<std::string>{"txid", "height", "confirmations", "timestamp", "date",
                                                          "label", "value", "fee", "balance"}));
  BOOST_TEST(history.at(0).at("date") == json::value("unconfirmed"));
  BOOST_TEST(history.at(0).at("balance") == json::value("1.535"));
  const std::set<std::string> unconfirmed{std::string(history.at(0).at("txid").as_string()),
                                          std::string(history.at(1).at("txid").as_string())};
  BOOST_TEST((unconfirmed == std::set<std::string>{second.to_hex(), third.to_hex()}));
  s.mine();
  BOOST_TEST_REQUIRE(eventually(settled));

  // Payouts: to a CashAddr address with its prefix, and in one transaction to a legacy address
  // and a CashAddr address without it. Each input signed with ALL|FORKID, final sequences, the
  // local height as lock time; accepted by the node's mempool and mined.
  const std::string to1 = fresh_bch_address(), to2 = fresh_bch_address(), to3 = fresh_bch_address();
  const json::value one = s.wallet("payto", seed, {{"destination", to1}, {"amount", "0.3"}});
  const json::value txid1 = s.wallet("broadcast", seed, {{"tx", one}});
  // Its change, unconfirmed, is the wallet's to spend (getbalance counts it as confirmed, as
  // Electrum's get_balance counts what spends confirmed coins of the wallet: only the coins are
  // compared while payouts are unconfirmed).
  BOOST_TEST_REQUIRE(eventually(same_coins));
  const std::string to2_legacy =
      to_address(daemon::address_argument(to2, bch_regtest()), bch_regtest().address, AddressStyle::legacy).value();
  const json::value many =
      s.wallet("paytomany", seed,
               {{"outputs", json::array{json::array{json::string(to2_legacy), "0.1"},
                                        json::array{json::string(to3.substr(to3.find(':') + 1)), 0.05}}},
                {"feerate", 2}});
  const json::value txid2 = s.wallet("broadcast", seed, {{"tx", many}});
  BOOST_TEST(mempool_of(s).count(std::string(txid1.as_string())) == 1u);
  BOOST_TEST(mempool_of(s).count(std::string(txid2.as_string())) == 1u);
  // get_transaction as Bitcart's BCH daemon answers it: the server's verbose object, which is
  // the node's own getrawtransaction object, with "confirmations" 0 added in the mempool.
  node::NodeClient node_rpc(node::parse_daemon_url("user:pass@127.0.0.1:" + std::to_string(s.rpc_port()), 0).value());
  auto as_the_node_says = [&](const json::value& txid) {
    json::object o = node_rpc.raw_transaction(Txid::from_hex(txid.as_string()), true).value().as_object();
    if (!o.contains("confirmations")) o["confirmations"] = 0;
    return json::value(std::move(o));
  };
  const json::value pending = s.result("get_transaction", json::array{txid1});
  BOOST_TEST(pending == as_the_node_says(txid1));
  BOOST_TEST(pending.at("confirmations") == json::value(0));
  BOOST_TEST(pending.at("hex") == one);
  for (const json::value* hex : {&one, &many}) {
    const Transaction tx = Transaction::parse(from_hex(hex->as_string()));
    BOOST_TEST(tx.lock_time() == static_cast<std::uint32_t>(s.node.height()));
    for (const TxIn& in : tx.inputs()) {
      BOOST_TEST(in.sequence == 0xfffffffeu);
      BOOST_TEST_REQUIRE(!in.script_sig.empty());
      const std::size_t signature_length = in.script_sig[0];
      BOOST_TEST(in.script_sig[signature_length] == 0x41);  // the hash type: ALL | FORKID
    }
  }
  s.mine();
  auto received = [&](const std::string& address) {
    return s.result("getaddressbalance", json::array{json::string(address)}).at("confirmed");
  };
  BOOST_TEST(received(to1) == json::value("0.3"));
  BOOST_TEST(received(to2) == json::value("0.1"));
  BOOST_TEST(received(to3) == json::value("0.05"));
  const json::value mined = s.result("get_transaction", json::array{txid1});
  BOOST_TEST(mined == as_the_node_says(txid1));
  BOOST_TEST(mined.at("confirmations") == json::value(1));
  BOOST_TEST_REQUIRE(eventually(settled));
  // Electron Cash's fee: 1 sat/byte without feerate; the wallet's own payment shows it.
  BOOST_TEST(s.result("getfeerate") == json::value(1000));
  history = s.wallet("history", seed);
  BOOST_TEST_REQUIRE(history.as_array().size() == 5u);
  // The two payouts (one block: in its canonical order): what they took, fees included.
  const std::set<std::string> paid_out{std::string(history.at(0).at("value").as_string()).substr(0, 5),
                                       std::string(history.at(1).at("value").as_string()).substr(0, 5)};
  BOOST_TEST((paid_out == std::set<std::string>{"-0.15", "-0.30"}));
  BOOST_TEST(history.at(0).at("fee") != json::value("--"));
  BOOST_TEST(history.at(1).at("fee") != json::value("--"));

  // A reorg of depth 1: the payouts' block is replaced by an empty one; they go back to the
  // mempool (history shows them unconfirmed), then are mined again.
  s.node.invalidate_block(s.node.block_hash(s.node.height()).value()).value();
  for (int i = 0; i < 2; ++i) s.node.generate_block(s.node.faucet_script(), {}).value();
  s.wait_indexed();
  BOOST_TEST_REQUIRE(eventually(same_coins));
  BOOST_TEST_REQUIRE(eventually([&] {
    const json::value h = s.try_wallet("history", seed);
    // The payout that spends the other's change is newest: an unconfirmed parent, height -1.
    return h.is_array() && h.as_array().size() == 5u && h.at(0).at("height") == json::value(-1) &&
           h.at(1).at("height") == json::value(0) && h.at(1).at("date") == json::value("unconfirmed");
  }));
  s.mine();
  BOOST_TEST_REQUIRE(eventually(settled));
  BOOST_TEST_REQUIRE(eventually([&] {
    const json::value h = s.try_wallet("history", seed);
    return h.is_array() && h.at(0).at("confirmations") == json::value(1);
  }));
  // sweep: the coins of a key (p2pkh, and pay-to-pubkey, which a WIF may also hold) to the
  // wallet, signed ALL|FORKID, accepted and mined.
  const PrivateKey outside = PrivateKey::generate();
  s.node
      .send_to_address(address_of<BchPolicy>(wallet::key_script(TxinType::p2pkh, outside.public_key()).value()),
                       20'000'000)
      .value();
  const regtest::Payment to_pubkey{p2pk_script(outside.public_key().bytes()), 5'000'000};
  s.node.send(std::span(&to_pubkey, 1)).value();
  s.mine();
  const json::value swept = s.result("sweep", json::object{{"privkey", encode_wif(outside, bch_regtest().wif_prefix)},
                                                           {"destination", ui_address(scripts[4])}});
  const json::value swept_txid = s.result("broadcast", json::object{{"tx", swept}});
  BOOST_TEST(mempool_of(s).count(std::string(swept_txid.as_string())) == 1u);
  BOOST_TEST(Transaction::parse(from_hex(swept.as_string())).inputs().size() == 2u);
  s.mine();
  const std::int64_t sweep_received = parse_amount(received(address_of<BchPolicy>(scripts[4])).as_string(), 8);
  BOOST_TEST((sweep_received > 24'990'000 && sweep_received < 25'000'000));  // less the fee
  // Everything that is left, to one address, once the wallet has the swept coin too (the
  // server's balance above says nothing of the wallet's: under load "!" missed that coin).
  BOOST_TEST_REQUIRE(eventually(settled));
  const std::string to_all = fresh_bch_address();
  (void)s.wallet("broadcast", seed, {{"tx", s.wallet("payto", seed, {{"destination", to_all}, {"amount", "!"}})}});
  s.mine();
  BOOST_TEST_REQUIRE(
      eventually([&] { return s.try_wallet("getbalance", seed) == json::parse(R"({"confirmed": "0"})"); }));
  BOOST_TEST(expected_coins(s.node, scripts).empty());
}

// A request's life with Electron Cash's request objects: keyed by its address, paid in two parts
// (sent_amount adds up, "Pending" until the sum is reached), "Unconfirmed" in the mempool, "Paid"
// once mined; another "Expired"; new_payment once per change with Bitcart's BCH payload; kept
// across a restart.
BOOST_AUTO_TEST_CASE(a_request_is_paid_in_two_parts_and_another_expires) {
  BchStack s;
  const std::string seed(s.result("make_electrum_seed").as_string());
  const auto scripts = wallet_scripts<BchPolicy>(seed, 20, 20);
  BOOST_TEST(s.wallet("getbalance", seed) == json::parse(R"({"confirmed": "0"})"));
  const json::value made =
      s.wallet("addrequest", seed, {{"amount", "0.01"}, {"memo", "order 42"}, {"expiration", 3600}});
  const std::string address(made.at("address").as_string());
  BOOST_TEST(address == ui_address(scripts[0]));
  const std::int64_t time = made.at("time").as_int64();
  // make_payment_request's id: sha256d of the legacy address and the time, 10 hex digits.
  const std::string id_text = legacy_address(scripts[0]) + std::to_string(time);
  BOOST_TEST(made.at("id") == json::value(to_hex(sha256d(as_bytes(id_text)).span().first(5))));
  BOOST_TEST(made.at("URI") == json::value("bchreg:" + address + "?amount=0.01"));
  BOOST_TEST(made.at("status") == json::value("Pending"));
  BOOST_TEST(made.at("amount") == json::value(1'000'000));
  BOOST_TEST(made.at("amount (BCH)") == json::value("0.01"));
  BOOST_TEST(made.at("exp") == json::value(3600));
  BOOST_TEST(made.at("sent_amount") == json::value("0.00000000"));
  BOOST_TEST((keys_of(made) == std::vector<std::string>{"time", "amount", "exp", "address", "memo", "id", "tokenreq",
                                                        "category_id", "URI", "status", "tx_hashes", "amount (BCH)",
                                                        "sent_amount"}));
  // A whole coin's amount keeps its point, as format_satoshis writes it; no expiration: null.
  const json::value whole = s.wallet("addrequest", seed, {{"amount", 1}});
  BOOST_TEST(whole.at("URI") == json::value("bchreg:" + ui_address(scripts[1]) + "?amount=1."));
  BOOST_TEST(whole.at("exp") == json::value(nullptr));
  BOOST_TEST(s.wallet("rmrequest", seed, {{"address", std::string(whole.at("address").as_string())}}) ==
             json::value(true));
  // The removed request's address is free again.
  const json::value brief = s.wallet("addrequest", seed, {{"amount", "0.5"}, {"expiration", 2}});
  const std::string brief_address(brief.at("address").as_string());
  BOOST_TEST(brief_address == ui_address(scripts[1]));

  auto request = [&](const std::string& key) { return s.try_wallet("getrequest", seed, {{"key", key}}); };
  s.node.send_to_address(address_of<BchPolicy>(scripts[0]), 400'000).value();
  s.wait_indexed();
  BOOST_TEST_REQUIRE(eventually([&] { return request(address).at("sent_amount") == json::value("0.00400000"); }));
  BOOST_TEST(request(address).at("status") == json::value("Pending"));
  s.node.send_to_address(legacy_address(scripts[0]), 600'000).value();
  s.wait_indexed();
  BOOST_TEST_REQUIRE(eventually([&] { return request(address).at("status") == json::value("Unconfirmed"); }));
  BOOST_TEST(request(address).at("sent_amount") == json::value("0.01000000"));
  BOOST_TEST(request(address).at("tx_hashes").as_array().size() == 2u);
  BOOST_TEST(request(address).at("confirmations") == json::value(0));
  s.mine();
  BOOST_TEST_REQUIRE(eventually([&] { return request(address).at("status") == json::value("Paid"); }));
  BOOST_TEST_REQUIRE(eventually([&] { return request(address).at("confirmations") == json::value(1); }));
  // The same request by its other names: legacy, and CashAddr with its prefix (get_request).
  BOOST_TEST(request(legacy_address(scripts[0])).at("id") == made.at("id"));
  BOOST_TEST(s.wallet("get_request", seed, {{"key", "bchreg:" + address}}).at("id") == made.at("id"));
  BOOST_TEST_REQUIRE(eventually([&] { return request(brief_address).at("status") == json::value("Expired"); }));

  // new_payment: Bitcart's BCH payload, an integer status, once per change.
  std::vector<std::pair<std::string, std::int64_t>> payments;
  json::object paid_event;
  const std::vector<std::pair<std::string, std::int64_t>> expected{{address, 7}, {address, 3}, {brief_address, 1}};
  BOOST_TEST_REQUIRE(eventually([&] {
    const json::value updates = s.wallet("get_updates", seed);
    for (const auto& e : updates.as_array())
      if (e.at("event") == json::value("new_payment")) {
        payments.emplace_back(std::string(e.at("address").as_string()), e.at("status").as_int64());
        if (e.at("status") == json::value(3)) paid_event = e.as_object();
      }
    return payments.size() >= expected.size();
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // and nothing more
  const json::value later = s.wallet("get_updates", seed);
  for (const auto& e : later.as_array()) BOOST_TEST(e.at("event") != json::value("new_payment"));
  // (the expiry timer may fire before the payments are seen)
  std::ranges::stable_sort(payments, {}, [&](const auto& p) { return p.first == brief_address; });
  BOOST_TEST((payments == expected));
  BOOST_TEST(paid_event.at("status_str") == json::value("Paid"));
  BOOST_TEST(paid_event.at("sent_amount") == json::value("0.01000000"));
  BOOST_TEST(paid_event.at("tx_hashes").as_array().size() == 2u);

  auto addresses = [&](json::object filter) {
    std::vector<std::string> out;
    const json::value list = s.wallet("listrequests", seed, std::move(filter));
    for (const auto& r : list.as_array()) out.emplace_back(r.at("address").as_string());
    return out;
  };
  BOOST_TEST((addresses({}) == std::vector<std::string>{address, brief_address}));
  BOOST_TEST((addresses({{"paid", true}}) == std::vector<std::string>{address}));
  BOOST_TEST((addresses({{"expired", true}}) == std::vector<std::string>{brief_address}));
  BOOST_TEST(addresses({{"pending", true}}).empty());

  // A restart keeps them, as they were.
  const json::value before = s.wallet("listrequests", seed);
  s.restart_daemon();
  BOOST_TEST_REQUIRE(eventually([&] { return s.try_wallet("listrequests", seed) == before; }));

  // An expired request still holds its address (Electron Cash's get_unused_addresses).
  BOOST_TEST(s.wallet("addrequest", seed, {{"amount", "0.1"}}).at("address") == json::value(ui_address(scripts[2])));
  BOOST_TEST(s.wallet("rmrequest", seed, {{"address", brief_address}}) == json::value(true));
  BOOST_TEST(error_of(s, "getrequest", json::object{{"key", brief_address}, {"xpub", seed}}) ==
             json::parse(R"({"code": -32003, "message": "BaseException: Request not found"})"));
  BOOST_TEST(s.wallet("clearrequests", seed) == json::value(nullptr));
  BOOST_TEST(s.wallet("listrequests", seed).as_array().empty());
}

// Bad input, each refused with a clear error and nothing spent: addresses of another form or
// network, a wrong CashAddr checksum (-32004, spec/bch.json), segwit keys and seeds (Bitcoin Cash
// has no segwit), and Electrum 4's methods that Electron Cash does not have.
BOOST_AUTO_TEST_CASE(bad_input_is_refused_and_spends_nothing) {
  BchStack s;
  const std::string seed(s.result("make_electrum_seed").as_string());
  const auto scripts = wallet_scripts<BchPolicy>(seed, 20, 20);
  fund_wallet(s, seed, scripts, {50'000'000}, "0.5");
  const std::string cash = address_of<BchPolicy>(scripts[5]);
  std::string bad_checksum = cash;
  bad_checksum.back() = bad_checksum.back() == 'q' ? 'p' : 'q';
  const std::string btc_address = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";

  BOOST_TEST(s.result("validateaddress", json::array{json::string(cash)}) == json::value(true));
  BOOST_TEST(s.result("validateaddress", json::array{json::string(legacy_address(scripts[5]))}) == json::value(true));
  BOOST_TEST(s.result("validateaddress", json::array{json::string(bad_checksum)}) == json::value(false));
  BOOST_TEST(s.result("validateaddress", json::array{json::string(btc_address)}) == json::value(false));
  BOOST_TEST(s.result("addressconvert", json::array{json::string(legacy_address(scripts[5]))}) ==
             (json::object{{"cashaddr", cash}, {"legacy", legacy_address(scripts[5])}}));
  BOOST_TEST(s.result("addressconvert", json::array{json::string(ui_address(scripts[5]))}) ==
             (json::object{{"cashaddr", cash}, {"legacy", legacy_address(scripts[5])}}));

  const json::object checksum =
      error_of(s, "payto", json::object{{"destination", bad_checksum}, {"amount", "0.1"}, {"xpub", seed}});
  BOOST_TEST(checksum.at("code") == json::value(-32004));
  BOOST_TEST(std::string(checksum.at("message").as_string()).find("invalid checksum in address") != std::string::npos);
  BOOST_TEST(error_of(s, "getrequest", json::object{{"key", bad_checksum}, {"xpub", seed}}).at("code") ==
             json::value(-32004));
  BOOST_TEST(error_of(s, "addressconvert", json::array{json::string(bad_checksum)}).at("code") == json::value(-32004));
  // A Bitcoin address is no address here (Electron Cash's "invalid characters", -32603 as in
  // Bitcart's BCH daemon).
  const json::object btc =
      error_of(s, "payto", json::object{{"destination", btc_address}, {"amount", "0.1"}, {"xpub", seed}});
  BOOST_TEST(btc.at("code") == json::value(-32603));
  BOOST_TEST(std::string(btc.at("message").as_string()).find("invalid address: " + btc_address) != std::string::npos);
  // And the reverse: a Bitcoin daemon refuses a CashAddr address (-32004 in spec/btc.json).
  BOOST_CHECK_EXCEPTION(daemon::address_argument(cash, *find_network<BtcPolicy>(NetworkId::regtest)), rpc::fault_error,
                        [](const rpc::fault_error& e) {
                          return std::string(e.what()).find("invalid bitcoin address") != std::string::npos;
                        });

  // Segwit keys and seeds: not wallets of Bitcoin Cash.
  const std::string segwit_seed = electrum_seed::make(ElectrumSeedType::segwit);
  const PrivateKey key = PrivateKey::generate();
  const std::string wif = encode_wif(key, bch_regtest().wif_prefix);
  for (const std::string& text : {segwit_seed, "p2wpkh:" + wif, "p2wpkh-p2sh:" + wif}) BOOST_TEST_CONTEXT(text) {
      const json::object e = error_of(s, "getbalance", json::object{{"xpub", text}});
      BOOST_TEST(e.at("code") == json::value(-32005));
      BOOST_TEST(std::string(e.at("message").as_string()).find("segwit") != std::string::npos);
    }
  BOOST_TEST(error_of(s, "getbalance", json::object{{"xpub", recorded_vpub}}).at("code") == json::value(-32005));
  BOOST_TEST(s.result("validatekey", json::array{json::string(segwit_seed)}) == json::value(false));
  BOOST_TEST(error_of(s, "sweep", json::object{{"privkey", "p2wpkh:" + wif}, {"destination", cash}}).at("message") ==
             json::value("Exception: segwit seeds and keys are not supported: this coin has no segwit"));
  BOOST_TEST(error_of(s, "make_electrum_seed", json::object{{"entropy", 7}}).at("code") == json::value(-32603));
  BOOST_TEST(std::string(error_of(s, "check_seed", json::array{json::string(seed)}).at("message").as_string())
                 .starts_with("NotImplementedError"));
  // Electrum 4's names are not Electron Cash's.
  for (const char* method : {"add_request", "list_requests", "onchain_history", "bumpfee", "get_tx_status"})
    BOOST_TEST(error_of(s, method, json::object{{"xpub", seed}}).at("code") == json::value(-32601), method);
  // Not enough funds, below dust: refused, nothing spent.
  BOOST_TEST(error_of(s, "payto", json::object{{"destination", cash}, {"amount", "2"}, {"xpub", seed}}).at("code") ==
             json::value(-32006));
  BOOST_TEST(error_of(s, "payto", json::object{{"destination", cash}, {"amount", "0.00000500"}, {"xpub", seed}})
                 .at("message")
                 .as_string()
                 .starts_with("Exception: the amount"));
  BOOST_TEST(s.wallet("getbalance", seed) == json::parse(R"({"confirmed": "0.5"})"));
  BOOST_TEST(s.node.mempool_entries().empty());
}

BOOST_AUTO_TEST_SUITE_END()
