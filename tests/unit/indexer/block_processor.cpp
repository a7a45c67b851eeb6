#include <coinkit/indexer/block_processor.hpp>
#include <coinkit/indexer/storage/memory_storage.hpp>

#include "support/index_chain.hpp"

#include <boost/test/unit_test.hpp>

#include <random>

using namespace coinkit;
using namespace coinkit::indexer;

namespace {

const BlockHash regtest_genesis = find_network<BtcPolicy>(NetworkId::regtest)->genesis_hash;

// A store, its mempool, index and processor: a whole index in memory.
struct MemoryIndex {
  MemoryStorage storage{StorageOptions{}, tables};
  Mempool mempool;
  Index<MemoryStorage> index{storage, mempool};
  BlockProcessor<MemoryStorage> processor;
  explicit MemoryIndex(std::size_t cache_bytes = 1 << 30, int reorg_limit = 200)
      : processor(index, {regtest_genesis, cache_bytes, reorg_limit}) {
    processor.open().value();
  }
  // Applies the node's blocks above our tip, flushing every `every` blocks.
  void sync(const regtest::Node<BtcPolicy>& node, int every = 1'000'000) {
    for (int h = processor.height() + 1; h <= node.height(); ++h) {
      processor.apply(test::prepared(node, h), h > node.height() - 200).value();
      if (h % every == 0) processor.flush().value();
    }
    processor.flush().value();
  }
};

void check_same_tables(const MemoryIndex& a, const MemoryIndex& b) {
  for (TableId t : {table::blocks, table::history, table::utxo, table::outpoint})
    BOOST_TEST_CONTEXT("table " << tables[t].name) BOOST_TEST((test::dump(a.storage, t) == test::dump(b.storage, t)));
  BOOST_TEST(a.processor.state().tx_count == b.processor.state().tx_count);
  BOOST_TEST(a.processor.state().utxo_count == b.processor.state().utxo_count);
  BOOST_TEST(a.processor.tip() == b.processor.tip());
}

struct PaidChain {
  regtest::Node<BtcPolicy> node;
  std::mt19937 rng{2026};
  std::vector<Bytes> reused;
  PaidChain(int blocks = 30, int txs = 6) {
    node.generate(101);
    test::add_payments(node, rng, blocks, txs, reused);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(block_processor)

BOOST_AUTO_TEST_CASE(index_equals_a_naive_scan_of_every_block) {
  PaidChain chain;
  MemoryIndex mi;
  mi.sync(chain.node);
  BOOST_TEST(mi.index.height() == chain.node.height());
  test::check_against(mi.index, test::reference_of(chain.node));
}

BOOST_AUTO_TEST_CASE(flushing_at_any_interval_gives_the_same_tables) {
  PaidChain chain(20, 5);
  MemoryIndex once;
  once.sync(chain.node);
  for (int every : {1, 7, 50}) {
    MemoryIndex often;
    often.sync(chain.node, every);
    BOOST_TEST_CONTEXT("flush every " << every) check_same_tables(once, often);
  }
  MemoryIndex tiny(1);  // cache of one byte: full after every block
  for (int h = 0; h <= chain.node.height(); ++h) {
    tiny.processor.apply(test::prepared(chain.node, h), true).value();
    BOOST_TEST(tiny.processor.cache_full());
    tiny.processor.flush().value();
  }
  check_same_tables(once, tiny);
}

BOOST_AUTO_TEST_CASE(reopening_continues_where_the_last_flush_left) {
  PaidChain chain(10, 4);
  MemoryIndex mi;
  const int half = chain.node.height() / 2;
  for (int h = 0; h <= half; ++h) mi.processor.apply(test::prepared(chain.node, h), true).value();
  mi.processor.flush().value();
  for (int h = half + 1; h <= half + 5; ++h) mi.processor.apply(test::prepared(chain.node, h), true).value();
  // Not flushed: a new processor on the same storage starts at `half`, as after a crash.
  BlockProcessor<MemoryStorage> again(mi.index, {regtest_genesis, 1 << 30, 200});
  again.open().value();
  BOOST_TEST(again.height() == half);
  for (int h = half + 1; h <= chain.node.height(); ++h) again.apply(test::prepared(chain.node, h), true).value();
  again.flush().value();
  MemoryIndex fresh;
  fresh.sync(chain.node);
  BOOST_TEST(test::dump(mi.storage, table::utxo) == test::dump(fresh.storage, table::utxo));
  BOOST_TEST(test::dump(mi.storage, table::history) == test::dump(fresh.storage, table::history));
}

BOOST_AUTO_TEST_CASE(reorgs_of_depth_1_10_and_the_limit_equal_a_fresh_index) {
  const int limit = 12;
  for (int depth : {1, 10, limit}) {
    BOOST_TEST_CONTEXT("depth " << depth) {
      PaidChain chain(25, 4);
      MemoryIndex mi(1 << 30, limit);
      for (int h = 0; h <= chain.node.height(); ++h) mi.processor.apply(test::prepared(chain.node, h), true).value();
      mi.processor.flush().value();
      // The node switches to a longer branch forking `depth` blocks below its tip; the
      // disconnected payments return to its mempool and are mined again on the new branch.
      const int fork = chain.node.height() - depth;
      chain.node.invalidate_block(chain.node.block_hash(fork + 1).value()).value();
      test::add_payments(chain.node, chain.rng, depth + 1, 2, chain.reused);
      while (mi.processor.tip() != chain.node.block_hash(mi.processor.height()).value())
        mi.processor.undo_tip().value();
      BOOST_TEST(mi.processor.height() == fork);
      for (int h = fork + 1; h <= chain.node.height(); ++h)
        mi.processor.apply(test::prepared(chain.node, h), true).value();
      mi.processor.flush().value();
      MemoryIndex fresh(1 << 30, limit);
      fresh.sync(chain.node);
      check_same_tables(mi, fresh);
      test::check_against(mi.index, test::reference_of(chain.node));
    }
  }
}

// A script's history is stored in rows of 128 entries plus a partial row: the rows must be a
// function of the history alone, whatever the flushes, and a reorg that cuts a full row must
// leave what a fresh index of the new chain has.
BOOST_AUTO_TEST_CASE(history_rows_are_the_same_however_flushed_or_backed_out) {
  regtest::Node<BtcPolicy> node;
  node.generate(101);
  const Bytes hot = node.new_script(regtest::AddressType::bech32).value();
  auto pay_hot = [&](int blocks) {
    for (int b = 0; b < blocks; ++b) {
      for (int t = 0; t < 5; ++t) {
        const regtest::Payment pay[] = {{hot, 20'000 + 1'000 * t},
                                        {node.new_script(regtest::AddressType::legacy).value(), 30'000}};
        node.send(pay).value();
      }
      node.generate(1);
    }
  };
  pay_hot(60);
  MemoryIndex once;
  once.sync(node);
  const auto sh = electrum_scripthash(hot);
  const auto hist = once.index.history(sh).value();
  BOOST_TEST_REQUIRE(hist.size() > 2 * history_row_entries);
  std::size_t full_rows = 0;
  for (const auto& [k, v] : test::dump(once.storage, table::history))
    if (k.size() == hashx_size + tx_num_size && std::equal(k.begin(), k.begin() + hashx_size, sh.data())) {
      BOOST_TEST(v.size() == history_row_entries * tx_num_size);
      ++full_rows;
    }
  BOOST_TEST(full_rows == hist.size() / history_row_entries);
  for (int every : {1, 7}) {
    MemoryIndex often;
    often.sync(node, every);
    BOOST_TEST_CONTEXT("flush every " << every) check_same_tables(once, often);
  }
  // Fork just below the block holding entry 128: the reorg cuts the first full row.
  const int fork = hist[history_row_entries].height - 1;
  const int depth = node.height() - fork;
  BOOST_TEST_REQUIRE(depth < 200);
  node.invalidate_block(node.block_hash(fork + 1).value()).value();
  pay_hot(depth + 2);
  while (once.processor.tip() != node.block_hash(once.processor.height()).value()) once.processor.undo_tip().value();
  BOOST_TEST(once.processor.height() == fork);
  for (int h = fork + 1; h <= node.height(); ++h) once.processor.apply(test::prepared(node, h), true).value();
  once.processor.flush().value();
  MemoryIndex fresh;
  fresh.sync(node);
  check_same_tables(once, fresh);
  test::check_against(once.index, test::reference_of(node));
}

BOOST_AUTO_TEST_CASE(a_reorg_deeper_than_the_limit_fails_and_changes_nothing) {
  PaidChain chain(12, 2);
  const int limit = 5;
  MemoryIndex mi(1 << 30, limit);
  for (int h = 0; h <= chain.node.height(); ++h) mi.processor.apply(test::prepared(chain.node, h), true).value();
  mi.processor.flush().value();
  const auto before = test::dump(mi.storage, table::utxo);
  for (int i = 0; i < limit; ++i) mi.processor.undo_tip().value();
  auto r = mi.processor.undo_tip();
  BOOST_TEST(r.error() == make_error_code(error::reorg_too_deep));
  BOOST_TEST(mi.processor.height() == chain.node.height() - limit);
  // The blocks undone can be applied again: the index is intact.
  for (int h = mi.processor.height() + 1; h <= chain.node.height(); ++h)
    mi.processor.apply(test::prepared(chain.node, h), true).value();
  mi.processor.flush().value();
  BOOST_TEST(test::dump(mi.storage, table::utxo) == before);
}

BOOST_AUTO_TEST_CASE(a_block_that_does_not_link_or_spends_nothing_known_is_refused) {
  PaidChain chain(3, 2);
  MemoryIndex mi;
  mi.processor.apply(test::prepared(chain.node, 0), true).value();
  BOOST_TEST(mi.processor.apply(test::prepared(chain.node, 2), true).error() ==
             make_error_code(error::malformed_block));
  // Skip block 1..101's coinbases: block 102 spends them, so its inputs are missing.
  std::string why;
  auto raw = chain.node.block(chain.node.block_hash(1).value()).value().raw;
  Bytes bad = *raw;
  bad[100] ^= 1;  // inside the coinbase: the merkle root no longer matches
  BOOST_TEST(prepare_block(bad, 1, tx_with_witness, &why).error() == make_error_code(error::malformed_block));
  BOOST_TEST(why.find("merkle root") != std::string::npos);
  BOOST_TEST(prepare_block(ByteSpan(*raw).first(raw->size() - 3), 1, tx_with_witness, &why).error() ==
             make_error_code(error::malformed_block));
  BOOST_TEST(mi.processor.height() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
