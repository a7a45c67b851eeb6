#include <coinkit/regtest/rpc_server.hpp>

#include "rpc_fixture.hpp"

#include <coinkit/address/address.hpp>
#include <coinkit/chain/block.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/core/hex.hpp>

#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

using namespace coinkit;
using namespace coinkit::test;
namespace http = boost::beast::http;

namespace {

const AddressFormat& regtest_format() { return BtcPolicy::networks[2].address; }

std::string str(const json::value& v) { return std::string(v.as_string()); }

std::int64_t sats(const json::value& v) { return static_cast<std::int64_t>(std::llround(v.to_number<double>() * 1e8)); }

// Pays `amount` to a fresh faucet address without submitting: a signed transaction to play with.
Transaction unsent_payment(regtest::BasicNode& node, std::int64_t amount, const regtest::SendOptions& extra = {}) {
  regtest::SendOptions o = extra;
  o.submit = false;
  const regtest::Payment pay{node.new_script(regtest::AddressType::bech32).value(), amount};
  return node.send(std::span<const regtest::Payment>(&pay, 1), o).value();
}

std::string hex_of(const Transaction& tx) { return to_hex(tx.serialize()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(rpc_server)

// Every block of a 102-block chain through getblockhash, getblock 0/1/2 and getblockheader,
// checked against the node and against our own parse of the raw bytes.
BOOST_AUTO_TEST_CASE(chain_methods_match_the_node_and_the_raw_blocks) {
  RpcFixture f;
  const std::string address = str(f.call("getnewaddress"));
  const json::array mined = f.call("generatetoaddress", {101, address}).as_array();
  BOOST_REQUIRE_EQUAL(mined.size(), 101u);
  const regtest::BasicNode& node = f.node();
  BOOST_TEST(f.call("getblockcount") == json::value(node.height()));
  BOOST_TEST(str(f.call("getbestblockhash")) == node.tip().to_hex());

  const Bytes address_script = to_script_pubkey_or_throw(address, regtest_format());
  int blocks_checked = 0, txs_checked = 0;
  for (int h = 0; h <= node.height(); ++h) {
    const std::string hash = str(f.call("getblockhash", {h}));
    BOOST_TEST(hash == node.block_hash(h)->to_hex());
    if (h > 0) BOOST_TEST(str(mined[static_cast<std::size_t>(h - 1)]) == hash);

    const Bytes raw = from_hex(str(f.call("getblock", {hash, 0})));
    BOOST_TEST(raw == *node.block(BlockHash::from_hex(hash))->raw);
    const Block block = Block::parse(raw);
    BOOST_TEST(block.hash().to_hex() == hash);

    const json::object v1 = f.call("getblock", {hash, 1}).as_object();
    BOOST_TEST(v1.at("height") == json::value(h));
    BOOST_TEST(v1.at("confirmations") == json::value(node.height() - h + 1));
    BOOST_TEST(v1.at("size") == json::value(raw.size()));
    BOOST_TEST(v1.at("nTx") == json::value(block.transactions.size()));
    BOOST_TEST(str(v1.at("merkleroot")) == BlockHash::from(block.header.merkle_root).to_hex());
    BOOST_TEST(str(v1.at("bits")) == "207fffff");
    BOOST_TEST(v1.at("time") == json::value(block.header.time));
    BOOST_TEST(v1.contains("previousblockhash") == (h > 0));
    BOOST_TEST(v1.contains("nextblockhash") == (h < node.height()));
    const json::array& txids = v1.at("tx").as_array();
    BOOST_REQUIRE_EQUAL(txids.size(), block.transactions.size());
    for (std::size_t i = 0; i < txids.size(); ++i) BOOST_TEST(str(txids[i]) == block.transactions[i].txid().to_hex());

    const json::object v2 = f.call("getblock", {hash, 2}).as_object();
    const json::array& txs = v2.at("tx").as_array();
    BOOST_REQUIRE_EQUAL(txs.size(), block.transactions.size());
    for (std::size_t i = 0; i < txs.size(); ++i) {
      const json::object& t = txs[i].as_object();
      const Transaction& tx = block.transactions[i];
      BOOST_TEST(Transaction::parse(from_hex(str(t.at("hex")))).wtxid() == tx.wtxid());
      BOOST_TEST(str(t.at("txid")) == tx.txid().to_hex());
      BOOST_TEST(str(t.at("hash")) == tx.wtxid().to_hex());
      BOOST_TEST(t.at("size") == json::value(tx.size()));
      BOOST_TEST(t.at("vsize") == json::value(tx.vsize()));
      BOOST_TEST(t.at("weight") == json::value(tx.weight()));
      BOOST_TEST(t.at("locktime") == json::value(tx.lock_time()));
      BOOST_TEST(t.at("vin").as_array().at(0).as_object().contains("coinbase") == tx.is_coinbase());
      const json::array& vout = t.at("vout").as_array();
      BOOST_REQUIRE_EQUAL(vout.size(), tx.outputs().size());
      for (std::size_t n = 0; n < vout.size(); ++n) {
        const json::object& o = vout[n].as_object();
        BOOST_TEST(sats(o.at("value")) == tx.outputs()[n].value);
        BOOST_TEST(o.at("n") == json::value(n));
        const json::object& spk = o.at("scriptPubKey").as_object();
        BOOST_TEST(from_hex(str(spk.at("hex"))) == tx.outputs()[n].script_pubkey);
        BOOST_TEST(str(spk.at("type")) == to_string(classify(tx.outputs()[n].script_pubkey)));
        const std::string desc = str(spk.at("desc"));
        BOOST_TEST(desc.substr(desc.size() - 9, 1) == "#");
        if (spk.contains("address"))
          BOOST_TEST(to_script_pubkey_or_throw(str(spk.at("address")), regtest_format()) ==
                     tx.outputs()[n].script_pubkey);
      }
      ++txs_checked;
    }
    // Blocks mined by generatetoaddress pay the address asked for.
    if (h > 0) BOOST_TEST(block.transactions[0].outputs()[0].script_pubkey == address_script);

    const Bytes header = from_hex(str(f.call("getblockheader", {hash, false})));
    BOOST_TEST(BlockHeader::parse(header).hash().to_hex() == hash);
    const json::object hv = f.call("getblockheader", {hash}).as_object();
    BOOST_TEST(str(hv.at("hash")) == hash);
    BOOST_TEST(!hv.contains("tx"));
    ++blocks_checked;
  }
  BOOST_TEST(blocks_checked == 102);
  BOOST_TEST(txs_checked == 102);

  const json::object info = f.call("getblockchaininfo").as_object();
  BOOST_TEST(str(info.at("chain")) == "regtest");
  BOOST_TEST(info.at("blocks") == json::value(101));
  BOOST_TEST(info.at("headers") == json::value(101));
  BOOST_TEST(str(info.at("bestblockhash")) == node.tip().to_hex());
  BOOST_TEST(info.at("difficulty").as_double() == 4.656542373906925e-10);
  BOOST_TEST(str(info.at("target")) == "7fffff0000000000000000000000000000000000000000000000000000000000");
  BOOST_TEST(info.at("initialblockdownload") == json::value(false));
  BOOST_TEST(info.at("warnings").is_array());

  const json::object net = f.call("getnetworkinfo").as_object();
  BOOST_TEST(net.at("version") == json::value(290000));
  BOOST_TEST(str(net.at("subversion")) == "/coinkit:0.1.0/");
  BOOST_TEST(sats(net.at("relayfee")) == 1000);

  const json::object index = f.call("getindexinfo").as_object();
  BOOST_TEST(index.at("txindex").at("synced") == json::value(true));
  BOOST_TEST(index.at("txindex").at("best_block_height") == json::value(101));
  BOOST_TEST(f.call("getindexinfo", {"coinstatsindex"}).as_object().empty());

  // The wire text: amounts with 8 decimals, as bitcoind writes them.
  const RpcResponse r = f.post(RpcFixture::request("getblock", {node.tip().to_hex(), 2}));
  BOOST_TEST(r.text.find("\"value\":50.00000000") != std::string::npos);
  BOOST_TEST(r.text.back() == '\n');

  // The genesis coinbase is not a transaction to bitcoind.
  check_rpc_error(f, "getrawtransaction", {node.params().genesis.transactions[0].txid().to_hex()}, -5,
                  "The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved");
}

BOOST_AUTO_TEST_CASE(faucet_wallet_and_mempool) {
  RpcFixture f;
  regtest::BasicNode& node = f.node();
  node.generate(110);

  const std::pair<const char*, ScriptType> types[] = {{"legacy", ScriptType::p2pkh},
                                                      {"p2sh-segwit", ScriptType::p2sh},
                                                      {"bech32", ScriptType::p2wpkh},
                                                      {"bech32m", ScriptType::p2tr}};
  std::vector<std::string> addresses;
  for (const auto& [name, type] : types) {
    addresses.push_back(str(f.call("getnewaddress", {"", name})));
    BOOST_TEST(to_string(classify(to_script_pubkey_or_throw(addresses.back(), regtest_format()))) == to_string(type),
               name);
  }
  BOOST_TEST(f.fail("getnewaddress", {"", "foo"}).code == -5);

  BOOST_TEST(sats(f.call("getbalance")) == node.balance());

  std::vector<std::string> txids;
  for (const std::string& a : addresses) txids.push_back(str(f.call("sendtoaddress", {a, 1.5})));
  const json::value many = f.call("sendmany", {"", json::object{{addresses[0], 0.1}, {addresses[2], "0.2"}}});
  txids.push_back(str(many));

  const json::array pool = f.call("getrawmempool").as_array();
  std::set<std::string> in_pool;
  for (const auto& t : pool) in_pool.insert(str(t));
  BOOST_TEST(in_pool == std::set<std::string>(txids.begin(), txids.end()));
  BOOST_TEST(pool.size() == node.mempool_txids().size());

  const json::object verbose = f.call("getrawmempool", {true}).as_object();
  BOOST_TEST(verbose.size() == txids.size());
  for (const std::string& t : txids) {
    const json::object& e = verbose.at(t).as_object();
    const auto entry = node.mempool_entry(Txid::from_hex(t)).value();
    BOOST_TEST(sats(e.at("fees").at("base")) == entry.fee);
    BOOST_TEST(e.at("vsize") == json::value(entry.vsize));
    BOOST_TEST(f.call("getmempoolentry", {t}) == verbose.at(t));

    const Transaction tx = Transaction::parse(from_hex(str(f.call("getrawtransaction", {t}))));
    BOOST_TEST(tx.txid().to_hex() == t);
    const json::object d = f.call("getrawtransaction", {t, true}).as_object();
    BOOST_TEST(str(d.at("txid")) == t);
    BOOST_TEST(!d.contains("blockhash"));
  }
  const json::object sent = f.call("getrawtransaction", {txids[2], 1}).as_object();
  bool paid = false;
  for (const auto& o : sent.at("vout").as_array())
    paid = paid || (o.at("scriptPubKey").as_object().contains("address") &&
                    str(o.at("scriptPubKey").at("address")) == addresses[2] && sats(o.at("value")) == 150'000'000);
  BOOST_TEST(paid);
  const json::object many_tx = f.call("getrawtransaction", {txids.back(), 1}).as_object();
  std::set<std::int64_t> values;
  for (const auto& o : many_tx.at("vout").as_array()) values.insert(sats(o.at("value")));
  BOOST_TEST(values.count(10'000'000) == 1u);
  BOOST_TEST(values.count(20'000'000) == 1u);

  const json::object info = f.call("getmempoolinfo").as_object();
  BOOST_TEST(info.at("size") == json::value(txids.size()));
  BOOST_TEST(info.at("bytes") == json::value(node.mempool_info().bytes));

  // testmempoolaccept: nothing changes.
  const Transaction unsent = unsent_payment(node, 30'000'000);
  const json::object accept = f.call("testmempoolaccept", {json::array{hex_of(unsent)}}).as_array().at(0).as_object();
  BOOST_TEST(accept.at("allowed") == json::value(true));
  BOOST_TEST(str(accept.at("txid")) == unsent.txid().to_hex());
  BOOST_TEST(accept.at("vsize") == json::value(unsent.vsize()));
  BOOST_TEST(f.call("getrawmempool").as_array().size() == txids.size());
  check_rpc_error(f, "testmempoolaccept", {json::array{}}, -8, "Array must contain between 1 and 25 transactions.");

  const json::object fee = f.call("estimatesmartfee", {6}).as_object();
  BOOST_TEST((fee.contains("feerate") || fee.contains("errors")));
  check_rpc_error(f, "estimatesmartfee", {0}, -8, "Invalid conf_target, must be between 1 and 1008");
  check_rpc_error(f, "estimatesmartfee", {2, "fast"}, -8,
                  "Invalid estimate_mode parameter, must be one of: \"unset\", \"economical\", \"conservative\"");

  // Mined: the mempool empties and the transactions carry their block.
  const std::string tip = str(f.call("generatetoaddress", {1, addresses[0]}).as_array().at(0));
  BOOST_TEST(f.call("getrawmempool").as_array().empty());
  for (const std::string& t : txids) {
    const json::object d = f.call("getrawtransaction", {t, true}).as_object();
    BOOST_TEST(str(d.at("blockhash")) == tip);
    BOOST_TEST(d.at("confirmations") == json::value(1));
    const json::object in_block = f.call("getrawtransaction", {t, true, tip}).as_object();
    BOOST_TEST(in_block.at("in_active_chain") == json::value(true));
  }
  BOOST_TEST(f.fail("getrawtransaction", {txids[0], true, node.block_hash(1)->to_hex()}).code == -5);

  const json::array unspent = f.call("listunspent", {1, 9999999, json::array{addresses[2]}}).as_array();
  BOOST_TEST(unspent.size() == 2u);  // 1.5 and 0.2
  for (const auto& u : unspent) BOOST_TEST(str(u.at("address")) == addresses[2]);
  check_rpc_error(f, "listunspent", (json::array{1, 10, json::array{"nonsense"}}), -5,
                  "Invalid Bitcoin address: nonsense");
  BOOST_TEST(sats(f.call("getbalance")) == node.balance());
  check_rpc_error(f, "getbalance", {"x"}, -32, "dummy first argument must be excluded or set to \"*\".");
  check_rpc_error(f, "sendtoaddress", {addresses[0], 0}, -3, "Invalid amount for send");
  check_rpc_error(f, "sendtoaddress", {addresses[0], "1.000000001"}, -3, "Invalid amount");
  check_rpc_error(f, "sendmany", {"x", json::object{{addresses[0], 1}}}, -8, "Dummy value must be set to \"\"");
}

// Each bad transaction gets bitcoind's code and reason, and the node keeps serving.
BOOST_AUTO_TEST_CASE(bad_transactions_get_bitcoinds_codes) {
  RpcFixture f;
  regtest::BasicNode& node = f.node();
  node.generate(101);
  const std::string decode_failed = "TX decode failed. Make sure the tx has at least one input.";

  check_rpc_error(f, "sendrawtransaction", {"zz"}, -22, decode_failed);
  check_rpc_error(f, "sendrawtransaction", {"0200000001"}, -22, decode_failed);
  const Transaction tx1 = unsent_payment(node, 10'000'000);
  const std::string hex1 = hex_of(tx1);
  check_rpc_error(f, "sendrawtransaction", {hex1.substr(0, hex1.size() - 2)}, -22, decode_failed);
  check_rpc_error(f, "testmempoolaccept", {json::array{"zz"}}, -22,
                  "TX decode failed: zz Make sure the tx has at least one input.");

  // A double spend of a mempool transaction's input.
  regtest::SendOptions same_inputs;
  for (const TxIn& in : tx1.inputs()) same_inputs.inputs.push_back(in.prevout);
  const Transaction tx2 = unsent_payment(node, 20'000'000, same_inputs);
  BOOST_TEST(str(f.call("sendrawtransaction", {hex1})) == tx1.txid().to_hex());
  BOOST_TEST(str(f.call("sendrawtransaction", {hex1})) == tx1.txid().to_hex());  // already there: its txid
  const RpcFailure conflict = f.fail("sendrawtransaction", {hex_of(tx2)});
  BOOST_TEST(conflict.code == -26);
  // (tx1 signals BIP125: tx2 is a replacement paying no higher a rate, which Core refuses so.)
  BOOST_TEST(conflict.message.rfind("insufficient fee, rejecting replacement " + tx2.txid().to_hex() + "; new feerate ",
                                    0) == 0u,
             conflict.message);
  const json::object rejected = f.call("testmempoolaccept", {json::array{hex_of(tx2)}}).as_array().at(0).as_object();
  BOOST_TEST(rejected.at("allowed") == json::value(false));
  BOOST_TEST(str(rejected.at("reject-reason")) == "insufficient fee");

  // Once tx1 is mined: its input is gone, and tx1 itself is in the UTXO set.
  f.call("generatetoaddress", {1, str(f.call("getnewaddress"))});
  const RpcFailure missing = f.fail("sendrawtransaction", {hex_of(tx2)});
  BOOST_TEST(missing.code == -25);
  BOOST_TEST(missing.message == "bad-txns-inputs-missingorspent");
  check_rpc_error(f, "sendrawtransaction", {hex1}, -27, "Transaction outputs already in utxo set");

  // A coinbase spent before it matures (the tip's coinbase has 1 confirmation).
  const Block tip_block = Block::parse(*node.block(node.tip()).value().raw);
  MutableTransaction young;
  young.inputs.push_back(TxIn{OutPoint{tip_block.transactions[0].txid(), 0}, {}, TxIn::sequence_final, {}});
  young.outputs.push_back(TxOut{1'000'000, node.new_script(regtest::AddressType::bech32).value()});
  const auto signed_young = node.sign(young);
  BOOST_REQUIRE(signed_young.has_value());
  const RpcFailure premature = f.fail("sendrawtransaction", {hex_of(*signed_young)});
  BOOST_TEST(premature.code == -26);
  BOOST_TEST(premature.message.rfind("bad-txns-premature-spend-of-coinbase", 0) == 0u, premature.message);

  // A signature with one bit flipped.
  MutableTransaction bad = unsent_payment(node, 5'000'000).to_mutable();
  bool flipped = false;
  for (TxIn& in : bad.inputs) {
    Bytes& sig = in.witness.empty() ? in.script_sig : in.witness[0];
    if (sig.size() > 10) sig[sig.size() / 2] ^= 1, flipped = true;
  }
  BOOST_REQUIRE(flipped);
  const RpcFailure bad_sig = f.fail("sendrawtransaction", {hex_of(Transaction(bad))});
  BOOST_TEST(bad_sig.code == -26);
  BOOST_TEST(bad_sig.message.rfind("mandatory-script-verify-flag-failed", 0) == 0u, bad_sig.message);

  // maxburnamount: an OP_RETURN output with value.
  MutableTransaction burn = unsent_payment(node, 5'000'000).to_mutable();
  burn.outputs.push_back(TxOut{1000, null_data_script(as_bytes("x"))});
  check_rpc_error(f, "sendrawtransaction", {hex_of(Transaction(burn))}, -25,
                  "Unspendable output exceeds maximum configured by user (maxburnamount)");
  check_rpc_error(f, "sendrawtransaction", {hex1, 1}, -3,
                  "Fee rates larger than or equal to 1BTC/kvB are not accepted");

  BOOST_TEST(f.call("getblockcount") == json::value(102));
}

BOOST_AUTO_TEST_CASE(json_rpc_envelope_and_errors) {
  RpcFixture f;
  const std::string genesis = f.node().block_hash(0)->to_hex();

  RpcResponse r = f.post("{bad json");
  BOOST_TEST(r.status == 500u);
  BOOST_TEST(r.text == "{\"result\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}\n");
  r = f.post("42");
  BOOST_TEST(r.status == 500u);
  BOOST_TEST(r.body.at("error").at("message") == json::value("Top-level object parse error"));

  const std::pair<std::string, std::string> invalid[] = {
      {R"({"id":7})", "Missing method"},
      {R"({"id":7,"method":5})", "Method must be a string"},
      {R"({"id":7,"method":"getblockcount","params":"x"})", "Params must be an array or object"},
      {R"({"id":7,"jsonrpc":"3.0","method":"getblockcount"})", "JSON-RPC version not supported"},
      {R"({"id":7,"jsonrpc":2,"method":"getblockcount"})", "jsonrpc field must be a string"},
  };
  for (const auto& [body, message] : invalid) {
    r = f.post(body);
    BOOST_TEST(r.status == 400u, body);
    BOOST_TEST(r.body.at("error").at("code") == json::value(-32600), body);
    BOOST_TEST(r.body.at("error").at("message") == json::value(message), body);
    BOOST_TEST(r.body.at("id") == json::value(7), body);
  }

  r = f.post(RpcFixture::request("nosuchmethod", json::array{}));
  BOOST_TEST(r.status == 404u);
  BOOST_TEST(r.text == "{\"result\":null,\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":1}\n");

  RpcFailure e = f.fail("getblockhash", {"x"});
  BOOST_TEST(e.status == 500u);
  BOOST_TEST(e.code == -3);
  BOOST_TEST(e.message ==
             "Wrong type passed:\n{\n    \"Position 1 (height)\": \"JSON value of type string is not of expected type "
             "number\"\n}");
  e = f.fail("getblockcount", {1});
  BOOST_TEST(e.code == -1);
  BOOST_TEST(e.message.rfind("getblockcount\n", 0) == 0u);
  e = f.fail("getblockhash");
  BOOST_TEST(e.code == -1);
  BOOST_TEST(e.message.rfind("getblockhash height\n", 0) == 0u);
  check_rpc_error(f, "getblockhash", {1000}, -8, "Block height out of range");
  check_rpc_error(f, "getblock", {"abc"}, -8, "blockhash must be of length 64 (not 3, for 'abc')");
  check_rpc_error(f, "getblock", {std::string(64, 'z')}, -8,
                  "blockhash must be hexadecimal string (not '" + std::string(64, 'z') + "')");
  check_rpc_error(f, "getblock", {std::string(64, '0')}, -5, "Block not found");
  check_rpc_error(f, "getblockheader", {std::string(64, '0')}, -5, "Block not found");
  check_rpc_error(f, "getrawtransaction", {std::string(64, '1')}, -5,
                  "No such mempool or blockchain transaction. Use gettransaction for wallet transactions.");
  check_rpc_error(f, "getmempoolentry", {std::string(64, '1')}, -5, "Transaction not in mempool");
  check_rpc_error(f, "invalidateblock", {std::string(64, '0')}, -5, "Block not found");

  // Named parameters, aliases included.
  BOOST_TEST(str(f.call("getblockhash", json::object{{"height", 0}})) == genesis);
  BOOST_TEST(f.call("getblock", json::object{{"blockhash", genesis}, {"verbose", 0}}).is_string());
  BOOST_TEST(f.call("getblock", json::object{{"blockhash", genesis}, {"verbosity", 1}}).is_object());
  check_rpc_error(f, "getblockhash", (json::object{{"height", 0}, {"foo", 1}}), -8, "Unknown named parameter foo");
  check_rpc_error(f, "getblock", (json::object{{"blockhash", genesis}, {"verbose", 0}, {"verbosity", 0}}), -8,
                  "Parameter verbose specified multiple times");

  // JSON-RPC 2.0: HTTP 200 with either result or error; notifications get 204.
  r = f.post(R"({"jsonrpc":"2.0","method":"getblockcount","id":"a"})");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.text == "{\"jsonrpc\":\"2.0\",\"result\":0,\"id\":\"a\"}\n");
  r = f.post(R"({"jsonrpc":"2.0","method":"nosuchmethod","id":"b"})");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.text ==
             "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":\"b\"}\n");
  r = f.post(R"({"jsonrpc":"2.0","method":"getblockcount"})");
  BOOST_TEST(r.status == 204u);
  BOOST_TEST(r.text.empty());
  r = f.post(R"({"jsonrpc":"1.0","method":"getblockcount","id":3})");
  BOOST_TEST(r.text == "{\"result\":0,\"error\":null,\"id\":3}\n");

  // Batches: one reply per non-notification, in order, always HTTP 200.
  r = f.post(
      R"([{"method":"getblockcount","id":1},{"method":"nosuchmethod","id":2},)"
      R"({"jsonrpc":"2.0","method":"getblockcount"},{"jsonrpc":"2.0","method":"getblockhash","params":[0],"id":3},)"
      R"(7])");
  BOOST_TEST(r.status == 200u);
  const json::array& batch = r.body.as_array();
  BOOST_REQUIRE_EQUAL(batch.size(), 4u);
  BOOST_TEST(batch[0] == json::parse(R"({"result":0,"error":null,"id":1})"));
  BOOST_TEST(batch[1] == json::parse(R"({"result":null,"error":{"code":-32601,"message":"Method not found"},"id":2})"));
  BOOST_TEST(batch[2] == (json::value(json::object{{"jsonrpc", "2.0"}, {"result", genesis}, {"id", 3}})));
  BOOST_TEST(batch[3].at("error").at("code") == json::value(-32600));
  r = f.post("[]");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.text == "[]\n");
  r = f.post(R"([{"jsonrpc":"2.0","method":"getblockcount"}])");
  BOOST_TEST(r.status == 204u);

