// ElectrumService<Index, Node>: every method of the Electrum protocol 1.4-1.6, answered from
// the index (headers, proofs, histories, balances, unspent outputs, the mempool) and the node
// (broadcasts, raw transactions, fee estimates), with ElectrumX's results, errors and costs.
#pragma once

#include <coinkit/chain/block_header.hpp>
#include <coinkit/chain/hashes.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/coins/network.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/electrum/blocking_pool.hpp>
#include <coinkit/electrum/config.hpp>
#include <coinkit/electrum/json_text.hpp>
#include <coinkit/electrum/params.hpp>
#include <coinkit/electrum/rpc_error.hpp>
#include <coinkit/electrum/service.hpp>
#include <coinkit/electrum/session.hpp>
#include <coinkit/indexer/error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace coinkit::electrum {

namespace detail {

// Python's repr of a str: single quotes unless the text has one and no double quote.
inline std::string python_repr(std::string_view s) {
  const char q = s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == '\\' || c == q)
      out += '\\', out += c;
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else
      out += c;
  }
  return out += q;
}

// ElectrumX's "daemon error: DaemonError({'code': -5, 'message': '...'})" (f'{e!r}').
template <class Failure>
std::string daemon_error_text(const Failure& f) {
  if (f.ec == node::error::rpc_error)
    return "daemon error: DaemonError({'code': " + std::to_string(f.rpc_code) +
           ", 'message': " + python_repr(f.message) + "})";
  return "daemon error: DaemonError(" + python_repr(f.describe()) + ")";
}

// The node's own message, for broadcasts rejected "by network rules".
template <class Failure>
std::string daemon_message(const Failure& f) {
  return f.ec == node::error::rpc_error ? f.message : f.describe();
}

// bitcoind's fee estimation buckets (ElectrumX's bucket_estimatefee_block_target), so clients
// asking for many targets share few cache entries.
inline std::int64_t fee_bucket(std::int64_t n) noexcept {
  if (n <= 1) return 1;
  if (n <= 12) return n;
  if (n == 25) return n;
  if (n <= 48) return n / 2 * 2;
  if (n <= 1008) return n / 24 * 24;
  return 1008;
}

template <class Proof>
void write_branch(JsonText& j, const Proof& p) {
  j.raw("[");
  for (std::size_t i = 0; i < p.branch.size(); ++i) {
    if (i) j.raw(", ");
    j.display_hex(p.branch[i]);
  }
  j.raw("]");
}

}  // namespace detail

// Index: indexer::Index<S> or anything with its query API. Node: node::NodeClient or anything
// with call(method, json::array) -> result<json::value, NodeFailure>.
template <class Index, class Node>
class ElectrumService final : public Service {
 public:
  static constexpr std::int64_t max_chunk = 2016;  // headers per blockchain.block.headers

  ElectrumService(Index& index, Node& node, const ServerConfig& config, const Network& network,
                  std::size_t node_threads = 4)
      : index_(index), node_(node), config_(config), network_(network), pool_(node_threads) {}

  void stop() override { pool_.join(); }

  int height() override { return index_.height(); }
  std::optional<Bytes> header(int height) override { return index_.header(height); }

  std::variant<ScriptStatus, RpcError> script_status(const ScriptHash& sh) override {
    auto h = index_.history(sh, history_limit());
    if (!h) return RpcError{bad_request, "history too large"};
    ScriptStatus st;
    st.status = Index::status_of(*h);
    st.mempool = std::any_of(h->begin(), h->end(), [](const auto& i) { return i.height <= 0; });
    std::size_t text = 0;
    for (const auto& i : *h) text += 64 + 2 + (i.height > 99999 ? 7 : 6);
    st.cost = 0.3 + static_cast<double>(h->size()) * 0.001 + 0.1 + static_cast<double>(text) * 0.00002;
    return st;
  }

