// The failures users of other servers report most: a script with 200,000 history entries
// (electrs times out, ElectrumX refuses), and a 50,000-transaction mempool mirrored while
// queries keep being answered (ElectrumX stalls). Speed is measured in bench/, not here.
#include <coinkit/indexer/block_processor.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/indexer/storage/memory_storage.hpp>

#include "support/synthetic_chain.hpp"
#include "unit/regtest/rpc_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

using namespace coinkit;
using namespace coinkit::indexer;

namespace {

constexpr auto p2wpkh = &test::SyntheticChain::p2wpkh;  // distinct scripts, no keys

template <class S>
void apply_all(BlockProcessor<S>& p, const test::SyntheticChain& chain) {
  for (int h = 0; h <= chain.height(); ++h)
    p.apply(prepare_block(chain.blocks[static_cast<std::size_t>(h)], h, tx_with_witness).value(), false).value();
  p.flush().value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(large_histories)

BOOST_AUTO_TEST_CASE(a_script_with_200000_history_entries_answers_exactly) {
  const Bytes s = p2wpkh(1), miner = p2wpkh(2);
  const ScriptHash sh = electrum_scripthash(s);
  test::SyntheticChain chain;
  chain.add({test::SyntheticChain::coinbase(0, {{50, miner}})});
  chain.add({test::SyntheticChain::coinbase(1, {{5'000'000'000, s}})});
  // 200,000 transactions, each spending the last one's first output and paying the script
  // twice: the carried value, and one satoshi left unspent.
  std::vector<Txid> expected{Block::parse(chain.blocks[1]).transactions[0].txid()};
  OutPoint carry{expected[0], 0};
  std::int64_t value = 5'000'000'000, left = 0;
  for (int b = 0; b < 100; ++b) {
    std::vector<Transaction> txs{test::SyntheticChain::coinbase(chain.height() + 1, {{50, miner}})};
    for (int i = 0; i < 2000; ++i) {
      value -= 1001;
      txs.push_back(test::SyntheticChain::spend({carry}, {{value, s}, {1, s}}));
      carry = {txs.back().txid(), 0};
      expected.push_back(carry.txid);
      left += 1;
    }
    chain.add(std::move(txs));
  }
  left += value;

  test::TempDir dir;
  LmdbStorage store(StorageOptions{.path = dir.path, .sync = false}, tables);
  Mempool mempool;
  Index<LmdbStorage> index(store, mempool);
  BlockProcessor<LmdbStorage> p(index, {BlockHash::from(Block::parse(chain.blocks[0]).header.hash()), 1 << 30, 10});
  p.open().value();
  apply_all(p, chain);

  auto history = index.history(sh).value();
  BOOST_TEST_REQUIRE(history.size() == 200'001u);
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (history[i].txid != expected[i]) BOOST_FAIL("history entry " << i << " differs");
    if (history[i].height != (i == 0 ? 1 : 2 + static_cast<int>((i - 1) / 2000))) BOOST_FAIL("height of entry " << i);
  }
  BOOST_TEST(index.balance(sh).confirmed == left);
  auto unspent = index.unspent(sh).value();
  BOOST_TEST_REQUIRE(unspent.size() == 200'001u);
  std::int64_t sum = 0;
  for (const auto& u : unspent) sum += u.value;
  // Chain order, then output order: each transaction's 1-satoshi output; the last transaction
  // also still has its carried output 0, listed before its output 1.
  for (std::size_t i = 0; i + 2 < unspent.size(); ++i)
    if (unspent[i].txid != expected[i + 1] || unspent[i].vout != 1 || unspent[i].value != 1)
      BOOST_FAIL("unspent entry " << i << " out of order");
  BOOST_TEST(unspent[200'000 - 1].txid == expected.back());
  BOOST_TEST(unspent[200'000 - 1].vout == 0u);
  BOOST_TEST(unspent[200'000].vout == 1u);
  BOOST_TEST(sum == left);
  BOOST_TEST(unspent[200'000 - 1].value == value);
  // A caller's limit (the server's MAX_SEND) is an error, not a truncated answer.
  BOOST_TEST(index.history(sh, 1000).error() == make_error_code(error::history_too_large));
  BOOST_TEST(index.unspent(sh, 1000).error() == make_error_code(error::history_too_large));
  BOOST_TEST(Index<LmdbStorage>::status_of(history).has_value());
}

BOOST_AUTO_TEST_CASE(a_50000_transaction_mempool_is_mirrored_while_queries_go_on) {
  const std::size_t n = 50'000;
  const Bytes target = p2wpkh(7);
  const ScriptHash target_sh = electrum_scripthash(target);
  test::SyntheticChain chain;
  chain.add({test::SyntheticChain::coinbase(0, {{50, p2wpkh(3)}})});
  std::vector<TxOut> outs;
  for (std::uint32_t i = 0; i < n; ++i) outs.push_back({100'000, p2wpkh(1000 + i)});
  chain.add({test::SyntheticChain::coinbase(1, std::move(outs))});
  const Txid funding = Block::parse(chain.blocks[1]).transactions[0].txid();

  MemoryStorage store(StorageOptions{}, tables);
  Mempool mempool;
  Index<MemoryStorage> index(store, mempool);
  BlockProcessor<MemoryStorage> p(index, {Block::parse(chain.blocks[0]).header.hash(), 1 << 30, 10});
  p.open().value();
  apply_all(p, chain);

  // 50,000 unconfirmed spends; every 1,000th pays the target script, and a child of the first
  // of those spends its output again (height -1).
  std::vector<Txid> txids;
  boost::unordered_flat_map<Txid, Bytes, indexer::detail::TxidHash> raws;
  std::int64_t expected_delta = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const bool to_target = i % 1000 == 0;
    auto tx = test::SyntheticChain::spend({{funding, i}}, {{90'000, to_target ? target : p2wpkh(500'000 + i)}});
    if (to_target) expected_delta += 90'000;
    txids.push_back(tx.txid());
    raws.emplace(tx.txid(), tx.serialize());
  }
  auto child = test::SyntheticChain::spend({{txids[0], 0}}, {{80'000, p2wpkh(9)}});
  expected_delta -= 90'000;
  txids.push_back(child.txid());
  raws.emplace(child.txid(), child.serialize());
  auto fetch = [&](std::span<const Txid> ids) {
    std::vector<std::optional<Bytes>> out;
    for (const Txid& t : ids) out.push_back(raws.at(t));
    return out;
  };

  std::atomic<bool> refreshing{true};
  std::atomic<std::size_t> answered_during{0};
  std::thread reader([&] {
    while (refreshing) {
      (void)index.balance(target_sh);
      (void)index.history(target_sh).value();
      if (refreshing) ++answered_during;
    }
  });
  const auto touched = mempool.refresh(txids, fetch, index.snapshot());
  refreshing = false;
  reader.join();

  BOOST_TEST(mempool.size() == n + 1);
  BOOST_TEST(touched.size() >= n);
  BOOST_TEST_MESSAGE(answered_during << " queries answered while the mempool was being mirrored");
  BOOST_TEST(answered_during > 0u);
  BOOST_TEST(index.balance(target_sh).unconfirmed == expected_delta);
  auto h = index.history(target_sh).value();
  BOOST_TEST_REQUIRE(h.size() == 51u);
  // 1.6 order: height 0 before -1, ties by txid in display order. The child spends an output
  // of an unconfirmed parent: -1, last.
  for (std::size_t i = 1; i < 50; ++i) BOOST_TEST(h[i - 1].txid.to_hex() < h[i].txid.to_hex());
  for (std::size_t i = 0; i < 50; ++i) BOOST_TEST(h[i].height == 0);
  BOOST_TEST(h[50].height == -1);
  BOOST_TEST(h[50].txid == child.txid());
  BOOST_TEST(index.history(electrum_scripthash(p2wpkh(9))).value().at(0).height == -1);
  BOOST_TEST(mempool.fee_histogram().size() > 0u);

  // The node drops them all (mined elsewhere, say): the mirror empties.
  mempool.refresh(std::span<const Txid>{}, fetch, index.snapshot());
  BOOST_TEST(mempool.size() == 0u);
  BOOST_TEST(index.balance(target_sh).unconfirmed == 0);
}

BOOST_AUTO_TEST_SUITE_END()
