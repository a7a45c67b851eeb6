// rpc::Bitcart: the dialect of Bitcart's wallet daemons (Python's Electrum underneath): arguments
// converted strictly, errors worded as Python raises them ("TypeError: Commands.add_request()
// argument 'memo' must be str, not int"), amounts as decimal strings, json.dumps replies.
#pragma once

#include <coinkit/core/amount.hpp>
#include <coinkit/rpc/binder.hpp>
#include <coinkit/rpc/envelope.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/rpc/method_table.hpp>
#include <coinkit/rpc/python.hpp>
#include <coinkit/rpc/request.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <charconv>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace coinkit::rpc {

// What a Bitcart method sees of its call (its leading `const rpc::Call&` parameter).
struct Call {
  const Request& request;
  const MethodInfo& method;
  unsigned amount_decimals = 8;  // decimals of coinkit::Amount arguments and results

  const WalletSelector& wallet() const noexcept { return request.wallet; }
};
template <>
struct is_call_context<Call> : std::true_type {};

namespace detail {

// The shortest text that reads back as the same double: what the client most likely wrote.
inline std::string shortest_text(double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

}  // namespace detail

struct Bitcart {
  EnvelopeStyle envelope{};
  bool null_is_absent = false;
  unsigned amount_decimals = 8;          // of coinkit::Amount arguments and results
  std::string_view owner = "Commands.";  // prefix of the method name in TypeError texts

  // CPython's order of checks: a named argument it cannot place, too many positional
  // arguments, then the missing ones.
  std::optional<Fault> mismatch(const MethodInfo& m, const Params& p, const Mismatch& x) const {
    const std::string prefix = "TypeError: " + std::string(owner) + std::string(m.name) + "() ";
    if (!x.named.empty()) {
      const auto& first = x.named.front();
      if (first.param == Mismatch::no_param)
        return Fault{0, prefix + "got an unexpected keyword argument '" + std::string(first.key) + "'"};
      return Fault{0, prefix + "got multiple values for argument '" + std::string(first.key) + "'"};
    }
    const std::size_t n = m.params.size();
    if (x.too_many) {
      std::size_t required = 0;
      for (const ParamInfo& param : m.params) required += param.required;
      const std::string takes =
          required == n ? std::to_string(n) : "from " + std::to_string(required) + " to " + std::to_string(n);
      return Fault{0, prefix + "takes " + takes + " positional argument" + (n == 1 && required == n ? "" : "s") +
                          " but " + std::to_string(p.positional.size()) +
                          (p.positional.size() == 1 ? " was" : " were") + " given"};
    }
    std::vector<std::string_view> missing;
    for (std::size_t i : x.missing) missing.push_back(m.params[i].primary());
    return Fault{0, prefix + "missing " + std::to_string(missing.size()) + " required positional argument" +
                        (missing.size() == 1 ? "" : "s") + ": " + python_name_list(missing)};
  }

  std::optional<Fault> check(const MethodInfo&, std::span<const json::value* const>) const { return std::nullopt; }

