// MethodTable<Owner>: a server's declared methods (rpc/method.hpp) at run time: lookup by name,
// and the call itself: arguments matched, converted by the dialect, the member function called
// with its contexts, the result written in place. One mechanism for every server.
#pragma once

#include <coinkit/rpc/binder.hpp>
#include <coinkit/rpc/detail/sorted_names.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/rpc/method_signature.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/assert.hpp>
#include <boost/hana/at.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/unpack.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

// A dialect is a type with:
//   EnvelopeStyle envelope;                       how its replies look (and its JSON style)
//   bool null_is_absent;                          a JSON null argument takes the default (bitcoind)
//   std::optional<Fault> mismatch(const MethodInfo&, const Params&, const Mismatch&) const;
//   std::optional<Fault> check(const MethodInfo&, std::span<const json::value* const>) const;
//   template <class T> std::optional<Fault> convert(const json::value&, T&, const MethodInfo&, std::size_t) const;
//   template <class T> void write(JsonText&, T&&) const;
//   template <class T> json::value to_value(T&&) const;  a default, for help and /spec
//   Fault fault(std::exception_ptr) const;         a thrown exception as a fault
// See rpc/bitcart.hpp, rpc/electrumx.hpp and rpc/bitcoind.hpp.

namespace coinkit::rpc {

namespace asio = boost::asio;

template <class Owner>
class MethodTable {
 public:
  static constexpr auto table = Owner::rpc_methods();
  static constexpr std::size_t size = decltype(hana::length(table))::value;

 private:
  template <std::size_t I>
  using method_type = std::remove_cvref_t<decltype(hana::at_c<I>(table))>;
  template <std::size_t I>
  using function_traits = detail::member_function<std::remove_cv_t<decltype(method_type<I>::function)>>;
  template <std::size_t I>
  using split = detail::split_params<typename function_traits<I>::params>;
  template <std::size_t I>
  using values_type = typename detail::decayed<typename split<I>::bound>::type;
  template <std::size_t I>
  static constexpr bool is_coroutine = detail::is_awaitable<typename function_traits<I>::result>::value;
  template <std::size_t I>
  static constexpr bool writes_in_place = detail::contains<typename split<I>::contexts, JsonText>::value;

  template <std::size_t I>
  static constexpr auto param_infos = [] {
    constexpr std::size_t arity = std::tuple_size_v<values_type<I>>;
    static_assert(arity == decltype(hana::length(hana::at_c<I>(table).args))::value,
                  "a method table entry must name every parameter of its member function (leading call contexts "
                  "excepted)");
    return hana::unpack(hana::at_c<I>(table).args, [](const auto&... a) {
      return [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
        return std::array<ParamInfo, sizeof...(a)>{
            ParamInfo{a.name, std::remove_cvref_t<decltype(a)>::required,
                      json_kind_of<std::tuple_element_t<Ks, values_type<I>>>()}...};
      }
      (std::make_index_sequence<sizeof...(a)>{});
    });
  }();

  template <std::size_t... Is>
  static constexpr std::array<MethodInfo, size> make_infos(std::index_sequence<Is...>) {
    return {MethodInfo{hana::at_c<Is>(table).name, hana::at_c<Is>(table).traits.flags, hana::at_c<Is>(table).traits.doc,
                       hana::at_c<Is>(table).traits.since, hana::at_c<Is>(table).traits.until,
                       hana::at_c<Is>(table).traits.cost, std::span<const ParamInfo>(param_infos<Is>), Is}...};
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
      const std::size_t mid = (lo + hi) / 2;
      const std::string_view probe = infos[sorted.index[mid]].name;
      if (probe < name)
        lo = mid + 1;
      else if (name < probe)
        hi = mid;
      else
        return &infos[sorted.index[mid]];
    }
    return nullptr;
  }

  static bool is_coroutine_method(const MethodInfo& m) noexcept { return coroutine_flags[m.index]; }

  // Calls a method that is not a coroutine: arguments matched and converted by `dialect`, the
  // result written to `out` (nothing is written on a fault). `contexts` are passed to the
  // method's leading parameters of their types.
  template <class Dialect, class... Ctx>
  static std::optional<Fault> call(Owner& owner, const MethodInfo& m, const Params& params, const Dialect& dialect,
                                   std::string& out, Ctx&... contexts) {
    BOOST_ASSERT(m.index < size && &infos[m.index] == &m && !is_coroutine_method(m));
    return Invokers<Dialect, Ctx...>::plain[m.index](owner, m, params, dialect, out, contexts...);
  }

