// params_of: a call's positional arguments as a JSON array.
#pragma once

#include <boost/json/array.hpp>

#include <utility>

namespace coinkit::rpc {

// GCC 12 rejects an initializer list's array inside a coroutine ("array used as initializer"):
// coroutines that call a node or a server build their arguments through this.
template <class... T>
boost::json::array params_of(T&&... v) {
  boost::json::array a;
  a.reserve(sizeof...(T));
  (a.emplace_back(std::forward<T>(v)), ...);
  return a;
}

}  // namespace coinkit::rpc
