// JSON as bitcoind writes it: amounts with exactly 8 decimals, other floats as %.16g, and
// amounts read from RPC parameters as bitcoind's AmountFromValue reads them.
#pragma once

#include <coinkit/regtest/node_error.hpp>

#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace coinkit::regtest {

namespace json = boost::json;

namespace rpc_detail {
// A string starting with this byte is a number already formatted (see float_value). JSON text
// can hold the byte only escaped, so no parsed request carries it into a reply unescaped.
inline constexpr char raw_number_mark = '\x01';
}  // namespace rpc_detail

// Amounts are doubles in the tree: Boost.JSON would write 50 BTC as "5E1", so write_json prints
// every double as bitcoind's ValueFromAmount does ("50.00000000").
inline json::value amount_value(std::int64_t satoshis) { return json::value(static_cast<double>(satoshis) / 1e8); }

// A float that is not an amount (difficulty, verificationprogress), written as UniValue writes
// doubles: 16 significant digits, shortest form ("1", "4.656542373906925e-10").
inline json::value float_value(double v) {
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "%.16g", v);
  std::string s(1, rpc_detail::raw_number_mark);
  s.append(buf, static_cast<std::size_t>(n));
  return json::value(json::string(s));
}

namespace rpc_detail {

inline void write_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) continue;
    out.append(s.data() + start, i - start);
    start = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
    }
  }
  out.append(s.data() + start, s.size() - start);
  out.push_back('"');
}

template <class Int>
void write_int(std::string& out, Int v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

inline void write_amount(std::string& out, double v) {
  const auto sats = static_cast<std::int64_t>(std::llround(v * 1e8));
  const std::uint64_t mag = sats < 0 ? 0 - static_cast<std::uint64_t>(sats) : static_cast<std::uint64_t>(sats);
  if (sats < 0) out.push_back('-');
  write_int(out, mag / 100'000'000);
  char frac[9];
  std::uint64_t f = mag % 100'000'000;
  for (int i = 7; i >= 0; --i, f /= 10) frac[i] = static_cast<char>('0' + f % 10);
  frac[8] = 0;
  out.push_back('.');
  out.append(frac, 8);
}

}  // namespace rpc_detail

// Appends `v` as compact JSON (bitcoind's UniValue::write() without indentation).
inline void write_json(std::string& out, const json::value& v) {
  using namespace rpc_detail;
  switch (v.kind()) {
    case json::kind::null: out += "null"; break;
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case json::kind::int64: write_int(out, v.get_int64()); break;
    case json::kind::uint64: write_int(out, v.get_uint64()); break;
    case json::kind::double_: write_amount(out, v.get_double()); break;
    case json::kind::string: {
      const json::string& s = v.get_string();
      if (!s.empty() && s[0] == raw_number_mark)
        out.append(s.data() + 1, s.size() - 1);
      else
        write_string(out, s);
      break;
    }
    case json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const json::value& e : v.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        write_json(out, e);
      }
      out.push_back(']');
      break;
    }
    case json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const json::key_value_pair& kv : v.get_object()) {
        if (!first) out.push_back(',');
        first = false;
        write_string(out, kv.key());
        out.push_back(':');
        write_json(out, kv.value());
      }
      out.push_back('}');
      break;
    }
  }
}

inline std::string to_json(const json::value& v) {
  std::string out;
  write_json(out, v);
  return out;
}

// UniValue's type names, used in bitcoind's "Wrong type passed" messages.
inline std::string_view json_type_name(const json::value& v) noexcept {
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

// bitcoind's AmountFromValue: a number or a numeric string with at most 8 decimals, in range.
// Errors carry RPC_TYPE_ERROR as bitcoind's do.
inline NodeResult<std::int64_t> amount_from_value(const json::value& v) {
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
    if (ec != std::errc{} || ptr != s.data() + s.size()) return NodeError(rpc_error::type_error, "Invalid amount");
  } else {
    return NodeError(rpc_error::type_error, "Amount is not a number or string");
  }
  const double scaled = d * 1e8;
  if (!std::isfinite(scaled) || std::fabs(scaled) > 1e17) return NodeError(rpc_error::type_error, "Invalid amount");
  const double rounded = std::nearbyint(scaled);
  if (std::fabs(scaled - rounded) > 1e-3) return NodeError(rpc_error::type_error, "Invalid amount");
  const auto sats = static_cast<std::int64_t>(rounded);
  if (sats < 0 || sats > max_money) return NodeError(rpc_error::type_error, "Amount out of range");
  return sats;
}

}  // namespace coinkit::regtest
