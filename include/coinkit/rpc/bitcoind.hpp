// rpc::Bitcoind: the dialect of bitcoind's JSON-RPC (src/rpc/request.cpp, util.cpp of v28+):
// named arguments with aliases, the usage text for a wrong count, "Wrong type passed" for every
// argument of the wrong JSON type, UniValue's number and string forms; and its request envelope
// (JSON-RPC 1.0 and 2.0, batches, HTTP statuses).
#pragma once

#include <coinkit/core/amount.hpp>
#include <coinkit/rpc/binder.hpp>
#include <coinkit/rpc/envelope.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/rpc/method_table.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace coinkit::rpc {

// RPCErrorCode values (src/rpc/protocol.h) of bitcoind's JSON-RPC layer.
namespace bitcoind_code {
inline constexpr int misc_error = -1;          // RPC_MISC_ERROR
inline constexpr int type_error = -3;          // RPC_TYPE_ERROR
inline constexpr int invalid_parameter = -8;   // RPC_INVALID_PARAMETER
inline constexpr int method_deprecated = -32;  // RPC_METHOD_DEPRECATED
}  // namespace bitcoind_code

// UniValue's type names, used in bitcoind's "Wrong type passed" messages.
inline std::string_view univalue_type_name(const json::value& v) noexcept {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "bool";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "number";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
  }
  return "null";
}

inline std::string_view univalue_type_name(JsonKind k) noexcept {
  switch (k) {
    case JsonKind::number: return "number";
    case JsonKind::string: return "string";
    case JsonKind::boolean: return "bool";
    case JsonKind::array: return "array";
    case JsonKind::object: return "object";
    case JsonKind::amount: return "number or string";
    case JsonKind::any: return "any";
  }
  return "any";
}

inline bool univalue_matches(JsonKind k, const json::value& v) noexcept {
  switch (k) {
    case JsonKind::number: return v.is_number();
    case JsonKind::string: return v.is_string();
    case JsonKind::boolean: return v.is_bool();
    case JsonKind::array: return v.is_array();
    case JsonKind::object: return v.is_object();
    case JsonKind::amount: return v.is_number() || v.is_string();
    case JsonKind::any: return true;
  }
  return true;
}

// RPCHelpMan's one-line usage: "getblock \"blockhash\" ( verbosity )".
inline std::string bitcoind_usage(const MethodInfo& m) {
  std::string s(m.name), optional;
  for (const ParamInfo& a : m.params) {
    std::string name(a.primary());
    if (a.kind == JsonKind::string) name = "\"" + name + "\"";
    if (a.required)
      s += " " + name;
    else
      optional += (optional.empty() ? "" : " ") + name;
  }
  if (!optional.empty()) s += " ( " + optional + " )";
  return s;
}

// bitcoind's AmountFromValue: a number or a numeric string with at most 8 decimals, in range.
inline Outcome<std::int64_t> amount_from_value(const json::value& v) {
  constexpr std::int64_t max_money = 21'000'000LL * 100'000'000LL;
  double d = 0;
  if (v.is_int64()) {
    d = static_cast<double>(v.get_int64());
  } else if (v.is_uint64()) {
    d = static_cast<double>(v.get_uint64());
  } else if (v.is_double()) {
    d = v.get_double();
  } else if (v.is_string()) {
    const json::string& s = v.get_string();
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec != std::errc{} || ptr != s.data() + s.size()) return Fault{bitcoind_code::type_error, "Invalid amount"};
  } else {
    return Fault{bitcoind_code::type_error, "Amount is not a number or string"};
  }
  const double scaled = d * 1e8;
  if (!std::isfinite(scaled) || std::fabs(scaled) > 1e17) return Fault{bitcoind_code::type_error, "Invalid amount"};
  const double rounded = std::nearbyint(scaled);
  if (std::fabs(scaled - rounded) > 1e-3) return Fault{bitcoind_code::type_error, "Invalid amount"};
  const auto sats = static_cast<std::int64_t>(rounded);
  if (sats < 0 || sats > max_money) return Fault{bitcoind_code::type_error, "Amount out of range"};
  return sats;
}

