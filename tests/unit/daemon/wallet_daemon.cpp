// Daemon<BtcPolicy> end to end on loopback: the regtest node, coinkit's Electrum server and the
// daemon; wallets paid by the node, their balances, coins and history held against what the test
// computes from the node's own blocks; reorgs; a server that is down at start; bad input. And
// Bitcart's recorded exchanges replayed (suite wire_examples). One file: each instance of the
// stack (server and daemon templates) costs two minutes of compiling.
#include "lying_proxy.hpp"
#include "wallet_scenario.hpp"

#include <support/electrum_reference.hpp>
#include <support/prometheus_text.hpp>

#include <coinkit/address/address.hpp>
#include <coinkit/keys/electrum_seed.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/random.hpp>
#include <coinkit/keys/wif.hpp>
#include <coinkit/wallet/address_chains.hpp>
#include <coinkit/wallet/coin_selection.hpp>
#include <coinkit/wallet/key_script.hpp>
#include <coinkit/wallet/restore.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

using namespace coinkit;
using namespace coinkit::test;

namespace {

// ---- Bitcart's recorded exchanges (shared/reference/bitcart-wire-examples.md) ----------------
struct Exchange {
  std::string title;
  json::value request;
  std::optional<json::value> reply;  // none: not JSON (the HTTP 500 page)
};

std::vector<Exchange> recorded_exchanges() {
  const auto path = std::filesystem::path(COINKIT_TEST_DATA_DIR) / ".." / "reference" / "bitcart-wire-examples.md";
  std::ifstream in(path);
  BOOST_TEST_REQUIRE(in.good(), "cannot read " << path);
  std::vector<Exchange> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("### ")) out.push_back({line.substr(4), nullptr, std::nullopt});
    if (out.empty()) continue;
    boost::system::error_code ec;
    if (line.starts_with("> {")) out.back().request = json::parse(line.substr(2), ec);
    if (line.starts_with("< {")) {
      auto v = json::parse(line.substr(2), ec);
      if (!ec) out.back().reply = std::move(v);
    }
  }
  return out;
}

// Same JSON kinds, recursively; objects with the same keys in the same order; arrays compared by
// their first elements; strings that are amounts written alike (digits, one point, an exponent).
bool same_shape(const json::value& a, const json::value& b, std::string& why, const std::string& at = "$") {
  auto fail = [&](const std::string& what) {
    why = at + ": " + what + " (" + json::serialize(a) + " vs " + json::serialize(b) + ")";
    return false;
  };
  if (a.is_number() && b.is_number()) return a.is_double() == b.is_double() || fail("number kinds differ");
  if (a.kind() != b.kind()) return fail("kinds differ");
  if (a.is_object()) {
    const auto &x = a.get_object(), &y = b.get_object();
    if (x.size() != y.size()) return fail("key counts differ");
    for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
      if (i->key() != j->key()) return fail("keys differ: " + std::string(i->key()) + " vs " + std::string(j->key()));
      if (!same_shape(i->value(), j->value(), why, at + "." + std::string(i->key()))) return false;
    }
  }
  if (a.is_array() && !a.get_array().empty() && !b.get_array().empty())
    return same_shape(a.get_array()[0], b.get_array()[0], why, at + "[0]");
  if (a.is_string()) {
    auto amount_like = [](std::string_view s) {
      return !s.empty() && s.find_first_not_of("0123456789.-E") == std::string_view::npos &&
             s.find_first_of("0123456789") != std::string_view::npos;
    };
    if (amount_like(a.get_string()) != amount_like(b.get_string())) return fail("one is an amount, one is not");
  }
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wallet_daemon)

BOOST_AUTO_TEST_CASE(a_btc_wallet_is_paid_confirmed_and_reorged_as_the_node_says) {
  WalletStack<> s;
  // First load: Bitcart's recorded answers for this key.
  BOOST_TEST(s.wallet("getbalance", recorded_vpub) == json::parse(R"({"confirmed": "0"})"));
  BOOST_TEST(s.wallet("getunusedaddress", recorded_vpub) ==
             json::value("bcrt1q40rrgjq3wnss5zcn68njnrawtjmqggr9pfhkx6"));
  BOOST_TEST(s.wallet("getmpk", recorded_vpub) == json::value(recorded_vpub));
  a_wallet_lives_through_payments_and_reorgs(s, recorded_vpub);
}

// Every kind of key text restore_wallet_from_text reads, on regtest: Electrum seeds (standard,
// segwit, old), an old master public key, master keys public and private of three script types,
// a list of private keys with Electrum's type prefixes, and a list of addresses (one of them also
// in the key list: two wallets share it). Each is paid on two of its addresses, one payment mined
// and one left in the mempool; getbalance and listunspent are what the node's blocks say.
BOOST_AUTO_TEST_CASE(wallets_of_every_key_kind_are_paid) {
  WalletStack<> s;
  const Network& net = *find_network<BtcPolicy>(NetworkId::regtest);
  std::array<std::uint8_t, 32> seed;
  secure_random(seed);
  const ExtPrivKey master = ExtPrivKey::from_seed(seed);
  const PrivateKey a = PrivateKey::generate(), b = PrivateKey::generate(), c = PrivateKey::generate(false);
  auto address = [&](TxinType type, const PrivateKey& k) {
    return to_address(wallet::key_script(type, k.public_key()).value(), net.address).value();
  };
  const PrivateKey old_master = electrum_seed::try_old_master_private_key("00112233445566778899aabbccddeeff").value();
  const auto old_mpk = old_master.public_key().uncompressed_bytes();
  const std::vector<std::string> texts = {
      electrum_seed::make(ElectrumSeedType::standard),
      electrum_seed::make(ElectrumSeedType::segwit),
      "powerful random nobody notice nothing important anyway look away hidden message over",
      to_hex(ByteSpan(old_mpk).subspan(1)),
      master.neuter().to_base58(net.ext_key_versions, TxinType::p2pkh).value(),
      master.neuter().to_base58(net.ext_key_versions, TxinType::p2wpkh_p2sh).value(),
      master.to_base58(net.ext_key_versions, TxinType::p2wpkh).value(),
      "p2wpkh:" + encode_wif(a, net.wif_prefix) + " p2wpkh-p2sh:" + encode_wif(b, net.wif_prefix) + " " +
          encode_wif(c, net.wif_prefix),
      address(TxinType::p2wpkh, a) + " " + address(TxinType::p2pkh, b),
  };
  // Each wallet's scripts, from its text (restore_keystore is held against Electrum in unit-wallet).
  std::vector<std::vector<Bytes>> scripts;
  for (const auto& text : texts) {
    const wallet::Keystore keys = wallet::restore_keystore(text, net).value();
    const wallet::AddressChains chains(keys, net);
    auto& list = scripts.emplace_back();
    for (const auto& w : chains.receiving()) list.emplace_back(w.script().begin(), w.script().end());
    if (wallet::is_deterministic(keys))
      for (const auto& w : chains.change()) list.emplace_back(w.script().begin(), w.script().end());
    BOOST_TEST(s.wallet("getbalance", text) == json::parse(R"({"confirmed": "0"})"), text);
  }
  auto pay = [&](std::size_t address_index, std::int64_t base) {
    for (std::size_t i = 0; i < texts.size(); ++i)
      s.node.send_to_address(address_of(scripts[i][address_index]), base + static_cast<std::int64_t>(i) * 1000).value();
  };
  pay(0, 10'000'000);
  s.mine();
  pay(1, 2'000'000);
  s.wait_indexed();
  for (std::size_t i = 0; i < texts.size(); ++i) BOOST_TEST_CONTEXT(texts[i]) {
      BOOST_TEST_REQUIRE(eventually([&] {
        const auto expected = expected_coins(s.node, scripts[i]);
        return s.try_wallet("getbalance", texts[i]) == json::value(expected_balance(expected)) &&
               same(unspent_of(s.try_wallet("listunspent", texts[i])), expected);
      }));
    }
}

// The LTC daemon on LTC regtest (its own genesis, rltc addresses, scrypt headers under SPV),
// with a wallet from a seed of its own make_seed.
BOOST_AUTO_TEST_CASE(an_ltc_wallet_passes_the_same_suite) {
  WalletStack<LtcPolicy> s;
  const std::string seed(s.result("make_seed", json::array()).as_string());
  BOOST_TEST(s.result("validatekey", json::array{json::string(seed)}) == json::value(true));
  const std::string first(s.wallet("getunusedaddress", seed).as_string());
  BOOST_TEST(first.starts_with("rltc1q"));
  a_wallet_lives_through_payments_and_reorgs(s, seed);
  // Electrum-LTC's URIs and signed messages: "litecoin:", and its fork's magic, held against
  // Electrum 4.3.4's sign_message with that magic.
  const json::value request = s.wallet("add_request", seed, {{"amount", "0.5"}, {"memo", "ltc"}});
  BOOST_TEST(std::string(request.at("URI").as_string())
                 .starts_with("litecoin:" + std::string(request.at("address").as_string())));
  const std::string key(s.wallet("getprivatekeys", seed, {{"address", first}}).as_string());
  const Network& net = *find_network<LtcPolicy>(NetworkId::regtest);
  const PrivateKey secret = decode_electrum_wif(key.substr(key.find(':') + 1), net.wif_prefix).value().key;
  const json::value sig = s.wallet("signmessage", seed, {{"address", first}, {"message", "invoice 7"}});
  const json::array electrum =
      electrum_reference("electrum_message.py",
                         json::array{json::object{{"sign", json::object{{"secret", to_hex(secret.bytes())},
                                                                        {"compressed", true},
                                                                        {"message", "invoice 7"},
                                                                        {"magic", "Litecoin Signed Message:\n"}}}}});
  BOOST_TEST(sig == electrum[0].at("signature"));
  BOOST_TEST(s.result("verifymessage", json::array{json::string(first), sig, "invoice 7"}) == json::value(true));
}

