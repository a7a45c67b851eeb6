// A naive index for tests: scans every block of a chain, keeps every script's history, balance
// and unspent outputs in plain maps: the independent answer the indexer is checked against.
#pragma once

#include <coinkit/chain/script.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/indexer/index.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

namespace coinkit::test {

struct ReferenceIndex {
  struct Out {
    ScriptHash script;
    std::int64_t value;
    int height;
    std::size_t tx_order;  // global position, for chain order
  };
  std::map<ScriptHash, std::vector<indexer::HistoryItem>> history;
  std::map<std::pair<Txid, std::uint32_t>, Out> utxos;
  std::size_t tx_order = 0;

  // Blocks in chain order, genesis first. The genesis coinbase is never indexed (unspendable
  // by consensus), as in every Electrum server.
  void add_block(const Block& block, int height) {
    for (const Transaction& tx : block.transactions) {
      const Txid txid = tx.txid();
      std::set<ScriptHash> touched;
      if (!tx.is_coinbase())
        for (const auto& in : tx.inputs()) {
          auto it = utxos.find({in.prevout.txid, in.prevout.index});
          if (it == utxos.end()) throw std::runtime_error("reference: missing prevout");
          touched.insert(it->second.script);
          utxos.erase(it);
        }
      if (height > 0)
        for (std::uint32_t i = 0; i < tx.outputs().size(); ++i) {
          const auto& o = tx.outputs()[i];
          if (is_unspendable(o.script_pubkey)) continue;
          const ScriptHash sh = electrum_scripthash(o.script_pubkey);
          touched.insert(sh);
          utxos[{txid, i}] = {sh, o.value, height, tx_order};
        }
      for (const auto& sh : touched) history[sh].push_back({txid, height, 0});
      ++tx_order;
    }
  }

  std::vector<indexer::UnspentItem> unspent(const ScriptHash& sh) const {
    std::vector<std::pair<std::size_t, indexer::UnspentItem>> v;
    for (const auto& [op, o] : utxos)
      if (o.script == sh) v.push_back({o.tx_order, {op.first, op.second, o.value, o.height}});
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second.vout < b.second.vout;
    });
    std::vector<indexer::UnspentItem> out;
    for (auto& [k, u] : v) out.push_back(u);
    return out;
  }
  std::int64_t balance(const ScriptHash& sh) const {
    std::int64_t b = 0;
    for (const auto& [op, o] : utxos)
      if (o.script == sh) b += o.value;
    return b;
  }
};

}  // namespace coinkit::test
