// Error codes of the wallet layer: key text a wallet cannot be restored from.
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
  }
  return "unknown wallet error";
}

inline error_code make_error_code(error e) noexcept { return {static_cast<int>(e), enum_category<error>()}; }

inline std::ostream& operator<<(std::ostream& os, error e) { return os << error_message(e); }

}  // namespace coinkit::wallet

template <>
struct boost::system::is_error_code_enum<coinkit::wallet::error> : std::true_type {};
