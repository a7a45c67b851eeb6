// How Python names and prints JSON values, for the error texts of servers written in Python
// (Bitcart's daemons, ElectrumX): type names ("NoneType"), str() and repr().
#pragma once

#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/value.hpp>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

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

}  // namespace coinkit::rpc
