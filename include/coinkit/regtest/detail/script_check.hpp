// Verifies the inputs of the standard templates (p2pk, p2pkh, p2sh-p2wpkh, p2wpkh, p2tr key
// path; BCH p2pkh/p2pk with FORKID), reporting failures in Bitcoin Core's ScriptErrorString words.
#pragma once

#include <coinkit/chain/script.hpp>
#include <coinkit/chain/sighash.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/keys/ecdsa_signature.hpp>
#include <coinkit/keys/public_key.hpp>
#include <coinkit/keys/schnorr.hpp>
#include <coinkit/regtest/chain_params.hpp>
#include <coinkit/regtest/detail/bch_schnorr.hpp>

#include <string>

namespace coinkit::regtest::detail {

struct ScriptCheck {
  enum Kind {
    ok,
    unsupported,    // a template this verifier does not run (p2wsh, bare multisig, script paths, ...)
    non_mandatory,  // fails a policy (standardness) flag only
    mandatory,      // fails consensus
  };
  Kind kind = ok;
  std::string error;  // ScriptErrorString text

  static ScriptCheck fail(Kind k, std::string e) { return {k, std::move(e)}; }
  explicit operator bool() const noexcept { return kind == ok; }
};

inline constexpr const char* err_eval_false =
    "Script evaluated without error but finished with a false/empty top stack element";
inline constexpr const char* err_equalverify = "Script failed an OP_EQUALVERIFY operation";
inline constexpr const char* err_stack = "Operation not valid with the current stack size";
inline constexpr const char* err_der = "Non-canonical DER signature";

// Push-only script_sig split into its pushes; false if an opcode is not a push.
inline bool split_pushes(ByteSpan script, std::vector<ByteSpan>& out) {
  out.clear();
  std::size_t pos = 0;
  while (pos < script.size()) {
    auto op = next_op(script, pos);
    if (!op) return false;
    if (op->opcode > OP_16) return false;
    if (op->opcode == OP_0 || op->opcode <= OP_PUSHDATA4) {
      out.push_back(op->push);
    } else {
      return false;  // OP_1NEGATE..OP_16 push numbers: not in the templates we check
    }
  }
  return true;
}

// One ECDSA check: `sig` is DER plus the hash-type byte. `digest_of(hash_type)` computes the
// sighash. Consensus: strict DER (BIP66); policy: low S, defined hash type.
template <class Digest>
ScriptCheck check_ecdsa(ByteSpan sig, ByteSpan pubkey_bytes, const ChainParams& params, bool witness,
                        Digest digest_of) {
  if (sig.empty()) return ScriptCheck::fail(ScriptCheck::mandatory, err_eval_false);
  if (params.forkid() && sig.size() == 65) {
    // Bitcoin Cash: a 64-byte signature plus hash type is Schnorr (2019-05-15 upgrade).
    const std::uint32_t hash_type = sig.back();
    if (!(hash_type & sighash_forkid))
      return ScriptCheck::fail(ScriptCheck::mandatory, "Signature must use SIGHASH_FORKID");
    const std::uint32_t base = hash_type & ~(sighash_anyonecanpay | sighash_forkid);
    if (base < sighash_all || base > sighash_single)
      return ScriptCheck::fail(ScriptCheck::mandatory, "Signature hash type missing or not understood");
    auto key = PublicKey::parse(pubkey_bytes);
    if (!key) return ScriptCheck::fail(ScriptCheck::mandatory, "Public key is neither compressed or uncompressed");
    const auto digest = digest_of(hash_type | (params.fork_id << 8));
    if (!digest || !bch_schnorr_verify(sig.first(64), *key, *digest))
      return ScriptCheck::fail(ScriptCheck::mandatory, "Signature must be zero for failed CHECK(MULTI)SIG operation");
    return {};
  }
  const ByteSpan der = sig.first(sig.size() - 1);
  const std::uint32_t hash_type = sig.back();
  auto parsed = EcdsaSignature::parse_der(der);
  if (!parsed) return ScriptCheck::fail(ScriptCheck::mandatory, err_der);
  const bool forkid = params.forkid();
  if (forkid && !(hash_type & sighash_forkid))
    return ScriptCheck::fail(ScriptCheck::mandatory, "Signature must use SIGHASH_FORKID");
  if (!forkid && (hash_type & sighash_forkid))
    return ScriptCheck::fail(ScriptCheck::non_mandatory, "Signature hash type missing or not understood");
  const std::uint32_t base = hash_type & ~(sighash_anyonecanpay | sighash_forkid);
  if (base < sighash_all || base > sighash_single)
    return ScriptCheck::fail(ScriptCheck::non_mandatory, "Signature hash type missing or not understood");
  auto key = PublicKey::parse(pubkey_bytes);
  if (!key) {
    if (witness)
      return ScriptCheck::fail(ScriptCheck::non_mandatory, "Public key is neither compressed or uncompressed");
    return ScriptCheck::fail(ScriptCheck::mandatory, err_eval_false);
  }
  if (witness && !key->compressed())
    return ScriptCheck::fail(ScriptCheck::non_mandatory, "Using non-compressed keys in segwit");
  if (!parsed->is_low_s())
    return ScriptCheck::fail(forkid ? ScriptCheck::mandatory : ScriptCheck::non_mandatory,
                             "Non-canonical signature: S value is unnecessarily high");
  const auto digest = digest_of(forkid ? (hash_type | (params.fork_id << 8)) : hash_type);
  if (!digest || !key->verify(*digest, *parsed)) {
    // BCH made NULLFAIL consensus; Core checks it as policy, and without it CHECKSIG just fails.
    if (forkid)
      return ScriptCheck::fail(ScriptCheck::mandatory, "Signature must be zero for failed CHECK(MULTI)SIG operation");
    return ScriptCheck::fail(ScriptCheck::mandatory, err_eval_false);
  }
  return {};
}

// Verifies input `i` of `tx`, which spends `spent`. `pre` must carry the spent outputs when
// the transaction has a taproot input.
inline ScriptCheck verify_input(const Transaction& tx, const PrecomputedTxData& pre, std::size_t i, const TxOut& spent,
                                const ChainParams& params) {
  const TxIn& in = tx.inputs()[i];
  const ByteSpan spk = spent.script_pubkey;
  std::vector<ByteSpan> pushes;
  const bool push_only = split_pushes(in.script_sig, pushes);
  const bool forkid = params.forkid();

  auto legacy_digest = [&](ByteSpan script_code) {
    return [&, script_code](std::uint32_t hash_type) -> result<Hash256> {
      if (forkid) return forkid_sighash(tx, pre, i, script_code, spent.value, hash_type);
      return legacy_sighash(tx, i, script_code, static_cast<std::int32_t>(hash_type));
    };
  };
  auto segwit_v0_key_hash = [&](ByteSpan program, bool nested) -> ScriptCheck {
    if (in.witness.empty())
      return ScriptCheck::fail(ScriptCheck::mandatory, "Witness program was passed an empty witness");
    if (in.witness.size() != 2) return ScriptCheck::fail(ScriptCheck::mandatory, "Witness program hash mismatch");
    const Bytes& pubkey = in.witness[1];
    if (!equal(hash160(pubkey).span(), program)) return ScriptCheck::fail(ScriptCheck::mandatory, err_equalverify);
    (void)nested;
    const Bytes code = p2pkh_script(Hash160::from_bytes(program).value());
    return check_ecdsa(in.witness[0], pubkey, params, true, [&](std::uint32_t hash_type) {
      return segwit_v0_sighash(tx, pre, i, code, spent.value, hash_type);
    });
  };

  switch (classify(spk)) {
    case ScriptType::p2pkh: {
      if (!in.witness.empty())
        return ScriptCheck::fail(ScriptCheck::mandatory, "Witness provided for non-witness script");
      if (!push_only) return ScriptCheck::fail(ScriptCheck::mandatory, "Only push operators allowed in signatures");
      if (pushes.size() < 2) return ScriptCheck::fail(ScriptCheck::mandatory, err_stack);
      if (pushes.size() > 2)
        return ScriptCheck::fail(ScriptCheck::non_mandatory, "Stack size must be exactly one after execution");
      if (!equal(hash160(pushes[1]).span(), spk.subspan(3, 20)))
        return ScriptCheck::fail(ScriptCheck::mandatory, err_equalverify);
      return check_ecdsa(pushes[0], pushes[1], params, false, legacy_digest(spk));
    }
    case ScriptType::p2pk: {
      if (!in.witness.empty())
        return ScriptCheck::fail(ScriptCheck::mandatory, "Witness provided for non-witness script");
      if (!push_only) return ScriptCheck::fail(ScriptCheck::mandatory, "Only push operators allowed in signatures");
      if (pushes.empty()) return ScriptCheck::fail(ScriptCheck::mandatory, err_stack);
      if (pushes.size() > 1)
        return ScriptCheck::fail(ScriptCheck::non_mandatory, "Stack size must be exactly one after execution");
      return check_ecdsa(pushes[0], spk.subspan(1, spk.size() - 2), params, false, legacy_digest(spk));
    }
    case ScriptType::p2sh: {
      if (!push_only) return ScriptCheck::fail(ScriptCheck::mandatory, "Only push operators allowed in signatures");
      if (pushes.empty()) return ScriptCheck::fail(ScriptCheck::mandatory, err_eval_false);
      const ByteSpan redeem = pushes.back();
      if (!equal(hash160(redeem).span(), spk.subspan(2, 20)))
        return ScriptCheck::fail(ScriptCheck::mandatory, err_eval_false);
      if (params.segwit && classify(redeem) == ScriptType::p2wpkh) {
        if (pushes.size() != 1)
          return ScriptCheck::fail(ScriptCheck::mandatory, "Witness requires only-redeemscript scriptSig");
        return segwit_v0_key_hash(redeem.subspan(2), true);
      }
      return ScriptCheck::fail(ScriptCheck::unsupported, "p2sh redeem script");
    }
    case ScriptType::p2wpkh: {
      if (!params.segwit)
        return ScriptCheck::fail(ScriptCheck::unsupported, "witness program on a coin without segwit");
      if (!in.script_sig.empty()) return ScriptCheck::fail(ScriptCheck::mandatory, "Witness requires empty scriptSig");
      return segwit_v0_key_hash(spk.subspan(2), false);
    }
    case ScriptType::p2tr: {
      if (!params.segwit)
        return ScriptCheck::fail(ScriptCheck::unsupported, "witness program on a coin without segwit");
      if (!in.script_sig.empty()) return ScriptCheck::fail(ScriptCheck::mandatory, "Witness requires empty scriptSig");
      if (in.witness.empty())
        return ScriptCheck::fail(ScriptCheck::mandatory, "Witness program was passed an empty witness");
      ByteSpan annex;
      std::size_t items = in.witness.size();
      if (items >= 2 && !in.witness.back().empty() && in.witness.back()[0] == 0x50) {
        annex = in.witness.back();
        --items;
      }
      if (items != 1) return ScriptCheck::fail(ScriptCheck::unsupported, "taproot script path");
      const Bytes& sig = in.witness[0];
      if (sig.size() != 64 && sig.size() != 65)
        return ScriptCheck::fail(ScriptCheck::mandatory, "Invalid Schnorr signature size");
      const std::uint8_t hash_type = sig.size() == 65 ? sig[64] : sighash_default;
      if (sig.size() == 65 && hash_type == sighash_default)
        return ScriptCheck::fail(ScriptCheck::mandatory, "Invalid Schnorr signature hash type");
      auto digest = taproot_sighash(tx, pre, i, hash_type, annex);
      if (!digest) return ScriptCheck::fail(ScriptCheck::mandatory, "Invalid Schnorr signature hash type");
      auto key = XOnlyPublicKey::parse(spk.subspan(2, 32));
      if (!key || !key->verify(ByteSpan(sig.data(), 64), digest->span()))
        return ScriptCheck::fail(ScriptCheck::mandatory, "Invalid Schnorr signature");
      if (!annex.empty()) return ScriptCheck::fail(ScriptCheck::non_mandatory, "Annex is not standard");
      return {};
    }
    default: return ScriptCheck::fail(ScriptCheck::unsupported, std::string(to_string(classify(spk))));
  }
}

}  // namespace coinkit::regtest::detail