  // Not POST, not "/": bitcoind's answers.
  auto get = f.http().get("/", f.auth());
  BOOST_TEST(get.result_int() == 405u);
  BOOST_TEST(get.body() == "JSONRPC server handles only POST requests");
  auto elsewhere = f.http().post("/elsewhere", RpcFixture::request("getblockcount", json::array{}), f.auth());
  BOOST_TEST(elsewhere.result_int() == 404u);
  // "/wallet/<name>" is JSON-RPC too, and names a wallet: one not loaded is bitcoind's -18.
  auto wallet = f.http().post("/wallet/default", RpcFixture::request("getbalance", json::array{}), f.auth());
  BOOST_TEST(wallet.result_int() == 500u);
  BOOST_TEST(json::parse(wallet.body()).at("error").at("code") == json::value(-18));
  auto node_call = f.http().post("/wallet/default", RpcFixture::request("getblockcount", json::array{}), f.auth());
  BOOST_TEST(node_call.result_int() == 200u);

  // help lists every method; help <method> gives its usage.
  const std::string help = str(f.call("help"));
  for (const char* m : {"getblockchaininfo", "getrawtransaction", "sendmany", "stop"})
    BOOST_TEST(help.find(m) != std::string::npos, m);
  BOOST_TEST(str(f.call("help", {"getblock"})).rfind("getblock \"blockhash\" ( verbosity )", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(oversized_bodies_are_refused_and_the_node_keeps_serving) {
  RpcServerOptions o = RpcFixture::default_options();
  o.body_limit = 4096;
  RpcFixture f(o);
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), f.port()});
  const std::string head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + f.server().authorization() +
                           "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(head));
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  BOOST_TEST(res.result_int() == 413u);
  const json::value body = json::parse(res.body());
  BOOST_TEST(body.at("error").at("code") == json::value(-32600));
  BOOST_TEST(body.at("error").at("message") == json::value("Request body too large (limit 4096 bytes)"));
  BOOST_TEST(f.call("getblockcount") == json::value(0));
}

