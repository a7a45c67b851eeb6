// RIPEMD-160, and hash160 = RIPEMD-160(SHA-256(x)), the hash inside p2pkh and p2wpkh.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/detail/block_buffer.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/core/uint256.hpp>

#include <cstring>

namespace coinkit {

class Ripemd160 {
  // Feeds whole blocks to the compression function (defined first: its type is deduced).
  auto compress() noexcept {
    return [this](const std::uint8_t* p, std::size_t blocks) {
      for (; blocks; --blocks, p += 64) transform(p);
    };
  }

 public:
  static constexpr std::size_t output_size = 20;

  Ripemd160& write(ByteSpan data) noexcept {
    buffer_.write(data, compress());
    return *this;
  }

  Hash160 finalize() noexcept {
    std::uint8_t length[8];
    store_le<std::uint64_t>(length, buffer_.bytes() << 3);
    buffer_.pad<8>(compress());
    buffer_.write(ByteSpan(length, 8), compress());
    Hash160 h;
    for (int i = 0; i < 5; ++i) store_le<std::uint32_t>(h.data() + 4 * i, state_[i]);
    return h;
  }

 private:
  void transform(const std::uint8_t* chunk) noexcept {
    static constexpr int r1[80] = {0,  1, 2,  3, 4,  5,  6, 7,  8, 9,  10, 11, 12, 13, 14, 15, 7,  4,  13, 1,
                                   10, 6, 15, 3, 12, 0,  9, 5,  2, 14, 11, 8,  3,  10, 14, 4,  9,  15, 8,  1,
                                   2,  7, 0,  6, 13, 11, 5, 12, 1, 9,  11, 10, 0,  8,  12, 4,  13, 3,  7,  15,
                                   14, 5, 6,  2, 4,  0,  5, 9,  7, 12, 2,  10, 14, 1,  3,  8,  11, 6,  15, 13};
    static constexpr int r2[80] = {5,  14, 7,  0,  9,  2,  11, 4,  13, 6, 15, 8, 1,  10, 3,  12, 6, 11, 3, 7,
                                   0,  13, 5,  10, 14, 15, 8,  12, 4,  9, 1,  2, 15, 5,  1,  3,  7, 14, 6, 9,
                                   11, 8,  12, 2,  10, 0,  4,  13, 8,  6, 4,  1, 3,  11, 15, 0,  5, 12, 2, 13,
                                   9,  7,  10, 14, 12, 15, 10, 4,  1,  5, 8,  7, 6,  2,  13, 14, 0, 3,  9, 11};
    static constexpr int s1[80] = {11, 14, 15, 12, 5, 8,  7,  9,  11, 13, 14, 15, 6,  7,  9,  8,  7,  6,  8,  13,
                                   11, 9,  7,  15, 7, 12, 15, 9,  11, 7,  13, 12, 11, 13, 6,  7,  14, 9,  13, 15,
                                   14, 8,  13, 6,  5, 12, 7,  5,  11, 12, 14, 15, 14, 15, 9,  8,  9,  14, 5,  6,
                                   8,  6,  5,  12, 9, 15, 5,  11, 6,  8,  13, 12, 5,  12, 13, 14, 11, 8,  5,  6};
    static constexpr int s2[80] = {8,  9,  9,  11, 13, 15, 15, 5, 7,  7,  8,  11, 14, 14, 12, 6,  9,  13, 15, 7,
                                   12, 8,  9,  11, 7,  7,  12, 7, 6,  15, 13, 11, 9,  7,  15, 11, 8,  6,  6,  14,
                                   12, 13, 5,  14, 13, 13, 7,  5, 15, 5,  8,  11, 14, 14, 6,  14, 6,  9,  12, 9,
                                   12, 5,  15, 8,  8,  5,  12, 9, 12, 5,  14, 6,  8,  13, 6,  5,  15, 13, 11, 11};
    static constexpr std::uint32_t k1[5] = {0x00000000, 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xa953fd4e};
    static constexpr std::uint32_t k2[5] = {0x50a28be6, 0x5c4dd124, 0x6d703ef3, 0x7a6d76e9, 0x00000000};
    auto rol = [](std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
    auto f = [](int j, std::uint32_t x, std::uint32_t y, std::uint32_t z) -> std::uint32_t {
      switch (j / 16) {
        case 0: return x ^ y ^ z;
        case 1: return (x & y) | (~x & z);
        case 2: return (x | ~y) ^ z;
        case 3: return (x & z) | (y & ~z);
        default: return x ^ (y | ~z);
      }
    };
    std::uint32_t x[16];
    for (int i = 0; i < 16; ++i) x[i] = load_le<std::uint32_t>(chunk + 4 * i);
    std::uint32_t al = state_[0], bl = state_[1], cl = state_[2], dl = state_[3], el = state_[4];
    std::uint32_t ar = al, br = bl, cr = cl, dr = dl, er = el;
    for (int j = 0; j < 80; ++j) {
      std::uint32_t t = rol(al + f(j, bl, cl, dl) + x[r1[j]] + k1[j / 16], s1[j]) + el;
      al = el, el = dl, dl = rol(cl, 10), cl = bl, bl = t;
      t = rol(ar + f(79 - j, br, cr, dr) + x[r2[j]] + k2[j / 16], s2[j]) + er;
      ar = er, er = dr, dr = rol(cr, 10), cr = br, br = t;
    }
    const std::uint32_t t = state_[1] + cl + dr;
    state_[1] = state_[2] + dl + er;
    state_[2] = state_[3] + el + ar;
    state_[3] = state_[4] + al + br;
    state_[4] = state_[0] + bl + cr;
    state_[0] = t;
  }

  std::uint32_t state_[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
  core::detail::BlockBuffer<64> buffer_;
};

inline Hash160 ripemd160(ByteSpan data) noexcept { return Ripemd160().write(data).finalize(); }

inline Hash160 hash160(ByteSpan data) noexcept { return ripemd160(sha256(data).span()); }

}  // namespace coinkit
