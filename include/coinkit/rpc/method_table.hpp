// MethodTable: a daemon's JSON-RPC methods as one compile-time list (Boost.Hana), from which
// come name lookup, argument binding and conversion, `help` and the method list for /spec.
#pragma once

#include <coinkit/rpc/convert.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_writer.hpp>
#include <coinkit/rpc/request.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/assert.hpp>
#include <boost/hana/at.hpp>
#include <boost/hana/concat.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

// How a daemon declares its methods
// ---------------------------------
// Each method is a member function of the daemon (or of one of its CRTP bases). Its first
// parameter may be `const rpc::Call&`: the call's request, wallet selector and
// method; the others are bound from the JSON params by position or by name. It returns a value
// (converted to JSON, see rpc/convert.hpp), `void` (null), `coinkit::result<T>` (an error_code
// becomes a fault with its message) or `asio::awaitable<T>` of any of these. It fails by
// throwing rpc::fault_error (or any std::exception): the message is mapped to a code via the
// spec.
//
//   template <class Derived>
//   class BaseDaemon {
//    public:
//     json::array help(std::optional<std::string> func);
//     asio::awaitable<json::array> get_updates(const rpc::Call& call);
//     static constexpr auto rpc_methods() {
//       return rpc::methods(
//           rpc::method<&BaseDaemon::help>("help", rpc::no_flags, "List the methods",
//                                          rpc::arg("func", std::nullopt)),
//           rpc::method<&BaseDaemon::get_updates>("get_updates", rpc::requires_wallet,
//                                                 "Drain the wallet's event queue"));
//     }
//   };
//
//   class MyDaemon : public BaseDaemon<MyDaemon> {
//    public:
//     json::object add_request(const rpc::Call& call, Amount amount, std::string memo,
//                              std::int64_t expiration, bool force);
//     std::string help(std::optional<std::string> func);  // hides the base one
//     static constexpr auto rpc_methods() {
//       return rpc::extend(BaseDaemon::rpc_methods(),
//           rpc::method<&MyDaemon::add_request>("add_request", rpc::requires_wallet,
//               "Create a payment request", rpc::arg("amount"), rpc::arg("memo", ""),
//               rpc::arg("expiration", 3600), rpc::arg("force", false)),
//           // same name as a base entry: this later entry overrides it
//           rpc::method<&MyDaemon::help>("help", rpc::no_flags, "...", rpc::arg("func", std::nullopt)));
//     }
//   };
//
//   using Table = rpc::MethodTable<MyDaemon>;   // reads MyDaemon::rpc_methods() once
//   Table::find("add_request");                 // const MethodInfo* (binary search, sorted at compile time)
//   Table::names();                             // ["add_request", "get_updates", "help"]: Bitcart's help()
//   co_await Table::invoke(daemon, call, options); // binds, converts, calls; Outcome (result or fault)
//
// rpc::dispatch (rpc/dispatcher.hpp) runs the whole Bitcart flow on a request body.

