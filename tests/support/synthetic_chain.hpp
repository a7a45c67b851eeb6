// Synthetic chains for indexer tests: blocks of hand-made transactions that link and carry
// correct merkle roots (the indexer checks those; signatures and work it leaves to the node).
#pragma once

#include <coinkit/chain/block.hpp>
#include <coinkit/chain/merkle.hpp>
#include <coinkit/chain/transaction.hpp>

#include <vector>

namespace coinkit::test {

struct SyntheticChain {
  std::vector<Bytes> blocks;  // raw, height = index
  BlockHash tip;

  // The n-th of a family of distinct p2wpkh scripts (no key behind them: nothing is signed).
  static Bytes p2wpkh(std::uint32_t n) {
    Bytes s{0x00, 0x14};
    for (int i = 0; i < 20; ++i) s.push_back(static_cast<std::uint8_t>((n >> (i % 4 * 8)) ^ (0x5a + i)));
    return s;
  }
  // A coinbase with a BIP34 height push paying `outputs`.
  static Transaction coinbase(int height, std::vector<TxOut> outputs) {
    MutableTransaction tx;
    TxIn in;
    in.script_sig = {0x04,
                     static_cast<std::uint8_t>(height),
                     static_cast<std::uint8_t>(height >> 8),
                     static_cast<std::uint8_t>(height >> 16),
                     0x00,
                     0x51};
    tx.inputs.push_back(in);
    tx.outputs = std::move(outputs);
    return Transaction(std::move(tx));
  }
  // A transaction spending `prevouts` (no signatures) paying `outputs`.
  static Transaction spend(const std::vector<OutPoint>& prevouts, std::vector<TxOut> outputs) {
    MutableTransaction tx;
    for (const auto& p : prevouts) {
      TxIn in;
      in.prevout = p;
      in.script_sig = {0x01, 0x01};
      tx.inputs.push_back(in);
    }
    tx.outputs = std::move(outputs);
    return Transaction(std::move(tx));
  }

  void add(std::vector<Transaction> txs) {
    std::vector<Txid> ids;
    for (const auto& t : txs) ids.push_back(t.txid());
    BlockHeader h;
    h.version = 4;
    h.prev_hash = tip;
    h.merkle_root = compute_merkle_root(ids).root;
    h.time = 1'700'000'000 + static_cast<std::uint32_t>(blocks.size());
    h.bits = 0x207fffff;
    Block b(h, std::move(txs));
    blocks.push_back(b.serialize());
    tip = h.hash();
  }
  int height() const { return static_cast<int>(blocks.size()) - 1; }
};

}  // namespace coinkit::test
