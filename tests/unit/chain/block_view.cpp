// Tests chain/block_view.hpp over every real block in shared/data/blocks, in every format:
// complete parse, block hash, merkle root, sizes, ElectrumX's decoded fields, chain links.
#include <coinkit/chain/block_view.hpp>

#include <support/block_files.hpp>
#include <support/data.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>
#include <string>

using namespace coinkit;

namespace {

TxSerParams params_for(const test::BlockFile& f) { return test::is_bch(f) ? tx_no_witness : tx_with_witness; }

const test::BlockFile& file_named(const std::string& relative) {
  for (const auto& f : test::all_block_files())
    if (f.relative == relative) return f;
  throw std::runtime_error("no block file " + relative);
}

BlockHeader header_of(const Bytes& raw) { return BlockHeader::parse(ByteSpan(raw).first(80)); }
BlockHash hash_of(const Bytes& raw) { return header_of(raw).hash(); }

const BlockHash genesis = BlockHash::from_hex("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");

}  // namespace

BOOST_AUTO_TEST_SUITE(block_view)

// The explicit rule of block_files.hpp splits blocks/ in two, and MANIFEST.md agrees: every
// file with blocks has a "computed:" entry, and no other file has one.
BOOST_AUTO_TEST_CASE(block_files_classified) {
  std::size_t block_files = 0, other_files = 0;
  for (const std::string& relative : test::block_data_files()) {
    const bool listed = test::manifest().contains(relative);
    if (test::non_block_reason(relative)) {
      BOOST_TEST(!listed, relative << " holds blocks by the manifest but the rule skips it");
      ++other_files;
    } else {
      BOOST_TEST(listed, relative << " has no computed entry in the manifest");
      ++block_files;
    }
  }
  BOOST_TEST(block_files == test::all_block_files().size());
  BOOST_TEST(block_files == 62u);
  BOOST_TEST(other_files == 16u);
}

BOOST_AUTO_TEST_CASE(every_real_block) {
  std::size_t blocks = 0, txs = 0;
  TxViewBuffer scratch;
  BlockView view;
  for (const auto& f : test::all_block_files()) {
    const auto& m = test::manifest().at(f.relative);
    BOOST_TEST_CONTEXT(f.relative) {
      if (f.format == "framed") {
        BOOST_TEST(f.blocks.size() == m.framed_count);
        BOOST_TEST(hash_of(f.blocks.front()) == *m.first);
        BOOST_TEST(hash_of(f.blocks.back()) == *m.last);
      } else {
        BOOST_TEST_REQUIRE(f.blocks.size() == 1u);
        BOOST_TEST(hash_of(f.blocks[0]) == *m.block_hash);
        if (f.named_hash) BOOST_TEST(hash_of(f.blocks[0]) == *f.named_hash);
        BOOST_TEST(f.blocks[0].size() == m.serialized_size);
      }
      for (std::size_t i = 0; i < f.blocks.size(); ++i) {
        BOOST_TEST_CONTEXT("block " << i) {
          const Bytes& raw = f.blocks[i];
          // The view reuses its vectors from block to block, as the indexer does.
          const error_code ec = view.assign(raw, params_for(f));
          BOOST_TEST_REQUIRE(!ec, ec.message());
          BOOST_TEST(view.size() == raw.size());
          BOOST_TEST(view.hash() == hash_of(raw));
          BOOST_TEST((view.header() == header_of(raw)));
          BOOST_TEST(!view.check_merkle_root());
          if (f.format != "framed") BOOST_TEST(view.transactions().size() == m.tx_count);
          // Transactions tile the block exactly, after the header and the count.
          std::size_t covered = 0;
          for (const TxView& tx : view.transactions()) covered += tx.size();
          BOOST_TEST(raw.size() - covered - 80 == compact_size_length(view.transactions().size()));
          BOOST_TEST(view.transactions().front().is_coinbase());

          // Streaming gives the same transactions and txids.
          std::size_t seen = 0;
          const error_code streamed = for_each_transaction(
              raw, scratch,
              [&](const TxView& tx, std::size_t index) {
                BOOST_TEST(index == seen);
                BOOST_TEST(tx.txid == view.transactions()[index].txid);
                BOOST_TEST(tx.raw.data() == view.transactions()[index].raw.data());
                ++seen;
              },
              params_for(f));
          BOOST_TEST(!streamed);
          BOOST_TEST(seen == view.transactions().size());
          txs += seen;
        }
        ++blocks;
      }
      if (f.format == "json") {
        const auto& j = f.json.as_object();
        BOOST_TEST(view.hash().to_hex() == std::string(j.at("hash").as_string()));
        BOOST_TEST(view.header().merkle_root.to_hex() == std::string(j.at("merkleroot").as_string()));
        BOOST_TEST(view.header().prev_hash.to_hex() == std::string(j.at("previousblockhash").as_string()));
        BOOST_TEST(view.header().time == j.at("time").to_number<std::uint32_t>());
        BOOST_TEST(view.header().nonce == j.at("nonce").to_number<std::uint32_t>());
        BOOST_TEST(view.size() == j.at("size").to_number<std::size_t>());
        if (const auto* w = j.if_contains("weight")) BOOST_TEST(view.weight() == w->to_number<std::size_t>());
        if (const auto* s = j.if_contains("strippedsize"))
          BOOST_TEST(view.stripped_size() == s->to_number<std::size_t>());
        const auto& txids = j.at("tx").as_array();
        BOOST_TEST_REQUIRE(txids.size() == view.transactions().size());
        for (std::size_t i = 0; i < txids.size(); ++i)
          BOOST_TEST(view.transactions()[i].txid.to_hex() == std::string(txids[i].as_string()));
      }
    }
  }
  BOOST_TEST(blocks == test::manifest_block_count);
  BOOST_TEST(txs == 59241u);
}

