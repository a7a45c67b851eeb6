// NodeState's mempool: Core's transaction checks, acceptance and eviction, and its rebuild after a reorg.
// Compiled once with COINKIT_SEPARATE_COMPILATION, else inline (see regtest/impl/node.ipp).
#pragma once

#include <coinkit/regtest/detail/node_state.hpp>

namespace coinkit::regtest::detail {

std::string NodeState::check_transaction(const Transaction& tx) const {
  if (tx.inputs().empty()) return "bad-txns-vin-empty";
  if (tx.outputs().empty()) return "bad-txns-vout-empty";
  if (tx.stripped_size() * witness_scale_factor > 4'000'000) return "bad-txns-oversize";
  std::int64_t total = 0;
  for (const TxOut& o : tx.outputs()) {
    if (o.value < 0) return "bad-txns-vout-negative";
    if (o.value > max_money) return "bad-txns-vout-toolarge";
    total += o.value;
    if (total > max_money) return "bad-txns-txouttotal-toolarge";
  }
  boost::unordered_flat_set<OutPoint, Hasher> seen;
  for (const TxIn& in : tx.inputs())
    if (!seen.insert(in.prevout).second) return "bad-txns-inputs-duplicate";
  if (tx.is_coinbase()) {
    const std::size_t n = tx.inputs()[0].script_sig.size();
    if (n < 2 || n > 100) return "bad-cb-length";
  } else {
    for (const TxIn& in : tx.inputs())
      if (in.prevout.is_null()) return "bad-txns-prevout-null";
  }
  return {};
}

bool NodeState::is_final(const Transaction& tx, int height, std::uint32_t mtp) {
  if (tx.lock_time() == 0) return true;
  const std::int64_t limit = tx.lock_time() < 500'000'000 ? height : static_cast<std::int64_t>(mtp);
  if (static_cast<std::int64_t>(tx.lock_time()) < limit) return true;
  for (const TxIn& in : tx.inputs())
    if (in.sequence != TxIn::sequence_final) return false;
  return true;
}

ScriptCheck NodeState::verify_scripts_of(const Transaction& tx, std::vector<TxOut> spent) const {
  bool taproot = false;
  for (const TxOut& o : spent) taproot |= classify(o.script_pubkey) == ScriptType::p2tr;
  const PrecomputedTxData pre = taproot ? PrecomputedTxData(tx, spent) : PrecomputedTxData(tx);
  ScriptCheck worst;
  for (std::size_t i = 0; i < tx.inputs().size(); ++i) {
    ScriptCheck c = verify_input(tx, pre, i, spent[i], params_);
    if (c.kind == ScriptCheck::mandatory) return c;
    if (c.kind != ScriptCheck::ok && worst.kind == ScriptCheck::ok) worst = std::move(c);
  }
  return worst;
}

NodeError NodeState::reject(std::string reason, std::string detail) {
  std::string msg = detail.empty() ? reason : reason + ", " + detail;
  return NodeError(rpc_error::verify_rejected, std::move(msg), std::move(reason));
}

NodeResult<AcceptResult> NodeState::accept(const Transaction& tx, const AcceptOptions& o) {
  if (auto r = check_transaction(tx); !r.empty()) return reject(r);
  if (tx.is_coinbase()) return reject("coinbase");
  const std::uint32_t max_version = params_.canonical_tx_order ? 2 : 3;
  if (tx.version() < 1 || tx.version() > max_version) return reject("version");
  if (tx.weight() > max_standard_tx_weight) return reject("tx-size");
  std::size_t op_returns = 0;
  for (const TxIn& in : tx.inputs()) {
    if (in.script_sig.size() > 1650) return reject("scriptsig-size");
    std::vector<ByteSpan> pushes;
    if (!split_pushes(in.script_sig, pushes)) return reject("scriptsig-not-pushonly");
  }
  for (const TxOut& out : tx.outputs()) {
    const ScriptType t = classify(out.script_pubkey);
    if (t == ScriptType::nonstandard) return reject("scriptpubkey");
    if (t == ScriptType::null_data) {
      if (out.script_pubkey.size() > max_op_return_relay) return reject("scriptpubkey");
      ++op_returns;
    } else if (out.value < dust_threshold(out)) {
      return reject("dust");
    }
  }
  if (op_returns > 1) return reject("multi-op-return");
  if (params_.canonical_tx_order) {
    if (tx.size() < 100) return reject("bad-txns-undersize");
  } else if (tx.stripped_size() < 65) {
    return reject("tx-size-small");
  }
  if (!is_final(tx, height() + 1, tip()->mtp)) return reject("non-final");
  if (auto it = mempool_.find(tx.txid()); it != mempool_.end()) {
    if (it->second.tx.wtxid() == tx.wtxid()) return reject("txn-already-in-mempool");
    return reject("txn-same-nonwitness-data-in-mempool");
  }
  // BIP125: mempool transactions that spend the same coins may be replaced if each signals it.
  std::vector<Txid> conflicts;
  for (const TxIn& in : tx.inputs())
    if (auto c = mempool_spends_.find(in.prevout); c != mempool_spends_.end()) {
      if (!signals_rbf(mempool_.find(c->second)->second.tx)) return reject("txn-mempool-conflict");
      if (std::find(conflicts.begin(), conflicts.end(), c->second) == conflicts.end()) conflicts.push_back(c->second);
    }

  // Inputs.
  std::vector<TxOut> spent;
  spent.reserve(tx.inputs().size());
  std::vector<Txid> parents;
  std::int64_t in_value = 0;
  for (const TxIn& in : tx.inputs()) {
    if (auto p = mempool_.find(in.prevout.txid); p != mempool_.end()) {
      if (std::find(conflicts.begin(), conflicts.end(), in.prevout.txid) != conflicts.end())
        return reject("bad-txns-spends-conflicting-tx");
      if (in.prevout.index >= p->second.tx.outputs().size())
        return NodeError(rpc_error::verify_error, "bad-txns-inputs-missingorspent", "bad-txns-inputs-missingorspent");
      spent.push_back(p->second.tx.outputs()[in.prevout.index]);
      if (std::find(parents.begin(), parents.end(), in.prevout.txid) == parents.end())
        parents.push_back(in.prevout.txid);
    } else if (auto u = utxos_.find(in.prevout); u != utxos_.end()) {
      const UtxoCoin& c = u->second;
      const int depth = height() + 1 - c.height;
      if (c.coinbase && depth < params_.coinbase_maturity)
        return reject("bad-txns-premature-spend-of-coinbase",
                      "tried to spend coinbase at depth " + std::to_string(depth));
      spent.push_back(c.out);
    } else {
      for (std::uint32_t n = 0; n < tx.outputs().size(); ++n)
        if (utxos_.contains(OutPoint{tx.txid(), n}))
          return NodeError(rpc_error::verify_already_in_chain, "Transaction outputs already in utxo set",
                           "txn-already-known");
      return NodeError(rpc_error::verify_error, "bad-txns-inputs-missingorspent", "bad-txns-inputs-missingorspent");
    }
    in_value += spent.back().value;
    if (spent.back().value < 0 || in_value > max_money) return reject("bad-txns-inputvalues-outofrange");
  }
  std::int64_t out_value = 0;
  for (const TxOut& out : tx.outputs()) out_value += out.value;
  if (in_value < out_value)
    return reject("bad-txns-in-belowout",
                  "value in (" + format_money(in_value) + ") < value out (" + format_money(out_value) + ")");
  const std::int64_t fee = in_value - out_value;
  const std::size_t vsize = tx.vsize();
  const bool truc = tx.version() == truc_version && !params_.canonical_tx_order;
  if (!o.from_reorg) {
    // Core 28: below the minimum relay fee only a TRUC transaction may enter, and only in a
    // package whose feerate pays for it (the caller checks that one).
    const std::int64_t min_fee = fee_for(opt_.min_relay_fee_sat_per_kvb, vsize);
    if (fee < min_fee && !(truc && o.package_feerates))
      return reject("min relay fee not met", std::to_string(fee) + " < " + std::to_string(min_fee));
  }
  if (o.package_feerates && !conflicts.empty()) return reject("txn-mempool-conflict");  // no package RBF here
  if (!params_.canonical_tx_order)
    if (auto r = check_truc(tx, vsize, parents, conflicts); !r.empty()) return reject("TRUC-violation", r);
  if (o.verify_scripts) {
    ScriptCheck c = verify_scripts_of(tx, spent);
    if (c.kind == ScriptCheck::unsupported) return reject("bad-txns-nonstandard-inputs", c.error);
    if (c.kind == ScriptCheck::non_mandatory) return reject("non-mandatory-script-verify-flag (" + c.error + ")");
    if (c.kind == ScriptCheck::mandatory) return reject("mandatory-script-verify-flag-failed (" + c.error + ")");
  }
  if (!conflicts.empty())
    if (auto r = check_replacement(tx, fee, vsize, conflicts, parents); !r.empty())
      return reject("insufficient fee", r);
  if (o.max_fee_rate > 0 && fee > fee_for(o.max_fee_rate, vsize)) {
    if (o.test_only) return reject("max-fee-exceeded");
    return NodeError(rpc_error::verify_error, "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)",
                     "max-fee-exceeded");
  }
  AcceptResult result{tx.txid(), tx.wtxid(), fee, vsize, conflicts};
  if (o.test_only) return result;

  // Finalize.
  for (const Txid& c : conflicts) erase_with_descendants(c);
  MempoolTx m{tx, fee, vsize, tx.weight(), tx.size(), now(), height(), mempool_seq_++, std::move(parents), {}};
  for (const Txid& p : m.parents) mempool_.find(p)->second.children.push_back(tx.txid());
  for (const TxIn& in : tx.inputs()) mempool_spends_.emplace(in.prevout, tx.txid());
  for (std::uint32_t n = 0; n < tx.outputs().size(); ++n)
    track(OutPoint{tx.txid(), n}, tx.outputs()[n].script_pubkey, -1);
  mempool_order_.emplace(m.sequence, tx.txid());
  mempool_.emplace(tx.txid(), std::move(m));
  return result;
}

std::string NodeState::check_truc(const Transaction& tx, std::size_t vsize, const std::vector<Txid>& parents,
                                  const std::vector<Txid>& conflicts) const {
  auto ids = [](const Transaction& t) { return t.txid().to_hex() + " (wtxid=" + t.wtxid().to_hex() + ")"; };
  const bool truc = tx.version() == truc_version;
  // Core checks every unconfirmed ancestor; the parents suffice, as each of them passed these
  // rules when it entered.
  for (const Txid& p : parents) {
    const Transaction& parent = mempool_.find(p)->second.tx;
    const bool parent_truc = parent.version() == truc_version;
    if (!truc && parent_truc) return "non-version=3 tx " + ids(tx) + " cannot spend from version=3 tx " + ids(parent);
    if (truc && !parent_truc) return "version=3 tx " + ids(tx) + " cannot spend from non-version=3 tx " + ids(parent);
  }
  if (!truc) return {};
  if (vsize > truc_max_vsize)
    return "version=3 tx " + ids(tx) + " is too big: " + std::to_string(vsize) + " > " +
           std::to_string(truc_max_vsize) + " virtual bytes";
  if (parents.empty()) return {};
  const MempoolTx& parent = mempool_.find(parents.front())->second;
  if (parents.size() > 1 || !parent.parents.empty()) return "tx " + ids(tx) + " would have too many ancestors";
  if (vsize > truc_child_max_vsize)
    return "version=3 child tx " + ids(tx) + " is too big: " + std::to_string(vsize) + " > " +
           std::to_string(truc_child_max_vsize) + " virtual bytes";
  // One child per TRUC parent (Core would try to evict a sibling; this node does not).
  const bool replaces_child = std::any_of(parent.children.begin(), parent.children.end(), [&](const Txid& c) {
    return std::find(conflicts.begin(), conflicts.end(), c) != conflicts.end();
  });
  if (!parent.children.empty() && !replaces_child)
    return "tx " + ids(parent.tx) + " would exceed descendant count limit";
  return {};
}

namespace {
// Core's ValidationState::ToString of a package member's failure: reason and detail.
std::string package_error(const NodeError& e) {
  if (e.reject_reason == "max-fee-exceeded") return "max feerate exceeded";
  if (e.code == rpc_error::verify_rejected || e.reject_reason.empty()) return e.message;
  return e.reject_reason;
}
}  // namespace

PackageResult NodeState::accept_package(const std::vector<Transaction>& txs, std::int64_t max_fee_rate) {
  PackageResult out;
  // Core's IsWellFormedPackage: nothing is evaluated when the package fails these.
  auto package_wide = [&](std::string reason) {
    out.package_msg = std::move(reason);
    return out;
  };
  if (txs.size() > max_package_count) return package_wide("package-too-many-transactions");
  std::size_t weight = 0;
  for (const Transaction& tx : txs) weight += tx.weight();
  if (txs.size() > 1 && weight > max_package_weight) return package_wide("package-too-large");
  boost::unordered_flat_set<Txid, Hasher> later;
  for (const Transaction& tx : txs)
    if (!later.insert(tx.txid()).second) return package_wide("package-contains-duplicates");
  for (const Transaction& tx : txs) {
    later.erase(tx.txid());
    for (const TxIn& in : tx.inputs())
      if (later.contains(in.prevout.txid)) return package_wide("package-not-sorted");
  }
  boost::unordered_flat_set<OutPoint, Hasher> spent;
  for (const Transaction& tx : txs)
    for (const TxIn& in : tx.inputs())
      if (!spent.insert(in.prevout).second) return package_wide("conflict-in-package");

  // Core's AcceptPackage: each transaction on its own first; those that failed only on their
  // feerate, or on inputs such a failure left missing, are then judged together.
  out.txs.resize(txs.size());
  AcceptOptions alone;
  alone.max_fee_rate = max_fee_rate;
  bool quit_early = false;
  std::vector<std::size_t> together;
  std::set<Txid> replaced;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    const Transaction& tx = txs[i];
    PackageTxResult& r = out.txs[i];
    r.txid = tx.txid();
    r.wtxid = tx.wtxid();
    if (auto it = mempool_.find(tx.txid()); it != mempool_.end()) {
      if (it->second.tx.wtxid() == tx.wtxid())
        r.fee = it->second.fee, r.vsize = it->second.vsize;
      else
        r.other_wtxid = it->second.tx.wtxid();
      continue;
    }
    auto a = accept(tx, alone);
    if (a) {
      r.fee = a->fee;
      r.vsize = a->vsize;
      r.effective_fee_rate_sat_per_kvb = a->fee * 1000 / static_cast<std::int64_t>(a->vsize);
      r.effective_includes = {tx.wtxid()};
      replaced.insert(a->replaced.begin(), a->replaced.end());
      continue;
    }
    r.error = package_error(a.error());
    const bool feerate_only = tx.version() == truc_version && !params_.canonical_tx_order &&
                              a.error().reject_reason == "min relay fee not met";
    const bool missing_inputs = a.error().reject_reason == "bad-txns-inputs-missingorspent";
    if (txs.size() == 1 || !(feerate_only || missing_inputs))
      quit_early = true;
    else
      together.push_back(i);
  }
  bool failed = quit_early;
  if (!quit_early && !together.empty()) {
    AcceptOptions package = alone;
    package.package_feerates = true;
    std::vector<Txid> added;
    std::int64_t fees = 0;
    std::size_t vsize = 0;
    for (std::size_t i : together) {
      auto a = accept(txs[i], package);
      if (!a) {
        out.txs[i].error = package_error(a.error());
        failed = true;
        break;
      }
      added.push_back(a->txid);
      fees += a->fee;
      vsize += a->vsize;
      out.txs[i].fee = a->fee;
      out.txs[i].vsize = a->vsize;
    }
    const std::int64_t min_fee = fee_for(opt_.min_relay_fee_sat_per_kvb, vsize);
    if (!failed && fees < min_fee) {
      out.txs[together.back()].error =
          "min relay fee not met, " + std::to_string(fees) + " < " + std::to_string(min_fee);
      failed = true;
    }
    if (failed) {
      for (auto t = added.rbegin(); t != added.rend(); ++t) erase_from_mempool(*t, false);
    } else {
      std::vector<Wtxid> includes;
      for (std::size_t i : together) includes.push_back(txs[i].wtxid());
      for (std::size_t i : together) {
        out.txs[i].error.reset();
        out.txs[i].effective_fee_rate_sat_per_kvb = fees * 1000 / static_cast<std::int64_t>(vsize);
        out.txs[i].effective_includes = includes;
      }
    }
  }
  out.package_msg = failed ? "transaction failed" : "success";
  out.replaced.assign(replaced.begin(), replaced.end());
  return out;
}

