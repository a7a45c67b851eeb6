// RequestBook: a wallet's payment requests in the order they were made, each with the status
// it was last announced in (a new_payment event goes out when that changes).
#pragma once

#include <coinkit/wallet/payment_request.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinkit::wallet {

class RequestBook {
 public:
  struct Entry {
    std::string id;
    PaymentRequest request;
    std::uint32_t slot = 0;  // the wallet's address slot it pays to
    RequestStatus announced = RequestStatus::unpaid;
    std::uint64_t seq = 0;  // its place in creation order (kept on disk, where keys sort by id)
  };

  // A request of an id the book has (the same output and second) replaces it in its place, as
  // in Electrum's dict.
  Entry& add(std::string id, PaymentRequest r, std::uint32_t slot) {
    if (Entry* e = find(id)) return *e = Entry{std::move(id), std::move(r), slot, RequestStatus::unpaid, e->seq};
    return entries_.emplace_back(Entry{std::move(id), std::move(r), slot, RequestStatus::unpaid, next_seq_++});
  }
  // The entries read back from disk, put in creation order.
  void restore(std::vector<Entry> entries) {
    std::ranges::sort(entries, {}, &Entry::seq);
    entries_ = std::move(entries);
    next_seq_ = entries_.empty() ? 0 : entries_.back().seq + 1;
  }
  Entry* find(std::string_view id) {
    auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.id == id; });
    return it == entries_.end() ? nullptr : &*it;
  }
  bool remove(std::string_view id) {
    return std::erase_if(entries_, [&](const Entry& e) { return e.id == id; }) > 0;
  }
  void clear() { entries_.clear(); }
  bool empty() const noexcept { return entries_.empty(); }
  std::vector<Entry>& entries() noexcept { return entries_; }
  const std::vector<Entry>& entries() const noexcept { return entries_; }

 private:
  std::vector<Entry> entries_;  // in creation order (Electrum sorts by time; ties keep this order)
  std::uint64_t next_seq_ = 0;
};

}  // namespace coinkit::wallet