BOOST_AUTO_TEST_CASE(user_password_authentication) {
  RpcFixture f;
  const std::string body = RpcFixture::request("getblockcount", json::array{});
  auto none = f.http().post("/", body);
  BOOST_TEST(none.result_int() == 401u);
  BOOST_TEST(none[http::field::www_authenticate] == "Basic realm=\"jsonrpc\"");
  const std::string wrong = "Basic " + base64_encode(as_bytes(std::string_view("user:wrong")));
  auto bad = f.http().post("/", body, {{"Authorization", wrong}});
  BOOST_TEST(bad.result_int() == 401u);
  auto garbage = f.http().post("/", body, {{"Authorization", "Bearer abc"}});
  BOOST_TEST(garbage.result_int() == 401u);
  BOOST_TEST(f.call("getblockcount") == json::value(0));
  BOOST_TEST(f.server().cookie_file().empty());
}

BOOST_AUTO_TEST_CASE(cookie_authentication) {
  TempDir dir;
  RpcServerOptions o;
  o.datadir = dir.path;
  const auto cookie = dir.path / "regtest" / ".cookie";
  {
    RpcFixture f(o);
    BOOST_TEST(f.server().cookie_file() == cookie);
    std::ifstream in(cookie);
    std::string text;
    std::getline(in, text);
    BOOST_TEST(text.rfind("__cookie__:", 0) == 0u);
    BOOST_TEST(text.size() == 11u + 64u);
    BOOST_TEST(try_from_hex(text.substr(11)).has_value());
    const std::string auth = "Basic " + base64_encode(as_bytes(text));
    auto ok = f.http().post("/", RpcFixture::request("getblockcount", json::array{}), {{"Authorization", auth}});
    BOOST_TEST(ok.result_int() == 200u);
    auto bad =
        f.http().post("/", RpcFixture::request("getblockcount", json::array{}),
                      {{"Authorization", "Basic " + base64_encode(as_bytes(std::string_view("__cookie__:00")))}});
    BOOST_TEST(bad.result_int() == 401u);
    f.shutdown();
    BOOST_TEST(!std::filesystem::exists(cookie));
  }
  RpcServerOptions no_dir;
  boost::asio::io_context io;
  Node<BtcPolicy> node;
  RpcServer server(io.get_executor(), node, no_dir);
  BOOST_CHECK_THROW(server.start(), std::invalid_argument);
}

