// What the daemon suites share: a wallet's scripts and addresses derived by the test itself, the
// answers it expects from the node's blocks, and one wallet's life (payments, confirmations,
// reorgs) run against any stack: over a socket to the Electrum server, or on its index in-process.
#pragma once

#include "wallet_stack.hpp"

#include <coinkit/address/address.hpp>
#include <coinkit/core/amount.hpp>
#include <coinkit/keys/private_key.hpp>
#include <coinkit/wallet/address_chains.hpp>
#include <coinkit/wallet/key_script.hpp>
#include <coinkit/wallet/restore.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace coinkit::test {

// The wallet's scripts (receiving then change), derived here from the key text, not asked of
// the daemon.
template <class Coin = BtcPolicy>
std::vector<Bytes> wallet_scripts(const std::string& text, std::size_t receiving = 20, std::size_t change = 10) {
  const Network& net = *find_network<Coin>(NetworkId::regtest);
  const wallet::Keystore keys = wallet::restore_keystore(text, net).value();
  std::vector<Bytes> out;
  for (bool is_change : {false, true})
    for (std::uint32_t i = 0; i < (is_change ? change : receiving); ++i)
      out.push_back(
          wallet::key_script(*wallet::txin_type(keys), wallet::derive_public_key(keys, is_change, i).value()).value());
  return out;
}

template <class Coin = BtcPolicy>
std::string address_of(const Bytes& script) {
  return to_address(script, find_network<Coin>(NetworkId::regtest)->address).value();
}

// A p2wpkh address of a new random key: somewhere to pay that no wallet of the test owns.
template <class Coin = BtcPolicy>
std::string fresh_address() {
  return address_of<Coin>(wallet::key_script(TxinType::p2wpkh, PrivateKey::generate().public_key()).value());
}

// Pays scripts[i] amounts[i] from the node, mines them, and waits until the wallet's confirmed
// balance reads `balance` (Electrum's text of the sum).
template <class Stack>
void fund_wallet(Stack& s, const std::string& text, const std::vector<Bytes>& scripts,
                 std::initializer_list<std::int64_t> amounts, const std::string& balance) {
  std::size_t i = 0;
  for (std::int64_t amount : amounts) s.node.send_to_address(address_of(scripts.at(i++)), amount).value();
  s.mine();
  const json::value expected = json::object{{"confirmed", balance}};
  BOOST_TEST_REQUIRE(eventually([&] { return s.try_wallet("getbalance", text) == expected; }));
}

// getbalance as the test expects it from the node's blocks: Electrum's keys, zeros left out.
inline json::object expected_balance(const std::map<std::string, ExpectedCoin>& coins) {
  std::int64_t confirmed = 0, unconfirmed = 0;
  for (const auto& [outpoint, c] : coins) (c.height > 0 ? confirmed : unconfirmed) += c.value;  // (no coinbase)
  json::object o{{"confirmed", format_amount(confirmed, 8, amount_style::decimal)}};
  if (unconfirmed) o.emplace("unconfirmed", format_amount(unconfirmed, 8, amount_style::decimal));
  return o;
}

// listunspent as outpoint -> (value, height).
inline std::map<std::string, ExpectedCoin> unspent_of(const json::value& list) {
  std::map<std::string, ExpectedCoin> out;
  if (!list.is_array()) return out;
  for (const auto& c : list.as_array())
    out[std::string(c.at("prevout_hash").as_string()) + ":" + std::to_string(c.at("prevout_n").to_number<int>())] = {
        parse_amount(c.at("value").as_string(), 8), c.at("height").to_number<int>()};
  return out;
}

inline bool same(const std::map<std::string, ExpectedCoin>& a, const std::map<std::string, ExpectedCoin>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end() || it->second.value != v.value || it->second.height != v.height) return false;
  }
  return true;
}

inline std::multiset<std::string> events_of(const json::value& updates, const std::string& kind) {
  std::multiset<std::string> out;
  for (const auto& e : updates.as_array())
    if (e.at("event") == json::value(kind)) out.insert(std::string(e.at("tx").as_string()));
  return out;
}

