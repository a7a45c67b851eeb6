// bitcoind's JSON of the chain a regtest node holds: getblockchaininfo, block headers and blocks
// at each verbosity. Shared by the JSON-RPC server and REST.
#pragma once

#include <coinkit/chain/block_view.hpp>
#include <coinkit/chain/target.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_decode.hpp>
#include <coinkit/rpc/bitcoind.hpp>
#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

namespace coinkit::regtest {

namespace json = boost::json;

// GetDifficulty: the genesis target's mantissa over this one's, scaled by the exponents.
inline double difficulty(std::uint32_t bits) noexcept {
  int shift = static_cast<int>((bits >> 24) & 0xff);
  double d = 65535.0 / static_cast<double>(bits & 0x00ffffff);
  for (; shift < 29; ++shift) d *= 256.0;
  for (; shift > 29; --shift) d /= 256.0;
  return d;
}

// The expanded compact target as 64 hex digits (getblockchaininfo/getblockheader "target", v29).
inline std::string target_hex(std::uint32_t bits) {
  const auto target = Target::from_compact(bits);
  auto be = target ? target->to_le_bytes() : std::array<std::uint8_t, 32>{};
  std::reverse(be.begin(), be.end());  // printed big-endian
  return to_hex(be);
}

inline std::string hex32(std::uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

// getblockchaininfo (v29 fields; "warnings" an array as since v28).
inline json::object blockchain_info_json(const BasicNode& node) {
  const ChainInfo c = node.chain_info();
  json::object o(16);
  o["chain"] = "regtest";
  o["blocks"] = c.height;
  o["headers"] = c.height;
  o["bestblockhash"] = c.best_hash.to_hex();
  o["bits"] = hex32(c.bits);
  o["target"] = target_hex(c.bits);
  o["difficulty"] = json::value(difficulty(c.bits));
  o["time"] = c.time;
  o["mediantime"] = c.median_time_past;
  o["verificationprogress"] = json::value(1.0);
  o["initialblockdownload"] = false;
  o["chainwork"] = chainwork_hex(c.chainwork);
  o["size_on_disk"] = c.size_on_disk;
  o["pruned"] = false;
  o["warnings"] = json::array();
  return o;
}

// blockheaderToJSON.
inline json::object header_json(const BlockInfo& b) {
  json::object o(20);
  o["hash"] = b.hash.to_hex();
  o["confirmations"] = b.confirmations;
  o["height"] = b.height;
  o["version"] = b.header.version;
  o["versionHex"] = hex32(static_cast<std::uint32_t>(b.header.version));
  o["merkleroot"] = BlockHash::from(b.header.merkle_root).to_hex();
  o["time"] = b.header.time;
  o["mediantime"] = b.median_time_past;
  o["nonce"] = b.header.nonce;
  o["bits"] = hex32(b.header.bits);
  o["target"] = target_hex(b.header.bits);
  o["difficulty"] = json::value(difficulty(b.header.bits));
  o["chainwork"] = chainwork_hex(b.chainwork);
  o["nTx"] = b.tx_count;
  if (b.height > 0) o["previousblockhash"] = b.header.prev_hash.to_hex();
  if (b.next_hash) o["nextblockhash"] = b.next_hash->to_hex();
  return o;
}

// getblock at verbosity 1 (txids) or 2 (decoded transactions, with fees where the node has the
// block's undo data, i.e. on the active chain).
inline json::object block_json(const BasicNode& node, const BlockInfo& b, int verbosity) {
  json::object o = header_json(b);
  o["strippedsize"] = b.stripped_size;
  o["size"] = b.size;
  o["weight"] = b.weight;
  BlockView view;
  json::array txs;
  if (b.raw && !view.assign(*b.raw)) {
    txs.reserve(view.transactions().size());
    if (verbosity <= 1) {
      for (const TxView& tx : view.transactions()) txs.emplace_back(tx.txid.to_hex());
    } else {
      const auto spent = node.block_spent_outputs(b.hash);
      const AddressFormat& format = node.params().address_format();
      const bool forkid = node.params().forkid();
      // Undo data may or may not hold an (empty) entry for the coinbase.
      const std::size_t n_tx = view.transactions().size();
      const std::size_t skip = spent && spent->size() + 1 == n_tx ? 1 : 0;
      std::size_t i = 0;
      for (const TxView& tx : view.transactions()) {
        std::optional<std::int64_t> fee;
        if (spent && i >= skip && i - skip < spent->size() && !tx.is_coinbase() &&
            (*spent)[i - skip].size() == tx.inputs.size()) {
          std::int64_t in = 0, out = 0;
          for (const TxOut& o : (*spent)[i - skip]) in += o.value;
          for (const TxOutView& o : tx.outputs) out += o.value;
          fee = in - out;
        }
        txs.emplace_back(tx_to_json(tx, format, forkid, true, fee));
        ++i;
      }
    }
  }
  o["tx"] = std::move(txs);
  return o;
}

}  // namespace coinkit::regtest
