// sign_input: one input's scriptSig and witness for a single-key script (p2pkh, p2pk, p2wpkh,
// p2wpkh-p2sh), SIGHASH_ALL, with Bitcoin Cash's FORKID where the coin has it; sign_inputs, a
// transaction's; and the size an input of each type takes once signed, for fees decided before
// signing.
#pragma once

#include <coinkit/chain/script.hpp>
#include <coinkit/chain/sighash.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/keys/private_key.hpp>
#include <coinkit/wallet/key_script.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace coinkit::wallet {

// Signs input `i` of `m` (whose unsigned form is `unsigned_tx`, hashed once into `pre`), which
// spends `spent` with `key`. `fork_id`: the coin's FORKID (Bitcoin Cash: 0), none elsewhere.
// Signatures have a low R, as Core's and Electrum's do (71 bytes with the hash type, mostly).
inline void sign_input(MutableTransaction& m, const Transaction& unsigned_tx, const PrecomputedTxData& pre,
                       std::size_t i, const TxOut& spent, const PrivateKey& key, TxinType type,
                       std::optional<std::uint32_t> fork_id = std::nullopt) {
  const PublicKey pub = key.public_key();
  auto signature = [&](const Hash256& digest, std::uint8_t hash_type) {
    const DerSignature der = key.sign(digest).to_der();
    Bytes sig(der.span().begin(), der.span().end());
    sig.push_back(hash_type);
    return sig;
  };
  TxIn& in = m.inputs[i];
  in.script_sig.clear();
  in.witness.clear();
  if (type == TxinType::p2pkh || type == TxinType::p2pk) {
    Hash256 digest;
    std::uint8_t hash_type = sighash_all;
    if (fork_id) {
      hash_type |= sighash_forkid;
      digest =
          forkid_sighash(unsigned_tx, pre, i, spent.script_pubkey, spent.value, hash_type | (*fork_id << 8)).value();
    } else {
      digest = legacy_sighash(unsigned_tx, i, spent.script_pubkey, hash_type);
    }
    push_data(in.script_sig, signature(digest, hash_type));
    if (type == TxinType::p2pkh) push_data(in.script_sig, pub.bytes());  // p2pk: the signature alone
    return;
  }
  // p2wpkh, bare or nested: BIP143 over the p2pkh script of the key.
  const Hash160 id = pub.key_id();
  const Hash256 digest = segwit_v0_sighash(unsigned_tx, pre, i, p2pkh_script(id), spent.value, sighash_all).value();
  if (type == TxinType::p2wpkh_p2sh) push_data(in.script_sig, p2wpkh_script(id));
  in.witness = {signature(digest, sighash_all), Bytes(pub.bytes().begin(), pub.bytes().end())};
}

// What signs one input: the output it spends, the key, and the script type it signs as.
struct InputSigner {
  TxOut spent;
  PrivateKey key;
  TxinType type;
};

// Signs each input of `m` that `signer_of(i)` (a std::optional<InputSigner>) gives a key for,
// every one against `m`'s unsigned form, hashed once. True when every input was signed.
template <class SignerOf>
bool sign_inputs(MutableTransaction& m, SignerOf&& signer_of, std::optional<std::uint32_t> fork_id = std::nullopt) {
  const Transaction unsigned_tx(m);
  const PrecomputedTxData pre(unsigned_tx);
  bool all = true;
  for (std::size_t i = 0; i < m.inputs.size(); ++i) {
    const std::optional<InputSigner> s = signer_of(i);
    if (s)
      sign_input(m, unsigned_tx, pre, i, s->spent, s->key, s->type, fork_id);
    else
      all = false;
  }
  return all;
}

// The weight of a signed input of this type, counting a 72-byte signature as Electrum's estimate
// does (a low-R signature is at most 71): fees are decided before the signatures exist.
constexpr std::size_t signed_input_weight(TxinType type, bool compressed = true) noexcept {
  constexpr std::size_t outpoint_and_sequence = 36 + 4;
  constexpr std::size_t witness = 1 + (1 + 72) + (1 + 33);  // item count, signature, key
  switch (type) {
    case TxinType::p2wpkh: return 4 * (outpoint_and_sequence + 1) + witness;
    case TxinType::p2wpkh_p2sh: return 4 * (outpoint_and_sequence + 1 + 23) + witness;
    case TxinType::p2pk: return 4 * (outpoint_and_sequence + 1 + (1 + 72));
    default: return 4 * (outpoint_and_sequence + 1 + (1 + 72) + 1 + (compressed ? 33 : 65));
  }
}

}  // namespace coinkit::wallet