  // Calls any method; the arguments must live until the awaitable completes.
  template <class Dialect, class... Ctx>
  static asio::awaitable<std::optional<Fault>> call_async(Owner& owner, const MethodInfo& m, const Params& params,
                                                          const Dialect& dialect, std::string& out, Ctx&... contexts) {
    BOOST_ASSERT(m.index < size && &infos[m.index] == &m);
    if (!is_coroutine_method(m))
      co_return Invokers<Dialect, Ctx...>::plain[m.index](owner, m, params, dialect, out, contexts...);
    co_return co_await Invokers<Dialect, Ctx...>::coroutine[m.index](owner, m, params, dialect, out, contexts...);
  }

  // The default of parameter `k` of `m` as the JSON the method would receive, or nullopt for a
  // required parameter (help and /spec).
  template <class Dialect>
  static std::optional<json::value> default_json(const MethodInfo& m, std::size_t k, const Dialect& dialect) {
    return defaults<Dialect>[m.index](k, dialect);
  }

 private:
  template <std::size_t... Is>
  static constexpr std::array<bool, size> make_coroutine_flags(std::index_sequence<Is...>) {
    return {is_coroutine<Is>...};
  }
  static constexpr std::array<bool, size> coroutine_flags = make_coroutine_flags(std::make_index_sequence<size>{});

  // Matches and converts the arguments into `values`; false with `fault` set when the call stops.
  template <std::size_t I, class Dialect>
  static bool bind(const MethodInfo& m, const Params& params, const Dialect& dialect, values_type<I>& values,
                   Fault& fault) {
    constexpr std::size_t n = std::tuple_size_v<values_type<I>>;
    std::array<const json::value*, n + 1> slots{};
    const Mismatch mismatch = match_arguments(m, params, std::span<const json::value*>(slots.data(), n));
    std::optional<Fault> early;
    if (!mismatch.fits()) early = dialect.mismatch(m, params, mismatch);
    if (!early) early = dialect.check(m, std::span<const json::value* const>(slots.data(), n));
    if (early) {
      fault = std::move(*early);
      return false;
    }
    bool ok = true;
    [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
      auto one = [&](auto k, auto& value) {
        constexpr std::size_t K = decltype(k)::value;
        const auto& a = hana::at_c<K>(hana::at_c<I>(table).args);
        const json::value* v = slots[K];
        if (v && !(v->is_null() && dialect.null_is_absent)) {
          if (auto f = dialect.convert(*v, value, m, K)) {
            fault = std::move(*f);
            return false;
          }
          return true;
        }
        if constexpr (!std::remove_cvref_t<decltype(a)>::required)
          value = std::remove_cvref_t<decltype(value)>(a.value);
        return true;
      };
      ok = (one(std::integral_constant<std::size_t, Ks>{}, std::get<Ks>(values)) && ...);
      (void)one;
    }
    (std::make_index_sequence<n>{});
    return ok;
  }

  // The position of the context whose type (without cv) is T.
  template <class T, class... Ts>
  static constexpr std::size_t context_index() {
    constexpr bool same[] = {std::is_same_v<std::remove_cv_t<Ts>, T>...};
    std::size_t found = sizeof...(Ts);
    for (std::size_t i = 0; i < sizeof...(Ts); ++i)
      if (same[i]) found = i;
    return found;
  }

  // The member function with its contexts (by type) and the converted values.
  template <std::size_t I, class... Ctx>
  static decltype(auto) call_member(Owner& owner, values_type<I>& values, JsonText& text, Ctx&... contexts) {
    auto& self = static_cast<typename function_traits<I>::owner&>(owner);
    auto all = std::tuple<JsonText&, Ctx&...>(text, contexts...);
    return [&]<class... Cs>(std::type_identity<std::tuple<Cs...>>) -> decltype(auto) {
      static_assert(((context_index<std::remove_cvref_t<Cs>, JsonText, Ctx...>() <= sizeof...(Ctx)) && ...),
                    "a method takes a call context this server does not pass");
      return std::apply(
          [&](auto&... v) -> decltype(auto) {
            return (self.*method_type<I>::function)(
                std::get<context_index<std::remove_cvref_t<Cs>, JsonText, Ctx...>()>(all)..., v...);
          },
          values);
    }(std::type_identity<typename split<I>::contexts>{});
  }

  // What a method returned, written to `text` (or its fault).
  template <std::size_t I, class Dialect, class R>
  static std::optional<Fault> finish(const Dialect& dialect, JsonText& text, R&& r) {
    using T = std::remove_cvref_t<R>;
    if constexpr (detail::result_traits<T>::is_result) {
      if (!r) {
        if constexpr (std::is_same_v<typename T::error_type, Fault>)
          return r.error();
        else
          return Fault{0, r.error().message()};
      }
      if constexpr (std::is_void_v<typename detail::result_traits<T>::value_type>) {
        if constexpr (!writes_in_place<I>) text.null();
      } else {
        dialect.write(text, std::move(*r));
      }
    } else {
      static_assert(!writes_in_place<I>, "a method that writes its result returns void or rpc::Outcome<void>");
      dialect.write(text, std::forward<R>(r));
    }
    return std::nullopt;
  }

