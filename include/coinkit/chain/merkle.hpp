// Merkle trees of transaction hashes: roots, mutation (CVE-2012-2459), branches and their proofs.
#pragma once

#include <coinkit/core/sha256.hpp>
#include <coinkit/core/uint256.hpp>

#include <boost/assert.hpp>

#include <cstring>
#include <span>
#include <vector>

namespace coinkit {

struct MerkleRoot {
  Hash256 root;
  // Some level paired two equal hashes: another transaction list (the same with a duplicated
  // tail) has this root too, so the block must not be marked invalid by it (CVE-2012-2459).
  bool mutated = false;
};

namespace chain::detail {

// One level up in place: Bitcoin's rule duplicates the last hash of an odd level.
// Returns whether two equal hashes were paired (before the duplication, as Core checks).
inline bool merkle_level_up(std::vector<Hash256>& level) noexcept {
  bool mutated = false;
  for (std::size_t i = 0; i + 1 < level.size(); i += 2)
    if (level[i] == level[i + 1]) mutated = true;
  if (level.size() & 1) level.push_back(level.back());
  // sha256d64 may write over its input: pair i is read before hash i lands at 32 * i.
  sha256d64(level[0].data(), level[0].data(), level.size() / 2);
  level.resize(level.size() / 2);
  return mutated;
}

// The hash that level[index] is paired with one level up: its neighbour, or itself at the end of
// an odd level (Bitcoin's duplication).
inline const Hash256& merkle_sibling(const std::vector<Hash256>& level, std::size_t index) noexcept {
  return (index ^ 1) < level.size() ? level[index ^ 1] : level[index];
}

inline Hash256 hash_pair(const Hash256& left, const Hash256& right) noexcept {
  std::uint8_t in[64];
  std::memcpy(in, left.data(), 32);
  std::memcpy(in + 32, right.data(), 32);
  Hash256 out;
  sha256d64(out.data(), in, 1);
  return out;
}

}  // namespace chain::detail

// Bitcoin Core's ComputeMerkleRoot over txids (or wtxids): zero for no leaves.
template <class Tag>
MerkleRoot compute_merkle_root(std::span<const BasicHash<32, Tag>> leaves) {
  std::vector<Hash256> level;
  level.reserve(leaves.size() + 1);
  for (const auto& h : leaves) level.push_back(Hash256::from(h));
  MerkleRoot out;
  while (level.size() > 1) out.mutated |= chain::detail::merkle_level_up(level);
  if (!level.empty()) out.root = level[0];
  return out;
}
template <class Tag>
MerkleRoot compute_merkle_root(const std::vector<BasicHash<32, Tag>>& leaves) {
  return compute_merkle_root(std::span<const BasicHash<32, Tag>>(leaves));
}

// Every level of the tree kept, so the branch of any leaf costs no hashing: the shape
// Electrum's blockchain.transaction.get_merkle answers from.
class MerkleTree {
 public:
  template <class Tag>
  explicit MerkleTree(std::span<const BasicHash<32, Tag>> leaves) {
    std::vector<Hash256> level;
    level.reserve(leaves.size() + 1);
    for (const auto& h : leaves) level.push_back(Hash256::from(h));
    levels_.push_back(level);
    while (level.size() > 1) {
      mutated_ |= chain::detail::merkle_level_up(level);
      levels_.push_back(level);
    }
  }
  template <class Tag>
  explicit MerkleTree(const std::vector<BasicHash<32, Tag>>& leaves)
      : MerkleTree(std::span<const BasicHash<32, Tag>>(leaves)) {}

  std::size_t leaf_count() const noexcept { return levels_[0].size(); }
  Hash256 root() const noexcept { return levels_.back().empty() ? Hash256{} : levels_.back()[0]; }
  bool mutated() const noexcept { return mutated_; }

  // Sibling hashes from the leaf up (internal byte order; Electrum prints each reversed).
  std::vector<Hash256> branch(std::size_t index) const {
    BOOST_ASSERT(index < leaf_count());
    std::vector<Hash256> out;
    for (std::size_t depth = 0; depth + 1 < levels_.size(); ++depth, index >>= 1)
      out.push_back(chain::detail::merkle_sibling(levels_[depth], index));
    return out;
  }

 private:
  std::vector<std::vector<Hash256>> levels_;
  bool mutated_ = false;
};

// The root a leaf at `index` proves with `branch`: at each level the bit of the index says
// whether the leaf side is the right (1) or left (0) one.
inline Hash256 merkle_root_from_branch(const Hash256& leaf, std::span<const Hash256> branch,
                                       std::size_t index) noexcept {
  Hash256 h = leaf;
  for (const Hash256& sibling : branch) {
    h = (index & 1) ? chain::detail::hash_pair(sibling, h) : chain::detail::hash_pair(h, sibling);
    index >>= 1;
  }
  return h;
}

inline bool verify_merkle_branch(const Hash256& leaf, std::span<const Hash256> branch, std::size_t index,
                                 const Hash256& root) noexcept {
  // An index beyond the branch's depth would let one proof claim several positions.
  if (branch.size() < sizeof(std::size_t) * 8 && (index >> branch.size()) != 0) return false;
  return merkle_root_from_branch(leaf, branch, index) == root;
}

}  // namespace coinkit
