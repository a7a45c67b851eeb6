// SHA-256 compression with the x86 SHA extensions (SHA-NI), compiled for that target only
// through function attributes, so no translation unit needs special flags.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#define COINKIT_HAVE_SHANI 1
#include <cpuid.h>
#include <immintrin.h>

#include <coinkit/core/detail/sha256_generic.hpp>

namespace coinkit::core::detail {

#define COINKIT_SHANI_TARGET [[gnu::target("sha,sse4.1"), gnu::always_inline]] inline

COINKIT_SHANI_TARGET void shani_quad_round(__m128i& s0, __m128i& s1, __m128i m, int k) {
  const __m128i msg = _mm_add_epi32(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(&sha256_k[k])));
  s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
  s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(msg, 0x0e));
}

// Message schedule: m2 += sigma terms of (m0, m1); then m0 = msg1(m0, m1).
COINKIT_SHANI_TARGET void shani_schedule_c(__m128i m0, __m128i m1, __m128i& m2) {
  m2 = _mm_sha256msg2_epu32(_mm_add_epi32(m2, _mm_alignr_epi8(m1, m0, 4)), m1);
}
COINKIT_SHANI_TARGET void shani_schedule_b(__m128i& m0, __m128i m1, __m128i& m2) {
  shani_schedule_c(m0, m1, m2);
  m0 = _mm_sha256msg1_epu32(m0, m1);
}

COINKIT_SHANI_TARGET __m128i shani_load(const std::uint8_t* in) {
  const __m128i mask = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
  return _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in)), mask);
}

[[gnu::target("sha,sse4.1")]] inline void sha256_transform_shani(std::uint32_t* s, const std::uint8_t* chunk,
                                                                 std::size_t blocks) noexcept {
  // State words a..h are kept as ABEF / CDGH, the layout sha256rnds2 works on.
  __m128i t1 = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s)), 0xB1);
  __m128i t2 = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 4)), 0x1B);
  __m128i s0 = _mm_alignr_epi8(t1, t2, 0x08);
  __m128i s1 = _mm_blend_epi16(t2, t1, 0xF0);

  while (blocks--) {
    const __m128i so0 = s0, so1 = s1;
    __m128i m0 = shani_load(chunk), m1 = shani_load(chunk + 16);
    __m128i m2 = shani_load(chunk + 32), m3 = shani_load(chunk + 48);
    shani_quad_round(s0, s1, m0, 0);
    shani_quad_round(s0, s1, m1, 4);
    m0 = _mm_sha256msg1_epu32(m0, m1);
    shani_quad_round(s0, s1, m2, 8);
    m1 = _mm_sha256msg1_epu32(m1, m2);
    shani_quad_round(s0, s1, m3, 12);
    for (int k = 16; k < 48; k += 16) {  // rounds 16..47: the schedule rotates through m0..m3
      shani_schedule_b(m2, m3, m0);
      shani_quad_round(s0, s1, m0, k);
      shani_schedule_b(m3, m0, m1);
      shani_quad_round(s0, s1, m1, k + 4);
      shani_schedule_b(m0, m1, m2);
      shani_quad_round(s0, s1, m2, k + 8);
      shani_schedule_b(m1, m2, m3);
      shani_quad_round(s0, s1, m3, k + 12);
    }
    shani_schedule_b(m2, m3, m0);
    shani_quad_round(s0, s1, m0, 48);
    shani_schedule_b(m3, m0, m1);
    shani_quad_round(s0, s1, m1, 52);
    shani_schedule_c(m0, m1, m2);
    shani_quad_round(s0, s1, m2, 56);
    shani_schedule_c(m1, m2, m3);
    shani_quad_round(s0, s1, m3, 60);
    s0 = _mm_add_epi32(s0, so0);
    s1 = _mm_add_epi32(s1, so1);
    chunk += 64;
  }

  t1 = _mm_shuffle_epi32(s0, 0x1B);
  t2 = _mm_shuffle_epi32(s1, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(s), _mm_blend_epi16(t1, t2, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(s + 4), _mm_alignr_epi8(t2, t1, 0x08));
}

#undef COINKIT_SHANI_TARGET

inline bool cpu_has_shani() noexcept {
  unsigned a, b, c, d;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  const bool sha = (b >> 29) & 1;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const bool sse41 = (c >> 19) & 1;
  return sha && sse41;
}

}  // namespace coinkit::core::detail
#endif
