// scrypt_1024_1_1: scrypt(N=1024, r=1, p=1) of a header, the proof-of-work hash of Litecoin and
// Dogecoin (Percival's scrypt paper, RFC 7914).
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/hmac.hpp>
#include <coinkit/core/uint256.hpp>

#include <cstdint>
#include <cstring>
#include <vector>

namespace coinkit {

namespace detail {

inline std::uint32_t rotl32(std::uint32_t x, int n) noexcept { return (x << n) | (x >> (32 - n)); }

// Salsa20/8 core over a 16-word block, in place (RFC 7914 section 3).
inline void salsa20_8(std::uint32_t b[16]) noexcept {
  std::uint32_t x[16];
  std::memcpy(x, b, sizeof x);
  for (int i = 0; i < 8; i += 2) {
    x[4] ^= rotl32(x[0] + x[12], 7), x[8] ^= rotl32(x[4] + x[0], 9);
    x[12] ^= rotl32(x[8] + x[4], 13), x[0] ^= rotl32(x[12] + x[8], 18);
    x[9] ^= rotl32(x[5] + x[1], 7), x[13] ^= rotl32(x[9] + x[5], 9);
    x[1] ^= rotl32(x[13] + x[9], 13), x[5] ^= rotl32(x[1] + x[13], 18);
    x[14] ^= rotl32(x[10] + x[6], 7), x[2] ^= rotl32(x[14] + x[10], 9);
    x[6] ^= rotl32(x[2] + x[14], 13), x[10] ^= rotl32(x[6] + x[2], 18);
    x[3] ^= rotl32(x[15] + x[11], 7), x[7] ^= rotl32(x[3] + x[15], 9);
    x[11] ^= rotl32(x[7] + x[3], 13), x[15] ^= rotl32(x[11] + x[7], 18);
    x[1] ^= rotl32(x[0] + x[3], 7), x[2] ^= rotl32(x[1] + x[0], 9);
    x[3] ^= rotl32(x[2] + x[1], 13), x[0] ^= rotl32(x[3] + x[2], 18);
    x[6] ^= rotl32(x[5] + x[4], 7), x[7] ^= rotl32(x[6] + x[5], 9);
    x[4] ^= rotl32(x[7] + x[6], 13), x[5] ^= rotl32(x[4] + x[7], 18);
    x[11] ^= rotl32(x[10] + x[9], 7), x[8] ^= rotl32(x[11] + x[10], 9);
    x[9] ^= rotl32(x[8] + x[11], 13), x[10] ^= rotl32(x[9] + x[8], 18);
    x[12] ^= rotl32(x[15] + x[14], 7), x[13] ^= rotl32(x[12] + x[15], 9);
    x[14] ^= rotl32(x[13] + x[12], 13), x[15] ^= rotl32(x[14] + x[13], 18);
  }
  for (int i = 0; i < 16; ++i) b[i] += x[i];
}

// BlockMix with r = 1: two 64-byte halves.
inline void block_mix(std::uint32_t b[32]) noexcept {
  std::uint32_t x[16], y[32];
  std::memcpy(x, b + 16, 64);
  for (int i = 0; i < 2; ++i) {
    for (int k = 0; k < 16; ++k) x[k] ^= b[16 * i + k];
    salsa20_8(x);
    std::memcpy(y + 16 * i, x, 64);
  }
  std::memcpy(b, y, 128);
}

}  // namespace detail

// scrypt(password = salt = data, N = 1024, r = 1, p = 1, 32 bytes).
inline Hash256 scrypt_1024_1_1(ByteSpan data) {
  std::uint8_t b[128];
  const HmacSha256 keyed(data);
  for (std::uint32_t i = 0; i < 4; ++i) {
    std::uint8_t counter[4];
    store_be<std::uint32_t>(counter, i + 1);
    HmacSha256(keyed).write(data).write(ByteSpan(counter, 4)).finalize(b + 32 * i);
  }
  std::uint32_t x[32];
  for (int i = 0; i < 32; ++i) x[i] = load_le<std::uint32_t>(b + 4 * i);
  thread_local std::vector<std::uint32_t> v(32 * 1024);
  for (int i = 0; i < 1024; ++i) {
    std::memcpy(&v[32 * i], x, 128);
    detail::block_mix(x);
  }
  for (int i = 0; i < 1024; ++i) {
    const std::uint32_t j = x[16] & 1023;
    for (int k = 0; k < 32; ++k) x[k] ^= v[32 * j + k];
    detail::block_mix(x);
  }
  for (int i = 0; i < 32; ++i) store_le<std::uint32_t>(b + 4 * i, x[i]);
  Hash256 out;
  HmacSha256(keyed).write(ByteSpan(b, 128)).write(ByteSpan((const std::uint8_t*)"\0\0\0\1", 4)).finalize(out.data());
  return out;
}

}  // namespace coinkit
