// The parameter readers of <coinkit/regtest/methods/params.hpp>, compiled once with
// COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/regtest/methods/params.hpp>

#include <coinkit/rpc/bitcoind.hpp>
#include <coinkit/rpc/method.hpp>

#include <span>

namespace coinkit::regtest {

namespace detail {

// The converters name a parameter in their type errors; a value inside an argument has none.
inline const rpc::MethodInfo& unnamed_parameter() {
  static constexpr rpc::ParamInfo param{"value", false};
  static const rpc::MethodInfo m{"", rpc::no_flags, "", {}, {}, 0, std::span<const rpc::ParamInfo>(&param, 1), 0};
  return m;
}

}  // namespace detail

COINKIT_DECL int parse_verbosity(const json::value& v, int fallback) {
  if (v.is_null()) return fallback;
  if (v.is_bool()) return v.get_bool() ? 1 : 0;
  int n = 0;
  if (auto f = rpc::Bitcoind{}.convert(v, n, detail::unnamed_parameter(), 0)) throw rpc::fault_error(*f);
  return n;
}

COINKIT_DECL std::string_view string_element(const json::value& v) {
  std::string_view s;
  if (auto f = rpc::Bitcoind{}.convert(v, s, detail::unnamed_parameter(), 0)) throw rpc::fault_error(*f);
  return s;
}

COINKIT_DECL std::int64_t parse_max_fee_rate(Amount a) {
  if (a.units >= 100'000'000)
    fail(rpc_error::type_error, "Fee rates larger than or equal to 1BTC/kvB are not accepted");
  return a.units;
}

}  // namespace coinkit::regtest