namespace {
// Core's CFeeRate::ToString: "0.00002000 BTC/kvB".
std::string fee_rate_text(std::int64_t fee, std::size_t vsize) {
  const std::int64_t per_kvb = fee * 1000 / static_cast<std::int64_t>(vsize);
  std::string frac = std::to_string(per_kvb % 100'000'000);
  frac.insert(0, 8 - frac.size(), '0');
  return std::to_string(per_kvb / 100'000'000) + "." + frac + " BTC/kvB";
}
}  // namespace

bool NodeState::signals_rbf(const Transaction& tx) {
  return std::any_of(tx.inputs().begin(), tx.inputs().end(), [](const TxIn& in) { return in.sequence < 0xfffffffe; });
}

// BIP125's rules 2 to 5 and Core's feerate rule, with Core's messages; empty when `tx` may
// replace `conflicts` and their descendants.
std::string NodeState::check_replacement(const Transaction& tx, std::int64_t fee, std::size_t vsize,
                                         const std::vector<Txid>& conflicts, const std::vector<Txid>& parents) const {
  const std::string id = tx.txid().to_hex();
  // Core's feerate rule: above each transaction it replaces directly.
  for (const Txid& c : conflicts) {
    const MempoolTx& m = mempool_.find(c)->second;
    if (static_cast<long double>(fee) * static_cast<long double>(m.vsize) <=
        static_cast<long double>(m.fee) * static_cast<long double>(vsize))
      return "rejecting replacement " + id + "; new feerate " + fee_rate_text(fee, vsize) + " <= old feerate " +
             fee_rate_text(m.fee, m.vsize);
  }
  // Rule 2: no unconfirmed input the replaced transactions did not have.
  boost::unordered_flat_set<Txid, Hasher> replaced_parents;
  for (const Txid& c : conflicts)
    for (const TxIn& in : mempool_.find(c)->second.tx.inputs()) replaced_parents.insert(in.prevout.txid);
  for (const Txid& p : parents)
    if (!replaced_parents.contains(p)) return "replacement-adds-unconfirmed";
  // Rules 3 to 5 over everything evicted: the conflicts and their descendants.
  boost::unordered_flat_set<Txid, Hasher> evicted;
  std::vector<Txid> stack = conflicts;
  std::int64_t evicted_fees = 0;
  while (!stack.empty()) {
    const Txid t = stack.back();
    stack.pop_back();
    auto it = mempool_.find(t);
    if (it == mempool_.end() || !evicted.insert(t).second) continue;
    evicted_fees += it->second.fee;
    for (const Txid& c : it->second.children) stack.push_back(c);
  }
  if (evicted.size() > 100) return "rejecting replacement " + id + "; too many potential replacements";
  if (fee < evicted_fees)
    return "rejecting replacement " + id + ", less fees than conflicting txs; " + format_money(fee) + " < " +
           format_money(evicted_fees);
  const std::int64_t relay = fee_for(opt_.incremental_relay_fee_sat_per_kvb, vsize);
  if (fee - evicted_fees < relay)
    return "rejecting replacement " + id + ", not enough additional fees to relay; " +
           format_money(fee - evicted_fees) + " < " + format_money(relay);
  return {};
}

