// Target: a proof-of-work target, the 256-bit number a header's compact `bits` stand for; whether
// a proof-of-work hash meets it, and Bitcoin's retarget arithmetic.
#pragma once

#include <coinkit/core/uint256.hpp>

#include <array>
#include <compare>
#include <cstdint>
#include <optional>

namespace coinkit {

class Target {
 public:
  Target() = default;

  // Core's arith_uint256::SetCompact, refusing what CheckProofOfWork refuses: negative, zero
  // and overflowing encodings.
  static constexpr std::optional<Target> from_compact(std::uint32_t bits) noexcept {
    const unsigned size = bits >> 24;
    std::uint32_t word = bits & 0x007fffff;
    if (word == 0 || (bits & 0x00800000)) return std::nullopt;
    if (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32)) return std::nullopt;
    Target t;
    if (size <= 3) {
      t.limbs_[0] = word >> (8 * (3 - size));
      if (t.limbs_[0] == 0) return std::nullopt;
    } else {
      t.limbs_[0] = word;
      t.shift_left(8 * (size - 3));
    }
    return t;
  }

  // Core's GetCompact.
  constexpr std::uint32_t to_compact() const noexcept {
    unsigned size = (bit_length() + 7) / 8;
    std::uint64_t compact;
    if (size <= 3) {
      compact = limbs_[0] << (8 * (3 - size));
    } else {
      Target t = *this;
      t.shift_right(8 * (size - 3));
      compact = t.limbs_[0];
    }
    if (compact & 0x00800000) {
      compact >>= 8;
      ++size;
    }
    return static_cast<std::uint32_t>(compact) | (size << 24);
  }

  // A proof-of-work hash (the block hash on Bitcoin, scrypt's on Litecoin) read as Core reads
  // it, a little-endian number, is at most the target.
  constexpr bool is_met_by(const Hash256& pow_hash) const noexcept { return from_le(pow_hash.array()) <= *this; }

  // target · numerator / denominator, capped at `limit`: Core's retarget (last bits · actual
  // timespan / target timespan), computed in 288 bits so it cannot wrap. Both factors are
  // timespans in seconds: below 2^32.
  constexpr Target scaled(std::uint32_t numerator, std::uint32_t denominator, const Target& limit) const noexcept {
    std::array<std::uint32_t, 9> wide{};  // little-endian 32-bit limbs
    std::uint64_t carry = 0;
    for (int i = 0; i < 8; ++i) {
      const std::uint64_t p =
          std::uint64_t(static_cast<std::uint32_t>(limbs_[i / 2] >> (32 * (i % 2)))) * numerator + carry;
      wide[i] = static_cast<std::uint32_t>(p);
      carry = p >> 32;
    }
    wide[8] = static_cast<std::uint32_t>(carry);
    std::uint64_t rem = 0;
    for (int i = 8; i >= 0; --i) {
      const std::uint64_t cur = (rem << 32) | wide[i];
      wide[i] = static_cast<std::uint32_t>(cur / denominator);
      rem = cur % denominator;
    }
    if (wide[8] != 0) return limit;
    Target t;
    for (int i = 0; i < 4; ++i) t.limbs_[i] = std::uint64_t(wide[2 * i]) | std::uint64_t(wide[2 * i + 1]) << 32;
    return t > limit ? limit : t;
  }

  // The target as 32 little-endian bytes.
  constexpr std::array<std::uint8_t, 32> to_le_bytes() const noexcept {
    std::array<std::uint8_t, 32> out{};
    for (int i = 0; i < 32; ++i) out[i] = static_cast<std::uint8_t>(limbs_[i / 8] >> (8 * (i % 8)));
    return out;
  }
  static constexpr Target from_le(const std::array<std::uint8_t, 32>& bytes) noexcept {
    Target t;
    for (int i = 0; i < 32; ++i) t.limbs_[i / 8] |= std::uint64_t(bytes[i]) << (8 * (i % 8));
    return t;
  }

  friend constexpr std::strong_ordering operator<=>(const Target& a, const Target& b) noexcept {
    for (int i = 3; i >= 0; --i)
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] <=> b.limbs_[i];
    return std::strong_ordering::equal;
  }
  friend constexpr bool operator==(const Target&, const Target&) noexcept = default;

 private:
  constexpr unsigned bit_length() const noexcept {
    for (int i = 3; i >= 0; --i)
      if (limbs_[i]) return static_cast<unsigned>(64 * i + 64 - __builtin_clzll(limbs_[i]));
    return 0;
  }
  constexpr void shift_left(unsigned n) noexcept {
    std::array<std::uint64_t, 4> r{};
    for (int i = 3; i >= 0; --i) {
      const int from = i - static_cast<int>(n / 64);
      if (from < 0) continue;
      r[i] = limbs_[from] << (n % 64);
      if (n % 64 && from > 0) r[i] |= limbs_[from - 1] >> (64 - n % 64);
    }
    limbs_ = r;
  }
  constexpr void shift_right(unsigned n) noexcept {
    std::array<std::uint64_t, 4> r{};
    for (int i = 0; i < 4; ++i) {
      const int from = i + static_cast<int>(n / 64);
      if (from > 3) continue;
      r[i] = limbs_[from] >> (n % 64);
      if (n % 64 && from < 3) r[i] |= limbs_[from + 1] << (64 - n % 64);
    }
    limbs_ = r;
  }
  std::array<std::uint64_t, 4> limbs_{};  // little-endian 64-bit limbs
};

}  // namespace coinkit
