// The Electrum protocol's transaction methods: broadcast, broadcast_package and get (through the
// node), get_merkle and id_from_pos (from the index), in ElectrumX's words and costs.
#pragma once

#include <coinkit/chain/hashes.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/electrum/daemon_error.hpp>
#include <coinkit/electrum/methods/headers.hpp>
#include <coinkit/electrum/session.hpp>
#include <coinkit/rpc/electrumx.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/rpc/params.hpp>
#include <coinkit/rpc/python.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace coinkit::electrum {

// Self: the service (ElectrumService), with index() and node_call().
template <class Self>
class TransactionMethods {
 public:
  boost::asio::awaitable<rpc::Outcome<void>> broadcast(Session& s, rpc::JsonText& j, const boost::json::value& raw) {
    // ElectrumX costs the argument by its len(): for a number, a boolean or null that raises,
    // which aiorpcX answers as an internal error.
    if (!raw.is_string() && !raw.is_array() && !raw.is_object())
      co_return rpc::Fault{rpc::internal_error_code, "internal server error"};
    const std::size_t len = raw.is_string()  ? raw.get_string().size()
                            : raw.is_array() ? raw.get_array().size()
                                             : raw.get_object().size();
    s.cost().bump(0.25 + static_cast<double>(len) / 5000);
    auto rejected = [&](std::string_view message) {
      return rpc::Fault{code::bad_request, "the transaction was rejected by network rules.\n\n" + std::string(message) +
                                               "\n[" + rpc::python_str(raw) + "]"};
    };
    // Text that is not hex (or is empty) no node decodes: bitcoind's answer, without asking it.
    if (raw.is_string()) {
      const auto bytes = try_from_hex(raw.get_string());
      if (!bytes || bytes->empty()) co_return rejected("TX decode failed. Make sure the tx has at least one input.");
    }
    auto r = co_await self().node_call(std::string_view("sendrawtransaction"), rpc::params_of(raw), false);
    if (auto* f = std::get_if<typename Self::Failure>(&r)) co_return rejected(daemon_message(f->failure));
    if (auto* e = std::get_if<rpc::Fault>(&r)) co_return std::move(*e);
    s.count_tx_sent();
    j.value(std::get<boost::json::value>(r));
    co_return rpc::Outcome<void>{};
  }

  boost::asio::awaitable<rpc::Outcome<void>> broadcast_package(Session& s, rpc::JsonText& j,
                                                               const boost::json::value& txs,
                                                               const boost::json::value* verbose_arg) {
    const std::optional<bool> verbose = verbose_arg ? rpc::to_boolean(*verbose_arg) : std::optional<bool>(false);
    if (!verbose)
      co_return Self::error_of(code::bad_request, rpc::python_str(*verbose_arg) + " should be a boolean value");
    std::size_t total = 0;
    bool valid = txs.is_array() && !txs.get_array().empty();
    if (valid)
      for (const auto& t : txs.get_array()) {
        valid = valid && t.is_string() && try_from_hex(t.get_string()).has_value();
        if (t.is_string()) total += t.get_string().size();
      }
    s.cost().bump(0.25 + static_cast<double>(total) / 5000);
    if (!valid)
      co_return Self::error_of(code::bad_request,
                               "not a valid hex encoded transaction package: " + rpc::python_str(txs));
    auto r = co_await self().node_call(std::string_view("submitpackage"), rpc::params_of(txs), false);
    if (auto* f = std::get_if<typename Self::Failure>(&r))
      co_return Self::error_of(code::bad_request,
                               "the tx package was rejected by network rules.\n\n" + daemon_message(f->failure));
    if (auto* e = std::get_if<rpc::Fault>(&r)) co_return std::move(*e);
    s.count_tx_sent(txs.get_array().size());
    const boost::json::value& result = std::get<boost::json::value>(r);
    if (*verbose)
      j.value(result);
    else
      package_result(result, j);
    co_return rpc::Outcome<void>{};
  }

  boost::asio::awaitable<rpc::Outcome<void>> get(Session&, rpc::JsonText& j, const Txid& tx_hash, bool verbose) {
    auto r =
        co_await self().node_call(std::string_view("getrawtransaction"), rpc::params_of(tx_hash.to_hex(), verbose));
    if (auto* e = std::get_if<rpc::Fault>(&r)) co_return std::move(*e);
    j.value(std::get<boost::json::value>(r));
    co_return rpc::Outcome<void>{};
  }

