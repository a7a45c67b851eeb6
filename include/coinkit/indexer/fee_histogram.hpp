// FeeHistogram: mempool.get_fee_histogram's compact histogram, computed as ElectrumX computes it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

namespace coinkit::indexer {

// [fee rate sat/vB, vsize] pairs, highest rate first: vsize_n is the virtual size of the
// transactions paying from rate_n up to (not including) rate_{n-1}.
using FeeHistogram = std::vector<std::pair<double, std::uint64_t>>;

// ElectrumX's bin size (MEMPOOL_COMPACT_HISTOGRAM_BINSIZE): each bin holds more than this many
// vbytes, and each next bin 10% more than the last.
inline constexpr double fee_histogram_bin_size = 30'000;

// The mempool's vsize by fee rate, each rate floored to 0.1 sat/vB (a rate is counted in the bin
// it pays at least), as ElectrumX's _update_histogram tallies it.
class FeeRateTally {
 public:
  void add(std::int64_t fee, std::uint64_t vsize) {
    if (vsize) vsize_at_[rate_of(fee, vsize)] += vsize;
  }
  // Undoes add(fee, vsize): the mempool keeps its tally as transactions come and go.
  void remove(std::int64_t fee, std::uint64_t vsize) {
    if (!vsize) return;
    const auto it = vsize_at_.find(rate_of(fee, vsize));
    if (it == vsize_at_.end()) return;
    it->second -= std::min(it->second, vsize);
    if (!it->second) vsize_at_.erase(it);
  }
  void clear() noexcept { vsize_at_.clear(); }

  // ElectrumX's _compress_histogram: from the highest rate down, a bin closes once it holds
  // more than `bin_size` vbytes; a rate of more than twice the bin on its own first closes the
  // bin before it; each bin closed makes the next 10% larger; what is left below the last full
  // bin is dropped.
  FeeHistogram compact(double bin_size = fee_histogram_bin_size) const {
    FeeHistogram out;
    std::uint64_t cumulative = 0;
    double prev_rate = 0;
    for (const auto& [rate, size] : vsize_at_) {
      if (static_cast<double>(size) > 2 * bin_size && cumulative > 0) {  // (so a rate came before)
        out.emplace_back(prev_rate, cumulative);
        cumulative = 0, bin_size *= 1.1;
      }
      cumulative += size;
      if (static_cast<double>(cumulative) > bin_size) {
        out.emplace_back(rate, cumulative);
        cumulative = 0, bin_size *= 1.1;
      }
      prev_rate = rate;
    }
    return out;
  }

 private:
  static double rate_of(std::int64_t fee, std::uint64_t vsize) {
    const double rate = static_cast<double>(fee < 0 ? 0 : fee) / static_cast<double>(vsize);  // Python's fee / size
    return std::floor(10 * rate) / 10;
  }

  std::map<double, std::uint64_t, std::greater<>> vsize_at_;  // highest rate first
};

}  // namespace coinkit::indexer