  template <std::size_t I, class Dialect, class... Ctx>
  static std::optional<Fault> invoke_plain(Owner& owner, const MethodInfo& m, const Params& params,
                                           const Dialect& dialect, std::string& out, Ctx&... contexts) {
    values_type<I> values;
    if (Fault f; !bind<I>(m, params, dialect, values, f)) return f;
    const std::size_t start = out.size();
    JsonText text(out, dialect.envelope.json);
    std::optional<Fault> fault;
    try {
      if constexpr (std::is_void_v<typename function_traits<I>::result>) {
        call_member<I>(owner, values, text, contexts...);
        if constexpr (!writes_in_place<I>) text.null();
      } else {
        fault = finish<I>(dialect, text, call_member<I>(owner, values, text, contexts...));
      }
    } catch (...) {
      fault = dialect.fault(std::current_exception());
    }
    if (fault) out.resize(start);
    return fault;
  }

  template <std::size_t I, class Dialect, class... Ctx>
  static asio::awaitable<std::optional<Fault>> invoke_coroutine(Owner& owner, const MethodInfo& m, const Params& params,
                                                                const Dialect& dialect, std::string& out,
                                                                Ctx&... contexts) {
    values_type<I> values;
    Fault bind_fault;
    if (!bind<I>(m, params, dialect, values, bind_fault)) co_return bind_fault;
    const std::size_t start = out.size();
    JsonText text(out, dialect.envelope.json);
    std::optional<Fault> fault;
    try {
      using T = typename detail::is_awaitable<typename function_traits<I>::result>::value_type;
      if constexpr (std::is_void_v<T>) {
        co_await call_member<I>(owner, values, text, contexts...);
        if constexpr (!writes_in_place<I>) text.null();
      } else {
        fault = finish<I>(dialect, text, co_await call_member<I>(owner, values, text, contexts...));
      }
    } catch (...) {
      fault = dialect.fault(std::current_exception());
    }
    if (fault) out.resize(start);
    co_return fault;
  }

  // Plain methods are called through a plain function: a coroutine per method would cost
  // compile time (about 0.15 s each at -O2) and a frame per call.
  template <class Dialect, class... Ctx>
  struct Invokers {
    using Plain = std::optional<Fault> (*)(Owner&, const MethodInfo&, const Params&, const Dialect&, std::string&,
                                           Ctx&...);
    using Coroutine = asio::awaitable<std::optional<Fault>> (*)(Owner&, const MethodInfo&, const Params&,
                                                                const Dialect&, std::string&, Ctx&...);
    template <std::size_t I>
    static constexpr Plain plain_of() {
      if constexpr (is_coroutine<I>)
        return nullptr;
      else
        return &invoke_plain<I, Dialect, Ctx...>;
    }
    template <std::size_t I>
    static constexpr Coroutine coroutine_of() {
      if constexpr (is_coroutine<I>)
        return &invoke_coroutine<I, Dialect, Ctx...>;
      else
        return nullptr;
    }
    template <std::size_t... Is>
    static constexpr std::array<Plain, size> make_plain(std::index_sequence<Is...>) {
      return {plain_of<Is>()...};
    }
    template <std::size_t... Is>
    static constexpr std::array<Coroutine, size> make_coroutine(std::index_sequence<Is...>) {
      return {coroutine_of<Is>()...};
    }
    static constexpr std::array<Plain, size> plain = make_plain(std::make_index_sequence<size>{});
    static constexpr std::array<Coroutine, size> coroutine = make_coroutine(std::make_index_sequence<size>{});
  };

  template <std::size_t I, class Dialect>
  static std::optional<json::value> default_of(std::size_t k, const Dialect& dialect) {
    std::optional<json::value> out;
    [&]<std::size_t... Ks>(std::index_sequence<Ks...>) {
      auto one = [&](auto kc) {
        constexpr std::size_t K = decltype(kc)::value;
        const auto& a = hana::at_c<K>(hana::at_c<I>(table).args);
        if constexpr (!std::remove_cvref_t<decltype(a)>::required) {
          if (K != k) return;
          out = dialect.to_value(std::tuple_element_t<K, values_type<I>>(a.value));
        }
      };
      (one(std::integral_constant<std::size_t, Ks>{}), ...);
      (void)one;
    }
    (std::make_index_sequence<std::tuple_size_v<values_type<I>>>{});
    return out;
  }
  template <class Dialect>
  using Default = std::optional<json::value> (*)(std::size_t, const Dialect&);
  template <class Dialect, std::size_t... Is>
  static constexpr std::array<Default<Dialect>, size> make_defaults(std::index_sequence<Is...>) {
    return {&default_of<Is, Dialect>...};
  }
  template <class Dialect>
  static constexpr std::array<Default<Dialect>, size> defaults =
      make_defaults<Dialect>(std::make_index_sequence<size>{});
};

}  // namespace coinkit::rpc
