// NodeState's chain: the block tree, the active chain, and connecting and disconnecting blocks.
// Compiled once with COINKIT_SEPARATE_COMPILATION, else inline (see regtest/impl/node.ipp).
#pragma once

#include <coinkit/regtest/detail/node_state.hpp>

namespace coinkit::regtest::detail {

NodeState::NodeState(const ChainParams& params, const Options& options)
    : params_(params),
      opt_(options),
      faucet_(params, ExtPrivKey::from_seed(sha256(as_bytes(options.faucet_seed)).span()), 1, true) {
  const auto target = Target::from_compact(params_.pow_bits);
  if (!target) throw std::invalid_argument("regtest: bad pow_bits");
  target_ = *target;
  work_ = block_work(target_.to_le_bytes());
  // Genesis: stored, connected, never in the block file. Its coinbase is unspendable (Core
  // never adds it to the coin set).
  const Bytes raw = params_.genesis.serialize();
  ParsedBlock pb = parse_block(raw).value();
  BlockEntry& g = add_entry(std::make_shared<const Bytes>(raw), pb, nullptr);
  g.on_active = g.connected_once = true;
  active_.push_back(&g);
  if (!opt_.datadir.empty()) replay(file_.open(opt_.datadir / "blocks.dat"));
}

BlockEntry* NodeState::find(const BlockHash& h) const {
  auto it = blocks_.find(h);
  return it == blocks_.end() ? nullptr : it->second.get();
}

std::int64_t NodeState::subsidy(int height) const {
  const int halvings = height / params_.halving_interval;
  if (halvings >= 64) return 0;
  return (50 * coin_value) >> halvings;
}

std::uint32_t NodeState::median_time_past(const BlockEntry* e) {
  std::uint32_t times[11];
  int n = 0;
  for (; e && n < 11; e = e->parent) times[n++] = e->header.time;
  std::sort(times, times + n);
  return times[n / 2];
}

Hash256 NodeState::pow_hash(const BlockHeader& h) const {
  const Bytes b = h.serialize();
  return params_.pow_hash(b);
}

BlockEntry& NodeState::add_entry(std::shared_ptr<const Bytes> raw, const ParsedBlock& pb, BlockEntry* parent) {
  auto e = std::make_unique<BlockEntry>();
  e->hash = pb.header.hash();
  e->header = pb.header;
  e->parent = parent;
  e->height = parent ? parent->height + 1 : 0;
  e->chainwork = (parent ? parent->chainwork : 0) + work_;
  e->sequence = next_sequence_++;
  e->raw = std::move(raw);
  e->tx_offsets = pb.offsets;
  e->txids.reserve(pb.txs.size());
  for (const Transaction& tx : pb.txs) e->txids.push_back(tx.txid());
  e->size = pb.size, e->stripped_size = pb.stripped_size, e->weight = pb.weight;
  e->mtp = median_time_past(e.get());
  e->invalid = parent && parent->invalid;
  BlockEntry& ref = *e;
  if (parent) parent->children.push_back(&ref);
  blocks_.emplace(ref.hash, std::move(e));
  return ref;
}

BlockStatus NodeState::status(const BlockEntry& e) const noexcept {
  if (e.invalid) return BlockStatus::invalid;
  if (e.on_active) return BlockStatus::active;
  return e.connected_once ? BlockStatus::valid_fork : BlockStatus::valid_headers;
}

BlockInfo NodeState::info(const BlockEntry& e) const {
  BlockInfo i;
  i.hash = e.hash;
  i.header = e.header;
  i.height = e.height;
  i.confirmations = e.on_active ? height() - e.height + 1 : -1;
  if (e.on_active && e.height < height()) i.next_hash = active_[e.height + 1]->hash;
  i.chainwork = e.chainwork;
  i.median_time_past = e.mtp;
  i.status = status(e);
  i.tx_count = e.txids.size();
  i.size = e.size, i.stripped_size = e.stripped_size, i.weight = e.weight;
  i.raw = e.raw;
  return i;
}

void NodeState::recompute_invalid() {
  std::vector<BlockEntry*> all;
  all.reserve(blocks_.size());
  for (auto& [h, e] : blocks_) all.push_back(e.get());
  std::sort(all.begin(), all.end(), [](auto* a, auto* b) { return a->height < b->height; });
  for (BlockEntry* e : all) e->invalid = e->failed_self || (e->parent && e->parent->invalid);
}

BlockEntry* NodeState::best_candidate() const {
  BlockEntry* best = nullptr;
  for (auto& [h, e] : blocks_) {
    if (e->invalid) continue;
    if (!best || e->chainwork > best->chainwork || (e->chainwork == best->chainwork && e->sequence < best->sequence))
      best = e.get();
  }
  return best;
}

std::string NodeState::connect_block(BlockEntry& e, const std::vector<Transaction>& txs, bool verify_scripts) {
  const int spend_height = e.height;
  std::vector<UtxoCoin> undo;
  std::vector<OutPoint> added;
  std::vector<OutPoint> spent;
  std::int64_t fees = 0;
  std::vector<std::int64_t> fee_rates;
  std::string reason;

  auto add_outputs = [&](const Transaction& tx, bool coinbase) {
    for (std::uint32_t n = 0; n < tx.outputs().size(); ++n) {
      const TxOut& out = tx.outputs()[n];
      if (is_unspendable(out.script_pubkey)) continue;
      OutPoint op{tx.txid(), n};
      utxos_.insert_or_assign(op, UtxoCoin{out, spend_height, coinbase});
      added.push_back(op);
    }
  };
  const bool ctor = params_.canonical_tx_order;
  if (ctor)
    for (std::size_t t = 0; t < txs.size(); ++t) add_outputs(txs[t], t == 0);

  for (std::size_t t = 1; t < txs.size() && reason.empty(); ++t) {
    const Transaction& tx = txs[t];
    std::int64_t in_value = 0;
    std::vector<TxOut> spent_outs;
    spent_outs.reserve(tx.inputs().size());
    for (const TxIn& in : tx.inputs()) {
      auto it = utxos_.find(in.prevout);
      if (it == utxos_.end()) {
        reason = "bad-txns-inputs-missingorspent";
        break;
      }
      if (it->second.coinbase && spend_height - it->second.height < params_.coinbase_maturity) {
        reason = "bad-txns-premature-spend-of-coinbase";
        break;
      }
      in_value += it->second.out.value;
      spent_outs.push_back(it->second.out);
      undo.push_back(std::move(it->second));
      spent.push_back(in.prevout);
      utxos_.erase(it);
    }
    if (!reason.empty()) break;
    std::int64_t out_value = 0;
    for (const TxOut& o : tx.outputs()) out_value += o.value;
    if (in_value < out_value) {
      reason = "bad-txns-in-belowout";
      break;
    }
    fees += in_value - out_value;
    fee_rates.push_back((in_value - out_value) * 1000 / static_cast<std::int64_t>(tx.vsize()));
    // A transaction the mempool verified (same wtxid) is not verified again: Core's script cache.
    const auto pooled = mempool_.find(tx.txid());
    if (verify_scripts && (pooled == mempool_.end() || pooled->second.tx.wtxid() != tx.wtxid())) {
      auto check = verify_scripts_of(tx, spent_outs);
      if (check.kind == ScriptCheck::mandatory || check.kind == ScriptCheck::non_mandatory) {
        reason = "mandatory-script-verify-flag-failed (" + check.error + ")";
        break;
      }
      // Templates we cannot run are consensus-valid as far as we know: accepted in blocks.
    }
    if (!ctor) add_outputs(tx, false);
  }
  if (reason.empty()) {
    std::int64_t cb_value = 0;
    for (const TxOut& o : txs[0].outputs()) cb_value += o.value;
    if (cb_value > subsidy(e.height) + fees) reason = "bad-cb-amount";
  }
  if (!reason.empty()) {
    // Roll back: outputs added, then coins spent (in reverse, so intra-block spends return).
    for (const OutPoint& op : added) utxos_.erase(op);
    for (std::size_t k = spent.size(); k-- > 0;) utxos_.insert_or_assign(spent[k], std::move(undo[k]));
    for (const OutPoint& op : added) utxos_.erase(op);
    return reason;
  }
  if (!ctor) add_outputs(txs[0], true);

  // The wallets' view, the txindex, the mempool.
  for (std::size_t k = 0; k < spent.size(); ++k) untrack(spent[k]);
  for (const OutPoint& op : added) {
    auto it = utxos_.find(op);
    if (it != utxos_.end()) track(op, it->second.out.script_pubkey, -2);
  }
  for (std::uint32_t t = 0; t < txs.size(); ++t) txindex_.insert_or_assign(txs[t].txid(), TxPos{&e, t});
  for (std::size_t t = 1; t < txs.size(); ++t) remove_for_block(txs[t]);

  e.undo = std::move(undo);
  e.fee_rates = std::move(fee_rates);
  e.on_active = e.connected_once = true;
  active_.push_back(&e);
  return {};
}

std::vector<Transaction> NodeState::disconnect_tip() {
  BlockEntry& e = *tip();
  BOOST_ASSERT(e.parent);
  std::vector<Transaction> txs = block_transactions(e);
  // Spent coins come back first, then every output of the block goes: this order undoes
  // spends inside the block in either transaction order (topological or CTOR).
  std::size_t k = 0;
  for (std::size_t t = 1; t < txs.size(); ++t) {
    for (const TxIn& in : txs[t].inputs()) {
      UtxoCoin& c = e.undo[k++];
      track(in.prevout, c.out.script_pubkey, -2);
      utxos_.insert_or_assign(in.prevout, std::move(c));
    }
  }
  for (const Transaction& tx : txs) {
    for (std::uint32_t n = 0; n < tx.outputs().size(); ++n) {
      utxos_.erase(OutPoint{tx.txid(), n});
      untrack(OutPoint{tx.txid(), n});
    }
    auto it = txindex_.find(tx.txid());
    if (it != txindex_.end() && it->second.block == &e) txindex_.erase(it);
  }
  e.undo.clear();
  e.undo.shrink_to_fit();
  e.on_active = false;
  active_.pop_back();
  txs.erase(txs.begin());  // the coinbase never returns
  return txs;
}

std::string NodeState::activate_best_chain(const std::vector<Transaction>* mined_txs, BlockEntry* mined) {
  std::string first_failure;
  std::vector<Transaction> returned;
  bool reorganized = false;
  for (;;) {
    BlockEntry* best = best_candidate();
    if (!best || best == tip() || best->chainwork < tip()->chainwork ||
        (best->chainwork == tip()->chainwork && !tip()->invalid))
      break;
    // Fork point.
    BlockEntry* fork = best;
    while (!fork->on_active) fork = fork->parent;
    while (tip() != fork) {
      auto txs = disconnect_tip();
      // Older blocks' transactions go first, as Core's DisconnectedBlockTransactions.
      returned.insert(returned.begin(), std::make_move_iterator(txs.begin()), std::make_move_iterator(txs.end()));
      reorganized = true;
    }
    std::vector<BlockEntry*> path;
    for (BlockEntry* b = best; b != fork; b = b->parent) path.push_back(b);
    bool failed = false;
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
      BlockEntry* b = *it;
      std::string reason;
      if (b == mined && mined_txs) {
        reason = connect_block(*b, *mined_txs, false);
      } else {
        const bool verify = !b->connected_once && (!trusted_replay_ || replay_failed_.contains(b->hash));
        reason = connect_block(*b, block_transactions(*b), verify);
      }
      if (!reason.empty()) {
        if (first_failure.empty()) first_failure = reason;
        mark_failed(*b);
        failed = true;
        break;
      }
    }
    if (!failed) break;
  }
  if (reorganized) rebuild_mempool(std::move(returned));
  return first_failure;
}

}  // namespace coinkit::regtest::detail
