// NodeState's block acceptance: submitblock's checks, the block file's replay, invalidate and reconsider.
// Compiled once with COINKIT_SEPARATE_COMPILATION, else inline (see regtest/impl/node.ipp).
#pragma once

#include <coinkit/regtest/detail/node_state.hpp>

namespace coinkit::regtest::detail {

std::string NodeState::check_block(const ParsedBlock& pb, const BlockEntry& parent) const {
  const auto& txs = pb.txs;
  const BlockHeader& h = pb.header;
  if (h.bits != params_.pow_bits) return "bad-diffbits";
  if (h.time <= parent.mtp) return "time-too-old";
  if (static_cast<std::int64_t>(h.time) > now() + 2 * 60 * 60) return "time-too-new";
  if (h.version < 4) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "bad-version(0x%08x)", static_cast<unsigned>(h.version));
    return buf;
  }
  std::vector<Txid> txids;
  txids.reserve(txs.size());
  for (const Transaction& tx : txs) txids.push_back(tx.txid());
  const MerkleRoot m = compute_merkle_root(txids);
  if (m.root != h.merkle_root) return "bad-txnmrklroot";
  if (m.mutated) return "bad-txns-duplicate";
  if (txs.empty() || !txs[0].is_coinbase()) return "bad-cb-missing";
  for (std::size_t i = 1; i < txs.size(); ++i)
    if (txs[i].is_coinbase()) return "bad-cb-multiple";
  for (const Transaction& tx : txs)
    if (auto r = check_transaction(tx); !r.empty()) return r;
  const std::size_t max_weight = params_.segwit ? opt_.max_block_weight : opt_.max_block_size * 4;
  if (pb.weight > max_weight) return params_.segwit ? "bad-blk-weight" : "bad-blk-length";
  if (params_.canonical_tx_order) {
    for (std::size_t i = 2; i < txs.size(); ++i)
      if (!(txs[i - 1].txid().array() < txs[i].txid().array())) return "tx-ordering";
  }
  // ContextualCheckBlock.
  const int height = parent.height + 1;
  for (const Transaction& tx : txs)
    if (!is_final(tx, height, parent.mtp)) return "bad-txns-nonfinal";
  Bytes expect;
  push_int(expect, height);
  const Bytes& sig = txs[0].inputs()[0].script_sig;
  if (sig.size() < expect.size() || !std::equal(expect.begin(), expect.end(), sig.begin())) return "bad-cb-height";
  if (sig.size() < 2 || sig.size() > 100) return "bad-cb-length";
  bool have_witness_commitment = false;
  if (params_.segwit) {
    const auto& outs = txs[0].outputs();
    std::optional<std::size_t> commitment;
    for (std::size_t i = 0; i < outs.size(); ++i) {
      const Bytes& s = outs[i].script_pubkey;
      if (s.size() >= 38 && s[0] == OP_RETURN && s[1] == 0x24 &&
          std::equal(s.begin() + 2, s.begin() + 6, witness_commitment_header))
        commitment = i;
    }
    if (commitment) {
      have_witness_commitment = true;
      const Witness& w = txs[0].inputs()[0].witness;
      if (w.size() != 1 || w[0].size() != 32) return "bad-witness-nonce-size";
      const Hash256 expected = witness_commitment(txs, w[0]);
      if (!std::equal(expected.span().begin(), expected.span().end(), outs[*commitment].script_pubkey.begin() + 6))
        return "bad-witness-merkle-match";
    }
  }
  if (!have_witness_commitment)
    for (const Transaction& tx : txs)
      if (tx.has_witness()) return "unexpected-witness";
  return {};
}

Hash256 NodeState::witness_commitment(const std::vector<Transaction>& txs, ByteSpan nonce) {
  std::vector<Wtxid> wtxids;
  wtxids.reserve(txs.size());
  wtxids.push_back(Wtxid{});  // the coinbase's wtxid counts as zero
  for (std::size_t i = 1; i < txs.size(); ++i) wtxids.push_back(txs[i].wtxid());
  const Hash256 root = compute_merkle_root(wtxids).root;
  return Sha256d().write(root.span()).write(nonce).finalize();
}

