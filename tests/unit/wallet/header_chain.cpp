// HeaderChain against real mainnet headers: 8,065 contiguous headers over four retargets,
// 413 historical retargets, a real stale block (a reorg), a real block's merkle proofs; and
// each refusal: an unlinked header, a header that misses its target, a target against the rule.
#include <coinkit/wallet/header_chain.hpp>

#include <coinkit/chain/block.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>

#include <support/data.hpp>

#include <boost/test/unit_test.hpp>

#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace coinkit;
using namespace coinkit::wallet;

namespace {

constexpr std::uint32_t run_base = 822528;  // a retarget boundary: 408 × 2016

std::vector<BlockHeader> mainnet_run() {
  const Bytes data = test::read_bytes("blocks/mainnet/headers/headers_822528-830592.bin");
  std::vector<BlockHeader> out;
  for (std::size_t i = 0; i + 80 <= data.size(); i += 80)
    out.push_back(BlockHeader::parse(ByteSpan(data).subspan(i, 80)));
  return out;
}

// "height header_hex ..." lines.
std::map<std::uint32_t, BlockHeader> header_lines(const std::string& file) {
  std::map<std::uint32_t, BlockHeader> out;
  std::istringstream in(test::read_text(file));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::uint32_t height;
    std::string hex;
    fields >> height >> hex;
    out.emplace(height, BlockHeader::parse(from_hex(hex)));
  }
  return out;
}

// Connects the run from its base in chunks of 2016, as a wallet asks a server.
HeaderChain<BtcPolicy> connected_run(const std::vector<BlockHeader>& run, std::size_t until) {
  HeaderChain<BtcPolicy> chain(NetworkId::mainnet, run_base, run[0]);
  for (std::size_t i = 1; i < until; i += 2016) {
    const std::size_t n = std::min<std::size_t>(2016, until - i);
    const auto r = chain.connect(run_base + static_cast<std::uint32_t>(i), std::span(run).subspan(i, n));
    BOOST_REQUIRE_MESSAGE(r.has_value(), "at " << run_base + i << ": " << r.error().message());
  }
  return chain;
}

// Mines `h` on an easy target (regtest).
BlockHeader mined(BlockHeader h) {
  const Target t = *Target::from_compact(h.bits);
  while (!t.is_met_by(BtcPolicy::pow_hash(h.serialize()))) ++h.nonce;
  return h;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wallet_header_chain)

BOOST_AUTO_TEST_CASE(mainnet_run_over_four_retargets) {
  const auto run = mainnet_run();
  BOOST_TEST_REQUIRE(run.size() == 8065u);
  const auto chain = connected_run(run, run.size());
  BOOST_TEST(chain.tip_height() == 830592u);
  BOOST_TEST(chain.tip().hash().to_hex() == "00000000000000000000506183a8b30fa3224b85e82a70416e1d594bdb632fdb");
  // The run's retargets changed the target, so the rule was exercised, not just continued.
  for (std::uint32_t h : {824544u, 826560u, 828576u, 830592u}) BOOST_TEST(chain.at(h)->bits != chain.at(h - 1)->bits);
}

// Every retarget of mainnet's history, from each period's first and last header.
BOOST_AUTO_TEST_CASE(every_historical_retarget) {
  const auto b = header_lines("blocks/mainnet/headers/retarget_boundary_headers_0-832608.txt");
  const Target limit = *Target::from_compact(0x1d00ffff);
  std::size_t checked = 0, changed = 0;
  for (std::uint32_t h = 2016; b.count(h); h += 2016) {
    const BlockHeader& first = b.at(h - 2016);
    const BlockHeader& last = b.at(h - 1);
    const BlockHeader& next = b.at(h);
    for (const BlockHeader* x : {&first, &last, &next})
      BOOST_TEST(Target::from_compact(x->bits)->is_met_by(Hash256::from(x->hash())), "proof of work at " << h);
    const std::int64_t span = std::clamp<std::int64_t>(std::int64_t(last.time) - first.time, 302400, 4838400);
    const std::uint32_t expected =
        Target::from_compact(last.bits)->scaled(static_cast<std::uint32_t>(span), 1209600, limit).to_compact();
    BOOST_TEST(next.bits == expected, "retarget at " << h);
    changed += next.bits != last.bits;
    ++checked;
  }
  BOOST_TEST(checked == 413u);
  BOOST_TEST(changed > 350u);
}

BOOST_AUTO_TEST_CASE(compact_round_trip) {
  for (std::uint32_t bits : {0x1d00ffffu, 0x17034219u, 0x207fffffu, 0x1e0fffffu, 0x03123456u, 0x01120000u})
    BOOST_TEST(Target::from_compact(bits)->to_compact() == bits);
  BOOST_TEST(!Target::from_compact(0));           // zero
  BOOST_TEST(!Target::from_compact(0x04923456));  // negative
  BOOST_TEST(!Target::from_compact(0xff123456));  // overflow
}

