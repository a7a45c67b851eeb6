// WalletHistory: a wallet's transactions and the history of each of its addresses, as the
// server reported them, and what Electrum computes from them: coins, balance, spends.
#pragma once

#include <coinkit/chain/electrum_status.hpp>
#include <coinkit/chain/outpoint.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/wallet/chain_source.hpp>

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace coinkit::wallet {

inline constexpr int coinbase_maturity = 100;

struct WalletTx {
  Transaction tx;
  int height = 0;               // the server's: > 0 mined, 0 or -1 in the mempool
  bool verified = false;        // its merkle branch leads to the header at `height` (SPV)
  std::uint32_t pos = 0;        // its position in the block, once verified
  std::uint32_t timestamp = 0;  // the block's time, once verified
};

// An output paid to one of the wallet's addresses (`slot`), spent or not.
struct WalletCoin {
  OutPoint outpoint;
  std::int64_t value = 0;
  std::uint32_t slot = 0;
  int height = 0;  // of the funding transaction
  bool coinbase = false;
  std::optional<Txid> spent_by;
  int spent_height = 0;
};

struct WalletBalance {
  std::int64_t confirmed = 0;    // confirmed and mature (Electrum's c)
  std::int64_t unconfirmed = 0;  // Electrum's u
  std::int64_t unmatured = 0;    // young coinbase outputs (Electrum's x)
};

// Addresses are numbered by the wallet (slots), each with its history; their scripts are the
// wallet's (the computations take `script_of(slot)`), kept once for all.
class WalletHistory {
 public:
  std::uint32_t add_slot() {
    slots_.emplace_back();
    return static_cast<std::uint32_t>(slots_.size() - 1);
  }
  std::size_t slot_count() const noexcept { return slots_.size(); }
  void shrink_to_fit() { slots_.shrink_to_fit(); }
  const std::vector<HistoryItem>& history(std::uint32_t slot) const { return slots_[slot]; }
  // The Electrum status of the slot's history (computed: statuses are compared only when a
  // server sends one, and kept they would cost a third of an empty wallet).
  std::optional<Hash256> status(std::uint32_t slot) const { return electrum_status(slots_[slot]); }
  bool is_used(std::uint32_t slot) const { return !slots_[slot].empty(); }
  // How many times a used slot's history went empty (a reorg or an eviction took it away): what
  // was searched for unused slots before is out of date when this moved.
  std::uint64_t slots_emptied() const noexcept { return emptied_; }

  // The server's history of a slot, once every transaction in it is known (add_transaction).
  void set_history(std::uint32_t slot, std::vector<HistoryItem> items) {
    boost::unordered_flat_set<Txid, std::hash<Txid>> listed;
    for (const HistoryItem& item : items) {
      listed.insert(item.txid);
      auto it = txs_.find(item.txid);
      if (it != txs_.end() && it->second.height != item.height) {
        it->second.height = item.height;
        it->second.verified = false;  // a reorg moved it: verify again
      }
    }
    // A transaction no address lists any more (a reorg dropped it, the mempool evicted it) is not
    // in a block: it is not verified, and no proof is asked for it block after block.
    for (const HistoryItem& old : slots_[slot])
      if (!listed.contains(old.txid) && !listed_elsewhere(old.txid, slot))
        if (WalletTx* t = transaction(old.txid)) t->height = 0, t->verified = false;
    if (items.empty() && !slots_[slot].empty()) ++emptied_;
    slots_[slot] = std::move(items);
  }

  const WalletTx* transaction(const Txid& txid) const {
    auto it = txs_.find(txid);
    return it == txs_.end() ? nullptr : &it->second;
  }
  WalletTx* transaction(const Txid& txid) {
    auto it = txs_.find(txid);
    return it == txs_.end() ? nullptr : &it->second;
  }
  // Returns false when it was known already.
  bool add_transaction(Transaction tx, int height) {
    const Txid id = tx.txid();
    return txs_.try_emplace(id, WalletTx{std::move(tx), height, false, 0, 0}).second;
  }
  // Transactions verified at `height` or above are not any more: a reorg replaced those blocks.
  void unverify_from(int height) {
    for (auto& [id, t] : txs_)
      if (t.verified && t.height >= height) t.verified = false;
  }

  template <class F>
  void for_each_transaction(F&& f) const {
    for (const auto& [id, t] : txs_) f(id, t);
  }
  std::size_t transaction_count() const noexcept { return txs_.size(); }

  // Every output paid to the wallet (or to the address `only`), with what spends it, as
  // Electrum's get_addr_outputs: a coin is spent by a transaction in its address's history
  // that takes it as an input.
  template <class ScriptOf>
  std::vector<WalletCoin> coins(ScriptOf&& script_of, std::optional<std::uint32_t> only = std::nullopt) const {
    std::vector<WalletCoin> out;
    boost::unordered_flat_map<OutPoint, std::size_t, std::hash<OutPoint>> at;
    const std::uint32_t first = only.value_or(0);
    const std::uint32_t last = only ? *only + 1 : static_cast<std::uint32_t>(slots_.size());
    for (std::uint32_t slot = first; slot < last; ++slot) {
      const ByteSpan script = script_of(slot);
      for (const HistoryItem& item : slots_[slot]) {
        const WalletTx* t = transaction(item.txid);
        if (!t) continue;
        const auto& outputs = t->tx.outputs();
        for (std::uint32_t n = 0; n < outputs.size(); ++n) {
          if (!std::ranges::equal(outputs[n].script_pubkey, script)) continue;
          const OutPoint op{item.txid, n};
          if (at.contains(op)) continue;
          at.emplace(op, out.size());
          out.push_back({op, outputs[n].value, slot, item.height, t->tx.is_coinbase(), std::nullopt, 0});
        }
      }
    }
    for (std::uint32_t slot = first; slot < last; ++slot)
      for (const HistoryItem& item : slots_[slot]) {
        const WalletTx* t = transaction(item.txid);
        if (!t) continue;
        for (const TxIn& in : t->tx.inputs()) {
          auto it = at.find(in.prevout);
          if (it == at.end()) continue;
          out[it->second].spent_by = item.txid;
          out[it->second].spent_height = item.height;
        }
      }
    return out;
  }

  // Electrum's get_balance: unspent coins only; an unconfirmed coin counts as confirmed up to
  // what its transaction spent of the wallet's confirmed coins (change of a confirmed payment).
  template <class ScriptOf>
  WalletBalance balance(int local_height, ScriptOf&& script_of,
                        std::optional<std::uint32_t> only = std::nullopt) const {
    const auto all = coins(script_of, only);
    boost::unordered_flat_map<OutPoint, const WalletCoin*, std::hash<OutPoint>> by_outpoint;
    for (const auto& c : all) by_outpoint.emplace(c.outpoint, &c);
    WalletBalance b;
    const int mempool_height = local_height + 1;
    for (const WalletCoin& c : all) {
      if (c.spent_by) continue;
      if (c.coinbase && c.height + coinbase_maturity > mempool_height) {
        b.unmatured += c.value;
      } else if (c.height > 0) {
        b.confirmed += c.value;
      } else {
        std::int64_t confirmed_spent = 0;
        if (const WalletTx* t = transaction(c.outpoint.txid))
          for (const TxIn& in : t->tx.inputs())
            if (auto it = by_outpoint.find(in.prevout); it != by_outpoint.end() && it->second->height > 0)
              confirmed_spent += it->second->value;
        if (confirmed_spent >= c.value) {
          b.confirmed += c.value;
        } else {
          b.confirmed += confirmed_spent;
          b.unconfirmed += c.value - confirmed_spent;
        }
      }
    }
    return b;
  }

 private:
  bool listed_elsewhere(const Txid& txid, std::uint32_t except) const {
    for (std::uint32_t slot = 0; slot < slots_.size(); ++slot)
      if (slot != except && std::ranges::any_of(slots_[slot], [&](const HistoryItem& i) { return i.txid == txid; }))
        return true;
    return false;
  }

  std::vector<std::vector<HistoryItem>> slots_;
  boost::unordered_flat_map<Txid, WalletTx, std::hash<Txid>> txs_;
  std::uint64_t emptied_ = 0;
};

}  // namespace coinkit::wallet
