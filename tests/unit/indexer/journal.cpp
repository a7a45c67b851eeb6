// Journal: records read back after a reopening, in order; a new round hides the old one's records
// past its own; a record damaged on disk (a torn write) ends the records there; records of many
// pages; a file made short is filled out to its size.
#include <coinkit/indexer/storage/journal.hpp>

#include <support/temp_dir.hpp>

#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace coinkit;
using coinkit::indexer::Journal;

namespace {

constexpr std::size_t capacity = 64 * Journal::page;

Bytes payload_of(std::size_t size, std::uint8_t fill) { return Bytes(size, fill); }

std::vector<std::uint64_t> seqs_of(const std::vector<Journal::Record>& records) {
  std::vector<std::uint64_t> out;
  for (const auto& r : records) out.push_back(r.seq);
  return out;
}

void overwrite(const std::filesystem::path& file, std::size_t at, std::uint8_t byte) {
  const int fd = ::open(file.c_str(), O_WRONLY);
  BOOST_TEST_REQUIRE(fd >= 0);
  BOOST_TEST_REQUIRE(::pwrite(fd, &byte, 1, static_cast<off_t>(at)) == 1);
  ::close(fd);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(journal)

BOOST_AUTO_TEST_CASE(records_are_read_back_in_order_after_reopening) {
  test::TempDir dir;
  const auto file = dir.path / "journal";
  {
    Journal j(file, capacity);
    BOOST_TEST(std::filesystem::file_size(file) == capacity);
    BOOST_TEST(j.records().empty());
    BOOST_TEST(j.append(7, payload_of(10, 0xaa)).has_value());
    BOOST_TEST(j.append(8, payload_of(3 * Journal::page, 0xbb)).has_value());  // four pages
    BOOST_TEST(j.append(9, {}).has_value());
  }
  Journal j(file, capacity);
  const auto records = j.records();
  BOOST_TEST(seqs_of(records) == (std::vector<std::uint64_t>{7, 8, 9}), boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(records.size() == 3u);
  BOOST_TEST(records[0].payload == payload_of(10, 0xaa));
  BOOST_TEST(records[1].payload == payload_of(3 * Journal::page, 0xbb));
  BOOST_TEST(records[2].payload.empty());
}

BOOST_AUTO_TEST_CASE(a_new_round_hides_the_records_of_the_old_one) {
  test::TempDir dir;
  const auto file = dir.path / "journal";
  Journal j(file, capacity);
  for (std::uint64_t seq = 1; seq <= 5; ++seq) BOOST_TEST(j.append(seq, payload_of(100, 1)).has_value());
  j.restart();
  // Nothing appended yet: the old round is still what the file holds.
  BOOST_TEST(seqs_of(Journal(file, capacity).records()).size() == 5u);
  // One record of the new round, numbered as the old round's second would follow: the old
  // second record after it is not taken for it (another round).
  BOOST_TEST(j.append(1, payload_of(100, 2)).has_value());
  const auto records = Journal(file, capacity).records();
  BOOST_TEST_REQUIRE(records.size() == 1u);
  BOOST_TEST(records[0].payload == payload_of(100, 2));
}

BOOST_AUTO_TEST_CASE(a_damaged_record_ends_the_records_there) {
  test::TempDir dir;
  const auto file = dir.path / "journal";
  {
    Journal j(file, capacity);
    for (std::uint64_t seq = 1; seq <= 4; ++seq) BOOST_TEST(j.append(seq, payload_of(50, 3)).has_value());
  }
  overwrite(file, 2 * Journal::page + 40, 0x00);  // a byte of the third record's payload
  BOOST_TEST(seqs_of(Journal(file, capacity).records()) == (std::vector<std::uint64_t>{1, 2}),
             boost::test_tools::per_element());
  overwrite(file, 0, 'X');  // the first record's magic
  BOOST_TEST(Journal(file, capacity).records().empty());
}

BOOST_AUTO_TEST_CASE(a_full_journal_says_so_and_a_short_file_is_filled_out) {
  test::TempDir dir;
  const auto file = dir.path / "journal";
  {
    Journal j(file, 4 * Journal::page);
    BOOST_TEST(j.fits(3 * Journal::page));
    BOOST_TEST(!j.fits(4 * Journal::page));  // its header and check do not fit beside it
    BOOST_TEST(j.append(1, payload_of(2 * Journal::page, 4)).has_value());
    BOOST_TEST(j.fits(100));
    BOOST_TEST(j.append(2, payload_of(100, 4)).has_value());
    BOOST_TEST(!j.fits(0));
  }
  std::filesystem::resize_file(file, Journal::page);
  Journal j(file, 4 * Journal::page);
  BOOST_TEST(std::filesystem::file_size(file) == 4 * Journal::page);
  BOOST_TEST(j.records().empty());  // the first record lost its pages: it is not read
}

BOOST_AUTO_TEST_CASE(a_journal_that_cannot_be_made_is_an_error_naming_it) {
  test::TempDir dir;
  const auto file = dir.path / "missing" / "journal";
  try {
    Journal j(file, capacity);
    BOOST_FAIL("opened");
  } catch (const std::system_error& e) {
    BOOST_TEST(std::string(e.what()).find(file.string()) != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
