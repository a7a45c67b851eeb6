// GenesisParams: what a chain's genesis block is built from, as Bitcoin Core's CreateGenesisBlock
// builds it: a coinbase pushing nBits 486604799, 4 and a message, paying the reward to a key.
#pragma once

#include <cstdint>
#include <string_view>

namespace coinkit {

struct GenesisParams {
  std::string_view message;        // the coinbase's text: "The Times 03/Jan/2009 Chancellor on ..."
  std::string_view output_pubkey;  // hex of the public key the reward is paid to (p2pk)
  std::uint32_t time = 0;
  std::uint32_t nonce = 0;
  std::uint32_t bits = 0x207fffff;  // regtest's proof-of-work limit
  std::int32_t version = 1;
  std::int64_t reward = 50'00000000;
};

}  // namespace coinkit
