// The bodies of <coinkit/regtest/methods/mempool.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/regtest/methods/mempool.hpp>

#include <coinkit/chain/script.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/rpc/bitcoind.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace coinkit::regtest {

bool MempoolMethods::signals_rbf(const Txid& txid, std::set<Txid>& seen) const {
  if (!seen.insert(txid).second) return false;
  const auto found = node_.transaction(txid);
  if (!found || found->block_hash) return false;
  for (const TxIn& in : found->tx.inputs()) {
    if (in.sequence < 0xfffffffe) return true;
    if (signals_rbf(in.prevout.txid, seen)) return true;
  }
  return false;
}

json::object MempoolMethods::mempool_entry_json(const MempoolEntryInfo& e) const {
  json::object o(14);
  o["vsize"] = e.vsize;
  o["weight"] = e.weight;
  o["time"] = e.time;
  o["height"] = e.height;
  o["descendantcount"] = e.descendant_count;
  o["descendantsize"] = e.descendant_size;
  o["ancestorcount"] = e.ancestor_count;
  o["ancestorsize"] = e.ancestor_size;
  o["wtxid"] = e.wtxid.to_hex();
  o["fees"] = json::object{{"base", rpc::amount_value(e.fee)},
                           {"modified", rpc::amount_value(e.fee)},
                           {"ancestor", rpc::amount_value(e.ancestor_fees)},
                           {"descendant", rpc::amount_value(e.descendant_fees)}};
  json::array depends, spent_by;
  for (const Txid& t : e.depends) depends.emplace_back(t.to_hex());
  for (const Txid& t : e.spent_by) spent_by.emplace_back(t.to_hex());
  o["depends"] = std::move(depends);
  o["spentby"] = std::move(spent_by);
  std::set<Txid> seen;
  o["bip125-replaceable"] = signals_rbf(e.txid, seen);
  o["unbroadcast"] = false;
  return o;
}

json::value MempoolMethods::getrawmempool(bool verbose, bool mempool_sequence) {
  if (mempool_sequence) {
    if (verbose) fail(rpc_error::invalid_parameter, "Verbose results cannot contain mempool sequence values.");
    fail(rpc_error::invalid_parameter, "mempool_sequence is not supported by this node");
  }
  if (!verbose) {
    json::array out;
    for (const Txid& t : node_.mempool_txids()) out.emplace_back(t.to_hex());
    return out;
  }
  json::object out;
  for (const MempoolEntryInfo& e : node_.mempool_entries()) out[e.txid.to_hex()] = mempool_entry_json(e);
  return out;
}

json::value MempoolMethods::getmempoolinfo() {
  const MempoolInfo m = node_.mempool_info();
  json::object o;
  o["loaded"] = true;
  o["size"] = m.size;
  o["bytes"] = m.bytes;
  o["usage"] = m.usage;
  o["total_fee"] = rpc::amount_value(m.total_fee);
  o["maxmempool"] = 300'000'000;
  o["mempoolminfee"] = rpc::amount_value(m.min_relay_fee_sat_per_kvb);
  o["minrelaytxfee"] = rpc::amount_value(m.min_relay_fee_sat_per_kvb);
  o["incrementalrelayfee"] = rpc::amount_value(1000);
  o["unbroadcastcount"] = 0;
  o["fullrbf"] = true;
  return o;
}

json::value MempoolMethods::sendrawtransaction(std::string_view hexstring, std::optional<Amount> maxfeerate,
                                               std::optional<Amount> maxburnamount) {
  auto raw = try_from_hex(hexstring);
  if (!raw) fail(rpc_error::deserialization_error, std::string(tx_decode_failed));
  const std::int64_t max_fee_rate =
      maxfeerate ? parse_max_fee_rate(*maxfeerate) : node_.options().max_fee_rate_sat_per_kvb;
  const std::int64_t max_burn = maxburnamount ? maxburnamount->units : 0;
  if (auto tx = Transaction::try_parse(*raw))
    for (const TxOut& out : tx->outputs())
      if (is_unspendable(out.script_pubkey) && out.value > max_burn)
        fail(rpc_error::verify_error, "Unspendable output exceeds maximum configured by user (maxburnamount)");
  return json::value(node_.send_raw_transaction(*raw, max_fee_rate).value().txid.to_hex());
}

