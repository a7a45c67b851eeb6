#include <coinkit/electrum/electrum_service.hpp>

#include "fixture.hpp"

#include <coinkit/chain/merkle.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>

using namespace coinkit;
using namespace coinkit::test;

namespace {

std::string header_hex(regtest::Node<BtcPolicy>& node, int h) {
  return to_hex(node.block(node.block_hash(h).value()).value().header.serialize());
}

// Folds a merkle branch (display hex, deepest first) from a leaf up: the root in display hex.
std::string fold(const Hash256& leaf, std::size_t pos, const json::array& branch) {
  Hash256 h = leaf;
  for (const auto& s : branch) {
    const Hash256 sibling = Hash256::from_hex(s.as_string());
    h = (pos & 1) ? chain::detail::hash_pair(sibling, h) : chain::detail::hash_pair(h, sibling);
    pos >>= 1;
  }
  return h.to_hex();
}

// The Electrum status computed here from a get_history reply: sha256 of "txid:height:"...
json::value status_of_history(const json::array& history) {
  if (history.empty()) return nullptr;
  std::string text;
  for (const auto& e : history)
    text += std::string(e.at("tx_hash").as_string()) + ":" + std::to_string(e.at("height").as_int64()) + ":";
  return json::value(to_hex(sha256(as_bytes(text)).span()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(electrum_service)

BOOST_AUTO_TEST_CASE(server_methods) {
  ElectrumFixture f;
  ProtocolClient c(f);
  BOOST_TEST(json::serialize(c.call("server.version", {"electrum/4.3.4", "1.4"})) == R"(["coinkit 0.1.0","1.4"])");
  const json::value features = c.call("server.features");
  BOOST_TEST(features.at("genesis_hash") == json::value(regtest_network().genesis_hash.to_hex()));
  BOOST_TEST(features.at("hash_function") == json::value("sha256"));
  BOOST_TEST(features.at("protocol_min") == json::value("1.4"));
  BOOST_TEST(features.at("protocol_max") == json::value("1.6"));
  BOOST_TEST(features.at("server_version") == json::value("coinkit 0.1.0"));
  BOOST_TEST(features.at("pruning").is_null());
  BOOST_TEST(c.call("server.banner") == json::value("You are connected to an coinkit 0.1.0 server."));
  BOOST_TEST(c.call("server.donation_address") == json::value(""));
  BOOST_TEST(c.call("server.peers.subscribe") == json::array());
  BOOST_TEST(c.call("server.ping").is_null());
  BOOST_TEST(c.call("server.add_peer", {json::object{}}) == json::value(false));
}

BOOST_AUTO_TEST_CASE(banner_file_substitutions) {
  ElectrumFixture f([](electrum::ServerConfig& c) {
    c.banner = "v$SERVER_VERSION on $DAEMON_SUBVERSION ($DAEMON_VERSION), tips: $DONATION_ADDRESS";
    c.donation_address = "bcrt1qtips";
  });
  ProtocolClient c(f);
  c.version();
  // ElectrumX's $DAEMON_VERSION arithmetic (for 0.x version numbers) gives 0.29.0 for 290000.
  BOOST_TEST(c.call("server.banner") == json::value("v0.1.0 on /coinkit:0.1.0/ (0.29.0), tips: bcrt1qtips"));
}

BOOST_AUTO_TEST_CASE(headers_and_checkpoint_proofs) {
  ElectrumFixture f;
  ProtocolClient c(f);
  c.version("1.4");
  const json::value tip = c.call("blockchain.headers.subscribe");
  BOOST_TEST(tip.at("height") == json::value(101));
  BOOST_TEST(tip.at("hex") == json::value(header_hex(f.node, 101)));
  BOOST_TEST(c.call("blockchain.block.header", {7}) == json::value(header_hex(f.node, 7)));

  // 1.4: the headers concatenated in "hex".
  const json::value chunk = c.call("blockchain.block.headers", {95, 10});
  BOOST_TEST(chunk.at("count") == json::value(7));  // only 95..101 exist
  BOOST_TEST(chunk.at("max") == json::value(2016));
  std::string expected;
  for (int h = 95; h <= 101; ++h) expected += header_hex(f.node, h);
  BOOST_TEST(chunk.at("hex") == json::value(expected));
  BOOST_TEST(c.call("blockchain.block.headers", {0, 5000}).at("count") == json::value(102));
  BOOST_TEST(c.call("blockchain.block.headers", {500, 3}).at("count") == json::value(0));

  // Checkpoint proofs: leaves are the block hashes 0..cp_height; the root is computed here.
  std::vector<BlockHash> hashes;
  for (int h = 0; h <= 100; ++h) hashes.push_back(f.node.block_hash(h).value());
  const std::string root = compute_merkle_root(hashes).root.to_hex();
  for (int height : {0, 1, 37, 64, 99, 100}) {
    const json::value proof = c.call("blockchain.block.header", {height, 100});
    BOOST_TEST(proof.at("header") == json::value(header_hex(f.node, height)));
    BOOST_TEST(proof.at("root") == json::value(root));
    BOOST_TEST(fold(Hash256::from(hashes[static_cast<std::size_t>(height)]), static_cast<std::size_t>(height),
                    proof.at("branch").as_array()) == root);
  }
  const json::value with_proof = c.call("blockchain.block.headers", {90, 5, 100});
  BOOST_TEST(with_proof.at("root") == json::value(root));
  BOOST_TEST(fold(Hash256::from(hashes[94]), 94, with_proof.at("branch").as_array()) == root);  // the last header's

  // 1.6: a list of headers.
  ProtocolClient c16(f);
  c16.version("1.6");
  const json::value list = c16.call("blockchain.block.headers", {99, 5});
  BOOST_TEST(list.at("count") == json::value(3));
  BOOST_TEST(list.at("headers").as_array().size() == 3u);
  BOOST_TEST(list.at("headers").at(2) == json::value(header_hex(f.node, 101)));
  BOOST_TEST(!list.as_object().contains("hex"));

  // Errors as ElectrumX words them.
  BOOST_TEST(c.error("blockchain.block.header", {102}).at("message") == json::value("height 102 out of range"));
  BOOST_TEST(c.error("blockchain.block.header", {5, 4}).at("message") ==
             json::value("require header height 5 <= cp_height 4 <= chain height 101"));
  BOOST_TEST(c.error("blockchain.block.header", {5, 1000}).at("code") == json::value(1));
  BOOST_TEST(c.error("blockchain.block.header", {-1}).at("message") ==
             json::value("-1 should be a non-negative integer"));
  BOOST_TEST(c.error("blockchain.block.header", {"x"}).at("message") ==
             json::value("x should be a non-negative integer"));
  // By name, with the documented names.
  BOOST_TEST(c.call("blockchain.block.header", json::object{{"height", 3}}) == json::value(header_hex(f.node, 3)));
}

BOOST_AUTO_TEST_CASE(scripthash_methods_and_status) {
  ElectrumFixture f;
  const Script a = new_script(f.node), b = new_script(f.node);
  const Transaction t1 = f.node.send({{regtest::Payment{a.bytes, 50'000'000}}}).value();
  f.mine();
  const Transaction t2 =
      f.node.send({{regtest::Payment{a.bytes, 20'000'000}, regtest::Payment{b.bytes, 1'000}}}).value();
  f.sync();  // t2 in the mempool
  ProtocolClient c(f);
  c.version();

  const json::value balance = c.call("blockchain.scripthash.get_balance", {a.scripthash});
  BOOST_TEST(balance.at("confirmed") == json::value(50'000'000));
  BOOST_TEST(balance.at("unconfirmed") == json::value(20'000'000));

  const json::value history = c.call("blockchain.scripthash.get_history", {a.scripthash});
  BOOST_TEST_REQUIRE(history.as_array().size() == 2u);
  BOOST_TEST(history.at(0).at("tx_hash") == json::value(t1.txid().to_hex()));
  BOOST_TEST(history.at(0).at("height") == json::value(102));
  BOOST_TEST(!history.at(0).as_object().contains("fee"));
  BOOST_TEST(history.at(1).at("tx_hash") == json::value(t2.txid().to_hex()));
  BOOST_TEST(history.at(1).at("height") == json::value(0));
  BOOST_TEST(history.at(1).at("fee").as_int64() > 0);

  const json::value mempool = c.call("blockchain.scripthash.get_mempool", {a.scripthash});
  BOOST_TEST_REQUIRE(mempool.as_array().size() == 1u);
  BOOST_TEST(mempool.at(0) == history.at(1));

  const json::value utxos = c.call("blockchain.scripthash.listunspent", {a.scripthash});
  BOOST_TEST_REQUIRE(utxos.as_array().size() == 2u);
  BOOST_TEST(utxos.at(0).at("tx_hash") == json::value(t1.txid().to_hex()));
  BOOST_TEST(utxos.at(0).at("height") == json::value(102));
  BOOST_TEST(utxos.at(0).at("value") == json::value(50'000'000));
  BOOST_TEST(utxos.at(1).at("height") == json::value(0));
  BOOST_TEST(utxos.at(1).at("value") == json::value(20'000'000));

  // The status: sha256 of the history string, digest bytes in natural order.
  const json::value status = c.call("blockchain.scripthash.subscribe", {a.scripthash});
  BOOST_TEST(status == status_of_history(history.as_array()));
  BOOST_TEST(c.call("blockchain.scripthash.subscribe", {new_script(f.node).scripthash}).is_null());

  // unsubscribe exists from 1.4.2 on.
  BOOST_TEST(c.error("blockchain.scripthash.unsubscribe", {a.scripthash}).at("code") == json::value(-32601));
  ProtocolClient c2(f);
  c2.version("1.4.2");
  c2.call("blockchain.scripthash.subscribe", {a.scripthash});
  BOOST_TEST(c2.call("blockchain.scripthash.unsubscribe", {a.scripthash}) == json::value(true));
  BOOST_TEST(c2.call("blockchain.scripthash.unsubscribe", {a.scripthash}) == json::value(false));

  const std::string bad = "not-a-hash";
  BOOST_TEST(c.error("blockchain.scripthash.get_balance", {bad}).at("message") ==
             json::value("not-a-hash is not a valid script hash"));
  BOOST_TEST(c.error("blockchain.scripthash.get_history", {5}).at("message") ==
             json::value("5 is not a valid script hash"));
  BOOST_TEST(c.error("blockchain.scripthash.listunspent", {a.scripthash.substr(2)}).at("code") == json::value(1));
}

BOOST_AUTO_TEST_CASE(transactions) {
  ElectrumFixture f;
  const Script a = new_script(f.node);
  std::vector<Transaction> txs;
  for (int i = 0; i < 5; ++i) txs.push_back(f.node.send({{regtest::Payment{a.bytes, 1'000'000 + i}}}).value());
  f.mine();
  ProtocolClient c(f);
  c.version();

  const Transaction& t = txs[3];
  BOOST_TEST(c.call("blockchain.transaction.get", {t.txid().to_hex()}) == json::value(to_hex(t.serialize())));
  const json::value verbose = c.call("blockchain.transaction.get", {t.txid().to_hex(), true});
  BOOST_TEST(verbose.at("txid") == json::value(t.txid().to_hex()));
  BOOST_TEST(verbose.at("confirmations") == json::value(1));
  const json::object missing = c.error("blockchain.transaction.get", {std::string(64, 'a')});
  BOOST_TEST(missing.at("code") == json::value(2));
  BOOST_TEST(missing.at("message").as_string().starts_with("daemon error: DaemonError({'code': -5, 'message': '"));
  BOOST_TEST(c.error("blockchain.transaction.get", {"zz"}).at("message") ==
             json::value("zz should be a transaction hash"));
  BOOST_TEST(c.error("blockchain.transaction.get", {t.txid().to_hex(), "yes"}).at("message") ==
             json::value("\"verbose\" must be a boolean"));

  // Merkle branches verified against the block's merkle root.
  const auto block = f.node.block(f.node.block_hash(102).value()).value();
  const std::string root = Hash256(block.header.merkle_root).to_hex();
  const json::value merkle = c.call("blockchain.transaction.get_merkle", {t.txid().to_hex(), 102});
  BOOST_TEST(merkle.at("block_height") == json::value(102));
  const auto pos = static_cast<std::size_t>(merkle.at("pos").as_int64());
  BOOST_TEST(fold(Hash256::from(t.txid()), pos, merkle.at("merkle").as_array()) == root);

  const json::value at = c.call("blockchain.transaction.id_from_pos", {102, pos, true});
  BOOST_TEST(at.at("tx_hash") == json::value(t.txid().to_hex()));
  BOOST_TEST(at.at("merkle") == merkle.at("merkle"));
  BOOST_TEST(c.call("blockchain.transaction.id_from_pos", {102, pos}) == json::value(t.txid().to_hex()));
  BOOST_TEST(c.error("blockchain.transaction.id_from_pos", {102, 50}).at("message") ==
             json::value("no tx at position 50 in block at height 102"));
  BOOST_TEST(c.error("blockchain.transaction.get_merkle", {t.txid().to_hex(), 101}).at("message") ==
             json::value("tx " + t.txid().to_hex() + " not in block at height 101"));
  BOOST_TEST(c.error("blockchain.transaction.get_merkle", {t.txid().to_hex(), 1000}).at("code") == json::value(1));
}

BOOST_AUTO_TEST_CASE(broadcast) {
  ElectrumFixture f;
  ProtocolClient c(f);
  c.version();
  const Script a = new_script(f.node);
  regtest::SendOptions unsent;
  unsent.submit = false;
  const Transaction t = f.node.send({{regtest::Payment{a.bytes, 123'456}}}, unsent).value();
  const std::string raw = to_hex(t.serialize());
  BOOST_TEST(c.call("blockchain.transaction.broadcast", {raw}) == json::value(t.txid().to_hex()));
  f.sync();
  BOOST_TEST(c.call("blockchain.scripthash.get_mempool", {a.scripthash}).as_array().size() == 1u);

  // Rejected: ElectrumX's wording, the node's message and the raw transaction quoted.
  const json::object bad = c.error("blockchain.transaction.broadcast", {"00"});
  BOOST_TEST(bad.at("code") == json::value(1));
  BOOST_TEST(bad.at("message") == json::value("the transaction was rejected by network rules.\n\nTX decode failed. "
                                              "Make sure the tx has at least one input.\n[00]"));
  // What ElectrumX answers without the node: text no node decodes, and an argument whose len()
  // fails in ElectrumX's cost (aiorpcX's internal error).
  for (const char* text : {"zz", "abc", ""})
    BOOST_TEST(c.error("blockchain.transaction.broadcast", {text}).at("message") ==
               json::value("the transaction was rejected by network rules.\n\nTX decode failed. Make sure the tx "
                           "has at least one input.\n[" +
                           std::string(text) + "]"));
  for (const json::value& v : {json::value(5), json::value(true), json::value(nullptr)}) {
    const json::object e = c.error("blockchain.transaction.broadcast", {v});
    BOOST_TEST(e.at("code") == json::value(-32603));
    BOOST_TEST(e.at("message") == json::value("internal server error"));
  }
  // A double spend of the same faucet output.
  BOOST_TEST(c.call("blockchain.transaction.broadcast", {raw}) == json::value(t.txid().to_hex()));  // again: fine
  regtest::SendOptions same = unsent;
  f.mine(3);  // more coinbases mature
  const auto coins = f.node.list_unspent();
  BOOST_TEST_REQUIRE(!coins.empty());
  same.inputs = {coins[0].outpoint};
  const Transaction first = f.node.send({{regtest::Payment{a.bytes, 1'000}}}, same).value();
  BOOST_TEST(c.call("blockchain.transaction.broadcast", {to_hex(first.serialize())}) ==
             json::value(first.txid().to_hex()));
  const std::string conflict = to_hex(f.node.send({{regtest::Payment{a.bytes, 2'000}}}, same).value().serialize());
  const json::object twice = c.error("blockchain.transaction.broadcast", {conflict});
  BOOST_TEST(twice.at("code") == json::value(1));
  BOOST_TEST(twice.at("message").as_string().starts_with("the transaction was rejected by network rules.\n\n"));
  BOOST_TEST(twice.at("message").as_string().ends_with("\n[" + conflict + "]"));

  // broadcast_package is 1.6 only.
  BOOST_TEST(c.error("blockchain.transaction.broadcast_package", {json::array{raw}}).at("code") == json::value(-32601));
  ProtocolClient c16(f);
  c16.version("1.6");
  BOOST_TEST(c16.error("blockchain.transaction.broadcast_package", {json::array{"zz"}}).at("message") ==
             json::value("not a valid hex encoded transaction package: ['zz']"));

  // Accepted end to end through the node's submitpackage: a zero-fee TRUC (version 3) parent and
  // the child that pays for both, Bitcoin Core 28's package relay.
  auto spend = [&](std::uint32_t version, const OutPoint& from, const TxOut& coin, std::int64_t fee) {
    MutableTransaction m;
    m.version = version;
    m.inputs.push_back(TxIn{from, {}, 0xfffffffd, {}});
    m.outputs.push_back(TxOut{coin.value - fee, a.bytes});
    return f.node.sign(std::move(m), std::span(&coin, 1)).value();  // the parent is not submitted yet
  };
  const auto spendable = f.node.list_unspent();
  BOOST_TEST_REQUIRE(spendable.size() >= 2u);
  const Transaction parent = spend(3, spendable[0].outpoint, TxOut{spendable[0].amount, spendable[0].script_pubkey}, 0);
  const Transaction child = spend(3, OutPoint{parent.txid(), 0}, parent.outputs()[0], 10'000);
  const json::array package{to_hex(parent.serialize()), to_hex(child.serialize())};
  BOOST_TEST(json::serialize(c16.call("blockchain.transaction.broadcast_package", {package})) == R"({"success":true})");
  BOOST_TEST(f.node.mempool_entry(parent.txid())->fee == 0);
  BOOST_TEST(f.node.mempool_entry(child.txid())->depends == std::vector<Txid>{parent.txid()});
  f.sync();
  std::vector<std::string> seen;
  const json::value pool = c.call("blockchain.scripthash.get_mempool", {a.scripthash});
  for (const auto& e : pool.as_array()) seen.emplace_back(e.at("tx_hash").as_string());
  BOOST_TEST((std::find(seen.begin(), seen.end(), parent.txid().to_hex()) != seen.end()));
  BOOST_TEST((std::find(seen.begin(), seen.end(), child.txid().to_hex()) != seen.end()));
  f.mine(1);
  const auto mined_parent = f.node.transaction(parent.txid()).value();
  BOOST_TEST(mined_parent.confirmations == 1);
  BOOST_TEST((f.node.transaction(child.txid()).value().block_hash == mined_parent.block_hash));
  BOOST_TEST(c16.call("blockchain.transaction.get", {child.txid().to_hex(), true}).at("confirmations") ==
             json::value(1));

  // Rejected per transaction: below the minimum relay fee only a TRUC parent may be paid for, so
  // a version 2 one fails and its child finds no input; nothing enters the mempool.
  const Transaction p2 = spend(2, spendable[1].outpoint, TxOut{spendable[1].amount, spendable[1].script_pubkey}, 0);
  const Transaction c2 = spend(2, OutPoint{p2.txid(), 0}, p2.outputs()[0], 10'000);
  const json::value rejected = c16.call("blockchain.transaction.broadcast_package",
                                        {json::array{to_hex(p2.serialize()), to_hex(c2.serialize())}});
  const json::value expected = {
      {"success", false},
      {"errors",
       {{{"txid", p2.txid().to_hex()}, {"error", "min relay fee not met, 0 < " + std::to_string(p2.vsize())}},
        {{"txid", c2.txid().to_hex()}, {"error", "bad-txns-inputs-missingorspent"}}}}};
  BOOST_TEST(json::serialize(rejected) == json::serialize(expected));
  BOOST_TEST(!f.node.mempool_entry(p2.txid()).has_value());
  // Refused by the node as a whole (the child first): its RPC error in ElectrumX's words.
  const json::object unsorted = c16.error("blockchain.transaction.broadcast_package",
                                          {json::array{to_hex(c2.serialize()), to_hex(p2.serialize())}});
  BOOST_TEST(unsorted.at("code") == json::value(1));
  BOOST_TEST(unsorted.at("message") ==
             json::value("the tx package was rejected by network rules.\n\npackage topology disallowed. not "
                         "child-with-parents or parents depend on each other."));
}

BOOST_AUTO_TEST_CASE(fees_and_mempool) {
  ElectrumFixture f;
  ProtocolClient c(f);
  c.version("1.4");
  // Regtest has no fee estimate: the integer -1.
  for (int target : {0, 1, 2, 5, 10, 25, 1000, 5000})
    BOOST_TEST(c.call("blockchain.estimatefee", {target}) == json::value(-1));
  BOOST_TEST(c.call("blockchain.estimatefee", {2, "ECONOMICAL"}) == json::value(-1));
  BOOST_TEST(c.error("blockchain.estimatefee", {2, "FAST"}).at("message") ==
             json::value("unknown estimatefee mode: FAST"));
  BOOST_TEST(c.call("blockchain.relayfee") == json::value(1e-05));
  BOOST_TEST(c.error("mempool.get_info").at("code") == json::value(-32601));
  BOOST_TEST(c.call("mempool.get_fee_histogram") == json::array());

  ProtocolClient c16(f);
  c16.version("1.6");
  BOOST_TEST(c16.error("blockchain.relayfee").at("message") == json::value("unknown method \"blockchain.relayfee\""));
  const json::value info = c16.call("mempool.get_info");
  BOOST_TEST(info.at("minrelaytxfee") == json::value(1e-05));
  BOOST_TEST(info.at("mempoolminfee").is_number());
  BOOST_TEST(info.at("incrementalrelayfee").is_number());

  // A mempool, binned as ElectrumX bins it: a transaction of 1,100 outputs at 50 sat/vB is a bin
  // on its own (more than 30,000 vB); the three small ones below it are less than a bin: dropped.
  const Script a = new_script(f.node);
  regtest::SendOptions high;
  high.fee_rate_sat_per_kvb = 50'000;
  for (int i = 0; i < 3; ++i) f.node.send({{regtest::Payment{a.bytes, 100'000}}}).value();
  const Transaction big = f.node.send(std::vector(1100, regtest::Payment{a.bytes, 1'000}), high).value();
  f.sync();
  const auto entries = f.node.mempool_entries();
  const auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.txid == big.txid(); });
  BOOST_TEST_REQUIRE((it != entries.end()));
  BOOST_TEST_REQUIRE(it->vsize > 30'000u);
  const double rate = std::floor(10 * (static_cast<double>(it->fee) / static_cast<double>(it->vsize))) / 10;
  BOOST_TEST(c.call("mempool.get_fee_histogram") ==
             (json::array{json::array{rate, static_cast<std::int64_t>(it->vsize)}}));
}

BOOST_AUTO_TEST_CASE(notifications_after_blocks_and_payments) {
  ElectrumFixture f;
  ProtocolClient c(f);
  c.version();
  c.call("blockchain.headers.subscribe");
  const Script a = new_script(f.node);
  BOOST_TEST(c.call("blockchain.scripthash.subscribe", {a.scripthash}).is_null());

  // A payment into the mempool: the status changes once.
  const Transaction t = f.node.send({{regtest::Payment{a.bytes, 70'000}}}).value();
  f.sync();
  auto n1 = c.notification("blockchain.scripthash.subscribe");
  BOOST_TEST_REQUIRE(n1.has_value());
  const json::array h1 = c.call("blockchain.scripthash.get_history", {a.scripthash}).as_array();
  BOOST_TEST(n1->at("params") == (json::array{json::value(a.scripthash), status_of_history(h1)}));
  f.sync();  // nothing changed: no notification
  BOOST_TEST(!c.notification("blockchain.scripthash.subscribe", 300ms));

  // Mined: a new header for header subscribers, and the status (height 0 -> 103) again.
  f.mine();
  auto header = c.notification("blockchain.headers.subscribe");
  BOOST_TEST_REQUIRE(header.has_value());
  BOOST_TEST(header->at("params").at(0).at("height") == json::value(102));
  BOOST_TEST(header->at("params").at(0).at("hex") == json::value(header_hex(f.node, 102)));
  auto n2 = c.notification("blockchain.scripthash.subscribe");
  BOOST_TEST_REQUIRE(n2.has_value());
  const json::array h2 = c.call("blockchain.scripthash.get_history", {a.scripthash}).as_array();
  BOOST_TEST(h2.at(0).at("height") == json::value(102));
  BOOST_TEST(n2->at("params").at(1) == status_of_history(h2));
  BOOST_TEST(n2->at("params").at(1) != n1->at("params").at(1));
  BOOST_TEST(!c.notification("blockchain.scripthash.subscribe", 300ms));  // once per change
  (void)t;
}

BOOST_AUTO_TEST_SUITE_END()

// The protocol's method table: every method by name, in the versions that have it, and its
// arguments bound and checked with aiorpcx's and ElectrumX's messages.
BOOST_AUTO_TEST_SUITE(methods)

using Table = ElectrumFixture::Service::Table;

BOOST_AUTO_TEST_CASE(every_method_is_found_by_name) {
  std::size_t n = 0;
  for (const rpc::MethodInfo& m : Table::infos) {
    BOOST_TEST(Table::find(m.name) == &m);
    ++n;
  }
  BOOST_TEST(n == 25u);
  BOOST_TEST(Table::unique_size == 25u);
  BOOST_TEST(!Table::find("blockchain.address.get_balance"));  // removed in 1.3
  BOOST_TEST(!Table::find("blockchain.block.get_chunk"));      // removed in 1.4
  BOOST_TEST(!Table::find(""));
  for (const char* waits :
       {"blockchain.estimatefee", "blockchain.relayfee", "blockchain.transaction.broadcast",
        "blockchain.transaction.broadcast_package", "blockchain.transaction.get", "mempool.get_info", "server.banner"})
    BOOST_TEST(Table::find(waits)->waits(), waits);
  BOOST_TEST(!Table::find("blockchain.scripthash.get_history")->waits());
}

BOOST_AUTO_TEST_CASE(methods_exist_only_in_their_versions) {
  const auto v14 = electrum::ProtocolVersion{1, 4}.bound(), v142 = electrum::ProtocolVersion{1, 4, 2}.bound(),
             v16 = electrum::ProtocolVersion{1, 6}.bound();
  BOOST_TEST(Table::find("blockchain.relayfee")->available(v14));
  BOOST_TEST(!Table::find("blockchain.relayfee")->available(v16));  // removed in 1.6
  BOOST_TEST(!Table::find("mempool.get_info")->available(v142));
  BOOST_TEST(Table::find("mempool.get_info")->available(v16));
  BOOST_TEST(!Table::find("blockchain.transaction.broadcast_package")->available(v14));
  BOOST_TEST(Table::find("blockchain.transaction.broadcast_package")->available(v16));
  BOOST_TEST(!Table::find("blockchain.scripthash.unsubscribe")->available(v14));
  BOOST_TEST(Table::find("blockchain.scripthash.unsubscribe")->available(v142));
  BOOST_TEST(Table::find("blockchain.block.headers")->available(v16));
}

namespace {
// The binding error of a call, "code message", or "" when its arguments fit.
std::string bind_error(std::string_view method, std::string_view params) {
  const json::value p = json::parse(params);
  const rpc::MethodInfo& m = *Table::find(method);
  std::array<const json::value*, 8> slots{};
  const rpc::Mismatch x = rpc::match_arguments(m, rpc::Params::of(&p), {slots.data(), m.params.size()});
  if (x.fits()) return "";
  const auto f = rpc::ElectrumX{}.mismatch(m, rpc::Params::of(&p), x);
  return f ? std::to_string(f->code) + " " + f->message : "";
}
}  // namespace

BOOST_AUTO_TEST_CASE(binds_by_position_and_by_name) {
  const rpc::MethodInfo& m = *Table::find("blockchain.block.header");
  const json::value p = json::parse(R"({"cp_height": 8, "height": 5})");
  std::array<const json::value*, 2> slots{};
  BOOST_TEST(rpc::match_arguments(m, rpc::Params::of(&p), slots).fits());
  BOOST_TEST(slots[0]->as_int64() == 5);
  BOOST_TEST(slots[1]->as_int64() == 8);
  const json::value q = json::parse(R"([5])");
  slots = {};
  BOOST_TEST(rpc::match_arguments(m, rpc::Params::of(&q), slots).fits());
  BOOST_TEST(slots[0]->as_int64() == 5);
  BOOST_TEST(!slots[1]);
}

// aiorpcx's handler_invocation messages, code -32602.
BOOST_AUTO_TEST_CASE(wrong_arguments_get_aiorpcx_messages) {
  BOOST_TEST(bind_error("blockchain.block.header", "[]") ==
             R"(-32602 0 arguments passed to method "blockchain.block.header" but it requires 1)");
  BOOST_TEST(bind_error("blockchain.block.headers", "[1]") ==
             R"(-32602 1 argument passed to method "blockchain.block.headers" but it requires 2)");
  BOOST_TEST(bind_error("server.ping", "[1, 2]") == "-32602 2 arguments passed to method server.ping taking at most 0");
  BOOST_TEST(bind_error("blockchain.block.headers", R"({"count": 1})") ==
             R"(-32602 method "blockchain.block.headers" requires parameter "start_height")");
  BOOST_TEST(bind_error("blockchain.scripthash.subscribe", R"({"scripthash": "", "x": 1, "a": 2})") ==
             R"(-32602 method "blockchain.scripthash.subscribe" does not take parameters "a", "x")");
}

BOOST_AUTO_TEST_CASE(server_version_tolerates_extra_arguments) {  // 1.6
  BOOST_TEST(bind_error("server.version", R"(["electrum/4.6.2", ["1.4", "1.6"], "trailing_garbage1", 9999.9])") == "");
  BOOST_TEST(bind_error("server.version", R"({"client_name": "x", "dd": {}})") == "");
}

BOOST_AUTO_TEST_CASE(non_negative_integer_follows_python_int) {
  auto n = [](std::string_view v) { return rpc::to_non_negative(json::parse(v)); };
  BOOST_TEST(n("12").value_or(-1) == 12);
  BOOST_TEST(n(R"("12")").value_or(-1) == 12);
  BOOST_TEST(n(R"(" 7 ")").value_or(-1) == 7);
  BOOST_TEST(n("3.7").value_or(-1) == 3);
  BOOST_TEST(n("true").value_or(-1) == 1);
  BOOST_TEST(!n("-1"));
  BOOST_TEST(!n(R"("1e3")"));
  BOOST_TEST(!n("null"));
  BOOST_TEST(!n("[1]"));
  BOOST_TEST(rpc::not_non_negative(json::parse(R"("abc")")).message == "abc should be a non-negative integer");
  BOOST_TEST(rpc::not_non_negative(json::parse("-5")).message == "-5 should be a non-negative integer");
  BOOST_TEST(rpc::not_non_negative(json::parse("null")).message == "None should be a non-negative integer");
}

BOOST_AUTO_TEST_CASE(python_str_quotes_as_python_does) {
  BOOST_TEST(rpc::python_str(json::parse(R"(["1.0", 1, true, null])")) == "['1.0', 1, True, None]");
  BOOST_TEST(rpc::python_str(json::parse(R"({"a": "b"})")) == "{'a': 'b'}");
  BOOST_TEST(rpc::python_str(json::parse("1.5")) == "1.5");
}

BOOST_AUTO_TEST_SUITE_END()