void NodeState::erase_from_mempool(const Txid& txid, bool confirmed) {
  auto it = mempool_.find(txid);
  if (it == mempool_.end()) return;
  MempoolTx& m = it->second;
  for (const TxIn& in : m.tx.inputs()) mempool_spends_.erase(in.prevout);
  for (const Txid& p : m.parents) {
    auto pit = mempool_.find(p);
    if (pit != mempool_.end()) std::erase(pit->second.children, txid);
  }
  for (const Txid& c : m.children) {
    auto cit = mempool_.find(c);
    if (cit != mempool_.end()) std::erase(cit->second.parents, txid);
  }
  if (!confirmed)
    for (std::uint32_t n = 0; n < m.tx.outputs().size(); ++n) untrack(OutPoint{txid, n});
  mempool_order_.erase(m.sequence);
  mempool_.erase(it);
}

void NodeState::erase_with_descendants(const Txid& txid) {
  std::vector<Txid> stack{txid};
  std::vector<Txid> order;
  boost::unordered_flat_set<Txid, Hasher> seen;
  while (!stack.empty()) {
    Txid t = stack.back();
    stack.pop_back();
    if (!seen.insert(t).second) continue;
    auto it = mempool_.find(t);
    if (it == mempool_.end()) continue;
    order.push_back(t);
    for (const Txid& c : it->second.children) stack.push_back(c);
  }
  for (const Txid& t : order) erase_from_mempool(t, false);
}