namespace coinkit::rpc {

namespace asio = boost::asio;
namespace hana = boost::hana;

// ---- declaration side --------------------------------------------------------------------

enum class MethodFlags : std::uint8_t {
  none = 0,
  requires_wallet = 1,     // answered -32000 "Wallet not loaded" when no xpub is given
  requires_network = 2,    // informative (help, /spec); the daemon may gate on it
  requires_lightning = 4,  // informative; the daemon answers -32011 when the wallet has none
};
constexpr MethodFlags operator|(MethodFlags a, MethodFlags b) noexcept {
  return static_cast<MethodFlags>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr bool has_flag(MethodFlags set, MethodFlags f) noexcept {
  return (static_cast<std::uint8_t>(set) & static_cast<std::uint8_t>(f)) != 0;
}
inline constexpr MethodFlags no_flags = MethodFlags::none;
inline constexpr MethodFlags requires_wallet = MethodFlags::requires_wallet;
inline constexpr MethodFlags requires_network = MethodFlags::requires_network;
inline constexpr MethodFlags requires_lightning = MethodFlags::requires_lightning;

struct no_default {};

// A parameter: its wire name and, unless NoDefault, the default converted to the C++ parameter
// type when the caller leaves it out (`""` for std::string, `std::nullopt` for optionals).
template <class Default = no_default>
struct Arg {
  std::string_view name;
  Default value{};
  static constexpr bool required = std::is_same_v<Default, no_default>;
};

constexpr Arg<> arg(std::string_view name) noexcept { return {name}; }
template <class Default>
constexpr Arg<Default> arg(std::string_view name, Default value) noexcept {
  return {name, value};
}

// One method: the member function `Fn` plus its wire name, flags, doc string and parameters.
template <auto Fn, class... Args>
struct Method {
  static constexpr auto function = Fn;
  std::string_view name;
  MethodFlags flags;
  std::string_view doc;
  hana::tuple<Args...> args;
};

template <auto Fn, class... Args>
constexpr Method<Fn, Args...> method(std::string_view name, MethodFlags flags, std::string_view doc,
                                     Args... args) noexcept {
  return {name, flags, doc, hana::make_tuple(args...)};
}

// A table: the methods in order. Later entries override earlier ones of the same name.
template <class... Methods>
constexpr auto methods(Methods... m) noexcept {
  return hana::make_tuple(m...);
}

// A derived daemon's table: its base's, then its own (which override by name).
template <class Base, class... Methods>
constexpr auto extend(Base base, Methods... m) noexcept {
  return hana::concat(base, hana::make_tuple(m...));
}

// ---- run-time side -----------------------------------------------------------------------

struct ParamInfo {
  std::string_view name;
  bool required;
};

// What is known of a method without its type: for lookup, help and /spec.
struct MethodInfo {
  std::string_view name;
  MethodFlags flags;
  std::string_view doc;
  std::span<const ParamInfo> params;
  std::size_t index;  // position in the table (for the invoker)

  constexpr bool requires_wallet() const noexcept { return has_flag(flags, MethodFlags::requires_wallet); }
  constexpr bool requires_network() const noexcept { return has_flag(flags, MethodFlags::requires_network); }
};

// What a method sees of its call.
struct Call {
  const Request& request;
  const MethodInfo& method;
  unsigned amount_decimals = 8;  // decimals of coinkit::Amount arguments and results

  const WalletSelector& wallet() const noexcept { return request.wallet; }
};

// The result of invoking a method: the JSON result, or a fault.
struct Outcome {
  json::value result;
  std::optional<Fault> fault;
};

// Python-compatible wording of binding errors: Bitcart answers, for example,
// "TypeError: Commands.getbalance() got an unexpected keyword argument 'foo'".
struct BindOptions {
  std::string_view owner = "Commands.";  // prefix of the method name in TypeError texts
};

namespace detail {

template <class F>
struct member_function;
template <class R, class C, class... Ps>
struct member_function<R (C::*)(Ps...)> {
  using result = R;
  using owner = C;
  using params = std::tuple<Ps...>;
};
template <class R, class C, class... Ps>
struct member_function<R (C::*)(Ps...) const> : member_function<R (C::*)(Ps...)> {
  using owner = const C;
};
template <class R, class C, class... Ps>
struct member_function<R (C::*)(Ps...) noexcept> : member_function<R (C::*)(Ps...)> {};
template <class R, class C, class... Ps>
struct member_function<R (C::*)(Ps...) const noexcept> : member_function<R (C::*)(Ps...) const> {};

template <class T>
struct is_awaitable : std::false_type {};
template <class T, class E>
struct is_awaitable<asio::awaitable<T, E>> : std::true_type {
  using value_type = T;
};

template <class T>
struct is_result : std::false_type {};
template <class T>
struct is_result<boost::system::result<T, error_code>> : std::true_type {};

// The parameter types of F without a leading Call.
template <class Params>
struct bound_params;
template <>
struct bound_params<std::tuple<>> {
  static constexpr bool takes_call = false;
  using type = std::tuple<>;
};
template <class First, class... Rest>
struct bound_params<std::tuple<First, Rest...>> {
  static constexpr bool takes_call = std::is_same_v<std::remove_cvref_t<First>, Call>;
  using type = std::conditional_t<takes_call, std::tuple<Rest...>, std::tuple<First, Rest...>>;
};

template <class Tuple>
struct value_tuple;
template <class... Ts>
struct value_tuple<std::tuple<Ts...>> {
  using type = std::tuple<std::remove_cvref_t<Ts>...>;
};

// Sorted lookup, built at compile time: indices ordered by (name, later first), keeping only
// the last entry of each name.
template <std::size_t N>
struct SortedNames {
  std::array<std::size_t, N> index{};
  std::size_t count = 0;
};

template <std::size_t N>
constexpr SortedNames<N> sort_names(const std::array<std::string_view, N>& names) {
  std::array<std::size_t, N> order{};
  for (std::size_t i = 0; i < N; ++i) order[i] = i;
  auto before = [&](std::size_t a, std::size_t b) { return names[a] < names[b] || (names[a] == names[b] && a > b); };
  for (std::size_t i = 1; i < N; ++i)  // insertion sort: constexpr and fine for tables of ~200
    for (std::size_t j = i; j > 0 && before(order[j], order[j - 1]); --j) std::swap(order[j], order[j - 1]);
  SortedNames<N> out;
  for (std::size_t i = 0; i < N; ++i)
    if (out.count == 0 || names[out.index[out.count - 1]] != names[order[i]]) out.index[out.count++] = order[i];
  return out;
}

// Bitcart/Python binding errors. Non-template: one copy for every table.
inline std::string quote_list(std::span<const std::string_view> names) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) s += names.size() == 2 ? " and " : (i + 1 == names.size() ? ", and " : ", ");
    s += '\'';
    s += names[i];
    s += '\'';
  }
  return s;
}

