// write_json: JSON text exactly as Python's json.dumps writes it, the form of Bitcart's replies.
#pragma once

#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace coinkit::rpc {

namespace json = boost::json;

namespace detail {

// ensure_ascii: everything outside ' '..'~' as \uXXXX (lowercase hex, surrogate pairs above
// U+FFFF), plus Python's short escapes. Invalid UTF-8 (only possible in strings built by a
// method) comes out as U+FFFD.
inline void write_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  auto u_escape = [&](unsigned cp) {
    out += "\\u";
    out += hex[(cp >> 12) & 15];
    out += hex[(cp >> 8) & 15];
    out += hex[(cp >> 4) & 15];
    out += hex[cp & 15];
  };
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      std::size_t j = i + 1;  // copy the run of plain characters at once
      while (j < s.size()) {
        const auto d = static_cast<unsigned char>(s[j]);
        if (d < 0x20 || d >= 0x7f || d == '"' || d == '\\') break;
        ++j;
      }
      out.append(s.data() + i, j - i);
      i = j;
      continue;
    }
    ++i;
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (c < 0x80) {
      u_escape(c);
      continue;
    }
    unsigned cp = 0, more = 0, min = 0;
    if ((c & 0xe0) == 0xc0)
      cp = c & 0x1f, more = 1, min = 0x80;
    else if ((c & 0xf0) == 0xe0)
      cp = c & 0x0f, more = 2, min = 0x800;
    else if ((c & 0xf8) == 0xf0)
      cp = c & 0x07, more = 3, min = 0x10000;
    else {
      u_escape(0xfffd);
      continue;
    }
    bool ok = i + more <= s.size();
    for (unsigned k = 0; ok && k < more; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      ok = (d & 0xc0) == 0x80;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
      u_escape(0xfffd);
      continue;
    }
    i += more;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      u_escape(0xd800 + (cp >> 10));
      u_escape(0xdc00 + (cp & 0x3ff));
    } else {
      u_escape(cp);
    }
  }
  out += '"';
}

// Python's repr of a float: the shortest round-trip digits, fixed notation for exponents
// -4..15 ("0.0001", "1e-05", "1234567890123456.0", "1e+16"), NaN and Infinity as json.dumps.
inline void write_json_double(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));  // "-1.2345e+02"
  bool minus = sci.front() == '-';
  if (minus) sci.remove_prefix(1);
  const std::size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos))
    if (c != '.') digits += c;
  int exp = 0;
  std::string_view e = sci.substr(e_pos + 1);
  std::from_chars(e.data() + (e.front() == '+'), e.data() + e.size(), exp);
  if (minus) out += '-';
  if (exp >= -4 && exp < 16) {
    if (exp < 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-exp - 1), '0');
      out += digits;
    } else if (digits.size() <= static_cast<std::size_t>(exp) + 1) {
      out += digits;
      out.append(static_cast<std::size_t>(exp) + 1 - digits.size(), '0');
      out += ".0";
    } else {
      out.append(digits, 0, static_cast<std::size_t>(exp) + 1);
      out += '.';
      out.append(digits, static_cast<std::size_t>(exp) + 1);
    }
    return;
  }
  out += digits[0];
  if (digits.size() > 1) {
    out += '.';
    out.append(digits, 1);
  }
  out += exp < 0 ? "e-" : "e+";
  int a = exp < 0 ? -exp : exp;
  if (a < 10) out += '0';
  out += std::to_string(a);
}

}  // namespace detail

// Appends `v` as Python's json.dumps(v) would: ", " and ": " separators, members in order,
// ensure_ascii escapes, Python float repr.
inline void write_json(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: out += "null"; return;
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; return;
    case json::kind::int64: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_int64());
      out.append(buf, r.ptr);
      return;
    }
    case json::kind::uint64: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_uint64());
      out.append(buf, r.ptr);
      return;
    }
    case json::kind::double_: detail::write_json_double(out, v.get_double()); return;
    case json::kind::string: detail::write_json_string(out, v.get_string()); return;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const json::value& e : v.get_array()) {
        if (!first) out += ", ";
        first = false;
        write_json(out, e);
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& m : v.get_object()) {
        if (!first) out += ", ";
        first = false;
        detail::write_json_string(out, m.key());
        out += ": ";
        write_json(out, m.value());
      }
      out += '}';
      return;
    }
  }
}

inline std::string to_json_text(const json::value& v) {
  std::string out;
  write_json(out, v);
  return out;
}

}  // namespace coinkit::rpc
