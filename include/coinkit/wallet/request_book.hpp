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
  };

  // A request of an id the book has (the same output and second) replaces it, as in Electrum.
  Entry& add(std::string id, PaymentRequest r, std::uint32_t slot) {
    if (Entry* e = find(id)) return *e = Entry{std::move(id), std::move(r), slot};
    return entries_.emplace_back(Entry{std::move(id), std::move(r), slot});
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
};

}  // namespace coinkit::wallet