void NodeState::remove_for_block(const Transaction& tx) {
  if (mempool_.contains(tx.txid())) {
    erase_from_mempool(tx.txid(), true);
    return;
  }
  for (const TxIn& in : tx.inputs()) {
    auto it = mempool_spends_.find(in.prevout);
    if (it != mempool_spends_.end()) erase_with_descendants(it->second);
  }
}

// Transactions ordered parents first: a disconnected block under a canonical order (Bitcoin
// Cash's CTOR) may hold a child before its parent, which would then not be accepted.
inline std::vector<Transaction> parents_first(std::vector<Transaction> txs) {
  boost::unordered_flat_map<Txid, std::size_t, Hasher> index;
  for (std::size_t i = 0; i < txs.size(); ++i) index.emplace(txs[i].txid(), i);
  std::vector<std::uint8_t> state(txs.size(), 0);  // 0 unvisited, 1 on the path, 2 placed
  std::vector<Transaction> out;
  out.reserve(txs.size());
  auto visit = [&](auto& self, std::size_t i) -> void {
    if (state[i]) return;
    state[i] = 1;
    for (const TxIn& in : txs[i].inputs())
      if (auto it = index.find(in.prevout.txid); it != index.end()) self(self, it->second);
    state[i] = 2;
    out.push_back(std::move(txs[i]));
  };
  for (std::size_t i = 0; i < txs.size(); ++i) visit(visit, i);
  return out;
}

