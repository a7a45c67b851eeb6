// Signature hashes: legacy, BIP143 segwit v0, BIP341 taproot and Bitcoin Cash FORKID, with the
// per-transaction hashes computed once (Bitcoin Core's PrecomputedTransactionData).
#pragma once

#include <coinkit/chain/error.hpp>
#include <coinkit/chain/opcodes.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/core/writer.hpp>

#include <boost/assert.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace coinkit {

// Hash types, as the last byte of a signature (Core's SIGHASH_*).
inline constexpr std::uint8_t sighash_default = 0x00;  // BIP341 only: ALL, the byte left out of the signature
inline constexpr std::uint8_t sighash_all = 0x01;
inline constexpr std::uint8_t sighash_none = 0x02;
inline constexpr std::uint8_t sighash_single = 0x03;
inline constexpr std::uint8_t sighash_forkid = 0x40;  // Bitcoin Cash
inline constexpr std::uint8_t sighash_anyonecanpay = 0x80;
// Legacy and BIP143 take the base type from the low five bits; BIP341 from the low two.
inline constexpr std::uint32_t sighash_base_mask = 0x1f;

// The hashes over all inputs and outputs that every signature of a transaction shares: computed
// once per transaction, not once per input (the quadratic-hashing fix of BIP143).
struct PrecomputedTxData {
  // BIP341: single SHA256 of the serialized prevouts, sequences, outputs, spent amounts and
  // spent script_pubkeys (the last two only with spent outputs).
  Hash256 prevouts_sha, sequences_sha, outputs_sha, spent_amounts_sha, spent_scripts_sha;
  // BIP143 (and FORKID): the double SHA256, i.e. SHA256 of the single ones above.
  Hash256 hash_prevouts, hash_sequence, hash_outputs;
  // The outputs the inputs spend, in input order; BIP341 needs them all.
  std::vector<TxOut> spent_outputs;

  // Enough for legacy, BIP143 and FORKID hashes.
  explicit PrecomputedTxData(const Transaction& tx) { init(tx); }
  // Also for BIP341: one spent output per input.
  PrecomputedTxData(const Transaction& tx, std::vector<TxOut> spent) : spent_outputs(std::move(spent)) {
    BOOST_ASSERT(spent_outputs.size() == tx.inputs().size());
    init(tx);
    Sha256 amounts, scripts;
    for (const TxOut& out : spent_outputs) {
      ByteWriter<Sha256>(amounts).le64(static_cast<std::uint64_t>(out.value));
      ByteWriter<Sha256>(scripts).var_bytes(out.script_pubkey);
    }
    spent_amounts_sha = amounts.finalize();
    spent_scripts_sha = scripts.finalize();
  }

  bool has_spent_outputs() const noexcept { return !spent_outputs.empty(); }

 private:
  void init(const Transaction& tx) {
    Sha256 prevouts, sequences, outputs;
    for (const TxIn& in : tx.inputs()) {
      chain::detail::write_fields(prevouts, in.prevout);
      ByteWriter<Sha256>(sequences).le32(in.sequence);
    }
    for (const TxOut& out : tx.outputs()) chain::detail::write_fields(outputs, out);
    prevouts_sha = prevouts.finalize();
    sequences_sha = sequences.finalize();
    outputs_sha = outputs.finalize();
    hash_prevouts = sha256(prevouts_sha.span());
    hash_sequence = sha256(sequences_sha.span());
    hash_outputs = sha256(outputs_sha.span());
  }
};

