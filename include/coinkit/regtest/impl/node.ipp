// BasicNode's bodies: each call locks, then asks the NodeState (regtest/detail/node_state.hpp),
// whose sections are the node_*.ipp beside this file. Compiled once with
// COINKIT_SEPARATE_COMPILATION, else inline.
#pragma once

#include <coinkit/regtest/node.hpp>

#include <coinkit/regtest/detail/node_state.hpp>
#include <coinkit/regtest/impl/node_blocks.ipp>
#include <coinkit/regtest/impl/node_chain.ipp>
#include <coinkit/regtest/impl/node_faucet.ipp>
#include <coinkit/regtest/impl/node_mempool.ipp>
#include <coinkit/regtest/impl/node_mining.ipp>

namespace coinkit::regtest {

COINKIT_DECL std::string_view to_string(BlockStatus s) noexcept {
  switch (s) {
    case BlockStatus::active: return "active";
    case BlockStatus::valid_fork: return "valid-fork";
    case BlockStatus::valid_headers: return "valid-headers";
    case BlockStatus::invalid: return "invalid";
  }
  return "invalid";
}

COINKIT_DECL std::string chainwork_hex(std::uint64_t work) {
  std::array<std::uint8_t, 32> be{};
  for (int i = 0; i < 8; ++i) be[31 - i] = static_cast<std::uint8_t>(work >> (8 * i));
  return to_hex(be);
}

COINKIT_DECL std::optional<AddressType> parse_address_type(std::string_view s) noexcept {
  if (s == "legacy") return AddressType::legacy;
  if (s == "p2sh-segwit") return AddressType::p2sh_segwit;
  if (s == "bech32") return AddressType::bech32;
  if (s == "bech32m") return AddressType::bech32m;
  return std::nullopt;
}

COINKIT_DECL std::string_view to_string(AddressType t) noexcept {
  switch (t) {
    case AddressType::legacy: return "legacy";
    case AddressType::p2sh_segwit: return "p2sh-segwit";
    case AddressType::bech32: return "bech32";
    case AddressType::bech32m: return "bech32m";
  }
  return "legacy";
}

// ===== BasicNode: lock, then ask the state =====

COINKIT_DECL BasicNode::BasicNode(ChainParams params, Options options)
    : params_(std::move(params)), options_(std::move(options)) {
  state_ = std::make_unique<detail::NodeState>(params_, options_);
}

COINKIT_DECL BasicNode::~BasicNode() = default;

COINKIT_DECL int BasicNode::height() const {
  std::lock_guard lock(mutex_);
  return state_->height();
}

COINKIT_DECL BlockHash BasicNode::tip() const {
  std::lock_guard lock(mutex_);
  return state_->tip()->hash;
}

COINKIT_DECL ChainInfo BasicNode::chain_info() const {
  std::lock_guard lock(mutex_);
  const detail::BlockEntry& t = *state_->tip();
  return ChainInfo{t.height, t.hash, t.chainwork, t.header.time, t.mtp, t.header.bits, state_->file_.size()};
}

COINKIT_DECL std::vector<ChainTip> BasicNode::chain_tips() const {
  std::lock_guard lock(mutex_);
  std::vector<ChainTip> out;
  for (auto& [h, e] : state_->blocks_) {
    if (!e->children.empty() && e.get() != state_->tip()) continue;  // leaves, and the active tip always
    ChainTip t{e->hash, e->height, 0, state_->status(*e)};
    for (const detail::BlockEntry* b = e.get(); b && !b->on_active; b = b->parent) ++t.branch_length;
    out.push_back(t);
  }
  std::sort(out.begin(), out.end(), [](const ChainTip& a, const ChainTip& b) { return a.height > b.height; });
  return out;
}

COINKIT_DECL NodeResult<BlockHash> BasicNode::block_hash(int height) const {
  std::lock_guard lock(mutex_);
  if (height < 0 || height > state_->height())
    return NodeError(rpc_error::invalid_parameter, "Block height out of range");
  return state_->active_[static_cast<std::size_t>(height)]->hash;
}

COINKIT_DECL NodeResult<BlockInfo> BasicNode::block(const BlockHash& hash) const {
  std::lock_guard lock(mutex_);
  const detail::BlockEntry* e = state_->find(hash);
  if (!e) return NodeError(rpc_error::invalid_address_or_key, "Block not found");
  return state_->info(*e);
}

COINKIT_DECL std::vector<BlockHeader> BasicNode::headers(const BlockHash& hash, std::size_t count) const {
  std::lock_guard lock(mutex_);
  std::vector<BlockHeader> out;
  const detail::BlockEntry* e = state_->find(hash);
  if (!e || !e->on_active) return out;  // Core's REST walks the active chain only
  for (int h = e->height; h <= state_->height() && out.size() < count; ++h)
    out.push_back(state_->active_[static_cast<std::size_t>(h)]->header);
  return out;
}

COINKIT_DECL NodeResult<std::vector<std::vector<TxOut>>> BasicNode::block_spent_outputs(const BlockHash& hash) const {
  std::lock_guard lock(mutex_);
  const detail::BlockEntry* e = state_->find(hash);
  if (!e) return NodeError(rpc_error::invalid_address_or_key, "Block not found");
  if (!e->on_active) return NodeError(rpc_error::invalid_address_or_key, "Undo data not available");
  const auto txs = state_->block_transactions(*e);
  std::vector<std::vector<TxOut>> out(txs.size());
  std::size_t k = 0;
  for (std::size_t t = 1; t < txs.size(); ++t)
    for (std::size_t i = 0; i < txs[t].inputs().size(); ++i) out[t].push_back(e->undo[k++].out);
  return out;
}

COINKIT_DECL NodeResult<TxLookup> BasicNode::transaction(const Txid& txid,
                                                         const std::optional<BlockHash>& block) const {
  std::lock_guard lock(mutex_);
  const detail::NodeState& s = *state_;
  auto from_block = [&](const detail::BlockEntry& e, std::uint32_t index) {
    TxLookup l;
    const ByteSpan raw(e.raw->data() + e.tx_offsets[index], e.tx_offsets[index + 1] - e.tx_offsets[index]);
    l.tx = Transaction::parse(raw);
    l.block_hash = e.hash;
    l.height = e.height;
    l.in_active_chain = e.on_active;
    l.confirmations = e.on_active ? s.height() - e.height + 1 : 0;
    l.block_time = e.header.time;
    return l;
  };
  if (block) {
    const detail::BlockEntry* e = s.find(*block);
    if (!e) return NodeError(rpc_error::invalid_address_or_key, "Block hash not found");
    for (std::uint32_t i = 0; i < e->txids.size(); ++i)
      if (e->txids[i] == txid) return from_block(*e, i);
    return NodeError(rpc_error::invalid_address_or_key,
                     "No such transaction found in the provided block. Use gettransaction for wallet transactions.");
  }
  if (auto it = s.mempool_.find(txid); it != s.mempool_.end()) {
    TxLookup l;
    l.tx = it->second.tx;
    return l;
  }
  if (auto it = s.txindex_.find(txid); it != s.txindex_.end()) return from_block(*it->second.block, it->second.index);
  return NodeError(rpc_error::invalid_address_or_key,
                   "No such mempool or blockchain transaction. Use gettransaction for wallet transactions.");
}

COINKIT_DECL std::optional<BasicNode::UtxoEntry> BasicNode::utxo(const OutPoint& outpoint, bool include_mempool) const {
  std::lock_guard lock(mutex_);
  const detail::NodeState& s = *state_;
  if (include_mempool) {
    if (s.mempool_spends_.contains(outpoint)) return std::nullopt;
    if (auto it = s.mempool_.find(outpoint.txid); it != s.mempool_.end()) {
      if (outpoint.index >= it->second.tx.outputs().size()) return std::nullopt;
      return UtxoEntry{it->second.tx.outputs()[outpoint.index], -1, false};
    }
  }
  auto it = s.utxos_.find(outpoint);
  if (it == s.utxos_.end()) return std::nullopt;
  return UtxoEntry{it->second.out, it->second.height, it->second.coinbase};
}

COINKIT_DECL std::vector<BlockHash> BasicNode::generate(int n, ByteSpan script_pubkey) {
  std::lock_guard lock(mutex_);
  const Bytes script =
      script_pubkey.empty() ? state_->coinbase_script() : Bytes(script_pubkey.begin(), script_pubkey.end());
  std::vector<BlockHash> out;
  for (int i = 0; i < n; ++i) out.push_back(state_->mine(script));
  return out;
}

COINKIT_DECL NodeResult<std::vector<BlockHash>> BasicNode::generate_to_address(int n, std::string_view address) {
  auto script = to_script_pubkey(address, params_.address_format());
  if (!script) return NodeError(rpc_error::invalid_address_or_key, "Error: Invalid address");
  return generate(n, *script);
}

COINKIT_DECL NodeResult<BlockHash> BasicNode::generate_block(ByteSpan script_pubkey,
                                                             std::span<const BlockTxSource> sources) {
  std::lock_guard lock(mutex_);
  detail::NodeState& s = *state_;
  std::vector<Transaction> txs;
  for (const BlockTxSource& src : sources) {
    if (const Txid* id = std::get_if<Txid>(&src)) {
      auto it = s.mempool_.find(*id);
      if (it == s.mempool_.end())
        return NodeError(rpc_error::invalid_address_or_key, "Transaction " + id->to_hex() + " not in mempool.");
      txs.push_back(it->second.tx);
    } else {
      const Bytes& raw = std::get<Bytes>(src);
      auto tx = Transaction::try_parse(raw);
      if (!tx) return NodeError(rpc_error::deserialization_error, "Transaction decode failed for " + to_hex(raw));
      txs.push_back(std::move(*tx));
    }
  }
  // TestBlockValidity: build on a copy of the facts we need, i.e. try to connect and roll back.
  const Bytes script = script_pubkey.empty() ? s.coinbase_script() : Bytes(script_pubkey.begin(), script_pubkey.end());
  // Fees: from the coins each transaction spends (in the chain, earlier in the block, or the mempool).
  std::int64_t fees = 0;
  {
    boost::unordered_flat_map<OutPoint, std::int64_t, detail::Hasher> created;
    for (const Transaction& tx : txs) {
      std::int64_t in = 0, out = 0;
      for (const TxIn& i : tx.inputs()) {
        if (auto c = created.find(i.prevout); c != created.end())
          in += c->second;
        else if (auto u = s.utxos_.find(i.prevout); u != s.utxos_.end())
          in += u->second.out.value;
        else
          return NodeError(rpc_error::verify_error, "TestBlockValidity failed: bad-txns-inputs-missingorspent");
      }
      for (std::uint32_t n = 0; n < tx.outputs().size(); ++n) {
        out += tx.outputs()[n].value;
        created.emplace(OutPoint{tx.txid(), n}, tx.outputs()[n].value);
      }
      if (in < out) return NodeError(rpc_error::verify_error, "TestBlockValidity failed: bad-txns-in-belowout");
      fees += in - out;
    }
  }
  Block block = s.build_block(*s.tip(), script, txs, fees);
  detail::ParsedBlock pb;
  pb.header = block.header;
  pb.txs = block.transactions;
  if (auto r = s.check_block(pb, *s.tip()); !r.empty())
    return NodeError(rpc_error::verify_error, "TestBlockValidity failed: " + r);
  // Connect for real; on failure the state is rolled back by connect_block and nothing is stored.
  auto raw = std::make_shared<const Bytes>(block.serialize());
  auto parsed = detail::parse_block(*raw).value();
  detail::BlockEntry& e = s.add_entry(raw, parsed, s.tip());
  const std::string r = s.connect_block(e, parsed.txs, true);
  if (!r.empty()) {
    e.parent->children.pop_back();
    s.blocks_.erase(e.hash);
    return NodeError(rpc_error::verify_error, "TestBlockValidity failed: " + r);
  }
  s.file_.append(detail::BlockFile::block, *raw);
  return s.tip()->hash;
}

COINKIT_DECL NodeResult<std::vector<BlockHash>> BasicNode::generate_on(const BlockHash& parent, int n,
                                                                       ByteSpan script_pubkey, bool include_mempool) {
  std::lock_guard lock(mutex_);
  detail::NodeState& s = *state_;
  detail::BlockEntry* p = s.find(parent);
  if (!p) return NodeError(rpc_error::invalid_address_or_key, "Block not found");
  if (p->invalid) return NodeError(rpc_error::invalid_parameter, "Block is invalid");
  const Bytes script = script_pubkey.empty() ? s.coinbase_script() : Bytes(script_pubkey.begin(), script_pubkey.end());
  std::vector<BlockHash> out;
  for (int i = 0; i < n; ++i) {
    if (p == s.tip()) {
      // On the tip this is plain mining (with the mempool if asked).
      const std::vector<Transaction> none;
      out.push_back(include_mempool ? s.mine(script) : s.mine(script, &none));
    } else {
      out.push_back(s.store_mined(s.build_block(*p, script, {}, 0), false));
    }
    p = s.find(out.back());
  }
  return out;
}

COINKIT_DECL NodeResult<std::optional<std::string>> BasicNode::submit_block(ByteSpan raw) {
  std::lock_guard lock(mutex_);
  auto r = state_->accept_block(std::make_shared<const Bytes>(raw.begin(), raw.end()), false);
  if (!r) return r.error();
  return r->result;
}

COINKIT_DECL void BasicNode::set_mock_time(std::int64_t unix_seconds) {
  std::lock_guard lock(mutex_);
  state_->mock_time_ = unix_seconds;
}

COINKIT_DECL NodeResult<void> BasicNode::invalidate_block(const BlockHash& hash) {
  std::lock_guard lock(mutex_);
  return state_->invalidate(hash);
}

COINKIT_DECL NodeResult<void> BasicNode::reconsider_block(const BlockHash& hash) {
  std::lock_guard lock(mutex_);
  return state_->reconsider(hash);
}

COINKIT_DECL NodeResult<AcceptResult> BasicNode::send_raw_transaction(ByteSpan raw,
                                                                      std::optional<std::int64_t> max_fee_rate) {
  auto tx = Transaction::try_parse(raw);
  if (!tx)
    return NodeError(rpc_error::deserialization_error, "TX decode failed. Make sure the tx has at least one input.");
  return send_transaction(*tx, max_fee_rate);
}

COINKIT_DECL NodeResult<AcceptResult> BasicNode::send_transaction(const Transaction& tx,
                                                                  std::optional<std::int64_t> max_fee_rate) {
  std::lock_guard lock(mutex_);
  detail::NodeState& s = *state_;
  // Already in the mempool with this witness: bitcoind answers with the txid again.
  if (auto it = s.mempool_.find(tx.txid()); it != s.mempool_.end() && it->second.tx.wtxid() == tx.wtxid())
    return AcceptResult{tx.txid(), tx.wtxid(), it->second.fee, it->second.vsize, {}};
  detail::NodeState::AcceptOptions o;
  o.max_fee_rate = max_fee_rate.value_or(options_.max_fee_rate_sat_per_kvb);
  return s.accept(tx, o);
}

COINKIT_DECL NodeResult<PackageResult> BasicNode::submit_package(std::span<const Transaction> txs,
                                                                 std::optional<std::int64_t> max_fee_rate) {
  // Core's IsChildWithParentsTree: every other transaction is a parent of the last, and no
  // parent spends another.
  if (txs.size() > 1) {
    boost::unordered_flat_set<Txid, detail::Hasher> child_spends, parents;
    for (const TxIn& in : txs.back().inputs()) child_spends.insert(in.prevout.txid);
    for (std::size_t i = 0; i + 1 < txs.size(); ++i) parents.insert(txs[i].txid());
    bool tree = true;
    for (std::size_t i = 0; tree && i + 1 < txs.size(); ++i) {
      tree = child_spends.contains(txs[i].txid());
      for (const TxIn& in : txs[i].inputs()) tree = tree && !parents.contains(in.prevout.txid);
    }
    if (!tree)
      return NodeError(rpc_error::verify_error,
                       "package topology disallowed. not child-with-parents or parents depend on each other.");
  }
  std::lock_guard lock(mutex_);
  return state_->accept_package(std::vector<Transaction>(txs.begin(), txs.end()),
                                max_fee_rate.value_or(options_.max_fee_rate_sat_per_kvb));
}

COINKIT_DECL NodeResult<TestAcceptResult> BasicNode::test_mempool_accept(ByteSpan raw,
                                                                         std::optional<std::int64_t> max_fee_rate) {
  auto tx = Transaction::try_parse(raw);
  if (!tx)
    return NodeError(rpc_error::deserialization_error,
                     "TX decode failed: " + tx.error().message() + " Make sure the tx has at least one input.");
  std::lock_guard lock(mutex_);
  detail::NodeState::AcceptOptions o;
  o.test_only = true;
  o.max_fee_rate = max_fee_rate.value_or(options_.max_fee_rate_sat_per_kvb);
  TestAcceptResult out;
  out.txid = tx->txid();
  out.wtxid = tx->wtxid();
  auto r = state_->accept(*tx, o);
  if (r) {
    out.allowed = true;
    out.fee = r->fee;
    out.vsize = r->vsize;
  } else {
    out.error = r.error();
    if (out.error.reject_reason.empty()) out.error.reject_reason = out.error.message;
  }
  return out;
}

COINKIT_DECL std::vector<Txid> BasicNode::mempool_txids() const {
  std::lock_guard lock(mutex_);
  std::vector<Txid> out;
  out.reserve(state_->mempool_order_.size());
  for (auto& [seq, txid] : state_->mempool_order_) out.push_back(txid);
  return out;
}

COINKIT_DECL std::vector<MempoolEntryInfo> BasicNode::mempool_entries() const {
  std::lock_guard lock(mutex_);
  std::vector<MempoolEntryInfo> out;
  for (auto& [seq, txid] : state_->mempool_order_)
    out.push_back(state_->entry_info(state_->mempool_.find(txid)->second));
  return out;
}

COINKIT_DECL NodeResult<MempoolEntryInfo> BasicNode::mempool_entry(const Txid& txid) const {
  std::lock_guard lock(mutex_);
  auto it = state_->mempool_.find(txid);
  if (it == state_->mempool_.end()) return NodeError(rpc_error::invalid_address_or_key, "Transaction not in mempool");
  return state_->entry_info(it->second);
}

COINKIT_DECL MempoolInfo BasicNode::mempool_info() const {
  std::lock_guard lock(mutex_);
  MempoolInfo i;
  i.min_relay_fee_sat_per_kvb = options_.min_relay_fee_sat_per_kvb;
  for (auto& [txid, m] : state_->mempool_) {
    ++i.size;
    i.bytes += m.vsize;
    i.usage += m.size;
    i.total_fee += m.fee;
  }
  return i;
}

COINKIT_DECL std::optional<std::int64_t> BasicNode::estimate_fee_sat_per_kvb(int conf_target) const {
  std::lock_guard lock(mutex_);
  const detail::NodeState& s = *state_;
  std::vector<std::int64_t> rates;
  const int blocks = std::clamp(conf_target, 1, 1008) * 2;
  for (int h = s.height(); h > 0 && h > s.height() - blocks; --h) {
    const auto& r = s.active_[static_cast<std::size_t>(h)]->fee_rates;
    rates.insert(rates.end(), r.begin(), r.end());
  }
  if (rates.empty()) return std::nullopt;
  std::sort(rates.begin(), rates.end());
  return std::max(rates[rates.size() / 2], options_.min_relay_fee_sat_per_kvb);
}

COINKIT_DECL NodeResult<std::string> BasicNode::get_new_address(std::optional<std::string_view> type,
                                                                std::optional<std::string_view> wallet) {
  std::optional<AddressType> t = params_.segwit ? AddressType::bech32 : AddressType::legacy;
  if (type) {
    t = parse_address_type(*type);
    if (!t) return NodeError(rpc_error::invalid_address_or_key, "Unknown address type '" + std::string(*type) + "'");
  }
  auto script = new_script(*t, wallet);
  if (!script) return script.error();
  auto a = to_address(*script, params_.address_format());
  if (!a) return NodeError(rpc_error::wallet_error, "cannot encode the address");
  return *a;
}

COINKIT_DECL NodeResult<Bytes> BasicNode::new_script(AddressType type, std::optional<std::string_view> wallet) {
  std::lock_guard lock(mutex_);
  detail::WalletState* w = state_->wallet(wallet);
  if (!w) return NodeError(rpc_error::wallet_not_found, "Requested wallet does not exist or is not loaded");
  return state_->new_script(*w, type);
}

COINKIT_DECL Bytes BasicNode::faucet_script() const {
  std::lock_guard lock(mutex_);
  return state_->script_of(0, state_->default_type());
}

COINKIT_DECL std::int64_t BasicNode::balance(std::optional<std::string_view> wallet) const {
  std::lock_guard lock(mutex_);
  std::int64_t total = 0;
  if (const detail::WalletState* w = state_->wallet(wallet))
    state_->for_each_spendable(*w, [&](const detail::NodeState::OwnedView& v) { total += v.out->value; });
  return total;
}

COINKIT_DECL std::int64_t BasicNode::immature_balance(std::optional<std::string_view> wallet) const {
  std::lock_guard lock(mutex_);
  std::int64_t total = 0;
  const detail::WalletState* w = state_->wallet(wallet);
  if (!w) return 0;
  for (auto& [op, st] : w->owned) {
    auto v = state_->owned_view(op, st);
    if (v && !state_->wallet_mature(*v)) total += v->out->value;
  }
  return total;
}

COINKIT_DECL std::vector<Unspent> BasicNode::list_unspent(int min_conf, int max_conf,
                                                          std::optional<std::string_view> wallet) const {
  std::lock_guard lock(mutex_);
  std::vector<Unspent> out;
  const detail::WalletState* w = state_->wallet(wallet);
  if (!w) return out;
  state_->for_each_spendable(*w, [&](const detail::NodeState::OwnedView& v) {
    if (v.confirmations < min_conf || v.confirmations > max_conf) return;
    Unspent u;
    u.outpoint = v.op;
    u.script_pubkey = v.out->script_pubkey;
    if (auto a = to_address(v.out->script_pubkey, params_.address_format())) u.address = std::move(*a);
    u.amount = v.out->value;
    u.confirmations = v.confirmations;
    u.coinbase = v.coinbase;
    out.push_back(std::move(u));
  });
  std::sort(out.begin(), out.end(), [](const Unspent& a, const Unspent& b) {
    return a.confirmations != b.confirmations ? a.confirmations > b.confirmations : a.outpoint < b.outpoint;
  });
  return out;
}

COINKIT_DECL bool BasicNode::create_wallet(std::string_view name, bool with_keys) {
  std::array<std::uint8_t, 32> seed{};
  secure_random(seed);  // as bitcoind: a fresh seed, so a wallet made again after a restart starts empty
  std::lock_guard lock(mutex_);
  detail::NodeState& s = *state_;
  if (s.wallets_.contains(name)) return false;
  auto w = std::make_unique<detail::WalletState>(params_, ExtPrivKey::from_seed(seed), 0, with_keys);
  w->load_sequence = ++s.wallet_loads_;
  s.wallets_.emplace(std::string(name), std::move(w));
  return true;
}

COINKIT_DECL WalletLoad BasicNode::load_wallet(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = state_->wallets_.find(name);
  if (it == state_->wallets_.end()) return WalletLoad::not_found;
  if (it->second->load_sequence) return WalletLoad::already_loaded;
  it->second->load_sequence = ++state_->wallet_loads_;
  return WalletLoad::loaded;
}

COINKIT_DECL bool BasicNode::unload_wallet(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = state_->wallets_.find(name);
  if (it == state_->wallets_.end() || !it->second->load_sequence) return false;
  it->second->load_sequence = 0;
  return true;
}

COINKIT_DECL std::vector<std::string> BasicNode::wallets() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::uint64_t, std::string>> loaded;
  for (const auto& [name, w] : state_->wallets_)
    if (w->load_sequence) loaded.emplace_back(w->load_sequence, name);
  std::sort(loaded.begin(), loaded.end());
  std::vector<std::string> out;
  for (auto& [seq, name] : loaded) out.push_back(std::move(name));
  return out;
}