  std::optional<RpcError> call(Session& s, const MethodInfo& m, const Params& p, std::string& out) override {
    JsonText j(out);
    switch (m.method) {
      case Method::headers_subscribe: {
        s.cost().bump(0.25);
        s.subscribe_headers();
        TipHeader& tip = s.context().tip;
        if (tip.height < 0 || tip.height > index_.height()) {
          const int h = index_.height();
          auto raw = index_.header(h);
          if (!raw) return RpcError{rpc::internal_error_code, "no block indexed yet"};
          tip.height = h;
          tip.hex = to_hex(*raw);
        }
        j.raw("{\"hex\": \"").raw(tip.hex).raw("\", \"height\": ").num(tip.height).raw("}");
        return std::nullopt;
      }
      case Method::block_header: return block_header(s, p, j);
      case Method::block_headers: return block_headers(s, p, j);
      case Method::scripthash_get_balance: {
        auto sh = to_hash<ScriptHash>(p[0]);
        if (!sh) return not_a_script_hash(p[0]);
        const auto b = index_.balance(*sh);
        s.cost().bump(1.0);
        j.raw("{\"confirmed\": ").num(b.confirmed).raw(", \"unconfirmed\": ").num(b.unconfirmed).raw("}");
        return std::nullopt;
      }
      case Method::scripthash_get_history: {
        auto sh = to_hash<ScriptHash>(p[0]);
        if (!sh) return not_a_script_hash(p[0]);
        auto h = index_.history(*sh, history_limit());
        if (!h) {
          s.cost().bump(0.2 + static_cast<double>(history_limit()) * 0.001);
          return RpcError{bad_request, "history too large"};
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
        return std::nullopt;
      }
      case Method::scripthash_get_mempool: {
        auto sh = to_hash<ScriptHash>(p[0]);
        if (!sh) return not_a_script_hash(p[0]);
        const auto h = index_.mempool_history(*sh);
        j.raw("[");
        for (std::size_t i = 0; i < h.size(); ++i) {
          if (i) j.raw(", ");
          j.raw("{\"tx_hash\": ").display_hex(h[i].txid).raw(", \"height\": ").num(h[i].height);
          j.raw(", \"fee\": ").num(h[i].fee).raw("}");
        }
        j.raw("]");
        s.cost().bump(0.25 + static_cast<double>(h.size()) / 50);
        return std::nullopt;
      }
      case Method::scripthash_listunspent: {
        auto sh = to_hash<ScriptHash>(p[0]);
        if (!sh) return not_a_script_hash(p[0]);
        auto u = index_.unspent(*sh, history_limit());
        if (!u) return RpcError{bad_request, "history too large"};
        j.raw("[");
        for (std::size_t i = 0; i < u->size(); ++i) {
          const auto& o = (*u)[i];
          if (i) j.raw(", ");
          j.raw("{\"tx_hash\": ").display_hex(o.txid).raw(", \"tx_pos\": ").num(o.vout);
          j.raw(", \"height\": ").num(o.height).raw(", \"value\": ").num(o.value).raw("}");
        }
        j.raw("]");
        s.cost().bump(1.0 + static_cast<double>(u->size()) / 50);
        return std::nullopt;
      }
      case Method::scripthash_subscribe: {
        auto sh = to_hash<ScriptHash>(p[0]);
        if (!sh) return not_a_script_hash(p[0]);
        auto st = script_status(*sh);
        if (auto* e = std::get_if<RpcError>(&st)) return *e;
        const ScriptStatus& ok = std::get<ScriptStatus>(st);
        s.cost().bump(ok.cost);
        s.subscribe(*sh, ok);
        if (ok.status)
          j.hex(ok.status->span());
        else
          j.null();
        return std::nullopt;
      }
      case Method::scripthash_unsubscribe: {
        s.cost().bump(0.1);
        auto sh = to_hash<ScriptHash>(p[0]);
        if (!sh) return not_a_script_hash(p[0]);
        j.boolean(s.unsubscribe(*sh));
        return std::nullopt;
      }
      case Method::transaction_get_merkle: return get_merkle(s, p, j);
      case Method::transaction_id_from_pos: return id_from_pos(s, p, j);
      case Method::mempool_get_fee_histogram: {
        s.cost().bump(1.0);
        const auto hist = index_.mempool().fee_histogram();
        j.raw("[");
        for (std::size_t i = 0; i < hist.size(); ++i) {
          if (i) j.raw(", ");
          j.raw("[").real(hist[i].first).raw(", ").num(static_cast<std::int64_t>(hist[i].second)).raw("]");
        }
        j.raw("]");
        return std::nullopt;
      }
      case Method::server_add_peer:
        s.cost().bump(100.0);
        j.boolean(false);  // no peer discovery
        return std::nullopt;
      case Method::server_donation_address:
        s.cost().bump(0.1);
        j.str(config_.donation_address);
        return std::nullopt;
      case Method::server_features: {
        s.cost().bump(0.2);
        features(j);
        return std::nullopt;
      }
      case Method::server_peers_subscribe:
        s.cost().bump(1.0);
        j.raw("[]");
        return std::nullopt;
      case Method::server_ping:
        s.cost().bump(0.1);
        j.null();
        return std::nullopt;
      default: break;
    }
    return RpcError{rpc::internal_error_code, "internal server error"};
  }

  boost::asio::awaitable<std::optional<RpcError>> call_node(Session& s, const MethodInfo& m, const Params& p,
                                                            std::string& out) override {
    namespace json = boost::json;
    switch (m.method) {
      case Method::estimatefee: co_return co_await estimatefee(s, p, out);
      case Method::relayfee: {
        s.cost().bump(1.0);
        auto r = co_await node_call(std::string_view("getnetworkinfo"), {});
        if (auto* e = std::get_if<RpcError>(&r)) co_return *e;
        const json::value& info = std::get<json::value>(r);
        const json::value* fee = info.is_object() ? info.get_object().if_contains("relayfee") : nullptr;
        if (!fee || !fee->is_number()) co_return error_of(daemon_error, "daemon error: getnetworkinfo has no relayfee");
        JsonText(out).real(fee->to_number<double>());
        co_return std::nullopt;
      }
      case Method::mempool_get_info: {
        s.cost().bump(1.0);
        auto r = co_await node_call(std::string_view("getmempoolinfo"), {});
        if (auto* e = std::get_if<RpcError>(&r)) co_return *e;
        const json::value& info = std::get<json::value>(r);
        JsonText j(out);
        j.raw("{");
        bool first = true;
        for (std::string_view k : mempool_info_keys) {
          const json::value* v = info.is_object() ? info.get_object().if_contains(k) : nullptr;
          j.key(k, first).value(v ? *v : json::value());
          first = false;
        }
        j.raw("}");
        co_return std::nullopt;
      }
      case Method::transaction_broadcast: {
        const json::value* raw = p[0];
        const std::size_t len = raw && raw->is_string() ? raw->get_string().size() : 0;
        s.cost().bump(0.25 + static_cast<double>(len) / 5000);
        auto r = co_await node_call(std::string_view("sendrawtransaction"), params_of(*raw), false);
        if (auto* f = std::get_if<Failure>(&r))
          co_return RpcError{bad_request, "the transaction was rejected by network rules.\n\n" +
                                              detail::daemon_message(f->failure) + "\n[" + python_str(*raw) + "]"};
        if (auto* e = std::get_if<RpcError>(&r)) co_return *e;
        s.count_tx_sent();
        JsonText(out).value(std::get<json::value>(r));
        co_return std::nullopt;
      }
      case Method::transaction_broadcast_package: co_return co_await broadcast_package(s, p, out);
      case Method::transaction_get: {
        if (!to_hash<Txid>(p[0])) co_return not_a_tx_hash(p[0]);
        auto verbose = to_boolean(p[1], false);
        if (!verbose) co_return error_of(bad_request, "\"verbose\" must be a boolean");
        s.cost().bump(1.0);
        auto r = co_await node_call(std::string_view("getrawtransaction"), params_of(*p[0], *verbose));
        if (auto* e = std::get_if<RpcError>(&r)) co_return *e;
        JsonText(out).value(std::get<json::value>(r));
        co_return std::nullopt;
      }
      case Method::server_banner: co_return co_await banner(s, out);
      default: break;
    }
    co_return error_of(rpc::internal_error_code, "internal server error");
  }

 private:
  // GCC 12 rejects a string literal initializing an aggregate inside a coroutine ("array used as
  // initializer"): coroutines build their errors through this.
  static RpcError error_of(int code, std::string_view message) { return {code, std::string(message)}; }
  // Likewise an initializer list's array: node call arguments are built here.
  template <class... T>
  static boost::json::array params_of(T&&... v) {
    boost::json::array a;
    (a.emplace_back(std::forward<T>(v)), ...);
    return a;
  }
  static constexpr std::string_view mempool_info_keys[] = {"mempoolminfee", "minrelaytxfee", "incrementalrelayfee"};
  using NodeResultOf = decltype(std::declval<Node&>().call(std::string_view(), boost::json::array()));
  using NodeFailureOf = typename NodeResultOf::error_type;
  struct Failure {
    NodeFailureOf failure;
  };

  std::size_t history_limit() const noexcept { return config_.max_send / 99; }

  // A node call off the I/O thread. A node error becomes DAEMON_ERROR ("daemon error: ..."),
  // or comes back as Failure when `map_errors` is false; REQUEST_TIMEOUT gives SERVER_BUSY.
  // Not a coroutine: GCC 12 corrupts a lambda's init-captures built inside a coroutine.
  using NodeCall = std::variant<boost::json::value, RpcError, Failure>;
  boost::asio::awaitable<NodeCall> node_call(std::string_view name, boost::json::array params, bool map_errors = true) {
    auto task = [&node = node_, method = std::string(name), params = std::move(params)]() {
      return node.call(method, params);
    };
    return node_result(pool_.run(std::move(task), config_.request_timeout), map_errors);
  }
  static boost::asio::awaitable<NodeCall> node_result(boost::asio::awaitable<std::optional<NodeResultOf>> call,
                                                      bool map_errors) {
    auto r = co_await std::move(call);
    if (!r) co_return error_of(server_busy, "server busy - request timed out");
    if (!*r) {
      if (!map_errors) co_return Failure{r->error()};
      co_return RpcError{daemon_error, detail::daemon_error_text(r->error())};
    }
    co_return std::move(**r);
  }

  std::optional<RpcError> block_header(Session& s, const Params& p, JsonText& j) {
    auto height = non_negative_integer(p, 0);
    if (auto* e = std::get_if<RpcError>(&height)) return *e;
    auto cp = non_negative_integer(p, 1, 0);
    if (auto* e = std::get_if<RpcError>(&cp)) return *e;
    const std::int64_t h = std::get<std::int64_t>(height), c = std::get<std::int64_t>(cp);
    auto raw = h <= INT_MAX ? index_.header(static_cast<int>(h)) : std::nullopt;
    if (!raw) return RpcError{bad_request, "height " + with_commas(h) + " out of range"};
    s.cost().bump(c == 0 ? 0.25 : 1.25);
    if (c == 0) {
      j.hex(*raw);
      return std::nullopt;
    }
    auto proof = c <= INT_MAX ? index_.header_proof(static_cast<int>(h), static_cast<int>(c)) : std::nullopt;
    if (!proof) return bad_checkpoint(h, c);
    j.raw("{\"header\": ").hex(*raw).raw(", \"branch\": ");
    detail::write_branch(j, *proof);
    j.raw(", \"root\": ").display_hex(proof->root).raw("}");
    return std::nullopt;
  }

  RpcError bad_checkpoint(std::int64_t height, std::int64_t cp) {
    return {bad_request, "require header height " + with_commas(height) + " <= cp_height " + with_commas(cp) +
                             " <= chain height " + with_commas(index_.height())};
  }

  std::optional<RpcError> block_headers(Session& s, const Params& p, JsonText& j) {
    auto start = non_negative_integer(p, 0);
    if (auto* e = std::get_if<RpcError>(&start)) return *e;
    auto count = non_negative_integer(p, 1);
    if (auto* e = std::get_if<RpcError>(&count)) return *e;
    auto cp = non_negative_integer(p, 2, 0);
    if (auto* e = std::get_if<RpcError>(&cp)) return *e;
    const std::int64_t first = std::get<std::int64_t>(start), c = std::get<std::int64_t>(cp);
    const std::int64_t wanted = std::min(std::get<std::int64_t>(count), max_chunk);
    double cost = static_cast<double>(std::get<std::int64_t>(count)) / 50;
    const Bytes headers =
        first <= INT_MAX ? index_.headers(static_cast<int>(first), static_cast<int>(wanted)) : Bytes{};
    const std::size_t header_size = index_.header_size();
    const std::int64_t n = static_cast<std::int64_t>(headers.size() / header_size);
    std::optional<MerkleProofOf> proof;
    if (n && c) {
      cost += 1.0;
      const std::int64_t last = first + n - 1;
      if (c <= INT_MAX) proof = index_.header_proof(static_cast<int>(last), static_cast<int>(c));
      if (!proof) return bad_checkpoint(last, c);
    }
    s.cost().bump(cost);
    if (s.protocol() >= ProtocolVersion{1, 6}) {
      j.raw("{\"headers\": [");
      for (std::int64_t i = 0; i < n; ++i) {
        if (i) j.raw(", ");
        j.hex(ByteSpan(headers).subspan(static_cast<std::size_t>(i) * header_size, header_size));
      }
      j.raw("]");
    } else {
      j.raw("{\"hex\": ").hex(headers);
    }
    j.raw(", \"count\": ").num(n).raw(", \"max\": ").num(max_chunk);
    if (proof) {
      j.raw(", \"branch\": ");
      detail::write_branch(j, *proof);
      j.raw(", \"root\": ").display_hex(proof->root);
    }
    j.raw("}");
    return std::nullopt;
  }
  using MerkleProofOf = typename decltype(std::declval<Index&>().header_proof(0, 0))::value_type;

  RpcError no_block(std::int64_t height) {
    return {bad_request, "db error: DBError('block height " + with_commas(height) + " out of range')"};
  }

  std::optional<RpcError> get_merkle(Session& s, const Params& p, JsonText& j) {
    auto txid = to_hash<Txid>(p[0]);
    if (!txid) return not_a_tx_hash(p[0]);
    auto height = non_negative_integer(p, 1);
    if (auto* e = std::get_if<RpcError>(&height)) return *e;
    const std::int64_t h = std::get<std::int64_t>(height);
    if (h > index_.height()) return no_block(h);
    auto proof = index_.transaction_proof(*txid, static_cast<int>(h));
    if (!proof) return RpcError{bad_request, "tx " + txid->to_hex() + " not in block at height " + with_commas(h)};
    s.cost().bump(0.25 + static_cast<double>(proof->branch.size()) * 0.01);
    j.raw("{\"block_height\": ").num(h).raw(", \"merkle\": ");
    detail::write_branch(j, *proof);
    j.raw(", \"pos\": ").num(static_cast<std::int64_t>(proof->pos)).raw("}");
    return std::nullopt;
  }

  std::optional<RpcError> id_from_pos(Session& s, const Params& p, JsonText& j) {
    auto height = non_negative_integer(p, 0);
    if (auto* e = std::get_if<RpcError>(&height)) return *e;
    auto pos = non_negative_integer(p, 1);
    if (auto* e = std::get_if<RpcError>(&pos)) return *e;
    auto merkle = to_boolean(p[2], false);
    if (!merkle) return RpcError{bad_request, "\"merkle\" must be a boolean"};
    const std::int64_t h = std::get<std::int64_t>(height), n = std::get<std::int64_t>(pos);
    if (h > index_.height()) return no_block(h);
    auto found = index_.transaction_at(static_cast<int>(h), static_cast<std::size_t>(n));
    if (!found)
      return RpcError{bad_request, "no tx at position " + with_commas(n) + " in block at height " + with_commas(h)};
    s.cost().bump(0.25 + static_cast<double>(found->second.branch.size()) * 0.01);
    if (!*merkle) {
      j.display_hex(found->first);
      return std::nullopt;
    }
    j.raw("{\"tx_hash\": ").display_hex(found->first).raw(", \"merkle\": ");
    detail::write_branch(j, found->second);
    j.raw("}");
    return std::nullopt;
  }

  void features(JsonText& j) {
    j.raw("{\"hosts\": {");
    std::vector<std::string> hosts;
    for (const ServiceAddress& s : config_.report_services)
      if (std::find(hosts.begin(), hosts.end(), s.host) == hosts.end()) hosts.push_back(s.host);
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      if (i) j.raw(", ");
      j.str(hosts[i]).raw(": {");
      bool first = true;
      for (const ServiceAddress& s : config_.report_services)
        if (s.host == hosts[i]) {
          j.key(std::string(to_string(s.protocol)) + "_port", first).num(s.port);
          first = false;
        }
      j.raw("}");
    }
    j.raw("}, \"pruning\": null, \"server_version\": ").str(server_software);
    j.raw(", \"protocol_min\": ")
        .str(protocol_min.to_string())
        .raw(", \"protocol_max\": ")
        .str(protocol_max.to_string());
    j.raw(", \"genesis_hash\": ").display_hex(network_.genesis_hash).raw(", \"hash_function\": \"sha256\"");
    j.raw(", \"services\": [");
    for (std::size_t i = 0; i < config_.report_services.size(); ++i) {
      if (i) j.raw(", ");
      j.str(config_.report_services[i].to_string());
    }
    j.raw("]}");
  }

