// Tests chain/block_header.hpp: 8,065 contiguous mainnet headers, the header text files, and
// the 80-byte parse's rejections.
#include <coinkit/chain/block_header.hpp>

#include <support/block_files.hpp>
#include <support/data.hpp>

#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>

using namespace coinkit;

namespace {
const BlockHash genesis = BlockHash::from_hex("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
}

BOOST_AUTO_TEST_SUITE(block_header)

BOOST_AUTO_TEST_CASE(genesis_fields) {
  const BlockHeader h = BlockHeader::parse(from_hex(
      "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3"
      "888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c"));
  BOOST_TEST(h.hash() == genesis);
  BOOST_TEST(h.version == 1);
  BOOST_TEST(h.prev_hash.is_null());
  BOOST_TEST(h.merkle_root.to_hex() == "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
  BOOST_TEST(h.time == 1231006505u);
  BOOST_TEST(h.bits == 0x1d00ffffu);
  BOOST_TEST(h.nonce == 2083236893u);
}

// ckb's headers 822528..830592, concatenated: each links to the one before.
BOOST_AUTO_TEST_CASE(contiguous_headers_822528_830592) {
  const Bytes data = test::read_bytes("blocks/mainnet/headers/headers_822528-830592.bin");
  BOOST_TEST_REQUIRE(data.size() % 80 == 0u);
  const std::size_t count = data.size() / 80;
  BOOST_TEST(count == 8065u);
  BlockHash previous;
  std::size_t linked = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const ByteSpan raw = ByteSpan(data).subspan(80 * i, 80);
    const BlockHeader h = BlockHeader::parse(raw);
    BOOST_TEST((h.serialize() == Bytes(raw.begin(), raw.end())));
    if (i > 0) {
      BOOST_TEST(h.prev_hash == previous, "height " << 822528 + i);
      ++linked;
    }
    previous = h.hash();
    // Height 830000 is also stored as a whole block.
    if (822528 + i == 830000) {
      const Bytes block = test::read_bytes("blocks/mainnet/ckb_block830000.raw");
      BOOST_TEST(equal(raw, ByteSpan(block).first(80)));
    }
  }
  BOOST_TEST(linked == count - 1);
  BOOST_TEST(previous.to_hex() == "00000000000000000000506183a8b30fa3224b85e82a70416e1d594bdb632fdb");
}

// btcd's hex headers of heights 1..11 continue from genesis.
BOOST_AUTO_TEST_CASE(btcd_headers_1_11) {
  std::istringstream in(test::read_text("blocks/mainnet/btcd_blockheaders-mainnet-1-11.txt"));
  BlockHash previous = genesis;
  std::size_t count = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const BlockHeader h = BlockHeader::parse(from_hex(line));
    BOOST_TEST(h.prev_hash == previous, "height " << count + 1);
    previous = h.hash();
    ++count;
  }
  BOOST_TEST(count == 11u);
}

// "height header_hex block_hash ..." lines: the retarget boundaries and two stale blocks.
BOOST_AUTO_TEST_CASE(header_text_files) {
  const std::pair<const char*, std::size_t> files[] = {
      {"blocks/mainnet/headers/retarget_boundary_headers_0-832608.txt", 827},
      {"blocks/mainnet/headers/stale_headers_823226_829613.txt", 2}};
  for (const auto& [file, expected] : files) {
    std::istringstream in(test::read_text(file));
    std::size_t count = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::string height, header_hex, hash_hex;
      fields >> height >> header_hex >> hash_hex;
      const BlockHeader h = BlockHeader::parse(from_hex(header_hex));
      BOOST_TEST(h.hash().to_hex() == hash_hex, file << " height " << height);
      if (height == "0") BOOST_TEST(h.hash() == genesis);
      ++count;
    }
    BOOST_TEST(count == expected, file);
  }
}

BOOST_AUTO_TEST_CASE(rejections) {
  BOOST_TEST(BlockHeader::try_parse(Bytes(79)).error() == core::error::truncated);
  BOOST_TEST(BlockHeader::try_parse(Bytes(81)).error() == core::error::trailing_bytes);
  BOOST_TEST(BlockHeader::try_parse(Bytes(80)).has_value());
  BOOST_CHECK_EXCEPTION((void)BlockHeader::parse(Bytes(40)), system_error, [](const system_error& e) {
    return e.code() == core::error::truncated &&
           std::string(e.what()) == "block header at byte 36: unexpected end of input [coinkit.core:1]";
  });
}

BOOST_AUTO_TEST_SUITE_END()
