// Error codes of mnemonic seeds (BIP39, Electrum, SLIP39 shares): bad words, checksums, lengths, text.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>

#include <cstddef>
#include <ostream>
#include <string>
#include <type_traits>

namespace coinkit {

// Where a mnemonic went wrong, for messages that name it: the offending word (normalized)
// and its 1-based position. Filled on mnemonic_error::unknown_word.
struct MnemonicFault {
  std::size_t position = 0;
  std::string word;
};

}  // namespace coinkit

namespace coinkit::keys {

// Kept apart from keys/error.hpp so mnemonics and keys evolve independently; the category
// is "coinkit.keys.mnemonic".
enum class mnemonic_error {
  invalid_entropy_length = 1,  // BIP39 entropy other than 128..256 bits in steps of 32
  empty_mnemonic,              // no words at all (empty or whitespace only)
  wrong_word_count,            // BIP39: not 12, 15, 18, 21 or 24 words
  unknown_word,                // a word the wordlist does not hold
  bad_checksum,                // BIP39 checksum bits do not match the entropy
  invalid_utf8,                // text that is not well-formed UTF-8
  not_electrum_seed,           // no Electrum seed version matches and not an old seed
  not_old_seed,                // not an old Electrum seed (12/24 old words or 16/32-byte hex)
  old_seed_passphrase,         // old seeds, and 2fa seeds from before Electrum 2.7, have no passphrase
  unsupported_seed_type,       // an Electrum seed type this operation does not derive (2fa)
  invalid_master_key,          // seed stretching gave a scalar outside [1, n-1]
  // SLIP39 shares
  share_invalid_length,                 // under 20 words, or a value length that holds no whole bytes
  share_bad_checksum,                   // the RS1024 checksum of a share does not match
  share_bad_padding,                    // the bits that pad a share's value are not zero
  share_group_threshold_exceeds_count,  // a share says more groups are needed than exist
  no_shares,                            // recovery asked of an empty set of shares
  share_identifier_mismatch,            // shares of different secrets (their identifiers differ)
  share_parameters_mismatch,            // same identifier, other common parameters (or member thresholds) differ
  share_duplicate_member,               // two shares of one group member with different values
  insufficient_shares,                  // fewer complete groups than the group threshold
  share_digest_mismatch,                // the recovered secret fails its digest: shares that do not combine
};

constexpr const char* error_category_name(mnemonic_error) noexcept { return "coinkit.keys.mnemonic"; }

constexpr const char* error_message(mnemonic_error e) noexcept {
  switch (e) {
    case mnemonic_error::invalid_entropy_length: return "entropy must be 16, 20, 24, 28 or 32 bytes";
    case mnemonic_error::empty_mnemonic: return "mnemonic has no words";
    case mnemonic_error::wrong_word_count: return "mnemonic must have 12, 15, 18, 21 or 24 words";
    case mnemonic_error::unknown_word: return "word is not in the wordlist";
    case mnemonic_error::bad_checksum: return "mnemonic checksum does not match";
    case mnemonic_error::invalid_utf8: return "text is not valid UTF-8";
    case mnemonic_error::not_electrum_seed: return "not an Electrum seed: no seed version matches";
    case mnemonic_error::not_old_seed: return "not an old Electrum seed";
    case mnemonic_error::old_seed_passphrase:
      return "old Electrum seeds (and pre-2.7 2fa seeds) cannot have a passphrase";
    case mnemonic_error::unsupported_seed_type: return "Electrum seed type not supported here";
    case mnemonic_error::invalid_master_key: return "seed gives an invalid master key";
    case mnemonic_error::share_invalid_length:
      return "SLIP39 share must have at least 20 words and a value of whole bytes";
    case mnemonic_error::share_bad_checksum: return "SLIP39 share checksum does not match";
    case mnemonic_error::share_bad_padding: return "SLIP39 share value has non-zero padding bits";
    case mnemonic_error::share_group_threshold_exceeds_count:
      return "SLIP39 share's group threshold is greater than its group count";
    case mnemonic_error::no_shares: return "no SLIP39 shares given";
    case mnemonic_error::share_identifier_mismatch: return "SLIP39 shares have different identifiers";
    case mnemonic_error::share_parameters_mismatch:
      return "SLIP39 shares differ in extendable flag, iteration exponent, group threshold, group count, "
             "length or member threshold";
    case mnemonic_error::share_duplicate_member: return "SLIP39 shares repeat a member index with another value";
    case mnemonic_error::insufficient_shares: return "not enough SLIP39 shares to meet the group threshold";
    case mnemonic_error::share_digest_mismatch:
      return "SLIP39 shares do not combine: the secret's digest does not match";
  }
  return "unknown mnemonic error";
}

inline error_code make_error_code(mnemonic_error e) noexcept {
  return {static_cast<int>(e), enum_category<mnemonic_error>()};
}

inline std::ostream& operator<<(std::ostream& os, mnemonic_error e) { return os << error_message(e); }

}  // namespace coinkit::keys

template <>
struct boost::system::is_error_code_enum<coinkit::keys::mnemonic_error> : std::true_type {};
