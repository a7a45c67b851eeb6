// Notification: what the indexer reports after each block batch and mempool refresh: the height,
// whether the tip changed, and the scripts whose history did.
#pragma once

#include <coinkit/indexer/schema.hpp>

#include <vector>

namespace coinkit::indexer {

struct Notification {
  int height = -1;
  bool new_tip = false;  // the first after the catch-up is one too: listeners learn the tip from it
  bool reorg = false;
  std::vector<HashX> touched;  // sorted, unique
};

}  // namespace coinkit::indexer