// Matches the request's positional and named arguments to the method's parameters as Python
// does, in CPython's order of checks. `slots[i]` is the JSON for parameter i or null when left
// out. Returns the TypeError text, or an empty string on success.
inline std::string match_arguments(const Call& call, const BindOptions& options, std::span<const json::value*> slots) {
  const MethodInfo& m = call.method;
  const Request& r = call.request;
  auto prefix = [&] { return "TypeError: " + std::string(options.owner) + std::string(m.name) + "() "; };
  const std::size_t n = m.params.size();
  for (std::size_t i = 0; i < n && i < r.args.size(); ++i) slots[i] = &r.args[i];
  for (const auto& kw : r.kwargs) {
    std::size_t i = 0;
    while (i < n && m.params[i].name != kw.key()) ++i;
    if (i == n) return prefix() + "got an unexpected keyword argument '" + std::string(kw.key()) + "'";
    if (slots[i]) return prefix() + "got multiple values for argument '" + std::string(kw.key()) + "'";
    slots[i] = &kw.value();
  }
  if (r.args.size() > n) {
    std::size_t required = 0;
    for (const ParamInfo& p : m.params) required += p.required;
    std::string takes =
        required == n ? std::to_string(n) : "from " + std::to_string(required) + " to " + std::to_string(n);
    return prefix() + "takes " + takes + " positional argument" + (n == 1 && required == n ? "" : "s") + " but " +
           std::to_string(r.args.size()) + (r.args.size() == 1 ? " was" : " were") + " given";
  }
  std::array<std::string_view, 64> missing_buf;
  std::size_t missing = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (!slots[i] && m.params[i].required && missing < missing_buf.size()) missing_buf[missing++] = m.params[i].name;
  if (missing > 0)
    return prefix() + "missing " + std::to_string(missing) + " required positional argument" +
           (missing == 1 ? "" : "s") + ": " + quote_list({missing_buf.data(), missing});
  return {};
}

