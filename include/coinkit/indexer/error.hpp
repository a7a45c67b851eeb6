// Error codes of the indexer layer: storage faults, bad blocks and chain inconsistencies. (A node
// that fails is node::error's.)
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>

#include <ostream>
#include <type_traits>

namespace coinkit::indexer {

enum class error {
  // Storage.
  disk_full = 1,    // the filesystem refused to grow the database (ENOSPC, EFBIG)
  map_full,         // the database reached its configured maximum size
  storage_failure,  // any other backend error (I/O error, corrupt page, reader table full)
  wrong_schema,     // the database was written by another schema version
  wrong_coin,       // the database belongs to another coin or network (genesis differs)
  // Blocks.
  malformed_block,  // a block from the node did not parse, or did not link
  // Chain.
  reorg_too_deep,   // the fork point is below the oldest block with undo data
  missing_prevout,  // a block spends an output the index does not have
  // Queries.
  history_too_large,  // more entries than the caller's limit (the Electrum server's MAX_SEND)
};

constexpr const char* error_category_name(error) noexcept { return "coinkit.indexer"; }

constexpr const char* error_message(error e) noexcept {
  switch (e) {
    case error::disk_full: return "disk full: the database could not grow";
    case error::map_full: return "the database reached its maximum map size";
    case error::storage_failure: return "storage failure";
    case error::wrong_schema: return "the database was written by another schema version";
    case error::wrong_coin: return "the database belongs to another coin or network";
    case error::malformed_block: return "malformed block from the node";
    case error::reorg_too_deep: return "reorg deeper than the undo data kept (REORG_LIMIT)";
    case error::missing_prevout: return "a block spends an output the index does not hold";
    case error::history_too_large: return "history too large";
  }
  return "unknown indexer error";
}

inline error_code make_error_code(error e) noexcept { return {static_cast<int>(e), enum_category<error>()}; }

inline std::ostream& operator<<(std::ostream& os, error e) { return os << error_message(e); }

}  // namespace coinkit::indexer

template <>
struct boost::system::is_error_code_enum<coinkit::indexer::error> : std::true_type {};
