// The keys layer: secp256k1 keys, ECDSA and Schnorr signatures, WIF, BIP32 with SLIP-132,
// taproot tweaks, BIP39, Electrum and SLIP39 seeds, TrustedCoin's 2fa cosigner. BIP39 lists
// other than English are one header each under keys/bip39/, included by those who use them.
#pragma once

#include <coinkit/keys/bip39.hpp>
#include <coinkit/keys/derivation_path.hpp>
#include <coinkit/keys/ecdsa_signature.hpp>
#include <coinkit/keys/electrum_seed.hpp>
#include <coinkit/keys/error.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/ext_key_version.hpp>
#include <coinkit/keys/mnemonic_error.hpp>
#include <coinkit/keys/normalize.hpp>
#include <coinkit/keys/private_key.hpp>
#include <coinkit/keys/public_key.hpp>
#include <coinkit/keys/random.hpp>
#include <coinkit/keys/schnorr.hpp>
#include <coinkit/keys/secp256k1_context.hpp>
#include <coinkit/keys/slip39.hpp>
#include <coinkit/keys/taproot.hpp>
#include <coinkit/keys/trustedcoin.hpp>
#include <coinkit/keys/wif.hpp>
#include <coinkit/keys/wordlist.hpp>
