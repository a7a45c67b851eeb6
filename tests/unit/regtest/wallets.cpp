// bitcoind's wallet management over the regtest node's RPC: listwallets, createwallet, loadwallet,
// unloadwallet, /wallet/<name> routing, and each wallet's own keys and coins.
#include <coinkit/regtest/rpc_server.hpp>

#include "rpc_fixture.hpp"

#include <coinkit/address/address.hpp>

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <set>
#include <string>

using namespace coinkit;
using namespace coinkit::test;

namespace {

std::string str(const json::value& v) { return std::string(v.as_string()); }

std::int64_t sats(const json::value& v) { return static_cast<std::int64_t>(std::llround(v.to_number<double>() * 1e8)); }

std::string wallet(const std::string& name) { return "/wallet/" + name; }

const std::string not_loaded = "Requested wallet does not exist or is not loaded";
const std::string not_specified =
    "Multiple wallets are loaded. Please select which wallet to use by requesting the RPC through the "
    "/wallet/<walletname> URI path.";

std::set<std::string> outpoints(const json::value& unspent) {
  std::set<std::string> out;
  for (const auto& u : unspent.as_array())
    out.insert(str(u.at("txid")) + ":" + std::to_string(u.at("vout").as_int64()));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(regtest_wallets)

// No wallet loaded: the node's faucet answers the wallet calls, exactly as before wallets existed.
BOOST_AUTO_TEST_CASE(without_wallets_the_faucet_answers) {
  RpcFixture f;
  regtest::BasicNode& node = f.node();
  node.generate(101);
  BOOST_TEST(f.call("listwallets") == json::array());
  BOOST_TEST(sats(f.call("getbalance")) == node.balance());
  BOOST_TEST(node.balance() == 50 * 100'000'000LL);
  const std::string a = str(f.call("getnewaddress"));
  const std::string txid = str(f.call("sendtoaddress", {a, 1}));
  BOOST_TEST(node.mempool_entry(Txid::from_hex(txid)).has_value());
  // A /wallet/ path names a wallet, and the faucet is none.
  check_rpc_error(f, "getbalance", json::array(), -18, not_loaded, wallet(""));
  check_rpc_error(f, "getbalance", json::array(), -18, not_loaded, wallet("faucet"));
  // Methods that are not wallet methods answer on a wallet path too, as bitcoind's do.
  BOOST_TEST(f.call("getblockcount", json::array(), wallet("anything")) == json::value(101));
}

BOOST_AUTO_TEST_CASE(create_load_unload_replies_and_errors) {
  RpcFixture f;
  // Core 26+: "warnings" only when there are some.
  BOOST_TEST(json::serialize(f.call("createwallet", {"alice"})) == R"({"name":"alice"})");
  BOOST_TEST(json::serialize(f.call("createwallet", {"bob", false, false, ""})) ==
             R"({"name":"bob","warnings":["Empty string given as passphrase, wallet will not be encrypted."]})");
  BOOST_TEST(f.call("listwallets") == (json::array{"alice", "bob"}));

  check_rpc_error(f, "createwallet", {"alice"}, -4,
                  "Wallet file verification failed. Failed to create database path 'wallets/alice'. Database already "
                  "exists.");
  check_rpc_error(f, "createwallet", {"carol", false, false, "secret"}, -4,
                  "Wallet encryption is not supported by this regtest node (its wallets live in memory)");
  check_rpc_error(f, "loadwallet", {"alice"}, -35, "Wallet \"alice\" is already loaded.");
  check_rpc_error(f, "loadwallet", {"carol"}, -18,
                  "Wallet file verification failed. Failed to load database path 'wallets/carol'. Path does not "
                  "exist.");
  BOOST_TEST(f.call("listwallets") == (json::array{"alice", "bob"}));  // the failures made nothing

  // unloadwallet: by argument, or by the endpoint; both must agree.
  check_rpc_error(f, "unloadwallet", {"bob"}, -8,
                  "RPC endpoint wallet and wallet_name parameter specify different wallets", wallet("alice"));
  check_rpc_error(f, "unloadwallet", json::array(), -1, "JSON value of type null is not of expected type string");
  check_rpc_error(f, "unloadwallet", {"carol"}, -18, not_loaded);
  BOOST_TEST(json::serialize(f.call("unloadwallet", {"alice"})) == "{}");
  BOOST_TEST(f.call("listwallets") == (json::array{"bob"}));
  check_rpc_error(f, "unloadwallet", {"alice"}, -18, not_loaded);
  check_rpc_error(f, "getbalance", json::array(), -18, not_loaded, wallet("alice"));
  // Loaded again: last in bitcoind's order.
  BOOST_TEST(json::serialize(f.call("loadwallet", {"alice"})) == R"({"name":"alice"})");
  BOOST_TEST(f.call("listwallets") == (json::array{"bob", "alice"}));
  BOOST_TEST(json::serialize(f.call("unloadwallet", json::array(), wallet("bob"))) == "{}");
  BOOST_TEST(f.call("listwallets") == (json::array{"alice"}));
  // A name that is a taken one, loaded or not, cannot be created again.
  check_rpc_error(f, "createwallet", {"bob"}, -4,
                  "Wallet file verification failed. Failed to create database path 'wallets/bob'. Database already "
                  "exists.");

  // Names are URL-decoded from the path, as bitcoind's urlDecode does.
  BOOST_TEST(f.call("createwallet", {"my wallet"}).at("name") == json::value("my wallet"));
  BOOST_TEST(sats(f.call("getbalance", json::array(), wallet("my%20wallet"))) == 0);

  // A blank wallet (or one without private keys) has no addresses to give.
  f.call("createwallet", {"blank", false, true});
  check_rpc_error(f, "getnewaddress", json::array(), -12, "Error: This wallet has no available keys", wallet("blank"));
  f.call("createwallet", {"watch", true});
  check_rpc_error(f, "getnewaddress", json::array(), -12, "Error: This wallet has no available keys", wallet("watch"));
  BOOST_TEST(sats(f.call("getbalance", json::array(), wallet("watch"))) == 0);
}

// Wallet calls on "/": the only loaded wallet; -19 with two; the faucet again with none.
BOOST_AUTO_TEST_CASE(routing_without_a_wallet_path) {
  RpcFixture f;
  regtest::BasicNode& node = f.node();
  node.generate(101);
  f.call("createwallet", {"alice"});
  // One wallet loaded: "/" is that wallet, new and empty (the faucet's 50 are not its).
  BOOST_TEST(sats(f.call("getbalance")) == 0);
  BOOST_TEST(f.call("listunspent").as_array().empty());
  check_rpc_error(f, "sendtoaddress", {str(f.call("getnewaddress")), 1}, -6, "Insufficient funds");
  const std::string a = str(f.call("getnewaddress"));
  node.send_to_address(a, 200'000'000).value();
  node.generate(1);
  BOOST_TEST(sats(f.call("getbalance")) == 200'000'000);

  f.call("createwallet", {"bob"});
  for (const char* method : {"getnewaddress", "getbalance", "listunspent"})
    check_rpc_error(f, method, json::array(), -19, not_specified);
  check_rpc_error(f, "sendtoaddress", {a, 1}, -19, not_specified);
  check_rpc_error(f, "sendmany", {"", json::object{{a, 1}}}, -19, not_specified);
  // The node's own calls are not wallet calls.
  BOOST_TEST(f.call("getblockcount") == json::value(102));

  f.call("unloadwallet", {"alice"});
  BOOST_TEST(sats(f.call("getbalance")) == 0);  // bob's, the only one loaded
  f.call("unloadwallet", {"bob"});
  BOOST_TEST(sats(f.call("getbalance")) == node.balance());  // the faucet again
  BOOST_TEST(node.balance() > 0);
}

// Each wallet has its own keys and coins: a payment from one to another moves exactly the amount
// between their balances, and neither sees the other's coins or the faucet's.
BOOST_AUTO_TEST_CASE(payment_between_two_wallets) {
  RpcFixture f;
  regtest::BasicNode& node = f.node();
  node.generate(101);
  f.call("createwallet", {"alice"});
  f.call("createwallet", {"bob"});
  const std::string alice_address = str(f.call("getnewaddress", json::array(), wallet("alice")));
  const std::string bob_address = str(f.call("getnewaddress", {"", "bech32m"}, wallet("bob")));
  BOOST_TEST(alice_address != bob_address);
  // The faucet pays alice 10; mined.
  node.send_to_address(alice_address, 1'000'000'000).value();
  node.generate(1);
  BOOST_TEST(sats(f.call("getbalance", json::array(), wallet("alice"))) == 1'000'000'000);
  BOOST_TEST(sats(f.call("getbalance", json::array(), wallet("bob"))) == 0);
  BOOST_TEST(node.balance("alice") == 1'000'000'000);

  // alice pays bob 3.
  const std::string txid = str(f.call("sendtoaddress", {bob_address, 3}, wallet("alice")));
  const regtest::MempoolEntryInfo entry = node.mempool_entry(Txid::from_hex(txid)).value();
  BOOST_TEST(entry.fee > 0);
  node.generate(1);
  BOOST_TEST(sats(f.call("getbalance", json::array(), wallet("bob"))) == 300'000'000);
  BOOST_TEST(sats(f.call("getbalance", json::array(), wallet("alice"))) == 700'000'000 - entry.fee);

  const json::value bob_unspent = f.call("listunspent", json::array(), wallet("bob"));
  BOOST_TEST_REQUIRE(bob_unspent.as_array().size() == 1u);
  BOOST_TEST(str(bob_unspent.at(0).at("address")) == bob_address);
  BOOST_TEST(str(bob_unspent.at(0).at("txid")) == txid);
  BOOST_TEST(sats(bob_unspent.at(0).at("amount")) == 300'000'000);
  const json::value alice_unspent = f.call("listunspent", json::array(), wallet("alice"));
  BOOST_TEST_REQUIRE(alice_unspent.as_array().size() == 1u);  // the change
  BOOST_TEST(str(alice_unspent.at(0).at("txid")) == txid);
  BOOST_TEST(sats(alice_unspent.at(0).at("amount")) == 700'000'000 - entry.fee);
  // The two wallets' coins are disjoint, and none is the faucet's.
  const auto alice_coins = outpoints(alice_unspent), bob_coins = outpoints(bob_unspent);
  for (const regtest::Unspent& u : node.list_unspent()) {
    const std::string op = u.outpoint.txid.to_hex() + ":" + std::to_string(u.outpoint.index);
    BOOST_TEST(!alice_coins.count(op));
    BOOST_TEST(!bob_coins.count(op));
  }
  BOOST_TEST(!alice_coins.count(*bob_coins.begin()));

  // bob pays back with sendmany; an unloaded wallet still sees what it is paid, once loaded.
  const std::string alice_again = str(f.call("getnewaddress", json::array(), wallet("alice")));
  f.call("unloadwallet", {"alice"});
  const std::string back = str(f.call("sendmany", {"", json::object{{alice_again, "1.5"}}}, wallet("bob")));
  const std::int64_t back_fee = node.mempool_entry(Txid::from_hex(back)).value().fee;
  node.generate(1);
  f.call("loadwallet", {"alice"});
  BOOST_TEST(sats(f.call("getbalance", json::array(), wallet("alice"))) == 850'000'000 - entry.fee);
  BOOST_TEST(sats(f.call("getbalance", json::array(), wallet("bob"))) == 150'000'000 - back_fee);
  // The faucet spent only its own coins and was never paid by the wallets.
  for (const regtest::Unspent& u : node.list_unspent()) {
    BOOST_TEST(u.outpoint.txid.to_hex() != txid);
    BOOST_TEST(u.outpoint.txid.to_hex() != back);
  }
}

BOOST_AUTO_TEST_SUITE_END()
