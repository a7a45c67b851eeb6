// BlockView: a zero-copy view of a serialized block, and streaming a block's transactions
// with their txids: the indexer's hot path.
#pragma once

#include <coinkit/chain/block_header.hpp>
#include <coinkit/chain/error.hpp>
#include <coinkit/chain/merkle.hpp>
#include <coinkit/chain/tx_view.hpp>
#include <coinkit/core/reader.hpp>
#include <coinkit/core/sha256.hpp>

#include <boost/assert.hpp>

#include <span>
#include <type_traits>
#include <vector>

namespace coinkit {

namespace chain::detail {

// Block wire format: header (80 bytes, see BlockHeader), transaction count (compact size),
// then each transaction (see read_tx). Nothing may follow the last transaction.
inline std::uint64_t read_block_start(ByteReader& r, BlockHeader& header) noexcept {
  header = BlockHeader::read(r);
  return read_count(r, min_tx_size, chain::error::too_many_transactions);
}

}  // namespace chain::detail

// Parses a block and calls `f(const TxView&, std::size_t index)` for each transaction in
// order, its txid already computed. The view lives during the call only; `scratch` holds its
// inputs and outputs and is reused, so a warm loop allocates nothing. Bytes are hashed in
// place: the txid streams version, inputs, outputs and lock_time into Sha256d.
// `header_size`: a coin whose headers extend Bitcoin's 80 bytes (CoinPolicy::header_size).
// Returns the first error (f has then seen every transaction before it).
template <class F>
error_code for_each_transaction(ByteSpan block, TxViewBuffer& scratch, F&& f, TxSerParams params = tx_with_witness,
                                std::size_t header_size = 80) {
  ByteReader r(block);
  BlockHeader header;
  header = BlockHeader::read(r);
  if (header_size > 80) r.skip(header_size - 80);
  const std::uint64_t count = chain::detail::read_count(r, min_tx_size, chain::error::too_many_transactions);
  for (std::uint64_t i = 0; i < count && r.ok(); ++i) {
    scratch.clear();
    TxView tx;
    chain::detail::TxRanges ranges;
    if (!chain::detail::read_tx(r, params, scratch, tx, ranges)) break;
    chain::detail::attach(tx, scratch, ranges);
    f(static_cast<const TxView&>(tx), static_cast<std::size_t>(i));
  }
  r.expect_end();
  return r.error();
}

// A parsed block: its header and a TxView of every transaction, spans into the block's bytes
// (which must outlive it). Move-only, since the views point into its own vectors.
class BlockView {
 public:
  BlockView() = default;
  BlockView(BlockView&&) noexcept = default;
  BlockView& operator=(BlockView&&) noexcept = default;
  BlockView(const BlockView&) = delete;
  BlockView& operator=(const BlockView&) = delete;

  // Never throws on malformed bytes.
  static result<BlockView> try_parse(ByteSpan raw, TxSerParams params = tx_with_witness) {
    BlockView view;
    if (auto ec = view.assign(raw, params)) return ec;
    return view;
  }
  // As try_parse, but throws system_error naming the error and its byte offset.
  static BlockView parse(ByteSpan raw, TxSerParams params = tx_with_witness) {
    BlockView view;
    std::size_t offset = 0;
    if (auto ec = view.assign(raw, params, &offset)) chain::detail::throw_parse_error(ec, "block", offset);
    return view;
  }

  // Parses `raw` into this view, reusing its vectors' capacity (the indexer's loop over
  // blocks). On failure the view is left empty and `*error_offset` says where parsing stopped.
  error_code assign(ByteSpan raw, TxSerParams params = tx_with_witness, std::size_t* error_offset = nullptr) {
    clear();
    ByteReader r(raw);
    const std::uint64_t count = chain::detail::read_block_start(r, header_);
    for (std::uint64_t i = 0; i < count && r.ok(); ++i) {
      if (!chain::detail::read_tx(r, params, buffer_, txs_.emplace_back(), ranges_.emplace_back())) break;
    }
    r.expect_end();
    if (!r.ok()) {
      if (error_offset) *error_offset = r.offset();
      clear();
      return r.error();
    }
    // The buffer has stopped growing: the spans can now point into it.
    for (std::size_t i = 0; i < txs_.size(); ++i) chain::detail::attach(txs_[i], buffer_, ranges_[i]);
    raw_ = raw;
    return {};
  }

  void clear() noexcept {
    raw_ = {};
    header_ = {};
    txs_.clear();
    ranges_.clear();
    buffer_.clear();
  }

  ByteSpan raw() const noexcept { return raw_; }
  ByteSpan raw_header() const noexcept {
    BOOST_ASSERT(raw_.size() >= BlockHeader::serialized_size);  // a parsed block, not an empty view
    return raw_.first(BlockHeader::serialized_size);
  }
  const BlockHeader& header() const noexcept { return header_; }
  BlockHash hash() const noexcept { return BlockHash::from(sha256d(raw_header())); }
  std::span<const TxView> transactions() const noexcept { return txs_; }

  std::size_t size() const noexcept { return raw_.size(); }
  std::size_t stripped_size() const noexcept {
    std::size_t n = raw_.size();
    for (const TxView& tx : txs_) n -= tx.size() - tx.stripped_size();
    return n;
  }
  std::size_t weight() const noexcept { return stripped_size() * (witness_scale_factor - 1) + size(); }

  std::vector<Txid> txids() const {
    std::vector<Txid> out;
    out.reserve(txs_.size());
    for (const TxView& tx : txs_) out.push_back(tx.txid);
    return out;
  }
  MerkleRoot merkle_root() const { return compute_merkle_root(txids()); }

  // The header commits to these transactions, and by no mutated tree (CVE-2012-2459).
  error_code check_merkle_root() const {
    const MerkleRoot m = merkle_root();
    if (m.root != header_.merkle_root) return chain::error::merkle_root_mismatch;
    if (m.mutated) return chain::error::merkle_mutated;
    return {};
  }

 private:
  ByteSpan raw_;
  BlockHeader header_;
  std::vector<TxView> txs_;
  std::vector<chain::detail::TxRanges> ranges_;
  TxViewBuffer buffer_;
};

}  // namespace coinkit