  boost::asio::awaitable<std::optional<RpcError>> estimatefee(Session& s, const Params& p, std::string& out) {
    namespace json = boost::json;
    auto number = non_negative_integer(p, 0);
    if (auto* e = std::get_if<RpcError>(&number)) co_return *e;
    const json::value* mode = p[1];
    if (mode && !mode->is_null() &&
        !(mode->is_string() && (mode->get_string() == "CONSERVATIVE" || mode->get_string() == "ECONOMICAL")))
      co_return RpcError{bad_request, "unknown estimatefee mode: " + python_str(*mode)};
    s.cost().bump(0.1);
    const std::int64_t target = detail::fee_bucket(std::get<std::int64_t>(number));
    const std::string mode_name = mode && mode->is_string() ? std::string(mode->get_string()) : std::string();
    const int tip_height = index_.height();
    const auto tip = index_.header(tip_height);
    {
      std::lock_guard lock(fee_mutex_);
      auto it = fee_cache_.find({target, mode_name});
      if (it != fee_cache_.end() && tip && it->second.tip == *tip) {
        write_fee(out, it->second.feerate);
        co_return std::nullopt;
      }
    }
    s.cost().bump(2.0);  // a miss asks the node
    json::array params = params_of(target);
    if (!mode_name.empty()) params.emplace_back(mode_name);
    auto r = co_await node_call(std::string_view("estimatesmartfee"), std::move(params));
    if (auto* e = std::get_if<RpcError>(&r)) co_return *e;
    const json::value& v = std::get<json::value>(r);
    const json::value* rate = v.is_object() ? v.get_object().if_contains("feerate") : nullptr;
    const std::optional<double> feerate =
        rate && rate->is_number() ? std::optional(rate->to_number<double>()) : std::nullopt;
    if (tip) {
      std::lock_guard lock(fee_mutex_);
      fee_cache_[{target, mode_name}] = {*tip, feerate};
    }
    write_fee(out, feerate);
    co_return std::nullopt;
  }