  // Strict: no string-to-number or number-to-bool coercion; a JSON number is accepted for an
  // Amount (Bitcart accepts 0.01 as well as "0.01"). Other types go through json::value_to.
  template <class T>
  std::optional<Fault> convert(const json::value& v, T& out, const MethodInfo& m, std::size_t k) const {
    const std::string_view param = m.params[k].primary();
    if constexpr (std::is_same_v<T, json::value>) {
      out = v;
    } else if constexpr (std::is_same_v<T, json::object>) {
      if (!v.is_object()) return type_error(v, "dict", m, param);
      out = v.get_object();
    } else if constexpr (std::is_same_v<T, json::array>) {
      if (!v.is_array()) return type_error(v, "list", m, param);
      out = v.get_array();
    } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view> ||
                         std::is_same_v<T, json::string>) {
      if (!v.is_string()) return type_error(v, "str", m, param);
      out = T(v.get_string());  // a string_view points into the request, which outlives the call
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!v.is_bool()) return type_error(v, "bool", m, param);
      out = v.get_bool();
    } else if constexpr (std::is_integral_v<T>) {
      if (!v.is_int64() && !v.is_uint64()) return type_error(v, "int", m, param);
      const bool fits = v.is_int64() ? std::in_range<T>(v.get_int64()) : std::in_range<T>(v.get_uint64());
      if (!fits) return Fault{0, argument_error("OverflowError", m, param, "is out of range")};
      out = v.is_int64() ? static_cast<T>(v.get_int64()) : static_cast<T>(v.get_uint64());
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!v.is_number()) return type_error(v, "float", m, param);
      out = static_cast<T>(v.to_number<double>());
    } else if constexpr (std::is_same_v<T, Amount>) {
      return amount(v, out.units, m, param);
    } else if constexpr (is_optional<T>::value) {
      if (v.is_null()) {
        out.reset();
        return std::nullopt;
      }
      typename T::value_type inner{};
      if (auto f = convert(v, inner, m, k)) {
        // "must be str, not int" -> "must be str or None, not int"
        const std::string tail = ", not " + std::string(python_type(v));
        if (f->message.starts_with("TypeError") && f->message.ends_with(tail))
          f->message.insert(f->message.size() - tail.size(), " or None");
        return f;
      }
      out = std::move(inner);
    } else {
      try {
        out = json::value_to<T>(v);
      } catch (const std::exception& e) {
        return Fault{0, argument_error("TypeError", m, param, std::string("could not be converted: ") + e.what())};
      }
    }
    return std::nullopt;
  }

  // A result as JSON: Amount as a decimal string, optionals as null, strings, numbers, booleans
  // and JSON as themselves, anything else through json::value_from.
  template <class T>
  json::value to_value(T&& v) const {
    using U = std::remove_cvref_t<T>;
    if constexpr (std::is_same_v<U, json::value>) {
      return json::value(std::forward<T>(v));
    } else if constexpr (std::is_same_v<U, Amount>) {
      return json::string(format_amount(v.units, amount_decimals));
    } else if constexpr (is_optional<U>::value) {
      if (!v) return nullptr;
      return to_value(*std::forward<T>(v));
    } else if constexpr (std::is_same_v<U, std::nullopt_t> || std::is_same_v<U, std::nullptr_t>) {
      return nullptr;
    } else if constexpr (std::is_same_v<U, std::string_view> || std::is_same_v<U, const char*> ||
                         std::is_same_v<U, char*>) {
      return json::string(std::string_view(v));
    } else {
      return json::value_from(std::forward<T>(v));
    }
  }
  template <class T>
  void write(JsonText& out, T&& v) const {
    out.value(to_value(std::forward<T>(v)));
  }

  // fault_error keeps its code; any other exception is Fault{0, what()} (the spec decides).
  Fault fault(std::exception_ptr e) const { return fault_of(e, 0); }

 private:
  std::string argument_error(std::string_view kind, const MethodInfo& m, std::string_view param,
                             std::string_view what) const {
    std::string s(kind);
    s += ": ";
    s += owner;
    s += m.name;
    s += "() argument '";
    s += param;
    s += "' ";
    s += what;
    return s;
  }

  Fault type_error(const json::value& v, std::string_view expected, const MethodInfo& m, std::string_view param) const {
    return Fault{0, argument_error("TypeError", m, param,
                                   "must be " + std::string(expected) + ", not " + std::string(python_type(v)))};
  }

  std::optional<Fault> amount(const json::value& v, std::int64_t& out, const MethodInfo& m,
                              std::string_view param) const {
    result<std::int64_t> r = amount_error::invalid_syntax;
    switch (v.kind()) {
      case json::kind::string: r = try_parse_amount(v.get_string(), amount_decimals, amount_sign::non_negative); break;
      case json::kind::int64:
        r = try_parse_amount(std::to_string(v.get_int64()), amount_decimals, amount_sign::non_negative);
        break;
      case json::kind::uint64:
        r = try_parse_amount(std::to_string(v.get_uint64()), amount_decimals, amount_sign::non_negative);
        break;
      case json::kind::double_:
        // Boost.JSON has already made a double of it: read back its shortest decimal form.
        r = try_parse_amount(detail::shortest_text(v.get_double()), amount_decimals, amount_sign::non_negative);
        break;
      default:  // Python: Decimal(None) -> "TypeError: conversion from NoneType to Decimal is not supported"
        return Fault{0, "TypeError: conversion from " + std::string(python_type(v)) + " to Decimal is not supported"};
    }
    if (r) {
      out = *r;
      return std::nullopt;
    }
    if (r.error() == amount_error::empty || r.error() == amount_error::invalid_syntax)
      return Fault{0, "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]"};  // Bitcart's text, verbatim
    if (r.error() == amount_error::too_many_decimals)
      return Fault{0, argument_error("ValueError", m, param,
                                     "has more than " + std::to_string(amount_decimals) + " decimal places")};
    if (r.error() == amount_error::out_of_range)
      return Fault{0, argument_error("OverflowError", m, param, "is out of range")};
    return Fault{0, argument_error("ValueError", m, param, "must not be negative")};
  }
};

