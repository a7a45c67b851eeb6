// The signer's and finalizer's roles of a PSBT (BIP174) for the scripts wallets meet: p2pkh,
// p2pk and multisig, bare or inside p2sh, p2wsh and p2sh-p2wsh; p2wpkh bare and inside p2sh.
// Taproot inputs are left as they are.
#pragma once

#include <coinkit/chain/opcodes.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/chain/sighash.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/core/ripemd160.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/keys/private_key.hpp>
#include <coinkit/keys/public_key.hpp>
#include <coinkit/wallet/psbt.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace coinkit::wallet {

// How an input is spent: the script its signatures commit to, the keys that script names, and
// the scripts that wrap it.
struct InputSolution {
  enum class Kind { pubkey_hash, pubkey, multisig };
  Kind kind = Kind::pubkey_hash;
  bool segwit = false;       // BIP143 digests, signatures in the witness
  Bytes script_code;         // what the digest covers
  Hash160 key_hash;          // pubkey_hash
  std::vector<Bytes> keys;   // pubkey: one; multisig: in the script's order
  std::size_t required = 1;  // multisig's m
  Bytes redeem_script;       // p2sh: pushed last in the scriptSig
  Bytes witness_script;      // p2wsh: the last witness item
};

namespace psbt_detail {

// OP_m <key>... OP_n OP_CHECKMULTISIG, 1 <= m <= n <= 16 (Core's Solver).
inline bool match_multisig(ByteSpan s, InputSolution& out) {
  if (s.size() < 3 || s.back() != OP_CHECKMULTISIG) return false;
  const int m = decode_small_int(s[0]), n = decode_small_int(s[s.size() - 2]);
  if (m < 1 || n < m || n > 16) return false;
  std::size_t pos = 1;
  std::vector<Bytes> keys;
  while (pos < s.size() - 2) {
    auto op = next_op(s, pos);
    if (!op || !is_compressed_or_uncompressed_pubkey(op->push)) return false;
    keys.emplace_back(op->push.begin(), op->push.end());
  }
  if (pos != s.size() - 2 || keys.size() != static_cast<std::size_t>(n)) return false;
  out.kind = InputSolution::Kind::multisig;
  out.keys = std::move(keys);
  out.required = static_cast<std::size_t>(m);
  return true;
}

// The script inside every wrapper: a key hash, a key, or a multisig.
inline bool match_leaf(ByteSpan s, InputSolution& out) {
  switch (classify(s)) {
    case ScriptType::p2pkh:
      out.kind = InputSolution::Kind::pubkey_hash;
      out.key_hash = *Hash160::from_bytes(s.subspan(3, 20));
      return true;
    case ScriptType::p2pk:
      out.kind = InputSolution::Kind::pubkey;
      out.keys = {Bytes(s.begin() + 1, s.end() - 1)};
      return true;
    default: return match_multisig(s, out);
  }
}

inline Bytes signature_with_type(const PrivateKey& key, const Hash256& digest, std::uint8_t hash_type) {
  const DerSignature der = key.sign(digest).to_der();
  Bytes sig(der.span().begin(), der.span().end());
  sig.push_back(hash_type);
  return sig;
}

}  // namespace psbt_detail

// How input `in`, spending `spent`, is solved; nullopt for scripts outside this header's list or
// when the PSBT lacks, or has the wrong, redeem or witness script.
inline std::optional<InputSolution> solve_input(const PsbtInput& in, const TxOut& spent) {
  InputSolution sol;
  ByteSpan script = spent.script_pubkey;
  if (classify(script) == ScriptType::p2sh) {
    if (in.redeem_script.empty() || !std::ranges::equal(hash160(in.redeem_script).span(), script.subspan(2, 20)))
      return std::nullopt;
    sol.redeem_script = in.redeem_script;
    script = sol.redeem_script;
  }
  switch (classify(script)) {
    case ScriptType::p2wpkh:
      sol.segwit = true;
      sol.kind = InputSolution::Kind::pubkey_hash;
      sol.key_hash = *Hash160::from_bytes(script.subspan(2, 20));
      sol.script_code = p2pkh_script(sol.key_hash);
      return sol;
    case ScriptType::p2wsh:
      if (in.witness_script.empty() || !std::ranges::equal(sha256(in.witness_script).span(), script.subspan(2, 32)))
        return std::nullopt;
      sol.segwit = true;
      sol.witness_script = in.witness_script;
      sol.script_code = sol.witness_script;
      if (!psbt_detail::match_leaf(sol.witness_script, sol)) return std::nullopt;
      return sol;
    case ScriptType::p2sh:
    case ScriptType::p2tr:
    case ScriptType::witness_unknown: return std::nullopt;
    default:
      sol.script_code.assign(script.begin(), script.end());
      if (!psbt_detail::match_leaf(script, sol)) return std::nullopt;
      return sol;
  }
}

// What the signer knows of input `i`: the output it spends (from the previous transaction when
// there is one; a witness record alone is trusted for segwit inputs only, as in Core) and how
// it is solved.
struct SignableInput {
  TxOut spent;
  InputSolution solution;
};

