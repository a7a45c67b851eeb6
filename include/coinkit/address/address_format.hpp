// AddressFormat: the address parameters of one network of one coin.
#pragma once

#include <cstdint>
#include <string_view>

namespace coinkit {

// How a network writes addresses. Coin policies (coins/) hold one per network; the address
// codecs take it as a plain value, so this layer never depends on a coin.
struct AddressFormat {
  std::uint8_t p2pkh_prefix;              // base58check version byte of pay-to-pubkey-hash
  std::uint8_t p2sh_prefix;               // base58check version byte of pay-to-script-hash
  std::string_view bech32_hrp = {};       // segwit human-readable part; empty: no segwit addresses
  std::string_view cashaddr_prefix = {};  // CashAddr prefix; empty: no CashAddr
};

// Whether the network has segwit: a coin without it (Bitcoin Cash) has no bech32 addresses.
constexpr bool has_segwit(const AddressFormat& f) noexcept { return !f.bech32_hrp.empty(); }

}  // namespace coinkit
