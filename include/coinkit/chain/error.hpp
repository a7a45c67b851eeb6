// Error codes of the chain layer: malformed transactions and blocks, impossible sighash requests.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>

#include <ostream>
#include <string>
#include <type_traits>

namespace coinkit::chain {

// Reader-level failures (truncated input, non-canonical compact size, a length above
// max_compact_size, trailing bytes) keep their core::error codes; these are the rejections
// only the chain layer can name.
enum class error {
  superfluous_witness = 1,        // segwit marker and flag, but every witness stack is empty
  unknown_witness_flag,           // a segwit flag byte other than 0x01
  too_many_inputs,                // an input count no serialized object could hold
  too_many_outputs,               // an output count no serialized object could hold
  too_many_transactions,          // a block's transaction count no serialized object could hold
  input_index_out_of_range,       // a signature hash for an input the transaction does not have
  invalid_sighash_type,           // BIP341 hash type outside 0x00..0x03, 0x81..0x83
  sighash_single_without_output,  // BIP341 SIGHASH_SINGLE for an input without a matching output
  missing_spent_outputs,          // BIP341 needs the amount and script of every spent output
  merkle_root_mismatch,           // the header's merkle root is not that of the block's transactions
  merkle_mutated,                 // duplicate subtrees in the merkle tree (CVE-2012-2459)
};

constexpr const char* error_category_name(error) noexcept { return "coinkit.chain"; }

constexpr const char* error_message(error e) noexcept {
  switch (e) {
    case error::superfluous_witness: return "witness flag set but every witness is empty (superfluous witness record)";
    case error::unknown_witness_flag: return "unknown transaction optional data (witness flag other than 0x01)";
    case error::too_many_inputs: return "input count larger than any transaction can hold";
    case error::too_many_outputs: return "output count larger than any transaction can hold";
    case error::too_many_transactions: return "transaction count larger than any block can hold";
    case error::input_index_out_of_range: return "input index out of range for the transaction";
    case error::invalid_sighash_type: return "invalid taproot signature hash type";
    case error::sighash_single_without_output: return "SIGHASH_SINGLE without an output at the input's index";
    case error::missing_spent_outputs: return "taproot signature hash needs every spent output";
    case error::merkle_root_mismatch: return "merkle root does not match the transactions";
    case error::merkle_mutated: return "merkle tree has duplicate subtrees (CVE-2012-2459 mutation)";
  }
  return "unknown chain error";
}

inline error_code make_error_code(error e) noexcept { return {static_cast<int>(e), enum_category<error>()}; }

inline std::ostream& operator<<(std::ostream& os, error e) { return os << error_message(e); }

}  // namespace coinkit::chain

template <>
struct boost::system::is_error_code_enum<coinkit::chain::error> : std::true_type {};
