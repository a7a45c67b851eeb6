// How a signature in a script must be encoded: BIP66 strict DER followed by a defined hash type
// (Bitcoin Core's IsValidSignatureEncoding and IsDefinedHashtypeSignature).
#pragma once

#include <coinkit/core/bytes.hpp>

#include <cstddef>
#include <cstdint>

namespace coinkit {

// BIP66 strict DER, the signature followed by its hash type byte.
inline bool is_strict_der_signature(ByteSpan sig) noexcept {
  const std::size_t size = sig.size();
  if (size < 9 || size > 73) return false;
  if (sig[0] != 0x30 || sig[1] != size - 3) return false;
  const std::size_t len_r = sig[3];
  if (5 + len_r >= size) return false;
  const std::size_t len_s = sig[5 + len_r];
  if (len_r + len_s + 7 != size) return false;
  if (sig[2] != 0x02 || len_r == 0 || (sig[4] & 0x80)) return false;
  if (len_r > 1 && sig[4] == 0 && !(sig[5] & 0x80)) return false;
  if (sig[len_r + 4] != 0x02 || len_s == 0 || (sig[len_r + 6] & 0x80)) return false;
  if (len_s > 1 && sig[len_r + 6] == 0 && !(sig[len_r + 7] & 0x80)) return false;
  return true;
}

// The last byte is ALL, NONE or SINGLE, with or without ANYONECANPAY (STRICTENC).
inline bool is_defined_hash_type(ByteSpan sig) noexcept {
  if (sig.empty()) return false;
  const std::uint8_t base = sig.back() & ~0x80u;
  return base >= 0x01 && base <= 0x03;
}

}  // namespace coinkit
