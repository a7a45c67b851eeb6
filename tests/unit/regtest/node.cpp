#include <coinkit/regtest/node.hpp>

#include <coinkit/address/address.hpp>
#include <coinkit/chain/block.hpp>
#include <coinkit/chain/sighash.hpp>
#include <coinkit/coins/bch.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/coins/ltc.hpp>
#include <coinkit/core/scrypt.hpp>
#include <coinkit/keys/private_key.hpp>
#include <coinkit/keys/schnorr.hpp>
#include <coinkit/keys/taproot.hpp>
#include <coinkit/regtest/detail/bch_schnorr.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

using namespace coinkit;
using namespace coinkit::regtest;

namespace {

constexpr std::int64_t COIN = 100'000'000;

template <class Coin>
Node<Coin> make_node(bool verify_own = true) {
  typename Node<Coin>::Options o;
  o.verify_own_transactions = verify_own;  // the faucet's signatures go through the verifier too
  return Node<Coin>(o);
}

Block get_block(const BasicNode& node, const BlockHash& h) { return Block::parse(*node.block(h).value().raw); }
Block block_at(const BasicNode& node, int height) { return get_block(node, node.block_hash(height).value()); }

// Regtest target 0x207fffff: the hash read as a little-endian number has its top byte <= 0x7f.
bool meets_regtest_target(const Hash256& h) {
  std::array<std::uint8_t, 32> target{};
  target[31] = 0x7f, target[30] = 0xff, target[29] = 0xff;
  for (int i = 31; i >= 0; --i)
    if (h[i] != target[i]) return h[i] < target[i];
  return true;
}

void grind(BlockHeader& h, bool meet = true) {
  while (meets_regtest_target(Hash256::from(h.hash())) != meet) ++h.nonce;
}

// Re-roots and re-grinds a block after its transactions changed.
Bytes reseal(Block b) {
  b.header.merkle_root = b.merkle_root().root;
  grind(b.header);
  return b.serialize();
}

// A block whose second transaction no longer matches its signature; merkle root, witness
// commitment and proof of work made right again, so only the signature check can catch it.
Bytes with_bad_signature(Block b) {
  MutableTransaction tx = b.transactions[1].to_mutable();
  tx.outputs[0].value -= 1;
  b.transactions[1] = Transaction(tx);
  MutableTransaction cb = b.transactions[0].to_mutable();
  std::vector<Wtxid> wtxids{Wtxid{}};
  for (std::size_t i = 1; i < b.transactions.size(); ++i) wtxids.push_back(b.transactions[i].wtxid());
  const Hash256 c = Sha256d().write(compute_merkle_root(wtxids).root.span()).write(Bytes(32, 0)).finalize();
  std::copy(c.span().begin(), c.span().end(), cb.outputs.back().script_pubkey.begin() + 6);
  b.transactions[0] = Transaction(cb);
  return reseal(b);
}

void check_reject(const NodeResult<AcceptResult>& r, int code, const std::string& reason) {
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().code == code);
  BOOST_TEST(r.error().reject_reason == reason);
}

// An outside key, so spends are built and signed here and only verified by the node.
PrivateKey outside_key() {
  return PrivateKey::from_hex("0101010101010101010101010101010101010101010101010101010101010101");
}

// Pays `amount` from the faucet to `script` and mines it; returns the outpoint.
OutPoint fund(BasicNode& node, const Bytes& script, std::int64_t amount) {
  const Payment p{script, amount};
  auto tx = node.send(std::span(&p, 1)).value();
  node.generate(1);
  for (std::uint32_t i = 0; i < tx.outputs().size(); ++i)
    if (tx.outputs()[i].script_pubkey == script) return OutPoint{tx.txid(), i};
  BOOST_FAIL("funding output not found");
  return {};
}

