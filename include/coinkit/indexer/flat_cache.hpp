// FlatCache: the block processor's default cache containers, open-addressing flat hash maps.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>

namespace coinkit::indexer {

// A Cache policy names the map the UTXO cache uses; another policy can trade memory for speed
// (a node-based map, a bounded LRU) without touching the processor.
struct FlatCache {
  template <class K, class V, class Hash>
  using map = boost::unordered_flat_map<K, V, Hash>;
  // Estimated bytes per entry of a map from 36-byte outpoints to 24-byte values, with the
  // table's slack (load factor 0.875, one metadata byte a slot): what CACHE_MB is measured in.
  static constexpr std::size_t utxo_entry_bytes = 80;
};

}  // namespace coinkit::indexer

namespace coinkit {
// coinkit::FlatCache: the default cache of coinkit::Indexer and coinkit::ElectrumServer.
using indexer::FlatCache;
}  // namespace coinkit
