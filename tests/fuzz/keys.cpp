// Fuzzes the key decoders: extended keys (SLIP-132 versions), WIF (Core and Electrum forms),
// public keys, DER signatures, recoverable signatures and derivation paths: never a crash, and
// whatever decodes re-encodes to the same text or bytes.
#include <coinkit/coins/btc.hpp>
#include <coinkit/keys/derivation_path.hpp>
#include <coinkit/keys/ecdsa_signature.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/public_key.hpp>
#include <coinkit/keys/wif.hpp>

#include <string_view>
#include <variant>

using namespace coinkit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan bytes(data, size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const Network& n : BtcPolicy::networks) {
    if (auto k = decode_ext_key(text, n.ext_key_versions)) {
      const std::string again = std::visit([&](const auto& key) { return key.to_base58(k->version); }, k->key);
      if (again != text) __builtin_trap();
    }
    if (auto w = decode_wif(text, n.wif_prefix)) {
      if (encode_wif(*w, n.wif_prefix) != text) __builtin_trap();
    }
    (void)decode_electrum_wif(text, n.wif_prefix);
  }
  if (auto p = PublicKey::parse(bytes)) {
    if (!equal(p->bytes(), bytes)) __builtin_trap();
  }
  if (auto sig = EcdsaSignature::parse_der(bytes)) {
    // Strict DER is canonical: it re-encodes to the same bytes; and lax parsing agrees.
    if (!equal(sig->to_der().span(), bytes)) __builtin_trap();
    if (!EcdsaSignature::parse_der_lax(bytes)) __builtin_trap();
  }
  (void)EcdsaSignature::parse_der_lax(bytes);
  if (size >= 32) (void)PublicKey::recover(Hash256::from_bytes(bytes.first(32)).value(), bytes.subspan(32));
  if (auto path = DerivationPath::try_parse(text)) (void)path->to_string();
  return 0;
}
