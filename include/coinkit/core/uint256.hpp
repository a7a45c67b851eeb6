// Fixed-size hash values; hex in display order (reversed), as Bitcoin prints them.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/error.hpp>
#include <coinkit/core/hex.hpp>

#include <algorithm>
#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace coinkit {

// `Tag` makes distinct types of equal layout (Txid vs Wtxid vs BlockHash), so the compiler
// refuses to mix them; Tag = void is the plain hash.
template <std::size_t N, class Tag = void>
class BasicHash {
 public:
  static constexpr std::size_t size() noexcept { return N; }

  constexpr BasicHash() noexcept = default;
  constexpr explicit BasicHash(const std::array<std::uint8_t, N>& bytes) noexcept : bytes_(bytes) {}

  // Bytes in internal (serialization) order.
  static result<BasicHash> from_bytes(ByteSpan b) noexcept {
    if (b.size() != N) return core::error::wrong_length;
    BasicHash h;
    std::memcpy(h.bytes_.data(), b.data(), N);
    return h;
  }
  // Hex in display order, the reverse of the internal bytes.
  static constexpr result<BasicHash> try_from_hex(std::string_view hex) noexcept {
    if (hex.size() != 2 * N) return core::error::wrong_length;
    BasicHash h;
    if (auto ec = decode_hex(hex, h.bytes_)) return ec;
    std::reverse(h.bytes_.begin(), h.bytes_.end());
    return h;
  }
  // Throwing form, also usable in constant expressions for known constants.
  static constexpr BasicHash from_hex(std::string_view hex) {
    auto r = try_from_hex(hex);
    if (!r) throw system_error(r.error(), "hash hex");
    return *r;
  }
  template <class OtherTag>
  static constexpr BasicHash from(const BasicHash<N, OtherTag>& other) noexcept {
    return BasicHash(other.array());
  }

  std::string to_hex() const {
    std::string out;
    append_hex(out, bytes_, /*reversed=*/true);
    return out;
  }

  constexpr const std::array<std::uint8_t, N>& array() const noexcept { return bytes_; }
  constexpr ByteSpan span() const noexcept { return bytes_; }
  constexpr const std::uint8_t* data() const noexcept { return bytes_.data(); }
  constexpr std::uint8_t* data() noexcept { return bytes_.data(); }
  constexpr std::uint8_t operator[](std::size_t i) const noexcept { return bytes_[i]; }
  constexpr bool is_null() const noexcept {
    return std::all_of(bytes_.begin(), bytes_.end(), [](std::uint8_t b) { return b == 0; });
  }

  constexpr auto operator<=>(const BasicHash&) const noexcept = default;

  friend std::ostream& operator<<(std::ostream& os, const BasicHash& h) { return os << h.to_hex(); }

 private:
  std::array<std::uint8_t, N> bytes_{};
};

using Hash256 = BasicHash<32>;
using Hash160 = BasicHash<20>;

}  // namespace coinkit

// Hashes are already uniform: the first 8 bytes are a good hash-table key.
template <std::size_t N, class Tag>
struct std::hash<coinkit::BasicHash<N, Tag>> {
  std::size_t operator()(const coinkit::BasicHash<N, Tag>& h) const noexcept {
    std::size_t v;
    std::memcpy(&v, h.data(), sizeof v);
    return v;
  }
};
