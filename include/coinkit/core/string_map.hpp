// StringMap<T>: a flat hash map keyed by std::string that is looked up by std::string_view
// without making a string (heterogeneous lookup).
#pragma once

#include <boost/container_hash/hash.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace coinkit {

struct StringViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return boost::hash<std::string_view>()(s); }
};
struct StringViewEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

template <class T>
using StringMap = boost::unordered_flat_map<std::string, T, StringViewHash, StringViewEqual>;

}  // namespace coinkit