// ValueFromAmount: satoshis as a number with exactly 8 decimals ("50.00000000").
inline json::value amount_value(std::int64_t satoshis) {
  const std::uint64_t mag =
      satoshis < 0 ? 0 - static_cast<std::uint64_t>(satoshis) : static_cast<std::uint64_t>(satoshis);
  std::string text = satoshis < 0 ? "-" : "";
  text += std::to_string(mag / 100'000'000);
  char frac[10] = {'.'};
  std::uint64_t f = mag % 100'000'000;
  for (int i = 8; i >= 1; --i, f /= 10) frac[i] = static_cast<char>('0' + f % 10);
  text.append(frac, 9);
  return number_literal(text);
}

struct Bitcoind {
  EnvelopeStyle envelope{JsonStyle::univalue};
  bool null_is_absent = true;  // request.params[i].isNull(): the default

  // transformNamedArguments, then RPCHelpMan's count check.
  std::optional<Fault> mismatch(const MethodInfo& m, const Params& p, const Mismatch& x) const {
    if (p.named) {
      // An alias given beside another: the later name in declaration order, as bitcoind finds it.
      for (std::size_t i = 0; i < m.params.size(); ++i) {
        bool repeated = false;
        for (const auto& n : x.named) repeated = repeated || n.param == i;
        if (!repeated) continue;
        std::string_view later;
        for (std::string_view rest = m.params[i].name;;) {
          const std::size_t bar = rest.find('|');
          if (p.named->contains(rest.substr(0, bar))) later = rest.substr(0, bar);
          if (bar == std::string_view::npos) break;
          rest.remove_prefix(bar + 1);
        }
        return Fault{bitcoind_code::invalid_parameter, "Parameter " + std::string(later) + " specified multiple times"};
      }
      for (const auto& n : x.named)
        if (n.param == Mismatch::no_param)
          return Fault{bitcoind_code::invalid_parameter, "Unknown named parameter " + std::string(n.key)};
    }
    std::size_t required = 0;
    for (const ParamInfo& a : m.params) required += a.required;
    const std::size_t size = p.named ? x.extent : x.given;
    if (x.too_many || size < required)
      return Fault{bitcoind_code::misc_error, bitcoind_usage(m) + "\n\n" + std::string(m.doc)};
    return std::nullopt;  // holes below a given argument: the type check reports them
  }

  // Every argument up to the last one given, of its declared JSON type (a null stands in for
  // an optional one).
  std::optional<Fault> check(const MethodInfo& m, std::span<const json::value* const> slots) const {
    static const json::value null;
    std::size_t size = 0;
    for (std::size_t i = 0; i < slots.size(); ++i)
      if (slots[i]) size = i + 1;
    std::string mismatch;
    for (std::size_t i = 0; i < size; ++i) {
      const ParamInfo& a = m.params[i];
      const json::value& v = slots[i] ? *slots[i] : null;
      if (a.kind == JsonKind::any || (!a.required && v.is_null()) || univalue_matches(a.kind, v)) continue;
      mismatch += mismatch.empty() ? "\n    " : ",\n    ";
      mismatch += "\"Position " + std::to_string(i + 1) + " (" + std::string(a.name) + ")\": \"JSON value of type " +
                  std::string(univalue_type_name(v)) + " is not of expected type " +
                  std::string(univalue_type_name(a.kind)) + "\"";
    }
    if (mismatch.empty()) return std::nullopt;
    return Fault{bitcoind_code::type_error, "Wrong type passed:\n{" + mismatch + "\n}"};
  }

