// RequestBook: requests found by id and kept in creation order; first_unheld, which resumes where
// its last search found every slot taken, gives the slot a search from the first slot gives,
// through thousands of random requests made, paid, replaced, deleted and expired while time
// passes and reorgs take payments away, for Electrum's rule (expired requests free their slot) and Electron Cash's (no
// request at all).
#include <coinkit/wallet/request_book.hpp>
#include <coinkit/wallet/wallet_history.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace coinkit;
using namespace coinkit::wallet;

namespace {

// The part of a wallet first_unheld reads: slots in order, some used (history), every third a
// change slot; how many times a used slot lost its history.
struct Slots {
  std::vector<bool> used;
  std::uint64_t emptied = 0;
  static bool is_change(std::uint32_t slot) { return slot % 3 == 2; }
  std::size_t slot_count() const { return used.size(); }
  std::uint64_t slots_emptied() const { return emptied; }
  template <class Reserved>
  std::optional<std::uint32_t> first_unused_receiving(Reserved&& reserved, std::uint32_t from = 0) const {
    for (std::uint32_t s = from; s < used.size(); ++s)
      if (!is_change(s) && !used[s] && !reserved(s)) return s;
    return std::nullopt;
  }
};

PaymentRequest request_for(std::int64_t time, std::int64_t expiry) {
  PaymentRequest r;
  r.amount = 1000;
  r.time = time;
  r.expiry = expiry;
  return r;
}

// The same answer the slow way: every slot from the first, every request looked at.
std::optional<std::uint32_t> searched_slowly(const RequestBook& book, const Slots& w, double now, bool any_request) {
  return w.first_unused_receiving([&](std::uint32_t s) {
    for (const auto& e : book.entries())
      if (e.slot == s && (any_request || !e.request.expiry || !(static_cast<double>(e.request.expiration()) < now)))
        return true;
    return false;
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(request_book)

BOOST_AUTO_TEST_CASE(requests_are_found_by_id_in_creation_order) {
  RequestBook book;
  book.add("b", request_for(100, 0), 0);
  book.add("a", request_for(100, 0), 3);
  book.add("b", request_for(101, 60), 6);  // the same id: replaced in its place
  BOOST_TEST_REQUIRE(book.size() == 2u);
  BOOST_TEST(book.entries()[0].id == "b");
  BOOST_TEST(book.entries()[0].slot == 6u);
  BOOST_TEST(book.find("a")->slot == 3u);
  BOOST_TEST(book.remove("b"));
  BOOST_TEST(!book.remove("b"));
  BOOST_TEST(!book.find("b"));
  BOOST_TEST(book.find("a")->slot == 3u);
}

BOOST_AUTO_TEST_CASE(the_resumed_search_finds_what_a_full_search_finds) {
  for (const bool any_request : {false, true}) {
    std::mt19937 rng(any_request ? 7 : 11);
    RequestBook book;
    Slots w;
    w.used.assign(60, false);
    double now = 1'700'000'000;
    int found = 0, grown = 0, n = 0;
    for (int step = 0; step < 4'000; ++step) {
      BOOST_TEST_CONTEXT("step " << step << (any_request ? " (Electron Cash)" : " (Electrum)")) {
        const auto expected = searched_slowly(book, w, now, any_request);
        const auto slot = book.first_unheld(w, now, any_request);
        BOOST_TEST_REQUIRE((slot == expected));
        const int what = static_cast<int>(rng() % 100);
        if (what < 60) {  // a request on the slot found, or on a new one (add_request's force)
          std::uint32_t on = slot ? *slot : static_cast<std::uint32_t>(w.used.size());
          if (!slot) {
            while (Slots::is_change(static_cast<std::uint32_t>(w.used.size()))) w.used.push_back(false);
            on = static_cast<std::uint32_t>(w.used.size());
            w.used.push_back(false);
            ++grown;
          }
          const std::int64_t expiry = rng() % 3 == 0 ? 0 : 1 + static_cast<std::int64_t>(rng() % 40);
          book.add("r" + std::to_string(n++), request_for(static_cast<std::int64_t>(now), expiry), on);
          ++found;
        } else if (what < 70) {  // paid: the slot has history now
          if (slot) w.used[*slot] = true;
        } else if (what < 72) {  // a reorg takes a paid slot's history away
          const auto s = static_cast<std::uint32_t>(rng() % w.used.size());
          if (w.used[s]) w.used[s] = false, ++w.emptied;
        } else if (what < 78 && !book.empty()) {  // deleted
          book.remove(book.entries()[rng() % book.size()].id);
        } else if (what < 80 && !book.empty()) {  // replaced: the same id on another slot
          const auto& e = book.entries()[rng() % book.size()];
          book.add(e.id, request_for(static_cast<std::int64_t>(now), 5),
                   static_cast<std::uint32_t>(rng() % w.used.size()));
        } else if (what < 81) {
          book.clear();
        } else {  // time passes
          now += static_cast<double>(rng() % 7);
        }
      }
    }
    BOOST_TEST(found > 1'000);
    BOOST_TEST(grown > 100);
  }
}

// What a wallet tells first_unheld: a used slot whose history the server now gives empty is
// counted; a history replaced by another, or an empty one again, is not.
BOOST_AUTO_TEST_CASE(a_history_going_empty_is_counted) {
  WalletHistory h;
  const std::uint32_t slot = h.add_slot();
  const HistoryItem paid{Txid{}, 100};
  h.set_history(slot, {});
  BOOST_TEST(h.slots_emptied() == 0u);
  h.set_history(slot, {paid});
  h.set_history(slot, {HistoryItem{Txid{}, 0}});  // moved back to the mempool: still used
  BOOST_TEST(h.slots_emptied() == 0u);
  h.set_history(slot, {});  // the reorg dropped the payment
  BOOST_TEST(h.slots_emptied() == 1u);
  BOOST_TEST(!h.is_used(slot));
  h.set_history(slot, {});
  BOOST_TEST(h.slots_emptied() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
