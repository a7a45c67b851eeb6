// OutPoint: the output a transaction input spends, as txid and output index.
#pragma once

#include <coinkit/chain/hashes.hpp>

#include <compare>
#include <cstdint>
#include <functional>

namespace coinkit {

struct OutPoint {
  static constexpr std::uint32_t null_index = 0xffffffff;
  static constexpr std::size_t serialized_size = 36;

  Txid txid;
  std::uint32_t index = null_index;

  // The prevout of a coinbase input: no transaction, index 0xffffffff.
  bool is_null() const noexcept { return index == null_index && txid.is_null(); }

  template <class Self, class Ar>
  static void fields(Self& s, Ar& ar) {
    ar(s.txid, s.index);
  }

  auto operator<=>(const OutPoint&) const noexcept = default;
};

}  // namespace coinkit

template <>
struct std::hash<coinkit::OutPoint> {
  std::size_t operator()(const coinkit::OutPoint& o) const noexcept {
    return std::hash<coinkit::Txid>()(o.txid) ^ (static_cast<std::size_t>(o.index) * 0x9e3779b97f4a7c15ull);
  }
};
