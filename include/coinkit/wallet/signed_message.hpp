// Signed messages as Electrum (and Core's signmessage) make them: a recoverable ECDSA signature
// over sha256d("\x18Bitcoin Signed Message:\n" || compact_size(length) || message), 65 bytes in
// base64; and Electrum's check of one against an address (BIP137's segwit headers read too).
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/core/base64.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/core/writer.hpp>
#include <coinkit/keys/private_key.hpp>
#include <coinkit/keys/public_key.hpp>
#include <coinkit/wallet/key_script.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace coinkit::wallet {

// The coin's magic text, without its length byte ("Bitcoin Signed Message:\n").
inline Hash256 message_hash(std::string_view message, std::string_view magic = "Bitcoin Signed Message:\n") {
  Bytes preimage;
  BytesSink sink{preimage};
  ByteWriter<BytesSink> w(sink);
  w.var_bytes(as_bytes(magic));
  w.var_bytes(as_bytes(message));
  return sha256d(preimage);
}

// Electrum's sign_message: the header is 27 + recid, + 4 for a compressed key, whatever the
// address's script type (Electrum does not write BIP137's segwit headers).
inline std::string sign_message(const PrivateKey& key, std::string_view message,
                                std::string_view magic = "Bitcoin Signed Message:\n") {
  const RecoverableSignature sig = key.sign_recoverable(message_hash(message, magic));
  return base64_encode(sig);
}

// Electrum's verify_message_with_address: the key recovered from the signature must make the
// address, as p2pkh, p2wpkh or p2wpkh-p2sh (only the type a BIP137 header names, when it names
// one), and the signature must verify. Anything malformed is false.
inline bool verify_message(std::string_view address, ByteSpan signature, std::string_view message,
                           const AddressFormat& format, std::string_view magic = "Bitcoin Signed Message:\n") {
  if (signature.size() != 65 || signature[0] < 27 || signature[0] > 42) return false;
  RecoverableSignature sig;
  std::copy(signature.begin(), signature.end(), sig.begin());
  std::optional<TxinType> named;
  if (sig[0] >= 39) {
    named = TxinType::p2wpkh, sig[0] = static_cast<std::uint8_t>(sig[0] - 8);  // to 31-34: compressed
  } else if (sig[0] >= 35) {
    named = TxinType::p2wpkh_p2sh, sig[0] = static_cast<std::uint8_t>(sig[0] - 4);
  }
  const Hash256 digest = message_hash(message, magic);
  auto key = PublicKey::recover(digest, sig);
  if (!key) return false;
  auto script = to_script_pubkey(address, format);
  if (!script) return false;
  for (TxinType type : {TxinType::p2pkh, TxinType::p2wpkh, TxinType::p2wpkh_p2sh}) {
    if (named && type != *named) continue;
    if (auto s = key_script(type, *key); s && *s == *script) return true;  // recovery checked the signature
  }
  return false;
}

}  // namespace coinkit::wallet