// The same connection over TLS (COIN_SERVER=host:port:s) to a server with a self-signed
// certificate.
BOOST_AUTO_TEST_CASE(a_tls_server_is_followed) {
  WalletStack<> s(true, free_port(), 0, /*tls=*/true);
  const auto scripts = wallet_scripts(recorded_vpub);
  BOOST_TEST(s.wallet("getbalance", recorded_vpub) == json::parse(R"({"confirmed": "0"})"));
  const Txid paid = s.node.send_to_address(address_of(scripts[5]), 12'345'678).value();
  s.mine();
  BOOST_TEST_REQUIRE(eventually([&] {
    return s.try_wallet("get_tx_status", recorded_vpub, {{"txid", paid.to_hex()}}) ==
           json::parse(R"({"confirmations": 1})");
  }));
  BOOST_TEST(s.wallet("getbalance", recorded_vpub) == json::parse(R"({"confirmed": "0.12345678"})"));
}

BOOST_AUTO_TEST_CASE(a_server_down_at_start_is_waited_for_within_a_bound) {
  WalletStack<> s(/*start_server=*/false);
  s.daemon->sync_timeout = std::chrono::milliseconds(300);
  const json::value reply = s.call("getbalance", json::object{{"xpub", recorded_vpub}});
  BOOST_TEST_REQUIRE(reply.as_object().contains("error"));
  BOOST_TEST(std::string(reply.at("error").at("message").as_string()).find("not synchronized") != std::string::npos);
  // Key-only methods answer without the server.
  BOOST_TEST(s.wallet("getmpk", recorded_vpub) == json::value(recorded_vpub));
  BOOST_TEST(s.result("validatekey", json::array{json::string(recorded_vpub)}) == json::value(true));

  const auto scripts = wallet_scripts(recorded_vpub);
  s.node.send_to_address(address_of(scripts[0]), 70'000'000).value();
  s.node.generate(1);
  s.start_electrum();
  s.wait_indexed();
  s.daemon->sync_timeout = std::chrono::seconds(20);
  BOOST_TEST_REQUIRE(
      eventually([&] { return s.try_wallet("getbalance", recorded_vpub) == json::parse(R"({"confirmed": "0.7"})"); }));

  // Gone and back: the daemon reconnects and catches up with what happened meanwhile.
  s.stop_electrum();
  s.node.send_to_address(address_of(scripts[1]), 30'000'000).value();
  s.node.generate(1);
  s.start_electrum();
  s.wait_indexed();
  BOOST_TEST_REQUIRE(
      eventually([&] { return s.try_wallet("getbalance", recorded_vpub) == json::parse(R"({"confirmed": "1"})"); }));
}