namespace chain::detail {

// The script code as Core's CTransactionSignatureSerializer writes it: the length announced is
// the script's size less one per OP_CODESEPARATOR, the bytes written skip each of them, and
// a push that runs past the end stops the copy where Core's GetOp stopped reading. (The
// length and the bytes then disagree; the signature hash still commits to exactly this.)
template <ByteSink Sink>
void write_script_code_without_codeseparators(ByteWriter<Sink>& w, ByteSpan script) {
  std::size_t separators = 0;
  for (std::size_t pos = 0; auto op = next_op(script, pos);) separators += op->opcode == OP_CODESEPARATOR;
  w.compact_size(script.size() - separators);
  std::size_t begin = 0, pos = 0;
  while (auto op = next_op(script, pos)) {
    if (op->opcode == OP_CODESEPARATOR) {
      w.bytes(script.subspan(begin, pos - begin - 1));
      begin = pos;
    }
  }
  if (begin != script.size()) w.bytes(script.subspan(begin, pos - begin));
}

template <ByteSink Sink>
void write_legacy_preimage(Sink& sink, const Transaction& tx, std::size_t input_index, ByteSpan script_code,
                           std::uint32_t hash_type) {
  ByteWriter<Sink> w(sink);
  WriteArchive<Sink> ar(sink);
  const bool anyone_can_pay = hash_type & sighash_anyonecanpay;
  const bool single = (hash_type & sighash_base_mask) == sighash_single;
  const bool none = (hash_type & sighash_base_mask) == sighash_none;
  const auto& inputs = tx.inputs();
  const auto& outputs = tx.outputs();

  w.le32(tx.version());
  const std::size_t input_count = anyone_can_pay ? 1 : inputs.size();
  w.compact_size(input_count);
  for (std::size_t k = 0; k < input_count; ++k) {
    const std::size_t i = anyone_can_pay ? input_index : k;
    ar(inputs[i].prevout);
    if (i == input_index)
      write_script_code_without_codeseparators(w, script_code);
    else
      w.compact_size(0);
    // Other inputs' sequences are left out of NONE and SINGLE, so they can be replaced.
    w.le32(i != input_index && (single || none) ? 0 : inputs[i].sequence);
  }
  const std::size_t output_count = none ? 0 : single ? input_index + 1 : outputs.size();
  w.compact_size(output_count);
  for (std::size_t j = 0; j < output_count; ++j) {
    if (single && j != input_index)
      ar(std::int64_t{-1}, ByteSpan{});  // a null output: value -1, empty script
    else
      ar(outputs[j]);
  }
  w.le32(tx.lock_time());
  w.le32(hash_type);
}

template <ByteSink Sink>
void write_bip143_preimage(Sink& sink, const Transaction& tx, const PrecomputedTxData& pre, std::size_t input_index,
                           ByteSpan script_code, std::int64_t amount, std::uint32_t hash_type) {
  ByteWriter<Sink> w(sink);
  WriteArchive<Sink> ar(sink);
  const bool anyone_can_pay = hash_type & sighash_anyonecanpay;
  const std::uint32_t base = hash_type & sighash_base_mask;
  const Hash256 zero{};
  const TxIn& in = tx.inputs()[input_index];

  Hash256 hash_outputs = zero;
  if (base != sighash_single && base != sighash_none) {
    hash_outputs = pre.hash_outputs;
  } else if (base == sighash_single && input_index < tx.outputs().size()) {
    Sha256d h;
    write_fields(h, tx.outputs()[input_index]);
    hash_outputs = h.finalize();
  }
  w.le32(tx.version());
  ar(anyone_can_pay ? zero : pre.hash_prevouts);
  ar(!anyone_can_pay && base != sighash_single && base != sighash_none ? pre.hash_sequence : zero);
  ar(in.prevout, script_code, amount, in.sequence, hash_outputs);
  w.le32(tx.lock_time());
  w.le32(hash_type);
}

}  // namespace chain::detail

// Bitcoin Core's SignatureHash for legacy (pre-segwit) scripts. `script_code` is the script
// being executed from the last OP_CODESEPARATOR on, with the signature already removed
// (FindAndDelete is the interpreter's business); its OP_CODESEPARATORs are skipped here.
// For an input index out of range, or SIGHASH_SINGLE without an output at the input's index,
// the result is the number 1 (01 00 .. 00), as Core returns: such signatures exist on chain.
inline Hash256 legacy_sighash(const Transaction& tx, std::size_t input_index, ByteSpan script_code,
                              std::int32_t hash_type) {
  Hash256 one;
  one.data()[0] = 1;
  const auto type = static_cast<std::uint32_t>(hash_type);
  if (input_index >= tx.inputs().size()) return one;
  if ((type & sighash_base_mask) == sighash_single && input_index >= tx.outputs().size()) return one;
  Sha256d h;
  chain::detail::write_legacy_preimage(h, tx, input_index, script_code, type);
  return h.finalize();
}

// The BIP143 preimage (segwit v0): written to any sink, so tests and signers can see it.
template <ByteSink Sink>
error_code write_segwit_v0_preimage(Sink& sink, const Transaction& tx, const PrecomputedTxData& pre,
                                    std::size_t input_index, ByteSpan script_code, std::int64_t amount,
                                    std::uint32_t hash_type) {
  if (input_index >= tx.inputs().size()) return chain::error::input_index_out_of_range;
  chain::detail::write_bip143_preimage(sink, tx, pre, input_index, script_code, amount, hash_type);
  return {};
}

// BIP143: the signature hash of a segwit v0 input spending `amount` satoshis. `script_code` is
// the P2PKH script for P2WPKH, the witness script (from the last executed OP_CODESEPARATOR) for P2WSH.
inline result<Hash256> segwit_v0_sighash(const Transaction& tx, const PrecomputedTxData& pre, std::size_t input_index,
                                         ByteSpan script_code, std::int64_t amount, std::uint32_t hash_type) {
  Sha256d h;
  if (auto ec = write_segwit_v0_preimage(h, tx, pre, input_index, script_code, amount, hash_type)) return ec;
  return h.finalize();
}

// Bitcoin Cash's script flags that decide the digest (Bitcoin ABC's SCRIPT_ENABLE_SIGHASH_FORKID
// and SCRIPT_ENABLE_REPLAY_PROTECTION).
struct ForkIdFlags {
  bool enable_forkid = true;
  bool replay_protection = false;
};

