// Tests chain/block.hpp: every real block parsed into an owning Block re-serializes byte for
// byte, with txids recomputed independently of the parser; merkle rejections.
#include <coinkit/chain/block.hpp>

#include <support/block_files.hpp>

#include <boost/test/unit_test.hpp>

using namespace coinkit;

BOOST_AUTO_TEST_SUITE(block)

BOOST_AUTO_TEST_CASE(every_real_block_round_trips) {
  std::size_t blocks = 0;
  for (const auto& f : test::all_block_files()) {
    const TxSerParams params = test::is_bch(f) ? tx_no_witness : tx_with_witness;
    for (std::size_t i = 0; i < f.blocks.size(); ++i) {
      BOOST_TEST_CONTEXT(f.relative << " block " << i) {
        const Bytes& raw = f.blocks[i];
        auto parsed = Block::try_parse(raw, params);
        BOOST_TEST_REQUIRE(parsed.has_value(), parsed.error().message());
        const Block& b = *parsed;
        BOOST_TEST((b.serialize(params) == raw));
        // Txids from a fresh serialization without witness, not from the parser's streaming.
        for (const Transaction& tx : b.transactions) {
          const Transaction rebuilt(tx.to_mutable());
          BOOST_TEST(rebuilt.txid() == tx.txid());
          BOOST_TEST(rebuilt.wtxid() == tx.wtxid());
        }
        const MerkleRoot m = b.merkle_root();
        BOOST_TEST(m.root == b.header.merkle_root);
        BOOST_TEST(!m.mutated);
        BOOST_TEST(b.hash() == BlockHash::from(sha256d(ByteSpan(raw).first(80))));
      }
      ++blocks;
    }
  }
  BOOST_TEST(blocks == test::manifest_block_count);
}

// A block whose transactions were tampered with no longer matches its header; one whose last
// transaction was duplicated still does, and only the mutation flag tells (CVE-2012-2459).
BOOST_AUTO_TEST_CASE(merkle_rejections) {
  // rust-bitcoin's block 0000000000013b8a... has 9 transactions: odd, so duplicating the last
  // one gives the same root.
  const auto& files = test::all_block_files();
  const auto it = std::find_if(files.begin(), files.end(), [](const auto& f) {
    return f.relative.find("0000000000013b8ab2cd513b0261a14096412195a72a0c4827d229dcc7e0f7af") != std::string::npos;
  });
  BOOST_TEST_REQUIRE((it != files.end()));
  const Block original = Block::parse(it->blocks[0]);
  BOOST_TEST_REQUIRE(original.transactions.size() == 9u);

  Block swapped = original;
  std::swap(swapped.transactions[1], swapped.transactions[2]);
  const Bytes swapped_raw = swapped.serialize();
  BOOST_TEST(BlockView::parse(swapped_raw).check_merkle_root() == chain::error::merkle_root_mismatch);

  Block duplicated = original;
  duplicated.transactions.push_back(duplicated.transactions.back());
  const Bytes duplicated_raw = duplicated.serialize();
  const BlockView view = BlockView::parse(duplicated_raw);
  BOOST_TEST(view.merkle_root().root == original.header.merkle_root);
  BOOST_TEST(view.merkle_root().mutated);
  BOOST_TEST(view.check_merkle_root() == chain::error::merkle_mutated);
  BOOST_TEST(view.hash() == original.hash());  // the same header: why a mutated block must not be marked invalid
  BOOST_TEST(make_error_code(chain::error::merkle_mutated).message() ==
             "merkle tree has duplicate subtrees (CVE-2012-2459 mutation)");
}

BOOST_AUTO_TEST_CASE(parse_errors) {
  BOOST_TEST(Block::try_parse(Bytes(79)).error() == core::error::truncated);
  BOOST_CHECK_EXCEPTION((void)Block::parse(Bytes(82)), system_error, [](const system_error& e) {
    return e.code() == core::error::trailing_bytes &&
           std::string(e.what()) == "block at byte 81: unexpected bytes after the end of the object [coinkit.core:2]";
  });
  // A header and no transactions parses (a headers message's entry); judging it is not parsing.
  const auto empty = Block::try_parse(Bytes(81));
  BOOST_TEST_REQUIRE(empty.has_value());
  BOOST_TEST(empty->transactions.empty());
  BOOST_TEST(empty->merkle_root().root.is_null());
}

BOOST_AUTO_TEST_SUITE_END()
