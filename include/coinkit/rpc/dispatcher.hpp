// dispatch: one JSON-RPC request body in, one reply body out, the way Bitcart's daemon answers.
#pragma once

#include <coinkit/rpc/bitcart.hpp>
#include <coinkit/rpc/call_counts.hpp>
#include <coinkit/rpc/envelope.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/method_table.hpp>
#include <coinkit/rpc/reply.hpp>
#include <coinkit/rpc/request.hpp>
#include <coinkit/rpc/spec.hpp>

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace coinkit::rpc {

struct DispatchOptions {
  const Spec* spec = nullptr;    // maps fault messages to codes; without it: the fallbacks
  Bitcart dialect{};             // amount decimals, the TypeError owner prefix
  CallCounts* counts = nullptr;  // counts each call, its outcome and time (for metrics)
};

namespace detail {

inline std::string fault_reply(const json::value& id, const Fault& f, const Spec* spec, int fallback) {
  const int code = f.code != 0 ? f.code : spec ? spec->code_for(f.message, fallback) : fallback;
  return error_reply(id, code, f.message);
}

// Runs the daemon's optional `rpc_prepare(Call&)` hook (load the wallet, wait for sync, ...):
// it may return void, std::optional<Fault>, or an awaitable of either, and may throw.
template <class Derived>
asio::awaitable<std::optional<Fault>> run_prepare(Derived& daemon, const Call& call, const Bitcart& dialect) {
  if constexpr (requires { daemon.rpc_prepare(call); }) {
    try {
      using R = decltype(daemon.rpc_prepare(call));
      if constexpr (is_awaitable<R>::value) {
        if constexpr (std::is_void_v<typename is_awaitable<R>::value_type>)
          co_await daemon.rpc_prepare(call);
        else
          co_return co_await daemon.rpc_prepare(call);
      } else if constexpr (std::is_void_v<R>) {
        daemon.rpc_prepare(call);
      } else {
        co_return daemon.rpc_prepare(call);
      }
    } catch (...) {
      co_return dialect.fault(std::current_exception());
    }
  }
  co_return std::nullopt;
}

}  // namespace detail

// The whole call, in Bitcart's order:
//   body not JSON                 -> -32700 "Parse error", id null (Bitcart: HTTP 500 text page)
//   body not an object (a batch)  -> -32600 "Invalid Request", id null (Bitcart: HTTP 500)
//   params not list/object/null   -> -32602 "Invalid params"
//   no or unknown method          -> -32601 "Procedure not found"
//   xpub neither string nor object-> -32005 (spec lookup), "TypeError: xpub must be ..."
//   requires_wallet, no xpub      -> -32000 "Wallet not loaded"
//   Derived::rpc_prepare fault    -> spec lookup, else -32005 (the wallet failed to load)
//   binding or method fault       -> spec lookup, else -32603
//   success                       -> {"jsonrpc": "2.0", "result": ..., "id": ...}
template <class Derived>
asio::awaitable<std::string> dispatch(Derived& daemon, std::string_view body, DispatchOptions options = {}) {
  using Table = MethodTable<Derived>;
  Request request;
  error_code ec = parse_request(body, request);
  const MethodInfo* method = ec == error::parse_error || ec == error::invalid_request || ec == error::invalid_params
                                 ? nullptr
                                 : Table::find(request.method);
  if (!method && options.counts) options.counts->record_rejected();
  if (ec == error::parse_error) co_return error_reply(nullptr, parse_error_code, "Parse error");
  if (ec == error::invalid_request) co_return error_reply(nullptr, invalid_request_code, "Invalid Request");
  if (ec == error::invalid_params) co_return error_reply(request.id, invalid_params_code, "Invalid params");
  if (!method) co_return error_reply(request.id, method_not_found_code, "Procedure not found");
  CallCounts::Timing timing(options.counts, *method);
  if (ec == error::invalid_xpub)
    co_return detail::fault_reply(request.id, Fault{0, "TypeError: xpub must be a string or an object"}, options.spec,
                                  wallet_load_failed_code);
  if (method->requires_wallet() && !request.wallet.present())
    co_return error_reply(request.id, wallet_not_loaded_code, "Wallet not loaded");
  const Call call{request, *method, options.dialect.amount_decimals};
  if (std::optional<Fault> f = co_await detail::run_prepare(daemon, call, options.dialect))
    co_return detail::fault_reply(request.id, *f, options.spec, wallet_load_failed_code);
  const Params params{{request.args.data(), request.args.size()}, &request.kwargs};
  std::string out;
  envelope::begin_result(out);
  std::optional<Fault> fault;  // (no co_await inside ?: : GCC 12 miscompiles it)
  if (Table::is_coroutine_method(*method))
    fault = co_await Table::call_async(daemon, *method, params, options.dialect, out, call);
  else
    fault = Table::call(daemon, *method, params, options.dialect, out, call);
  if (fault) co_return detail::fault_reply(request.id, *fault, options.spec, internal_error_code);
  envelope::end_result(out, request.id);
  timing.succeeded();
  co_return out;
}

}  // namespace coinkit::rpc