// Bitcoin Cash's SignatureHash: with SIGHASH_FORKID in `hash_type` (and enabled) the BIP143
// digest, for every input, with the hash type's upper 24 bits holding the fork id; otherwise
// the legacy digest. Replay protection (ABC's test networks) replaces the fork id with
// 0xff0000 | (fork id ^ 0xdead), so its signatures are valid nowhere else.
inline result<Hash256> forkid_sighash(const Transaction& tx, const PrecomputedTxData& pre, std::size_t input_index,
                                      ByteSpan script_code, std::int64_t amount, std::uint32_t hash_type,
                                      ForkIdFlags flags = {}) {
  if (input_index >= tx.inputs().size()) return chain::error::input_index_out_of_range;
  if (flags.replay_protection) {
    const std::uint32_t fork_value = 0xff0000 | ((hash_type >> 8) ^ 0xdead);
    hash_type = (fork_value << 8) | (hash_type & 0xff);
  }
  if ((hash_type & sighash_forkid) && flags.enable_forkid) {
    Sha256d h;
    chain::detail::write_bip143_preimage(h, tx, pre, input_index, script_code, amount, hash_type);
    return h.finalize();
  }
  return legacy_sighash(tx, input_index, script_code, static_cast<std::int32_t>(hash_type));
}

// BIP342: what a script-path (tapscript) signature also commits to.
struct TapscriptExt {
  Hash256 tapleaf_hash;
  std::uint32_t codesep_pos = 0xffffffff;  // opcode position of the last executed OP_CODESEPARATOR, or none
  std::uint8_t key_version = 0;
};

// BIP341 SigMsg, preceded by the epoch byte 0x00: the exact bytes hashed with the
// "TapSighash" tag. `annex` is empty or the witness's last item starting 0x50; `script_path`
// is set for a tapscript spend (ext_flag 1).
template <ByteSink Sink>
error_code write_taproot_sigmsg(Sink& sink, const Transaction& tx, const PrecomputedTxData& pre,
                                std::size_t input_index, std::uint8_t hash_type, ByteSpan annex = {},
                                const std::optional<TapscriptExt>& script_path = std::nullopt) {
  if (!(hash_type <= sighash_single || (hash_type >= 0x81 && hash_type <= 0x83)))
    return chain::error::invalid_sighash_type;
  if (input_index >= tx.inputs().size()) return chain::error::input_index_out_of_range;
  if (!pre.has_spent_outputs()) return chain::error::missing_spent_outputs;
  const std::uint8_t output_type = hash_type == sighash_default ? sighash_all : (hash_type & 3);
  const bool anyone_can_pay = hash_type & sighash_anyonecanpay;
  if (output_type == sighash_single && input_index >= tx.outputs().size())
    return chain::error::sighash_single_without_output;

  ByteWriter<Sink> w(sink);
  chain::detail::WriteArchive<Sink> ar(sink);
  w.u8(0);  // epoch
  w.u8(hash_type);
  w.le32(tx.version());
  w.le32(tx.lock_time());
  if (!anyone_can_pay) ar(pre.prevouts_sha, pre.spent_amounts_sha, pre.spent_scripts_sha, pre.sequences_sha);
  if (output_type == sighash_all) ar(pre.outputs_sha);
  const std::uint8_t spend_type = (script_path ? 2 : 0) | (annex.empty() ? 0 : 1);
  w.u8(spend_type);
  if (anyone_can_pay) {
    const TxIn& in = tx.inputs()[input_index];
    const TxOut& spent = pre.spent_outputs[input_index];
    ar(in.prevout, spent.value, spent.script_pubkey, in.sequence);
  } else {
    w.le32(static_cast<std::uint32_t>(input_index));
  }
  if (!annex.empty()) {
    Sha256 h;
    ByteWriter<Sha256>(h).var_bytes(annex);
    ar(h.finalize());
  }
  if (output_type == sighash_single) {
    Sha256 h;
    chain::detail::write_fields(h, tx.outputs()[input_index]);
    ar(h.finalize());
  }
  if (script_path) {
    ar(script_path->tapleaf_hash);
    w.u8(script_path->key_version);
    w.le32(script_path->codesep_pos);
  }
  return {};
}

// BIP341 signature hash of a taproot input, key path or (with `script_path`) script path.
inline result<Hash256> taproot_sighash(const Transaction& tx, const PrecomputedTxData& pre, std::size_t input_index,
                                       std::uint8_t hash_type, ByteSpan annex = {},
                                       const std::optional<TapscriptExt>& script_path = std::nullopt) {
  Sha256 h = tagged_sha256("TapSighash");
  if (auto ec = write_taproot_sigmsg(h, tx, pre, input_index, hash_type, annex, script_path)) return ec;
  return h.finalize();
}

}  // namespace coinkit
