// bitcoind's decoded JSON of scripts and transactions: asm, inferred descriptors with their
// checksum, scriptPubKey objects and the transaction object of getrawtransaction and getblock.
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/address/address_format.hpp>
#include <coinkit/chain/opcodes.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/chain/signature_encoding.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/chain/tx_view.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/keys/schnorr.hpp>
#include <coinkit/rpc/bitcoind.hpp>
#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coinkit::regtest {

namespace json = boost::json;

// GetOpName (script.cpp): the protocol's spelling; small integers as numbers.
inline std::string_view opcode_name(std::uint8_t op) noexcept {
  static constexpr std::string_view names_61_to_ba[] = {"OP_NOP",
                                                        "OP_VER",
                                                        "OP_IF",
                                                        "OP_NOTIF",
                                                        "OP_VERIF",
                                                        "OP_VERNOTIF",
                                                        "OP_ELSE",
                                                        "OP_ENDIF",
                                                        "OP_VERIFY",
                                                        "OP_RETURN",
                                                        "OP_TOALTSTACK",
                                                        "OP_FROMALTSTACK",
                                                        "OP_2DROP",
                                                        "OP_2DUP",
                                                        "OP_3DUP",
                                                        "OP_2OVER",
                                                        "OP_2ROT",
                                                        "OP_2SWAP",
                                                        "OP_IFDUP",
                                                        "OP_DEPTH",
                                                        "OP_DROP",
                                                        "OP_DUP",
                                                        "OP_NIP",
                                                        "OP_OVER",
                                                        "OP_PICK",
                                                        "OP_ROLL",
                                                        "OP_ROT",
                                                        "OP_SWAP",
                                                        "OP_TUCK",
                                                        "OP_CAT",
                                                        "OP_SUBSTR",
                                                        "OP_LEFT",
                                                        "OP_RIGHT",
                                                        "OP_SIZE",
                                                        "OP_INVERT",
                                                        "OP_AND",
                                                        "OP_OR",
                                                        "OP_XOR",
                                                        "OP_EQUAL",
                                                        "OP_EQUALVERIFY",
                                                        "OP_RESERVED1",
                                                        "OP_RESERVED2",
                                                        "OP_1ADD",
                                                        "OP_1SUB",
                                                        "OP_2MUL",
                                                        "OP_2DIV",
                                                        "OP_NEGATE",
                                                        "OP_ABS",
                                                        "OP_NOT",
                                                        "OP_0NOTEQUAL",
                                                        "OP_ADD",
                                                        "OP_SUB",
                                                        "OP_MUL",
                                                        "OP_DIV",
                                                        "OP_MOD",
                                                        "OP_LSHIFT",
                                                        "OP_RSHIFT",
                                                        "OP_BOOLAND",
                                                        "OP_BOOLOR",
                                                        "OP_NUMEQUAL",
                                                        "OP_NUMEQUALVERIFY",
                                                        "OP_NUMNOTEQUAL",
                                                        "OP_LESSTHAN",
                                                        "OP_GREATERTHAN",
                                                        "OP_LESSTHANOREQUAL",
                                                        "OP_GREATERTHANOREQUAL",
                                                        "OP_MIN",
                                                        "OP_MAX",
                                                        "OP_WITHIN",
                                                        "OP_RIPEMD160",
                                                        "OP_SHA1",
                                                        "OP_SHA256",
                                                        "OP_HASH160",
                                                        "OP_HASH256",
                                                        "OP_CODESEPARATOR",
                                                        "OP_CHECKSIG",
                                                        "OP_CHECKSIGVERIFY",
                                                        "OP_CHECKMULTISIG",
                                                        "OP_CHECKMULTISIGVERIFY",
                                                        "OP_NOP1",
                                                        "OP_CHECKLOCKTIMEVERIFY",
                                                        "OP_CHECKSEQUENCEVERIFY",
                                                        "OP_NOP4",
                                                        "OP_NOP5",
                                                        "OP_NOP6",
                                                        "OP_NOP7",
                                                        "OP_NOP8",
                                                        "OP_NOP9",
                                                        "OP_NOP10",
                                                        "OP_CHECKSIGADD"};
  static constexpr std::string_view small[] = {"1", "2",  "3",  "4",  "5",  "6",  "7",  "8",
                                               "9", "10", "11", "12", "13", "14", "15", "16"};
  if (op == OP_0) return "0";
  if (op == OP_PUSHDATA1) return "OP_PUSHDATA1";
  if (op == OP_PUSHDATA2) return "OP_PUSHDATA2";
  if (op == OP_PUSHDATA4) return "OP_PUSHDATA4";
  if (op == OP_1NEGATE) return "-1";
  if (op == OP_RESERVED) return "OP_RESERVED";
  if (op >= OP_1 && op <= OP_16) return small[op - OP_1];
  if (op >= OP_NOP && op <= OP_CHECKSIGADD) return names_61_to_ba[op - OP_NOP];
  if (op == OP_INVALIDOPCODE) return "OP_INVALIDOPCODE";
  return "OP_UNKNOWN";
}

