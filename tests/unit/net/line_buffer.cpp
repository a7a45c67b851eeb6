// Tests net/line_buffer.hpp: lines cut from a byte stream, the size cap, memory given back.
#include <coinkit/net/line_buffer.hpp>

#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <vector>

using namespace coinkit::net;

namespace {
void feed(LineBuffer& b, std::string_view bytes) {
  auto space = b.prepare(bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  b.commit(bytes.size());
}
std::vector<std::string> lines(LineBuffer& b) {
  std::vector<std::string> out;
  while (auto l = b.next()) out.emplace_back(*l);
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(line_buffer)

BOOST_AUTO_TEST_CASE(cuts_lines_across_reads) {
  LineBuffer b(1000);
  feed(b, "{\"a\":1}\n{\"b\"");
  BOOST_TEST(lines(b) == std::vector<std::string>{"{\"a\":1}"});
  feed(b, ":2}\r\n\n\n{\"c\":3}\n");  // CRLF, and empty lines are skipped
  BOOST_TEST((lines(b) == std::vector<std::string>{"{\"b\":2}", "{\"c\":3}"}));
  BOOST_TEST(b.pending() == 0u);
  BOOST_TEST(!b.overflow());
}

BOOST_AUTO_TEST_CASE(a_line_over_the_cap_overflows) {
  LineBuffer b(100);
  feed(b, std::string(100, 'x') + "\n");  // exactly the cap: fine
  BOOST_TEST(lines(b).size() == 1u);
  feed(b, std::string(60, 'y'));
  BOOST_TEST(lines(b).empty());
  BOOST_TEST(!b.overflow());
  feed(b, std::string(60, 'y'));  // 120 bytes and no newline yet
  BOOST_TEST(lines(b).empty());
  BOOST_TEST(b.overflow());
  LineBuffer c(100);
  feed(c, std::string(101, 'z') + "\n{}\n");  // a complete line over the cap
  BOOST_TEST(lines(c).empty());
  BOOST_TEST(c.overflow());
}

BOOST_AUTO_TEST_CASE(memory_is_released_when_idle) {
  LineBuffer b(1 << 20);
  BOOST_TEST(b.capacity() == 0u);  // a new connection holds nothing
  feed(b, std::string(100'000, 'x'));
  feed(b, "\n");
  BOOST_TEST(lines(b).size() == 1u);
  BOOST_TEST(b.capacity() >= 100'000u);
  b.release(4096);
  BOOST_TEST(b.capacity() == 0u);
  feed(b, "partial");
  b.release(0);  // not while a partial line is pending
  BOOST_TEST(b.capacity() > 0u);
  feed(b, "\n");
  BOOST_TEST(lines(b) == std::vector<std::string>{"partial"});
}

BOOST_AUTO_TEST_SUITE_END()