std::filesystem::path temp_dir(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("coinkit-regtest-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(regtest_node)

BOOST_AUTO_TEST_CASE(genesis_blocks_of_each_coin) {
  Node<BtcPolicy> btc;
  Node<BchPolicy> bch;
  Node<LtcPolicy> ltc;
  BOOST_TEST(btc.tip() == BtcPolicy::networks[2].genesis_hash);
  BOOST_TEST(bch.tip() == BchPolicy::networks[2].genesis_hash);
  BOOST_TEST(ltc.tip() == LtcPolicy::networks[2].genesis_hash);
  BOOST_TEST(btc.tip().to_hex() == "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
  const BlockInfo g = btc.block(btc.tip()).value();
  BOOST_TEST(g.height == 0);
  BOOST_TEST(g.confirmations == 1);
  BOOST_TEST(chainwork_hex(g.chainwork) == "0000000000000000000000000000000000000000000000000000000000000002");
  BOOST_TEST(to_hex(Block::parse(*g.raw).header.merkle_root.span()) ==
             "3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a");
  BOOST_TEST(!btc.block_hash(1));
  BOOST_TEST(btc.block_hash(1).error().code == rpc_error::invalid_parameter);
  BOOST_TEST(btc.block_hash(1).error().message == "Block height out of range");
  BOOST_TEST(btc.block(BlockHash{}).error().code == rpc_error::invalid_address_or_key);
  BOOST_TEST(btc.block(BlockHash{}).error().message == "Block not found");
}

BOOST_AUTO_TEST_CASE(chain_queries) {
  Node<BtcPolicy> node;
  node.generate(10);
  const auto hs = node.headers(node.block_hash(5).value(), 100);
  BOOST_TEST(hs.size() == 6u);
  BOOST_TEST(hs[0].hash() == node.block_hash(5).value());
  BOOST_TEST(hs[5].hash() == node.tip());
  BOOST_TEST(node.headers(node.block_hash(5).value(), 2).size() == 2u);
  BOOST_TEST(node.headers(BlockHash{}, 5).empty());
  const BlockHash stale = node.generate_on(node.block_hash(8).value(), 1).value()[0];
  BOOST_TEST(node.headers(stale, 5).empty());
  const ChainInfo ci = node.chain_info();
  BOOST_TEST(ci.height == 10);
  BOOST_TEST(ci.best_hash == node.tip());
  BOOST_TEST(ci.chainwork == 22u);
  BOOST_TEST(ci.bits == 0x207fffffu);
  BOOST_TEST(ci.median_time_past == node.block(node.tip()).value().median_time_past);
  BOOST_TEST(ci.size_on_disk == 0u);
  const BlockInfo b5 = node.block(node.block_hash(5).value()).value();
  BOOST_TEST(b5.confirmations == 6);
  BOOST_TEST((*b5.next_hash == node.block_hash(6).value()));
  BOOST_TEST(b5.status == BlockStatus::active);
  BOOST_TEST(node.block(stale).value().confirmations == -1);
  node.set_mock_time(2'000'000'000);
  node.generate(1);
  BOOST_TEST(node.block(node.tip()).value().header.time == 2'000'000'000u);
  const Transaction cb = block_at(node, 1).transactions[0];
  const auto coin = node.utxo(OutPoint{cb.txid(), 0});
  BOOST_REQUIRE(coin.has_value());
  BOOST_TEST(coin->height == 1);
  BOOST_TEST(coin->coinbase);
  BOOST_TEST(coin->out.value == 50 * COIN);
  BOOST_TEST(!node.utxo(OutPoint{cb.txid(), 1}).has_value());  // the witness commitment is unspendable
}

BOOST_AUTO_TEST_CASE(concurrent_callers) {
  auto node = make_node<BtcPolicy>();
  node.generate(120);
  // A mining timer and an RPC thread at once; the mutex keeps every answer consistent.
  std::thread miner([&] {
    for (int i = 0; i < 40; ++i) node.generate(1);
  });
  int sent = 0;
  for (int i = 0; i < 40; ++i) {
    if (node.send_to_address(node.get_new_address().value(), COIN)) ++sent;
    (void)node.mempool_entries();
    (void)node.chain_info();
  }
  miner.join();
  node.generate(1);
  BOOST_TEST(sent == 40);
  BOOST_TEST(node.mempool_txids().empty());
  BOOST_TEST(node.height() == 161);
}

BOOST_AUTO_TEST_CASE(mined_blocks_are_valid) {
  auto node = make_node<BtcPolicy>();
  node.generate(101);
  // A block with witness spends, a block with legacy ones, and empty blocks around them.
  for (const char* type : {"bech32", "legacy", "p2sh-segwit", "bech32m"})
    node.send_to_address(node.get_new_address(type).value(), COIN).value();
  node.generate(1);
  node.send_to_address(node.get_new_address("legacy").value(), COIN).value();
  node.generate(2);
  BOOST_TEST(node.height() == 104);
  std::size_t with_witness = 0, checked = 0;
  for (int h = 1; h <= node.height(); ++h) {
    const BlockInfo info = node.block(node.block_hash(h).value()).value();
    const Block b = Block::parse(*info.raw);  // parses back with chain/
    BOOST_TEST(b.hash() == info.hash);
    BOOST_TEST(b.serialize() == *info.raw);
    BOOST_TEST(meets_regtest_target(Hash256::from(b.hash())));  // proof of work
    BOOST_TEST(b.header.bits == 0x207fffffu);
    BOOST_TEST(b.header.merkle_root == b.merkle_root().root);
    BOOST_TEST(b.header.prev_hash == node.block_hash(h - 1).value());
    BOOST_TEST(b.header.time > node.block(b.header.prev_hash).value().median_time_past);
    // BIP34: the height first in the coinbase script.
    const Bytes& sig = b.transactions[0].inputs()[0].script_sig;
    if (h <= 16) {
      BOOST_TEST(sig[0] == encode_small_int(h));
    } else {
      BOOST_TEST(sig[0] == 1);
      BOOST_TEST(sig[1] == h);
    }
    // BIP141 commitment: sha256d(witness root || reserved value) in an OP_RETURN aa21a9ed output.
    std::vector<Wtxid> wtxids{Wtxid{}};
    for (std::size_t i = 1; i < b.transactions.size(); ++i) wtxids.push_back(b.transactions[i].wtxid());
    const Hash256 root = compute_merkle_root(wtxids).root;
    const Witness& reserved = b.transactions[0].inputs()[0].witness;
    BOOST_REQUIRE(reserved.size() == 1);
    const Hash256 commitment = Sha256d().write(root.span()).write(reserved[0]).finalize();
    const Bytes& spk = b.transactions[0].outputs().back().script_pubkey;
    BOOST_REQUIRE(spk.size() == 38);
    BOOST_TEST(to_hex(ByteSpan(spk).first(6)) == "6a24aa21a9ed");
    BOOST_TEST(to_hex(ByteSpan(spk).subspan(6)) == to_hex(commitment.span()));
    // Coinbase value: subsidy plus fees.
    std::int64_t fees = 0;
    if (b.transactions.size() > 1) {
      const auto spent = node.block_spent_outputs(info.hash).value();
      for (std::size_t t = 1; t < b.transactions.size(); ++t) {
        std::int64_t in = 0, out = 0;
        for (const TxOut& o : spent[t]) in += o.value;
        for (const TxOut& o : b.transactions[t].outputs()) out += o.value;
        fees += in - out;
        with_witness += b.transactions[t].has_witness();
      }
    }
    BOOST_TEST(b.transactions[0].outputs()[0].value == 50 * COIN + fees);
    BOOST_TEST(info.weight == b.serialize(tx_no_witness).size() * 3 + b.serialize().size());
    ++checked;
  }
  BOOST_TEST(checked == 104u);
  BOOST_TEST(with_witness == 5u);  // every faucet spend so far spends its p2wpkh coinbase or change
}

BOOST_AUTO_TEST_CASE(subsidy_halves_every_150_blocks) {
  Node<BtcPolicy> node;
  node.generate(151);
  BOOST_TEST(block_at(node, 149).transactions[0].outputs()[0].value == 50 * COIN);
  BOOST_TEST(block_at(node, 150).transactions[0].outputs()[0].value == 25 * COIN);
}

BOOST_AUTO_TEST_CASE(coinbase_maturity) {
  auto node = make_node<BtcPolicy>();
  node.generate(99);
  BOOST_TEST(node.balance() == 0);
  BOOST_TEST(node.immature_balance() == 99 * 50 * COIN);
  const Transaction cb = block_at(node, 1).transactions[0];
  MutableTransaction m;
  m.inputs.push_back(TxIn{OutPoint{cb.txid(), 0}, {}, 0xfffffffd, {}});
  m.outputs.push_back(TxOut{50 * COIN - 10'000, node.new_script(AddressType::bech32).value()});
  const Transaction spend = node.sign(m).value();
  // Spend height 100, coinbase at 1: depth 99 < 100.
  auto r = node.send_transaction(spend);
  check_reject(r, rpc_error::verify_rejected, "bad-txns-premature-spend-of-coinbase");
  BOOST_TEST(r.error().message == "bad-txns-premature-spend-of-coinbase, tried to spend coinbase at depth 99");
  BOOST_TEST(node.send(std::vector<Payment>{{node.faucet_script(), COIN}}).error().code ==
             rpc_error::wallet_insufficient_funds);
  node.generate(1);  // consensus allows it now (depth 100); the wallet waits for 101 confirmations
  BOOST_TEST(node.balance() == 0);
  BOOST_TEST(node.send_transaction(spend).has_value());
  node.generate(1);
  BOOST_TEST(node.balance() == 50 * COIN - 10'000);  // coinbase 1 was the only mature one, and it is spent
}

BOOST_AUTO_TEST_CASE(mempool_rejections) {
  auto node = make_node<BtcPolicy>();
  node.generate(101);
  const Bytes dest = node.new_script(AddressType::bech32).value();
  const auto coins = node.list_unspent();
  BOOST_REQUIRE(coins.size() == 1u);
  const Payment pay{dest, COIN};
  auto build = [&](SendOptions o) { return node.send(std::span(&pay, 1), o).value(); };
  SendOptions no_submit{.inputs = {coins[0].outpoint}, .submit = false};

  // Outputs more than inputs (checked before signatures).
  const Transaction good = build(no_submit);
  {
    MutableTransaction m = good.to_mutable();
    m.outputs[0].value = 60 * COIN;
    auto r = node.send_transaction(Transaction(m));
    check_reject(r, rpc_error::verify_rejected, "bad-txns-in-belowout");
    BOOST_TEST(r.error().message.starts_with("bad-txns-in-belowout, value in (50.00) < value out (108.99"));
  }
  // Bad signature: an output changed after signing.
  {
    MutableTransaction m = good.to_mutable();
    m.outputs[0].value -= 1000;
    check_reject(node.send_transaction(Transaction(m)), rpc_error::verify_rejected,
                 "mandatory-script-verify-flag-failed (Script evaluated without error but finished with a "
                 "false/empty top stack element)");
  }
  // Fee below the minimum relay fee.
  {
    SendOptions o = no_submit;
    o.fee_rate_sat_per_kvb = 200;
    const Transaction cheap = build(o);
    auto r = node.send_transaction(cheap);
    check_reject(r, rpc_error::verify_rejected, "min relay fee not met");
    BOOST_TEST(r.error().message.starts_with("min relay fee not met, "));
    BOOST_TEST(r.error().message.ends_with(" < " + std::to_string(cheap.vsize())));
  }
  // Max fee rate (sendrawtransaction's maxfeerate) and testmempoolaccept's reason for it.
  {
    auto r = node.send_transaction(good, 1);
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error().code == rpc_error::verify_error);
    BOOST_TEST(r.error().message == "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)");
    auto t = node.test_mempool_accept(good.serialize(), 1).value();
    BOOST_TEST(!t.allowed);
    BOOST_TEST(t.error.reject_reason == "max-fee-exceeded");
  }
  // Test-accept changes nothing.
  {
    auto t = node.test_mempool_accept(good.serialize()).value();
    BOOST_TEST(t.allowed);
    BOOST_TEST(t.txid == good.txid());
    BOOST_TEST(t.vsize == good.vsize());
    BOOST_TEST(node.mempool_txids().empty());
  }
  // Accepted; then again (bitcoind answers the txid again), then test-accepted again.
  const AcceptResult ok = node.send_raw_transaction(good.serialize()).value();
  BOOST_TEST(ok.txid == good.txid());
  BOOST_TEST(node.send_raw_transaction(good.serialize()).value().txid == good.txid());
  {
    auto t = node.test_mempool_accept(good.serialize()).value();
    BOOST_TEST(!t.allowed);
    BOOST_TEST(t.error.reject_reason == "txn-already-in-mempool");
  }
  // Double spend of the same coin with another transaction at a lower fee rate: the faucet's
  // transactions signal BIP125, so this is a replacement, and one that pays less.
  {
    SendOptions o = no_submit;
    o.fee_rate_sat_per_kvb = 1500;
    const Transaction rival = build(o);
    BOOST_TEST(rival.txid() != good.txid());
    check_reject(node.send_transaction(rival), rpc_error::verify_rejected, "insufficient fee");
  }
  // Missing inputs.
  {
    MutableTransaction m = good.to_mutable();
    m.inputs[0].prevout.txid = Txid::from_hex("11" + std::string(62, '0'));
    check_reject(node.send_transaction(Transaction(m)), rpc_error::verify_error, "bad-txns-inputs-missingorspent");
  }
  // Malformed and truncated bytes.
  {
    const Bytes full = good.serialize();
    for (const Bytes& raw : {Bytes{}, Bytes{0x00}, Bytes(full.begin(), full.end() - 3)}) {
      auto r = node.send_raw_transaction(raw);
      BOOST_REQUIRE(!r);
      BOOST_TEST(r.error().code == rpc_error::deserialization_error);
      BOOST_TEST(r.error().message == "TX decode failed. Make sure the tx has at least one input.");
      BOOST_TEST(node.test_mempool_accept(raw).error().code == rpc_error::deserialization_error);
    }
  }
  // Standardness: dust and a nonstandard output script.
  {
    MutableTransaction m = good.to_mutable();
    m.inputs[0].prevout = OutPoint{good.txid(), 0};
    m.outputs = {TxOut{100, dest}};
    check_reject(node.send_transaction(node.sign(m).value()), rpc_error::verify_rejected, "dust");
    m.outputs = {TxOut{COIN / 2, Bytes{OP_1, OP_1, OP_EQUAL}}};
    check_reject(node.send_transaction(node.sign(m).value()), rpc_error::verify_rejected, "scriptpubkey");
  }
  // Mined: sending it again finds its outputs in the chain; spending its input again is a missing input.
  node.generate(1);
  auto again = node.send_transaction(good);
  BOOST_REQUIRE(!again);
  BOOST_TEST(again.error().code == rpc_error::verify_already_in_chain);
  BOOST_TEST(again.error().message == "Transaction outputs already in utxo set");
  {
    SendOptions o = no_submit;
    o.fee_rate_sat_per_kvb = 5000;
    BOOST_TEST(!node.send(std::span(&pay, 1), o));  // the faucet no longer has that coin
    MutableTransaction m = good.to_mutable();
    m.outputs[0].value -= 1;
    check_reject(node.send_transaction(Transaction(m)), rpc_error::verify_error, "bad-txns-inputs-missingorspent");
  }
  // The node serves on.
  BOOST_TEST(node.send_to_address(node.get_new_address().value(), COIN).has_value());
}

BOOST_AUTO_TEST_CASE(unconfirmed_chains_and_mempool_entries) {
  auto node = make_node<BtcPolicy>();
  node.generate(101);
  std::vector<Txid> chain;
  for (int i = 0; i < 30; ++i) chain.push_back(node.send_to_address(node.get_new_address().value(), COIN).value());
  BOOST_TEST(node.mempool_txids() == chain);  // arrival order; each spends the previous change
  const MempoolEntryInfo first = node.mempool_entry(chain.front()).value();
  const MempoolEntryInfo last = node.mempool_entry(chain.back()).value();
  BOOST_TEST(first.ancestor_count == 1u);
  BOOST_TEST(first.descendant_count == 30u);
  BOOST_TEST(last.ancestor_count == 30u);
  BOOST_TEST(last.descendant_count == 1u);
  BOOST_TEST(last.depends.size() == 1u);
  BOOST_TEST(first.spent_by.size() == 1u);
  BOOST_TEST(first.height == 101);
  BOOST_TEST(first.fee * 1000 / static_cast<std::int64_t>(first.vsize) >= 2000);
  const MempoolInfo mi = node.mempool_info();
  BOOST_TEST(mi.size == 30u);
  BOOST_TEST(node.mempool_entry(Txid{}).error().message == "Transaction not in mempool");
  BOOST_TEST(!node.transaction(chain[5]).value().block_hash.has_value());
  BOOST_TEST(!node.estimate_fee_sat_per_kvb(2));
  const BlockHash h = node.generate(1)[0];
  BOOST_TEST(node.mempool_txids().empty());
  BOOST_TEST(get_block(node, h).transactions.size() == 31u);
  const TxLookup l = node.transaction(chain[5]).value();
  BOOST_TEST((*l.block_hash == h));
  BOOST_TEST(l.confirmations == 1);
  BOOST_TEST(node.transaction(chain[5], h).has_value());
  BOOST_TEST(node.transaction(chain[5], node.block_hash(1).value()).error().message ==
             "No such transaction found in the provided block. Use gettransaction for wallet transactions.");
  BOOST_TEST(node.transaction(Txid{}).error().message ==
             "No such mempool or blockchain transaction. Use gettransaction for wallet transactions.");
  BOOST_TEST(*node.estimate_fee_sat_per_kvb(2) >= 2000);
}

BOOST_AUTO_TEST_CASE(mining_orders_by_fee_with_parents_first) {
  auto node = make_node<BtcPolicy>();
  node.generate(103);
  const auto coins = node.list_unspent();
  BOOST_REQUIRE(coins.size() == 3u);
  const Payment pay{node.new_script(AddressType::bech32).value(), COIN};
  const Transaction low =
      node.send(std::span(&pay, 1), {.fee_rate_sat_per_kvb = 1000, .inputs = {coins[0].outpoint}}).value();
  const Transaction high =
      node.send(std::span(&pay, 1), {.fee_rate_sat_per_kvb = 9000, .inputs = {coins[1].outpoint}}).value();
  // A child paying for its cheap parent.
  const Transaction child =
      node.send(std::span(&pay, 1), {.fee_rate_sat_per_kvb = 50000, .inputs = {OutPoint{low.txid(), 1}}}).value();
  const Block b = get_block(node, node.generate(1)[0]);
  BOOST_REQUIRE(b.transactions.size() == 4u);
  BOOST_TEST(b.transactions[1].txid() == low.txid());
  BOOST_TEST(b.transactions[2].txid() == child.txid());
  BOOST_TEST(b.transactions[3].txid() == high.txid());
}

BOOST_AUTO_TEST_CASE(faucet_wallet_calls) {
  auto node = make_node<BtcPolicy>();
  BOOST_TEST(node.get_new_address().value().starts_with("bcrt1q"));
  BOOST_TEST(node.get_new_address("bech32m").value().starts_with("bcrt1p"));
  BOOST_TEST(node.get_new_address("p2sh-segwit").value().starts_with("2"));
  const std::string legacy = node.get_new_address("legacy").value();
  BOOST_TEST((legacy[0] == 'm' || legacy[0] == 'n'));
  BOOST_TEST(node.get_new_address("foo").error().message == "Unknown address type 'foo'");
  BOOST_TEST(node.get_new_address("foo").error().code == rpc_error::invalid_address_or_key);
  BOOST_TEST(node.generate_to_address(1, "nonsense").error().message == "Error: Invalid address");
  node.generate_to_address(101, legacy).value();
  BOOST_TEST(node.balance() == 50 * COIN);
  // sendmany: one output per address type, plus a script paid directly.
  std::vector<std::pair<std::string, std::int64_t>> many;
  for (int i = 0; i < 40; ++i)
    many.emplace_back(node.get_new_address(i % 2 ? "bech32m" : "p2sh-segwit").value(), COIN / 10 + i);
  const Txid id = node.send_many(many).value();
  BOOST_TEST(node.transaction(id).value().tx.outputs().size() == 41u);
  BOOST_TEST(node.send_to_address("bcrt1qinvalid", COIN).error().code == rpc_error::invalid_address_or_key);
  BOOST_TEST(node.send_to_address(legacy, 0).error().code == rpc_error::type_error);
  BOOST_TEST(node.send_to_address(legacy, 1000 * COIN).error().message == "Insufficient funds");
  node.generate(1);
  // Every coin type the faucet holds is spendable: spend them all in one transaction.
  auto unspent = node.list_unspent();
  BOOST_TEST(unspent.size() >= 41u);
  SendOptions all;
  std::int64_t total = 0;
  for (const Unspent& u : unspent) all.inputs.push_back(u.outpoint), total += u.amount;
  all.subtract_fee_from_first = true;
  const Payment everything{node.faucet_script(), total};
  const Transaction sweep = node.send(std::span(&everything, 1), all).value();
  BOOST_TEST(sweep.inputs().size() == unspent.size());
  node.generate(1);
  BOOST_TEST(node.list_unspent().size() == 2u);  // the sweep and the coinbase of block 4, now mature
}

BOOST_AUTO_TEST_CASE(p2tr_spends_from_outside) {
  auto node = make_node<BtcPolicy>();
  node.generate(101);
  const PrivateKey key = outside_key();
  const XOnlyPublicKey internal = x_only_public_key(key);
  const Bytes spk = p2tr_script(taproot_output_key(internal).value().output_key.span());
  const OutPoint coin = fund(node, spk, COIN);
  MutableTransaction m;
  m.inputs.push_back(TxIn{coin, {}, 0xfffffffd, {}});
  m.outputs.push_back(TxOut{COIN - 1000, node.faucet_script()});
  const Transaction unsigned_tx(m);
  const PrecomputedTxData pre(unsigned_tx, {TxOut{COIN, spk}});
  const Hash256 digest = taproot_sighash(unsigned_tx, pre, 0, sighash_default).value();
  const PrivateKey tweaked = taproot_tweak_private_key(key).value();
  SchnorrSignature sig = schnorr_sign(tweaked, digest.span());
  // A wrong signature first, then the right one.
  SchnorrSignature bad = sig;
  bad[10] ^= 1;
  m.inputs[0].witness = {Bytes(bad.begin(), bad.end())};
  check_reject(node.send_transaction(Transaction(m)), rpc_error::verify_rejected,
               "mandatory-script-verify-flag-failed (Invalid Schnorr signature)");
  m.inputs[0].witness = {Bytes(sig.begin(), sig.begin() + 10)};
  check_reject(node.send_transaction(Transaction(m)), rpc_error::verify_rejected,
               "mandatory-script-verify-flag-failed (Invalid Schnorr signature size)");
  m.inputs[0].witness = {Bytes(sig.begin(), sig.end())};
  BOOST_TEST(node.send_transaction(Transaction(m)).has_value());
  node.generate(1);
  BOOST_TEST(node.mempool_txids().empty());
}

BOOST_AUTO_TEST_CASE(p2pkh_and_p2wpkh_spends_from_outside) {
  auto node = make_node<BtcPolicy>();
  node.generate(101);
  const PrivateKey key = outside_key();
  const PublicKey pub = key.public_key();
  for (bool witness : {false, true}) {
    const Bytes spk = witness ? p2wpkh_script(pub.key_id()) : p2pkh_script(pub.key_id());
    const OutPoint coin = fund(node, spk, COIN);
    MutableTransaction m;
    m.inputs.push_back(TxIn{coin, {}, 0xfffffffd, {}});
    m.outputs.push_back(TxOut{COIN - 1000, node.faucet_script()});
    const Transaction unsigned_tx(m);
    const PrecomputedTxData pre(unsigned_tx);
    const Hash256 digest = witness ? segwit_v0_sighash(unsigned_tx, pre, 0, p2pkh_script(pub.key_id()), COIN, 1).value()
                                   : legacy_sighash(unsigned_tx, 0, spk, 1);
    const DerSignature der = key.sign(digest).to_der();
    Bytes sig(der.span().begin(), der.span().end());
    sig.push_back(sighash_all);
    Bytes wrong_pub = Bytes(pub.bytes().begin(), pub.bytes().end());
    wrong_pub[5] ^= 1;
    if (witness) {
      m.inputs[0].witness = {sig, wrong_pub};
      check_reject(node.send_transaction(Transaction(m)), rpc_error::verify_rejected,
                   "mandatory-script-verify-flag-failed (Script failed an OP_EQUALVERIFY operation)");
      m.inputs[0].witness = {sig, Bytes(pub.bytes().begin(), pub.bytes().end())};
    } else {
      push_data(m.inputs[0].script_sig, sig);
      push_data(m.inputs[0].script_sig, pub.bytes());
    }
    BOOST_TEST(node.send_transaction(Transaction(m)).has_value());
  }
  node.generate(1);
  BOOST_TEST(node.mempool_txids().empty());
}

BOOST_AUTO_TEST_CASE(bch_forkid_spends) {
  auto node = make_node<BchPolicy>();
  node.generate(101);
  const std::string address = node.get_new_address().value();
  BOOST_TEST(address.starts_with("bchreg:"));
  BOOST_TEST(node.get_new_address("bech32").error().code == rpc_error::invalid_address_or_key);
  // Faucet spends (p2pkh, FORKID), verified by the node, in chains, mined in CTOR order.
  for (int i = 0; i < 5; ++i) node.send_to_address(address, COIN).value();
  const Block b = get_block(node, node.generate(1)[0]);
  BOOST_TEST(b.transactions.size() == 6u);
  for (std::size_t i = 2; i < b.transactions.size(); ++i)
    BOOST_TEST((b.transactions[i - 1].txid().array() < b.transactions[i].txid().array()));
  BOOST_TEST(!b.transactions[1].has_witness());
  BOOST_TEST(b.transactions[0].outputs().size() == 1u);  // no witness commitment on BCH
  // The block disconnected: all five go back to the mempool, children after their parents
  // though the block holds them by txid (one chain of five: rarely in order by txid too).
  node.invalidate_block(node.tip()).value();
  BOOST_TEST(node.mempool_txids().size() == 5u);
  node.generate(1);
  // From outside: without SIGHASH_FORKID rejected, with it accepted.
  const PrivateKey key = outside_key();
  const PublicKey pub = key.public_key();
  const Bytes spk = p2pkh_script(pub.key_id());
  const OutPoint coin = fund(node, spk, COIN);
  for (bool forkid : {false, true}) {
    MutableTransaction m;
    m.inputs.push_back(TxIn{coin, {}, 0xffffffff, {}});
    m.outputs.push_back(TxOut{COIN - 1000, node.faucet_script()});
    const Transaction unsigned_tx(m);
    const PrecomputedTxData pre(unsigned_tx);
    const std::uint8_t type = forkid ? (sighash_all | sighash_forkid) : sighash_all;
    const Hash256 digest = forkid_sighash(unsigned_tx, pre, 0, spk, COIN, type).value();
    const DerSignature der = key.sign(digest).to_der();
    Bytes sig(der.span().begin(), der.span().end());
    sig.push_back(type);
    push_data(m.inputs[0].script_sig, sig);
    push_data(m.inputs[0].script_sig, pub.bytes());
    auto r = node.send_transaction(Transaction(m));
    if (forkid)
      BOOST_TEST(r.has_value());
    else
      check_reject(r, rpc_error::verify_rejected,
                   "mandatory-script-verify-flag-failed (Signature must use SIGHASH_FORKID)");
  }
  // Schnorr signatures (64 bytes + hash type): a good one, then one for another message.
  const OutPoint coin2 = fund(node, spk, COIN);
  for (bool good : {false, true}) {
    MutableTransaction m;
    m.inputs.push_back(TxIn{coin2, {}, 0xffffffff, {}});
    m.outputs.push_back(TxOut{COIN - 1000, node.faucet_script()});
    const Transaction unsigned_tx(m);
    const PrecomputedTxData pre(unsigned_tx);
    const std::uint8_t type = sighash_all | sighash_forkid;
    Hash256 digest = forkid_sighash(unsigned_tx, pre, 0, spk, COIN, type).value();
    if (!good) digest = sha256(digest.span());
    const auto schnorr = regtest::detail::bch_schnorr_sign(key, digest);
    BOOST_TEST(regtest::detail::bch_schnorr_verify(schnorr, pub, digest));
    Bytes sig(schnorr.begin(), schnorr.end());
    sig.push_back(type);
    push_data(m.inputs[0].script_sig, sig);
    push_data(m.inputs[0].script_sig, pub.bytes());
    auto r = node.send_transaction(Transaction(m));
    if (good)
      BOOST_TEST(r.has_value());
    else
      check_reject(r, rpc_error::verify_rejected,
                   "mandatory-script-verify-flag-failed (Signature must be zero for failed CHECK(MULTI)SIG operation)");
  }
  node.generate(1);
  BOOST_TEST(node.mempool_txids().empty());
}

BOOST_AUTO_TEST_CASE(bch_schnorr_vector) {
  // The first vector of the Bitcoin Cash Schnorr specification (2019-05-15-schnorr.md, test 1):
  // secret 1, message zero.
  const PrivateKey key = PrivateKey::from_hex("0000000000000000000000000000000000000000000000000000000000000001");
  const Bytes sig = from_hex(
      "787A848E71043D280C50470E8E1532B2DD5D20EE912A45DBDD2BD1DFBF187EF67031A98831859DC34DFFEEDDA86831842CCD0079E1F92AF1"
      "7"
      "7F7F22CC1DCED05");
  BOOST_TEST(regtest::detail::bch_schnorr_verify(sig, key.public_key(), Hash256{}));
  Bytes bad = sig;
  bad[63] ^= 1;
  BOOST_TEST(!regtest::detail::bch_schnorr_verify(bad, key.public_key(), Hash256{}));
}

BOOST_AUTO_TEST_CASE(ltc_scrypt_proof_of_work) {
  auto node = make_node<LtcPolicy>();
  node.generate(101);
  node.send_to_address(node.get_new_address().value(), COIN).value();
  const Block b = get_block(node, node.generate(1)[0]);
  BOOST_TEST(b.transactions.size() == 2u);
  BOOST_TEST(node.get_new_address().value().starts_with("rltc1"));
  for (int h = 1; h <= node.height(); ++h) {
    const Block blk = block_at(node, h);
    BOOST_TEST(meets_regtest_target(scrypt_1024_1_1(blk.header.serialize())));
  }
}

BOOST_AUTO_TEST_CASE(submit_block_results) {
  auto miner = make_node<BtcPolicy>();
  auto node = make_node<BtcPolicy>();
  miner.generate(101);
  miner.send_to_address(miner.get_new_address().value(), COIN).value();
  miner.generate(1);
  for (int h = 1; h <= miner.height(); ++h) {
    const auto r = node.submit_block(*miner.block(miner.block_hash(h).value()).value().raw).value();
    BOOST_TEST(!r.has_value());
  }
  BOOST_TEST(node.tip() == miner.tip());
  const Bytes tip_raw = *miner.block(miner.tip()).value().raw;
  BOOST_TEST(*node.submit_block(tip_raw).value() == "duplicate");
  BOOST_TEST(node.submit_block(Bytes{1, 2, 3}).error().code == rpc_error::deserialization_error);
  BOOST_TEST(node.submit_block(Bytes{1, 2, 3}).error().message == "Block decode failed");

  // A block on the tip, then broken in each way.
  miner.send_to_address(miner.get_new_address().value(), COIN).value();
  const Block next = get_block(miner, miner.generate(1)[0]);
  auto result = [&](const Bytes& raw) { return node.submit_block(raw).value().value_or("null"); };
  {
    Block b = next;
    b.header.merkle_root = Hash256{};
    grind(b.header);
    BOOST_TEST(result(b.serialize()) == "bad-txnmrklroot");
  }
  {
    Block b = next;
    grind(b.header, false);
    BOOST_TEST(result(b.serialize()) == "high-hash");
  }
  {
    Block b = next;
    b.header.bits = 0x207ffffe;
    grind(b.header);
    BOOST_TEST(result(b.serialize()) == "bad-diffbits");
  }
  {
    Block b = next;
    b.header.prev_hash = BlockHash{};
    grind(b.header);
    BOOST_TEST(result(b.serialize()) == "prev-blk-not-found");
  }
  {
    Block b = next;
    b.header.time = node.block(node.tip()).value().median_time_past;
    grind(b.header);
    BOOST_TEST(result(b.serialize()) == "time-too-old");
  }
  {
    Block b = next;
    MutableTransaction cb = b.transactions[0].to_mutable();
    cb.inputs[0].script_sig[1] ^= 1;  // another height
    b.transactions[0] = Transaction(cb);
    BOOST_TEST(result(reseal(b)) == "bad-cb-height");
  }
  {
    Block b = next;
    MutableTransaction cb = b.transactions[0].to_mutable();
    cb.outputs[0].value += 1;
    b.transactions[0] = Transaction(cb);
    BOOST_TEST(result(reseal(b)) == "bad-cb-amount");
  }
  {
    Block b = next;
    MutableTransaction cb = b.transactions[0].to_mutable();
    cb.outputs.back().script_pubkey[10] ^= 1;
    b.transactions[0] = Transaction(cb);
    BOOST_TEST(result(reseal(b)) == "bad-witness-merkle-match");
    cb.inputs[0].witness.clear();
    b.transactions[0] = Transaction(cb);
    BOOST_TEST(result(reseal(b)) == "bad-witness-nonce-size");
  }
  {
    Block b = next;
    MutableTransaction cb = b.transactions[0].to_mutable();
    cb.outputs.pop_back();  // no commitment, yet witness transactions
    cb.inputs[0].witness.clear();
    b.transactions[0] = Transaction(cb);
    BOOST_TEST(result(reseal(b)) == "unexpected-witness");
  }
  {
    BOOST_TEST(
        result(with_bad_signature(next)) ==
        "mandatory-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top "
        "stack element)");
    BOOST_TEST(node.tip() == miner.block_hash(miner.height() - 1).value());
  }
  // The genuine block still connects (the bad ones never became the block's hash).
  BOOST_TEST(result(next.serialize()) == "null");
  BOOST_TEST(node.tip() == miner.tip());
  // A block on a stale parent with less work: stored, not active.
  {
    Block b = get_block(node, node.block_hash(50).value());
    MutableTransaction cb = b.transactions[0].to_mutable();
    cb.inputs[0].script_sig.push_back(OP_1);
    b.transactions[0] = Transaction(cb);
    b.header.prev_hash = node.block_hash(49).value();
    b.header.time += 1;
    BOOST_TEST(result(reseal(b)) == "inconclusive");
  }
}

BOOST_AUTO_TEST_CASE(reorgs_return_transactions_to_the_mempool) {
  for (int depth : {1, 6, 100}) {
    BOOST_TEST_CONTEXT("depth " << depth) {
      auto node = make_node<BtcPolicy>();
      node.generate(110);
      const int fork_height = node.height();
      const BlockHash fork = node.tip();
      // Transactions in the blocks about to be replaced, including chains within and across blocks.
      std::set<Txid> sent;
      for (int b = 0; b < depth; ++b) {
        if (b < 10 || b % 10 == 0)
          for (int i = 0; i < 3; ++i) sent.insert(node.send_to_address(node.get_new_address().value(), COIN).value());
        node.generate(1);
      }
      const Txid waiting = node.send_to_address(node.get_new_address().value(), COIN).value();
      sent.insert(waiting);
      const BlockHash old_tip = node.tip();
      BOOST_TEST(node.mempool_txids().size() == 1u);
      // A competing branch one block longer from the fork point.
      const auto branch = node.generate_on(fork, depth + 1).value();
      BOOST_TEST(node.tip() == branch.back());
      BOOST_TEST(node.height() == fork_height + depth + 1);
      const auto pool = node.mempool_txids();
      BOOST_TEST(std::set<Txid>(pool.begin(), pool.end()) == sent);
      BOOST_TEST(node.block(old_tip).value().status == BlockStatus::valid_fork);
      BOOST_TEST(node.block(old_tip).value().confirmations == -1);
      for (const Txid& t : sent) BOOST_TEST(!node.transaction(t).value().block_hash.has_value());
      // Everything mines again on the new chain.
      node.generate(1);
      BOOST_TEST(node.mempool_txids().empty());
      for (const Txid& t : sent) BOOST_TEST(node.transaction(t).value().confirmations == 1);
      const auto tips = node.chain_tips();
      BOOST_TEST(tips.size() == 2u);
      BOOST_TEST(tips[0].status == BlockStatus::active);
      BOOST_TEST(tips[1].branch_length == depth);
    }
  }
}

BOOST_AUTO_TEST_CASE(competing_branches_and_ties) {
  auto node = make_node<BtcPolicy>();
  node.generate(10);
  const BlockHash tip = node.tip();
  // Equal work: the first seen stays active.
  const auto rival = node.generate_on(node.block_hash(9).value(), 1).value();
  BOOST_TEST(node.tip() == tip);
  BOOST_TEST(node.block(rival[0]).value().status == BlockStatus::valid_headers);
  // Shorter branches from deep down stay stale; a longer one wins.
  node.generate_on(node.block_hash(2).value(), 5).value();
  BOOST_TEST(node.tip() == tip);
  const auto longer = node.generate_on(rival[0], 1).value();
  BOOST_TEST(node.tip() == longer[0]);
  BOOST_TEST(node.height() == 11);
  BOOST_TEST(node.block(tip).value().status == BlockStatus::valid_fork);
  BOOST_TEST(node.chain_tips().size() == 3u);
  BOOST_TEST(node.generate_on(BlockHash{}, 1).error().code == rpc_error::invalid_address_or_key);
}

BOOST_AUTO_TEST_CASE(invalidate_and_reconsider) {
  auto node = make_node<BtcPolicy>();
  node.generate(101);
  std::vector<Txid> txs;
  for (int i = 0; i < 6; ++i) {
    txs.push_back(node.send_to_address(node.get_new_address().value(), COIN).value());
    node.generate(1);
  }
  const BlockHash tip = node.tip();
  const BlockHash target = node.block_hash(104).value();
  node.invalidate_block(target).value();
  BOOST_TEST(node.height() == 103);
  // Blocks 104..107 each held one spend of a coinbase (heights 3..6); back on tip 103 the spends
  // of coinbases 5 and 6 are premature and dropped, as bitcoind's removeForReorg does.
  BOOST_TEST(node.mempool_txids().size() == 2u);
  BOOST_TEST(node.block(target).value().status == BlockStatus::invalid);
  BOOST_TEST(node.block(tip).value().status == BlockStatus::invalid);
  // Mining goes on elsewhere, with the returned transactions.
  node.generate(1);
  BOOST_TEST(node.mempool_txids().empty());
  node.reconsider_block(target).value();
  BOOST_TEST(node.tip() == tip);  // more work again
  BOOST_TEST(node.height() == 107);
  BOOST_TEST(node.mempool_txids().empty());
  BOOST_TEST(node.invalidate_block(BlockHash{}).error().message == "Block not found");
  BOOST_TEST(node.reconsider_block(BlockHash{}).error().code == rpc_error::invalid_address_or_key);
}

BOOST_AUTO_TEST_CASE(generate_block_with_given_transactions) {
  auto node = make_node<BtcPolicy>();
  node.generate(101);
  const Txid a = node.send_to_address(node.get_new_address().value(), COIN).value();
  const Txid b = node.send_to_address(node.get_new_address().value(), COIN).value();
  const BlockHash h = node.generate_block(node.faucet_script(), std::vector<BlockTxSource>{a}).value();
  BOOST_TEST(get_block(node, h).transactions.size() == 2u);
  BOOST_TEST(node.mempool_txids() == std::vector<Txid>{b});
  BOOST_TEST(node.generate_block({}, std::vector<BlockTxSource>{Txid{}}).error().code ==
             rpc_error::invalid_address_or_key);
  BOOST_TEST(node.generate_block({}, std::vector<BlockTxSource>{Bytes{1, 2}}).error().message ==
             "Transaction decode failed for 0102");
  // b spends a's change, so b alone after a is fine; an unknown spend fails TestBlockValidity.
  MutableTransaction m = node.transaction(b).value().tx.to_mutable();
  m.inputs[0].prevout.index = 7;
  auto r = node.generate_block({}, std::vector<BlockTxSource>{Transaction(m).serialize()});
  BOOST_TEST(r.error().code == rpc_error::verify_error);
  BOOST_TEST(r.error().message == "TestBlockValidity failed: bad-txns-inputs-missingorspent");
  node.generate_block({}, std::vector<BlockTxSource>{node.transaction(b).value().tx.serialize()}).value();
  BOOST_TEST(node.mempool_txids().empty());
}

BOOST_AUTO_TEST_CASE(restart_keeps_the_chain) {
  const auto dir = temp_dir("restart");
  Node<BtcPolicy>::Options o;
  o.datadir = dir;
  BlockHash tip, invalidated, forged_hash;
  std::int64_t balance = 0;
  Txid confirmed;
  {
    Node<BtcPolicy> node(o);
    node.generate(101);
    confirmed = node.send_to_address(node.get_new_address().value(), COIN).value();
    node.generate(5);
    node.generate_on(node.block_hash(103).value(), 1).value();  // a stale block
    invalidated = node.block_hash(106).value();
    node.invalidate_block(invalidated).value();
    // A block with a bad signature on the tip, mined by another node that follows this one:
    // rejected, and still rejected after a restart (a replay trusts only blocks that connected).
    auto miner = make_node<BtcPolicy>();
    for (int h = 1; h <= node.height(); ++h)
      miner.submit_block(*node.block(node.block_hash(h).value()).value().raw).value();
    BOOST_REQUIRE(miner.tip() == node.tip());
    miner.send_to_address(miner.get_new_address().value(), COIN).value();
    const Bytes forged = with_bad_signature(get_block(miner, miner.generate(1)[0]));
    forged_hash = Block::parse(forged).hash();
    BOOST_TEST(node.submit_block(forged).value().value_or("null").starts_with("mandatory-script-verify-flag-failed"));
    tip = node.tip();
    balance = node.balance();
    BOOST_TEST(node.chain_info().size_on_disk > 0u);
  }
  {
    Node<BtcPolicy> node(o);
    BOOST_TEST(node.tip() == tip);
    BOOST_TEST(node.height() == 105);
    BOOST_TEST(node.balance() == balance);
    BOOST_TEST(node.block(invalidated).value().status == BlockStatus::invalid);
    BOOST_TEST(node.block(forged_hash).value().status == BlockStatus::invalid);
    BOOST_TEST(node.transaction(confirmed).value().confirmations == 4);
    BOOST_TEST(node.chain_tips().size() == 4u);
    node.generate(1);
  }
  // A torn tail: the last record half written. It is cut off; the rest stands.
  const auto file = dir / "blocks.dat";
  const auto full = std::filesystem::file_size(file);
  std::filesystem::resize_file(file, full - 100);
  {
    Node<BtcPolicy> node(o);
    BOOST_TEST(node.tip() == tip);
    BOOST_TEST(std::filesystem::file_size(file) < full - 100);
    node.generate(2);
    BOOST_TEST(node.height() == 107);
  }
  // Garbage after the last record is cut off too.
  { std::ofstream(file, std::ios::app | std::ios::binary) << "ckrb\x01garbage"; }
  {
    Node<BtcPolicy> node(o);
    BOOST_TEST(node.height() == 107);
  }
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(bulk_generation) {
  Node<BtcPolicy> node;
  node.generate(110);
  const int blocks = node.generate_transactions(1000, 250, 3).value();
  BOOST_TEST(blocks == 4);
  std::size_t txs = 0;
  for (int h = 111; h <= node.height(); ++h) txs += block_at(node, h).transactions.size() - 1;
  BOOST_TEST(txs == 1000u);
  BOOST_TEST(node.mempool_txids().empty());
  // The trusted signatures are good: a verifying node accepts every block.
  auto verifier = make_node<BtcPolicy>();
  for (int h = 1; h <= node.height(); ++h)
    BOOST_TEST(!verifier.submit_block(*node.block(node.block_hash(h).value()).value().raw).value().has_value());
  BOOST_TEST(verifier.tip() == node.tip());
}

BOOST_AUTO_TEST_SUITE_END()
