// The non-template code of <coinkit/indexer/mempool.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/indexer/mempool.hpp>

namespace coinkit::indexer {
void Mempool::touch_all(const Tx& tx, std::vector<HashX>& touched) const {
  for (const auto& [hx, v] : tx.spent) touched.push_back(hx);
  for (std::size_t i = 0; i < tx.outputs.size(); ++i)
    if (tx.indexed[i]) touched.push_back(tx.outputs[i].first);
}

void Mempool::unique(std::vector<HashX>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace coinkit::indexer
