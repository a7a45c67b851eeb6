// indexer/fee_histogram.hpp against ElectrumX: each expected histogram is what ElectrumX 1.20's
// MemPool._update_histogram and _compress_histogram give for the same transactions (fee, vsize),
// with its bin size of 30,000 vB.
#include <coinkit/indexer/fee_histogram.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <utility>
#include <vector>

using coinkit::indexer::FeeHistogram;
using coinkit::indexer::FeeRateTally;

namespace {

struct Txs {
  std::int64_t fee;
  std::uint64_t vsize;
  int count = 1;
};

FeeHistogram histogram(std::initializer_list<Txs> txs) {
  FeeRateTally tally;
  for (const Txs& t : txs)
    for (int i = 0; i < t.count; ++i) tally.add(t.fee, t.vsize);
  return tally.compact();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fee_histogram)

BOOST_AUTO_TEST_CASE(one_rate_split_across_many_transactions_is_one_bin) {
  // 100 transactions at 5 sat/vB are summed before binning (a walk over single transactions
  // would cut them into bins of one rate); as a lump of more than two bins it first closes
  // the bin above it.
  const FeeHistogram expected{{20.0, 10'250}, {5.0, 100'000}};
  BOOST_TEST((histogram({{5'000, 1'000, 100}, {20'000, 1'000, 10}, {25'000, 250}}) == expected));
}

BOOST_AUTO_TEST_CASE(a_tail_below_one_bin_is_dropped) {
  const FeeHistogram expected{{50.0, 32'000}};
  BOOST_TEST((histogram({{20'000, 400, 80}, {1'000, 1'000, 5}, {6'000, 2'000, 3}}) == expected));
}

BOOST_AUTO_TEST_CASE(a_lump_closes_the_bin_before_it) {
  const FeeHistogram expected{{30.0, 10'000}, {10.0, 70'000}};
  BOOST_TEST((histogram({{15'000, 500, 20}, {10'000, 1'000, 70}, {20'000, 10'000, 2}}) == expected));
}

BOOST_AUTO_TEST_CASE(bins_grow_by_a_tenth) {
  // 1,000 vB at each rate from 1 to 199 sat/vB: bins of more than 30,000, 33,000, 36,300, ... vB.
  FeeRateTally tally;
  for (int rate = 1; rate < 200; ++rate) tally.add(rate * 1'000, 1'000);
  const FeeHistogram expected{{169.0, 31'000}, {135.0, 34'000}, {98.0, 37'000}, {58.0, 40'000}, {14.0, 44'000}};
  BOOST_TEST((tally.compact() == expected));
}

BOOST_AUTO_TEST_CASE(rates_are_floored_to_a_tenth) {
  // 7.19, 7.11 and 7.1 sat/vB are all 7.1; 7.099 is 7.0; a free transaction is rate 0.
  const FeeHistogram expected{{7.1, 35'000}, {0.0, 40'000}};
  BOOST_TEST((histogram({{7'190, 1'000, 10}, {7'110, 1'000, 10}, {7'100, 1'000, 15}, {7'099, 1'000}, {0, 39'000}}) ==
              expected));
}

BOOST_AUTO_TEST_CASE(removing_transactions_undoes_them) {
  // The mempool keeps the tally as transactions come and go: after removals it equals the tally
  // of what stayed.
  FeeRateTally kept, churned;
  for (int i = 0; i < 40; ++i) kept.add(20'000, 1'000), churned.add(20'000, 1'000);
  for (int i = 0; i < 50; ++i) churned.add(7'150, 1'000);  // rate 7.1, removed again below
  churned.add(90'000, 2'000);
  for (int i = 0; i < 50; ++i) churned.remove(7'150, 1'000);
  churned.remove(90'000, 2'000);
  churned.remove(1, 5);  // never added: nothing changes
  BOOST_TEST((churned.compact() == kept.compact()));
  BOOST_TEST((kept.compact() == FeeHistogram{{20.0, 40'000}}));
  churned.clear();
  BOOST_TEST(churned.compact().empty());
}

BOOST_AUTO_TEST_CASE(an_empty_or_small_mempool_has_no_bins) {
  BOOST_TEST(histogram({}).empty());
  BOOST_TEST(histogram({{1'000, 141, 200}}).empty());  // 28,200 vB: not more than one bin
}

BOOST_AUTO_TEST_SUITE_END()
