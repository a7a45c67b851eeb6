// CoinPolicy: the concept every coin models, and finding a coin's network by id or name.
#pragma once

#include <coinkit/coins/genesis.hpp>
#include <coinkit/coins/network.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/uint256.hpp>

#include <concepts>
#include <cstddef>
#include <string_view>

namespace coinkit {

// A coin is a struct of static constexpr data (see BtcPolicy). A new coin derives from an
// existing one and redefines what differs; name hiding makes the derived value the one
// found through Coin::, so templates over Coin always see the most derived policy.
//
// Besides its addresses and keys (the networks), a policy carries its chain: how a header's
// proof of work is hashed and how long a header is, how its regtest genesis block is built, how
// many decimals an amount has, and whether blocks sort transactions by txid (CTOR). The regtest
// node, the indexer and the Electrum server read these and nothing else of the coin.
template <class Coin>
concept CoinPolicy = requires(ByteSpan header) {
  { Coin::name } -> std::convertible_to<std::string_view>;
  { Coin::ticker } -> std::convertible_to<std::string_view>;
  { Coin::decimals } -> std::convertible_to<int>;
  { Coin::segwit } -> std::convertible_to<bool>;
  { Coin::sighash } -> std::convertible_to<SighashScheme>;
  { Coin::fork_id } -> std::convertible_to<std::uint32_t>;
  { Coin::daemon_port } -> std::convertible_to<std::uint16_t>;
  { Coin::coinbase_maturity } -> std::convertible_to<int>;
  { Coin::header_size } -> std::convertible_to<std::size_t>;
  { Coin::pow_hash(header) } -> std::same_as<Hash256>;
  { Coin::regtest_genesis } -> std::convertible_to<GenesisParams>;
  { Coin::canonical_tx_order } -> std::convertible_to<bool>;
  { Coin::networks[0] } -> std::convertible_to<const Network&>;
  Coin::networks.size();
};

// The coin's network with this id, or nullptr when the coin does not have it.
template <class Coin>
constexpr const Network* find_network(NetworkId id) noexcept {
  static_assert(CoinPolicy<Coin>, "Coin must model coinkit::CoinPolicy");
  for (const Network& n : Coin::networks)
    if (n.id == id) return &n;
  return nullptr;
}

// By name as the environment spells it: "mainnet", "testnet", "regtest", "signet".
template <class Coin>
constexpr const Network* find_network(std::string_view name) noexcept {
  for (const Network& n : Coin::networks)
    if (to_string(n.id) == name) return &n;
  return nullptr;
}

}  // namespace coinkit
