// rpc::ElectrumX: the dialect of ElectrumX and its LocalRPC (aiorpcx underneath): aiorpcx's
// binding errors (-32602 "2 arguments passed to method ... taking at most 1"), ElectrumX's argument
// checks (script hashes, transaction hashes, non-negative integers, booleans; BAD_REQUEST 1),
// json.dumps replies.
#pragma once

#include <coinkit/chain/hashes.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/rpc/binder.hpp>
#include <coinkit/rpc/envelope.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/rpc/python.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace coinkit::rpc {

// ElectrumX's codes (session.py) and aiorpcx's.
namespace electrumx_code {
inline constexpr int bad_request = 1;
inline constexpr int daemon_error = 2;
inline constexpr int excessive_resource_usage = -101;  // a session whose cost reached COST_HARD_LIMIT
inline constexpr int server_busy = -102;               // a request over REQUEST_TIMEOUT
}  // namespace electrumx_code

// Python's int(value) >= 0, as ElectrumX's non_negative_integer: integers, floats (truncated),
// booleans and decimal strings pass.
inline std::optional<std::int64_t> to_non_negative(const json::value& v) noexcept {
  std::optional<std::int64_t> n;
  switch (v.kind()) {
    case json::kind::int64: n = v.get_int64(); break;
    case json::kind::uint64:
      if (v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        n = static_cast<std::int64_t>(v.get_uint64());
      break;
    case json::kind::bool_: n = v.get_bool() ? 1 : 0; break;
    case json::kind::double_: {
      const double d = v.get_double();
      if (std::isfinite(d) && d > -9.2e18 && d < 9.2e18) n = static_cast<std::int64_t>(d);
      break;
    }
    case json::kind::string: {
      std::string_view s = v.get_string();
      while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
      while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
      if (!s.empty() && s.front() == '+') s.remove_prefix(1);
      if (s.empty() || s.size() > 18) break;
      std::int64_t x = 0;
      for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        x = x * 10 + (c - '0');
      }
      n = x;
      break;
    }
    default: break;
  }
  if (n && *n < 0) return std::nullopt;
  return n;
}

// Python's `value in (True, False)`: true, false, 1 and 0 (1 == True in Python).
inline std::optional<bool> to_boolean(const json::value& v) noexcept {
  if (v.is_bool()) return v.get_bool();
  if (v.is_int64() && (v.get_int64() == 0 || v.get_int64() == 1)) return v.get_int64() == 1;
  if (v.is_uint64() && v.get_uint64() <= 1) return v.get_uint64() == 1;
  if (v.is_double() && (v.get_double() == 0.0 || v.get_double() == 1.0)) return v.get_double() == 1.0;
  return std::nullopt;
}

inline Fault not_non_negative(const json::value& v) {
  return {electrumx_code::bad_request, python_str(v) + " should be a non-negative integer"};
}

struct ElectrumX {
  EnvelopeStyle envelope{};
  bool null_is_absent = false;

  // aiorpcx's messages: by position, too few then too many; by name, missing then unknown.
  std::optional<Fault> mismatch(const MethodInfo& m, const Params& p, const Mismatch& x) const {
    auto s = [](std::size_t n) { return n == 1 ? "" : "s"; };
    const std::string method(m.name);
    if (!p.named) {
      std::size_t required = 0;
      for (const ParamInfo& param : m.params) required += param.required;
      const std::size_t n = p.positional.size();
      if (n < required)
        return Fault{invalid_params_code, std::to_string(n) + " argument" + s(n) + " passed to method \"" + method +
                                              "\" but it requires " + std::to_string(required)};
      return Fault{invalid_params_code, std::to_string(n) + " argument" + s(n) + " passed to method " + method +
                                            " taking at most " + std::to_string(m.params.size())};
    }
    std::set<std::string_view> missing, excess;
    for (std::size_t i : x.missing) missing.insert(m.params[i].primary());
    for (const auto& named : x.named) excess.insert(named.key);
    auto quoted = [](const std::set<std::string_view>& names) {
      std::string list;
      for (std::string_view n : names) list += (list.empty() ? "\"" : ", \"") + std::string(n) + "\"";
      return list;
    };
    if (!missing.empty())
      return Fault{invalid_params_code,
                   "method \"" + method + "\" requires parameter" + s(missing.size()) + " " + quoted(missing)};
    return Fault{invalid_params_code,
                 "method \"" + method + "\" does not take parameter" + s(excess.size()) + " " + quoted(excess)};
  }

  std::optional<Fault> check(const MethodInfo&, std::span<const json::value* const>) const { return std::nullopt; }

  // ElectrumX's checks, in its words: hashes in display-order hex, non-negative integers as
  // Python's int() reads them, booleans as `in (True, False)`; raw JSON for the rest.
  template <class T>
  std::optional<Fault> convert(const json::value& v, T& out, const MethodInfo& m, std::size_t k) const {
    if constexpr (std::is_same_v<T, ScriptHash> || std::is_same_v<T, Txid>) {
      auto h = v.is_string() ? T::try_from_hex(v.get_string()) : result<T>(core::error::wrong_length);
      if (!h)
        return Fault{electrumx_code::bad_request,
                     python_str(v) + (std::is_same_v<T, ScriptHash> ? " is not a valid script hash"
                                                                    : " should be a transaction hash")};
      out = *h;
    } else if constexpr (std::is_same_v<T, bool>) {
      auto b = to_boolean(v);
      if (!b)
        return Fault{electrumx_code::bad_request, "\"" + std::string(m.params[k].primary()) + "\" must be a boolean"};
      out = *b;
    } else if constexpr (std::is_integral_v<T>) {
      auto n = to_non_negative(v);
      if (!n || !std::in_range<T>(*n)) return not_non_negative(v);
      out = static_cast<T>(*n);
    } else if constexpr (std::is_same_v<T, const json::value*>) {
      out = &v;
    } else {
      static_assert(std::is_same_v<T, json::value>, "ElectrumX's methods take hashes, integers, booleans or JSON");
      out = v;
    }
    return std::nullopt;
  }

  json::value to_value(const json::value& v) const { return v; }
  template <class T>
  json::value to_value(const T& v) const {
    if constexpr (std::is_pointer_v<T>)
      return v ? *v : json::value();
    else
      return json::value(v);
  }
  template <class T>
  void write(JsonText& out, T&& v) const {
    if constexpr (std::is_same_v<std::remove_cvref_t<T>, json::value>)
      out.value(v);
    else
      out.value(to_value(v));
  }

  // fault_error keeps its code and text; anything else is aiorpcx's internal error.
  Fault fault(std::exception_ptr e) const {
    try {
      std::rethrow_exception(e);
    } catch (const fault_error& f) {
      return f.fault();
    } catch (...) {
      return Fault{internal_error_code, "internal server error"};
    }
  }
};

}  // namespace coinkit::rpc
