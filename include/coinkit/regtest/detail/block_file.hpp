// BlockFile: the node's append-only log of blocks and chain decisions, with torn-tail recovery.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/sha256.hpp>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace coinkit::regtest::detail {

// Record layout (all little-endian):
//   magic "ckrb" [4] | type u8 | payload length u32 | payload | sha256d(type ‖ payload)[:4]
// A record is whole or it is not there: at startup the file is cut back to the end of the last
// whole record, so a crash in the middle of an append loses that record and nothing else.
class BlockFile {
 public:
  // failed: a stored block that failed to connect (its signatures are checked again on replay).
  enum RecordType : std::uint8_t { block = 1, invalidate = 2, reconsider = 3, failed = 4 };
  struct Record {
    RecordType type;
    Bytes payload;
  };
  static constexpr std::uint8_t magic[4] = {'c', 'k', 'r', 'b'};
  static constexpr std::size_t overhead = 4 + 1 + 4 + 4;

  BlockFile() = default;
  BlockFile(const BlockFile&) = delete;
  BlockFile& operator=(const BlockFile&) = delete;
  ~BlockFile() { close(); }

  bool is_open() const noexcept { return fd_ >= 0; }
  std::uint64_t size() const noexcept { return size_; }
  std::uint64_t truncated_bytes() const noexcept { return truncated_; }

  // Opens or creates `path`, returns its whole records in order and cuts off a torn tail.
  std::vector<Record> open(const std::filesystem::path& path) {
    std::filesystem::create_directories(path.parent_path());
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "regtest: open " + path.string());
    Bytes data(static_cast<std::size_t>(std::filesystem::file_size(path)));
    std::size_t got = 0;
    while (got < data.size()) {
      const ssize_t n = ::pread(fd_, data.data() + got, data.size() - got, static_cast<off_t>(got));
      if (n <= 0) throw std::system_error(errno, std::generic_category(), "regtest: read " + path.string());
      got += static_cast<std::size_t>(n);
    }
    std::vector<Record> records;
    std::size_t pos = 0;
    while (data.size() - pos >= overhead) {
      const std::uint8_t* p = data.data() + pos;
      if (std::memcmp(p, magic, 4) != 0) break;
      const std::uint32_t len = load_le<std::uint32_t>(p + 5);
      if (data.size() - pos - overhead < len) break;
      Sha256d h;
      h.write(ByteSpan(p + 4, 1)).write(ByteSpan(p + 9, len));
      const Hash256 sum = h.finalize();
      if (std::memcmp(sum.data(), p + 9 + len, 4) != 0) break;
      records.push_back(Record{static_cast<RecordType>(p[4]), Bytes(p + 9, p + 9 + len)});
      pos += overhead + len;
    }
    if (pos != data.size()) {
      truncated_ = data.size() - pos;
      if (::ftruncate(fd_, static_cast<off_t>(pos)) != 0)
        throw std::system_error(errno, std::generic_category(), "regtest: truncate " + path.string());
    }
    size_ = pos;
    return records;
  }

  // One write per record, at the end: a crash leaves at most this record torn.
  void append(RecordType type, ByteSpan payload) {
    if (fd_ < 0) return;
    Bytes rec(overhead + payload.size());
    std::memcpy(rec.data(), magic, 4);
    rec[4] = type;
    store_le<std::uint32_t>(rec.data() + 5, static_cast<std::uint32_t>(payload.size()));
    if (!payload.empty()) std::memcpy(rec.data() + 9, payload.data(), payload.size());
    Sha256d h;
    h.write(ByteSpan(rec.data() + 4, 1)).write(payload);
    const Hash256 sum = h.finalize();
    std::memcpy(rec.data() + 9 + payload.size(), sum.data(), 4);
    std::size_t done = 0;
    while (done < rec.size()) {
      const ssize_t n = ::pwrite(fd_, rec.data() + done, rec.size() - done, static_cast<off_t>(size_ + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw std::system_error(errno, std::generic_category(), "regtest: write block file");
      done += static_cast<std::size_t>(n);
    }
    size_ += rec.size();
  }

  void close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t truncated_ = 0;
};

}  // namespace coinkit::regtest::detail
