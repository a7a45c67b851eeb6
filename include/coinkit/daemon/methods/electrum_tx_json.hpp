// Electrum's JSON of a transaction: Transaction.to_json() as get_transaction answers it, and the
// inputs and outputs onchain_history lists with show_addresses.
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/core/amount.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/writer.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace coinkit::daemon {

// Electrum's Transaction.to_json(): inputs with scriptSig (and the witness, serialized, in a
// segwit transaction), outputs with their address (null when the script has none).
inline boost::json::object electrum_tx_json(const Transaction& tx, const AddressFormat& format) {
  boost::json::array inputs, outputs;
  const bool segwit = tx.has_witness();
  for (const TxIn& in : tx.inputs()) {
    boost::json::object o{{"prevout_hash", in.prevout.txid.to_hex()},
                          {"prevout_n", in.prevout.index},
                          {"coinbase", false},
                          {"nsequence", in.sequence},
                          {"scriptSig", to_hex(in.script_sig)}};
    if (segwit) {
      Bytes w;
      BytesSink sink{w};
      ByteWriter<BytesSink> writer(sink);
      writer.compact_size(in.witness.size());
      for (const Bytes& item : in.witness) writer.var_bytes(item);
      o.emplace("witness", to_hex(w));
    }
    inputs.push_back(std::move(o));
  }
  for (const TxOut& out : tx.outputs()) {
    auto address = to_address(out.script_pubkey, format);
    outputs.push_back(boost::json::object{
        {"scriptpubkey", to_hex(out.script_pubkey)},
        {"address", address ? boost::json::value(boost::json::string(*address)) : boost::json::value(nullptr)},
        {"value_sats", out.value}});
  }
  return {{"version", tx.version()},
          {"locktime", tx.lock_time()},
          {"inputs", std::move(inputs)},
          {"outputs", std::move(outputs)}};
}

// What get_detailed_history adds with show_addresses, after json_normalize (keys sorted): the
// inputs as above, and each output's address with its value in format_satoshis.
inline boost::json::array electrum_inputs_sorted(const Transaction& tx, const AddressFormat& format) {
  boost::json::array out;
  for (auto& in : electrum_tx_json(tx, format).at("inputs").as_array()) {
    const auto& o = in.as_object();
    boost::json::object sorted;
    for (const char* key : {"coinbase", "nsequence", "prevout_hash", "prevout_n", "scriptSig", "witness"})
      if (const auto* v = o.if_contains(key)) sorted.emplace(key, *v);
    out.push_back(std::move(sorted));
  }
  return out;
}
inline boost::json::array electrum_outputs_with_addresses(const Transaction& tx, const AddressFormat& format,
                                                          unsigned decimals) {
  boost::json::array out;
  for (const TxOut& o : tx.outputs()) {
    auto address = to_address(o.script_pubkey, format);
    out.push_back(boost::json::object{
        {"address", address ? boost::json::value(boost::json::string(*address)) : boost::json::value(nullptr)},
        {"value", format_amount(o.value, decimals, amount_style::satoshis)}});
  }
  return out;
}

}  // namespace coinkit::daemon
