// The Electrum protocol's methods (1.4 to 1.6): names, parameters, the versions that have them,
// and whether they wait for the node.
#pragma once

#include <coinkit/electrum/protocol_version.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>

namespace coinkit::electrum {

enum class Method : std::uint8_t {
  block_header,
  block_headers,
  estimatefee,
  headers_subscribe,
  relayfee,
  scripthash_get_balance,
  scripthash_get_history,
  scripthash_get_mempool,
  scripthash_listunspent,
  scripthash_subscribe,
  scripthash_unsubscribe,
  transaction_broadcast,
  transaction_broadcast_package,
  transaction_get,
  transaction_get_merkle,
  transaction_id_from_pos,
  mempool_get_fee_histogram,
  mempool_get_info,
  server_add_peer,
  server_banner,
  server_donation_address,
  server_features,
  server_peers_subscribe,
  server_ping,
  server_version,
};

struct MethodInfo {
  std::string_view name;
  Method method = Method::server_ping;
  std::span<const std::string_view> params;  // the documented names, for calls by name
  std::size_t required = 0;                  // leading params without a default
  ProtocolVersion since = protocol_min;      // first version that has it
  std::optional<ProtocolVersion> until;      // first version that no longer has it
  bool extra_args = false;                   // server.version: unknown extra arguments are tolerated (1.6)
  bool waits_for_node = false;               // asks the node: run off the I/O thread

  bool available(ProtocolVersion v) const noexcept { return v >= since && (!until || v < *until); }
};

namespace detail {
inline constexpr std::string_view no_params[] = {""};
inline constexpr std::string_view p_height_cp[] = {"height", "cp_height"};
inline constexpr std::string_view p_headers[] = {"start_height", "count", "cp_height"};
inline constexpr std::string_view p_estimatefee[] = {"number", "mode"};
inline constexpr std::string_view p_scripthash[] = {"scripthash"};
inline constexpr std::string_view p_raw_tx[] = {"raw_tx"};
inline constexpr std::string_view p_package[] = {"raw_txs", "verbose"};
inline constexpr std::string_view p_tx_get[] = {"tx_hash", "verbose"};
inline constexpr std::string_view p_merkle[] = {"tx_hash", "height"};
inline constexpr std::string_view p_id_from_pos[] = {"height", "tx_pos", "merkle"};
inline constexpr std::string_view p_features[] = {"features"};
inline constexpr std::string_view p_version[] = {"client_name", "protocol_version"};
inline constexpr std::span<const std::string_view> none{no_params, 0};

enum : unsigned { node = 1, extra_args = 2 };
constexpr MethodInfo entry(std::string_view name, Method m, std::span<const std::string_view> params,
                           std::size_t required, unsigned flags = 0, ProtocolVersion since = protocol_min,
                           std::optional<ProtocolVersion> until = std::nullopt) {
  MethodInfo i;
  i.name = name, i.method = m, i.params = params, i.required = required;
  i.since = since, i.until = until;
  i.extra_args = flags & extra_args, i.waits_for_node = flags & node;
  return i;
}

// Sorted by name for the binary search.
inline constexpr MethodInfo methods[] = {
    entry("blockchain.block.header", Method::block_header, p_height_cp, 1),
    entry("blockchain.block.headers", Method::block_headers, p_headers, 2),
    entry("blockchain.estimatefee", Method::estimatefee, p_estimatefee, 1, node),
    entry("blockchain.headers.subscribe", Method::headers_subscribe, none, 0),
    entry("blockchain.relayfee", Method::relayfee, none, 0, node, protocol_min, ProtocolVersion{1, 6}),
    entry("blockchain.scripthash.get_balance", Method::scripthash_get_balance, p_scripthash, 1),
    entry("blockchain.scripthash.get_history", Method::scripthash_get_history, p_scripthash, 1),
    entry("blockchain.scripthash.get_mempool", Method::scripthash_get_mempool, p_scripthash, 1),
    entry("blockchain.scripthash.listunspent", Method::scripthash_listunspent, p_scripthash, 1),
    entry("blockchain.scripthash.subscribe", Method::scripthash_subscribe, p_scripthash, 1),
    entry("blockchain.scripthash.unsubscribe", Method::scripthash_unsubscribe, p_scripthash, 1, 0,
          ProtocolVersion{1, 4, 2}),
    entry("blockchain.transaction.broadcast", Method::transaction_broadcast, p_raw_tx, 1, node),
    entry("blockchain.transaction.broadcast_package", Method::transaction_broadcast_package, p_package, 1, node,
          ProtocolVersion{1, 6}),
    entry("blockchain.transaction.get", Method::transaction_get, p_tx_get, 1, node),
    entry("blockchain.transaction.get_merkle", Method::transaction_get_merkle, p_merkle, 2),
    entry("blockchain.transaction.id_from_pos", Method::transaction_id_from_pos, p_id_from_pos, 2),
    entry("mempool.get_fee_histogram", Method::mempool_get_fee_histogram, none, 0),
    entry("mempool.get_info", Method::mempool_get_info, none, 0, node, ProtocolVersion{1, 6}),
    entry("server.add_peer", Method::server_add_peer, p_features, 1),
    entry("server.banner", Method::server_banner, none, 0, node),
    entry("server.donation_address", Method::server_donation_address, none, 0),
    entry("server.features", Method::server_features, none, 0),
    entry("server.peers.subscribe", Method::server_peers_subscribe, none, 0),
    entry("server.ping", Method::server_ping, none, 0),
    entry("server.version", Method::server_version, p_version, 0, extra_args),
};

constexpr bool sorted() {
  for (std::size_t i = 1; i < std::size(methods); ++i)
    if (!(methods[i - 1].name < methods[i].name)) return false;
  return true;
}
static_assert(sorted(), "the method table must be sorted by name");
}  // namespace detail

// Every method of the 1.4-1.6 protocol.
inline constexpr std::span<const MethodInfo> all_methods() noexcept { return detail::methods; }

// The method called `name`, whatever the version; nullptr for an unknown name.
inline const MethodInfo* find_method(std::string_view name) noexcept {
  const auto* begin = std::begin(detail::methods);
  const auto* end = std::end(detail::methods);
  const auto* it =
      std::lower_bound(begin, end, name, [](const MethodInfo& m, std::string_view n) { return m.name < n; });
  return it != end && it->name == name ? it : nullptr;
}

inline const MethodInfo& method_info(Method m) noexcept {
  for (const MethodInfo& info : detail::methods)
    if (info.method == m) return info;
  return detail::methods[0];  // unreachable: every Method is in the table
}

}  // namespace coinkit::electrum