// A payment request's life: made on the first unused address, paid in two parts (unpaid, with
// sent_amount adding up, until the sum is reached), in the mempool (unconfirmed), mined (paid,
// confirmations counting); another left to expire. Each status change is announced once, as
// Bitcart's new_payment. (Ids, URIs and status words are held against Electrum in unit-wallet.)
BOOST_AUTO_TEST_CASE(a_payment_request_is_paid_in_two_parts_and_another_expires) {
  WalletStack<> s;
  const std::string xpub = recorded_vpub;
  const auto scripts = wallet_scripts(xpub);
  BOOST_TEST(s.wallet("getbalance", xpub) == json::parse(R"({"confirmed": "0"})"));
  const json::value made = s.wallet("add_request", xpub, {{"amount", "0.01"}, {"memo", "order 42"}});
  const std::string id(made.at("request_id").as_string()), address(made.at("address").as_string());
  BOOST_TEST(address == address_of(scripts[0]));
  const auto time = made.at("timestamp").as_int64();
  BOOST_TEST(made.at("expiration") == json::value(time + 3600));
  BOOST_TEST(made.at("URI") == json::value("bitcoin:" + address + "?amount=0.01&message=order%2042&time=" +
                                           std::to_string(time) + "&exp=3600"));
  BOOST_TEST(made.at("status") == json::value(0));
  BOOST_TEST(made.at("amount_BTC") == json::value("0.01"));
  // The next request takes the next address, and getunusedaddress the one after.
  const json::value brief = s.wallet("add_request", xpub, {{"amount", 0.5}, {"expiration", 2}});
  const std::string brief_id(brief.at("request_id").as_string());
  BOOST_TEST(brief.at("address") == json::value(address_of(scripts[1])));
  BOOST_TEST(s.wallet("getunusedaddress", xpub) == json::value(address_of(scripts[2])));

  auto request = [&](const std::string& rid) { return s.try_wallet("get_request", xpub, {{"request_id", rid}}); };
  s.node.send_to_address(address, 400'000).value();
  s.wait_indexed();
  BOOST_TEST_REQUIRE(eventually([&] { return request(id).at("sent_amount") == json::value("0.004"); }));
  BOOST_TEST(request(id).at("status") == json::value(0));
  s.node.send_to_address(address, 600'000).value();
  s.wait_indexed();
  BOOST_TEST_REQUIRE(eventually([&] { return request(id).at("status") == json::value(7); }));
  BOOST_TEST(request(id).at("sent_amount") == json::value("0.01"));
  BOOST_TEST(request(id).at("tx_hashes").as_array().size() == 2u);
  s.mine();
  BOOST_TEST_REQUIRE(eventually([&] { return request(id).at("status") == json::value(3); }));
  BOOST_TEST(request(id).at("status_str") == json::value("Paid"));
  BOOST_TEST_REQUIRE(eventually([&] { return request(id).at("confirmations") == json::value(1); }));
  s.mine();
  BOOST_TEST_REQUIRE(eventually([&] { return request(id).at("confirmations") == json::value(2); }));
  BOOST_TEST_REQUIRE(eventually([&] { return request(brief_id).at("status") == json::value(1); }));
  BOOST_TEST(request(brief_id).at("status_str") == json::value("Expired"));

  // Announced once per change: the paid one unconfirmed then paid, the other expired (its
  // timer fires just past the expiration).
  std::vector<std::pair<std::string, std::int64_t>> payments;
  const std::vector<std::pair<std::string, std::int64_t>> expected{{id, 7}, {id, 3}, {brief_id, 1}};
  BOOST_TEST_REQUIRE(eventually([&] {
    const json::value updates = s.wallet("get_updates", xpub);
    for (const auto& e : updates.as_array())
      if (e.at("event") == json::value("new_payment"))
        payments.emplace_back(std::string(e.at("address").as_string()), e.at("status").as_int64());
    return payments.size() >= expected.size();
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // and nothing more
  const json::value later = s.wallet("get_updates", xpub);
  for (const auto& e : later.as_array()) BOOST_TEST(e.at("event") != json::value("new_payment"));
  BOOST_TEST((payments == expected));

  // The daemon's /metrics count the same: one wallet, its two requests, three announcements.
  const auto metrics = coinkit::test::parse_prometheus(s.http->get("/metrics", auth()).body());
  BOOST_TEST_REQUIRE(metrics.valid(), metrics.error);
  BOOST_TEST(*metrics.value("coinkit_daemon_wallets") == 1);
  BOOST_TEST(*metrics.value("coinkit_daemon_payment_requests") == 2);
  BOOST_TEST(*metrics.value("coinkit_daemon_wallet_addresses") >= 30);  // Electrum's gap limits: 20 and 10
  BOOST_TEST(*metrics.value("coinkit_daemon_events_total", {{"event", "new_payment"}}) == 3);
  BOOST_TEST(*metrics.value("coinkit_daemon_calls_total", {{"method", "add_request"}}) == 2);
  BOOST_TEST(*metrics.value("coinkit_daemon_server_connected") == 1);
  BOOST_TEST(*metrics.value("coinkit_daemon_chain_height") >= 103);

  auto ids = [&](json::object filter) {
    std::vector<std::string> out;
    const json::value list = s.wallet("list_requests", xpub, std::move(filter));
    for (const auto& r : list.as_array()) out.emplace_back(r.at("request_id").as_string());
    return out;
  };
  BOOST_TEST((ids({}) == std::vector<std::string>{id, brief_id}));
  BOOST_TEST((ids({{"paid", true}}) == std::vector<std::string>{id}));
  BOOST_TEST((ids({{"expired", true}}) == std::vector<std::string>{brief_id}));
  BOOST_TEST(ids({{"pending", true}}).empty());
  // The expired request's address is free again (Electrum's get_unused_address).
  BOOST_TEST(s.wallet("getunusedaddress", xpub) == json::value(address_of(scripts[1])));
  BOOST_TEST(s.wallet("delete_request", xpub, {{"request_id", brief_id}}) == json::value(true));
  const json::value gone = s.call("get_request", json::array{json::string(brief_id), json::object{{"xpub", xpub}}});
  BOOST_TEST(gone.at("error") == json::parse(R"({"code": -32003, "message": "Exception: Request not found"})"));
  BOOST_TEST(s.wallet("clear_requests", xpub) == json::value(true));
  BOOST_TEST(s.wallet("list_requests", xpub).as_array().empty());
}

// Requests are on disk with their wallet: a restarted daemon lists them in the same order with
// the same fields, announces once what was paid while it was down (and nothing else), follows
// payments as before, and expires on time a request made before the restart.
BOOST_AUTO_TEST_CASE(payment_requests_survive_a_restart) {
  WalletStack<> s;
  const std::string xpub = recorded_vpub;
  auto make = [&](json::object params) { return s.wallet("add_request", xpub, std::move(params)).as_object(); };
  const json::object partly = make({{"amount", "0.01"}, {"memo", "partly paid"}});
  const json::object idle = make({{"amount", 0}, {"memo", "any amount"}, {"expiration", 0}});
  const json::object offline = make({{"amount", "0.002"}});
  // Expires after the restart (which takes about a second): only the restored timer can say so.
  const json::object brief = make({{"amount", "0.02"}, {"expiration", 6}});
  auto id_of = [](const json::object& r) { return std::string(r.at("request_id").as_string()); };
  auto address_of_request = [](const json::object& r) { return std::string(r.at("address").as_string()); };
  s.node.send_to_address(address_of_request(partly), 400'000).value();
  s.wait_indexed();
  BOOST_TEST_REQUIRE(eventually([&] {
    return s.try_wallet("get_request", xpub, {{"request_id", id_of(partly)}}).at("sent_amount") == json::value("0.004");
  }));
  (void)s.wallet("get_updates", xpub);  // what came before the restart

  auto ids = [&] {
    std::vector<std::string> out;
    const json::value list = s.wallet("list_requests", xpub);
    for (const auto& r : list.as_array()) out.emplace_back(r.at("request_id").as_string());
    return out;
  };
  const std::vector<std::string> before = ids();
  BOOST_TEST((before == std::vector<std::string>{id_of(partly), id_of(idle), id_of(offline), id_of(brief)}));

  // Paid in full while the daemon is down.
  s.restart_daemon([&] {
    s.node.send_to_address(address_of_request(offline), 200'000).value();
    s.wait_indexed();
  });
  BOOST_TEST((ids() == before));
  const json::value again = s.wallet("get_request", xpub, {{"request_id", id_of(partly)}});
  for (const char* key : {"amount_BTC", "amount_sat", "message", "timestamp", "expiration", "address", "URI", "status"})
    BOOST_TEST(again.at(key) == partly.at(key), key);
  BOOST_TEST(again.at("sent_amount") == json::value("0.004"));
  BOOST_TEST(s.wallet("get_request", xpub, {{"request_id", id_of(idle)}}).at("URI") == idle.at("URI"));
  // An address with an open request is still taken.
  const json::value unused = s.wallet("getunusedaddress", xpub);
  for (const auto* r : {&partly, &idle, &offline, &brief}) BOOST_TEST(unused != r->at("address"));

  // After the restart: the rest of the partial payment, and the brief request's expiry.
  s.node.send_to_address(address_of_request(partly), 600'000).value();
  s.wait_indexed();
  std::vector<std::pair<std::string, std::int64_t>> payments;
  const std::vector<std::pair<std::string, std::int64_t>> expected{
      {id_of(offline), 7}, {id_of(partly), 7}, {id_of(brief), 1}};
  BOOST_TEST_REQUIRE(eventually(
      [&] {
        return s.try_wallet("get_request", xpub, {{"request_id", id_of(brief)}}).at("status") == json::value(1);
      },
      std::chrono::seconds(15)));
  BOOST_TEST_REQUIRE(eventually([&] {
    const json::value updates = s.wallet("get_updates", xpub);
    for (const auto& e : updates.as_array())
      if (e.at("event") == json::value("new_payment"))
        payments.emplace_back(std::string(e.at("address").as_string()), e.at("status").as_int64());
    return payments.size() >= expected.size();
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const json::value later = s.wallet("get_updates", xpub);
  for (const auto& e : later.as_array()) BOOST_TEST(e.at("event") != json::value("new_payment"));
  std::ranges::sort(payments);  // the expiry's moment against the payment's is the clock's
  auto sorted = expected;
  std::ranges::sort(sorted);
  BOOST_TEST((payments == sorted));

  // A deletion is on disk too.
  BOOST_TEST(s.wallet("delete_request", xpub, {{"request_id", id_of(idle)}}) == json::value(true));
  s.restart_daemon();
  BOOST_TEST((ids() == std::vector<std::string>{id_of(partly), id_of(offline), id_of(brief)}));
  BOOST_TEST(s.wallet("clear_requests", xpub) == json::value(true));
  s.restart_daemon();
  BOOST_TEST(ids().empty());
}

// get_invoice is get_request without sent_amount; modifypaymenturl sets a URI's amount.
BOOST_AUTO_TEST_CASE(get_invoice_and_modifypaymenturl) {
  WalletStack<> s;
  const std::string xpub = recorded_vpub;
  json::object made = s.wallet("add_request", xpub, {{"amount", "0.01"}}).as_object();
  const json::value invoice = s.wallet("get_invoice", xpub, {{"key", made.at("request_id")}});
  made.erase("status_str");  // "Expires in ..." may have moved on by a second
  json::object shown = invoice.as_object();
  shown.erase("status_str");
  BOOST_TEST(json::value(shown) == json::value(made));
  const json::value missing = s.call("get_invoice", json::array{"0000000000", json::object{{"xpub", xpub}}});
  BOOST_TEST(missing.at("error") == json::parse(R"({"code": -32012, "message": "Exception: Invoice not found"})"));
  const std::string uri(made.at("URI").as_string());
  const json::value changed = s.result("modifypaymenturl", json::array{uri, "0.5"});
  BOOST_TEST(
      changed.as_string().starts_with("bitcoin:" + std::string(made.at("address").as_string()) + "?amount=0.5&"));
  BOOST_TEST(s.result("modifypaymenturl", json::array{uri, 0}) == json::value(uri));
  const json::value bad = s.call("modifypaymenturl", json::array{uri, "abc"});
  BOOST_TEST(bad.at("error").at("code") == json::value(-32603));
}

// Payouts from wallets of every spend type coinkit signs: p2wpkh and p2pkh seeds, an old
// (uncompressed) seed, a p2wpkh-p2sh master key and imported keys of the three types. Each pays
// out twice in a row (the second must not spend the first's coins again), both accepted by the
// node's mempool (which checks every script) and mined, then spends everything; the receivers
// get exactly what was sent and the wallet's coins are what the node's blocks say.
BOOST_AUTO_TEST_CASE(payouts_of_every_spend_type_are_accepted_and_mined) {
  WalletStack<> s;
  const Network& net = *find_network<BtcPolicy>(NetworkId::regtest);
  std::array<std::uint8_t, 32> seed;
  secure_random(seed);
  const ExtPrivKey master = ExtPrivKey::from_seed(seed);
  const PrivateKey a = PrivateKey::generate(), b = PrivateKey::generate(), c = PrivateKey::generate(false);
  const std::vector<std::string> texts = {
      electrum_seed::make(ElectrumSeedType::segwit),
      electrum_seed::make(ElectrumSeedType::standard),
      "powerful random nobody notice nothing important anyway look away hidden message over",
      master.to_base58(net.ext_key_versions, TxinType::p2wpkh_p2sh).value(),
      "p2wpkh:" + encode_wif(a, net.wif_prefix) + " p2wpkh-p2sh:" + encode_wif(b, net.wif_prefix) + " " +
          encode_wif(c, net.wif_prefix),
  };
  auto received = [&](const std::string& address) {
    return s.result("getaddressbalance", json::array{json::string(address)}).at("confirmed");
  };
  auto scripts_of = [&](const std::string& text) {  // receiving, then change (imported keys have one list)
    const wallet::Keystore keys = wallet::restore_keystore(text, net).value();
    const wallet::AddressChains chains(keys, net);
    std::vector<Bytes> out;
    for (const auto& w : chains.receiving()) out.emplace_back(w.script().begin(), w.script().end());
    if (wallet::is_deterministic(keys))
      for (const auto& w : chains.change()) out.emplace_back(w.script().begin(), w.script().end());
    return out;
  };
  for (const auto& text : texts) BOOST_TEST_CONTEXT(text) {
      const auto scripts = scripts_of(text);
      const std::size_t spread = std::min<std::size_t>(scripts.size(), 3);  // the imported list has 3 addresses
      for (std::size_t i = 0; i < spread; ++i) s.node.send_to_address(address_of(scripts[i]), 50'000'000).value();
      s.mine();
      BOOST_TEST_REQUIRE(eventually([&] {
        return s.try_wallet("getbalance", text) == json::value(expected_balance(expected_coins(s.node, scripts)));
      }));
      const std::string to1 = fresh_address(), to2 = fresh_address(), to3 = fresh_address();
      const json::value first = s.wallet("payto", text, {{"destination", to1}, {"amount", "0.3"}});
      const json::value txid1 = s.wallet("broadcast", text, {{"tx", first}});
      const json::value second = s.wallet(
          "paytomany", text,
          {{"outputs", json::array{json::array{json::string(to2), "0.1"}, json::array{json::string(to3), 0.05}}},
           {"feerate", 2}});
      const json::value txid2 = s.wallet("broadcast", text, {{"tx", second}});
      BOOST_TEST(txid1.as_string().size() == 64u);
      std::set<std::string> in_mempool;
      for (const auto& e : s.node.mempool_entries()) in_mempool.insert(e.txid.to_hex());
      BOOST_TEST(in_mempool.count(std::string(txid1.as_string())) == 1u);
      BOOST_TEST(in_mempool.count(std::string(txid2.as_string())) == 1u);
      const Transaction tx2 = Transaction::parse(from_hex(second.as_string()));
      for (const TxIn& in : tx2.inputs()) BOOST_TEST(in.sequence == 0xfffffffdu);  // RBF, as Electrum
      BOOST_TEST(tx2.lock_time() == static_cast<std::uint32_t>(s.node.height()));
      s.mine();
      BOOST_TEST(received(to1) == json::value("0.3"));
      BOOST_TEST(received(to2) == json::value("0.1"));
      BOOST_TEST(received(to3) == json::value("0.05"));
      BOOST_TEST_REQUIRE(eventually([&] {
        const auto expected = expected_coins(s.node, scripts);
        return s.try_wallet("getbalance", text) == json::value(expected_balance(expected)) &&
               same(unspent_of(s.try_wallet("listunspent", text)), expected);
      }));
      // Everything that is left, to one address.
      const std::string to_all = fresh_address();
      const json::value all = s.wallet("payto", text, {{"destination", to_all}, {"amount", "!"}, {"feerate", 1}});
      (void)s.wallet("broadcast", text, {{"tx", all}});
      s.mine();
      BOOST_TEST_REQUIRE(
          eventually([&] { return s.try_wallet("getbalance", text) == json::parse(R"({"confirmed": "0"})"); }));
      BOOST_TEST(expected_coins(s.node, scripts).empty());
      BOOST_TEST(received(to_all) != json::value("0"));
    }
}

// PSBTs both ways with Debian's Electrum 4.3.4 (tests/reference/electrum_psbt.py): an unsigned
// payto of coinkit's is signed by Electrum's wallet of the same keys, and coinkit's own
// signtransaction of it gives the same transaction byte for byte (both sign with low R,
// deterministically); a PSBT that Electrum's watching-only wallet makes is signed by coinkit's
// daemon. Every result is accepted by the node and mined.
BOOST_AUTO_TEST_CASE(psbts_go_both_ways_with_electrum) {
  WalletStack<> s;
  const Network& net = *find_network<BtcPolicy>(NetworkId::regtest);
  std::array<std::uint8_t, 32> seed;
  secure_random(seed);
  const std::vector<std::string> texts = {
      electrum_seed::make(ElectrumSeedType::segwit),
      electrum_seed::make(ElectrumSeedType::standard),
      ExtPrivKey::from_seed(seed).to_base58(net.ext_key_versions, TxinType::p2wpkh_p2sh).value(),
  };
  auto received = [&](const std::string& address) {
    return s.result("getaddressbalance", json::array{json::string(address)}).at("confirmed");
  };
  for (const auto& text : texts) BOOST_TEST_CONTEXT(text) {
      const auto scripts = wallet_scripts(text);
      s.node.send_to_address(address_of(scripts[0]), 50'000'000).value();
      const Txid funding = s.node.send_to_address(address_of(scripts[1]), 40'000'000).value();
      s.mine();
      BOOST_TEST_REQUIRE(
          eventually([&] { return s.try_wallet("getbalance", text) == json::parse(R"({"confirmed": "0.9"})"); }));

      // coinkit makes, Electrum signs.
      const std::string to1 = fresh_address();
      const json::value psbt =
          s.wallet("payto", text, {{"destination", to1}, {"amount", "0.2"}, {"feerate", 2}, {"unsigned", true}});
      BOOST_TEST_REQUIRE(psbt.as_string().starts_with("cHNidP"));
      const json::array by_electrum = electrum_reference(
          "electrum_psbt.py",
          json::array{json::object{{"op", "sign"}, {"network", "regtest"}, {"text", text}, {"psbt", psbt}}});
      BOOST_TEST_REQUIRE(by_electrum[0].at("complete") == json::value(true));
      BOOST_TEST(s.wallet("signtransaction", text, {{"tx", psbt}}) == by_electrum[0].at("tx"));
      (void)s.wallet("broadcast", text, {{"tx", by_electrum[0].at("tx")}});
      s.mine();
      BOOST_TEST(received(to1) == json::value("0.2"));

      // Electrum's watching-only wallet makes, coinkit signs: the coin of `funding`.
      const Transaction prev = Transaction::parse(
          from_hex(s.result("gettransaction", json::array{json::string(funding.to_hex())}).as_string()));
      std::uint32_t vout = 0;
      while (prev.outputs()[vout].script_pubkey != scripts[1]) ++vout;
      const std::string to2 = fresh_address();
      const json::array made =
          electrum_reference("electrum_psbt.py",
                             json::array{json::object{
                                 {"op", "make"},
                                 {"network", "regtest"},
                                 {"text", s.wallet("getmpk", text)},
                                 {"coins", json::array{json::object{{"tx", to_hex(prev.serialize())}, {"vout", vout}}}},
                                 {"outputs", json::array{json::object{{"address", to2}, {"value", 10'000'000}}}},
                                 {"fee", 2'000}}});
      const json::value hex = s.wallet("signtransaction", text, {{"tx", made[0].at("psbt")}});
      // deserialize answers as Electrum's to_json, for both PSBTs and a network transaction.
      json::array shown;
      for (const json::value& tx : {psbt, made[0].at("psbt"), hex})
        shown.push_back(json::object{{"op", "deserialize"}, {"network", "regtest"}, {"tx", tx}});
      const json::array electrum_json = electrum_reference("electrum_psbt.py", shown);
      for (std::size_t i = 0; i < shown.size(); ++i)
        BOOST_TEST(s.result("deserialize", json::array{shown[i].at("tx")}) == electrum_json[i].at("json"),
                   json::serialize(s.result("deserialize", json::array{shown[i].at("tx")}))
                       << "\n"
                       << json::serialize(electrum_json[i].at("json")));
      const Transaction signed_tx = Transaction::parse(from_hex(hex.as_string()));
      BOOST_TEST(signed_tx.inputs().size() == 1u);
      (void)s.wallet("broadcast", text, {{"tx", hex}});
      s.mine();
      BOOST_TEST(received(to2) == json::value("0.1"));
    }
}

// A PSBT that cannot be signed here says why, and signs nothing: not a PSBT, a watching-only
// wallet, a PSBT of someone else's coins (returned unsigned), an unsigned payto added to the wallet.
BOOST_AUTO_TEST_CASE(psbts_refused_with_clear_errors) {
  WalletStack<> s;
  const std::string text = electrum_seed::make(ElectrumSeedType::segwit);
  const auto scripts = wallet_scripts(text);
  fund_wallet(s, text, scripts, {50'000'000}, "0.5");
  auto error_of = [&](const std::string& method, const std::string& xpub, json::object params) {
    return std::string(s.wallet_error(method, xpub, std::move(params)).at("message").as_string());
  };
  const json::value psbt =
      s.wallet("payto", text, {{"destination", fresh_address()}, {"amount", "0.1"}, {"unsigned", true}});
  BOOST_TEST(error_of("signtransaction", text, {{"tx", "cHNidP8BAAAA"}}).find("SerializationError") !=
             std::string::npos);
  const std::string watching = std::string(s.wallet("getmpk", text).as_string());
  BOOST_TEST(error_of("signtransaction", watching, {{"tx", psbt}}) == "Exception: This is a watching-only wallet");
  // A watching-only wallet makes the PSBT all the same: that is what it is for.
  BOOST_TEST(s.wallet("payto", watching, {{"destination", fresh_address()}, {"amount", "0.1"}, {"unsigned", true}})
                 .as_string()
                 .starts_with("cHNidP"));
  const std::string other = electrum_seed::make(ElectrumSeedType::segwit);
  BOOST_TEST(s.wallet("signtransaction", other, {{"tx", psbt}}) == psbt);
  BOOST_TEST(
      error_of("payto", text,
               {{"destination", fresh_address()}, {"amount", "0.1"}, {"unsigned", true}, {"addtransaction", true}})
          .find("cannot be added") != std::string::npos);
  BOOST_TEST(s.try_wallet("getbalance", text) == json::parse(R"({"confirmed": "0.5"})"));
}

// serialize: a transaction from Electrum's JSON, its keyed inputs signed: byte for byte what
// Electrum 4.3.4's serialize command makes when every input is signed; with an input left
// unsigned, a PSBT that Electrum reads as it reads its own.
BOOST_AUTO_TEST_CASE(serialize_makes_what_electrum_makes) {
  WalletStack<> s;
  const Network& net = *find_network<BtcPolicy>(NetworkId::regtest);
  const PrivateKey a = PrivateKey::generate(), b = PrivateKey::generate(false);
  auto input = [](const std::string& txid, int n, std::int64_t value, const std::string& key) {
    json::object o{{"prevout_hash", txid}, {"prevout_n", n}, {"value_sats", value}};
    if (!key.empty()) o["privkey"] = key;
    return o;
  };
  const json::array outputs{json::object{{"address", fresh_address()}, {"value_sats", 90'000}},
                            json::object{{"address", fresh_address()}, {"value_sats", 1'000}}};
  const json::object signed_json{
      {"inputs",
       json::array{
           input(std::string(64, 'b'), 1, 60'000, encode_electrum_wif(a, TxinType::p2wpkh, net.wif_prefix)),
           input(std::string(64, 'a'), 0, 40'000, encode_wif(b, net.wif_prefix)),
           input(std::string(64, 'a'), 2, 5'000, encode_electrum_wif(a, TxinType::p2wpkh_p2sh, net.wif_prefix))}},
      {"outputs", outputs},
      {"locktime", 7}};
  json::object partial = signed_json;
  partial["inputs"].as_array().push_back(input(std::string(64, 'c'), 3, 1'000, ""));
  const json::array electrum =
      electrum_reference("electrum_psbt.py",
                         json::array{json::object{{"op", "serialize"}, {"network", "regtest"}, {"jsontx", signed_json}},
                                     json::object{{"op", "serialize"}, {"network", "regtest"}, {"jsontx", partial}}});
  BOOST_TEST(s.result("serialize", json::object{{"jsontx", signed_json}}) == electrum[0].at("tx"));
  const json::value ours = s.result("serialize", json::object{{"jsontx", partial}});
  BOOST_TEST_REQUIRE(ours.as_string().starts_with("cHNidP"));
  const json::array shown = electrum_reference(
      "electrum_psbt.py",
      json::array{json::object{{"op", "deserialize"}, {"network", "regtest"}, {"tx", ours}},
                  json::object{{"op", "deserialize"}, {"network", "regtest"}, {"tx", electrum[1].at("tx")}}});
  // Electrum writes an empty final scriptSig for a segwit input and an empty witness for the
  // others; coinkit, as Core, writes neither. Everything else must read the same.
  auto normalized = [](json::value v) {
    for (auto& in : v.at("json").at("inputs").as_array()) {
      auto& o = in.as_object();
      if (o.contains("scriptSig") && o.at("scriptSig") == json::value("")) o.erase("scriptSig");
      if (o.contains("witness") && o.at("witness") == json::value("00")) o.erase("witness");
    }
    return v;
  };
  BOOST_TEST(normalized(shown[0]) == normalized(shown[1]), json::serialize(shown[0]) << "\n"
                                                                                     << json::serialize(shown[1]));
  const json::value bad =
      s.call("serialize", json::object{{"jsontx", json::object{{"inputs", json::array{json::object{{"value_sats", 1}}}},
                                                               {"outputs", json::array{}}}}});
  BOOST_TEST(bad.at("error").at("message") == json::value("Exception: missing prevout for txin"));
}

// Coin control: a frozen address's coins and a frozen coin are not spent; local transactions
// (addtransaction) keep their coins from the next payout; both survive a restart; get_used_fee
// is what the transaction paid.
BOOST_AUTO_TEST_CASE(frozen_coins_and_local_transactions_survive_a_restart) {
  WalletStack<> s;
  const std::string text = electrum_seed::make(ElectrumSeedType::segwit);
  const auto scripts = wallet_scripts(text);
  fund_wallet(s, text, scripts, {50'000'000, 30'000'000, 10'000'000}, "0.9");
  auto code_of = [&](const std::string& method, json::object params) {
    return s.wallet_error(method, text, std::move(params)).at("code").as_int64();
  };
  auto inputs_of = [](const json::value& hex) {
    std::set<std::string> out;
    const Transaction tx = Transaction::parse(from_hex(hex.as_string()));
    for (const TxIn& in : tx.inputs()) out.insert(in.prevout.txid.to_hex() + ":" + std::to_string(in.prevout.index));
    return out;
  };
  std::string coin2;
  const json::value unspent = s.wallet("listunspent", text);
  for (const auto& c : unspent.as_array())
    if (c.at("address") == json::value(address_of(scripts[2])))
      coin2 = std::string(c.at("prevout_hash").as_string()) + ":" + std::to_string(c.at("prevout_n").to_number<int>());
  BOOST_TEST_REQUIRE(!coin2.empty());

  BOOST_TEST(s.wallet("freeze", text, {{"address", address_of(scripts[0])}}) == json::value(true));
  BOOST_TEST(s.wallet("freeze", text, {{"address", fresh_address()}}) == json::value(false));
  BOOST_TEST(s.wallet("freeze_utxo", text, {{"coin", coin2}}) == json::value(true));
  BOOST_TEST(code_of("freeze_utxo", {{"coin", "not-a-coin"}}) == -32603);
  BOOST_TEST(code_of("payto", {{"destination", fresh_address()}, {"amount", "0.35"}}) == -32006);
  // addtransaction keeps the payout local: the next one spends other coins.
  const json::value local =
      s.wallet("payto", text, {{"destination", fresh_address()}, {"amount", "0.1"}, {"addtransaction", true}});
  const Transaction local_tx = Transaction::parse(from_hex(local.as_string()));
  std::int64_t paid = 30'000'000;
  for (const TxOut& o : local_tx.outputs()) paid -= o.value;
  BOOST_TEST(s.wallet("get_used_fee", text, {{"tx_hash", local_tx.txid().to_hex()}}) ==
             json::value(format_amount(paid, 8, amount_style::decimal)));
  BOOST_TEST(code_of("get_used_fee", {{"tx_hash", std::string(64, 'a')}}) == -32002);

  s.restart_daemon([] {});
  BOOST_TEST_REQUIRE(
      eventually([&] { return s.try_wallet("getbalance", text) == json::parse(R"({"confirmed": "0.9"})"); }));
  // Everything spendable: the frozen address's coin, the frozen coin and the local payout's coin are
  // all out, so nothing is left.
  BOOST_TEST(code_of("payto", {{"destination", fresh_address()}, {"amount", "!"}}) == -32006);
  BOOST_TEST(s.wallet("unfreeze_utxo", text, {{"coin", coin2}}) == json::value(true));
  const json::value second = s.wallet("payto", text, {{"destination", fresh_address()}, {"amount", "!"}});
  BOOST_TEST(inputs_of(second) == std::set<std::string>{coin2});
  BOOST_TEST(s.wallet("unfreeze", text, {{"address", address_of(scripts[0])}}) == json::value(true));
  BOOST_TEST(s.wallet("removelocaltx", text, {{"txid", local_tx.txid().to_hex()}}) == json::value(true));
  s.restart_daemon([] {});
  BOOST_TEST_REQUIRE(
      eventually([&] { return s.try_wallet("getbalance", text) == json::parse(R"({"confirmed": "0.9"})"); }));
  const json::value all = s.wallet("payto", text, {{"destination", fresh_address()}, {"amount", "!"}});
  BOOST_TEST(inputs_of(all).size() == 3u);
}

// sweep: every coin of the keys (a segwit key with Electrum's "p2wpkh:" prefix, a bare
// uncompressed WIF, whose pay-to-pubkey output is swept too, as in Electrum) to one address,
// less the fee; the node accepts and mines it. A key without coins and a key that is no key are
// refused.
BOOST_AUTO_TEST_CASE(sweep_pays_every_coin_of_the_keys) {
  WalletStack<> s;
  const Network& net = *find_network<BtcPolicy>(NetworkId::regtest);
  const PrivateKey a = PrivateKey::generate(), b = PrivateKey::generate(false);
  const std::string address_a = address_of(wallet::key_script(TxinType::p2wpkh, a.public_key()).value());
  const std::string address_b = address_of(wallet::key_script(TxinType::p2pkh, b.public_key()).value());
  s.node.send_to_address(address_a, 20'000'000).value();
  s.node.send_to_address(address_a, 5'000'000).value();
  s.node.send_to_address(address_b, 7'000'000).value();
  const regtest::Payment to_pubkey{p2pk_script(b.public_key().bytes()), 3'000'000};
  s.node.send(std::span(&to_pubkey, 1)).value();
  s.mine();
  auto balance_of = [&](const std::string& address) {
    return s.result("getaddressbalance", json::array{json::string(address)}).at("confirmed");
  };
  BOOST_TEST_REQUIRE(eventually([&] { return balance_of(address_b) == json::value("0.07"); }));
  const std::string keys =
      encode_electrum_wif(a, TxinType::p2wpkh, net.wif_prefix) + "  " + encode_wif(b, net.wif_prefix);
  const std::string to = fresh_address();
  const json::value hex = s.result("sweep", json::object{{"privkey", keys}, {"destination", to}});
  const Transaction tx = Transaction::parse(from_hex(hex.as_string()));
  BOOST_TEST(tx.inputs().size() == 4u);
  BOOST_TEST_REQUIRE(tx.outputs().size() == 1u);
  // The regtest fee policy's 150 sat/vbyte of the size estimated with 72-byte signatures.
  const auto fee = 35'000'000 - tx.outputs()[0].value, vsize = static_cast<std::int64_t>(tx.vsize());
  BOOST_TEST(fee >= 150 * vsize);
  BOOST_TEST(fee <= 150 * (vsize + 4));
  (void)s.result("broadcast", json::array{hex});
  s.mine();
  BOOST_TEST(balance_of(to) == json::value(format_amount(tx.outputs()[0].value, 8, amount_style::decimal)));
  BOOST_TEST(balance_of(address_a) == json::value("0"));
  // Nothing left to sweep; and a key that is not one.
  const json::value empty = s.call("sweep", json::object{{"privkey", keys}, {"destination", to}});
  BOOST_TEST(empty.at("error").at("message") == json::value("Exception: No inputs found."));
  const json::value bad = s.call("sweep", json::object{{"privkey", "notakey"}, {"destination", to}});
  BOOST_TEST(std::string(bad.at("error").at("message").as_string()).starts_with("Exception: invalid private key"));
}

// bumpfee: a payout in the node's mempool replaced by the same payment at a higher rate (BIP125),
// the replacement mined and the first gone; refused for a final transaction and a lower rate.
BOOST_AUTO_TEST_CASE(bumpfee_replaces_a_payout_in_the_mempool) {
  WalletStack<> s;
  const std::string text = electrum_seed::make(ElectrumSeedType::segwit);
  const auto scripts = wallet_scripts(text);
  fund_wallet(s, text, scripts, {100'000'000, 1'000'000}, "1.01");
  const std::string to = fresh_address();
  const json::value first = s.wallet("payto", text, {{"destination", to}, {"amount", "0.3"}, {"feerate", 2}});
  const json::value txid1 = s.wallet("broadcast", text, {{"tx", first}});
  const json::value second = s.wallet("bumpfee", text, {{"tx", first}, {"new_fee_rate", 25}});
  const Transaction a = Transaction::parse(from_hex(first.as_string())),
                    b = Transaction::parse(from_hex(second.as_string()));
  std::int64_t fee_a = 0, fee_b = 0;
  for (const TxOut& o : a.outputs()) fee_a -= o.value;
  for (const TxOut& o : b.outputs()) fee_b -= o.value;
  fee_a += 100'000'000;  // the coin payto chose (the largest)
  for (const TxIn& in : b.inputs()) fee_b += in.prevout == a.inputs()[0].prevout ? 100'000'000 : 1'000'000;
  BOOST_TEST(fee_b >= 25 * static_cast<std::int64_t>(b.vsize()));
  BOOST_TEST(fee_b > fee_a + static_cast<std::int64_t>(b.vsize()));
  BOOST_TEST(
      std::ranges::any_of(b.outputs(), [&](const TxOut& o) { return o.value == 30'000'000; }));  // the payment kept
  const json::value txid2 = s.wallet("broadcast", text, {{"tx", second}});
  std::set<std::string> in_mempool;
  for (const auto& e : s.node.mempool_entries()) in_mempool.insert(e.txid.to_hex());
  BOOST_TEST(in_mempool.count(std::string(txid2.as_string())) == 1u);
  BOOST_TEST(in_mempool.count(std::string(txid1.as_string())) == 0u);
  s.mine();
  BOOST_TEST(s.result("getaddressbalance", json::array{json::string(to)}).at("confirmed") == json::value("0.3"));
  BOOST_TEST_REQUIRE(eventually([&] {
    return s.try_wallet("getbalance", text) == json::value(expected_balance(expected_coins(s.node, scripts)));
  }));
  // A final transaction, and a rate no higher than the old one's.
  const json::value final_tx = s.wallet("payto", text, {{"destination", to}, {"amount", "0.1"}, {"rbf", false}});
  const json::value refused = s.call("bumpfee", json::object{{"tx", final_tx}, {"new_fee_rate", 50}, {"xpub", text}});
  BOOST_TEST(refused.at("error").at("message") ==
             json::value("electrum.wallet.CannotBumpFee: Cannot bump fee: Transaction is final"));
  const json::value cheap = s.wallet("payto", text, {{"destination", to}, {"amount", "0.1"}, {"feerate", 10}});
  const json::value lower = s.call("bumpfee", json::object{{"tx", cheap}, {"new_fee_rate", 5}, {"xpub", text}});
  BOOST_TEST(std::string(lower.at("error").at("message").as_string()).find("higher than the old fee rate") !=
             std::string::npos);
  // decrease_payment needs exactly one payment to take the fee from.
  const json::value two = s.wallet("paytomany", text,
                                   {{"outputs", json::array{json::array{json::string(fresh_address()), "0.01"},
                                                            json::array{json::string(fresh_address()), "0.01"}}}});
  const json::value refused_two =
      s.call("bumpfee", json::object{{"tx", two}, {"new_fee_rate", 300}, {"decrease_payment", true}, {"xpub", text}});
  BOOST_TEST(refused_two.at("error").at("message") ==
             json::value("electrum.wallet.CannotBumpFee: Cannot bump fee: Cannot find payment output"));
  // decrease_payment: a payout of everything pays the higher fee out of its one payment.
  const std::string to_all = fresh_address();
  const std::int64_t held =
      parse_amount(std::string(s.wallet("getbalance", text).at("confirmed").as_string()), 8);  // all to be spent
  const json::value everything = s.wallet("payto", text, {{"destination", to_all}, {"amount", "!"}, {"feerate", 2}});
  (void)s.wallet("broadcast", text, {{"tx", everything}});
  const json::value bumped =
      s.wallet("bumpfee", text, {{"tx", everything}, {"new_fee_rate", 20}, {"decrease_payment", true}});
  const Transaction c = Transaction::parse(from_hex(everything.as_string())),
                    d = Transaction::parse(from_hex(bumped.as_string()));
  BOOST_TEST_REQUIRE(d.outputs().size() == 1u);
  BOOST_TEST(d.inputs().size() == c.inputs().size());
  const std::int64_t fee_c = held - c.outputs()[0].value, fee_d = held - d.outputs()[0].value;
  BOOST_TEST(fee_d >= 20 * static_cast<std::int64_t>(d.vsize()));  // 20 sat/vbyte now, 2 before
  BOOST_TEST(fee_d >= fee_c + static_cast<std::int64_t>(d.vsize()));
  (void)s.wallet("broadcast", text, {{"tx", bumped}});
  s.mine();
  BOOST_TEST(s.result("getaddressbalance", json::array{json::string(to_all)}).at("confirmed") ==
             json::value(format_amount(d.outputs()[0].value, 8, amount_style::decimal)));
}

// What a payout refuses, each with its error and nothing spent: more than the wallet has, an
// invalid or other network's address, an amount below dust, a fee far above any rate, fee and
// feerate together, a watch-only wallet, a transaction the node rejects, and a double spend.
BOOST_AUTO_TEST_CASE(payouts_refuse_bad_input_and_spend_nothing) {
  WalletStack<> s;
  const std::string text = electrum_seed::make(ElectrumSeedType::segwit);
  const auto scripts = wallet_scripts(text);
  fund_wallet(s, text, scripts, {100'000'000}, "1");
  const std::string to = fresh_address();
  auto error_of = [&](const std::string& method, json::object params) {
    return s.wallet_error(method, text, std::move(params));
  };
  auto code_of = [&](const std::string& method, json::object params) {
    return error_of(method, std::move(params)).at("code").as_int64();
  };
  BOOST_TEST(code_of("payto", {{"destination", to}, {"amount", "2"}}) == -32006);
  BOOST_TEST(error_of("payto", {{"destination", to}, {"amount", "2"}}).at("message") ==
             json::value("electrum.util.NotEnoughFunds: Insufficient funds"));
  BOOST_TEST(code_of("payto", {{"destination", "notanaddress"}, {"amount", "0.1"}}) == -32004);
  BOOST_TEST(code_of("payto", {{"destination", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}, {"amount", "0.1"}}) ==
             -32004);
  BOOST_TEST(code_of("paytomany",
                     {{"outputs", json::array{json::array{json::string(to), "0.1"},
                                              json::array{"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "0.1"}}}}) == -32004);
  const auto dust = error_of("payto", {{"destination", to}, {"amount", "0.000001"}});
  BOOST_TEST(std::string(dust.at("message").as_string()).find("dust") != std::string::npos);
  const auto absurd = error_of("payto", {{"destination", to}, {"amount", "0.1"}, {"fee", "0.5"}});
  BOOST_TEST(std::string(absurd.at("message").as_string()).find("above the maximum rate") != std::string::npos);
  BOOST_TEST(std::string(error_of("payto", {{"destination", to}, {"amount", "0.1"}, {"fee", "0.001"}, {"feerate", 2}})
                             .at("message")
                             .as_string())
                 .find("Cannot specify both") != std::string::npos);
  BOOST_TEST(code_of("payto", {{"destination", to}, {"amount", "!"}, {"from_coins", "00:0"}}) == -32006);
  // A watch-only wallet of the same coins cannot sign.
  const std::string vpub(s.wallet("getmpk", text).as_string());
  BOOST_TEST_REQUIRE(
      eventually([&] { return s.try_wallet("getbalance", vpub) == json::parse(R"({"confirmed": "1"})"); }));
  {
    json::object p{{"destination", to}, {"amount", "0.1"}, {"xpub", vpub}};
    const json::value reply = s.call("payto", std::move(p));
    BOOST_TEST(reply.at("error").at("message") == json::value("Exception: This is a watching-only wallet"));
  }
  // Two payouts of the same coin, made before either is sent: the node takes the first and
  // refuses the second.
  const std::string good(s.wallet("payto", text, {{"destination", to}, {"amount", "0.1"}, {"rbf", false}}).as_string());
  const Transaction parsed = Transaction::parse(from_hex(good));
  const std::string outpoint =
      parsed.inputs()[0].prevout.txid.to_hex() + ":" + std::to_string(parsed.inputs()[0].prevout.index);
  const std::string again(
      s.wallet("payto", text, {{"destination", to}, {"amount", "0.2"}, {"from_coins", outpoint}, {"rbf", false}})
          .as_string());
  BOOST_TEST((Transaction::parse(from_hex(again)).inputs()[0].prevout == parsed.inputs()[0].prevout));
  // A transaction with a broken signature: the node's reason comes back, nothing changes.
  MutableTransaction broken;
  broken.version = parsed.version();
  broken.inputs = parsed.inputs();
  broken.outputs = parsed.outputs();
  broken.lock_time = parsed.lock_time();
  broken.inputs[0].witness[0][10] ^= 1;
  const auto rejected = error_of("broadcast", {{"tx", to_hex(Transaction(broken).serialize())}});
  BOOST_TEST(std::string(rejected.at("message").as_string()).find("refused") != std::string::npos);
  BOOST_TEST(s.node.mempool_entries().empty());
  (void)s.wallet("broadcast", text, {{"tx", good}});
  const auto doubled = error_of("broadcast", {{"tx", again}});
  BOOST_TEST(std::string(doubled.at("message").as_string()).find("refused") != std::string::npos);
  BOOST_TEST(s.node.mempool_entries().size() == 1u);
  s.mine();
  const auto expected = expected_coins(s.node, scripts);
  BOOST_TEST_REQUIRE(
      eventually([&] { return s.try_wallet("getbalance", text) == json::value(expected_balance(expected)); }));
  // get_default_fee: 150 sat/vbyte on regtest (Electrum's static fallback).
  BOOST_TEST(s.result("get_default_fee", json::array{200}) == json::value("0.0003"));
  BOOST_TEST(s.result("get_default_fee", json::array{json::string(good)}) ==
             json::value(format_amount(wallet::fee_for_vsize(150'000, parsed.vsize()), 8, amount_style::decimal)));
}

// The wallet's own keys: getseed gives the words back, getprivatekeys each address's key in
// Electrum's "<type>:<WIF>" (the key makes that very address), signmessage signs what
// verifymessage accepts (and nothing else); a watch-only wallet and foreign addresses refused.
BOOST_AUTO_TEST_CASE(the_wallets_keys_sign_and_are_exported) {
  WalletStack<> s;
  const Network& net = *find_network<BtcPolicy>(NetworkId::regtest);
  const std::string seed = electrum_seed::make(ElectrumSeedType::segwit);
  BOOST_TEST(s.wallet("getseed", seed) == json::value(seed));
  const auto scripts = wallet_scripts(seed);
  const std::string first = address_of(scripts[0]), change = address_of(scripts[20]);
  const json::value keys =
      s.wallet("getprivatekeys", seed, {{"address", json::array{json::string(first), json::string(change)}}});
  BOOST_TEST_REQUIRE(keys.as_array().size() == 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string text(keys.as_array()[i].as_string());
    BOOST_TEST_REQUIRE(text.starts_with("p2wpkh:"));
    const ElectrumWif wif = decode_electrum_wif(text.substr(7), net.wif_prefix).value();
    BOOST_TEST(address_of(wallet::key_script(TxinType::p2wpkh, wif.key.public_key()).value()) == (i ? change : first));
  }
  BOOST_TEST(s.wallet("getprivatekeys", seed, {{"address", first}}) == keys.as_array()[0]);
  const json::value sig = s.wallet("signmessage", seed, {{"address", first}, {"message", "invoice 42"}});
  auto verify = [&](const std::string& address, const json::value& signature, const std::string& message) {
    return s.result("verifymessage", json::array{json::string(address), signature, json::string(message)});
  };
  BOOST_TEST(verify(first, sig, "invoice 42") == json::value(true));
  BOOST_TEST(verify(first, sig, "invoice 43") == json::value(false));
  BOOST_TEST(verify(change, sig, "invoice 42") == json::value(false));
  BOOST_TEST(s.call("verifymessage", json::array{first, "not base64!", "x"}).as_object().contains("error"));
  // Refused: an address not of the wallet, one of another network, a watch-only wallet's keys.
  const std::string stranger = fresh_address();
  const json::value foreign =
      s.call("signmessage", json::object{{"address", stranger}, {"message", "x"}, {"xpub", seed}});
  BOOST_TEST(foreign.at("error").at("message") == json::value("Exception: Address not in wallet. " + stranger));
  const json::value mainnet =
      s.call("getprivatekeys", json::object{{"address", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}, {"xpub", seed}});
  BOOST_TEST(mainnet.at("error").at("code") == json::value(-32004));
  const std::string vpub(s.wallet("getmpk", seed).as_string());
  const json::value watching = s.call("getprivatekeys", json::object{{"address", first}, {"xpub", vpub}});
  BOOST_TEST(watching.at("error").at("message") == json::value("Exception: This is a watching-only wallet"));
  BOOST_TEST(s.call("getseed", json::object{{"xpub", vpub}}).at("error").at("message") ==
             json::value("Exception: This wallet has no seed words"));
}

BOOST_AUTO_TEST_CASE(bad_input_gets_bitcarts_errors) {
  WalletStack<> s;
  auto error_of = [&](const std::string& method, json::value params) {
    const json::value reply = s.call(method, std::move(params));
    BOOST_TEST_REQUIRE(reply.as_object().contains("error"), method);
    return reply.at("error");
  };
  BOOST_TEST(error_of("getbalance", json::object{{"xpub", "xpubNOTVALID"}}) ==
             json::parse(R"({"code": -32005, "message": "Exception: Seed or key not recognized"})"));
  BOOST_TEST(error_of("getbalance", json::object{{"xpub",
                                                  "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1"
                                                  "r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs"}}) ==
             json::parse(R"({"code": -32005, "message": "Exception: Seed or key not recognized"})"));
  BOOST_TEST(
      error_of("getaddressbalance", json::array{"notanaddress"}) ==
      json::parse(
          R"({"code": -32004, "message": "electrum.util.BitcoinException: invalid bitcoin address: notanaddress"})"));
  BOOST_TEST(error_of("getbalance", json::array()) ==
             json::parse(R"({"code": -32000, "message": "Wallet not loaded"})"));
  BOOST_TEST(error_of("get_tx_status", json::array{"abc", json::object{{"xpub", recorded_vpub}}}).at("message") ==
             json::value("Exception: 'abc' is not a txid"));
  BOOST_TEST(error_of("get_tx_status", json::array{std::string(64, 'a'), json::object{{"xpub", recorded_vpub}}})
                 .at("message") == json::value("Exception: Transaction not in wallet."));
  BOOST_TEST(error_of("get_transaction", json::array{std::string(64, 'b')}).at("code") == json::value(-32002));
  BOOST_TEST(s.result("validateaddress", json::array{"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"}) ==
             json::value(true));
  BOOST_TEST(s.result("validateaddress", json::array{"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}) ==
             json::value(false));
  BOOST_TEST(s.result("validatekey", json::array{"not a key"}) == json::value(false));
  // Bitcart's getfingerprint (Electrum 4.3.4's root_fp_and_der_prefix_from_xkey gives 32ed908c for
  // this m/0' key); Electrum's getfeerate in the shape of Bitcart's Electrum, fixed on regtest.
  BOOST_TEST(s.result("getfingerprint", json::array{recorded_vpub}) == json::value("32ed908c"));
  BOOST_TEST(error_of("getfingerprint", json::array{"xpubNOTVALID"}).at("message") ==
             json::value("Exception: xkey should be a master public/private key"));
  BOOST_TEST(s.result("getfeerate") == json::parse(R"({"policy": "eta:2", "description": "Within 2 blocks",
                                                       "sat/kvB": 150000, "tooltip": "150. sat/vbyte"})"));
  const std::string seed(s.result("make_seed", json::array()).as_string());
  BOOST_TEST(std::count(seed.begin(), seed.end(), ' ') == 11);
  BOOST_TEST(s.result("validatekey", json::array{json::string(seed)}) == json::value(true));
  // An imported-address wallet has no master key and no chains to extend.
  const std::string watch = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
  BOOST_TEST(s.wallet("getmpk", watch) == json::value(nullptr));
  BOOST_TEST(s.wallet("listaddresses", watch) == json::array{json::string(watch)});
  BOOST_TEST(error_of("createnewaddress", json::object{{"xpub", watch}}).at("code") == json::value(-32603));
}

BOOST_AUTO_TEST_CASE(a_server_that_lies_about_a_branch_is_dropped_and_nothing_is_verified) {
  const std::uint16_t electrum_port = free_port();
  LyingProxy proxy(electrum_port);
  WalletStack<> s(true, electrum_port, proxy.port());
  const auto scripts = wallet_scripts(recorded_vpub);
  BOOST_TEST(s.wallet("getbalance", recorded_vpub) == json::parse(R"({"confirmed": "0"})"));
  const Txid paid = s.node.send_to_address(address_of(scripts[0]), 40'000'000).value();
  s.mine();
  // The server's history says mined; its branch does not lead to the header: the daemon drops
  // it (and connects again, and is lied to again), and the transaction is never verified.
  BOOST_TEST_REQUIRE(eventually([&] { return proxy.lies_told() >= 2 && proxy.connections() >= 2; }));
  BOOST_TEST(s.wallet("get_tx_status", recorded_vpub, {{"txid", paid.to_hex()}}) ==
             json::parse(R"({"confirmations": 0})"));
  BOOST_TEST(events_of(s.wallet("get_updates", recorded_vpub), "verified_tx").empty());
  // The same server honest again: the branch checks out, verified_tx arrives once.
  proxy.lie(false);
  BOOST_TEST_REQUIRE(eventually([&] {
    return s.try_wallet("get_tx_status", recorded_vpub, {{"txid", paid.to_hex()}}) ==
           json::parse(R"({"confirmations": 1})");
  }));
  BOOST_TEST(
      (events_of(s.wallet("get_updates", recorded_vpub), "verified_tx") == std::multiset<std::string>{paid.to_hex()}));
}

// The shipped btc-daemon as a process of its own, killed (SIGKILL) while it writes wallets:
// after a restart every address it acknowledged is there, and the files are the owner's alone.
// A server whose tip headers do not link to the chain below them: the daemon drops it and does
// not move its chain (no new_block); honest again, the chain follows.
BOOST_AUTO_TEST_CASE(a_server_whose_headers_do_not_link_is_dropped) {
  const std::uint16_t electrum_port = free_port();
  LyingProxy proxy(electrum_port, LyingProxy::Lie::headers);
  proxy.lie(false);
  WalletStack<> s(true, electrum_port, proxy.port());
  BOOST_TEST(s.wallet("getbalance", recorded_vpub) == json::parse(R"({"confirmed": "0"})"));
  const int height = s.node.height();
  BOOST_TEST(s.result("getinfo").at("blockchain_height") == json::value(height));
  (void)s.wallet("get_updates", recorded_vpub);
  proxy.lie(true);
  s.mine();
  BOOST_TEST_REQUIRE(eventually([&] { return proxy.lies_told() >= 2 && proxy.connections() >= 2; }));
  BOOST_TEST(s.result("getinfo").at("blockchain_height") == json::value(height));
  const json::value updates = s.wallet("get_updates", recorded_vpub);
  for (const auto& e : updates.as_array()) BOOST_TEST(e.at("event") != json::value("new_block"));
  proxy.lie(false);
  BOOST_TEST_REQUIRE(
      eventually([&] { return s.result("getinfo").at("blockchain_height") == json::value(height + 1); }));
}

BOOST_AUTO_TEST_CASE(a_daemon_killed_while_writing_wallets_loses_nothing) {
  WalletStack<> s;
  TempDir data("daemon-kill");
  const std::uint16_t port = free_port();
  auto spawn = [&] {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::setenv("BTC_NETWORK", "regtest", 1);
      ::setenv("BTC_PORT", std::to_string(port).c_str(), 1);
      ::setenv("BTC_SERVER", ("127.0.0.1:" + std::to_string(s.electrum_port()) + ":t").c_str(), 1);
      ::setenv("BTC_DATA_PATH", data.path.c_str(), 1);
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 2);
      ::execl(COINKIT_BTC_DAEMON, COINKIT_BTC_DAEMON, static_cast<char*>(nullptr));
      ::_exit(127);
    }
    return pid;
  };
  auto connect = [&] {
    std::unique_ptr<net::HttpClient> c;
    BOOST_TEST_REQUIRE(eventually([&] {
      try {
        c = std::make_unique<net::HttpClient>(port);
        c->post("/", R"({"id": 0, "method": "version", "params": []})", auth());
        return true;
      } catch (const std::exception&) {
        return false;
      }
    }));
    return c;
  };
  auto call = [&](net::HttpClient& c, const std::string& method) {
    json::object body{{"id", 1}, {"method", method}, {"params", json::object{{"xpub", recorded_vpub}}}};
    return json::parse(c.post("/", json::serialize(body), auth()).body());
  };

  pid_t pid = spawn();
  std::atomic<int> acknowledged{0};
  {
    auto c = connect();
    BOOST_TEST_REQUIRE(call(*c, "getbalance").as_object().contains("result"));
    // Killed in the middle of a run of writes, however slow the disk: after a few of them.
    std::thread killer([&] {
      eventually([&] { return acknowledged >= 5; });
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      ::kill(pid, SIGKILL);
    });
    try {
      while (call(*c, "createnewaddress").as_object().contains("result")) ++acknowledged;
    } catch (const std::exception&) {
      // the connection died with the daemon
    }
    killer.join();
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  BOOST_TEST(WIFSIGNALED(status));
  BOOST_TEST(acknowledged.load() >= 5);

  pid = spawn();
  {
    auto c = connect();
    const json::value receiving = call(*c, "listaddresses");
    const auto count = static_cast<int>(receiving.at("result").as_array().size());
    BOOST_TEST(count >= 30 + acknowledged.load());      // every acknowledged address is back
    BOOST_TEST(count <= 30 + acknowledged.load() + 1);  // and at most the one written as it died
  }
  ::kill(pid, SIGTERM);
  ::waitpid(pid, &status, 0);
  BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));

  // Nothing is named after the key, and nobody else may read the files.
  for (const auto& e : std::filesystem::recursive_directory_iterator(data.path)) {
    BOOST_TEST(e.path().string().find(recorded_vpub) == std::string::npos);
    if (e.is_regular_file()) {
      struct stat st;
      ::stat(e.path().c_str(), &st);
      BOOST_TEST((st.st_mode & 077) == 0, e.path() << " is readable by others");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// Bitcart's recorded exchanges (shared/reference/bitcart-wire-examples.md) replayed against
// Daemon<BtcPolicy> on a regtest chain of its own: where a reply depends only on the request (keys,
// addresses, errors) it must be the recorded one, byte for byte once parsed; where it depends on
// that other chain (txids, heights, dates) it must have the recorded shape: the same keys in the
// same order, the same JSON types, amounts written the same way.
BOOST_AUTO_TEST_SUITE(wire_examples)

BOOST_AUTO_TEST_CASE(recorded_exchanges_get_the_recorded_replies) {
  WalletStack<> s;
  const auto exchanges = recorded_exchanges();
  BOOST_TEST_REQUIRE(exchanges.size() >= 50u);

  // Exact: replies that follow from the request alone.
  const std::set<std::string> exact = {
      "validateaddress (valid bcrt1 address, positional)",
      "validateaddress (mainnet address on regtest)",
      "validatekey (vpub)",
      "validatekey (garbage)",
      "getbalance (xpub, first load of this wallet)",
      "getunusedaddress (xpub)",
      "recommended_fee (custom, target 2)",
      "ERROR unknown method",
      "ERROR missing method field",
      "ERROR wallet not loaded (wallet method without xpub)",
      "ERROR invalid xpub",
      "ERROR mainnet zpub on regtest daemon",
      "ERROR unexpected kwarg",
      "ERROR invalid address to getaddressbalance",
      "listaddresses (electrum cmd, xpub, receiving only)",
      "getmpk (xpub)",
  };
  std::size_t replayed = 0;
  for (const Exchange& e : exchanges) {
    if (!exact.contains(e.title)) continue;
    BOOST_TEST_CONTEXT(e.title) {
      BOOST_TEST_REQUIRE(e.reply.has_value());
      auto res = s.http->post("/", json::serialize(e.request), auth());
      BOOST_TEST(json::parse(res.body()) == *e.reply, res.body() << "\n  recorded: " << json::serialize(*e.reply));
      ++replayed;
    }
  }
  BOOST_TEST(replayed == exact.size());

  // Shapes: the same wallet paid twice on this chain (1.5, then 0.01 in the mempool).
  const auto& vpub = recorded_vpub;
  const std::string first(s.wallet("getunusedaddress", vpub).as_string());
  const Txid paid = s.node.send_to_address(first, 150'000'000).value();
  s.mine();
  const std::string second(s.wallet("listaddresses", vpub, {{"receiving", true}}).at(1).as_string());
  const Txid unconfirmed = s.node.send_to_address(second, 1'000'000).value();
  s.wait_indexed();
  BOOST_TEST_REQUIRE(eventually([&] {
    return s.try_wallet("getbalance", vpub) == json::parse(R"({"confirmed": "1.5", "unconfirmed": "0.01"})");
  }));
  s.mine();
  BOOST_TEST_REQUIRE(eventually([&] {
    return s.try_wallet("get_tx_status", vpub, {{"txid", unconfirmed.to_hex()}}) ==
           json::parse(R"({"confirmations": 1})");
  }));
  auto recorded = [&](const std::string& title) {
    for (const Exchange& e : exchanges)
      if (e.title == title) return *e.reply;
    BOOST_FAIL("no recorded exchange " << title);
    return json::value();
  };
  auto shape = [&](const std::string& title, const json::value& ours) {
    std::string why;
    BOOST_TEST(same_shape(ours, recorded(title).at("result"), why), title << ": " << why);
  };
  // getinfo: the recording (Bitcart 0.7.1.0) predates total_wallets, which newer versions add last.
  json::value info = s.result("getinfo");
  BOOST_TEST(info.at("total_wallets") == json::value(1));
  info.as_object().erase("total_wallets");
  shape("getinfo (no xpub)", info);
  shape("make_seed (no params)", s.result("make_seed"));
  shape("getaddressbalance (address of paid request; wallet-less command)",
        s.result("getaddressbalance", json::array{json::string(second)}));
  shape("getbalance (xpub, 2 tx confirmed)", s.wallet("getbalance", vpub));
  shape("onchain_history (electrum command, xpub)", s.wallet("onchain_history", vpub));
  shape("get_transaction (custom, txid, no xpub)",
        s.result("get_transaction", json::array{json::string(unconfirmed.to_hex())}));
  shape("get_tx_status (electrum cmd, xpub)", s.wallet("get_tx_status", vpub, {{"txid", paid.to_hex()}}));
  shape("getaddressbalance_wallet (custom, xpub)", s.wallet("getaddressbalance_wallet", vpub, {{"address", second}}));
  shape("diskless wallet (xpub object with diskless=true)",
        s.result("getbalance", json::object{{"xpub", json::object{{"xpub", vpub}, {"diskless", true}}}}));
  // The recorded wallet's history has the same two amounts: the same balances, written alike.
  const json::value history = s.wallet("onchain_history", vpub);
  const json::value theirs = recorded("onchain_history (electrum command, xpub)").at("result");
  for (const char* key : {"bc_value", "bc_balance", "fee", "fee_sat", "incoming"})  // (label: a request's memo)
    for (std::size_t i = 0; i < 2; ++i)
      BOOST_TEST(history.at("transactions").at(i).at(key) == theirs.at("transactions").at(i).at(key), key);
  BOOST_TEST(history.at("summary").at("flow") == theirs.at("summary").at("flow"));
  BOOST_TEST(history.at("summary").at("begin").at("BTC_balance") == theirs.at("summary").at("begin").at("BTC_balance"));
}

BOOST_AUTO_TEST_SUITE_END()
