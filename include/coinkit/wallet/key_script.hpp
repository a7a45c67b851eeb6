// key_script: the scriptPubKey one public key pays to for a single-key script type (Electrum's
// pubkey_to_address): p2pkh, p2wpkh, and p2wpkh nested in p2sh; and p2pk (Electrum's
// pubkey_to_output_script, for sweeping a key's coins).
#pragma once

#include <coinkit/chain/script.hpp>
#include <coinkit/core/ripemd160.hpp>
#include <coinkit/keys/ext_key_version.hpp>
#include <coinkit/keys/public_key.hpp>
#include <coinkit/wallet/error.hpp>

namespace coinkit::wallet {

// Whether a wallet of one key per address can pay to this type (multisig and taproot cannot).
constexpr bool is_single_key(TxinType t) noexcept {
  return t == TxinType::p2pkh || t == TxinType::p2wpkh || t == TxinType::p2wpkh_p2sh;
}

// p2pkh hashes the key as it is serialized (an old wallet's keys are uncompressed); segwit
// keys are compressed by construction.
inline result<Bytes> key_script(TxinType type, const PublicKey& key) {
  switch (type) {
    case TxinType::p2pkh: return p2pkh_script(key.key_id());
    case TxinType::p2wpkh: return p2wpkh_script(key.key_id());
    case TxinType::p2wpkh_p2sh: return p2sh_script(hash160(p2wpkh_script(key.key_id())));
    case TxinType::p2pk: return p2pk_script(key.bytes());
    default: return error::multisig_master_key;
  }
}

}  // namespace coinkit::wallet
