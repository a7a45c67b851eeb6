// Block: an owning block, a header and its transactions.
#pragma once

#include <coinkit/chain/block_header.hpp>
#include <coinkit/chain/block_view.hpp>
#include <coinkit/chain/merkle.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/core/writer.hpp>

#include <vector>

namespace coinkit {

// Bitcoin Core's CBlock: plain fields. Parsing goes through BlockView, so an owning block is
// exactly as strict as the indexer's views.
struct Block {
  BlockHeader header;
  std::vector<Transaction> transactions;

  Block() = default;
  Block(BlockHeader h, std::vector<Transaction> txs) : header(h), transactions(std::move(txs)) {}
  explicit Block(const BlockView& view) : header(view.header()) {
    transactions.reserve(view.transactions().size());
    for (const TxView& tx : view.transactions()) transactions.emplace_back(tx);
  }

  static result<Block> try_parse(ByteSpan raw, TxSerParams params = tx_with_witness) {
    auto view = BlockView::try_parse(raw, params);
    if (!view) return view.error();
    return Block(*view);
  }
  static Block parse(ByteSpan raw, TxSerParams params = tx_with_witness) {
    return Block(BlockView::parse(raw, params));
  }

  BlockHash hash() const noexcept { return header.hash(); }

  template <ByteSink Sink>
  void serialize(Sink& sink, TxSerParams params = tx_with_witness) const {
    header.serialize(sink);
    ByteWriter<Sink>(sink).compact_size(transactions.size());
    for (const Transaction& tx : transactions) tx.serialize(sink, params);
  }
  Bytes serialize(TxSerParams params = tx_with_witness) const {
    Bytes out;
    BytesSink sink{out};
    serialize(sink, params);
    return out;
  }

  MerkleRoot merkle_root() const {
    std::vector<Txid> txids;
    txids.reserve(transactions.size());
    for (const Transaction& tx : transactions) txids.push_back(tx.txid());
    return compute_merkle_root(txids);
  }
};

}  // namespace coinkit
