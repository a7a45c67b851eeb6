// ElectrumSource: the ChainSource of a wallet daemon that talks to an Electrum server (coinkit's,
// ElectrumX, Fulcrum) through one shared ElectrumClient, in the protocol's own methods.
#pragma once

#include <coinkit/electrum/electrum_client.hpp>
#include <coinkit/wallet/chain_source.hpp>
#include <coinkit/wallet/verbose_transaction.hpp>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinkit::wallet {

namespace json = boost::json;

class ElectrumSource {
 public:
  ElectrumSource(boost::asio::any_io_executor ex, electrum::ElectrumClientOptions options)
      : client_(std::move(ex), std::move(options)) {}

  electrum::ElectrumClient& client() noexcept { return client_; }

  void listen(ChainEvents events) {
    events_ = std::move(events);
    client_.on_connected = [this] {
      if (events_.reconnected) events_.reconnected();
    };
    client_.on_notification = [this](std::string_view method, json::value& params) { notified(method, params); };
    client_.start();
  }
  void reject(const std::string& why) { client_.drop(why); }
  bool connected() const noexcept { return client_.connected(); }
  void stop() { client_.stop(); }
  std::string describe() const { return "the Electrum server " + client_.server().to_string(); }
  std::string host() const { return client_.server().host; }
  void set_log(std::function<void(const std::string&)> log) { client_.log = std::move(log); }

  Answer<TipHeader> subscribe_headers() {
    auto r = co_await client_.call("blockchain.headers.subscribe", json::array());
    if (!r) co_return r.error();
    auto tip = tip_of(*r);
    if (!tip) co_return malformed("blockchain.headers.subscribe");
    co_return *tip;
  }

  Answer<std::optional<Hash256>> subscribe(const ScriptHash& sh) {
    json::array params{sh.to_hex()};  // (not inline: GCC 12 cannot keep a braced list across co_await)
    auto r = co_await client_.call("blockchain.scripthash.subscribe", std::move(params));
    if (!r) co_return r.error();
    std::optional<std::optional<Hash256>> status = status_of(*r);
    if (!status) co_return malformed("blockchain.scripthash.subscribe");
    co_return *status;
  }

  Answer<std::vector<HistoryItem>> history(const ScriptHash& sh) {
    json::array params{sh.to_hex()};
    auto r = co_await client_.call("blockchain.scripthash.get_history", std::move(params));
    if (!r) co_return r.error();
    std::vector<HistoryItem> out;
    const auto* items = r->if_array();
    if (!items) co_return malformed("blockchain.scripthash.get_history");
    for (const json::value& v : *items) {
      const auto txid = txid_field(v, "tx_hash");
      const auto height = int_field(v, "height");
      if (!txid || !height) co_return malformed("blockchain.scripthash.get_history");
      out.push_back({*txid, static_cast<int>(*height)});
    }
    co_return out;
  }

  Answer<ScriptBalance> balance(const ScriptHash& sh) {
    json::array params{sh.to_hex()};
    auto r = co_await client_.call("blockchain.scripthash.get_balance", std::move(params));
    if (!r) co_return r.error();
    const auto confirmed = int_field(*r, "confirmed"), unconfirmed = int_field(*r, "unconfirmed");
    if (!confirmed || !unconfirmed) co_return malformed("blockchain.scripthash.get_balance");
    co_return ScriptBalance{*confirmed, *unconfirmed};
  }

  Answer<std::vector<ScriptCoin>> unspent(const ScriptHash& sh) {
    json::array params{sh.to_hex()};
    auto r = co_await client_.call("blockchain.scripthash.listunspent", std::move(params));
    if (!r) co_return r.error();
    std::vector<ScriptCoin> out;
    const auto* items = r->if_array();
    if (!items) co_return malformed("blockchain.scripthash.listunspent");
    for (const json::value& v : *items) {
      const auto txid = txid_field(v, "tx_hash");
      const auto pos = int_field(v, "tx_pos"), value = int_field(v, "value"), height = int_field(v, "height");
      if (!txid || !pos || !value || !height) co_return malformed("blockchain.scripthash.listunspent");
      out.push_back({*txid, static_cast<std::uint32_t>(*pos), *value, static_cast<int>(*height)});
    }
    co_return out;
  }

  Answer<Bytes> transaction(const Txid& txid) {
    json::array params{txid.to_hex()};
    auto r = co_await client_.call("blockchain.transaction.get", std::move(params));
    if (!r) co_return r.error();
    auto raw = r->is_string() ? try_from_hex(r->get_string()) : result<Bytes>(core::error::invalid_hex_character);
    if (!raw) co_return malformed("blockchain.transaction.get");
    co_return std::move(*raw);
  }

  // blockchain.transaction.get, verbose: the raw bytes and the node's confirmations.
  Answer<ServerTransaction> transaction_info(const Txid& txid) {
    json::array params{txid.to_hex(), true};
    auto r = co_await client_.call("blockchain.transaction.get", std::move(params));
    if (!r) co_return r.error();
    auto tx = parse_verbose_transaction(std::move(*r));
    if (!tx) co_return malformed("blockchain.transaction.get");
    co_return std::move(*tx);
  }

