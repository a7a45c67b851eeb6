// What a method's C++ signature tells the method table: its leading call contexts, its bound
// parameters and the JSON each takes, and how it returns (a value, a result, an awaitable).
#pragma once

#include <coinkit/core/amount.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/method.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace coinkit::rpc {

// A server marks the types it passes to its methods as leading arguments (its call contexts):
//   template <> struct is_call_context<electrum::Session> : std::true_type {};
template <class T>
struct is_call_context : std::false_type {};
template <>
struct is_call_context<JsonText> : std::true_type {};  // the result, written in place

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

// The JSON a C++ parameter type takes.
template <class T>
constexpr JsonKind json_kind_of() {
  if constexpr (is_optional<T>::value)
    return json_kind_of<typename T::value_type>();
  else if constexpr (std::is_same_v<T, bool>)
    return JsonKind::boolean;
  else if constexpr (std::is_arithmetic_v<T>)
    return JsonKind::number;
  else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view> ||
                     std::is_same_v<T, json::string>)
    return JsonKind::string;
  else if constexpr (std::is_same_v<T, json::array>)
    return JsonKind::array;
  else if constexpr (std::is_same_v<T, json::object>)
    return JsonKind::object;
  else if constexpr (std::is_same_v<T, Amount>)
    return JsonKind::amount;
  else
    return JsonKind::any;
}

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
struct is_awaitable<boost::asio::awaitable<T, E>> : std::true_type {
  using value_type = T;
};

template <class T>
struct result_traits {  // a plain value
  static constexpr bool is_result = false;
};
template <class T, class E>
struct result_traits<boost::system::result<T, E>> {  // Outcome<T> and coinkit::result<T>
  static constexpr bool is_result = true;
  using value_type = T;
};

// Splits a parameter list into its leading call contexts and the bound parameters.
template <class Params, class Contexts = std::tuple<>>
struct split_params {  // no parameters left
  using contexts = Contexts;
  using bound = std::tuple<>;
};
template <class First, class... Rest, class... Cs>
struct split_params<std::tuple<First, Rest...>, std::tuple<Cs...>> {
 private:
  static constexpr bool is_context = is_call_context<std::remove_cvref_t<First>>::value;
  using next = split_params<std::tuple<Rest...>, std::tuple<Cs..., First>>;

 public:
  using contexts = std::conditional_t<is_context, typename next::contexts, std::tuple<Cs...>>;
  using bound = std::conditional_t<is_context, typename next::bound, std::tuple<First, Rest...>>;
};

template <class Tuple>
struct decayed;
template <class... Ts>
struct decayed<std::tuple<Ts...>> {
  using type = std::tuple<std::remove_cvref_t<Ts>...>;
};

template <class Tuple, class T>
struct contains;
template <class... Ts, class T>
struct contains<std::tuple<Ts...>, T> : std::bool_constant<(std::is_same_v<std::remove_cvref_t<Ts>, T> || ...)> {};

}  // namespace detail

}  // namespace coinkit::rpc
