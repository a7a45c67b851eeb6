// submitpackage as Bitcoin Core 29 answers it: a TRUC parent below the minimum relay fee with the
// child that pays for both (CPFP), a child and its parent accepted in order, per-transaction
// failures and the package-wide ones.
#include <coinkit/regtest/rpc_server.hpp>

#include "rpc_fixture.hpp"

#include <coinkit/core/hex.hpp>

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace coinkit;
using namespace coinkit::test;

namespace {

std::string str(const json::value& v) { return std::string(v.as_string()); }

std::int64_t sats(const json::value& v) { return static_cast<std::int64_t>(std::llround(v.to_number<double>() * 1e8)); }

std::string hex_of(const Transaction& tx) { return to_hex(tx.serialize()); }

// A signed transaction of `version` spending output 0 of `parent` (paying the faucet) to a fresh
// faucet key, paying `fee`; the parent need not be submitted.
Transaction spend(regtest::BasicNode& node, std::uint32_t version, const Transaction& parent, std::int64_t fee) {
  MutableTransaction m;
  m.version = version;
  m.inputs.push_back(TxIn{OutPoint{parent.txid(), 0}, {}, 0xfffffffd, {}});
  m.outputs.push_back(TxOut{parent.outputs()[0].value - fee, node.new_script(regtest::AddressType::bech32).value()});
  return node.sign(std::move(m), std::span(&parent.outputs()[0], 1)).value();
}

// The same spending a faucet coin.
Transaction spend(regtest::BasicNode& node, std::uint32_t version, const OutPoint& from, std::int64_t value,
                  std::int64_t fee) {
  MutableTransaction m;
  m.version = version;
  m.inputs.push_back(TxIn{from, {}, 0xfffffffd, {}});
  m.outputs.push_back(TxOut{value - fee, node.new_script(regtest::AddressType::bech32).value()});
  return node.sign(std::move(m)).value();
}

// A faucet coin not spent yet, one per call.
regtest::Unspent coin(regtest::BasicNode& node, std::size_t index) {
  const auto coins = node.list_unspent();
  BOOST_TEST_REQUIRE(coins.size() > index);
  return coins[index];
}

std::vector<std::string> mempool(RpcFixture& f) {
  std::vector<std::string> out;
  const json::value pool = f.call("getrawmempool");
  for (const auto& t : pool.as_array()) out.push_back(str(t));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(regtest_submitpackage)

// Core 28's package relay: a zero-fee TRUC (version 3) parent, refused alone, enters with the child
// that pays for both; both are judged by the package feerate, then mined together.
BOOST_AUTO_TEST_CASE(cpfp_pays_for_a_zero_fee_truc_parent) {
  RpcFixture f;
  regtest::BasicNode& node = f.node();
  node.generate(101);
  const regtest::Unspent c = coin(node, 0);
  const Transaction parent = spend(node, 3, c.outpoint, c.amount, 0);
  const Transaction child = spend(node, 3, parent, 5'000);
  const std::int64_t vp = static_cast<std::int64_t>(parent.vsize()), vc = static_cast<std::int64_t>(child.vsize());

  // Alone: below the minimum relay fee (1 sat/vB), and the child's input does not exist.
  check_rpc_error(f, "sendrawtransaction", {hex_of(parent)}, -26, "min relay fee not met, 0 < " + std::to_string(vp));
  check_rpc_error(f, "sendrawtransaction", {hex_of(child)}, -25, "bad-txns-inputs-missingorspent");

  const json::value r = f.call("submitpackage", {json::array{hex_of(parent), hex_of(child)}});
  const std::string pw = parent.wtxid().to_hex(), cw = child.wtxid().to_hex();
  const double rate = static_cast<double>(5'000 * 1000 / (vp + vc)) / 1e8;
  const json::value expected = {
      {"package_msg", "success"},
      {"tx-results",
       {{pw,
         {{"txid", parent.txid().to_hex()},
          {"vsize", vp},
          {"fees", {{"base", 0.0}, {"effective-feerate", rate}, {"effective-includes", {pw, cw}}}}}},
        {cw,
         {{"txid", child.txid().to_hex()},
          {"vsize", vc},
          {"fees", {{"base", 5e-05}, {"effective-feerate", rate}, {"effective-includes", {pw, cw}}}}}}}},
      {"replaced-transactions", json::array()}};
  BOOST_TEST(json::serialize(r) == json::serialize(expected));
  std::vector<std::string> both{parent.txid().to_hex(), child.txid().to_hex()};
  std::sort(both.begin(), both.end());
  BOOST_TEST(mempool(f) == both);
  BOOST_TEST(node.mempool_entry(parent.txid())->fee == 0);
  BOOST_TEST(node.mempool_entry(child.txid())->ancestor_fees == 5'000);

  // Again: both already in the mempool; no effective feerate for those (Core's MEMPOOL_ENTRY).
  const json::value again = f.call("submitpackage", {json::array{hex_of(parent), hex_of(child)}});
  BOOST_TEST(again.at("package_msg") == json::value("success"));
  BOOST_TEST(json::serialize(again.at("tx-results").at(cw).at("fees")) == R"({"base":5E-5})");

  // Mined together: the child pulls its parent into the block.
  const std::string block = str(f.call("generatetoaddress", {1, str(f.call("getnewaddress"))}).at(0));
  BOOST_TEST(mempool(f).empty());
  for (const Transaction* t : {&parent, &child})
    BOOST_TEST(str(f.call("getrawtransaction", {t->txid().to_hex(), true}).at("blockhash")) == block);
}

// Below the minimum relay fee only a TRUC transaction may be paid for: a version 2 parent is
// refused whatever its child pays (Core 28), and nothing enters.
BOOST_AUTO_TEST_CASE(per_transaction_failures) {
  RpcFixture f;
  regtest::BasicNode& node = f.node();
  node.generate(102);
  const regtest::Unspent c = coin(node, 0);
  const Transaction parent = spend(node, 2, c.outpoint, c.amount, 0);
  const Transaction child = spend(node, 2, parent, 50'000);
  const json::value r = f.call("submitpackage", {json::array{hex_of(parent), hex_of(child)}});
  const json::value expected = {
      {"package_msg", "transaction failed"},
      {"tx-results",
       {{parent.wtxid().to_hex(),
         {{"txid", parent.txid().to_hex()}, {"error", "min relay fee not met, 0 < " + std::to_string(parent.vsize())}}},
        {child.wtxid().to_hex(), {{"txid", child.txid().to_hex()}, {"error", "bad-txns-inputs-missingorspent"}}}}},
      {"replaced-transactions", json::array()}};
  BOOST_TEST(json::serialize(r) == json::serialize(expected));
  BOOST_TEST(mempool(f).empty());

  // A TRUC child that pays only for itself: the package feerate falls short; nothing enters.
  const regtest::Unspent c2 = coin(node, 1);
  const Transaction p3 = spend(node, 3, c2.outpoint, c2.amount, 0);
  const Transaction c3 = spend(node, 3, p3, 120);
  BOOST_TEST_REQUIRE(c3.vsize() <= 120u);
  const json::value low = f.call("submitpackage", {json::array{hex_of(p3), hex_of(c3)}});
  BOOST_TEST(low.at("package_msg") == json::value("transaction failed"));
  BOOST_TEST(low.at("tx-results").at(p3.wtxid().to_hex()).at("error") ==
             json::value("min relay fee not met, 0 < " + std::to_string(p3.vsize())));
  BOOST_TEST(low.at("tx-results").at(c3.wtxid().to_hex()).at("error") ==
             json::value("min relay fee not met, 120 < " + std::to_string(p3.vsize() + c3.vsize())));
  BOOST_TEST(mempool(f).empty());
  // The coins the failed packages tried are still the faucet's to spend.
  BOOST_TEST(
      f.call("submitpackage", {json::array{hex_of(spend(node, 2, c2.outpoint, c2.amount, 1'000))}}).at("package_msg") ==
      json::value("success"));

  // A TRUC child of a version 2 parent breaks the TRUC rules.
  const regtest::Unspent c4 = coin(node, 0);
  const Transaction p4 = spend(node, 2, c4.outpoint, c4.amount, 1'000);
  const Transaction c5 = spend(node, 3, p4, 1'000);
  const json::value truc = f.call("submitpackage", {json::array{hex_of(p4), hex_of(c5)}});
  BOOST_TEST(truc.at("package_msg") == json::value("transaction failed"));
  BOOST_TEST(truc.at("tx-results").at(p4.wtxid().to_hex()).at("fees").at("base") == json::value(1e-05));
  BOOST_TEST(truc.at("tx-results").at(c5.wtxid().to_hex()).at("error") ==
             json::value("TRUC-violation, version=3 tx " + c5.txid().to_hex() + " (wtxid=" + c5.wtxid().to_hex() +
                         ") cannot spend from non-version=3 tx " + p4.txid().to_hex() +
                         " (wtxid=" + p4.wtxid().to_hex() + ")"));
  BOOST_TEST(node.mempool_entry(p4.txid()).has_value());  // the parent passed on its own
}

// A child spending its parent in the same package, each paying its way: accepted in order, each
// on its own feerate.
BOOST_AUTO_TEST_CASE(child_with_parent_in_order) {
  RpcFixture f;
  regtest::BasicNode& node = f.node();
  node.generate(102);
  const regtest::Unspent c = coin(node, 0);
  const Transaction parent = spend(node, 2, c.outpoint, c.amount, 2'000);
  const Transaction child = spend(node, 2, parent, 3'000);
  const json::value r = f.call("submitpackage", {json::array{hex_of(parent), hex_of(child)}});
  BOOST_TEST(r.at("package_msg") == json::value("success"));
  for (const Transaction* t : {&parent, &child}) {
    const json::value& e = r.at("tx-results").at(t->wtxid().to_hex());
    BOOST_TEST(str(e.at("txid")) == t->txid().to_hex());
    BOOST_TEST(e.at("vsize") == json::value(t->vsize()));
    BOOST_TEST(e.at("fees").at("effective-includes") == (json::array{t->wtxid().to_hex()}));
    const std::int64_t fee = t == &parent ? 2'000 : 3'000;
    BOOST_TEST(sats(e.at("fees").at("base")) == fee);
    BOOST_TEST(sats(e.at("fees").at("effective-feerate")) == fee * 1000 / static_cast<std::int64_t>(t->vsize()));
  }
  BOOST_TEST(node.mempool_entry(child.txid())->depends == std::vector<Txid>{parent.txid()});
  // One transaction is a package too.
  const regtest::Unspent c2 = coin(node, 0);  // the other mature coinbase
  const Transaction single = spend(node, 2, c2.outpoint, c2.amount, 1'000);
  BOOST_TEST(f.call("submitpackage", {json::array{hex_of(single)}}).at("package_msg") == json::value("success"));
  BOOST_TEST(node.mempool_entry(single.txid()).has_value());
}

BOOST_AUTO_TEST_CASE(package_errors) {
  RpcFixture f;
  regtest::BasicNode& node = f.node();
  node.generate(103);
  const regtest::Unspent a = coin(node, 0), b = coin(node, 1);
  const Transaction p1 = spend(node, 2, a.outpoint, a.amount, 1'000);
  const Transaction p2 = spend(node, 2, b.outpoint, b.amount, 1'000);
  MutableTransaction m;
  m.version = 2;
  m.inputs.push_back(TxIn{OutPoint{p1.txid(), 0}, {}, 0xfffffffd, {}});
  m.inputs.push_back(TxIn{OutPoint{p2.txid(), 0}, {}, 0xfffffffd, {}});
  m.outputs.push_back(TxOut{p1.outputs()[0].value + p2.outputs()[0].value - 2'000,
                            node.new_script(regtest::AddressType::bech32).value()});
  const TxOut spent[] = {p1.outputs()[0], p2.outputs()[0]};
  const Transaction child = node.sign(m, spent).value();

  check_rpc_error(f, "submitpackage", {json::array()}, -8, "Array must contain between 1 and 25 transactions.");
  check_rpc_error(f, "submitpackage", {json::array(26, json::value(hex_of(p1)))}, -8,
                  "Array must contain between 1 and 25 transactions.");
  check_rpc_error(f, "submitpackage", {json::array{hex_of(p1), "zz"}}, -22,
                  "TX decode failed: zz Make sure the tx has at least one input.");
  const std::string topology = "package topology disallowed. not child-with-parents or parents depend on each other.";
  check_rpc_error(f, "submitpackage", {json::array{hex_of(child), hex_of(p1)}}, -25, topology);  // not sorted
  check_rpc_error(f, "submitpackage", {json::array{hex_of(p1), hex_of(p2)}}, -25, topology);     // no child
  const Transaction grandchild = spend(node, 2, child, 1'000);
  check_rpc_error(f, "submitpackage", {json::array{hex_of(p1), hex_of(child), hex_of(grandchild)}}, -25, topology);

  // Package-wide failures: nothing is evaluated and tx-results is empty, as Core 28/29 answer.
  const json::value dup = f.call("submitpackage", {json::array{hex_of(p1), hex_of(p1), hex_of(p2), hex_of(child)}});
  BOOST_TEST(json::serialize(dup) ==
             R"({"package_msg":"package-contains-duplicates","tx-results":{},"replaced-transactions":[]})");
  const Transaction p1_twin = spend(node, 2, a.outpoint, a.amount, 1'500);  // spends p1's coin
  MutableTransaction m2 = m;
  m2.inputs[1].prevout = OutPoint{p1_twin.txid(), 0};
  const TxOut spent2[] = {p1.outputs()[0], p1_twin.outputs()[0]};
  const Transaction child2 = node.sign(m2, spent2).value();
  BOOST_TEST(f.call("submitpackage", {json::array{hex_of(p1), hex_of(p1_twin), hex_of(child2)}}).at("package_msg") ==
             json::value("conflict-in-package"));
  BOOST_TEST(mempool(f).empty());

  // Two parents and their child, all good.
  const json::value ok = f.call("submitpackage", {json::array{hex_of(p1), hex_of(p2), hex_of(child)}});
  BOOST_TEST(ok.at("package_msg") == json::value("success"));
  BOOST_TEST(ok.at("tx-results").as_object().size() == 3u);
  BOOST_TEST(mempool(f).size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
