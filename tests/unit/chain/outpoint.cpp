// Tests chain/outpoint.hpp: wire layout, the coinbase's null prevout, ordering and hashing.
#include <coinkit/chain/outpoint.hpp>

#include <coinkit/chain/detail/archive.hpp>
#include <coinkit/core/hex.hpp>

#include <boost/test/unit_test.hpp>

#include <unordered_set>

using namespace coinkit;

BOOST_AUTO_TEST_SUITE(outpoint)

BOOST_AUTO_TEST_CASE(wire_layout_both_ways) {
  const OutPoint o{Txid::from_hex("770f2d4371b3fabb902dd9a103e2dd005fcd3971181078fca4a2a1d6ff127b30"), 1};
  Bytes out;
  BytesSink sink{out};
  chain::detail::write_fields(sink, o);
  BOOST_TEST(to_hex(out) == "307b12ffd6a1a2a4fc7810187139cd5f00dde203a1d92d90bbfab371432d0f7701000000");
  BOOST_TEST(out.size() == OutPoint::serialized_size);
  ByteReader r(out);
  OutPoint back;
  chain::detail::read_fields(r, back);
  BOOST_TEST(r.ok());
  BOOST_TEST((back == o));
}

BOOST_AUTO_TEST_CASE(null_ordering_hashing) {
  BOOST_TEST(OutPoint{}.is_null());
  BOOST_TEST(!(OutPoint{Txid{}, 0}.is_null()));
  const OutPoint a{Txid::from_hex(std::string(63, '0') + "1"), 0}, b{a.txid, 1};
  BOOST_TEST((a < b));
  std::unordered_set<OutPoint> set{a, b, a};
  BOOST_TEST(set.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
