// HMAC (RFC 2104) over SHA-256 or SHA-512, and PBKDF2 (RFC 8018) over either.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/core/sha512.hpp>

#include <algorithm>
#include <array>
#include <cstring>

namespace coinkit {

template <class Hash, std::size_t BlockSize>
class Hmac {
 public:
  static constexpr std::size_t output_size = Hash::output_size;
  using Digest = std::array<std::uint8_t, output_size>;

  explicit Hmac(ByteSpan key) noexcept {
    std::uint8_t k[BlockSize] = {};
    if (key.size() > BlockSize) {
      Hash().write(key).finalize(k);
    } else if (!key.empty()) {
      std::memcpy(k, key.data(), key.size());
    }
    std::uint8_t pad[BlockSize];
    for (std::size_t i = 0; i < BlockSize; ++i) pad[i] = k[i] ^ 0x5c;
    outer_.write(ByteSpan(pad, BlockSize));
    for (std::size_t i = 0; i < BlockSize; ++i) pad[i] = k[i] ^ 0x36;
    inner_.write(ByteSpan(pad, BlockSize));
  }

  Hmac& write(ByteSpan data) noexcept {
    inner_.write(data);
    return *this;
  }

  void finalize(std::uint8_t* out) noexcept {
    std::uint8_t inner[output_size];
    inner_.finalize(inner);
    outer_.write(ByteSpan(inner, output_size)).finalize(out);
  }

  Digest finalize() noexcept {
    Digest d;
    finalize(d.data());
    return d;
  }

 private:
  Hash inner_, outer_;
};

using HmacSha256 = Hmac<Sha256, 64>;
using HmacSha512 = Hmac<Sha512, 128>;

inline HmacSha512::Digest hmac_sha512(ByteSpan key, ByteSpan data) noexcept {
  return HmacSha512(key).write(data).finalize();
}

inline HmacSha256::Digest hmac_sha256(ByteSpan key, ByteSpan data) noexcept {
  return HmacSha256(key).write(data).finalize();
}

namespace detail {

// PBKDF2 (RFC 8018) over an HMAC type. The keyed HMAC state is computed once and copied
// per iteration.
template <class Mac>
void pbkdf2(ByteSpan password, ByteSpan salt, unsigned iterations, MutableByteSpan out) noexcept {
  const Mac keyed(password);
  std::uint32_t block = 1;
  for (std::size_t done = 0; done < out.size(); ++block) {
    std::uint8_t counter[4];
    store_be<std::uint32_t>(counter, block);
    typename Mac::Digest u = Mac(keyed).write(salt).write(ByteSpan(counter, 4)).finalize();
    typename Mac::Digest t = u;
    for (unsigned i = 1; i < iterations; ++i) {
      u = Mac(keyed).write(u).finalize();
      for (std::size_t j = 0; j < t.size(); ++j) t[j] ^= u[j];
    }
    const std::size_t n = std::min(t.size(), out.size() - done);
    std::memcpy(out.data() + done, t.data(), n);
    done += n;
  }
}

}  // namespace detail

// PBKDF2-HMAC-SHA512 with a caller-sized output (BIP39 and Electrum seeds: 64 bytes,
// 2048 iterations).
inline void pbkdf2_hmac_sha512(ByteSpan password, ByteSpan salt, unsigned iterations, MutableByteSpan out) noexcept {
  detail::pbkdf2<HmacSha512>(password, salt, iterations, out);
}

// PBKDF2-HMAC-SHA256 with a caller-sized output (SLIP39's Feistel round function).
inline void pbkdf2_hmac_sha256(ByteSpan password, ByteSpan salt, unsigned iterations, MutableByteSpan out) noexcept {
  detail::pbkdf2<HmacSha256>(password, salt, iterations, out);
}

}  // namespace coinkit
