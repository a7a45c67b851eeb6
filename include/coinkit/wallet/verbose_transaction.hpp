// parse_verbose_transaction: bitcoind's verbose getrawtransaction object (which ElectrumX's
// verbose blockchain.transaction.get passes on) as a ServerTransaction.
#pragma once

#include <coinkit/core/hex.hpp>
#include <coinkit/wallet/chain_source.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <utility>

namespace coinkit::wallet {

// Its "hex" and "confirmations" (absent in the mempool: 0), and the object itself (moved, not
// copied); nullopt without valid hex.
inline std::optional<ServerTransaction> parse_verbose_transaction(boost::json::value v) {
  auto* o = v.if_object();
  const auto* hex = o ? o->if_contains("hex") : nullptr;
  if (!hex || !hex->is_string()) return std::nullopt;
  auto raw = try_from_hex(hex->get_string());
  if (!raw) return std::nullopt;
  const auto* conf = o->if_contains("confirmations");
  const int confirmations = conf && conf->is_int64() ? static_cast<int>(conf->get_int64()) : 0;
  return ServerTransaction{std::move(*raw), confirmations, std::move(*o)};
}

}  // namespace coinkit::wallet
