// Error codes of the wallet layer: key text a wallet cannot be restored from, and what SPV
// refuses of a server's headers and proofs.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>

#include <ostream>
#include <type_traits>

namespace coinkit::wallet {

enum class error {
  key_not_recognized = 1,  // no seed, master key, key list or address list (Electrum's words)
  two_fa_seed,             // a TrustedCoin seed: its wallets need TrustedCoin's cosigner
  multisig_master_key,     // a p2sh/p2wsh master key: it describes a cosigner, not a wallet
  no_valid_address,        // an address list where no address is of this network
  no_valid_private_key,    // a key list where no key is of this network
  unsupported_derivation,  // a BIP39 derivation whose script type a single-key wallet lacks
  segwit_key,              // a segwit seed, key or derivation for a coin without segwit
  // SPV: what a server sent that the header chain refuses
  header_not_linked,        // its previous hash is not the hash of the header below it
  header_pow_not_met,       // its hash does not meet its own target, or the target is invalid
  header_bits_wrong,        // its target is not the one the coin's difficulty rule gives
  header_below_checkpoint,  // it would replace a header the wallet trusts without checking
  header_gap,               // it is above the tip with headers missing between
  merkle_branch_wrong,      // a transaction's branch does not lead to its block's merkle root
  // spending
  watching_only,    // the wallet holds no private keys
  not_enough_funds  // the coins do not cover the outputs and the fee
};

constexpr const char* error_category_name(error) noexcept { return "coinkit.wallet"; }

constexpr const char* error_message(error e) noexcept {
  switch (e) {
    case error::key_not_recognized: return "Seed or key not recognized";
    case error::two_fa_seed: return "2fa seeds are not supported: a 2fa wallet needs TrustedCoin's cosigner";
    case error::multisig_master_key:
      return "this master key belongs to a multisig wallet (p2sh, p2wsh): give a single-key master key";
    case error::no_valid_address: return "None of the given addresses can be imported";
    case error::no_valid_private_key: return "None of the given privkeys can be imported";
    case error::unsupported_derivation: return "unsupported derivation: its script type cannot make a wallet";
    case error::segwit_key: return "segwit seeds and keys are not supported: this coin has no segwit";
    case error::header_not_linked: return "header does not link to the chain";
    case error::header_pow_not_met: return "header does not meet its proof-of-work target";
    case error::header_bits_wrong: return "header target does not follow the difficulty rule";
    case error::header_below_checkpoint: return "header would replace the checkpoint or below";
    case error::header_gap: return "header above the tip with headers missing";
    case error::merkle_branch_wrong: return "merkle branch does not lead to the block's merkle root";
    case error::watching_only: return "This is a watching-only wallet";
    case error::not_enough_funds: return "Insufficient funds";
  }
  return "unknown wallet error";
}

inline error_code make_error_code(error e) noexcept { return {static_cast<int>(e), enum_category<error>()}; }

inline std::ostream& operator<<(std::ostream& os, error e) { return os << error_message(e); }

}  // namespace coinkit::wallet

template <>
struct boost::system::is_error_code_enum<coinkit::wallet::error> : std::true_type {};
