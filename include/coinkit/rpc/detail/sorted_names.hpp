// SortedNames: a method table's names sorted at compile time, for lookup by binary search.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <utility>

namespace coinkit::rpc::detail {

// Sorted lookup, built at compile time: indices ordered by (name, later first), keeping only
// the last entry of each name.
template <std::size_t N>
struct SortedNames {
  std::array<std::size_t, N> index{};
  std::size_t count = 0;
};

template <std::size_t N>
constexpr SortedNames<N> sort_names(const std::array<std::string_view, N>& names) {
  std::array<std::size_t, N> order{};
  for (std::size_t i = 0; i < N; ++i) order[i] = i;
  auto before = [&](std::size_t a, std::size_t b) { return names[a] < names[b] || (names[a] == names[b] && a > b); };
  for (std::size_t i = 1; i < N; ++i)  // insertion sort: constexpr and fine for tables of ~200
    for (std::size_t j = i; j > 0 && before(order[j], order[j - 1]); --j) std::swap(order[j], order[j - 1]);
  SortedNames<N> out;
  for (std::size_t i = 0; i < N; ++i)
    if (out.count == 0 || names[out.index[out.count - 1]] != names[order[i]]) out.index[out.count++] = order[i];
  return out;
}

}  // namespace coinkit::rpc::detail
