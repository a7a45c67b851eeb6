// Fuzzes the address decoders (base58check, bech32/bech32m, segwit, CashAddr, and address to
// script on every network of every coin): never a crash, and whatever decodes re-encodes.
#include <coinkit/address/address.hpp>
#include <coinkit/address/base58.hpp>
#include <coinkit/address/bech32.hpp>
#include <coinkit/address/cashaddr.hpp>
#include <coinkit/address/segwit_address.hpp>
#include <coinkit/coins/bch.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/coins/ltc.hpp>

#include <string_view>

using namespace coinkit;

namespace {

template <class Coin>
void decode_on_every_network(std::string_view text) {
  for (const Network& n : Coin::networks) {
    auto script = to_script_pubkey(text, n.address);
    if (!script) continue;
    // A decoded address writes back to an address that decodes to the same script.
    auto again = to_address(*script, n.address);
    if (!again) __builtin_trap();
    auto script2 = to_script_pubkey(*again, n.address);
    if (!script2 || *script2 != *script) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto b = base58check_decode(text)) {
    if (base58check_encode(*b) != text) __builtin_trap();
  }
  (void)base58_decode(text);
  (void)bech32_decode(text);
  (void)segwit_address_decode(text, "bc");
  (void)cashaddr_decode(text);
  (void)cashaddr_decode(text, "bitcoincash");
  decode_on_every_network<BtcPolicy>(text);
  decode_on_every_network<BchPolicy>(text);
  decode_on_every_network<LtcPolicy>(text);
  return 0;
}