COINKIT_DECL bool BasicNode::wallet_loaded(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return state_->wallet(name) != nullptr;
}

COINKIT_DECL NodeResult<Txid> BasicNode::send_to_address(std::string_view address, std::int64_t amount,
                                                         const SendOptions& o) {
  const std::pair<std::string, std::int64_t> p{std::string(address), amount};
  return send_many(std::span(&p, 1), o);
}

COINKIT_DECL NodeResult<Txid> BasicNode::send_many(std::span<const std::pair<std::string, std::int64_t>> payments,
                                                   const SendOptions& o) {
  std::vector<Payment> ps;
  for (const auto& [address, amount] : payments) {
    auto script = to_script_pubkey(address, params_.address_format());
    if (!script) return NodeError(rpc_error::invalid_address_or_key, "Invalid address: " + address);
    ps.push_back(Payment{std::move(*script), amount});
  }
  auto tx = send(ps, o);
  if (!tx) return tx.error();
  return tx->txid();
}

COINKIT_DECL NodeResult<Transaction> BasicNode::send(std::span<const Payment> payments, const SendOptions& o) {
  std::lock_guard lock(mutex_);
  return state_->faucet_send(payments, o);
}

COINKIT_DECL NodeResult<Transaction> BasicNode::sign(MutableTransaction tx) const {
  std::lock_guard lock(mutex_);
  detail::NodeState& s = *state_;
  std::vector<TxOut> spent;
  for (const TxIn& in : tx.inputs) {
    if (auto it = s.mempool_.find(in.prevout.txid);
        it != s.mempool_.end() && in.prevout.index < it->second.tx.outputs().size()) {
      spent.push_back(it->second.tx.outputs()[in.prevout.index]);
    } else if (auto u = s.utxos_.find(in.prevout); u != s.utxos_.end()) {
      spent.push_back(u->second.out);
    } else {
      return NodeError(rpc_error::invalid_address_or_key, "Input not found or already spent");
    }
  }
  return s.sign_inputs(std::move(tx), spent);
}

COINKIT_DECL NodeResult<Transaction> BasicNode::sign(MutableTransaction tx, std::span<const TxOut> spent) const {
  if (spent.size() != tx.inputs.size())
    return NodeError(rpc_error::invalid_parameter, "one spent output for each input is needed");
  std::lock_guard lock(mutex_);
  return state_->sign_inputs(std::move(tx), std::vector<TxOut>(spent.begin(), spent.end()));
}

COINKIT_DECL NodeResult<int> BasicNode::generate_transactions(std::size_t count, std::size_t txs_per_block,
                                                              std::size_t outputs_per_tx) {
  std::lock_guard lock(mutex_);
  return state_->generate_transactions(count, txs_per_block, outputs_per_tx);
}

}  // namespace coinkit::regtest
