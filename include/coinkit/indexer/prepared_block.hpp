// PreparedBlock: a block parsed, hashed and reduced to what the index applies: work that runs
// ahead of the block processor, beside it.
#pragma once

#include <coinkit/chain/block_header.hpp>
#include <coinkit/chain/block_view.hpp>
#include <coinkit/chain/hashes.hpp>
#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/indexer/error.hpp>
#include <coinkit/indexer/schema.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace coinkit::indexer {

// How a coin's blocks are laid out: a header of `header_size` bytes (its first 80 are Bitcoin's
// fields; the block hash is the double SHA-256 of all of it), then the transactions.
struct BlockFormat {
  TxSerParams tx = tx_with_witness;
  std::size_t header_size = 80;

  BlockFormat(TxSerParams t, std::size_t header = 80)
      : tx(t), header_size(header) {}  // NOLINT: a format from its tx params
  template <CoinPolicy Coin>
  static BlockFormat of() {
    return BlockFormat(Coin::segwit ? tx_with_witness : tx_no_witness, Coin::header_size);
  }
};

struct PreparedBlock {
  struct Output {
    HashX hashx;
    std::int64_t value;
    std::uint32_t tx_index;  // position of its transaction in the block
    std::uint32_t vout;
  };
  struct Input {
    Txid prev_txid;
    std::uint32_t prev_vout;
    std::uint32_t tx_index;
  };

  int height = 0;
  BlockHash hash;
  BlockHeader header;  // the first 80 bytes of raw_header
  Bytes raw_header;
  std::vector<Txid> txids;
  std::vector<Output> outputs;  // spendable outputs only, block order
  std::vector<Input> inputs;    // every input but the coinbase's, block order
  std::size_t size = 0;         // serialized bytes

  // header ‖ txids: the `blocks` table's record.
  Bytes record() const {
    Bytes r = raw_header;
    const std::size_t n = r.size();
    r.resize(n + 32 * txids.size());
    std::memcpy(r.data() + n, txids.data(), 32 * txids.size());
    return r;
  }
};

// Parses `raw` (the block at `height`) into a PreparedBlock, hashing every output script.
// A block that does not parse, or whose transactions do not match its merkle root, is
// malformed_block; `message` then says why (the caller knows which block it asked for).
inline result<PreparedBlock> prepare_block(ByteSpan raw, int height, const BlockFormat& format,
                                           std::string* message = nullptr) {
  PreparedBlock b;
  b.height = height;
  b.size = raw.size();
  TxViewBuffer scratch;
  auto fail = [&](std::string why) -> result<PreparedBlock> {
    if (message) *message = std::move(why);
    return error::malformed_block;
  };
  if (format.header_size < 80 || raw.size() < format.header_size) return fail("shorter than a header");
  b.raw_header.assign(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(format.header_size));
  {
    ByteReader r(raw.first(80));
    b.header = BlockHeader::read(r);
  }
  b.hash = BlockHash::from(sha256d(b.raw_header));
  auto ec = for_each_transaction(
      raw, scratch,
      [&](const TxView& tx, std::size_t i) {
        const auto ti = static_cast<std::uint32_t>(i);
        b.txids.push_back(tx.txid);
        if (i != 0)
          for (const auto& in : tx.inputs) b.inputs.push_back({in.prevout.txid, in.prevout.index, ti});
        for (std::size_t o = 0; o < tx.outputs.size(); ++o) {
          const auto& out = tx.outputs[o];
          if (is_unspendable(out.script_pubkey)) continue;
          b.outputs.push_back({hashx_of_script(out.script_pubkey), out.value, ti, static_cast<std::uint32_t>(o)});
        }
      },
      format.tx, format.header_size);
  if (ec) return fail(ec.message());
  if (b.txids.empty()) return fail("no transactions");
  const auto root = compute_merkle_root(b.txids);
  if (root.root != b.header.merkle_root || root.mutated) return fail("merkle root does not match its transactions");
  return b;
}

}  // namespace coinkit::indexer
