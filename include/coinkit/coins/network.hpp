// Network: everything that differs between mainnet, testnet, regtest and signet of a coin.
#pragma once

#include <coinkit/address/address_format.hpp>
#include <coinkit/chain/hashes.hpp>
#include <coinkit/keys/ext_key_version.hpp>

#include <cstdint>
#include <span>
#include <string_view>

namespace coinkit {

enum class NetworkId { mainnet, testnet, regtest, signet };

constexpr std::string_view to_string(NetworkId id) noexcept {
  switch (id) {
    case NetworkId::mainnet: return "mainnet";
    case NetworkId::testnet: return "testnet";
    case NetworkId::regtest: return "regtest";
    case NetworkId::signet: return "signet";
  }
  return "mainnet";
}

// How a coin's signatures commit to the transaction.
enum class SighashScheme {
  bitcoin,  // legacy for non-witness inputs, BIP143 for segwit v0, BIP341 for taproot
  forkid,   // Bitcoin Cash: the BIP143 digest for every input, SIGHASH_FORKID set
};

struct Ports {
  std::uint16_t p2p;
  std::uint16_t rpc;           // the node's JSON-RPC
  std::uint16_t electrum_tcp;  // Electrum protocol, plain TCP
  std::uint16_t electrum_ssl;  // Electrum protocol, TLS
};

struct Network {
  NetworkId id;
  BlockHash genesis_hash;
  std::uint32_t magic;  // p2p message start, as the 4 bytes read little-endian
  AddressFormat address;
  std::uint8_t wif_prefix;
  // SLIP-132 rows; the first row of a txin type is the one used to write keys of that type.
  std::span<const ExtKeyVersion> ext_key_versions;
  Ports ports;
  // SLIP-44 coin type, the second level of BIP44/49/84 paths; 1 on every test network.
  std::uint32_t bip44_coin_type = 1;
};

}  // namespace coinkit
