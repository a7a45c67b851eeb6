// Conversion of JSON-RPC arguments to C++ parameter types and of results to JSON, strict and
// with Python-worded errors, as Bitcart's daemon answers them.
#pragma once

#include <coinkit/core/amount.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <charconv>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace coinkit::rpc {

namespace json = boost::json;

// Where an argument goes, for error texts and amount decimals.
struct ArgContext {
  std::string_view method;
  std::string_view param;
  unsigned amount_decimals = 8;
  std::string_view owner = "Commands.";
};

namespace detail {

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

inline std::string argument_error(std::string_view kind, const ArgContext& cx, std::string_view what) {
  std::string s(kind);
  s += ": ";
  s += cx.owner;
  s += cx.method;
  s += "() argument '";
  s += cx.param;
  s += "' ";
  s += what;
  return s;
}

inline bool type_error(const json::value& v, std::string_view expected, const ArgContext& cx, std::string& error) {
  error = argument_error("TypeError", cx, "must be " + std::string(expected) + ", not " + std::string(python_type(v)));
  return false;
}

// The shortest text that reads back as the same double: what the client most likely wrote.
inline std::string shortest_text(double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

inline bool amount_from_json(const json::value& v, std::int64_t& out, const ArgContext& cx, std::string& error,
                             amount_sign sign) {
  result<std::int64_t> r = amount_error::invalid_syntax;
  switch (v.kind()) {
    case json::kind::string: r = try_parse_amount(v.get_string(), cx.amount_decimals, sign); break;
    case json::kind::int64: r = try_parse_amount(std::to_string(v.get_int64()), cx.amount_decimals, sign); break;
    case json::kind::uint64: r = try_parse_amount(std::to_string(v.get_uint64()), cx.amount_decimals, sign); break;
    case json::kind::double_:
      // Boost.JSON has already made a double of it: read back its shortest decimal form.
      r = try_parse_amount(shortest_text(v.get_double()), cx.amount_decimals, sign);
      break;
    default:  // Python: Decimal(None) -> "TypeError: conversion from NoneType to Decimal is not supported"
      error = "TypeError: conversion from " + std::string(python_type(v)) + " to Decimal is not supported";
      return false;
  }
  if (r) {
    out = *r;
    return true;
  }
  if (r.error() == amount_error::empty || r.error() == amount_error::invalid_syntax)
    error = "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]";  // Bitcart's text, verbatim
  else if (r.error() == amount_error::too_many_decimals)
    error = argument_error("ValueError", cx, "has more than " + std::to_string(cx.amount_decimals) + " decimal places");
  else if (r.error() == amount_error::out_of_range)
    error = argument_error("OverflowError", cx, "is out of range");
  else
    error = argument_error("ValueError", cx, "must not be negative");
  return false;
}

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

}  // namespace detail

// Converts argument `v` into `out`; on failure sets `error` to the full message (e.g.
// "TypeError: Commands.add_request() argument 'memo' must be str, not int") and returns false.
// Strict: no string-to-number or number-to-bool coercion; a JSON number is accepted for an
// Amount (Bitcart accepts 0.01 as well as "0.01"). Other types go through json::value_to.
template <class T>
bool from_json(const json::value& v, T& out, const ArgContext& cx, std::string& error) {
  if constexpr (std::is_same_v<T, json::value>) {
    out = v;
  } else if constexpr (std::is_same_v<T, json::object>) {
    if (!v.is_object()) return detail::type_error(v, "dict", cx, error);
    out = v.get_object();
  } else if constexpr (std::is_same_v<T, json::array>) {
    if (!v.is_array()) return detail::type_error(v, "list", cx, error);
    out = v.get_array();
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view> ||
                       std::is_same_v<T, json::string>) {
    if (!v.is_string()) return detail::type_error(v, "str", cx, error);
    out = T(v.get_string());  // a string_view points into the request, which outlives the call
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_bool()) return detail::type_error(v, "bool", cx, error);
    out = v.get_bool();
  } else if constexpr (std::is_integral_v<T>) {
    if (!v.is_int64() && !v.is_uint64()) return detail::type_error(v, "int", cx, error);
    bool fits = v.is_int64() ? std::in_range<T>(v.get_int64()) : std::in_range<T>(v.get_uint64());
    if (!fits) {
      error = detail::argument_error("OverflowError", cx, "is out of range");
      return false;
    }
    out = v.is_int64() ? static_cast<T>(v.get_int64()) : static_cast<T>(v.get_uint64());
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number()) return detail::type_error(v, "float", cx, error);
    out = static_cast<T>(v.to_number<double>());
  } else if constexpr (std::is_same_v<T, Amount>) {
    return detail::amount_from_json(v, out.units, cx, error, amount_sign::non_negative);
  } else if constexpr (detail::is_optional<T>::value) {
    if (v.is_null()) {
      out.reset();
      return true;
    }
    typename T::value_type inner{};
    if (!from_json(v, inner, cx, error)) {
      if (error.starts_with("TypeError") &&
          error.ends_with(std::string(", not ") + std::string(detail::python_type(v)))) {
        // "must be str, not int" -> "must be str or None, not int"
        auto pos = error.rfind(", not ");
        error.insert(pos, " or None");
      }
      return false;
    }
    out = std::move(inner);
  } else {
    try {
      out = json::value_to<T>(v);
    } catch (const std::exception& e) {
      error = detail::argument_error("TypeError", cx, std::string("could not be converted: ") + e.what());
      return false;
    }
  }
  return true;
}

// Converts a method's result to JSON: Amount as a decimal string, optionals as null, strings,
// numbers, booleans and JSON as themselves, anything else through json::value_from.
template <class T>
json::value to_json(T&& v, unsigned amount_decimals) {
  using U = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<U, json::value>) {
    return json::value(std::forward<T>(v));
  } else if constexpr (std::is_same_v<U, Amount>) {
    return json::string(format_amount(v.units, amount_decimals));
  } else if constexpr (detail::is_optional<U>::value) {
    if (!v) return nullptr;
    return to_json(*std::forward<T>(v), amount_decimals);
  } else if constexpr (std::is_same_v<U, std::nullopt_t> || std::is_same_v<U, std::nullptr_t>) {
    return nullptr;
  } else if constexpr (std::is_same_v<U, std::string_view> || std::is_same_v<U, const char*> ||
                       std::is_same_v<U, char*>) {
    return json::string(std::string_view(v));
  } else {
    return json::value_from(std::forward<T>(v));
  }
}

}  // namespace coinkit::rpc
