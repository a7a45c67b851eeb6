// Retarget: how a coin's mainnet difficulty follows the clock, Bitcoin's way: every `interval`
// blocks the target scales by the time the last period took (within 4× either way).
#pragma once

#include <cstdint>

namespace coinkit {

struct Retarget {
  std::uint32_t interval = 0;         // blocks per period; 0: the coin retargets otherwise (unchecked)
  std::uint32_t target_timespan = 0;  // seconds a period should take
  std::uint32_t pow_limit_bits = 0;   // the easiest target, compact
  bool full_period_lookback = false;  // Litecoin: the period's time is measured from one block earlier
};

}  // namespace coinkit