// invalidateblock of the first block of a branch `depth` long: its transactions return to the
// mempool; mining a longer branch confirms them again and leaves the old blocks stale.
void check_reorg(int depth) {
  RpcFixture f;
  regtest::BasicNode& node = f.node();
  node.generate(101);
  const std::string address = str(f.call("getnewaddress"));
  std::set<std::string> sent;
  for (int i = 0; i < 3; ++i) sent.insert(str(f.call("sendtoaddress", {address, 1})));
  const int base = node.height();
  const json::array branch = f.call("generatetoaddress", {depth, address}).as_array();
  BOOST_TEST(f.call("getrawmempool").as_array().empty());
  const std::string first = str(branch.at(0)), old_tip = str(branch.back());

  BOOST_TEST(f.call("invalidateblock", {first}).is_null());
  BOOST_TEST(f.call("getblockcount") == json::value(base));
  std::set<std::string> back;
  const json::value pool = f.call("getrawmempool");
  for (const auto& t : pool.as_array()) back.insert(str(t));
  BOOST_TEST(back == sent);  // the branch's coinbases are not among them
  BOOST_TEST(f.call("getblockheader", {old_tip}).at("confirmations") == json::value(-1));

  const json::array replacement = f.call("generatetoaddress", {depth + 1, address}).as_array();
  BOOST_TEST(f.call("getrawmempool").as_array().empty());
  BOOST_TEST(f.call("getblockcount") == json::value(base + depth + 1));
  for (const std::string& t : sent)
    BOOST_TEST(str(f.call("getrawtransaction", {t, true}).at("blockhash")) == str(replacement.at(0)));

  // Reconsidered, the old branch has less work and stays stale.
  BOOST_TEST(f.call("reconsiderblock", {first}).is_null());
  BOOST_TEST(str(f.call("getbestblockhash")) == str(replacement.back()));
  BOOST_TEST(f.call("getblock", {old_tip}).at("confirmations") == json::value(-1));
  BOOST_TEST(f.call("getblockhash", {base + 1}) == replacement.at(0));
}

