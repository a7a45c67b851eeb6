// BchPolicy: Bitcoin Cash: CashAddr addresses, FORKID signatures, no segwit.
#pragma once

#include <coinkit/coins/btc.hpp>

namespace coinkit {

namespace bch {
// Electron Cash writes every extended key as xpub/tpub.
inline constexpr ExtKeyVersion mainnet_ext_keys[] = {{TxinType::p2pkh, 0x0488b21e, 0x0488ade4}};
inline constexpr ExtKeyVersion testnet_ext_keys[] = {{TxinType::p2pkh, 0x043587cf, 0x04358394}};
}  // namespace bch

struct BchPolicy : BtcPolicy {
  static constexpr std::string_view name = "Bitcoin Cash";
  static constexpr std::string_view ticker = "BCH";
  static constexpr bool segwit = false;
  static constexpr SighashScheme sighash = SighashScheme::forkid;
  static constexpr std::uint32_t fork_id = 0;  // SIGHASH_FORKID with fork id 0
  static constexpr std::uint16_t daemon_port = 5004;
  static constexpr bool canonical_tx_order = true;  // CTOR since November 2018
  // ASERT (since November 2020) sets every block's target: not Bitcoin's periods.
  static constexpr Retarget retarget = {};

  // Same genesis blocks as Bitcoin: the chains split at block 478559.
  static constexpr std::array<Network, 3> networks = {{
      {NetworkId::mainnet,
       BtcPolicy::networks[0].genesis_hash,
       0xe8f3e1e3,
       {0x00, 0x05, {}, "bitcoincash"},
       0x80,
       bch::mainnet_ext_keys,
       {8333, 8332, 50001, 50002},
       145},
      {NetworkId::testnet,
       BtcPolicy::networks[1].genesis_hash,
       0xf4f3e5f4,
       {0x6f, 0xc4, {}, "bchtest"},
       0xef,
       bch::testnet_ext_keys,
       {18333, 18332, 60001, 60002},
       1},
      {NetworkId::regtest,
       BtcPolicy::networks[2].genesis_hash,
       0xfabfb5da,
       {0x6f, 0xc4, {}, "bchreg"},
       0xef,
       bch::testnet_ext_keys,
       {18444, 18443, 60401, 60402},
       1},
  }};
};

static_assert(CoinPolicy<BchPolicy>);

}  // namespace coinkit
