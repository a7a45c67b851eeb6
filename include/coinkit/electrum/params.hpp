// Params: a call's arguments bound to a method's parameters (by position or by name, with
// aiorpcx's error messages), and ElectrumX's argument checks (non_negative_integer, ...).
#pragma once

#include <coinkit/chain/hashes.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/electrum/methods.hpp>
#include <coinkit/electrum/rpc_error.hpp>
#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>

namespace coinkit::electrum {

namespace json = boost::json;

// str(value) in Python, for error messages that quote an argument as ElectrumX's do.
inline std::string python_str(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "None";
    case json::kind::bool_: return v.get_bool() ? "True" : "False";
    case json::kind::string: return std::string(v.get_string());
    case json::kind::array: {
      std::string s = "[";
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) s += ", ";
        first = false;
        s += e.is_string() ? "'" + std::string(e.get_string()) + "'" : python_str(e);
      }
      return s + "]";
    }
    case json::kind::object: {
      std::string s = "{";
      bool first = true;
      for (const auto& m : v.get_object()) {
        if (!first) s += ", ";
        first = false;
        s += "'" + std::string(m.key()) + "': ";
        s += m.value().is_string() ? "'" + std::string(m.value().get_string()) + "'" : python_str(m.value());
      }
      return s + "}";
    }
    default: return rpc::to_json_text(v);  // numbers: Python's repr
  }
}

// The arguments of one call, by the method's parameter position; nullptr where not given.
class Params {
 public:
  static constexpr std::size_t max_params = 3;

  const json::value* operator[](std::size_t i) const noexcept { return i < values_.size() ? values_[i] : nullptr; }

  // Binds `params` (a list, an object or null) to `m`'s parameters. Errors are -32602 with
  // aiorpcx's messages ("2 arguments passed to method ... takes at most 1").
  static std::variant<Params, RpcError> bind(const MethodInfo& m, const json::value* params) {
    Params out;
    const std::string_view method = m.name;
    auto s = [](std::size_t n) { return n == 1 ? "" : "s"; };
    if (!params || params->is_null()) params = nullptr;
    if (!params || params->is_array()) {
      const std::size_t n = params ? params->get_array().size() : 0;
      if (n < m.required)
        return RpcError{rpc::invalid_params_code, std::to_string(n) + " argument" + s(n) + " passed to method \"" +
                                                      std::string(method) + "\" but it requires " +
                                                      std::to_string(m.required)};
      if (n > m.params.size() && !m.extra_args)
        return RpcError{rpc::invalid_params_code, std::to_string(n) + " argument" + s(n) + " passed to method " +
                                                      std::string(method) + " takes at most " +
                                                      std::to_string(m.params.size())};
      for (std::size_t i = 0; i < std::min(n, m.params.size()); ++i) out.values_[i] = &params->get_array()[i];
      return out;
    }
    if (!params->is_object())
      return RpcError{rpc::invalid_params_code, "invalid request arguments: " + python_str(*params)};
    const json::object& named = params->get_object();
    std::set<std::string_view> missing, excess;
    for (std::size_t i = 0; i < m.params.size(); ++i) {
      if (const json::value* v = named.if_contains(m.params[i]))
        out.values_[i] = v;
      else if (i < m.required)
        missing.insert(m.params[i]);
    }
    if (!m.extra_args)
      for (const auto& kv : named)
        if (std::find(m.params.begin(), m.params.end(), kv.key()) == m.params.end()) excess.insert(kv.key());
    auto quoted = [](const std::set<std::string_view>& names) {
      std::string list;
      for (std::string_view n : names) list += (list.empty() ? "\"" : ", \"") + std::string(n) + "\"";
      return list;
    };
    if (!missing.empty())
      return RpcError{rpc::invalid_params_code, "method \"" + std::string(method) + "\" requires parameter" +
                                                    s(missing.size()) + " " + quoted(missing)};
    if (!excess.empty())
      return RpcError{rpc::invalid_params_code, "method \"" + std::string(method) + "\" does not take parameter" +
                                                    s(excess.size()) + " " + quoted(excess)};
    return out;
  }

 private:
  std::array<const json::value*, max_params> values_{};
};

// --- ElectrumX's argument checks (session.py) ------------------------------------------------

// Python's int(value) >= 0: integers, floats (truncated), booleans and decimal strings pass.
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

inline RpcError not_non_negative(const json::value& v) {
  return {bad_request, python_str(v) + " should be a non-negative integer"};
}

// A non-negative integer argument at `i`, or `fallback` when absent; a height fits an int.
inline std::variant<std::int64_t, RpcError> non_negative_integer(const Params& p, std::size_t i,
                                                                 std::int64_t fallback = 0) {
  const json::value* v = p[i];
  if (!v) return fallback;
  auto n = to_non_negative(*v);
  if (!n) return not_non_negative(*v);
  return *n;
}

// Hex of 32 bytes in display order: script hashes and txids.
template <class Hash>
std::optional<Hash> to_hash(const json::value* v) noexcept {
  if (!v || !v->is_string()) return std::nullopt;
  auto r = Hash::try_from_hex(v->get_string());
  if (!r) return std::nullopt;
  return *r;
}

inline RpcError not_a_script_hash(const json::value* v) {
  return {bad_request, (v ? python_str(*v) : std::string("None")) + " is not a valid script hash"};
}
inline RpcError not_a_tx_hash(const json::value* v) {
  return {bad_request, (v ? python_str(*v) : std::string("None")) + " should be a transaction hash"};
}

// Python's `value in (True, False)`: true, false, 1 and 0 (1 == True in Python).
inline std::optional<bool> to_boolean(const json::value* v, bool fallback) noexcept {
  if (!v) return fallback;
  if (v->is_bool()) return v->get_bool();
  if (v->is_int64() && (v->get_int64() == 0 || v->get_int64() == 1)) return v->get_int64() == 1;
  if (v->is_uint64() && v->get_uint64() <= 1) return v->get_uint64() == 1;
  if (v->is_double() && (v->get_double() == 0.0 || v->get_double() == 1.0)) return v->get_double() == 1.0;
  return std::nullopt;
}

}  // namespace coinkit::electrum
