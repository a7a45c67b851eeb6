// Tests core/hex.hpp, reader.hpp, writer.hpp and uint256.hpp: round trips and every error.
#include <coinkit/core/hex.hpp>
#include <coinkit/core/reader.hpp>
#include <coinkit/core/uint256.hpp>
#include <coinkit/core/writer.hpp>

#include <boost/test/unit_test.hpp>

using namespace coinkit;

BOOST_AUTO_TEST_SUITE(hex_tests)

BOOST_AUTO_TEST_CASE(round_trip) {
  const Bytes b = {0x00, 0x01, 0xab, 0xff};
  BOOST_TEST(to_hex(b) == "0001abff");
  BOOST_TEST((from_hex("0001ABff") == b));
  BOOST_TEST(from_hex("").empty());
}

BOOST_AUTO_TEST_CASE(errors) {
  BOOST_TEST(try_from_hex("abc").error() == core::error::odd_hex_length);
  BOOST_TEST(try_from_hex("zz").error() == core::error::invalid_hex_character);
  BOOST_TEST(try_from_hex("0g").error() == core::error::invalid_hex_character);
  BOOST_CHECK_EXCEPTION(from_hex("0x00"), system_error, [](const system_error& e) {
    return e.code() == core::error::invalid_hex_character && std::string(e.what()).find("hex") != std::string::npos;
  });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(uint256_tests)

BOOST_AUTO_TEST_CASE(display_order_is_reversed) {
  const auto h = Hash256::from_hex("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
  BOOST_TEST(h[0] == 0x6f);
  BOOST_TEST(h[31] == 0x00);
  BOOST_TEST(h.to_hex() == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
  BOOST_TEST(!h.is_null());
  BOOST_TEST(Hash256{}.is_null());
  static_assert(Hash256::from_hex("0000000000000000000000000000000000000000000000000000000000000001")[0] == 1);
}

BOOST_AUTO_TEST_CASE(errors) {
  BOOST_TEST(Hash256::try_from_hex("00").error() == core::error::wrong_length);
  BOOST_TEST(Hash160::from_bytes(Bytes(19)).error() == core::error::wrong_length);
  BOOST_TEST(Hash256::try_from_hex(std::string(63, '0') + "x").error() == core::error::invalid_hex_character);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(compact_size_tests)

BOOST_AUTO_TEST_CASE(boundaries_round_trip) {
  for (std::uint64_t n :
       {0ull, 1ull, 0xfcull, 0xfdull, 0xffffull, 0x10000ull, 0xffffffffull, 0x100000000ull, 0xffffffffffffffffull}) {
    Bytes buf;
    BytesSink sink{buf};
    ByteWriter(sink).compact_size(n);
    BOOST_TEST(buf.size() == compact_size_length(n));
    ByteReader r(buf);
    BOOST_TEST(r.compact_size(~0ull) == n);
    r.expect_end();
    BOOST_TEST(r.ok());
  }
}

BOOST_AUTO_TEST_CASE(non_canonical_rejected) {
  for (const char* hex : {"fdfc00", "fe ffff0000", "ff ffffffff00000000"}) {
    std::string h(hex);
    std::erase(h, ' ');
    const Bytes b = from_hex(h);
    ByteReader r(b);
    r.compact_size(~0ull);
    BOOST_TEST(r.error() == core::error::non_canonical_varint);
  }
}

BOOST_AUTO_TEST_CASE(oversized_and_truncated) {
  const Bytes big = from_hex("fe01000002");  // 0x02000001 > max_compact_size
  ByteReader r1(big);
  r1.compact_size();
  BOOST_TEST(r1.error() == core::error::oversized);
  const Bytes cut = from_hex("fd01");
  ByteReader r2(cut);
  r2.compact_size();
  BOOST_TEST(r2.error() == core::error::truncated);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(reader_tests)

BOOST_AUTO_TEST_CASE(sticky_error_keeps_first_offset) {
  const Bytes b = from_hex("0102030405");
  ByteReader r(b);
  BOOST_TEST(r.le32() == 0x04030201u);
  BOOST_TEST(r.le32() == 0u);  // only one byte left
  BOOST_TEST(r.error() == core::error::truncated);
  BOOST_TEST(r.offset() == 4u);
  BOOST_TEST(r.u8() == 0);  // later reads do nothing
  BOOST_TEST(r.offset() == 4u);
}

BOOST_AUTO_TEST_CASE(trailing_bytes) {
  const Bytes b = from_hex("0102");
  ByteReader r(b);
  r.u8();
  r.expect_end();
  BOOST_TEST(r.error() == core::error::trailing_bytes);
  BOOST_TEST(r.error().message() == "unexpected bytes after the end of the object");
}

BOOST_AUTO_TEST_CASE(writer_little_endian) {
  Bytes buf;
  BytesSink sink{buf};
  ByteWriter w(sink);
  w.le32(0x01020304);
  w.le64(0x05);
  w.var_bytes(from_hex("aabb"));
  BOOST_TEST(to_hex(buf) == "04030201050000000000000002aabb");
  SizeCounter counter;
  ByteWriter(counter).var_bytes(from_hex("aabb"));
  BOOST_TEST(counter.size == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
