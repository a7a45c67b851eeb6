// Little- and big-endian loads and stores of fixed-width integers at any alignment.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace coinkit {

inline std::uint8_t bswap(std::uint8_t v) noexcept { return v; }
inline std::uint16_t bswap(std::uint16_t v) noexcept { return __builtin_bswap16(v); }
inline std::uint32_t bswap(std::uint32_t v) noexcept { return __builtin_bswap32(v); }
inline std::uint64_t bswap(std::uint64_t v) noexcept { return __builtin_bswap64(v); }

template <class T>
inline T load_le(const std::uint8_t* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = bswap(v);
  return v;
}

template <class T>
inline void store_le(std::uint8_t* p, T v) noexcept {
  if constexpr (std::endian::native == std::endian::big) v = bswap(v);
  std::memcpy(p, &v, sizeof v);
}

template <class T>
inline T load_be(const std::uint8_t* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) v = bswap(v);
  return v;
}

template <class T>
inline void store_be(std::uint8_t* p, T v) noexcept {
  if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) v = bswap(v);
  std::memcpy(p, &v, sizeof v);
}

}  // namespace coinkit