// "usage: add_request amount [memo=\"\"] [expiration=3600]\n\n<doc>\n" from describe().
inline std::string usage_text(const json::object& d) {
  std::string s = "usage: ";
  s += d.at("name").as_string();
  for (const json::value& p : d.at("params").as_array()) {
    const json::object& o = p.as_object();
    s += ' ';
    if (const json::value* def = o.if_contains("default"))
      s += '[' + std::string(o.at("name").as_string()) + '=' + to_json_text(*def) + ']';
    else
      s += o.at("name").as_string();
  }
  if (!d.at("doc").as_string().empty()) {
    s += "\n\n";
    s += d.at("doc").as_string();
  }
  s += '\n';
  return s;
}

inline Fault fault_from_current_exception() {
  try {
    throw;
  } catch (const fault_error& e) {
    return e.fault();
  } catch (const std::exception& e) {
    return Fault{0, e.what()};
  } catch (...) {
    return Fault{0, "unknown exception"};
  }
}

}  // namespace detail

template <class Derived>
class MethodTable {
 public:
  static constexpr auto table = Derived::rpc_methods();
  static constexpr std::size_t size = decltype(hana::length(table))::value;

 private:
  template <std::size_t I>
  using method_type = std::remove_cvref_t<decltype(hana::at_c<I>(table))>;
  template <std::size_t I>
  using function_traits = detail::member_function<std::remove_cv_t<decltype(method_type<I>::function)>>;
  template <std::size_t I>
  using bound = detail::bound_params<typename function_traits<I>::params>;
  template <std::size_t I>
  using values_type = typename detail::value_tuple<typename bound<I>::type>::type;

  template <std::size_t I>
  static constexpr auto param_infos = hana::unpack(hana::at_c<I>(table).args, [](const auto&... a) {
    return std::array<ParamInfo, sizeof...(a)>{ParamInfo{a.name, std::remove_cvref_t<decltype(a)>::required}...};
  });

  template <std::size_t... Is>
  static constexpr std::array<MethodInfo, size> make_infos(std::index_sequence<Is...>) {
    return {MethodInfo{hana::at_c<Is>(table).name, hana::at_c<Is>(table).flags, hana::at_c<Is>(table).doc,
                       std::span<const ParamInfo>(param_infos<Is>), Is}...};
  }

 public:
  // Every entry in table order, overridden ones included.
  static constexpr std::array<MethodInfo, size> infos = make_infos(std::make_index_sequence<size>{});

 private:
  static constexpr auto sorted = [] {
    std::array<std::string_view, size> names{};
    for (std::size_t i = 0; i < size; ++i) names[i] = infos[i].name;
    return detail::sort_names(names);
  }();

 public:
  // The methods callable by name (overrides resolved), in name order.
  static constexpr std::size_t unique_size = sorted.count;

  static const MethodInfo& at_sorted(std::size_t k) noexcept { return infos[sorted.index[k]]; }

  // The method called `name` (the last table entry of that name), or nullptr.
  static const MethodInfo* find(std::string_view name) noexcept {
    std::size_t lo = 0, hi = unique_size;
    while (lo < hi) {
      std::size_t mid = (lo + hi) / 2;
      std::string_view probe = infos[sorted.index[mid]].name;
      if (probe < name)
        lo = mid + 1;
      else if (name < probe)
        hi = mid;
      else
        return &infos[sorted.index[mid]];
    }
    return nullptr;
  }

  // Bitcart's `help()` result: the method names, sorted, each once.
  static json::array names() {
    json::array out;
    out.reserve(unique_size);
    for (std::size_t k = 0; k < unique_size; ++k) out.emplace_back(json::string(at_sorted(k).name));
    return out;
  }

  // A method for /spec or tooling: {"name", "params": [{"name", "default"?}], "requires_wallet",
  // "requires_network", "doc"}; defaults as the JSON the method would see.
  static json::object describe(const MethodInfo& m, unsigned amount_decimals = 8) {
    return describers[m.index](amount_decimals);
  }
  // Every callable method described, in name order.
  static json::array describe_all(unsigned amount_decimals = 8) {
    json::array out;
    out.reserve(unique_size);
    for (std::size_t k = 0; k < unique_size; ++k) out.emplace_back(describe(at_sorted(k), amount_decimals));
    return out;
  }