// Bitcart's `help()` result: the method names, sorted, each once.
template <class Owner>
json::array method_names() {
  using Table = MethodTable<Owner>;
  json::array out;
  out.reserve(Table::unique_size);
  for (std::size_t k = 0; k < Table::unique_size; ++k) out.emplace_back(json::string(Table::at_sorted(k).name));
  return out;
}

// A method for /spec or tooling: {"name", "params": [{"name", "default"?}], "requires_wallet",
// "requires_network", "doc"}; defaults as the JSON the method would see.
template <class Owner>
json::object describe(const MethodInfo& m, const Bitcart& dialect = {}) {
  json::object o;
  o.emplace("name", m.name);
  json::array params;
  for (std::size_t k = 0; k < m.params.size(); ++k) {
    json::object p;
    p.emplace("name", m.params[k].primary());
    if (auto d = MethodTable<Owner>::default_json(m, k, dialect)) p.emplace("default", std::move(*d));
    params.emplace_back(std::move(p));
  }
  o.emplace("params", std::move(params));
  o.emplace("requires_wallet", m.requires_wallet());
  o.emplace("requires_network", m.requires_network());
  o.emplace("doc", m.doc);
  return o;
}

// Every callable method described, in name order.
template <class Owner>
json::array describe_all(const Bitcart& dialect = {}) {
  using Table = MethodTable<Owner>;
  json::array out;
  out.reserve(Table::unique_size);
  for (std::size_t k = 0; k < Table::unique_size; ++k) out.emplace_back(describe<Owner>(Table::at_sorted(k), dialect));
  return out;
}

// `help("name")`: "usage: add_request amount [memo=\"\"] [expiration=3600]\n\n<doc>\n", or
// nullopt for an unknown name.
template <class Owner>
std::optional<std::string> help_text(std::string_view name, const Bitcart& dialect = {}) {
  const MethodInfo* m = MethodTable<Owner>::find(name);
  if (!m) return std::nullopt;
  std::string s = "usage: ";
  s += m->name;
  for (std::size_t k = 0; k < m->params.size(); ++k) {
    s += ' ';
    if (auto d = MethodTable<Owner>::default_json(*m, k, dialect))
      s += '[' + std::string(m->params[k].primary()) + '=' + to_json_text(*d) + ']';
    else
      s += m->params[k].primary();
  }
  if (!m->doc.empty()) {
    s += "\n\n";
    s += m->doc;
  }
  s += '\n';
  return s;
}

}  // namespace coinkit::rpc
