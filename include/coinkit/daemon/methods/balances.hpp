// A wallet daemon's balance and history methods: getbalance, getaddressbalance_wallet,
// listunspent, onchain_history and get_tx_status, computed as Electrum 4.3 computes them from
// the wallet's own (SPV-checked) history.
#pragma once

#include <coinkit/core/amount.hpp>
#include <coinkit/daemon/methods/electrum_tx_json.hpp>
#include <coinkit/rpc/bitcart.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/wallet/electron_cash_request.hpp>
#include <coinkit/wallet/electrum_wallet.hpp>
#include <coinkit/wallet/wallet_history.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include <algorithm>
#include <ctime>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace coinkit::daemon {

// Electrum's dates: local time, "YYYY-MM-DD HH:MM" (isoformat(' ') without the seconds).
inline boost::json::value electrum_date(std::optional<std::int64_t> timestamp) {
  if (!timestamp) return nullptr;
  const std::time_t t = static_cast<std::time_t>(*timestamp);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return boost::json::string(buf);
}

// Self: the daemon (wallet(call), local_height()).
template <class Self>
class BalanceMethods {
 public:
  // Electrum leaves zero unconfirmed and unmatured amounts out.
  boost::json::object getbalance(const rpc::Call& call) {
    const auto b = self().wallet(call).balance(self().local_height());
    boost::json::object out{{"confirmed", amount(b.confirmed)}};
    if (b.unconfirmed) out.emplace("unconfirmed", amount(b.unconfirmed));
    if (b.unmatured) out.emplace("unmatured", amount(b.unmatured));
    return out;
  }

  // Bitcart's: all three, for one address of the wallet (zeros for an address that is not).
  boost::json::object getaddressbalance_wallet(const rpc::Call& call, std::string address) {
    auto& w = self().wallet(call);
    wallet::WalletBalance b;
    if (auto slot = w.slot_of(address)) b = w.balance(self().local_height(), *slot);
    return {
        {"confirmed", amount(b.confirmed)}, {"unconfirmed", amount(b.unconfirmed)}, {"unmatured", amount(b.unmatured)}};
  }

  // Unspent coins as PartialTxInput.to_json() with "value", in the wallet's address order.
  boost::json::array listunspent(const rpc::Call& call) {
    auto& w = self().wallet(call);
    auto coins = w.coins();
    std::stable_sort(coins.begin(), coins.end(), [](const auto& a, const auto& b) { return a.slot < b.slot; });
    boost::json::array out;
    for (const wallet::WalletCoin& c : coins) {
      if (c.spent_by) continue;
      out.push_back(boost::json::object{{"prevout_hash", c.outpoint.txid.to_hex()},
                                        {"prevout_n", c.outpoint.index},
                                        {"coinbase", c.coinbase},
                                        {"nsequence", 0xfffffffeu},
                                        {"height", c.height},
                                        {"address", w.address_text(c.slot)},
                                        {"utxo", nullptr},
                                        {"witness_utxo", nullptr},
                                        {"sighash", nullptr},
                                        {"redeem_script", nullptr},
                                        {"witness_script", nullptr},
                                        {"part_sigs", boost::json::object()},
                                        {"bip32_paths", boost::json::object()},
                                        {"unknown_psbt_fields", boost::json::object()},
                                        {"value", amount(c.value)}});
    }
    return out;
  }