  rpc::Outcome<void> get_merkle(Session& s, rpc::JsonText& j, const Txid& tx_hash, std::int64_t height) {
    auto& index = self().index();
    if (height > index.height()) return no_block(height);
    auto proof = index.transaction_proof(tx_hash, static_cast<int>(height));
    if (!proof)
      return rpc::Fault{code::bad_request,
                        "tx " + tx_hash.to_hex() + " not in block at height " + rpc::with_commas(height)};
    s.cost().bump(static_cast<double>(proof->branch.size()) * 0.01);
    j.raw("{\"block_height\": ").num(height).raw(", \"merkle\": ");
    detail::write_branch(j, *proof);
    j.raw(", \"pos\": ").num(static_cast<std::int64_t>(proof->pos)).raw("}");
    return {};
  }

  rpc::Outcome<void> id_from_pos(Session& s, rpc::JsonText& j, std::int64_t height, std::int64_t tx_pos, bool merkle) {
    auto& index = self().index();
    if (height > index.height()) return no_block(height);
    auto found = index.transaction_at(static_cast<int>(height), static_cast<std::size_t>(tx_pos));
    if (!found)
      return rpc::Fault{code::bad_request, "no tx at position " + rpc::with_commas(tx_pos) + " in block at height " +
                                               rpc::with_commas(height)};
    s.cost().bump(static_cast<double>(found->second.branch.size()) * 0.01);
    if (!merkle) {
      j.display_hex(found->first);
      return {};
    }
    j.raw("{\"tx_hash\": ").display_hex(found->first).raw(", \"merkle\": ");
    detail::write_branch(j, found->second);
    j.raw("}");
    return {};
  }

  static constexpr auto rpc_methods() {
    using rpc::arg;
    using M = TransactionMethods;
    return rpc::methods(
        rpc::method<&M::broadcast>("blockchain.transaction.broadcast", rpc::waits, arg("raw_tx")),
        rpc::method<&M::broadcast_package>("blockchain.transaction.broadcast_package", rpc::waits | rpc::since(1, 6),
                                           arg("raw_txs"), arg("verbose", nullptr)),
        rpc::method<&M::get>("blockchain.transaction.get", rpc::waits | rpc::cost(1.0), arg("tx_hash"),
                             arg("verbose", false)),
        rpc::method<&M::get_merkle>("blockchain.transaction.get_merkle", rpc::cost(0.25), arg("tx_hash"),
                                    arg("height")),
        rpc::method<&M::id_from_pos>("blockchain.transaction.id_from_pos", rpc::cost(0.25), arg("height"),
                                     arg("tx_pos"), arg("merkle", false)));
  }

 private:
  Self& self() noexcept { return static_cast<Self&>(*this); }

  rpc::Fault no_block(std::int64_t height) {
    return {code::bad_request, "db error: DBError('block height " + rpc::with_commas(height) + " out of range')"};
  }

  // {"success": bool, "errors"?: [{"txid", "error"}]} from submitpackage's answer. (Not in the
  // coroutine: GCC 12 miscompiles braced JSON initializers in coroutine bodies.)
  static void package_result(const boost::json::value& result, rpc::JsonText& j) {
    namespace json = boost::json;
    json::array errors;
    std::string_view package_msg;
    if (const auto* o = result.if_object()) {
      if (const auto* tr = o->if_contains("tx-results"); tr && tr->is_object())
        for (const auto& kv : tr->get_object())
          if (const auto* tx = kv.value().if_object())
            if (const auto* err = tx->if_contains("error"); err && !err->is_null()) {
              json::object e;
              e["txid"] = tx->contains("txid") ? tx->at("txid") : json::value();
              e["error"] = *err;
              errors.emplace_back(std::move(e));
            }
      const json::value* msg = o->if_contains("package_msg");
      if (!msg) msg = o->if_contains("package-msg");
      if (msg && msg->is_string()) package_msg = msg->get_string();
    }
    j.raw("{\"success\": ").boolean(package_msg == "success");
    if (!errors.empty()) j.raw(", \"errors\": ").value(errors);
    j.raw("}");
  }
};

}  // namespace coinkit::electrum