  static void write_fee(std::string& out, const std::optional<double>& feerate) {
    if (feerate)
      JsonText(out).real(*feerate);
    else
      out += "-1";  // no estimate: the integer -1, as the protocol says
  }

  boost::asio::awaitable<std::optional<RpcError>> broadcast_package(Session& s, const Params& p, std::string& out) {
    namespace json = boost::json;
    const json::value* txs = p[0];
    auto verbose = to_boolean(p[1], false);
    if (!verbose) co_return RpcError{bad_request, python_str(*p[1]) + " should be a boolean value"};
    std::size_t total = 0;
    bool valid = txs->is_array() && !txs->get_array().empty();
    if (valid)
      for (const auto& t : txs->get_array()) {
        valid = valid && t.is_string() && try_from_hex(t.get_string()).has_value();
        if (t.is_string()) total += t.get_string().size();
      }
    s.cost().bump(0.25 + static_cast<double>(total) / 5000);
    if (!valid) co_return RpcError{bad_request, "not a valid hex encoded transaction package: " + python_str(*txs)};
    auto r = co_await node_call(std::string_view("submitpackage"), params_of(*txs), false);
    if (auto* f = std::get_if<Failure>(&r))
      co_return RpcError{bad_request,
                         "the tx package was rejected by network rules.\n\n" + detail::daemon_message(f->failure)};
    if (auto* e = std::get_if<RpcError>(&r)) co_return *e;
    s.count_tx_sent(txs->get_array().size());
    const json::value& result = std::get<json::value>(r);
    JsonText j(out);
    if (*verbose) {
      j.value(result);
      co_return std::nullopt;
    }
    package_result(result, j);
    co_return std::nullopt;
  }

