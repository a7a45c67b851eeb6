// HeaderMerkleCache: Electrum's header checkpoint proofs (cp_height) without hashing the chain on
// each request: a proof hashes one chunk of 64 block hashes and looks the rest up.
#pragma once

#include <coinkit/chain/merkle.hpp>
#include <coinkit/indexer/block_list.hpp>

#include <algorithm>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace coinkit::indexer {

// The tree of the block hashes 0..cp_height is cut at the level where each node covers a chunk of
// 64 leaves. The roots of complete chunks are kept (each checked against its last block hash on
// use, which any reorg inside the chunk changes), and for the last few checkpoints asked the tree
// above them. A proof then costs 63 hashes and O(log n) look-ups; the first for a checkpoint also
// hashes the new chunks and the levels above (Electrum clients all ask for the same checkpoint).
class HeaderMerkleCache {
 public:
  static constexpr std::size_t chunk_depth = 6, chunk = std::size_t{1} << chunk_depth;

  struct Proof {
    std::vector<Hash256> branch;  // sibling hashes from the leaf up
    Hash256 root;
  };

  // The proof of the block at `height` in the tree of blocks 0..cp_height; the caller checks
  // height <= cp_height <= blocks.height().
  Proof prove(const BlockList& blocks, std::size_t height, std::size_t cp_height) {
    const std::size_t n = cp_height + 1;
    Proof p;
    if (n <= chunk) {  // one chunk: the whole tree
      std::vector<BlockHash> leaves;
      for (std::size_t h = 0; h < n; ++h) leaves.push_back(blocks[h].hash);
      MerkleTree tree(leaves);
      return {tree.branch(height), tree.root()};
    }
    const std::size_t c = height / chunk;
    chunk_root(blocks, c, n, height % chunk, &p.branch);
    const std::shared_ptr<const MerkleTree> upper = tree_of_chunks(blocks, n);
    const std::vector<Hash256> above = upper->branch(c);
    p.branch.insert(p.branch.end(), above.begin(), above.end());
    p.root = upper->root();
    return p;
  }

 private:
  struct Checkpoint {
    std::size_t n;
    BlockHash last;                           // the block at cp_height: any reorg below it changes it
    std::shared_ptr<const MerkleTree> above;  // the tree whose leaves are the chunks' roots
  };
  struct ChunkRoot {
    BlockHash last;
    Hash256 root;
  };

  // Chunk c's leaves (those below n) hashed up chunk_depth levels, the last hash of an odd level
  // paired with itself as in the whole tree (a partial last chunk included); the siblings of the
  // leaf at `index` in the chunk are appended to `branch`.
  static Hash256 chunk_root(const BlockList& blocks, std::size_t c, std::size_t n, std::size_t index,
                            std::vector<Hash256>* branch) {
    std::vector<Hash256> level;
    level.reserve(chunk + 1);
    for (std::size_t h = c * chunk, end = std::min(n, (c + 1) * chunk); h < end; ++h)
      level.push_back(Hash256::from(blocks[h].hash));
    for (std::size_t d = 0; d < chunk_depth; ++d, index >>= 1) {
      if (branch) branch->push_back(chain::detail::merkle_sibling(level, index));
      chain::detail::merkle_level_up(level);
    }
    return level[0];
  }

  std::shared_ptr<const MerkleTree> tree_of_chunks(const BlockList& blocks, std::size_t n) {
    const BlockHash last = blocks[n - 1].hash;
    std::lock_guard lock(mutex_);
    for (const Checkpoint& cp : recent_)
      if (cp.n == n && cp.last == last) return cp.above;
    const std::size_t complete = n / chunk;
    std::vector<Hash256> roots;
    roots.reserve(complete + 1);
    if (chunk_roots_.size() < complete) chunk_roots_.resize(complete);
    for (std::size_t c = 0; c < complete; ++c) {
      ChunkRoot& r = chunk_roots_[c];
      const BlockHash& end = blocks[(c + 1) * chunk - 1].hash;
      if (r.last != end) r = {end, chunk_root(blocks, c, n, 0, nullptr)};  // new, or replaced by a reorg
      roots.push_back(r.root);
    }
    if (complete * chunk < n) roots.push_back(chunk_root(blocks, complete, n, 0, nullptr));
    auto above = std::make_shared<const MerkleTree>(roots);
    recent_.push_front({n, last, above});
    if (recent_.size() > 4) recent_.pop_back();
    return above;
  }

  std::mutex mutex_;
  std::vector<ChunkRoot> chunk_roots_;
  std::deque<Checkpoint> recent_;
};

}  // namespace coinkit::indexer
