// Hash functions for the indexer's flat maps: keys are already uniform hash output.
#pragma once

#include <coinkit/chain/hashes.hpp>
#include <coinkit/indexer/schema.hpp>

#include <cstddef>
#include <cstring>

namespace coinkit::indexer::detail {

struct HashXHash {
  std::size_t operator()(const HashX& h) const noexcept {
    std::size_t v;
    std::memcpy(&v, h.data(), sizeof v);
    return v;
  }
};

struct TxidHash {
  std::size_t operator()(const Txid& h) const noexcept {
    std::size_t v;
    std::memcpy(&v, h.data(), sizeof v);
    return v;
  }
};

// An output by full txid and index: the key of the UTXO cache and of mempool spends.
struct OutKey {
  Txid txid;
  std::uint32_t vout = 0;
  bool operator==(const OutKey&) const noexcept = default;
};
struct OutKeyHash {
  std::size_t operator()(const OutKey& k) const noexcept {
    return TxidHash{}(k.txid) ^ (k.vout * 0x9e3779b97f4a7c15ull);
  }
};

}  // namespace coinkit::indexer::detail
