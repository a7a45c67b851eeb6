// indexer/header_merkle_cache.hpp: every proof checked against a textbook merkle computation
// (written here, sharing no code with the cache), across chunk edges, partial chunks and reorgs.
#include <coinkit/indexer/header_merkle_cache.hpp>

#include <coinkit/core/sha256.hpp>

#include <boost/test/unit_test.hpp>

#include <cstring>
#include <vector>

using namespace coinkit;
using coinkit::indexer::BlockList;
using coinkit::indexer::HeaderMerkleCache;

namespace {

Hash256 pair_hash(const Hash256& a, const Hash256& b) {
  std::uint8_t buf[64];
  std::memcpy(buf, a.data(), 32);
  std::memcpy(buf + 32, b.data(), 32);
  return sha256d(ByteSpan(buf, 64));
}

// Bitcoin's tree, level by level with the odd last hash paired with itself: the root, and the
// siblings of leaf `index` on the way up.
struct Expected {
  std::vector<Hash256> branch;
  Hash256 root;
};
Expected textbook(std::vector<Hash256> level, std::size_t index) {
  Expected e;
  while (level.size() > 1) {
    if (level.size() % 2) level.push_back(level.back());
    e.branch.push_back(level[index ^ 1]);
    std::vector<Hash256> up;
    for (std::size_t i = 0; i < level.size(); i += 2) up.push_back(pair_hash(level[i], level[i + 1]));
    level = up;
    index /= 2;
  }
  e.root = level[0];
  return e;
}

BlockHash block_hash(std::size_t h, std::uint8_t fork = 0) {
  std::uint8_t seed[9] = {fork};
  std::memcpy(seed + 1, &h, sizeof h);
  return BlockHash::from(sha256d(ByteSpan(seed, sizeof seed)));
}

BlockList chain_of(std::size_t n, std::uint8_t fork = 0, std::size_t fork_at = SIZE_MAX) {
  BlockList blocks;
  for (std::size_t h = 0; h < n; ++h) blocks.push_back({block_hash(h, h >= fork_at ? fork : 0), h + 1});
  return blocks;
}

void check(HeaderMerkleCache& cache, const BlockList& blocks, std::size_t height, std::size_t cp) {
  std::vector<Hash256> leaves;
  for (std::size_t h = 0; h <= cp; ++h) leaves.push_back(Hash256::from(blocks[h].hash));
  const Expected want = textbook(leaves, height);
  const HeaderMerkleCache::Proof got = cache.prove(blocks, height, cp);
  BOOST_TEST_INFO("height " << height << ", cp_height " << cp);
  BOOST_TEST(got.root.to_hex() == want.root.to_hex());
  BOOST_TEST_REQUIRE(got.branch.size() == want.branch.size());
  for (std::size_t i = 0; i < want.branch.size(); ++i) BOOST_TEST(got.branch[i].to_hex() == want.branch[i].to_hex());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(header_merkle_cache)

BOOST_AUTO_TEST_CASE(proofs_equal_the_textbook_tree_at_every_edge) {
  const BlockList blocks = chain_of(700);
  HeaderMerkleCache cache;
  // One chunk, exactly one, one more, two, partial chunks of one leaf, chunk edges, the last leaf.
  for (std::size_t cp : {0, 1, 2, 63, 64, 65, 127, 128, 129, 191, 256, 257, 640, 641, 699})
    for (std::size_t h : {std::size_t{0}, cp / 2, cp / 64 * 64, cp / 64 * 64 - (cp >= 64), cp})
      if (h <= cp) check(cache, blocks, h, cp);
  for (std::size_t h = 0; h < 700; h += 7) check(cache, blocks, h, 699);  // one checkpoint, many heights
}

BOOST_AUTO_TEST_CASE(a_reorg_is_never_answered_from_the_cache) {
  HeaderMerkleCache cache;
  const BlockList before = chain_of(500);
  for (std::size_t h : {0, 100, 300, 499}) check(cache, before, h, 499);
  check(cache, before, 10, 300);
  // Blocks from 200 on replaced: complete chunks past 192 and both checkpoints change.
  const BlockList after = chain_of(500, 1, 200);
  for (std::size_t h : {0, 100, 199, 200, 300, 499}) check(cache, after, h, 499);
  check(cache, after, 10, 300);
  check(cache, before, 10, 150);  // below the fork both chains agree
  check(cache, after, 10, 150);
}

BOOST_AUTO_TEST_SUITE_END()
