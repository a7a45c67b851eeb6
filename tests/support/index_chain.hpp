// Test chains for the indexer: a regtest node with many scripts paid, reused and spent, and
// helpers that feed its blocks to a BlockProcessor and compare the result with ReferenceIndex.
#pragma once

#include <coinkit/coins/btc.hpp>
#include <coinkit/indexer/block_processor.hpp>
#include <coinkit/indexer/storage/memory_storage.hpp>
#include <coinkit/regtest/node.hpp>

#include "index_reference.hpp"

#include <boost/test/unit_test.hpp>

#include <random>

namespace coinkit::test {

// Pays a mix of fresh and reused scripts of every type, OP_RETURN outputs included; the faucet
// later spends the reused scripts it owns, so histories hold both receipts and spends.
inline void add_payments(regtest::Node<BtcPolicy>& node, std::mt19937& rng, int blocks, int txs_per_block,
                         std::vector<Bytes>& reused) {
  using regtest::AddressType;
  const AddressType types[] = {AddressType::legacy, AddressType::p2sh_segwit, AddressType::bech32,
                               AddressType::bech32m};
  while (reused.size() < 12) reused.push_back(node.new_script(types[reused.size() % 4]).value());
  for (int b = 0; b < blocks; ++b) {
    for (int t = 0; t < txs_per_block; ++t) {
      std::vector<regtest::Payment> pay;
      const int n = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < n; ++i) {
        Bytes script = rng() % 2 ? reused[rng() % reused.size()] : node.new_script(types[rng() % 4]).value();
        pay.push_back({std::move(script), 10'000 + static_cast<std::int64_t>(rng() % 5'000'000)});
      }
      if (rng() % 8 == 0) pay.push_back({Bytes{0x6a, 0x04, 'c', 'k', 'i', 't'}, 1000});  // OP_RETURN: never indexed
      node.send(pay).value();
    }
    node.generate(1);
  }
}

inline ReferenceIndex reference_of(const regtest::Node<BtcPolicy>& node) {
  ReferenceIndex ref;
  for (int h = 0; h <= node.height(); ++h)
    ref.add_block(Block::parse(*node.block(node.block_hash(h).value()).value().raw), h);
  return ref;
}

inline indexer::PreparedBlock prepared(const regtest::Node<BtcPolicy>& node, int h) {
  auto raw = node.block(node.block_hash(h).value()).value().raw;
  return indexer::prepare_block(*raw, h, tx_with_witness).value();
}

// All entries of a table, for comparing two indexes (of any backends) byte for byte.
template <class Storage>
std::vector<std::pair<Bytes, Bytes>> dump(const Storage& s, indexer::TableId t) {
  std::vector<std::pair<Bytes, Bytes>> out;
  auto r = s.read();
  auto c = r.cursor(t);
  for (bool ok = c.first(); ok; ok = c.next())
    out.emplace_back(Bytes(c.key().begin(), c.key().end()), Bytes(c.value().begin(), c.value().end()));
  return out;
}

// Every script the reference knows answers the same history, balance and unspent outputs.
template <class Index>
void check_against(const Index& index, const ReferenceIndex& ref) {
  std::size_t scripts = 0;
  for (const auto& [sh, hist] : ref.history) {
    ++scripts;
    BOOST_TEST_CONTEXT("script " << sh) {
      auto h = index.history(sh).value();
      BOOST_TEST_REQUIRE(h.size() == hist.size());
      for (std::size_t i = 0; i < h.size(); ++i) {
        BOOST_TEST(h[i].txid == hist[i].txid);
        BOOST_TEST(h[i].height == hist[i].height);
      }
      BOOST_TEST(index.balance(sh).confirmed == ref.balance(sh));
      auto u = index.unspent(sh).value();
      auto ru = ref.unspent(sh);
      BOOST_TEST_REQUIRE(u.size() == ru.size());
      for (std::size_t i = 0; i < u.size(); ++i) BOOST_TEST((u[i] == ru[i]));
    }
  }
  BOOST_TEST(scripts > 0u);
}

}  // namespace coinkit::test