  // `help("name")`: a usage line and the doc string, or nullopt for an unknown name.
  static std::optional<std::string> help_text(std::string_view name, unsigned amount_decimals = 8) {
    const MethodInfo* m = find(name);
    if (!m) return std::nullopt;
    return detail::usage_text(describe(*m, amount_decimals));
  }

  // Binds the call's arguments to `call.method`'s parameters, converts them, and calls it on
  // `daemon`. Binding errors and exceptions come back as faults (code 0: for the spec).
  // `daemon` and `call` (with its request) must outlive the returned awaitable.
  static asio::awaitable<Outcome> invoke(Derived& daemon, const Call& call, BindOptions options = {}) {
    BOOST_ASSERT(call.method.index < size && &infos[call.method.index] == &call.method);
    const Invoker& invoker = invokers[call.method.index];
    if (invoker.plain) co_return invoker.plain(daemon, call, options);
    co_return co_await invoker.coroutine(daemon, call, options);
  }

 private:
  template <std::size_t I>
  static json::object describe_one(unsigned decimals) {
    constexpr const auto& m = hana::at_c<I>(table);
    json::object o;
    o.emplace("name", m.name);
    o.emplace("params", describe_params<I>(decimals, std::make_index_sequence<param_infos<I>.size()>{}));
    o.emplace("requires_wallet", has_flag(m.flags, MethodFlags::requires_wallet));
    o.emplace("requires_network", has_flag(m.flags, MethodFlags::requires_network));
    o.emplace("doc", m.doc);
    return o;
  }

  template <std::size_t I, std::size_t... Ks>
  static json::array describe_params(unsigned decimals, std::index_sequence<Ks...>) {
    json::array params;
    params.reserve(sizeof...(Ks));
    (params.emplace_back(describe_param<I, Ks>(decimals)), ...);
    (void)decimals;
    return params;
  }

  // A parameter's default is shown as the JSON of the value the method would receive.
  template <std::size_t I, std::size_t K>
  static json::object describe_param(unsigned decimals) {
    const auto& a = hana::at_c<K>(hana::at_c<I>(table).args);
    json::object p;
    p.emplace("name", a.name);
    if constexpr (!std::remove_cvref_t<decltype(a)>::required)
      p.emplace("default", to_json(std::tuple_element_t<K, values_type<I>>(a.value), decimals));
    return p;
  }

  template <std::size_t I, class Values, std::size_t... Ks>
  static std::string bind(const Call& call, const BindOptions& options, Values& values, std::index_sequence<Ks...>) {
    constexpr const auto& m = hana::at_c<I>(table);
    std::array<const json::value*, sizeof...(Ks) + 1> slots{};
    std::string error = detail::match_arguments(call, options, {slots.data(), sizeof...(Ks)});
    if (!error.empty()) return error;
    ArgContext cx{call.method.name, {}, call.amount_decimals, options.owner};
    auto one = [&](auto k, auto& value) {
      constexpr std::size_t K = decltype(k)::value;
      const auto& a = hana::at_c<K>(m.args);
      if (!slots[K]) {
        if constexpr (!std::remove_cvref_t<decltype(a)>::required)
          value = std::remove_cvref_t<decltype(value)>(a.value);
        return true;
      }
      cx.param = a.name;
      return from_json(*slots[K], value, cx, error);
    };
    (void)(one(std::integral_constant<std::size_t, Ks>{}, std::get<Ks>(values)) && ...);
    (void)one;  // a method without parameters
    return error;
  }

  template <std::size_t I>
  static constexpr bool is_coroutine = detail::is_awaitable<typename function_traits<I>::result>::value;