BOOST_AUTO_TEST_CASE(reorg_depth_1) { check_reorg(1); }
BOOST_AUTO_TEST_CASE(reorg_depth_6) { check_reorg(6); }
BOOST_AUTO_TEST_CASE(reorg_depth_100) { check_reorg(100); }

BOOST_AUTO_TEST_CASE(generateblock_and_submitblock) {
  RpcFixture f;
  regtest::BasicNode& node = f.node();
  node.generate(101);
  const std::string address = str(f.call("getnewaddress"));
  const std::string pooled = str(f.call("sendtoaddress", {address, 2}));
  const Transaction raw_tx = unsent_payment(node, 1'000'000);  // after: the faucet avoids coins the mempool spends
  const json::object made = f.call("generateblock", {address, json::array{pooled, hex_of(raw_tx)}}).as_object();
  const std::string hash = str(made.at("hash"));
  BOOST_TEST(hash == node.tip().to_hex());
  const json::array txs = f.call("getblock", {hash, 1}).at("tx").as_array();
  BOOST_REQUIRE_EQUAL(txs.size(), 3u);
  BOOST_TEST(str(txs[1]) == pooled);
  BOOST_TEST(str(txs[2]) == raw_tx.txid().to_hex());
  check_rpc_error(f, "generateblock", (json::array{address, json::array{std::string(64, '1')}}), -5,
                  "Transaction " + std::string(64, '1') + " not in mempool.");
  check_rpc_error(f, "generateblock", (json::array{"nonsense", json::array{}}), -5,
                  "Error: Invalid address or descriptor");
  check_rpc_error(f, "generatetoaddress", (json::array{1, "nonsense"}), -5, "Error: Invalid address");

  const std::string tip_hex = str(f.call("getblock", {hash, 0}));
  BOOST_TEST(f.call("submitblock", {tip_hex}) == json::value("duplicate"));
  check_rpc_error(f, "submitblock", {"zz"}, -22, "Block decode failed");
  BOOST_TEST(f.fail("submitblock", {"00"}).code == -22);
}

