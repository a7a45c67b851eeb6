// Byte containers and views: the currency of every parser and serializer.
#pragma once

#include <cstddef>
#include <cstdint>
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

inline void append(Bytes& out, ByteSpan b) { out.insert(out.end(), b.begin(), b.end()); }

inline bool equal(ByteSpan a, ByteSpan b) noexcept {
  return a.size() == b.size() && (a.empty() || __builtin_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace coinkit