inline std::optional<SignableInput> signable_input(const PsbtInput& in) {
  if (in.is_final()) return std::nullopt;
  std::optional<TxOut> spent;
  if (in.non_witness_utxo) {
    if (in.non_witness_utxo->txid() != in.prevout.txid) return std::nullopt;
    spent = in.spent_output();
  } else {
    spent = in.witness_utxo;
  }
  if (!spent) return std::nullopt;
  auto solution = solve_input(in, *spent);
  if (!solution || (!in.non_witness_utxo && !solution->segwit)) return std::nullopt;
  return SignableInput{std::move(*spent), std::move(*solution)};
}

// The digest a signature of input `i` with `hash_type` signs.
inline Hash256 input_digest(const Transaction& tx, const PrecomputedTxData& pre, std::size_t i,
                            const SignableInput& input, std::uint8_t hash_type) {
  if (input.solution.segwit)
    return segwit_v0_sighash(tx, pre, i, input.solution.script_code, input.spent.value, hash_type).value();
  return legacy_sighash(tx, i, input.solution.script_code, hash_type);
}

// Adds to input `i` the signature of each of `keys` that its script names and that it lacks,
// with the input's hash type (ALL when it names none). Returns how many were added.
// `tx` is psbt.unsigned_tx(), `pre` its precomputed hashes: shared by all inputs.
inline std::size_t sign_psbt_input(Psbt& psbt, const Transaction& tx, const PrecomputedTxData& pre, std::size_t i,
                                   std::span<const PrivateKey> keys) {
  PsbtInput& in = psbt.inputs.at(i);
  const auto input = signable_input(in);
  if (!input) return 0;
  const InputSolution& sol = input->solution;
  if (sol.segwit) in.witness_utxo = input->spent;
  const auto hash_type = static_cast<std::uint8_t>(in.sighash_type.value_or(sighash_all));
  std::optional<Hash256> digest;  // the same for every key: computed at the first that signs
  std::size_t added = 0;
  for (const PrivateKey& key : keys) {
    const PublicKey pub = key.public_key();
    const Hash160 id = pub.key_id();
    const bool named =
        sol.kind == InputSolution::Kind::pubkey_hash
            ? id == sol.key_hash
            : std::ranges::any_of(sol.keys, [&](const Bytes& k) { return std::ranges::equal(k, pub.bytes()); });
    if (!named || in.partial_sigs.contains(id)) continue;
    if (!digest) digest = input_digest(tx, pre, i, *input, hash_type);
    in.partial_sigs.emplace(id, std::pair{pub, psbt_detail::signature_with_type(key, *digest, hash_type)});
    ++added;
  }
  return added;
}

// The finalizer's role for input `i`: its final scriptSig and witness, from partial signatures
// that verify, once there are enough; the signing records are dropped then (Core's
// FromSignatureData). True when the input is final.
inline bool finalize_psbt_input(Psbt& psbt, const Transaction& tx, const PrecomputedTxData& pre, std::size_t i) {
  PsbtInput& in = psbt.inputs.at(i);
  if (in.is_final()) return true;
  const auto input = signable_input(in);
  if (!input) return false;
  const InputSolution& sol = input->solution;

  // The signature by the key of `id`, if it verifies.
  auto valid_sig = [&](const Hash160& id) -> const std::pair<PublicKey, Bytes>* {
    auto it = in.partial_sigs.find(id);
    if (it == in.partial_sigs.end()) return nullptr;
    const Bytes& sig = it->second.second;
    const Hash256 digest = input_digest(tx, pre, i, *input, sig.back());
    return it->second.first.verify_der(digest, ByteSpan(sig).first(sig.size() - 1)) ? &it->second : nullptr;
  };
  std::vector<Bytes> stack;
  if (sol.kind == InputSolution::Kind::multisig) {
    stack.emplace_back();  // CHECKMULTISIG's extra pop
    for (const Bytes& key : sol.keys) {
      if (stack.size() - 1 == sol.required) break;
      if (const auto* sig = valid_sig(hash160(key))) stack.push_back(sig->second);
    }
    if (stack.size() - 1 < sol.required) return false;
  } else {
    const Hash160 id = sol.kind == InputSolution::Kind::pubkey_hash ? sol.key_hash : hash160(sol.keys[0]);
    const auto* sig = valid_sig(id);
    if (!sig) return false;
    stack.push_back(sig->second);
    if (sol.kind == InputSolution::Kind::pubkey_hash)
      stack.emplace_back(sig->first.bytes().begin(), sig->first.bytes().end());
  }

  Bytes script_sig;
  Witness witness;
  if (sol.segwit) {
    witness = std::move(stack);
    if (!sol.witness_script.empty()) witness.push_back(sol.witness_script);
  } else {
    for (const Bytes& item : stack) push_data(script_sig, item);
  }
  if (!sol.redeem_script.empty()) push_data(script_sig, sol.redeem_script);
  in.final_script_sig = std::move(script_sig);
  in.final_script_witness = std::move(witness);
  in.partial_sigs.clear();
  in.bip32_paths.clear();
  in.redeem_script.clear();
  in.witness_script.clear();
  return true;
}

// Finalizes every input it can; true when the PSBT is complete.
inline bool finalize_psbt(Psbt& psbt) {
  const Transaction tx(psbt.unsigned_tx());
  const PrecomputedTxData pre(tx);
  bool complete = true;
  for (std::size_t i = 0; i < psbt.inputs.size(); ++i) complete &= finalize_psbt_input(psbt, tx, pre, i);
  return complete;
}

}  // namespace coinkit::wallet
