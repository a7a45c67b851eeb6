// match_arguments: a call's arguments (by position and by name, bitcoind's aliases included)
// matched to a method's parameters. What does not fit is described in a Mismatch; each dialect
// words it as its server does (Python's TypeError, aiorpcx's, bitcoind's usage).
#pragma once

#include <coinkit/rpc/method.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit::rpc {

// A call's arguments as its request carries them. Bitcart's extended form has both (a list whose
// last element is an object of named arguments); other dialects one or the other.
struct Params {
  std::span<const json::value> positional;
  const json::object* named = nullptr;

  static Params of(const json::value* params) {
    Params p;
    if (!params) return p;
    if (const json::array* a = params->if_array()) p.positional = {a->data(), a->size()};
    if (const json::object* o = params->if_object()) p.named = o;
    return p;
  }
};

// How a call's arguments fail to fit the parameters; all empty when they fit.
struct Mismatch {
  static constexpr std::size_t no_param = static_cast<std::size_t>(-1);
  // A named argument that no parameter takes (param == no_param), or that names a parameter
  // already given (by position, or under another alias).
  struct Named {
    std::string_view key;
    std::size_t param;
  };

  std::size_t given = 0;             // positional arguments
  std::size_t extent = 0;            // 1 + the last parameter that got a value
  bool too_many = false;             // more positional arguments than parameters
  std::vector<Named> named;          // in request order
  std::vector<std::size_t> missing;  // required parameters without a value, in declaration order

  bool fits() const noexcept { return !too_many && named.empty() && missing.empty(); }
};

// Fills `slots` (one per parameter) with the argument each receives, nullptr where none.
// Allocates only to describe a mismatch.
inline Mismatch match_arguments(const MethodInfo& m, const Params& p, std::span<const json::value*> slots) {
  Mismatch out;
  const std::size_t n = m.params.size();
  const bool extra = m.has(MethodFlags::extra_args);
  out.given = p.positional.size();
  for (std::size_t i = 0; i < n && i < p.positional.size(); ++i) slots[i] = &p.positional[i];
  out.too_many = p.positional.size() > n && !extra;
  if (p.named)
    for (const auto& kv : *p.named) {
      std::size_t i = 0;
      while (i < n && !m.params[i].named(kv.key())) ++i;
      if (i == n) {
        if (!extra) out.named.push_back({kv.key(), Mismatch::no_param});
      } else if (slots[i]) {
        out.named.push_back({kv.key(), i});
      } else {
        slots[i] = &kv.value();
      }
    }
  for (std::size_t i = 0; i < n; ++i) {
    if (slots[i]) out.extent = i + 1;
    if (!slots[i] && m.params[i].required) out.missing.push_back(i);
  }
  return out;
}

// 'a', 'a' and 'b', 'a', 'b', and 'c': Python's list of names in a TypeError.
inline std::string python_name_list(std::span<const std::string_view> names) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) s += names.size() == 2 ? " and " : (i + 1 == names.size() ? ", and " : ", ");
    s += '\'';
    s += names[i];
    s += '\'';
  }
  return s;
}

}  // namespace coinkit::rpc