  // Electrum's get_detailed_history through json_normalize (keys sorted), without fiat.
  boost::json::object onchain_history(const rpc::Call& call, std::optional<std::int64_t> year, bool show_addresses,
                                      bool show_fiat, std::optional<std::int64_t> from_height,
                                      std::optional<std::int64_t> to_height) {
    (void)show_fiat;  // Electrum shows fiat only with exchange rates configured, which a daemon has not
    if (year && (from_height || to_height))
      throw rpc::fault_error("Exception: timestamp and block height based filtering cannot be used together");
    auto& w = self().wallet(call);
    const int local = self().local_height();
    const auto items = history_entries(w);
    std::optional<std::int64_t> from_ts, to_ts;
    if (year) std::tie(from_ts, to_ts) = year_bounds(*year);
    boost::json::array txs;
    std::int64_t income = 0, outgoing = 0, monotonic = 0;
    const HistoryEntry* first = nullptr;
    const HistoryEntry* last = nullptr;
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    for (const HistoryEntry& it : items) {
      const wallet::WalletTx& t = *it.tx;
      const std::optional<std::int64_t> ts = t.verified ? std::optional<std::int64_t>(t.timestamp) : std::nullopt;
      monotonic = std::max<std::int64_t>(monotonic, ts.value_or(999'999'999'999));
      if (from_ts && ts.value_or(now) < *from_ts) continue;
      if (to_ts && ts.value_or(now) >= *to_ts) continue;
      if (from_height && *from_height > t.height && t.height > 0) continue;
      if (to_height && (t.height >= *to_height || t.height <= 0)) continue;
      const auto& fee = it.fee;
      (it.delta < 0 ? outgoing : income) += it.delta < 0 ? -it.delta : it.delta;
      boost::json::object o{{"bc_balance", sats(it.balance)},
                            {"bc_value", sats(it.delta)},
                            {"confirmations", Self::Wallet::confirmations(t, local)},
                            {"date", electrum_date(ts)},
                            {"fee", fee ? boost::json::value(sats(*fee)) : boost::json::value(nullptr)},
                            {"fee_sat", fee ? boost::json::value(*fee) : boost::json::value(nullptr)},
                            {"height", t.height},
                            {"incoming", it.delta > 0}};
      if (show_addresses) o.emplace("inputs", electrum_inputs_sorted(t.tx, w.network().address));
      o.emplace("label", "");
      o.emplace("monotonic_timestamp", monotonic);
      if (show_addresses) o.emplace("outputs", electrum_outputs_with_addresses(t.tx, w.network().address, decimals()));
      o.emplace("timestamp", ts ? boost::json::value(*ts) : boost::json::value(nullptr));
      o.emplace("txid", t.tx.txid().to_hex());
      o.emplace("txpos_in_block", t.verified ? boost::json::value(t.pos) : boost::json::value(nullptr));
      txs.push_back(std::move(o));
      if (!first) first = &it;
      last = &it;
    }
    boost::json::object summary;
    if (first) {
      auto point = [&](std::int64_t height, std::optional<std::int64_t> ts, std::int64_t bal) {
        return boost::json::object{{"BTC_balance", sats(bal)}, {"block_height", height}, {"date", electrum_date(ts)}};
      };
      auto stamp = [](const wallet::WalletTx& t) {
        return t.verified ? std::optional<std::int64_t>(t.timestamp) : std::nullopt;
      };
      const std::int64_t start_height = from_height || to_height ? from_height.value_or(0) : first->tx->height - 1;
      const std::int64_t end_height = from_height || to_height ? to_height.value_or(0) : last->tx->height;
      summary = {{"begin", point(start_height, from_ts ? from_ts : stamp(*first->tx), first->balance - first->delta)},
                 {"end", point(end_height, to_ts ? to_ts : stamp(*last->tx), last->balance)},
                 {"flow", boost::json::object{{"BTC_incoming", sats(income)}, {"BTC_outgoing", sats(outgoing)}}}};
    }
    return {{"summary", std::move(summary)}, {"transactions", std::move(txs)}};
  }

  // Electron Cash's history (export_history): newest first, amounts as its format_satoshis
  // writes them ("+0.001"), "--" for a fee it cannot know; dates in local time, "unconfirmed"
  // in the mempool. Addresses and fiat are not shown (show_addresses, show_fiat, use_net and
  // timeout are read and left).
  boost::json::array history(const rpc::Call& call, std::int64_t year, bool show_addresses, bool show_fiat,
                             bool use_net, double timeout) {
    (void)show_addresses, (void)show_fiat, (void)use_net, (void)timeout;
    auto& w = self().wallet(call);
    const int local = self().local_height();
    std::optional<std::int64_t> from_ts, to_ts;
    if (year) std::tie(from_ts, to_ts) = year_bounds(year);
    auto ec = [](std::int64_t units, bool is_diff) { return wallet::electron_cash_amount(units, decimals(), is_diff); };
    boost::json::array out;
    const auto items = history_entries(w);
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
      const wallet::WalletTx& t = *it->tx;
      const std::int64_t ts = t.verified ? t.timestamp : 0;
      if ((from_ts && ts < *from_ts) || (to_ts && ts >= *to_ts)) continue;
      boost::json::value date = "unconfirmed";
      if (t.height > 0) date = ts ? electrum_date(ts) : boost::json::value("Unknown");
      out.push_back(boost::json::object{{"txid", t.tx.txid().to_hex()},
                                        {"height", t.height},
                                        {"confirmations", Self::Wallet::confirmations(t, local)},
                                        {"timestamp", ts},
                                        {"date", std::move(date)},
                                        {"label", ""},
                                        {"value", ec(it->delta, true)},
                                        {"fee", it->fee ? boost::json::value(ec(*it->fee, false)) : "--"},
                                        {"balance", ec(it->balance, false)}});
    }
    return out;
  }

  boost::json::object get_tx_status(const rpc::Call& call, std::string txid) {
    auto id = Txid::try_from_hex(txid);
    if (!id) throw rpc::fault_error("Exception: '" + txid + "' is not a txid");
    auto& w = self().wallet(call);
    const wallet::WalletTx* t = w.history().transaction(*id);
    if (!t) throw rpc::fault_error("Exception: Transaction not in wallet.");
    return {{"confirmations", Self::Wallet::confirmations(*t, self().local_height())}};
  }

  static constexpr auto rpc_methods() {
    using S = BalanceMethods;
    auto common = rpc::methods(
        rpc::method<&S::getbalance>("getbalance", rpc::requires_wallet, "Return the balance of your wallet."),
        rpc::method<&S::getaddressbalance_wallet>("getaddressbalance_wallet", rpc::requires_wallet,
                                                  "The balance of one of the wallet's addresses, from its history.",
                                                  rpc::arg("address")),
        rpc::method<&S::listunspent>("listunspent", rpc::requires_wallet,
                                     "List unspent outputs. Returns the list of unspent transaction outputs in your "
                                     "wallet."));
    if constexpr (wallet::is_electron_cash<typename Self::Wallet>) {
      return rpc::combine(
          common, rpc::methods(rpc::method<&S::history>("history", rpc::requires_wallet,
                                                        "Wallet history, newest first.", rpc::arg("year", 0),
                                                        rpc::arg("show_addresses", false), rpc::arg("show_fiat", false),
                                                        rpc::arg("use_net", false), rpc::arg("timeout", 30.0))));
    } else {
      return rpc::combine(
          common,
          rpc::methods(
              rpc::method<&S::onchain_history>("onchain_history", rpc::requires_wallet, "Wallet onchain history.",
                                               rpc::arg("year", std::nullopt), rpc::arg("show_addresses", false),
                                               rpc::arg("show_fiat", false), rpc::arg("from_height", std::nullopt),
                                               rpc::arg("to_height", std::nullopt)),
              rpc::method<&S::get_tx_status>("get_tx_status", rpc::requires_wallet | rpc::requires_network,
                                             "Returns some information regarding the tx. For now, only confirmations.",
                                             rpc::arg("txid"))));
    }
  }

 private:
  Self& self() noexcept { return static_cast<Self&>(*this); }
  static constexpr unsigned decimals() noexcept { return static_cast<unsigned>(Self::Coin::decimals); }
  static std::string amount(std::int64_t units) { return format_amount(units, decimals(), amount_style::decimal); }
  static std::string sats(std::int64_t units) { return format_amount(units, decimals(), amount_style::satoshis); }

  // A transaction of the wallet's history: what it did to the wallet, the balance after it, and
  // its fee when known.
  struct HistoryEntry {
    const wallet::WalletTx* tx;
    std::int64_t delta, balance;
    std::optional<std::int64_t> fee;
  };
  // The wallet's transactions in Electrum's order (get_txpos: mined by height and position, then
  // the mempool's), from its coins in one pass (Electrum's deltas).
  template <class Wallet>
  static std::vector<HistoryEntry> history_entries(const Wallet& w) {
    boost::unordered_flat_map<Txid, std::int64_t, std::hash<Txid>> delta;
    boost::unordered_flat_map<OutPoint, std::int64_t, std::hash<OutPoint>> coin_value;
    for (const wallet::WalletCoin& c : w.coins()) {
      delta[c.outpoint.txid] += c.value;
      if (c.spent_by) delta[*c.spent_by] -= c.value;
      coin_value.emplace(c.outpoint, c.value);
    }
    using Pos = std::pair<std::int64_t, std::int64_t>;
    auto txpos = [](const wallet::WalletTx& t) {
      if (t.height > 0) return Pos(t.height, t.verified ? std::int64_t{t.pos} : -1);
      return Pos(1'000'000'000 - t.height, -1);
    };
    std::vector<std::pair<Pos, HistoryEntry>> sorted;
    for (const auto& [id, d] : delta)
      if (const wallet::WalletTx* t = w.history().transaction(id)) sorted.push_back({txpos(*t), {t, d, 0, {}}});
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<HistoryEntry> out;
    out.reserve(sorted.size());
    std::int64_t balance = 0;
    for (auto& [pos, e] : sorted) {
      balance += e.delta;
      e.balance = balance;
      e.fee = fee_of(e.tx->tx, coin_value);
      out.push_back(e);
    }
    return out;
  }

  // Midnight of January 1st of `year` and of the next, local time (Electrum's year filter).
  static std::pair<std::int64_t, std::int64_t> year_bounds(std::int64_t year) {
    std::tm begin{}, end{};
    begin.tm_year = static_cast<int>(year) - 1900, begin.tm_mday = 1, begin.tm_isdst = -1;
    end = begin, end.tm_year += 1;
    return {std::mktime(&begin), std::mktime(&end)};
  }

  // Electrum's get_tx_fee for a mined transaction: known when every input is the wallet's.
  template <class CoinValues>
  static std::optional<std::int64_t> fee_of(const Transaction& tx, const CoinValues& coin_value) {
    std::int64_t in = 0, out = 0;
    for (const TxIn& input : tx.inputs()) {
      auto it = coin_value.find(input.prevout);
      if (it == coin_value.end()) return std::nullopt;
      in += it->second;
    }
    for (const TxOut& o : tx.outputs()) out += o.value;
    return in - out;
  }
};

}  // namespace coinkit::daemon