  // {"success": bool, "errors"?: [{"txid", "error"}]} from submitpackage's answer. (Not in the
  // coroutine: GCC 12 miscompiles braced JSON initializers in coroutine bodies.)
  static void package_result(const boost::json::value& result, JsonText& j) {
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

  boost::asio::awaitable<std::optional<RpcError>> banner(Session& s, std::string& out) {
    namespace json = boost::json;
    s.cost().bump(0.5);
    if (config_.banner.empty()) {
      JsonText(out).str("You are connected to an " + std::string(server_software) + " server.");
      co_return std::nullopt;
    }
    auto r = co_await node_call(std::string_view("getnetworkinfo"), {});
    if (auto* e = std::get_if<RpcError>(&r)) co_return *e;
    const json::value& info = std::get<json::value>(r);
    std::string daemon_version = "unknown", daemon_subversion = "unknown";
    if (const auto* o = info.if_object()) {
      if (const auto* v = o->if_contains("version"); v && v->is_int64()) {
        const std::int64_t n = v->get_int64();
        daemon_version =
            std::to_string(n / 1000000) + "." + std::to_string(n / 10000 % 100) + "." + std::to_string(n % 10000 / 100);
      }
      if (const auto* v = o->if_contains("subversion"); v && v->is_string()) daemon_subversion = v->get_string();
    }
    std::string text = config_.banner;
    auto replace = [&](std::string_view from, const std::string& to) {
      for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    };
    replace("$SERVER_VERSION", std::string(server_software_short));
    replace("$SERVER_SUBVERSION", std::string(server_software));
    replace("$DAEMON_VERSION", daemon_version);
    replace("$DAEMON_SUBVERSION", daemon_subversion);
    replace("$DONATION_ADDRESS", config_.donation_address);
    JsonText(out).str(text);
    co_return std::nullopt;
  }

  struct CachedFee {
    Bytes tip;
    std::optional<double> feerate;
  };

  Index& index_;
  Node& node_;
  const ServerConfig& config_;
  const Network& network_;
  BlockingPool pool_;
  std::mutex fee_mutex_;
  std::map<std::pair<std::int64_t, std::string>, CachedFee> fee_cache_;
};

}  // namespace coinkit::electrum
