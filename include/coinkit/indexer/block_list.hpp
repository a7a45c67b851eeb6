// BlockList: each indexed block's hash and cumulative transaction count, shared by snapshots.
#pragma once

#include <coinkit/chain/hashes.hpp>
#include <coinkit/indexer/schema.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

namespace coinkit::indexer {

// A value type with structural sharing: copies share fixed chunks of 1,024 blocks and copy on
// write, so the processor can publish its list after every block (a few hundred pointers) while
// readers keep the copy that matches their storage snapshot.
class BlockList {
 public:
  struct Entry {
    BlockHash hash;
    TxNum tx_end = 0;  // transactions in this block and all before it
  };
  static constexpr std::size_t chunk_size = 1024;

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  int height() const noexcept { return static_cast<int>(size_) - 1; }  // -1 when empty
  TxNum tx_count() const noexcept { return size_ ? (*this)[size_ - 1].tx_end : 0; }
  const Entry& operator[](std::size_t h) const noexcept { return (*chunks_[h / chunk_size])[h % chunk_size]; }
  const Entry& back() const noexcept { return (*this)[size_ - 1]; }
  TxNum tx_begin(std::size_t h) const noexcept { return h ? (*this)[h - 1].tx_end : 0; }

  void push_back(const Entry& e) {
    if (size_ % chunk_size == 0) {
      auto c = std::make_shared<std::vector<Entry>>();
      c->reserve(chunk_size);
      chunks_.push_back(std::move(c));
    } else if (chunks_.back().use_count() > 1) {
      chunks_.back() = std::make_shared<std::vector<Entry>>(*chunks_.back());
    }
    mutable_back().push_back(e);
    ++size_;
  }

  void truncate(std::size_t n) {
    if (n >= size_) return;
    chunks_.resize((n + chunk_size - 1) / chunk_size);
    if (n % chunk_size) {
      auto c = std::make_shared<std::vector<Entry>>(chunks_.back()->begin(), chunks_.back()->begin() + n % chunk_size);
      chunks_.back() = std::move(c);
    }
    size_ = n;
  }

  // The height of the block holding transaction `n`, nullopt beyond the last block.
  std::optional<std::size_t> height_of(TxNum n) const noexcept {
    if (n >= tx_count()) return std::nullopt;
    // First chunk whose last entry ends after n, then within it.
    std::size_t lo = 0, hi = chunks_.size() - 1;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (chunks_[mid]->back().tx_end > n)
        hi = mid;
      else
        lo = mid + 1;
    }
    const auto& c = *chunks_[lo];
    auto it = std::upper_bound(c.begin(), c.end(), n, [](TxNum v, const Entry& e) { return v < e.tx_end; });
    return lo * chunk_size + static_cast<std::size_t>(it - c.begin());
  }

 private:
  std::vector<Entry>& mutable_back() { return const_cast<std::vector<Entry>&>(*chunks_.back()); }

  std::vector<std::shared_ptr<const std::vector<Entry>>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace coinkit::indexer
