// How Python names and prints JSON values, for the error texts of servers written in Python
// (Bitcart's daemons, ElectrumX): type names ("NoneType"), str() and repr(), and the numbers and
// durations ElectrumX logs (with_commas, formatted_time).
#pragma once

#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/value.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit::rpc {

// Python's name of a JSON value's type, as in "must be str, not int".
inline std::string_view python_type(const json::value& v) noexcept {
  switch (v.kind()) {
    case json::kind::null: return "NoneType";
    case json::kind::bool_: return "bool";
    case json::kind::int64:
    case json::kind::uint64: return "int";
    case json::kind::double_: return "float";
    case json::kind::string: return "str";
    case json::kind::array: return "list";
    case json::kind::object: return "dict";
  }
  return "object";
}

// Python's repr of a str: single quotes unless the text has one and no double quote.
inline std::string python_repr(std::string_view s) {
  const char q = s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == '\\' || c == q)
      out += '\\', out += c;
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else
      out += c;
  }
  return out += q;
}

// str(value) in Python, for messages that quote an argument as ElectrumX's do. (Strings inside
// lists and dicts are quoted plainly, as ElectrumX's messages show them.)
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
    default: return to_json_text(v);  // numbers: Python's repr
  }
}

// Python's f"{n:,d}": ElectrumX prints heights and sizes with thousands separators.
inline std::string with_commas(std::int64_t n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n < 0 ? -static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n));
  const std::string digits(buf, r.ptr);
  std::string out = n < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// ElectrumX's util.formatted_time: days, hours and minutes, and the seconds only when fewer
// than three parts came before ("1d 02h 03m", "02h 03m 04s", "05s").
inline std::string formatted_time(std::chrono::seconds t, std::string_view sep = " ") {
  long long s = t.count() < 0 ? 0 : t.count();
  std::vector<std::string> parts;
  const struct {
    const char* format;
    long long unit;
  } units[] = {{"%lldd", 86400}, {"%02lldh", 3600}, {"%02lldm", 60}};
  char buf[32];
  for (const auto& u : units) {
    const long long value = s / u.unit;
    if (!parts.empty() || value) {
      std::snprintf(buf, sizeof buf, u.format, value);
      parts.emplace_back(buf);
    }
    s %= u.unit;
  }
  if (parts.size() < 3) {
    std::snprintf(buf, sizeof buf, "%02llds", s);
    parts.emplace_back(buf);
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : std::string()) + parts[i];
  return out;
}

}  // namespace coinkit::rpc