void NodeState::rebuild_mempool(std::vector<Transaction> returned) {
  std::vector<Transaction> old;
  old.reserve(mempool_.size());
  for (auto& [seq, txid] : mempool_order_) old.push_back(std::move(mempool_.find(txid)->second.tx));
  std::vector<std::int64_t> times;
  mempool_.clear();
  mempool_spends_.clear();
  mempool_order_.clear();
  for_each_wallet(
      [](WalletState& w) { boost::unordered::erase_if(w.owned, [](const auto& kv) { return kv.second == -1; }); });
  AcceptOptions o;
  o.verify_scripts = false;  // every one of them was verified when it first entered
  o.from_reorg = true;
  for (const Transaction& tx : parents_first(std::move(returned))) (void)accept(tx, o);
  // The old mempool keeps no fee floor either: each entered once, a TRUC parent below the
  // minimum relay fee with the child that paid for it (a package), and comes back before it.
  for (const Transaction& tx : old) (void)accept(tx, o);
}

MempoolEntryInfo NodeState::entry_info(const MempoolTx& m) const {
  MempoolEntryInfo i;
  i.txid = m.tx.txid();
  i.wtxid = m.tx.wtxid();
  i.fee = m.fee;
  i.vsize = m.vsize;
  i.weight = m.weight;
  i.time = m.time;
  i.height = m.height;
  i.depends = m.parents;
  i.spent_by = m.children;
  auto walk = [&](bool up, std::size_t& count, std::size_t& size, std::int64_t& fees) {
    boost::unordered_flat_set<Txid, Hasher> seen;
    std::vector<const MempoolTx*> stack{&m};
    while (!stack.empty()) {
      const MempoolTx* x = stack.back();
      stack.pop_back();
      if (!seen.insert(x->tx.txid()).second) continue;
      ++count, size += x->vsize, fees += x->fee;
      for (const Txid& t : up ? x->parents : x->children) {
        auto it = mempool_.find(t);
        if (it != mempool_.end()) stack.push_back(&it->second);
      }
    }
  };
  walk(true, i.ancestor_count, i.ancestor_size, i.ancestor_fees);
  walk(false, i.descendant_count, i.descendant_size, i.descendant_fees);
  return i;
}

}  // namespace coinkit::regtest::detail
