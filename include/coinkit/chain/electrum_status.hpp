// The Electrum protocol's status of a script hash: what servers send on a subscription and
// clients compute to know whether a history changed.
#pragma once

#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>

#include <optional>
#include <string>

namespace coinkit {

// sha256 over "txid:height:" for each item (each has .txid and .height), in history order;
// nullopt for an empty history. Its hex is the bytes as they are, not reversed as hashes print.
template <class History>
std::optional<Hash256> electrum_status(const History& history) {
  if (std::empty(history)) return std::nullopt;
  Sha256 hasher;
  std::string line;
  for (const auto& item : history) {
    line = item.txid.to_hex();
    line += ':';
    line += std::to_string(item.height);
    line += ':';
    hasher.write(as_bytes(line));
  }
  return hasher.finalize();
}

}  // namespace coinkit
