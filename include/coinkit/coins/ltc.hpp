// LtcPolicy: Litecoin on mainnet, testnet4 and regtest.
#pragma once

#include <coinkit/coins/btc.hpp>
#include <coinkit/core/scrypt.hpp>

namespace coinkit {

namespace ltc {
// Electrum-LTC writes xpub/ypub/zpub; SLIP-132's Ltub/Mtub are read as well.
inline constexpr ExtKeyVersion mainnet_ext_keys[] = {
    {TxinType::p2pkh, 0x0488b21e, 0x0488ade4},        // xpub / xprv
    {TxinType::p2wpkh_p2sh, 0x049d7cb2, 0x049d7878},  // ypub / yprv
    {TxinType::p2wpkh, 0x04b24746, 0x04b2430c},       // zpub / zprv
    {TxinType::p2pkh, 0x019da462, 0x019d9cfe},        // Ltub / Ltpv
    {TxinType::p2wpkh_p2sh, 0x01b26ef6, 0x01b26792},  // Mtub / Mtpv
};
inline constexpr ExtKeyVersion testnet_ext_keys[] = {
    {TxinType::p2pkh, 0x043587cf, 0x04358394},        // tpub / tprv
    {TxinType::p2wpkh_p2sh, 0x044a5262, 0x044a4e28},  // upub / uprv
    {TxinType::p2wpkh, 0x045f1cf6, 0x045f18bc},       // vpub / vprv
    {TxinType::p2pkh, 0x0436f6e1, 0x0436ef7d},        // ttub / ttpv
};
}  // namespace ltc

struct LtcPolicy : BtcPolicy {
  static constexpr std::string_view name = "Litecoin";
  static constexpr std::string_view ticker = "LTC";
  static constexpr std::uint16_t daemon_port = 5001;
  // Electrum-LTC's payment URIs and signed messages (Litecoin Core's strMessageMagic).
  static constexpr std::string_view uri_scheme = "litecoin";
  static constexpr std::string_view message_magic = "Litecoin Signed Message:\n";

  // Scrypt proof of work; the genesis message of Litecoin's launch.
  static Hash256 pow_hash(ByteSpan header) { return scrypt_1024_1_1(header); }
  // 3.5 days of 2.5-minute blocks, the period measured from the block before it (Litecoin's fix
  // of Bitcoin's off-by-one).
  static constexpr Retarget retarget = {2016, 302400, 0x1e0fffff, true};
  static constexpr GenesisParams regtest_genesis = {
      .message = "NY Times 05/Oct/2011 Steve Jobs, Apple\xe2\x80\x99s Visionary, Dies at 56",
      .output_pubkey =
          "040184710fa689ad5023690c80f3a49c8f13f8d45b8c857fbcbc8bc4a8e4d3eb4b10f4d4604fa08dce601aaf0f"
          "470216fe1b51850b4acf21b179c45070ac7b03a9",
      .time = 1296688602,
      .nonce = 0};

  static constexpr std::array<Network, 3> networks = {{
      {NetworkId::mainnet,
       BlockHash::from_hex("12a765e31ffd4059bada1e25190f6e98c99d9714d334efa41a195a7e7e04bfe2"),
       0xdbb6c0fb,
       {0x30, 0x32, "ltc"},
       0xb0,
       ltc::mainnet_ext_keys,
       {9333, 9332, 50001, 50002},
       2},
      {NetworkId::testnet,
       BlockHash::from_hex("4966625a4b2851d9fdee139e56211a0d88575f59ed816ff5e6a63deb4e3e29a0"),
       0xf1c8d2fd,
       {0x6f, 0x3a, "tltc"},
       0xef,
       ltc::testnet_ext_keys,
       {19335, 19332, 51001, 51002},
       1},
      {NetworkId::regtest,
       BlockHash::from_hex("530827f38f93b43ed12af0b3ad25a288dc02ed74d6d7857862df51fc56c416f9"),
       0xdab5bffa,
       {0x6f, 0x3a, "rltc"},
       0xef,
       ltc::testnet_ext_keys,
       {19444, 19443, 51001, 51002},
       1},
  }};
};

static_assert(CoinPolicy<LtcPolicy>);

}  // namespace coinkit
