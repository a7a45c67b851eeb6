// The bodies of <coinkit/regtest/methods/blockchain.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/regtest/methods/blockchain.hpp>

#include <coinkit/regtest/rpc_decode.hpp>

namespace coinkit::regtest {

json::value BlockchainMethods::getblockheader(std::string_view blockhash, bool verbose) {
  const BlockInfo b = node_.block(parse_hash<BlockHash>(blockhash, "hash")).value();
  if (!verbose) return json::value(to_hex(b.header.serialize()));
  return header_json(b);
}

json::value BlockchainMethods::getblock(std::string_view blockhash, const json::value& verbosity) {
  const BlockInfo b = node_.block(parse_hash<BlockHash>(blockhash, "blockhash")).value();
  const int level = parse_verbosity(verbosity, 1);
  if (level <= 0) return json::value(to_hex(*b.raw));
  return block_json(node_, b, level);
}

json::value BlockchainMethods::getchaintips() {
  json::array out;
  for (const ChainTip& t : node_.chain_tips())
    out.emplace_back(json::object{{"height", t.height},
                                  {"hash", t.hash.to_hex()},
                                  {"branchlen", t.branch_length},
                                  {"status", to_string(t.status)}});
  return out;
}

json::value BlockchainMethods::getrawtransaction(std::string_view txid_hex, const json::value& verbosity,
                                                 std::optional<std::string_view> blockhash) {
  const Txid txid = parse_hash<Txid>(txid_hex, "parameter 1");
  const int level = parse_verbosity(verbosity, 0);
  std::optional<BlockHash> block;
  if (blockhash) block = parse_hash<BlockHash>(*blockhash, "parameter 3");
  if (txid == node_.params().genesis.transactions[0].txid())
    fail(rpc_error::invalid_address_or_key,
         "The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved");
  const TxLookup found = node_.transaction(txid, block).value();
  if (level <= 0) return json::value(to_hex(found.tx.serialize()));
  json::object o;
  if (block) o["in_active_chain"] = found.in_active_chain;
  for (auto& kv : tx_to_json(found.tx, node_.params().address_format(), node_.params().forkid()))
    o[kv.key()] = std::move(kv.value());
  if (found.block_hash) {
    o["blockhash"] = found.block_hash->to_hex();
    if (found.in_active_chain) {
      o["confirmations"] = found.confirmations;
      o["time"] = found.block_time;
      o["blocktime"] = found.block_time;
    } else {
      o["confirmations"] = 0;
    }
  }
  return o;
}

json::value BlockchainMethods::invalidateblock(std::string_view blockhash) {
  node_.invalidate_block(parse_hash<BlockHash>(blockhash, "blockhash")).value();
  return nullptr;
}

json::value BlockchainMethods::reconsiderblock(std::string_view blockhash) {
  node_.reconsider_block(parse_hash<BlockHash>(blockhash, "blockhash")).value();
  return nullptr;
}

}  // namespace coinkit::regtest