  // The member function called with the bound values (and the Call when it takes one).
  template <std::size_t I>
  static decltype(auto) call_member(Derived& daemon, const Call& call, values_type<I>& values) {
    auto& self = static_cast<typename function_traits<I>::owner&>(daemon);
    return std::apply(
        [&](auto&... v) -> decltype(auto) {
          if constexpr (bound<I>::takes_call)
            return (self.*method_type<I>::function)(call, v...);
          else
            return (self.*method_type<I>::function)(v...);
        },
        values);
  }

  template <std::size_t I>
  static std::string bind_values(const Call& call, const BindOptions& options, values_type<I>& values) {
    constexpr std::size_t arity = std::tuple_size_v<values_type<I>>;
    static_assert(arity == decltype(hana::length(hana::at_c<I>(table).args))::value,
                  "a method table entry must name every parameter of its member function (a leading "
                  "rpc::Call excepted)");
    return bind<I>(call, options, values, std::make_index_sequence<arity>{});
  }

  // Plain methods are invoked by a plain function: a coroutine per method would cost compile
  // time (about 0.15 s each at -O2) and a frame per call.
  template <std::size_t I>
  static Outcome invoke_plain(Derived& daemon, const Call& call, const BindOptions& options) {
    values_type<I> values;
    if (std::string error = bind_values<I>(call, options, values); !error.empty())
      return Outcome{{}, Fault{0, std::move(error)}};
    try {
      if constexpr (std::is_void_v<typename function_traits<I>::result>) {
        call_member<I>(daemon, call, values);
        return Outcome{};
      } else {
        return make_outcome(call_member<I>(daemon, call, values), call.amount_decimals);
      }
    } catch (...) {
      return Outcome{{}, detail::fault_from_current_exception()};
    }
  }

  template <std::size_t I>
  static asio::awaitable<Outcome> invoke_coroutine(Derived& daemon, const Call& call, BindOptions options) {
    values_type<I> values;
    if (std::string error = bind_values<I>(call, options, values); !error.empty())
      co_return Outcome{{}, Fault{0, std::move(error)}};
    try {
      using T = typename detail::is_awaitable<typename function_traits<I>::result>::value_type;
      if constexpr (std::is_void_v<T>) {
        co_await call_member<I>(daemon, call, values);
        co_return Outcome{};
      } else {
        co_return make_outcome(co_await call_member<I>(daemon, call, values), call.amount_decimals);
      }
    } catch (...) {
      co_return Outcome{{}, detail::fault_from_current_exception()};
    }
  }

  template <class T>
  static Outcome make_outcome(T&& v, unsigned decimals) {
    if constexpr (detail::is_result<std::remove_cvref_t<T>>::value) {
      if (!v) return Outcome{{}, Fault{0, v.error().message()}};
      if constexpr (std::is_void_v<typename std::remove_cvref_t<T>::value_type>)
        return Outcome{};
      else
        return Outcome{to_json(std::move(*v), decimals), std::nullopt};
    } else {
      return Outcome{to_json(std::forward<T>(v), decimals), std::nullopt};
    }
  }

  struct Invoker {
    Outcome (*plain)(Derived&, const Call&, const BindOptions&);                // set for plain methods
    asio::awaitable<Outcome> (*coroutine)(Derived&, const Call&, BindOptions);  // set for coroutines
  };
  using Describer = json::object (*)(unsigned);

  template <std::size_t I>
  static constexpr Invoker make_invoker() {
    if constexpr (is_coroutine<I>)
      return {nullptr, &invoke_coroutine<I>};
    else
      return {&invoke_plain<I>, nullptr};
  }
  template <std::size_t... Is>
  static constexpr std::array<Invoker, size> make_invokers(std::index_sequence<Is...>) {
    return {make_invoker<Is>()...};
  }
  template <std::size_t... Is>
  static constexpr std::array<Describer, size> make_describers(std::index_sequence<Is...>) {
    return {&describe_one<Is>...};
  }
  static constexpr std::array<Invoker, size> invokers = make_invokers(std::make_index_sequence<size>{});
  static constexpr std::array<Describer, size> describers = make_describers(std::make_index_sequence<size>{});
};

}  // namespace coinkit::rpc