  // UniValue's getters: getInt (integral numbers in range), get_bool, get_str, the containers;
  // AmountFromValue for amounts.
  template <class T>
  std::optional<Fault> convert(const json::value& v, T& out, const MethodInfo& m, std::size_t k) const {
    if constexpr (is_optional<T>::value) {
      typename T::value_type inner{};
      if (auto f = convert(v, inner, m, k)) return f;
      out = std::move(inner);
    } else if constexpr (std::is_same_v<T, json::value>) {
      out = v;
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!v.is_bool()) return expected(v, "bool");
      out = v.get_bool();
    } else if constexpr (std::is_integral_v<T>) {
      std::int64_t n = 0;
      if (v.is_int64()) {
        n = v.get_int64();
      } else if (v.is_uint64() && std::in_range<std::int64_t>(v.get_uint64())) {
        n = static_cast<std::int64_t>(v.get_uint64());
      } else if (v.is_double() && v.get_double() == std::trunc(v.get_double()) && std::fabs(v.get_double()) < 9e18) {
        n = static_cast<std::int64_t>(v.get_double());
      } else if (v.is_number()) {
        return Fault{bitcoind_code::misc_error, "JSON integer out of range"};
      } else {
        return expected(v, "number");
      }
      if (!std::in_range<T>(n)) return Fault{bitcoind_code::misc_error, "JSON integer out of range"};
      out = static_cast<T>(n);
    } else if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>) {
      if (!v.is_string()) return expected(v, "string");
      out = T(v.get_string());
    } else if constexpr (std::is_same_v<T, json::array>) {
      if (!v.is_array()) return expected(v, "array");
      out = v.get_array();
    } else if constexpr (std::is_same_v<T, json::object>) {
      if (!v.is_object()) return expected(v, "object");
      out = v.get_object();
    } else {
      static_assert(std::is_same_v<T, Amount>, "bitcoind's parameters are JSON, numbers, strings, booleans or amounts");
      auto a = amount_from_value(v);
      if (!a) return a.error();
      out = Amount{*a};
    }
    return std::nullopt;
  }

  template <class T>
  json::value to_value(T&& v) const {
    if constexpr (std::is_same_v<std::remove_cvref_t<T>, Amount>)
      return amount_value(v.units);
    else if constexpr (is_optional<std::remove_cvref_t<T>>::value)
      return v ? to_value(*v) : json::value();
    else
      return json::value(std::forward<T>(v));
  }
  template <class T>
  void write(JsonText& out, T&& v) const {
    if constexpr (std::is_same_v<std::remove_cvref_t<T>, json::value>)
      out.value(v);
    else
      out.value(to_value(std::forward<T>(v)));
  }

  // ExecuteCommand: a fault_error keeps its code; anything else is RPC_MISC_ERROR.
  Fault fault(std::exception_ptr e) const { return fault_of(e, bitcoind_code::misc_error); }

 private:
  static Fault expected(const json::value& v, std::string_view type) {
    return Fault{bitcoind_code::misc_error, "JSON value of type " + std::string(univalue_type_name(v)) +
                                                " is not of expected type " + std::string(type)};
  }
};

// One request as JSONRPCRequest::parse reads it.
struct BitcoindRequest {
  std::optional<json::value> id;  // absent: a notification when v2
  bool v2 = false;                // "jsonrpc": "2.0"; "1.0" or no member is the legacy protocol
  std::string method;
  json::value params;  // an array or an object; absent or null becomes []

  bool notification() const noexcept { return v2 && !id; }
  json::value id_or_null() const { return id ? *id : json::value(); }
  // JSONRPCReplyObj: legacy replies carry both "result" and "error"; 2.0 replies one of them.
  EnvelopeStyle style() const noexcept { return {JsonStyle::univalue, !v2}; }
};

// Reads `v` into `out`; the error bitcoind answers otherwise (-32600), with the id and version
// already read so the reply can carry them.
inline std::optional<Fault> parse_bitcoind_request(const json::value& v, BitcoindRequest& out) {
  out = BitcoindRequest{};
  const json::object* o = v.if_object();
  if (!o) return Fault{invalid_request_code, "Invalid Request object"};
  if (auto it = o->find("id"); it != o->end()) out.id = it->value();
  if (auto it = o->find("jsonrpc"); it != o->end() && !it->value().is_null()) {
    const json::string* s = it->value().if_string();
    if (!s) return Fault{invalid_request_code, "jsonrpc field must be a string"};
    if (*s == "2.0")
      out.v2 = true;
    else if (*s != "1.0")
      return Fault{invalid_request_code, "JSON-RPC version not supported"};
  }
  auto m = o->find("method");
  if (m == o->end() || m->value().is_null()) return Fault{invalid_request_code, "Missing method"};
  if (!m->value().is_string()) return Fault{invalid_request_code, "Method must be a string"};
  out.method = std::string(m->value().get_string());
  auto p = o->find("params");
  if (p == o->end() || p->value().is_null())
    out.params = json::array();
  else if (p->value().is_array() || p->value().is_object())
    out.params = p->value();
  else
    return Fault{invalid_request_code, "Params must be an array or object"};
  return std::nullopt;
}

// JSONErrorReply's HTTP status: 400 for an invalid request, 404 for an unknown method, else 500.
constexpr unsigned bitcoind_http_status(int code) noexcept {
  if (code == invalid_request_code) return 400;
  if (code == method_not_found_code) return 404;
  return 500;
}

}  // namespace coinkit::rpc