namespace rpc_detail {

// mapSigHashTypes; with FORKID (BCH) the names Bitcoin Cash Node prints.
inline std::string_view sighash_name(std::uint8_t type, bool forkid) noexcept {
  const bool anyone = type & 0x80;
  const bool fork = type & 0x40;
  if (fork != forkid) return {};
  switch (type & 0x3f) {
    case 1: return forkid ? (anyone ? "ALL|FORKID|ANYONECANPAY" : "ALL|FORKID") : (anyone ? "ALL|ANYONECANPAY" : "ALL");
    case 2:
      return forkid ? (anyone ? "NONE|FORKID|ANYONECANPAY" : "NONE|FORKID") : (anyone ? "NONE|ANYONECANPAY" : "NONE");
    case 3:
      return forkid ? (anyone ? "SINGLE|FORKID|ANYONECANPAY" : "SINGLE|FORKID")
                    : (anyone ? "SINGLE|ANYONECANPAY" : "SINGLE");
    default: return {};
  }
}

// CScriptNum(vch, false).getint() for pushes of up to 4 bytes.
inline long long script_num(ByteSpan v) noexcept {
  if (v.empty()) return 0;
  long long r = 0;
  for (std::size_t i = 0; i < v.size(); ++i) r |= static_cast<long long>(v[i]) << (8 * i);
  if (v.back() & 0x80) return -(r & ~(0x80LL << (8 * (v.size() - 1))));
  return r;
}

}  // namespace rpc_detail

// ScriptToAsmStr: pushes of up to 4 bytes as numbers, longer ones in hex, other opcodes by
// name, "[error]" where a push runs past the end. `sighash_decode` (scriptSigs) writes a
// strict-DER signature's hash type as "[ALL]".
inline std::string script_to_asm(ByteSpan script, bool sighash_decode = false, bool forkid = false) {
  std::string out;
  std::size_t pos = 0;
  while (pos < script.size()) {
    if (!out.empty()) out.push_back(' ');
    const auto op = next_op(script, pos);
    if (!op) {
      out += "[error]";
      break;
    }
    if (op->opcode > OP_PUSHDATA4) {
      out += opcode_name(op->opcode);
      continue;
    }
    const ByteSpan data = op->push;
    if (data.size() <= 4) {
      out += std::to_string(rpc_detail::script_num(data));
      continue;
    }
    if (sighash_decode && !is_unspendable(script) && is_strict_der_signature(data)) {
      const std::string_view name = rpc_detail::sighash_name(data.back(), forkid);
      if (!name.empty()) {
        out += to_hex(data.first(data.size() - 1));
        out.push_back('[');
        out += name;
        out.push_back(']');
        continue;
      }
    }
    out += to_hex(data);
  }
  return out;
}

// The 8-character checksum descriptors end with (BIP380; "raw(deadbeef)" -> "89f8spxm"); empty
// when the text holds a character descriptors cannot.
inline std::string descriptor_checksum(std::string_view descriptor) {
  static constexpr std::string_view input_charset =
      "0123456789()[],'/*abcdefgh@:$%{}"
      "IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~"
      "ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
  static constexpr std::string_view checksum_charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  // The BCH-style code over GF(32) of BIP380, generator constants as in the BIP.
  const auto polymod = [](std::uint64_t c, unsigned val) {
    const std::uint64_t top = c >> 35;
    c = ((c & 0x7ffffffffULL) << 5) ^ val;
    if (top & 1) c ^= 0xf5dee51989ULL;
    if (top & 2) c ^= 0xa9fdca3312ULL;
    if (top & 4) c ^= 0x1bab10e32dULL;
    if (top & 8) c ^= 0x3706b1677aULL;
    if (top & 16) c ^= 0x644d626ffdULL;
    return c;
  };
  std::uint64_t c = 1;
  unsigned group = 0, group_count = 0;
  for (char ch : descriptor) {
    const auto pos = input_charset.find(ch);
    if (pos == std::string_view::npos) return {};
    c = polymod(c, static_cast<unsigned>(pos & 31));
    group = group * 3 + static_cast<unsigned>(pos >> 5);
    if (++group_count == 3) {
      c = polymod(c, group);
      group = group_count = 0;
    }
  }
  if (group_count > 0) c = polymod(c, group);
  for (int i = 0; i < 8; ++i) c = polymod(c, 0);
  c ^= 1;
  std::string out(8, ' ');
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = checksum_charset[(c >> (5 * (7 - i))) & 31];
  return out;
}