  // In satoshis per kvB; nullopt when the server has no estimate (-1).
  Answer<std::optional<std::int64_t>> estimate_fee(int blocks) {
    json::array params{blocks};
    auto r = co_await client_.call("blockchain.estimatefee", std::move(params));
    if (!r) co_return r.error();
    if (!r->is_number()) co_return malformed("blockchain.estimatefee");
    const double btc_per_kb = r->to_number<double>();
    if (btc_per_kb < 0) co_return std::optional<std::int64_t>();
    co_return std::optional<std::int64_t>(static_cast<std::int64_t>(btc_per_kb * 1e8 + 0.5));
  }

  Answer<TxProof> proof(const Txid& txid, int height) {
    json::array params{txid.to_hex(), height};
    auto r = co_await client_.call("blockchain.transaction.get_merkle", std::move(params));
    if (!r) co_return r.error();
    const auto* o = r->if_object();
    const auto* merkle = o ? o->if_contains("merkle") : nullptr;
    const auto* pos = o ? o->if_contains("pos") : nullptr;
    if (!merkle || !merkle->is_array() || !pos || !pos->is_int64() || pos->get_int64() < 0)
      co_return malformed("blockchain.transaction.get_merkle");
    TxProof p;
    p.pos = static_cast<std::size_t>(pos->get_int64());
    for (const json::value& h : merkle->get_array()) {
      auto hash =
          h.is_string() ? Hash256::try_from_hex(h.get_string()) : result<Hash256>(core::error::invalid_hex_character);
      if (!hash) co_return malformed("blockchain.transaction.get_merkle");
      p.branch.push_back(*hash);
    }
    co_return p;
  }

  Answer<std::vector<BlockHeader>> headers(std::uint32_t start, std::uint32_t count) {
    json::array params{start, count};
    auto r = co_await client_.call("blockchain.block.headers", std::move(params));
    if (!r) co_return r.error();
    const auto* o = r->if_object();
    const auto* hex = o ? o->if_contains("hex") : nullptr;
    auto raw =
        hex && hex->is_string() ? try_from_hex(hex->get_string()) : result<Bytes>(core::error::invalid_hex_character);
    if (!raw || raw->size() % BlockHeader::serialized_size != 0) co_return malformed("blockchain.block.headers");
    std::vector<BlockHeader> out;
    for (std::size_t at = 0; at < raw->size(); at += BlockHeader::serialized_size)
      out.push_back(*BlockHeader::try_parse(ByteSpan(*raw).subspan(at, BlockHeader::serialized_size)));
    co_return out;
  }

  Answer<Txid> broadcast(const Bytes& raw) {
    json::array params{to_hex(raw)};
    auto r = co_await client_.call("blockchain.transaction.broadcast", std::move(params));
    if (!r) co_return r.error();
    auto txid = r->is_string() ? Txid::try_from_hex(r->get_string()) : result<Txid>(core::error::invalid_hex_character);
    if (!txid) co_return malformed("blockchain.transaction.broadcast");
    co_return *txid;
  }

 private:
  static rpc::Fault malformed(std::string_view what) {
    return rpc::Fault{-1, "the server's answer to " + std::string(what) + " is malformed"};
  }

  // A member of a reply object: an integer, or a txid in hex.
  static std::optional<std::int64_t> int_field(const json::value& v, std::string_view key) {
    const auto* o = v.if_object();
    const auto* f = o ? o->if_contains(key) : nullptr;
    if (!f || !f->is_int64()) return std::nullopt;
    return f->get_int64();
  }
  static std::optional<Txid> txid_field(const json::value& v, std::string_view key) {
    const auto* o = v.if_object();
    const auto* f = o ? o->if_contains(key) : nullptr;
    if (!f || !f->is_string()) return std::nullopt;
    auto txid = Txid::try_from_hex(f->get_string());
    if (!txid) return std::nullopt;
    return *txid;
  }

  static std::optional<TipHeader> tip_of(const boost::json::value& v) {
    const auto* o = v.if_object();
    const auto* height = o ? o->if_contains("height") : nullptr;
    const auto* hex = o ? o->if_contains("hex") : nullptr;
    if (!height || !height->is_int64() || height->get_int64() < 0 || !hex || !hex->is_string()) return std::nullopt;
    auto raw = try_from_hex(hex->get_string());
    if (!raw) return std::nullopt;
    auto header = BlockHeader::try_parse(*raw);
    if (!header) return std::nullopt;
    return TipHeader{static_cast<std::uint32_t>(height->get_int64()), *header};
  }

  // null, or the status's 64 hex digits (not reversed).
  static std::optional<std::optional<Hash256>> status_of(const boost::json::value& v) {
    if (v.is_null()) return std::optional<Hash256>();
    if (!v.is_string()) return std::nullopt;
    auto bytes = try_from_hex(v.get_string());
    if (!bytes || bytes->size() != 32) return std::nullopt;
    return std::optional<Hash256>(*Hash256::from_bytes(*bytes));
  }

  void notified(std::string_view method, boost::json::value& params) {
    auto* list = params.if_array();
    if (!list || list->empty()) return;
    if (method == "blockchain.headers.subscribe") {
      if (auto tip = tip_of(list->at(0)); tip && events_.tip) events_.tip(*tip);
    } else if (method == "blockchain.scripthash.subscribe" && list->size() == 2 && list->at(0).is_string()) {
      auto sh = ScriptHash::try_from_hex(list->at(0).get_string());
      auto status = status_of(list->at(1));
      if (sh && status && events_.status) events_.status(*sh, *status);
    }
  }

  electrum::ElectrumClient client_;
  ChainEvents events_;
};

static_assert(ChainSource<ElectrumSource>);

}  // namespace coinkit::wallet