// Blocks mined by another node on the same genesis are accepted by submitblock (null).
BOOST_AUTO_TEST_CASE(submitblock_accepts_blocks_mined_elsewhere) {
  RpcFixture f;
  Node<BtcPolicy> other;
  const std::vector<BlockHash> hashes = other.generate(3);
  for (const BlockHash& h : hashes) BOOST_TEST(f.call("submitblock", {to_hex(*other.block(h).value().raw)}).is_null());
  BOOST_TEST(str(f.call("getbestblockhash")) == hashes.back().to_hex());
  BOOST_TEST(f.call("submitblock", {to_hex(*other.block(hashes[0]).value().raw)}) == json::value("duplicate"));
}

BOOST_AUTO_TEST_CASE(stop_rpc_answers_then_stops) {
  RpcFixture f;
  std::atomic<bool> stopped{false};
  f.server().on_stop([&] { stopped = true; });
  BOOST_TEST(f.call("stop") == json::value("Bitcoin Core stopping"));
  for (int i = 0; i < 200 && !stopped; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  BOOST_TEST(stopped.load());
}

BOOST_AUTO_TEST_CASE(chain_persists_across_a_node_restart) {
  TempDir dir;
  Node<BtcPolicy>::Options options;
  options.datadir = dir.path;
  std::string tip;
  {
    RpcFixture f(RpcFixture::default_options(), options);
    f.call("generatetoaddress", {7, str(f.call("getnewaddress"))});
    tip = str(f.call("getbestblockhash"));
  }
  RpcFixture f(RpcFixture::default_options(), options);
  BOOST_TEST(f.call("getblockcount") == json::value(7));
  BOOST_TEST(str(f.call("getbestblockhash")) == tip);
  BOOST_TEST(f.call("getblock", {tip, 2}).at("height") == json::value(7));
}

BOOST_AUTO_TEST_SUITE_END()
