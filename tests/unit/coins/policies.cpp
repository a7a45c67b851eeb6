// Tests coins/btc.hpp, bch.hpp, ltc.hpp and coin_policy.hpp: each network's genesis hash is
// recomputed from its genesis header, magics match real block files, lookups and derivation work.
#include <coinkit/coins/bch.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/coins/ltc.hpp>

#include <coinkit/core/endian.hpp>
#include <coinkit/core/sha256.hpp>

#include <boost/test/unit_test.hpp>

#include "support/data.hpp"

using namespace coinkit;

namespace {

// The genesis header of every Bitcoin-derived network shares version 1, a null parent and
// its coin's coinbase merkle root; they differ in time, bits and nonce (chainparams.cpp).
BlockHash genesis_hash(const char* merkle_root_hex, std::uint32_t time, std::uint32_t bits, std::uint32_t nonce) {
  std::uint8_t header[80] = {};
  store_le<std::uint32_t>(header, 1);
  const auto root = Hash256::from_hex(merkle_root_hex);
  std::memcpy(header + 36, root.data(), 32);
  store_le<std::uint32_t>(header + 68, time);
  store_le<std::uint32_t>(header + 72, bits);
  store_le<std::uint32_t>(header + 76, nonce);
  return BlockHash::from(sha256d(ByteSpan(header, 80)));
}

constexpr const char* btc_root = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";
constexpr const char* ltc_root = "97ddfbbae6be97fd6cdf3e7ca13232a3afff2353e29badfab7f73011edd4ced9";

template <class Coin>
const Network& net(NetworkId id) {
  const Network* n = find_network<Coin>(id);
  BOOST_REQUIRE(n);
  return *n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(coin_policies)

BOOST_AUTO_TEST_CASE(genesis_hashes_recomputed_from_headers) {
  BOOST_TEST(net<BtcPolicy>(NetworkId::mainnet).genesis_hash ==
             genesis_hash(btc_root, 1231006505, 0x1d00ffff, 2083236893));
  BOOST_TEST(net<BtcPolicy>(NetworkId::testnet).genesis_hash ==
             genesis_hash(btc_root, 1296688602, 0x1d00ffff, 414098458));
  BOOST_TEST(net<BtcPolicy>(NetworkId::regtest).genesis_hash == genesis_hash(btc_root, 1296688602, 0x207fffff, 2));
  BOOST_TEST(net<BtcPolicy>(NetworkId::signet).genesis_hash ==
             genesis_hash(btc_root, 1598918400, 0x1e0377ae, 52613770));
  BOOST_TEST(net<LtcPolicy>(NetworkId::mainnet).genesis_hash ==
             genesis_hash(ltc_root, 1317972665, 0x1e0ffff0, 2084524493));
  BOOST_TEST(net<LtcPolicy>(NetworkId::testnet).genesis_hash == genesis_hash(ltc_root, 1486949366, 0x1e0ffff0, 293345));
  BOOST_TEST(net<LtcPolicy>(NetworkId::regtest).genesis_hash == genesis_hash(ltc_root, 1296688602, 0x207fffff, 0));
  for (const Network& n : BchPolicy::networks) BOOST_TEST(n.genesis_hash == net<BtcPolicy>(n.id).genesis_hash);
}

BOOST_AUTO_TEST_CASE(mainnet_magic_matches_real_block_files) {
  // blk*.dat frames each block with the network magic; the file starts with one.
  const Bytes blk = test::read_bytes("blocks/mainnet/nbitcoin_blk00000.dat");
  BOOST_REQUIRE(blk.size() > 8);
  BOOST_TEST(load_le<std::uint32_t>(blk.data()) == BtcPolicy::networks[0].magic);
  // The first block in the file is the genesis block.
  BOOST_TEST(BlockHash::from(sha256d(ByteSpan(blk).subspan(8, 80))) == BtcPolicy::networks[0].genesis_hash);
}

BOOST_AUTO_TEST_CASE(lookup_by_id_and_name) {
  BOOST_TEST(find_network<BtcPolicy>("signet")->address.bech32_hrp == "tb");
  BOOST_TEST(find_network<BtcPolicy>("regtest")->address.bech32_hrp == "bcrt");
  BOOST_TEST(find_network<BchPolicy>("signet") == nullptr);  // BCH has no signet
  BOOST_TEST(find_network<BchPolicy>(NetworkId::mainnet)->address.cashaddr_prefix == "bitcoincash");
  BOOST_TEST(find_network<LtcPolicy>("mainnet")->address.p2pkh_prefix == 0x30);
  BOOST_TEST(find_network<LtcPolicy>("bogus") == nullptr);
  static_assert(find_network<LtcPolicy>(NetworkId::regtest)->ports.rpc == 19443);
}

BOOST_AUTO_TEST_CASE(derived_policy_overrides_what_differs) {
  BOOST_TEST(BchPolicy::ticker == "BCH");
  BOOST_TEST(!BchPolicy::segwit);
  BOOST_TEST((BchPolicy::sighash == SighashScheme::forkid));
  BOOST_TEST(BchPolicy::coinbase_maturity == 100);  // inherited from BtcPolicy
  BOOST_TEST(LtcPolicy::segwit);
  BOOST_TEST(BtcPolicy::daemon_port == 5000);
  BOOST_TEST(LtcPolicy::daemon_port == 5001);
  BOOST_TEST(BchPolicy::daemon_port == 5004);
}

BOOST_AUTO_TEST_CASE(every_network_has_a_default_extended_key_version) {
  auto check = [](const Network& n) {
    BOOST_TEST(!n.ext_key_versions.empty());
    BOOST_TEST((n.ext_key_versions.front().txin_type == TxinType::p2pkh));
  };
  for (const auto& n : BtcPolicy::networks) check(n);
  for (const auto& n : BchPolicy::networks) check(n);
  for (const auto& n : LtcPolicy::networks) check(n);
}

BOOST_AUTO_TEST_SUITE_END()
