// RequestBook: a wallet's payment requests in the order they were made, each with the status
// it was last announced in (a new_payment event goes out when that changes); found by id, and
// which addresses they hold, in constant time.
#pragma once

#include <coinkit/wallet/payment_request.hpp>

#include <coinkit/core/string_map.hpp>

#include <boost/unordered/unordered_flat_map.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
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
    if (Entry* e = find(id)) {
      *e = Entry{std::move(id), std::move(r), slot, RequestStatus::unpaid, e->seq};
      reindex();  // the replaced request may have held another address
      return *e;
    }
    by_id_.emplace(id, entries_.size());
    Entry& e = entries_.emplace_back(Entry{std::move(id), std::move(r), slot, RequestStatus::unpaid, next_seq_++});
    hold(e);
    return e;
  }
  // The entries read back from disk, put in creation order.
  void restore(std::vector<Entry> entries) {
    std::ranges::sort(entries, {}, &Entry::seq);
    entries_ = std::move(entries);
    next_seq_ = entries_.empty() ? 0 : entries_.back().seq + 1;
    reindex();
  }
  Entry* find(std::string_view id) {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &entries_[it->second];
  }
  const Entry* find(std::string_view id) const { return const_cast<RequestBook*>(this)->find(id); }
  bool remove(std::string_view id) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return false;
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(it->second));
    reindex();
    return true;
  }
  void clear() {
    entries_.clear();
    reindex();
  }
  bool empty() const noexcept { return entries_.empty(); }
  std::size_t size() const noexcept { return entries_.size(); }
  std::vector<Entry>& entries() noexcept { return entries_; }
  const std::vector<Entry>& entries() const noexcept { return entries_; }

  // Electrum's get_request_by_addr as get_unused_address uses it: whether a request holds the
  // slot's address at `now`, i.e. one on it has not expired. (A paid request's address has
  // history, which keeps it from being handed out on its own.)
  bool holds(std::uint32_t slot, double now) const {
    auto it = held_until_.find(slot);
    return it != held_until_.end() && !(static_cast<double>(it->second) < now);
  }
  // Electron Cash's get_unused_addresses: whether any request, expired or not, is on the slot.
  bool has_request_on(std::uint32_t slot) const { return held_until_.contains(slot); }

 private:
  static constexpr std::int64_t never = std::numeric_limits<std::int64_t>::max();

  void hold(const Entry& e) {
    const std::int64_t until = e.request.expiry ? e.request.expiration() : never;
    auto [it, inserted] = held_until_.try_emplace(e.slot, until);
    if (!inserted) it->second = std::max(it->second, until);
  }
  void reindex() {
    by_id_.clear();
    held_until_.clear();
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      by_id_.emplace(entries_[i].id, i);
      hold(entries_[i]);
    }
  }

  std::vector<Entry> entries_;    // in creation order (Electrum sorts by time; ties keep this order)
  StringMap<std::size_t> by_id_;  // id -> place in entries_
  boost::unordered_flat_map<std::uint32_t, std::int64_t> held_until_;  // slot -> last expiration
  std::uint64_t next_seq_ = 0;
};

}  // namespace coinkit::wallet
