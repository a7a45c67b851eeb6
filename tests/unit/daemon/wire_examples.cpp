// Bitcart's recorded exchanges (shared/reference/bitcart-wire-examples.md) replayed against
// Daemon<BtcPolicy> on a regtest chain of its own: where a reply depends only on the request (keys,
// addresses, errors) it must be the recorded one, byte for byte once parsed; where it depends on
// that other chain (txids, heights, dates) it must have the recorded shape: the same keys in the
// same order, the same JSON types, amounts written the same way.
#include "wallet_stack.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <set>

using namespace coinkit;
using namespace coinkit::test;

namespace {

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
