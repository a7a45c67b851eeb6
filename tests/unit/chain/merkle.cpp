// Tests chain/merkle.hpp: the root of every real block, the Electrum-shaped branch of every
// transaction of every block, and the duplicate-subtree (CVE-2012-2459) flag.
#include <coinkit/chain/merkle.hpp>

#include <coinkit/chain/block_view.hpp>

#include <support/block_files.hpp>

#include <boost/test/unit_test.hpp>

using namespace coinkit;

namespace {
Hash256 leaf(int i) { return sha256(as_bytes(std::to_string(i))); }
}  // namespace

BOOST_AUTO_TEST_SUITE(merkle)

BOOST_AUTO_TEST_CASE(every_branch_of_every_real_block) {
  std::size_t blocks = 0, branches = 0, expected_branches = 0;
  for (const auto& f : test::all_block_files()) {
    const TxSerParams params = test::is_bch(f) ? tx_no_witness : tx_with_witness;
    for (const Bytes& raw : f.blocks) {
      const BlockView view = BlockView::parse(raw, params);
      const std::vector<Txid> txids = view.txids();
      const MerkleTree tree(txids);
      BOOST_TEST(tree.root() == view.header().merkle_root, f.relative);
      BOOST_TEST(!tree.mutated());
      BOOST_TEST(tree.leaf_count() == txids.size());
      std::size_t depth = 0;
      while ((std::size_t{1} << depth) < txids.size()) ++depth;
      for (std::size_t i = 0; i < txids.size(); ++i) {
        const std::vector<Hash256> branch = tree.branch(i);
        BOOST_TEST(branch.size() == depth);
        const Hash256 leaf_hash = Hash256::from(txids[i]);
        if (!verify_merkle_branch(leaf_hash, branch, i, tree.root())) BOOST_ERROR(f.relative << " tx " << i);
        // The same branch proves no other position (when that position differs in the path).
        if (txids.size() > 1 && verify_merkle_branch(leaf_hash, branch, i ^ 1, tree.root()) &&
            txids[i] != txids[i ^ 1] && (i ^ 1) < txids.size())
          BOOST_ERROR(f.relative << " tx " << i << " proves position " << (i ^ 1));
        ++branches;
      }
      expected_branches += txids.size();
      ++blocks;
    }
  }
  BOOST_TEST(blocks == test::manifest_block_count);
  BOOST_TEST(branches == expected_branches);
}

BOOST_AUTO_TEST_CASE(small_trees) {
  std::vector<Hash256> leaves;
  BOOST_TEST(compute_merkle_root(leaves).root.is_null());
  leaves.push_back(leaf(0));
  BOOST_TEST(compute_merkle_root(leaves).root == leaf(0));  // one transaction: its txid
  BOOST_TEST(MerkleTree(leaves).branch(0).empty());
  leaves.push_back(leaf(1));
  leaves.push_back(leaf(2));
  // Three leaves: the last is paired with itself.
  Sha256d h01, h22, top;
  h01.write(leaf(0).span()).write(leaf(1).span());
  h22.write(leaf(2).span()).write(leaf(2).span());
  const Hash256 a = h01.finalize(), b = h22.finalize();
  top.write(a.span()).write(b.span());
  const Hash256 root = top.finalize();
  BOOST_TEST(compute_merkle_root(leaves).root == root);
  const MerkleTree tree(leaves);
  BOOST_TEST(tree.root() == root);
  BOOST_TEST((tree.branch(2) == std::vector<Hash256>{leaf(2), a}));
  BOOST_TEST((tree.branch(0) == std::vector<Hash256>{leaf(1), b}));
  BOOST_TEST(merkle_root_from_branch(leaf(2), tree.branch(2), 2) == root);
  BOOST_TEST(!verify_merkle_branch(leaf(2), tree.branch(2), 6, root));  // index beyond the depth
  BOOST_TEST(!verify_merkle_branch(leaf(1), tree.branch(2), 2, root));
}

// CVE-2012-2459: [0 1 2] and [0 1 2 2] share a root; only the second pairs equal hashes.
BOOST_AUTO_TEST_CASE(mutation_flag) {
  const std::vector<Hash256> three = {leaf(0), leaf(1), leaf(2)};
  const std::vector<Hash256> four = {leaf(0), leaf(1), leaf(2), leaf(2)};
  BOOST_TEST(compute_merkle_root(three).root == compute_merkle_root(four).root);
  BOOST_TEST(!compute_merkle_root(three).mutated);
  BOOST_TEST(compute_merkle_root(four).mutated);
  BOOST_TEST(MerkleTree(four).mutated());
  // Duplicated subtrees higher up: [0..5] is padded as [0..5 4 5]; listing 4 and 5 twice mutates.
  std::vector<Hash256> six, eight;
  for (int i = 0; i < 6; ++i) six.push_back(leaf(i));
  eight = six;
  eight.push_back(leaf(4));
  eight.push_back(leaf(5));
  BOOST_TEST(compute_merkle_root(six).root == compute_merkle_root(eight).root);
  BOOST_TEST(!compute_merkle_root(six).mutated);
  BOOST_TEST(compute_merkle_root(eight).mutated);
}

BOOST_AUTO_TEST_SUITE_END()
