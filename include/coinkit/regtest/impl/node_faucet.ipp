// NodeState's wallets (the faucet and createwallet's): keys, coins found by scanning the chain,
// signing and sending.
// Compiled once with COINKIT_SEPARATE_COMPILATION, else inline (see regtest/impl/node.ipp).
#pragma once

#include <coinkit/regtest/detail/node_state.hpp>

namespace coinkit::regtest::detail {

WalletState::WalletState(const ChainParams& p, ExtPrivKey master_key, std::uint32_t first_key, bool with_keys)
    : params(&p), master(std::move(master_key)), next_key(first_key), has_keys(with_keys) {
  if (has_keys) key(next_key + key_lookahead);  // the gap the chain is scanned for
}

const FaucetKey& WalletState::key(std::uint32_t index) {
  while (keys.size() <= index) {
    const auto n = static_cast<std::uint32_t>(keys.size());
    ExtPrivKey child = master.derive(n);
    FaucetKey k{child.key(), child.public_key(), taproot_tweak_private_key(child.key()).value(), {}};
    const XOnlyPublicKey internal = x_only_public_key(k.key);
    k.taproot_script = p2tr_script(taproot_output_key(internal).value().output_key.span());
    const Hash160 id = k.pubkey.key_id();
    scripts.insert_or_assign(std::string(script_key(p2pkh_script(id))), KeyRef{n, AddressType::legacy});
    if (params->segwit) {
      const Bytes wpkh = p2wpkh_script(id);
      scripts.insert_or_assign(std::string(script_key(p2sh_script(hash160(wpkh)))),
                               KeyRef{n, AddressType::p2sh_segwit});
      scripts.insert_or_assign(std::string(script_key(wpkh)), KeyRef{n, AddressType::bech32});
      scripts.insert_or_assign(std::string(script_key(k.taproot_script)), KeyRef{n, AddressType::bech32m});
    }
    keys.push_back(std::move(k));
  }
  return keys[index];
}

Bytes WalletState::script_of(std::uint32_t index, AddressType type) {
  const FaucetKey& k = key(index);
  const Hash160 id = k.pubkey.key_id();
  switch (type) {
    case AddressType::legacy: return p2pkh_script(id);
    case AddressType::p2sh_segwit: return p2sh_script(hash160(p2wpkh_script(id)));
    case AddressType::bech32: return p2wpkh_script(id);
    case AddressType::bech32m: return k.taproot_script;
  }
  return {};
}

std::uint32_t WalletState::take_key() {
  const std::uint32_t i = next_key++;
  key(next_key + key_lookahead);
  return i;
}

bool WalletState::is_mine(ByteSpan s) {
  auto it = scripts.find(script_key(s));
  if (it == scripts.end()) return false;
  const std::uint32_t index = it->second.index;
  if (index >= next_key) {
    next_key = index + 1;
    key(next_key + key_lookahead);
  }
  return true;
}

std::optional<KeyRef> WalletState::key_of(ByteSpan s) const {
  auto it = scripts.find(script_key(s));
  if (it == scripts.end()) return std::nullopt;
  return it->second;
}

WalletState* NodeState::wallet(std::optional<std::string_view> name) {
  if (!name) return &faucet_;
  auto it = wallets_.find(*name);
  return it == wallets_.end() || !it->second->load_sequence ? nullptr : it->second.get();
}

void NodeState::track(const OutPoint& op, ByteSpan script, int state) {
  for_each_wallet([&](WalletState& w) {
    if (w.is_mine(script)) w.owned.insert_or_assign(op, state);
  });
}

const FaucetKey* NodeState::signing_key(ByteSpan script, AddressType& type) const {
  auto from = [&](const WalletState& w) -> const FaucetKey* {
    auto ref = w.key_of(script);
    if (!ref) return nullptr;
    type = ref->type;
    return &w.keys[ref->index];
  };
  if (const FaucetKey* k = from(faucet_)) return k;
  for (const auto& [name, w] : wallets_)
    if (const FaucetKey* k = from(*w)) return k;
  return nullptr;
}

NodeResult<Bytes> NodeState::new_script(WalletState& w, AddressType type) {
  if (!params_.segwit && type != AddressType::legacy)
    return NodeError(rpc_error::invalid_address_or_key, "Unknown address type '" + std::string(to_string(type)) + "'");
  if (!w.has_keys) return NodeError(rpc_error::wallet_keypool_ran_out, "Error: This wallet has no available keys");
  return w.script_of(w.take_key(), type);
}

std::optional<NodeState::OwnedView> NodeState::owned_view(const OutPoint& op, int state) const {
  if (state == -1) {
    auto it = mempool_.find(op.txid);
    if (it == mempool_.end() || op.index >= it->second.tx.outputs().size()) return std::nullopt;
    return OwnedView{op, &it->second.tx.outputs()[op.index], 0, false};
  }
  auto it = utxos_.find(op);
  if (it == utxos_.end()) return std::nullopt;
  return OwnedView{op, &it->second.out, height() - it->second.height + 1, it->second.coinbase};
}

Transaction NodeState::sign_inputs(MutableTransaction m, const std::vector<TxOut>& spent) const {
  const Transaction unsigned_tx(m);
  bool taproot = false;
  for (const TxOut& o : spent) taproot |= classify(o.script_pubkey) == ScriptType::p2tr;
  const PrecomputedTxData pre = taproot ? PrecomputedTxData(unsigned_tx, spent) : PrecomputedTxData(unsigned_tx);
  const bool forkid = params_.forkid();
  for (std::size_t i = 0; i < m.inputs.size(); ++i) {
    AddressType type = AddressType::legacy;
    const FaucetKey* found = signing_key(spent[i].script_pubkey, type);
    if (!found) continue;
    const FaucetKey& k = *found;
    TxIn& in = m.inputs[i];
    auto ecdsa = [&](const Hash256& digest, std::uint8_t hash_type) {
      const DerSignature der = k.key.sign(digest, NonceGrinding::none).to_der();
      Bytes sig(der.span().begin(), der.span().end());
      sig.push_back(hash_type);
      return sig;
    };
    const Hash160 id = k.pubkey.key_id();
    switch (type) {
      case AddressType::legacy: {
        Hash256 digest;
        std::uint8_t hash_type = sighash_all;
        if (forkid) {
          hash_type |= sighash_forkid;
          digest = forkid_sighash(unsigned_tx, pre, i, spent[i].script_pubkey, spent[i].value,
                                  hash_type | (params_.fork_id << 8))
                       .value();
        } else {
          digest = legacy_sighash(unsigned_tx, i, spent[i].script_pubkey, hash_type);
        }
        in.script_sig.clear();
        push_data(in.script_sig, ecdsa(digest, hash_type));
        push_data(in.script_sig, k.pubkey.bytes());
        break;
      }
      case AddressType::p2sh_segwit:
      case AddressType::bech32: {
        const Bytes code = p2pkh_script(id);
        const Hash256 digest = segwit_v0_sighash(unsigned_tx, pre, i, code, spent[i].value, sighash_all).value();
        in.script_sig.clear();
        if (type == AddressType::p2sh_segwit) push_data(in.script_sig, p2wpkh_script(id));
        in.witness = {ecdsa(digest, sighash_all), Bytes(k.pubkey.bytes().begin(), k.pubkey.bytes().end())};
        break;
      }
      case AddressType::bech32m: {
        const Hash256 digest = taproot_sighash(unsigned_tx, pre, i, sighash_default).value();
        const std::array<std::uint8_t, 32> aux{};
        const SchnorrSignature sig = schnorr_sign(k.taproot_key, digest.span(), aux);
        in.witness = {Bytes(sig.begin(), sig.end())};
        break;
      }
    }
  }
  return Transaction(std::move(m));
}

NodeResult<Transaction> NodeState::faucet_send(std::span<const Payment> payments, const SendOptions& o) {
  WalletState* found = wallet(o.wallet);
  if (!found) return NodeError(rpc_error::wallet_not_found, "Requested wallet does not exist or is not loaded");
  WalletState& w = *found;
  if (payments.empty()) return NodeError(rpc_error::invalid_parameter, "Transaction must have at least one recipient");
  std::int64_t total = 0;
  for (const Payment& p : payments) {
    if (p.amount <= 0) return NodeError(rpc_error::type_error, "Invalid amount for send");
    total += p.amount;
    if (total > max_money) return NodeError(rpc_error::type_error, "Amount out of range");
  }
  const std::int64_t rate = o.fee_rate_sat_per_kvb ? o.fee_rate_sat_per_kvb : opt_.faucet_fee_rate_sat_per_kvb;
  MutableTransaction m;
  m.version = 2;
  for (const Payment& p : payments) m.outputs.push_back(TxOut{p.amount, p.script_pubkey});
  double vbytes = 10.5;
  for (const TxOut& out : m.outputs) vbytes += 9 + out.script_pubkey.size();
  // (A wallet without keys was never paid: it fails below with "Insufficient funds".)
  const Bytes change_script = w.has_keys ? w.script_of(w.take_key(), default_type()) : Bytes{};
  const double change_vbytes = 9 + change_script.size();
  std::vector<TxOut> spent;
  std::int64_t in_value = 0;
  auto add_input = [&](const OutPoint& op, const TxOut& out) {
    m.inputs.push_back(TxIn{op, {}, mempool_sequence, {}});
    spent.push_back(out);
    in_value += out.value;
    auto ref = w.key_of(out.script_pubkey);
    vbytes += input_vbytes(ref ? ref->type : AddressType::legacy);
  };
  auto fee_now = [&](bool with_change) {
    return fee_for(rate, static_cast<std::size_t>(std::ceil(vbytes + (with_change ? change_vbytes : 0))));
  };
  if (!o.inputs.empty()) {
    for (const OutPoint& op : o.inputs) {
      auto it = w.owned.find(op);
      auto v = it == w.owned.end() ? std::nullopt : owned_view(op, it->second);
      if (!v) return NodeError(rpc_error::invalid_parameter, "Input not found or already spent");
      add_input(op, *v->out);
    }
  } else {
    // Largest coins first, confirmed before unconfirmed: few inputs, short unconfirmed chains.
    std::vector<OwnedView> coins;
    for_each_spendable(w, [&](const OwnedView& v) { coins.push_back(v); });
    std::sort(coins.begin(), coins.end(), [](const OwnedView& a, const OwnedView& b) {
      if ((a.confirmations > 0) != (b.confirmations > 0)) return a.confirmations > 0;
      if (a.out->value != b.out->value) return a.out->value > b.out->value;
      return a.op < b.op;
    });
    const bool subtract = o.subtract_fee_from_first;
    for (const OwnedView& v : coins) {
      if (in_value >= total + (subtract ? 0 : fee_now(true))) break;
      add_input(v.op, *v.out);
    }
    if (in_value < total + (subtract ? 0 : fee_now(false)))
      return NodeError(rpc_error::wallet_insufficient_funds, "Insufficient funds");
  }
  if (o.subtract_fee_from_first) {
    // The fee comes out of the first output; whatever the inputs hold beyond is change.
    TxOut change_out{in_value - total, change_script};
    const bool with_change = change_out.value >= dust_threshold(change_out) && change_out.value > 0;
    m.outputs[0].value -= fee_now(with_change);
    if (m.outputs[0].value < dust_threshold(m.outputs[0]))
      return NodeError(rpc_error::wallet_error, "The transaction amount is too small to pay the fee");
    if (with_change) m.outputs.push_back(std::move(change_out));
  } else {
    TxOut change_out{in_value - total - fee_now(true), change_script};
    if (change_out.value >= dust_threshold(change_out) && change_out.value > 0)
      m.outputs.push_back(std::move(change_out));
    else if (in_value - total < fee_now(false))
      return NodeError(rpc_error::wallet_insufficient_funds, "Insufficient funds");
  }
  for (const TxOut& out : m.outputs)
    if (out.value < dust_threshold(out)) return NodeError(rpc_error::wallet_error, "Transaction amount too small");
  Transaction tx = sign_inputs(std::move(m), spent);
  if (o.submit) {
    AcceptOptions a;
    a.verify_scripts = opt_.verify_own_transactions;
    auto r = accept(tx, a);
    if (!r) return r.error();
  }
  return tx;
}

}  // namespace coinkit::regtest::detail