json::value MempoolMethods::submitpackage(const json::array& package, std::optional<Amount> maxfeerate,
                                          std::optional<Amount> maxburnamount) {
  if (package.empty() || package.size() > 25)
    fail(rpc_error::invalid_parameter, "Array must contain between 1 and 25 transactions.");
  const std::int64_t max_fee_rate =
      maxfeerate ? parse_max_fee_rate(*maxfeerate) : node_.options().max_fee_rate_sat_per_kvb;
  const std::int64_t max_burn = maxburnamount ? maxburnamount->units : 0;
  std::vector<Transaction> txs;
  for (const json::value& v : package) {
    const std::string_view s = string_element(v);
    auto raw = try_from_hex(s);
    std::optional<Transaction> tx;
    if (raw)
      if (auto parsed = Transaction::try_parse(*raw)) tx = std::move(*parsed);
    if (!tx)
      fail(rpc_error::deserialization_error,
           "TX decode failed: " + std::string(s) + " Make sure the tx has at least one input.");
    for (const TxOut& out : tx->outputs())
      if (is_unspendable(out.script_pubkey) && out.value > max_burn)
        fail(rpc_error::verify_error, "Unspendable output exceeds maximum configured by user (maxburnamount)");
    txs.push_back(std::move(*tx));
  }
  const PackageResult r = node_.submit_package(txs, max_fee_rate).value();
  json::object results;
  for (const PackageTxResult& t : r.txs) {
    json::object o;
    o["txid"] = t.txid.to_hex();
    if (t.other_wtxid) {
      o["other-wtxid"] = t.other_wtxid->to_hex();
    } else if (t.error) {
      o["error"] = *t.error;
    } else {
      o["vsize"] = t.vsize;
      json::object fees;
      fees["base"] = rpc::amount_value(t.fee);
      if (t.effective_fee_rate_sat_per_kvb) {
        fees["effective-feerate"] = rpc::amount_value(*t.effective_fee_rate_sat_per_kvb);
        json::array includes;
        for (const Wtxid& w : t.effective_includes) includes.emplace_back(w.to_hex());
        fees["effective-includes"] = std::move(includes);
      }
      o["fees"] = std::move(fees);
    }
    results[t.wtxid.to_hex()] = std::move(o);
  }
  json::array replaced;
  for (const Txid& t : r.replaced) replaced.emplace_back(t.to_hex());
  json::object out;
  out["package_msg"] = r.package_msg;
  out["tx-results"] = std::move(results);
  out["replaced-transactions"] = std::move(replaced);
  return out;
}

json::value MempoolMethods::testmempoolaccept(const json::array& rawtxs, std::optional<Amount> maxfeerate) {
  if (rawtxs.empty() || rawtxs.size() > 25)
    fail(rpc_error::invalid_parameter, "Array must contain between 1 and 25 transactions.");
  const std::int64_t max_fee_rate =
      maxfeerate ? parse_max_fee_rate(*maxfeerate) : node_.options().max_fee_rate_sat_per_kvb;
  std::vector<Bytes> txs;
  for (const json::value& v : rawtxs) {
    const std::string_view s = string_element(v);
    auto raw = try_from_hex(s);
    if (!raw || !Transaction::try_parse(*raw))
      fail(rpc_error::deserialization_error,
           "TX decode failed: " + std::string(s) + " Make sure the tx has at least one input.");
    txs.push_back(std::move(*raw));
  }
  json::array out;
  for (const Bytes& raw : txs) {
    const TestAcceptResult r = node_.test_mempool_accept(raw, max_fee_rate).value();
    json::object o;
    o["txid"] = r.txid.to_hex();
    o["wtxid"] = r.wtxid.to_hex();
    o["allowed"] = r.allowed;
    if (r.allowed) {
      o["vsize"] = r.vsize;
      const std::int64_t rate = r.vsize ? r.fee * 1000 / static_cast<std::int64_t>(r.vsize) : 0;
      o["fees"] = json::object{{"base", rpc::amount_value(r.fee)},
                               {"effective-feerate", rpc::amount_value(rate)},
                               {"effective-includes", json::array{r.wtxid.to_hex()}}};
    } else {
      o["reject-reason"] = r.error.reject_reason.empty() ? r.error.message : r.error.reject_reason;
      o["reject-details"] = r.error.message;
    }
    out.emplace_back(std::move(o));
  }
  return out;
}

json::value MempoolMethods::estimatesmartfee(std::int64_t conf_target, std::optional<std::string_view> estimate_mode) {
  if (conf_target < 1 || conf_target > 1008)
    fail(rpc_error::invalid_parameter, "Invalid conf_target, must be between 1 and 1008");
  if (estimate_mode) {
    std::string mode(*estimate_mode);
    for (char& c : mode) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (mode != "unset" && mode != "economical" && mode != "conservative")
      fail(rpc_error::invalid_parameter,
           "Invalid estimate_mode parameter, must be one of: \"unset\", \"economical\", \"conservative\"");
  }
  const auto rate = node_.estimate_fee_sat_per_kvb(static_cast<int>(conf_target));
  if (!rate) return json::object{{"errors", json::array{"Insufficient data or no feerate found"}}, {"blocks", 0}};
  const std::int64_t floor = node_.mempool_info().min_relay_fee_sat_per_kvb;
  return json::object{{"feerate", rpc::amount_value(std::max(*rate, floor))},
                      {"blocks", std::max<std::int64_t>(2, conf_target)}};
}

}  // namespace coinkit::regtest
