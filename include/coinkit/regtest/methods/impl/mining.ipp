// The bodies of <coinkit/regtest/methods/mining.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/regtest/methods/mining.hpp>

#include <coinkit/core/hex.hpp>

#include <string>
#include <vector>

namespace coinkit::regtest {

json::value MiningMethods::generatetoaddress(int nblocks, std::string_view address,
                                             std::optional<std::int64_t> /*maxtries*/) {
  json::array out;
  for (const BlockHash& h : node_.generate_to_address(nblocks, address).value()) out.emplace_back(h.to_hex());
  return out;
}

Bytes MiningMethods::output_script(std::string_view output) const {
  std::string_view body = output.substr(0, output.find('#'));
  if (body.size() > 6 && body.substr(0, 5) == "addr(" && body.back() == ')') body = body.substr(5, body.size() - 6);
  if (body.size() > 5 && body.substr(0, 4) == "raw(" && body.back() == ')')
    if (auto raw = try_from_hex(body.substr(4, body.size() - 5))) return *raw;
  auto script = to_script_pubkey(body, node_.params().address_format());
  if (!script) fail(rpc_error::invalid_address_or_key, "Error: Invalid address or descriptor");
  return *script;
}

json::value MiningMethods::generateblock(std::string_view output, const json::array& transactions, bool submit) {
  const Bytes script = output_script(output);
  if (!submit) fail(rpc_error::invalid_parameter, "submit=false is not supported by this node");
  std::vector<BlockTxSource> txs;
  for (const json::value& v : transactions) {
    const std::string_view s = string_element(v);
    if (s.size() == 64)
      if (auto txid = Txid::try_from_hex(s)) {
        txs.emplace_back(*txid);
        continue;
      }
    auto raw = try_from_hex(s);
    if (!raw)
      fail(rpc_error::deserialization_error,
           "Transaction decode failed for " + std::string(s) + ". Make sure the tx has at least one input.");
    txs.emplace_back(std::move(*raw));
  }
  return json::object{{"hash", node_.generate_block(script, txs).value().to_hex()}};
}

json::value MiningMethods::submitblock(std::string_view hexdata, std::optional<std::string_view> /*dummy*/) {
  auto raw = try_from_hex(hexdata);
  if (!raw) fail(rpc_error::deserialization_error, "Block decode failed");
  const std::optional<std::string> r = node_.submit_block(*raw).value();
  return r ? json::value(*r) : json::value();
}

}  // namespace coinkit::regtest