NodeResult<NodeState::SubmitOutcome> NodeState::accept_block(std::shared_ptr<const Bytes> raw, bool from_file) {
  auto parsed = parse_block(*raw);
  if (!parsed) return NodeError(rpc_error::deserialization_error, "Block decode failed");
  ParsedBlock& pb = *parsed;
  if (pb.txs.empty() || !pb.txs[0].is_coinbase())
    return NodeError(rpc_error::deserialization_error, "Block does not start with a coinbase");
  const BlockHash hash = pb.header.hash();
  if (BlockEntry* known = find(hash))
    return SubmitOutcome{known, std::string(known->invalid ? "duplicate-invalid" : "duplicate")};
  if (!from_file && !target_.is_met_by(pow_hash(pb.header))) return SubmitOutcome{nullptr, "high-hash"};
  BlockEntry* parent = find(pb.header.prev_hash);
  if (!parent) return SubmitOutcome{nullptr, "prev-blk-not-found"};
  if (parent->invalid) return SubmitOutcome{nullptr, "bad-prevblk"};
  if (!from_file) {
    if (auto r = check_block(pb, *parent); !r.empty()) return SubmitOutcome{nullptr, r};
  }
  BlockEntry& e = add_entry(raw, pb, parent);
  if (!from_file) file_.append(BlockFile::block, *raw);
  std::string failure;
  if (parent == tip()) {
    // The common case, and all of a replay: it extends the best chain, so it is the best
    // chain if it connects (no scan of every block, no second parse).
    const bool known_bad = from_file && replay_failed_.contains(e.hash);
    failure = connect_block(e, pb.txs, !from_file || known_bad);
    if (!failure.empty()) mark_failed(e);
  } else {
    failure = activate_best_chain();
  }
  if (e.invalid) return SubmitOutcome{&e, failure.empty() ? std::string("invalid") : failure};
  if (!e.on_active) return SubmitOutcome{&e, std::string("inconclusive")};
  return SubmitOutcome{&e, std::nullopt};
}

void NodeState::mark_failed(BlockEntry& e) {
  e.failed_self = true;
  recompute_invalid();
  if (!trusted_replay_) file_.append(BlockFile::failed, e.hash.span());
}

void NodeState::replay(std::vector<BlockFile::Record> records) {
  for (const auto& rec : records)
    if (rec.type == BlockFile::failed && rec.payload.size() == 32)
      replay_failed_.insert(BlockHash::from_bytes(rec.payload).value());
  trusted_replay_ = true;
  for (auto& rec : records) {
    if (rec.type == BlockFile::block) {
      (void)accept_block(std::make_shared<const Bytes>(std::move(rec.payload)), true);
    } else if (rec.payload.size() == 32) {
      const BlockHash h = BlockHash::from_bytes(rec.payload).value();
      if (rec.type == BlockFile::invalidate) (void)invalidate(h, true);
      if (rec.type == BlockFile::reconsider) (void)reconsider(h, true);
    }
  }
  trusted_replay_ = false;
}

NodeResult<void> NodeState::invalidate(const BlockHash& h, bool from_file) {
  BlockEntry* e = find(h);
  if (!e) return NodeError(rpc_error::invalid_address_or_key, "Block not found");
  if (!e->parent) return NodeError(rpc_error::invalid_parameter, "Cannot invalidate the genesis block");
  if (!from_file) file_.append(BlockFile::invalidate, h.span());
  std::vector<Transaction> returned;
  bool disconnected = false;
  if (e->on_active) {
    while (tip() != e->parent) {
      auto txs = disconnect_tip();
      returned.insert(returned.begin(), std::make_move_iterator(txs.begin()), std::make_move_iterator(txs.end()));
      disconnected = true;
    }
  }
  e->failed_self = true;
  recompute_invalid();
  if (disconnected) rebuild_mempool(std::move(returned));
  activate_best_chain();
  return {};
}

NodeResult<void> NodeState::reconsider(const BlockHash& h, bool from_file) {
  BlockEntry* e = find(h);
  if (!e) return NodeError(rpc_error::invalid_address_or_key, "Block not found");
  if (!from_file) file_.append(BlockFile::reconsider, h.span());
  // Core's ResetBlockFailureFlags: the block, its descendants and its ancestors.
  std::vector<BlockEntry*> stack{e};
  while (!stack.empty()) {
    BlockEntry* b = stack.back();
    stack.pop_back();
    b->failed_self = false;
    for (BlockEntry* c : b->children) stack.push_back(c);
  }
  for (BlockEntry* a = e; a; a = a->parent) a->failed_self = false;
  recompute_invalid();
  activate_best_chain();
  return {};
}

}  // namespace coinkit::regtest::detail
