// query_lines: LocalRPC's "query": the history, unspent outputs and balance of addresses or
// scripts, as lines of text in ElectrumX's wording.
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/coins/network.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/rpc/python.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit::electrum {

// Each item is script hex or an address of `network`; items that are neither are skipped, as
// ElectrumX skips them. At most `limit` history entries and unspent outputs per item.
template <class Index>
std::vector<std::string> query_lines(const Index& index, const Network& network, std::string_view ticker,
                                     const std::vector<std::string>& items, std::size_t limit) {
  std::vector<std::string> lines;
  for (const std::string& item : items) {
    Bytes script;
    if (auto hex = try_from_hex(item)) {
      script = std::move(*hex);
      lines.push_back("Script: " + item);
    } else if (auto s = to_script_pubkey(item, network.address)) {
      script = std::move(*s);
      lines.push_back("Address: " + item);
    } else {
      continue;
    }
    const ScriptHash sh = electrum_scripthash(script);
    auto history = index.history(sh, limit == 0 ? SIZE_MAX : limit);
    std::size_t n = 0;
    if (history)
      for (const auto& h : *history) {
        if (h.height <= 0) continue;  // confirmed history only, as ElectrumX's DB query
        lines.push_back("History #" + rpc::with_commas(static_cast<std::int64_t>(n++)) + ": height " +
                        rpc::with_commas(h.height) + " tx_hash " + h.txid.to_hex());
      }
    else
      lines.push_back("History too large (over " + rpc::with_commas(static_cast<std::int64_t>(limit)) + " entries)");
    if (history && n == 0) lines.push_back("No history found");
    std::int64_t balance = 0;
    n = 0;
    if (auto utxos = index.unspent(sh)) {
      for (const auto& u : *utxos) {
        if (u.height <= 0) continue;
        balance += u.value;
        if (n < limit)
          lines.push_back("UTXO #" + rpc::with_commas(static_cast<std::int64_t>(++n)) + ": tx_hash " + u.txid.to_hex() +
                          " tx_pos " + rpc::with_commas(u.vout) + " height " + rpc::with_commas(u.height) + " value " +
                          rpc::with_commas(u.value));
      }
    }
    if (n == 0) lines.push_back("No UTXOs found");
    char amount[64];
    std::snprintf(amount, sizeof amount, "%lld.%08lld", static_cast<long long>(balance / 100'000'000),
                  static_cast<long long>(balance % 100'000'000));
    lines.push_back("Balance: " + std::string(amount) + " " + std::string(ticker));
  }
  return lines;
}

}  // namespace coinkit::electrum
