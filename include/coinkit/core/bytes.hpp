// Byte containers and views: the currency of every parser and serializer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace coinkit {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;
using MutableByteSpan = std::span<std::uint8_t>;

inline ByteSpan as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline std::string_view as_chars(ByteSpan b) noexcept { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// resize + memcpy rather than insert: GCC 12 at -O3 reports a false -Warray-bounds in
// vector::_M_range_insert when the vector was built from a short initializer list.
// `b` may point into `out` itself.
inline void append(Bytes& out, ByteSpan b) {
  if (b.empty()) return;
  const std::size_t n = out.size();
  const bool aliased = b.data() >= out.data() && b.data() < out.data() + n;
  const std::size_t offset = aliased ? static_cast<std::size_t>(b.data() - out.data()) : 0;
  out.resize(n + b.size());
  std::memcpy(out.data() + n, aliased ? out.data() + offset : b.data(), b.size());
}

inline bool equal(ByteSpan a, ByteSpan b) noexcept {
  return a.size() == b.size() && (a.empty() || __builtin_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace coinkit
