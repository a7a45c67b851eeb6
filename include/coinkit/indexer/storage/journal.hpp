// Journal: a write-ahead log whose every record is on disk after one synchronous write.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/error.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/indexer/error.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <vector>

namespace coinkit::indexer {

// The file is made once at its full size and filled with zeros, so a record later written into
// it changes no metadata: a synced write (pwritev2 with RWF_DSYNC) is one write to the disk,
// where an LMDB commit is two (its pages, then its meta page). Each record starts on a page of
// its own, so a write torn by a power cut damages no record written before it. The owner applies
// the records to its database now and then (a checkpoint: one synced commit for many records)
// and starts the journal over; after a crash, records() gives back what was written since.
//
// A record: "CKJ1", payload size (le32), sequence number (le64), round (le64: random, new at each
// restart, so that no record of an earlier round, nor anything inside one, is read as one of
// this round), payload, and the first 8 bytes of the SHA-256 of all before, padded with zeros to
// whole pages.
class Journal {
 public:
  static constexpr std::size_t page = 4096;

  struct Record {
    std::uint64_t seq = 0;
    Bytes payload;
  };

  // Opens the journal file at `path`, making it (`capacity` bytes, rounded up to whole pages,
  // mode 0600) when it is missing or short. Throws system_error naming the file when it cannot.
  Journal(std::filesystem::path path, std::size_t capacity)
      : path_(std::move(path)), capacity_((std::max(capacity, page) + page - 1) / page * page) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) fail("cannot open");
    struct stat st;
    if (::fstat(fd_, &st) != 0) fail("cannot stat");
    if (static_cast<std::size_t>(st.st_size) < capacity_) fill(static_cast<std::size_t>(st.st_size));
    restart();
  }
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal() {
    if (fd_ >= 0) ::close(fd_);
  }

  // The records from the start of the file while each is whole, of the first one's round and
  // numbered one after the one before: what was appended since the last restart(), or, when
  // nothing was, the round before (the owner skips what it applied). Reads the file; for opening.
  std::vector<Record> records() const {
    std::vector<Record> out;
    std::uint64_t first_round = 0;
    Bytes head(page);
    for (std::size_t at = 0; at + page <= capacity_;) {
      if (!read_at(head.data(), page, at) || load_le<std::uint32_t>(head.data()) != magic) break;
      const std::size_t size = load_le<std::uint32_t>(head.data() + 4);
      if (size > capacity_ || at + footprint(size) > capacity_) break;
      Bytes whole = head;  // and the rest of the record's pages, if it has more than one
      whole.resize(footprint(size));
      if (whole.size() > page && !read_at(whole.data() + page, whole.size() - page, at + page)) break;
      const ByteSpan body(whole.data(), header_size + size);
      if (!std::ranges::equal(check_of(body), ByteSpan(whole.data() + body.size(), check_size))) break;
      Record r{load_le<std::uint64_t>(whole.data() + 8), Bytes(body.begin() + header_size, body.end())};
      const std::uint64_t round = load_le<std::uint64_t>(whole.data() + 16);
      if (out.empty()) first_round = round;
      if (!out.empty() && (round != first_round || r.seq != out.back().seq + 1)) break;  // an earlier round's
      out.push_back(std::move(r));
      at += whole.size();
    }
    return out;
  }

  // Whether a record of `size` payload bytes fits after those appended.
  bool fits(std::size_t size) const noexcept { return size <= capacity_ && end_ + footprint(size) <= capacity_; }

  // Writes the record after those appended and returns once it is on disk (it must fit). On
  // error (storage_failure; the file's room was taken when it was made) it does not count: the
  // next append writes over it.
  result<void> append(std::uint64_t seq, ByteSpan payload) {
    Bytes whole(footprint(payload.size()));
    store_le<std::uint32_t>(whole.data(), magic);
    store_le<std::uint32_t>(whole.data() + 4, static_cast<std::uint32_t>(payload.size()));
    store_le<std::uint64_t>(whole.data() + 8, seq);
    store_le<std::uint64_t>(whole.data() + 16, round_);
    std::ranges::copy(payload, whole.begin() + header_size);
    const ByteSpan body(whole.data(), header_size + payload.size());
    std::ranges::copy(check_of(body), whole.begin() + static_cast<std::ptrdiff_t>(body.size()));
    if (!write_synced(whole.data(), whole.size(), end_)) return error::storage_failure;
    end_ += whole.size();
    return {};
  }

  // Starts a new round at the first page: what was appended is in the owner's database now.
  // Writes nothing: the records of the old round after the new ones end records() there.
  void restart() {
    end_ = 0;
    round_ = (std::uint64_t{random_()} << 32) | random_();
  }

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  static constexpr std::uint32_t magic = 0x314a4b43;  // "CKJ1"
  static constexpr std::size_t header_size = 24, check_size = 8;

  static std::size_t footprint(std::size_t size) noexcept {
    return (header_size + size + check_size + page - 1) / page * page;
  }
  static std::array<std::uint8_t, check_size> check_of(ByteSpan body) {
    const auto digest = sha256(body).array();
    std::array<std::uint8_t, check_size> out;
    std::copy_n(digest.begin(), check_size, out.begin());
    return out;
  }

  bool read_at(std::uint8_t* data, std::size_t size, std::size_t at) const { return whole(::pread, data, size, at); }
  bool write_at(const std::uint8_t* data, std::size_t size, std::size_t at) { return whole(::pwrite, data, size, at); }
  // The write and its flush in one call where the kernel has it (pwritev2 with RWF_DSYNC, Linux
  // 4.7: one system call, and a quarter less CPU than pwrite + fdatasync on this project's
  // machines); else pwrite, then fdatasync.
  bool write_synced(const std::uint8_t* data, std::size_t size, std::size_t at) {
#ifdef RWF_DSYNC
    if (dsync_writes_) {
      auto dsync_write = [](int fd, const std::uint8_t* d, std::size_t n, off_t offset) {
        iovec v{const_cast<std::uint8_t*>(d), n};
        return ::pwritev2(fd, &v, 1, offset, RWF_DSYNC);
      };
      if (whole(dsync_write, data, size, at)) return true;
      if (errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL) return false;
      dsync_writes_ = false;  // not this kernel's: written the other way from now on
    }
#endif
    return write_at(data, size, at) && ::fdatasync(fd_) == 0;
  }
  // pread or pwrite until the `size` bytes are done; false on an error or at the file's end.
  template <class Io, class Byte>
  bool whole(Io io, Byte* data, std::size_t size, std::size_t at) const {
    while (size > 0) {
      const ssize_t n = io(fd_, data, size, static_cast<off_t>(at));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data += n, size -= static_cast<std::size_t>(n), at += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Zeros from `from` to the capacity, on disk with the file's size and its directory entry.
  void fill(std::size_t from) {
    const Bytes zeros(std::size_t{1} << 20);
    for (std::size_t at = from; at < capacity_;) {
      const std::size_t n = std::min(zeros.size(), capacity_ - at);
      if (!write_at(zeros.data(), n, at)) fail("cannot fill");
      at += n;
    }
    if (::fsync(fd_) != 0) fail("cannot sync");
    const int dir =
        ::open(path_.parent_path().empty() ? "." : path_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      (void)::fsync(dir);
      ::close(dir);
    }
  }

  [[noreturn]] void fail(const char* what) {
    const int code = errno ? errno : EIO;
    if (fd_ >= 0) ::close(fd_), fd_ = -1;
    throw std::system_error(code, std::generic_category(), std::string("Journal: ") + what + ' ' + path_.string());
  }

  std::filesystem::path path_;
  std::size_t capacity_;
  int fd_ = -1;
  std::size_t end_ = 0;      // where the next record goes
  std::uint64_t round_ = 0;  // of the records appended from the last restart
  bool dsync_writes_ = true;
  std::random_device random_;
};

}  // namespace coinkit::indexer
