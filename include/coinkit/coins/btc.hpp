// BtcPolicy: Bitcoin on mainnet, testnet3, regtest and signet.
#pragma once

#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/coins/network.hpp>
#include <coinkit/coins/retarget.hpp>
#include <coinkit/core/sha256.hpp>

#include <array>

namespace coinkit {

namespace btc {
// SLIP-132 version bytes (slip-0132.md).
inline constexpr ExtKeyVersion mainnet_ext_keys[] = {
    {TxinType::p2pkh, 0x0488b21e, 0x0488ade4},        // xpub / xprv
    {TxinType::p2wpkh_p2sh, 0x049d7cb2, 0x049d7878},  // ypub / yprv
    {TxinType::p2wpkh, 0x04b24746, 0x04b2430c},       // zpub / zprv
    {TxinType::p2wsh_p2sh, 0x0295b43f, 0x0295b005},   // Ypub / Yprv
    {TxinType::p2wsh, 0x02aa7ed3, 0x02aa7a99},        // Zpub / Zprv
};
inline constexpr ExtKeyVersion testnet_ext_keys[] = {
    {TxinType::p2pkh, 0x043587cf, 0x04358394},        // tpub / tprv
    {TxinType::p2wpkh_p2sh, 0x044a5262, 0x044a4e28},  // upub / uprv
    {TxinType::p2wpkh, 0x045f1cf6, 0x045f18bc},       // vpub / vprv
    {TxinType::p2wsh_p2sh, 0x024289ef, 0x024285b5},   // Upub / Uprv
    {TxinType::p2wsh, 0x02575483, 0x02575048},        // Vpub / Vprv
};
}  // namespace btc

struct BtcPolicy {
  static constexpr std::string_view name = "Bitcoin";
  static constexpr std::string_view ticker = "BTC";
  static constexpr bool segwit = true;
  static constexpr SighashScheme sighash = SighashScheme::bitcoin;
  static constexpr std::uint32_t fork_id = 0;
  static constexpr std::uint16_t daemon_port = 5000;  // Bitcart's BTC daemon
  static constexpr int coinbase_maturity = 100;
  static constexpr int decimals = 8;

  // The chain: 80-byte headers whose proof of work is their double SHA-256 (the block hash).
  static constexpr std::size_t header_size = 80;
  static Hash256 pow_hash(ByteSpan header) noexcept { return sha256d(header); }
  // Mainnet: two weeks of 10-minute blocks; test networks allow easier blocks (unchecked), and
  // regtest never retargets.
  static constexpr Retarget retarget = {2016, 14 * 24 * 3600, 0x1d00ffff, false};
  static constexpr bool canonical_tx_order = false;
  static constexpr GenesisParams regtest_genesis = {
      .message = "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks",
      .output_pubkey =
          "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51e"
          "c112de5c384df7ba0b8d578a4c702b6bf11d5f",
      .time = 1296688602,
      .nonce = 2};

  static constexpr std::array<Network, 4> networks = {{
      {NetworkId::mainnet,
       BlockHash::from_hex("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"),
       0xd9b4bef9,
       {0x00, 0x05, "bc"},
       0x80,
       btc::mainnet_ext_keys,
       {8333, 8332, 50001, 50002},
       0},
      {NetworkId::testnet,
       BlockHash::from_hex("000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943"),
       0x0709110b,
       {0x6f, 0xc4, "tb"},
       0xef,
       btc::testnet_ext_keys,
       {18333, 18332, 51001, 51002},
       1},
      {NetworkId::regtest,
       BlockHash::from_hex("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"),
       0xdab5bffa,
       {0x6f, 0xc4, "bcrt"},
       0xef,
       btc::testnet_ext_keys,
       {18444, 18443, 51001, 51002},
       1},
      {NetworkId::signet,
       BlockHash::from_hex("00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6"),
       0x40cf030a,
       {0x6f, 0xc4, "tb"},
       0xef,
       btc::testnet_ext_keys,
       {38333, 38332, 53001, 53002},
       1},
  }};
};

static_assert(CoinPolicy<BtcPolicy>);

}  // namespace coinkit
