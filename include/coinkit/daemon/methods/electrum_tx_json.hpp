// Electrum's JSON of a transaction: Transaction.to_json() as get_transaction and deserialize
// answer it (PartialTransaction.to_json() for a PSBT), and the inputs and outputs
// onchain_history lists with show_addresses.
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/address/base58.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/core/amount.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/writer.hpp>
#include <coinkit/wallet/psbt.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <initializer_list>
#include <map>
#include <string>

namespace coinkit::daemon {

namespace tx_json_detail {

// A witness stack as Electrum keeps it: serialized, an item count then each item.
inline std::string witness_hex(const Witness& witness) {
  Bytes w;
  BytesSink sink{w};
  ByteWriter<BytesSink> writer(sink);
  writer.compact_size(witness.size());
  for (const Bytes& item : witness) writer.var_bytes(item);
  return to_hex(w);
}

inline boost::json::value address_or_null(ByteSpan script, const AddressFormat& format) {
  auto address = to_address(script, format);
  return address ? boost::json::value(boost::json::string(*address)) : boost::json::value(nullptr);
}

inline boost::json::value hex_or_null(const Bytes& b) {
  return b.empty() ? boost::json::value(nullptr) : boost::json::value(boost::json::string(to_hex(b)));
}

// BIP32 origins as Electrum shows them: the fingerprint's hex and "m/0'/1".
inline boost::json::array origin_json(const wallet::KeyOrigin& origin) {
  std::string path = "m";
  for (std::uint32_t index : origin.path) {
    path += "/" + std::to_string(index & 0x7fffffffu);
    if (index & 0x80000000u) path += "'";
  }
  return {boost::json::string(to_hex(origin.fingerprint)), boost::json::string(path)};
}
inline boost::json::object key_origins(const std::map<Bytes, wallet::KeyOrigin>& paths) {
  boost::json::object out;
  for (const auto& [pubkey, origin] : paths) out.emplace(to_hex(pubkey), origin_json(origin));
  return out;
}

// Electrum keeps every record it does not read as unknown: the full key's hex to the value's.
inline boost::json::object unknown_records(std::initializer_list<const wallet::PsbtRecords*> groups) {
  boost::json::object out;
  for (const wallet::PsbtRecords* records : groups)
    for (const auto& [key, value] : *records) out.emplace(to_hex(key), to_hex(value));
  return out;
}

}  // namespace tx_json_detail

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
    if (segwit) o.emplace("witness", tx_json_detail::witness_hex(in.witness));
    inputs.push_back(std::move(o));
  }
  for (const TxOut& out : tx.outputs())
    outputs.push_back(boost::json::object{{"scriptpubkey", to_hex(out.script_pubkey)},
                                          {"address", tx_json_detail::address_or_null(out.script_pubkey, format)},
                                          {"value_sats", out.value}});
  return {{"version", tx.version()},
          {"locktime", tx.lock_time()},
          {"inputs", std::move(inputs)},
          {"outputs", std::move(outputs)}};
}

// Electrum's PartialTransaction.to_json(): each input and output with its PSBT records; a final
// input's scriptSig and witness; records Electrum does not read listed as unknown.
inline boost::json::object electrum_psbt_json(const wallet::Psbt& psbt, const AddressFormat& format) {
  using namespace tx_json_detail;
  const MutableTransaction tx = psbt.unsigned_tx();
  boost::json::array inputs, outputs;
  for (std::size_t i = 0; i < psbt.inputs.size(); ++i) {
    const wallet::PsbtInput& in = psbt.inputs[i];
    boost::json::object o{{"prevout_hash", in.prevout.txid.to_hex()},
                          {"prevout_n", in.prevout.index},
                          {"coinbase", false},
                          {"nsequence", tx.inputs[i].sequence}};
    if (in.is_final()) {
      o.emplace("scriptSig", to_hex(in.final_script_sig));
      if (!in.final_script_witness.empty()) o.emplace("witness", witness_hex(in.final_script_witness));
    }
    const auto spent = in.spent_output();
    Bytes witness_utxo;
    if (in.witness_utxo) {
      BytesSink sink{witness_utxo};
      ByteWriter<BytesSink> w(sink);
      w.le64(static_cast<std::uint64_t>(in.witness_utxo->value));
      w.var_bytes(in.witness_utxo->script_pubkey);
    }
    boost::json::object sigs;
    for (const auto& [id, sig] : in.partial_sigs) sigs.emplace(sig.first.to_hex(), to_hex(sig.second));
    o.emplace("height", nullptr);
    o.emplace("value_sats", spent ? boost::json::value(spent->value) : boost::json::value(nullptr));
    o.emplace("address", spent ? address_or_null(spent->script_pubkey, format) : boost::json::value(nullptr));
    o.emplace("utxo", in.non_witness_utxo
                          ? boost::json::value(boost::json::string(to_hex(in.non_witness_utxo->serialize())))
                          : boost::json::value(nullptr));
    o.emplace("witness_utxo", hex_or_null(witness_utxo));
    o.emplace("sighash",
              in.sighash_type && !in.is_final() ? boost::json::value(*in.sighash_type) : boost::json::value(nullptr));
    o.emplace("redeem_script", hex_or_null(in.redeem_script));
    o.emplace("witness_script", hex_or_null(in.witness_script));
    o.emplace("part_sigs", std::move(sigs));
    o.emplace("bip32_paths", key_origins(in.bip32_paths));
    o.emplace("unknown_psbt_fields", unknown_records({&in.signing_data, &in.proprietary, &in.unknown}));
    inputs.push_back(std::move(o));
  }
  for (const wallet::PsbtOutput& out : psbt.outputs)
    outputs.push_back(
        boost::json::object{{"scriptpubkey", to_hex(out.script)},
                            {"address", address_or_null(out.script, format)},
                            {"value_sats", out.amount},
                            {"redeem_script", hex_or_null(out.redeem_script)},
                            {"witness_script", hex_or_null(out.witness_script)},
                            {"bip32_paths", key_origins(out.bip32_paths)},
                            {"unknown_psbt_fields", unknown_records({&out.taproot, &out.proprietary, &out.unknown})}});
  boost::json::object xpubs;  // Electrum shows each as its base58 text
  for (const auto& [xpub, origin] : psbt.xpubs) xpubs.emplace(base58check_encode(xpub), origin_json(origin));
  return {{"version", tx.version},       {"locktime", tx.lock_time},
          {"inputs", std::move(inputs)}, {"outputs", std::move(outputs)},
          {"xpubs", std::move(xpubs)},   {"unknown_psbt_fields", unknown_records({&psbt.proprietary, &psbt.unknown})}};
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