// Contiguous runs link by prev_hash, and the copies of the early chain agree byte for byte.
BOOST_AUTO_TEST_CASE(contiguous_runs) {
  std::size_t links = 0;
  for (const auto& f : test::all_block_files()) {
    if (f.format != "framed") continue;
    for (std::size_t i = 1; i < f.blocks.size(); ++i) {
      BOOST_TEST(header_of(f.blocks[i]).prev_hash == hash_of(f.blocks[i - 1]), f.relative << " block " << i);
      ++links;
    }
  }
  // jeffchan 0..4312, NBitcoin 0..299 and 300..599, bitcoinj 0..438, btcd 1..255, btcd 277647.
  BOOST_TEST(links == 4312u + 299 + 299 + 438 + 254);

  const auto& jeffchan = file_named("blocks/mainnet/jeffchan_blk00000_blocks0-4312.dat").blocks;
  BOOST_TEST_REQUIRE(jeffchan.size() == 4313u);
  BOOST_TEST(hash_of(jeffchan[0]) == genesis);
  BOOST_TEST(header_of(jeffchan[0]).prev_hash.is_null());
  const auto& nb0 = file_named("blocks/mainnet/nbitcoin_blk00000.dat").blocks;
  const auto& nb1 = file_named("blocks/mainnet/nbitcoin_blk00001.dat").blocks;
  BOOST_TEST(header_of(nb1.front()).prev_hash == hash_of(nb0.back()));
  const auto& btcd = file_named("blocks/mainnet/btcd_blocks1-255.framed.bz2").blocks;
  const auto& bitcoinj = file_named("blocks/mainnet/bitcoinj_blocks0-438.framed.dat").blocks;
  for (std::size_t h = 0; h < 600; ++h) {
    const Bytes& ref = jeffchan[h];
    if (h < 300) BOOST_TEST((nb0[h] == ref), "nbitcoin height " << h);
    if (h >= 300) BOOST_TEST((nb1[h - 300] == ref), "nbitcoin height " << h);
    if (h < 439) BOOST_TEST((bitcoinj[h] == ref), "bitcoinj height " << h);
    if (h >= 1 && h <= 255) BOOST_TEST((btcd[h - 1] == ref), "btcd height " << h);
  }

  // Single-block files: the mainnet run 831328..831335, pairs, and BCH's forks.
  std::map<BlockHash, BlockHeader> headers;
  for (const auto& f : test::all_block_files())
    for (const Bytes& raw : f.blocks) headers.emplace(hash_of(raw), header_of(raw));
  auto check_chain = [&](std::initializer_list<const char*> chain) {
    const char* previous = nullptr;
    for (const char* hex : chain) {
      const BlockHash h = BlockHash::from_hex(hex);
      BOOST_TEST_REQUIRE(headers.contains(h), hex);
      if (previous) BOOST_TEST(headers.at(h).prev_hash == BlockHash::from_hex(previous), hex);
      previous = hex;
    }
  };
  std::vector<BlockHash> run;
  for (int height = 831328; height <= 831335; ++height)
    run.push_back(
        hash_of(file_named("blocks/mainnet/contig_831328-831335/block" + std::to_string(height) + ".raw").blocks[0]));
  for (std::size_t i = 1; i < run.size(); ++i) BOOST_TEST(headers.at(run[i]).prev_hash == run[i - 1]);
  // BCH 663749 -> 663750 (the winner) -> 663751 -> 663752; the stale 663750 shares the parent.
  check_chain({"000000000000000003c6a342b3922672851c5ef677d90bdb8cf245817a536048",
               "0000000000000000011c8a9b1a8dd1338337e3b6d4bcbe2b19892e7ba41eaca5",
               "000000000000000003922b7eeb66dce170201d2645b18706d8090bb51d9235d8",
               "0000000000000000034b6afa55214faf81ab29656f3724c8f0b2f43cbd17bc41"});
  check_chain({"000000000000000003c6a342b3922672851c5ef677d90bdb8cf245817a536048",
               "00000000000000000007f9c9e6f9564cf56cb3e55232459968b3b3721d34a289"});
  check_chain({"0000000000000000035de0b0aef620df19649d10838d53858a1079b2d871ab84",
               "000000000000000001941919be2a285d053269fd5eeef46311dba1130d8486bf"});
  check_chain({"0000000000000000035de0b0aef620df19649d10838d53858a1079b2d871ab84",
               "000000000000000003d8e1efe1e4c339f1a926caa9f5d20f5c3da83a0f3bf4b6"});
  check_chain({"0000000000000000013c4f15ddf9040b6210dc86dfbe7371417ef83ea7bfba34",
               "00000000000000000051cfb8c9b8191ec4ef14f8f44f3e2290d67a8a0a29dd05"});
  check_chain({"00000000000001aa077d7aa84c532a4d69bdbff519609d1da0835261b7a74eb6",
               "00000000000000d0dfd4c9d588d325dce4f32c1b31b7c0064cba7025a9b9adcc"});
}

