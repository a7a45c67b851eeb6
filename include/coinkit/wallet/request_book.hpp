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
#include <optional>
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

  // The wallet's first unused receiving slot (w.first_unused_receiving) that no request holds at
  // `now`, i.e. none on it has expired (Electrum's get_unused_address with get_request_by_addr;
  // a paid request's address has history, which keeps it from being handed out on its own) or,
  // with `any_request`, that has no request at all, expired or not (Electron Cash's
  // get_unused_addresses). It starts where the last search found every slot taken,
  // while that holds: without it each add_request would look at every address before (with
  // 100,000 requests, milliseconds each). That start is forgotten when a request goes or is
  // replaced (remove, clear, restore), when the first hold it passed ends, and when a slot's
  // history went empty (w.slots_emptied() moved: a reorg made an address unused again).
  template <class Wallet>
  std::optional<std::uint32_t> first_unheld(const Wallet& w, double now, bool any_request) const {
    const bool resume = now < static_cast<double>(searched_until_) && w.slots_emptied() == searched_emptied_;
    std::int64_t until = resume ? searched_until_ : never;  // the first end of the holds passed
    const auto slot = w.first_unused_receiving(
        [&](std::uint32_t s) {
          auto it = held_until_.find(s);
          if (it == held_until_.end()) return false;
          if (any_request) return true;  // held for good
          if (static_cast<double>(it->second) < now) return false;
          until = std::min(until, it->second);
          return true;
        },
        resume ? searched_ : 0);
    searched_ = slot.value_or(static_cast<std::uint32_t>(w.slot_count()));
    searched_until_ = until;
    searched_emptied_ = w.slots_emptied();
    return slot;
  }

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
    searched_until_ = 0;  // search again from the first slot
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      by_id_.emplace(entries_[i].id, i);
      hold(entries_[i]);
    }
  }

  std::vector<Entry> entries_;    // in creation order (Electrum sorts by time; ties keep this order)
  StringMap<std::size_t> by_id_;  // id -> place in entries_
  boost::unordered_flat_map<std::uint32_t, std::int64_t> held_until_;  // slot -> last expiration
  std::uint64_t next_seq_ = 0;
  mutable std::uint32_t searched_ = 0;          // first_unheld's start: a cache, kept by searches
  mutable std::int64_t searched_until_ = 0;     // its validity (Unix seconds)
  mutable std::uint64_t searched_emptied_ = 0;  // and the wallet's slots_emptied() then
};

}  // namespace coinkit::wallet
