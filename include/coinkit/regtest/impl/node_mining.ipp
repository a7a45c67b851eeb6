// NodeState's miner: block templates from the mempool, the proof-of-work grind, bulk generation.
// Compiled once with COINKIT_SEPARATE_COMPILATION, else inline (see regtest/impl/node.ipp).
#pragma once

#include <coinkit/regtest/detail/node_state.hpp>

namespace coinkit::regtest::detail {

std::vector<const MempoolTx*> NodeState::select_transactions() const {
  std::vector<const MempoolTx*> cands;
  cands.reserve(mempool_.size());
  for (auto& [seq, txid] : mempool_order_) cands.push_back(&mempool_.find(txid)->second);
  std::stable_sort(cands.begin(), cands.end(), [](const MempoolTx* a, const MempoolTx* b) {
    return a->fee * static_cast<std::int64_t>(b->vsize) > b->fee * static_cast<std::int64_t>(a->vsize);
  });
  const std::size_t budget =
      (params_.segwit ? opt_.max_block_weight : opt_.max_block_size * witness_scale_factor) - coinbase_weight_reserve;
  std::size_t used = 0;
  boost::unordered_flat_set<Txid, Hasher> included;
  std::vector<const MempoolTx*> out;
  std::vector<const MempoolTx*> package, stack;
  int failures = 0;
  boost::unordered_flat_set<Txid, Hasher> seen;
  for (const MempoolTx* c : cands) {
    if (included.contains(c->tx.txid())) continue;
    package.clear();
    stack.assign(1, c);
    seen.clear();
    std::size_t weight = 0;
    while (!stack.empty()) {
      const MempoolTx* x = stack.back();
      stack.pop_back();
      if (included.contains(x->tx.txid()) || !seen.insert(x->tx.txid()).second) continue;
      package.push_back(x);
      weight += x->weight;
      for (const Txid& p : x->parents) stack.push_back(&mempool_.find(p)->second);
    }
    if (used + weight > budget) {
      if (++failures > 1000) break;
      continue;
    }
    std::sort(package.begin(), package.end(), [](auto* a, auto* b) { return a->sequence < b->sequence; });
    for (const MempoolTx* x : package) {
      included.insert(x->tx.txid());
      out.push_back(x);
    }
    used += weight;
  }
  return out;
}

Block NodeState::build_block(const BlockEntry& parent, ByteSpan script, std::vector<Transaction> txs,
                             std::int64_t fees) {
  const int height = parent.height + 1;
  if (params_.canonical_tx_order)
    // CTOR compares txids as Core's uint256 does: memcmp of the internal bytes.
    std::sort(txs.begin(), txs.end(),
              [](const Transaction& a, const Transaction& b) { return a.txid().array() < b.txid().array(); });
  MutableTransaction cb;
  cb.version = 2;
  TxIn& in = cb.inputs.emplace_back();
  push_int(in.script_sig, height);
  // An extra nonce makes coinbases of competing branches differ (Core's IncrementExtraNonce).
  push_int(in.script_sig, ++extra_nonce_);
  cb.outputs.push_back(TxOut{subsidy(height) + fees, Bytes(script.begin(), script.end())});
  Block block;
  block.transactions.reserve(txs.size() + 1);
  if (params_.segwit) {
    in.witness.assign(1, Bytes(32, 0));
    Bytes commitment_script = {OP_RETURN, 0x24};
    commitment_script.insert(commitment_script.end(), witness_commitment_header, witness_commitment_header + 4);
    // The commitment is over the wtxids, which do not depend on the coinbase.
    std::vector<Wtxid> wtxids{Wtxid{}};
    for (const Transaction& tx : txs) wtxids.push_back(tx.wtxid());
    const Hash256 root = compute_merkle_root(wtxids).root;
    const Hash256 c = Sha256d().write(root.span()).write(Bytes(32, 0)).finalize();
    commitment_script.insert(commitment_script.end(), c.span().begin(), c.span().end());
    cb.outputs.push_back(TxOut{0, std::move(commitment_script)});
  }
  block.transactions.emplace_back(std::move(cb));
  for (Transaction& tx : txs) block.transactions.push_back(std::move(tx));
  BlockHeader& h = block.header;
  h.version = 0x20000000;
  h.prev_hash = parent.hash;
  h.merkle_root = block.merkle_root().root;
  h.time = static_cast<std::uint32_t>(std::max<std::int64_t>(parent.mtp + 1, now()));
  h.bits = params_.pow_bits;
  for (h.nonce = 0; !target_.is_met_by(pow_hash(h)); ++h.nonce) {
  }
  return block;
}

BlockHash NodeState::mine(ByteSpan script, const std::vector<Transaction>* exact) {
  std::vector<Transaction> txs;
  std::int64_t fees = 0;
  if (exact) {
    txs = *exact;
  } else {
    for (const MempoolTx* m : select_transactions()) {
      txs.push_back(m->tx);
      fees += m->fee;
    }
  }
  return store_mined(build_block(*tip(), script, std::move(txs), fees), true);
}

BlockHash NodeState::store_mined(Block block, bool on_tip) {
  auto raw = std::make_shared<const Bytes>(block.serialize());
  ParsedBlock pb;
  pb.header = block.header;
  // Offsets from the sizes: header, count, then each transaction back to back.
  std::uint32_t pos = static_cast<std::uint32_t>(80 + compact_size_length(block.transactions.size()));
  std::size_t stripped = 80 + compact_size_length(block.transactions.size());
  for (const Transaction& tx : block.transactions) {
    pb.offsets.push_back(pos);
    pos += static_cast<std::uint32_t>(tx.size());
    stripped += tx.stripped_size();
  }
  pb.offsets.push_back(pos);
  pb.size = raw->size();
  pb.stripped_size = stripped;
  pb.weight = stripped * (witness_scale_factor - 1) + pb.size;
  pb.txs = std::move(block.transactions);
  BlockEntry& e = add_entry(raw, pb, find(pb.header.prev_hash));
  file_.append(BlockFile::block, *raw);
  if (on_tip && e.parent == tip()) {
    const std::string r = connect_block(e, pb.txs, false);
    BOOST_ASSERT_MSG(r.empty(), "a mined block failed to connect");
    (void)r;
  } else {
    activate_best_chain();
  }
  return e.hash;
}

NodeResult<int> NodeState::generate_transactions(std::size_t count, std::size_t per_block, std::size_t outputs_per_tx) {
  if (per_block == 0 || outputs_per_tx == 0)
    return NodeError(rpc_error::invalid_parameter, "txs_per_block and outputs_per_tx must be positive");
  // Payees: a pool of faucet scripts of every template the coin has.
  const std::size_t pool_size = 1000;
  std::vector<AddressType> types = {AddressType::legacy};
  if (params_.segwit)
    types = {AddressType::bech32, AddressType::legacy, AddressType::p2sh_segwit, AddressType::bech32m};
  std::vector<Bytes> payees;
  for (std::size_t i = 0; i < pool_size; ++i) payees.push_back(script_of(take_key(), types[i % types.size()]));
  const Bytes change_script = coinbase_script();
  // Coins to spend, round robin: each transaction's change goes to the back of the queue,
  // so unconfirmed chains stay short (per_block / queue length deep).
  struct QueuedCoin {
    OutPoint op;
    TxOut out;
  };
  std::deque<QueuedCoin> queue;
  for_each_spendable(faucet_, [&](const OwnedView& v) {
    if (v.out->value >= 1'000'000) queue.push_back({v.op, *v.out});
  });
  if (queue.empty()) return NodeError(rpc_error::wallet_insufficient_funds, "Insufficient funds");
  const std::int64_t rate = opt_.faucet_fee_rate_sat_per_kvb;
  AcceptOptions a;
  a.verify_scripts = opt_.verify_own_transactions;
  int blocks = 0;
  std::size_t in_block = 0, payee = 0;
  // Batches of transactions whose inputs all exist already (each takes a different coin from
  // the queue) are signed in parallel, then accepted in order: signing is nearly all the work.
  const unsigned threads =
      std::clamp(opt_.signing_threads ? opt_.signing_threads : std::thread::hardware_concurrency(), 1u, 64u);
  std::vector<MutableTransaction> unsigned_txs;
  std::vector<TxOut> spent_coins;
  std::vector<Transaction> signed_txs;
  for (std::size_t n = 0; n < count;) {
    if (queue.empty()) return NodeError(rpc_error::wallet_insufficient_funds, "Insufficient funds");
    const std::size_t batch = std::min({queue.size(), count - n, per_block - in_block});
    unsigned_txs.clear();
    spent_coins.clear();
    for (std::size_t b = 0; b < batch; ++b) {
      QueuedCoin c = std::move(queue.front());
      queue.pop_front();
      MutableTransaction m;
      m.version = 2;
      m.inputs.push_back(TxIn{c.op, {}, mempool_sequence, {}});
      auto ref = faucet_.key_of(c.out.script_pubkey);
      double vbytes = 10.5 + input_vbytes(ref ? ref->type : AddressType::legacy);
      std::int64_t paid = 0;
      for (std::size_t k = 0; k + 1 < outputs_per_tx; ++k) {
        const Bytes& s = payees[payee++ % payees.size()];
        const std::int64_t amount = 10'000 + static_cast<std::int64_t>((n + b + k * 7) % 1000);
        m.outputs.push_back(TxOut{amount, s});
        vbytes += 9 + s.size();
        paid += amount;
      }
      vbytes += 9 + change_script.size();
      const std::int64_t fee = fee_for(rate, static_cast<std::size_t>(std::ceil(vbytes)));
      const std::int64_t change = c.out.value - paid - fee;
      if (change < 1'000'000) continue;  // spent down: the coin leaves the queue
      m.outputs.push_back(TxOut{change, change_script});
      unsigned_txs.push_back(std::move(m));
      spent_coins.push_back(std::move(c.out));
    }
    signed_txs.assign(unsigned_txs.size(), Transaction());
    auto sign_part = [&](unsigned part) {
      for (std::size_t i = part; i < unsigned_txs.size(); i += threads)
        signed_txs[i] = sign_inputs(std::move(unsigned_txs[i]), {spent_coins[i]});
    };
    if (threads == 1 || unsigned_txs.size() < 8) {
      for (std::size_t i = 0; i < unsigned_txs.size(); ++i)
        signed_txs[i] = sign_inputs(std::move(unsigned_txs[i]), {spent_coins[i]});
    } else {
      std::vector<std::thread> workers;
      for (unsigned t = 1; t < threads; ++t) workers.emplace_back(sign_part, t);
      sign_part(0);
      for (std::thread& w : workers) w.join();
    }
    for (Transaction& tx : signed_txs) {
      auto r = accept(tx, a);
      if (!r) return r.error();
      queue.push_back({OutPoint{tx.txid(), static_cast<std::uint32_t>(tx.outputs().size() - 1)}, tx.outputs().back()});
      ++n;
      if (++in_block == per_block) {
        mine(change_script);
        ++blocks;
        in_block = 0;
      }
    }
  }
  if (in_block) {
    mine(change_script);
    ++blocks;
  }
  return blocks;
}

}  // namespace coinkit::regtest::detail