BOOST_AUTO_TEST_CASE(refusals) {
  const auto run = mainnet_run();
  auto chain = connected_run(run, 1000);
  const std::uint32_t next = run_base + 1000;
  // Not linked: one header skipped.
  BOOST_TEST(chain.connect(next, std::span(run).subspan(1001, 5)).error() == make_error_code(error::header_not_linked));
  // A header changed after it was mined no longer meets its target.
  auto forged = run[1000];
  forged.merkle_root = Hash256{};
  BOOST_TEST(chain.connect(next, std::span(&forged, 1)).error() == make_error_code(error::header_pow_not_met));
  // Above the tip, or at or below the checkpoint.
  BOOST_TEST(chain.connect(next + 1, std::span(run).subspan(1001, 1)).error() == make_error_code(error::header_gap));
  BOOST_TEST(chain.connect(run_base, std::span(run).subspan(0, 1)).error() ==
             make_error_code(error::header_below_checkpoint));
  // A refused batch changes nothing, and the chain goes on from where it was.
  std::vector<BlockHeader> batch(run.begin() + 1000, run.begin() + 1010);
  batch[7] = forged;
  BOOST_TEST(!chain.connect(next, batch));
  BOOST_TEST(chain.tip_height() == next - 1);
  BOOST_TEST(chain.connect(next, std::span(run).subspan(1000, 10)).value() == next);
  BOOST_TEST(chain.tip_height() == next + 9);
}

// Regtest never retargets: a harder target, mined, is still refused.
BOOST_AUTO_TEST_CASE(regtest_target_is_fixed) {
  BlockHeader genesis;
  genesis.version = 1, genesis.time = 1296688602, genesis.bits = 0x207fffff;
  genesis = mined(genesis);
  HeaderChain<BtcPolicy> chain(NetworkId::regtest, 0, genesis);
  BlockHeader h1;
  h1.version = 4, h1.prev_hash = genesis.hash(), h1.time = genesis.time + 600, h1.bits = 0x207fffff;
  h1 = mined(h1);
  BOOST_TEST(chain.connect(1, std::span(&h1, 1)).value() == 1u);
  BlockHeader h2;
  h2.version = 4, h2.prev_hash = h1.hash(), h2.time = h1.time + 600, h2.bits = 0x2000ffff;
  h2 = mined(h2);
  BOOST_TEST(chain.connect(2, std::span(&h2, 1)).error() == make_error_code(error::header_bits_wrong));
  // With the genesis target it is accepted.
  h2.bits = 0x207fffff;
  h2 = mined(h2);
  BOOST_TEST(chain.connect(2, std::span(&h2, 1)).value() == 2u);
}

// The real stale block at 823226: the server's chain moves to it and back; the heights above
// the fork are replaced each time.
BOOST_AUTO_TEST_CASE(reorg_to_a_real_stale_block_and_back) {
  const auto run = mainnet_run();
  const BlockHeader stale = header_lines("blocks/mainnet/headers/stale_headers_823226_829613.txt").at(823226);
  const std::uint32_t fork = 823226, i = fork - run_base;
  auto chain = connected_run(run, i + 10);
  BOOST_TEST(chain.tip_height() == fork + 9);
  BOOST_TEST(chain.connect(fork, std::span(&stale, 1)).value() == fork);
  BOOST_TEST(chain.tip_height() == fork);
  BOOST_TEST((chain.tip() == stale));
  // The real block at 823227 does not link to the stale one.
  BOOST_TEST(chain.connect(fork + 1, std::span(run).subspan(i + 1, 1)).error() ==
             make_error_code(error::header_not_linked));
  BOOST_TEST(chain.connect(fork, std::span(run).subspan(i, 20)).value() == fork);
  BOOST_TEST(chain.tip_height() == fork + 19);
  // Sending headers the chain has already changes nothing, up to the tip or below it.
  BOOST_TEST(chain.connect(fork - 5, std::span(run).subspan(i - 5, 25)).value() == fork + 20);
  BOOST_TEST(chain.connect(fork - 5, std::span(run).subspan(i - 5, 3)).value() == fork + 20);
  BOOST_TEST(chain.connect(fork, std::span(run).subspan(i, 0)).value() == fork + 20);
  BOOST_TEST(chain.tip_height() == fork + 19);
  // A batch that overlaps and extends appends only what is new.
  BOOST_TEST(chain.connect(fork + 10, std::span(run).subspan(i + 10, 15)).value() == fork + 20);
  BOOST_TEST(chain.tip_height() == fork + 24);
  BOOST_TEST((*chain.at(fork + 24) == run[i + 24]));
}

// Block 830000's transactions: every proof verifies at its position and height, none at
// another, and a falsified branch never does.
BOOST_AUTO_TEST_CASE(merkle_proofs_of_block_830000) {
  const auto run = mainnet_run();
  const auto chain = connected_run(run, 830000 - run_base + 1);
  const Block block = Block::parse(test::read_bytes("blocks/mainnet/ckb_block830000.raw"));
  std::vector<Txid> txids;
  for (const auto& tx : block.transactions) txids.push_back(tx.txid());
  const MerkleTree tree(txids);
  BOOST_TEST_REQUIRE(txids.size() > 1000u);
  for (std::size_t pos = 0; pos < txids.size(); pos += 97) {
    const Hash256 leaf = Hash256::from(txids[pos]);
    auto branch = tree.branch(pos);
    BOOST_TEST(chain.verify_inclusion(leaf, branch, pos, 830000).has_value());
    if ((pos ^ 1) < txids.size()) BOOST_TEST(!chain.verify_inclusion(leaf, branch, pos ^ 1, 830000));
    BOOST_TEST(!chain.verify_inclusion(leaf, branch, pos, 829999));
    branch[branch.size() / 2] = Hash256{};
    BOOST_TEST(chain.verify_inclusion(leaf, branch, pos, 830000).error() ==
               make_error_code(error::merkle_branch_wrong));
  }
}

BOOST_AUTO_TEST_SUITE_END()
