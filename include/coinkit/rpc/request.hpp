// Request: a parsed JSON-RPC call in Bitcart's extended form (trailing named arguments, xpub).
#pragma once

#include <coinkit/rpc/error.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace coinkit::rpc {

namespace json = boost::json;

// The wallet a call is for, from the named argument `xpub`: either a string (the key text) or
// an object {"xpub": ..., "contract": ..., <extra flags>} such as {"xpub": "...", "diskless": true}.
struct WalletSelector {
  std::string xpub;      // key text; empty when no wallet was named (absent, null or "")
  std::string contract;  // token contract; empty when none
  json::object extra;    // the remaining flags: diskless, quiet_mode, one_time, address, ...

  // Bitcart treats a falsy xpub as "no wallet".
  bool present() const noexcept { return !xpub.empty(); }
  // Bitcart's wallet key: the xpub text, plus "_<contract>" when a contract is given.
  std::string key() const { return contract.empty() ? xpub : xpub + '_' + contract; }
  // A flag of `extra` that is the JSON boolean true (diskless, quiet_mode, one_time).
  bool flag(std::string_view name) const noexcept {
    const json::value* v = extra.if_contains(name);
    return v && v->is_bool() && v->get_bool();
  }
  bool diskless() const noexcept { return flag("diskless"); }
};

struct Request {
  json::value id;       // echoed in the reply; null when absent
  std::string method;   // empty when absent or not a string (answered -32601)
  json::array args;     // positional arguments
  json::object kwargs;  // named arguments, without `xpub`
  WalletSelector wallet;
};

namespace detail {

inline error_code parse_wallet_selector(json::value&& xpub, WalletSelector& out) {
  if (xpub.is_null()) return {};
  if (xpub.is_string()) {
    out.xpub = xpub.get_string();
    return {};
  }
  if (!xpub.is_object()) return error::invalid_xpub;
  // Copied rather than erased: json::object::erase moves the last member into the hole, and
  // the order of `extra` is kept as sent.
  for (auto& member : xpub.get_object()) {
    std::string_view name = member.key();
    if (name != "xpub" && name != "contract") {
      out.extra.emplace(name, std::move(member.value()));
      continue;
    }
    if (member.value().is_string())
      (name == "xpub" ? out.xpub : out.contract) = member.value().get_string();
    else if (!member.value().is_null())
      return error::invalid_xpub;
  }
  return {};
}

}  // namespace detail

// Parses a POST body as Bitcart's daemon does: one JSON object (no batches), "jsonrpc" not
// checked, `id` defaults to null, `params` to []. A list whose last element is an object has that
// object taken as the named arguments; an object is all named. The named `xpub` is taken out.
// On error, `out.id` holds the request's id when the body was an object (for the reply).
inline error_code parse_request(std::string_view body, Request& out) {
  error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec) return error::parse_error;
  if (!doc.is_object()) return error::invalid_request;
  json::object& o = doc.get_object();
  if (json::value* id = o.if_contains("id")) out.id = std::move(*id);
  if (json::value* m = o.if_contains("method"); m && m->is_string()) out.method = m->get_string();
  if (json::value* p = o.if_contains("params")) {
    if (p->is_array()) {
      out.args = std::move(p->get_array());
      if (!out.args.empty() && out.args.back().is_object()) {
        out.kwargs = std::move(out.args.back().get_object());
        out.args.pop_back();
      }
    } else if (p->is_object()) {
      out.kwargs = std::move(p->get_object());
    } else if (!p->is_null()) {
      return error::invalid_params;
    }
  }
  if (json::value* xpub = out.kwargs.if_contains("xpub")) {
    json::value selector = std::move(*xpub);
    json::object rest(out.kwargs.storage());  // order-preserving removal (see above)
    rest.reserve(out.kwargs.size() - 1);
    for (auto& member : out.kwargs)
      if (member.key() != "xpub") rest.emplace(member.key(), std::move(member.value()));
    out.kwargs = std::move(rest);
    return detail::parse_wallet_selector(std::move(selector), out.wallet);
  }
  return {};
}

inline result<Request> try_parse_request(std::string_view body) {
  Request r;
  if (error_code ec = parse_request(body, r)) return ec;
  return r;
}

}  // namespace coinkit::rpc
