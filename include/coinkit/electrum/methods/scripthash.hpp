// The Electrum protocol's script hash methods: get_balance, get_history, get_mempool,
// listunspent, subscribe and unsubscribe, answered from the index in ElectrumX's words and costs.
#pragma once

#include <coinkit/chain/script.hpp>
#include <coinkit/electrum/session.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/method.hpp>

#include <cstdint>
#include <variant>

namespace coinkit::electrum {

// Self: the service (ElectrumService), with index(), history_limit() and script_status().
template <class Self>
class ScriptHashMethods {
 public:
  rpc::Outcome<void> get_balance(Session&, rpc::JsonText& j, const ScriptHash& sh) {
    const auto b = self().index().balance(sh);
    j.raw("{\"confirmed\": ").num(b.confirmed).raw(", \"unconfirmed\": ").num(b.unconfirmed).raw("}");
    return {};
  }

  rpc::Outcome<void> get_history(Session& s, rpc::JsonText& j, const ScriptHash& sh) {
    const std::size_t limit = self().history_limit();
    auto h = self().index().history(sh, limit);
    if (!h) {
      s.cost().bump(0.2 + static_cast<double>(limit) * 0.001);
      return rpc::Fault{code::bad_request, "history too large"};
    }
    std::size_t unconfirmed = 0;
    j.raw("[");
    for (std::size_t i = 0; i < h->size(); ++i) {
      const auto& item = (*h)[i];
      if (i) j.raw(", ");
      j.raw("{\"tx_hash\": ").display_hex(item.txid).raw(", \"height\": ").num(item.height);
      if (item.height <= 0) j.raw(", \"fee\": ").num(item.fee), ++unconfirmed;
      j.raw("}");
    }
    j.raw("]");
    s.cost().bump(0.2 + static_cast<double>(h->size() - unconfirmed) * 0.001 + 0.25 +
                  static_cast<double>(unconfirmed) / 50);
    return {};
  }

  rpc::Outcome<void> get_mempool(Session& s, rpc::JsonText& j, const ScriptHash& sh) {
    const auto h = self().index().mempool_history(sh);
    j.raw("[");
    for (std::size_t i = 0; i < h.size(); ++i) {
      if (i) j.raw(", ");
      j.raw("{\"tx_hash\": ").display_hex(h[i].txid).raw(", \"height\": ").num(h[i].height);
      j.raw(", \"fee\": ").num(h[i].fee).raw("}");
    }
    j.raw("]");
    s.cost().bump(static_cast<double>(h.size()) / 50);
    return {};
  }

  rpc::Outcome<void> listunspent(Session& s, rpc::JsonText& j, const ScriptHash& sh) {
    auto u = self().index().unspent(sh, self().history_limit());
    if (!u) return rpc::Fault{code::bad_request, "history too large"};
    j.raw("[");
    for (std::size_t i = 0; i < u->size(); ++i) {
      const auto& o = (*u)[i];
      if (i) j.raw(", ");
      j.raw("{\"tx_hash\": ").display_hex(o.txid).raw(", \"tx_pos\": ").num(o.vout);
      j.raw(", \"height\": ").num(o.height).raw(", \"value\": ").num(o.value).raw("}");
    }
    j.raw("]");
    s.cost().bump(static_cast<double>(u->size()) / 50);
    return {};
  }

  rpc::Outcome<void> subscribe(Session& s, rpc::JsonText& j, const ScriptHash& sh) {
    auto st = self().script_status(sh);
    if (auto* e = std::get_if<rpc::Fault>(&st)) return std::move(*e);
    const ScriptStatus& ok = std::get<ScriptStatus>(st);
    s.cost().bump(ok.cost);
    s.subscribe(sh, ok);
    if (ok.status)
      j.hex(ok.status->span());
    else
      j.null();
    return {};
  }

  rpc::Outcome<void> unsubscribe(Session& s, rpc::JsonText& j, const ScriptHash& sh) {
    j.boolean(s.unsubscribe(sh));
    return {};
  }

  static constexpr auto rpc_methods() {
    using rpc::arg;
    using M = ScriptHashMethods;
    return rpc::methods(
        rpc::method<&M::get_balance>("blockchain.scripthash.get_balance", rpc::cost(1.0), arg("scripthash")),
        rpc::method<&M::get_history>("blockchain.scripthash.get_history", rpc::no_flags, arg("scripthash")),
        rpc::method<&M::get_mempool>("blockchain.scripthash.get_mempool", rpc::cost(0.25), arg("scripthash")),
        rpc::method<&M::listunspent>("blockchain.scripthash.listunspent", rpc::cost(1.0), arg("scripthash")),
        rpc::method<&M::subscribe>("blockchain.scripthash.subscribe", rpc::no_flags, arg("scripthash")),
        rpc::method<&M::unsubscribe>("blockchain.scripthash.unsubscribe", rpc::since(1, 4, 2) | rpc::cost(0.1),
                                     arg("scripthash")));
  }

 private:
  Self& self() noexcept { return static_cast<Self&>(*this); }
};

}  // namespace coinkit::electrum
