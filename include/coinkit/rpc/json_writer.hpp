// write_json: JSON text in the byte form of the server a dialect reproduces: Python's json.dumps
// (Bitcart's daemons, ElectrumX) or bitcoind's UniValue.
#pragma once

#include <coinkit/core/hex.hpp>

#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>

namespace coinkit::rpc {

namespace json = boost::json;

// How JSON text is laid out.
enum class JsonStyle {
  python,    // json.dumps: ", " and ": ", ensure_ascii escapes, Python's float repr
  univalue,  // bitcoind: "," and ":", UTF-8 as is, doubles as %.16g
};

namespace detail {

// A json::string starting with this byte holds a number's literal text (number_literal). The
// byte is never valid UTF-8, and Boost.JSON's parser rejects invalid UTF-8, so no parsed
// document carries one.
inline constexpr char number_literal_mark = '\xff';

inline void write_u_escape(std::string& out, unsigned cp) {
  out += "\\u";
  out += coinkit::detail::hex_digits[(cp >> 12) & 15];
  out += coinkit::detail::hex_digits[(cp >> 8) & 15];
  out += coinkit::detail::hex_digits[(cp >> 4) & 15];
  out += coinkit::detail::hex_digits[cp & 15];
}

// The short escapes both styles share; false for other characters.
inline bool write_short_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; return true;
    case '\\': out += "\\\\"; return true;
    case '\n': out += "\\n"; return true;
    case '\r': out += "\\r"; return true;
    case '\t': out += "\\t"; return true;
    case '\b': out += "\\b"; return true;
    case '\f': out += "\\f"; return true;
    default: return false;
  }
}

// ensure_ascii: everything outside ' '..'~' as \uXXXX (lowercase hex, surrogate pairs above
// U+FFFF), plus Python's short escapes. Invalid UTF-8 (only possible in strings built by a
// method) comes out as U+FFFD.
inline void write_python_string(std::string& out, std::string_view s) {
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
    if (write_short_escape(out, c)) continue;
    if (c < 0x80) {
      write_u_escape(out, c);
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
      write_u_escape(out, 0xfffd);
      continue;
    }
    bool ok = i + more <= s.size();
    for (unsigned k = 0; ok && k < more; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      ok = (d & 0xc0) == 0x80;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
      write_u_escape(out, 0xfffd);
      continue;
    }
    i += more;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      write_u_escape(out, 0xd800 + (cp >> 10));
      write_u_escape(out, 0xdc00 + (cp & 0x3ff));
    } else {
      write_u_escape(out, cp);
    }
  }
  out += '"';
}

// UniValue's escapes: the short ones, other control bytes and DEL as \u00XX; everything else,
// UTF-8 included, as is.
inline void write_univalue_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) continue;
    out.append(s.data() + start, i - start);
    start = i + 1;
    if (!write_short_escape(out, c)) write_u_escape(out, c);
  }
  out.append(s.data() + start, s.size() - start);
  out += '"';
}

// Python's repr of a float: the shortest round-trip digits, fixed notation for exponents
// -4..15 ("0.0001", "1e-05", "1234567890123456.0", "1e+16"), NaN and Infinity as json.dumps.
inline void write_python_double(std::string& out, double d) {
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

// UniValue's setFloat: 16 significant digits, shortest form ("1", "4.656542373906925e-10").
inline void write_univalue_double(std::string& out, double d) {
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "%.16g", d);
  out.append(buf, static_cast<std::size_t>(n));
}

template <class Int>
void write_integer(std::string& out, Int v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace detail

// A number written exactly as `text` ("50.00000000": bitcoind's amounts), which a double cannot.
inline json::value number_literal(std::string_view text) {
  json::string s;
  s.reserve(text.size() + 1);
  s.push_back(detail::number_literal_mark);
  s.append(text);
  return json::value(std::move(s));
}

// A string in `style`'s escapes, quotes included.
inline void write_json_string(std::string& out, std::string_view s, JsonStyle style = JsonStyle::python) {
  if (style == JsonStyle::python)
    detail::write_python_string(out, s);
  else
    detail::write_univalue_string(out, s);
}

inline void write_json_double(std::string& out, double d, JsonStyle style = JsonStyle::python) {
  if (style == JsonStyle::python)
    detail::write_python_double(out, d);
  else
    detail::write_univalue_double(out, d);
}

// Appends `v` in `style`: members in order; number literals as their text.
inline void write_json(std::string& out, const json::value& v, JsonStyle style = JsonStyle::python) {
  const std::string_view comma = style == JsonStyle::python ? ", " : ",";
  const std::string_view colon = style == JsonStyle::python ? ": " : ":";
  switch (v.kind()) {
    case json::kind::null: out += "null"; return;
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; return;
    case json::kind::int64: detail::write_integer(out, v.get_int64()); return;
    case json::kind::uint64: detail::write_integer(out, v.get_uint64()); return;
    case json::kind::double_: write_json_double(out, v.get_double(), style); return;
    case json::kind::string: {
      const json::string& s = v.get_string();
      if (!s.empty() && s[0] == detail::number_literal_mark)
        out.append(s.data() + 1, s.size() - 1);
      else
        write_json_string(out, s, style);
      return;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const json::value& e : v.get_array()) {
        if (!first) out += comma;
        first = false;
        write_json(out, e, style);
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& m : v.get_object()) {
        if (!first) out += comma;
        first = false;
        write_json_string(out, m.key(), style);
        out += colon;
        write_json(out, m.value(), style);
      }
      out += '}';
      return;
    }
  }
}

inline std::string to_json_text(const json::value& v, JsonStyle style = JsonStyle::python) {
  std::string out;
  write_json(out, v, style);
  return out;
}

}  // namespace coinkit::rpc