// InferDescriptor without any key knowledge, as decoderawtransaction shows it: pk(), multi(),
// rawtr() for a valid x-only key, addr() for anything with an address, raw() otherwise.
inline std::string infer_descriptor(ByteSpan script_pubkey, const AddressFormat& format) {
  std::string d;
  switch (classify(script_pubkey)) {
    case ScriptType::p2pk: d = "pk(" + to_hex(script_pubkey.subspan(1, script_pubkey.size() - 2)) + ")"; break;
    case ScriptType::multisig: {
      std::size_t pos = 0;
      const auto m = next_op(script_pubkey, pos);
      d = "multi(" + std::to_string(decode_small_int(m->opcode));
      while (pos < script_pubkey.size() - 2) {
        d += ',';  // appended in two steps: "," + string trips GCC 12's -Wrestrict at -O3 (bug 105651)
        d += to_hex(next_op(script_pubkey, pos)->push);
      }
      d += ")";
      break;
    }
    case ScriptType::p2tr:
      if (XOnlyPublicKey::parse(script_pubkey.subspan(2))) {
        d = "rawtr(" + to_hex(script_pubkey.subspan(2)) + ")";
        break;
      }
      [[fallthrough]];
    default:
      if (auto a = to_address(script_pubkey, format))
        d = "addr(" + *a + ")";
      else
        d = "raw(" + to_hex(script_pubkey) + ")";
  }
  return d + "#" + descriptor_checksum(d);
}

// ScriptToUniv with hex and address: {asm, desc, hex, address (when there is one), type}.
inline json::object script_pubkey_json(ByteSpan script_pubkey, const AddressFormat& format) {
  json::object o;
  o["asm"] = script_to_asm(script_pubkey);
  o["desc"] = infer_descriptor(script_pubkey, format);
  o["hex"] = to_hex(script_pubkey);
  const ScriptType type = classify(script_pubkey);
  if (type != ScriptType::p2pk)
    if (auto a = to_address(script_pubkey, format)) o["address"] = *a;
  o["type"] = to_string(type);
  return o;
}

// TxToUniv: txid, hash, version, size, vsize, weight, locktime, vin, vout, fee (when known), hex.
// From a view, so getblock's transactions are decoded without copying a script.
inline json::object tx_to_json(const TxView& tx, const AddressFormat& format, bool forkid, bool include_hex = true,
                               std::optional<std::int64_t> fee = std::nullopt) {
  json::object o(12);
  o["txid"] = tx.txid.to_hex();
  o["hash"] = tx.wtxid().to_hex();
  o["version"] = static_cast<std::int64_t>(static_cast<std::int32_t>(tx.version));
  o["size"] = tx.size();
  o["vsize"] = tx.vsize();
  o["weight"] = tx.weight();
  o["locktime"] = tx.lock_time;
  json::array vin;
  vin.reserve(tx.inputs.size());
  const bool coinbase = tx.is_coinbase();
  for (const TxInView& in : tx.inputs) {
    json::object i(5);
    if (coinbase) {
      i["coinbase"] = to_hex(in.script_sig);
    } else {
      i["txid"] = in.prevout.txid.to_hex();
      i["vout"] = in.prevout.index;
      i["scriptSig"] =
          json::object{{"asm", script_to_asm(in.script_sig, true, forkid)}, {"hex", to_hex(in.script_sig)}};
    }
    if (!in.witness.empty()) {
      json::array w;
      for (ByteSpan item : in.witness) w.emplace_back(to_hex(item));
      i["txinwitness"] = std::move(w);
    }
    i["sequence"] = in.sequence;
    vin.emplace_back(std::move(i));
  }
  o["vin"] = std::move(vin);
  json::array vout;
  vout.reserve(tx.outputs.size());
  std::size_t n = 0;
  for (const TxOutView& out : tx.outputs) {
    json::object v(3);
    v["value"] = rpc::amount_value(out.value);
    v["n"] = n++;
    v["scriptPubKey"] = script_pubkey_json(out.script_pubkey, format);
    vout.emplace_back(std::move(v));
  }
  o["vout"] = std::move(vout);
  if (fee && !coinbase) o["fee"] = rpc::amount_value(*fee);
  if (include_hex) o["hex"] = to_hex(tx.raw);
  return o;
}

inline json::object tx_to_json(const Transaction& tx, const AddressFormat& format, bool forkid, bool include_hex = true,
                               std::optional<std::int64_t> fee = std::nullopt) {
  const Bytes raw = tx.serialize();
  TxViewBuffer buffer;
  return tx_to_json(TxView::parse(raw, buffer), format, forkid, include_hex, fee);
}

}  // namespace coinkit::regtest
