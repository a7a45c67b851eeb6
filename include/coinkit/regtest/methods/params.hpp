// How bitcoind's RPC methods read their parameters and fail: ParseHashV, ParseVerbosity, fee
// rates, and an error with bitcoind's code thrown as a NodeException. Shared by the method groups.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/core/amount.hpp>
#include <coinkit/regtest/node_error.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace coinkit::regtest {

namespace json = boost::json;

// Fails the call with bitcoind's `code` and `message`.
[[noreturn]] inline void fail(int code, std::string message) {
  throw NodeException(NodeError(code, std::move(message)));
}

// ParseHashV: 64 hex digits, with bitcoind's messages naming the parameter.
template <class Hash>
Hash parse_hash(std::string_view s, std::string_view name) {
  if (s.size() != 64)
    fail(rpc_error::invalid_parameter, std::string(name) + " must be of length 64 (not " + std::to_string(s.size()) +
                                           ", for '" + std::string(s) + "')");
  auto h = Hash::try_from_hex(s);
  if (!h)
    fail(rpc_error::invalid_parameter,
         std::string(name) + " must be hexadecimal string (not '" + std::string(s) + "')");
  return *h;
}

// ParseVerbosity: a bool (false 0, true 1) or a number; null is `fallback`.
COINKIT_DECL int parse_verbosity(const json::value& v, int fallback);

// An element of an array parameter that must be a string, with bitcoind's type error if not.
COINKIT_DECL std::string_view string_element(const json::value& v);

// A fee rate in BTC/kvB (maxfeerate) as sat/kvB; 1 BTC/kvB and above are refused.
COINKIT_DECL std::int64_t parse_max_fee_rate(Amount a);

// fee_rate in sat/vB (up to 3 decimals) as sat/kvB: the number times 1e8, times 1000 over 1e8.
inline std::int64_t sat_per_kvb_of(Amount a) noexcept { return a.units / 100'000; }

}  // namespace coinkit::regtest

#if COINKIT_HEADER_ONLY
#include <coinkit/regtest/methods/impl/params.ipp>
#endif