BOOST_AUTO_TEST_CASE(reuse_allocates_nothing) {
  const Bytes& raw = file_named("blocks/mainnet/ckb_block830000.raw").blocks[0];
  BlockView view;
  BOOST_TEST_REQUIRE(!view.assign(raw));
  const TxView* txs = view.transactions().data();
  const TxInView* inputs = view.transactions()[0].inputs.data();
  BOOST_TEST_REQUIRE(!view.assign(raw));
  BOOST_TEST(view.transactions().data() == txs);
  BOOST_TEST(view.transactions()[0].inputs.data() == inputs);

  // Moving keeps the views valid: the vectors' storage moves with them.
  BlockView moved = std::move(view);
  BOOST_TEST(moved.transactions()[0].inputs.data() == inputs);
  BOOST_TEST(moved.transactions().size() == 1851u);
}

BOOST_AUTO_TEST_CASE(rejections) {
  const Bytes& raw = file_named("blocks/testnet/bitcoinj_block_testnet3_21066.raw").blocks[0];
  BOOST_TEST_REQUIRE(!BlockView::try_parse(raw).has_error());
  TxViewBuffer scratch;
  for (std::size_t n = 0; n < raw.size(); ++n) {
    const ByteSpan prefix = ByteSpan(raw).first(n);
    BOOST_TEST(BlockView::try_parse(prefix).error() == core::error::truncated, "prefix " << n);
    BOOST_TEST(for_each_transaction(prefix, scratch, [](const TxView&, std::size_t) {}) == core::error::truncated);
  }
  Bytes longer = raw;
  longer.push_back(0);
  BOOST_TEST(BlockView::try_parse(longer).error() == core::error::trailing_bytes);

  Bytes many(raw.begin(), raw.begin() + 80);
  many.insert(many.end(), {0xfe, 0x00, 0x00, 0x80, 0x00});  // 8M transactions of >= 10 bytes
  many.resize(many.size() + 100);
  BOOST_TEST(BlockView::try_parse(many).error() == chain::error::too_many_transactions);
  BOOST_TEST(make_error_code(chain::error::too_many_transactions).message() ==
             "transaction count larger than any block can hold");

  BOOST_CHECK_EXCEPTION((void)BlockView::parse(ByteSpan(raw).first(100)), system_error, [](const system_error& e) {
    return e.code() == core::error::truncated &&
           // The offset is where the field that ran out starts: the first prevout's txid.
           std::string(e.what()) == "block at byte 86: unexpected end of input [coinkit.core:1]";
  });

  // A failed assign leaves the view empty.
  BlockView view;
  BOOST_TEST(view.assign(ByteSpan(raw).first(200)) == core::error::truncated);
  BOOST_TEST(view.transactions().empty());
  BOOST_TEST(view.raw().empty());
  std::size_t offset = 0;
  BOOST_TEST(view.assign(longer, tx_with_witness, &offset) == core::error::trailing_bytes);
  BOOST_TEST(offset == raw.size());
}

BOOST_AUTO_TEST_SUITE_END()