// A wallet's life on any coin: paid (a chain of two transactions among them, one left in the
// mempool), confirmed, reorganized; every answer held against the node's blocks.
template <class Coin, bool InProcess>
void a_wallet_lives_through_payments_and_reorgs(WalletStack<Coin, InProcess>& s, const std::string& xpub) {
  const auto scripts = wallet_scripts<Coin>(xpub);
  auto addr = [](const Bytes& script) { return address_of<Coin>(script); };
  BOOST_TEST(s.wallet("getbalance", xpub) == json::parse(R"({"confirmed": "0"})"));
  const json::value receiving = s.wallet("listaddresses", xpub, {{"receiving", true}});
  BOOST_TEST_REQUIRE(receiving.as_array().size() == 20u);
  for (std::size_t i = 0; i < 20; ++i) BOOST_TEST(receiving.at(i) == json::value(addr(scripts[i])));
  BOOST_TEST(s.wallet("listaddresses", xpub).as_array().size() == 30u);

  // 1.5 to the first address, mined; 0.01 to the second, in the mempool; then a payment to the
  // third that spends the node's change of the first (a chain of two transactions).
  const Txid first = s.node.send_to_address(addr(scripts[0]), 150'000'000).value();
  s.mine();
  const int first_mined = s.node.height();
  const Txid second = s.node.send_to_address(addr(scripts[1]), 1'000'000).value();
  const Txid third = s.node.send_to_address(addr(scripts[2]), 2'500'000).value();
  s.wait_indexed();
  auto settled = [&] {
    const auto expected = expected_coins(s.node, scripts);
    return s.try_wallet("getbalance", xpub) == json::value(expected_balance(expected)) &&
           same(unspent_of(s.try_wallet("listunspent", xpub)), expected);
  };
  BOOST_TEST_REQUIRE(eventually(settled));
  BOOST_TEST(s.wallet("getbalance", xpub) == json::parse(R"({"confirmed": "1.5", "unconfirmed": "0.035"})"));
  BOOST_TEST(s.wallet("getunusedaddress", xpub) == json::value(addr(scripts[3])));
  BOOST_TEST(s.wallet("getaddressbalance_wallet", xpub, {{"address", addr(scripts[1])}}) ==
             json::parse(R"({"confirmed": "0", "unconfirmed": "0.01", "unmatured": "0"})"));
  BOOST_TEST(s.result("getaddressbalance", json::array{json::string(addr(scripts[0]))}) ==
             json::parse(R"({"confirmed": "1.5", "unconfirmed": "0"})"));

  s.mine();
  BOOST_TEST_REQUIRE(eventually(settled));
  BOOST_TEST(s.wallet("getbalance", xpub) == json::parse(R"({"confirmed": "1.535"})"));
  // Every confirmed transaction is verified by SPV, once: verified_tx for each, new_transaction
  // for each.
  BOOST_TEST_REQUIRE(eventually([&] {
    return s.try_wallet("get_tx_status", xpub, {{"txid", third.to_hex()}}) == json::parse(R"({"confirmations": 1})");
  }));
  BOOST_TEST(s.wallet("get_tx_status", xpub, {{"txid", first.to_hex()}}) == json::parse(R"({"confirmations": 2})"));
  const json::value updates = s.wallet("get_updates", xpub);
  const std::multiset<std::string> all{first.to_hex(), second.to_hex(), third.to_hex()};
  BOOST_TEST((events_of(updates, "new_transaction") == all));
  BOOST_TEST((events_of(updates, "verified_tx") == all));

  // onchain_history: Electrum's keys, sorted; balances that add up.
  const json::value history = s.wallet("onchain_history", xpub);
  const auto& txs = history.at("transactions").as_array();
  BOOST_TEST_REQUIRE(txs.size() == 3u);
  BOOST_TEST(txs[0].at("txid") == json::value(first.to_hex()));
  BOOST_TEST(txs[0].at("bc_value") == json::value("1.5"));
  BOOST_TEST(txs[2].at("bc_balance") == json::value("1.535"));
  BOOST_TEST(txs[0].at("confirmations") == json::value(2));
  BOOST_TEST(txs[0].at("incoming") == json::value(true));
  BOOST_TEST(txs[0].at("fee") == json::value(nullptr));
  BOOST_TEST(history.at("summary").at("begin").at("BTC_balance") == json::value("0."));
  BOOST_TEST(history.at("summary").at("end").at("BTC_balance") == json::value("1.535"));
  BOOST_TEST(history.at("summary").at("flow").at("BTC_incoming") == json::value("1.535"));
  std::vector<std::string> keys;
  for (const auto& kv : txs[0].as_object()) keys.emplace_back(kv.key());
  BOOST_TEST((keys == std::vector<std::string>{"bc_balance", "bc_value", "confirmations", "date", "fee", "fee_sat",
                                               "height", "incoming", "label", "monotonic_timestamp", "timestamp",
                                               "txid", "txpos_in_block"}));

  // Reorgs of depth 1 and 3: the last blocks are replaced by empty ones (one more than they
  // were); the wallet's transactions in them go back to the mempool, then are mined again.
  auto confirmations = [&](const Txid& t) {
    return s.try_wallet("get_tx_status", xpub, {{"txid", t.to_hex()}}).at("confirmations").template to_number<int>();
  };
  for (int depth : {1, 3}) {
    BOOST_TEST_CONTEXT("a reorg of depth " << depth) {
      s.node.invalidate_block(s.node.block_hash(s.node.height() - depth + 1).value()).value();
      for (int i = 0; i <= depth; ++i) s.node.generate_block(s.node.faucet_script(), {}).value();
      s.wait_indexed();
      BOOST_TEST_REQUIRE(eventually(settled));
      BOOST_TEST(s.wallet("getbalance", xpub) == json::parse(R"({"confirmed": "1.5", "unconfirmed": "0.035"})"));
      BOOST_TEST_REQUIRE(eventually([&] { return confirmations(third) == 0 && confirmations(second) == 0; }));
      BOOST_TEST_REQUIRE(eventually([&] { return confirmations(first) == s.node.height() - first_mined + 1; }));
      s.mine();
      BOOST_TEST_REQUIRE(eventually(settled));
      BOOST_TEST_REQUIRE(eventually([&] { return confirmations(third) == 1 && confirmations(second) == 1; }));
    }
  }
}

}  // namespace coinkit::test
