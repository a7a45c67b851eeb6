// ByteReader: a bounds-checked cursor over untrusted bytes with a sticky error.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/error.hpp>

#include <cstdint>

namespace coinkit {

// Largest length a compact size may announce: Bitcoin Core's MAX_SIZE (serialize.h).
inline constexpr std::uint64_t max_compact_size = 0x02000000;

// Reads fields in wire order. The first failure is remembered with its offset; every later
// read then returns zeros or an empty span, so a parser checks ok() once at the end of a
// record instead of after each field (the hot path of block parsing stays branch-light).
class ByteReader {
 public:
  constexpr explicit ByteReader(ByteSpan data) noexcept : data_(data) {}

  bool ok() const noexcept { return !error_; }
  error_code error() const noexcept { return error_; }
  // Where the reader stands, or where the first error happened.
  std::size_t offset() const noexcept { return error_ ? fail_offset_ : pos_; }
  std::size_t size() const noexcept { return data_.size(); }
  std::size_t remaining() const noexcept { return data_.size() - pos_; }
  bool empty() const noexcept { return pos_ == data_.size(); }
  ByteSpan rest() const noexcept { return data_.subspan(pos_); }
  // The bytes read since `from`, an offset returned earlier.
  ByteSpan since(std::size_t from) const noexcept { return data_.subspan(from, offset() - from); }

  // Records the first error and moves to the end, so every later read fails cheaply.
  void fail(error_code ec) noexcept {
    if (error_) return;
    error_ = ec;
    fail_offset_ = pos_;
    pos_ = data_.size();
  }

  ByteSpan bytes(std::size_t n) noexcept {
    if (n > remaining()) {
      fail(core::error::truncated);
      return {};
    }
    ByteSpan out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }

  void skip(std::size_t n) noexcept { (void)bytes(n); }

  std::uint8_t u8() noexcept {
    if (remaining() < 1) return fail(core::error::truncated), 0;
    return data_[pos_++];
  }
  std::uint16_t le16() noexcept { return fixed<std::uint16_t>(); }
  std::uint32_t le32() noexcept { return fixed<std::uint32_t>(); }
  std::uint64_t le64() noexcept { return fixed<std::uint64_t>(); }
  std::int32_t le32s() noexcept { return static_cast<std::int32_t>(le32()); }
  std::int64_t le64s() noexcept { return static_cast<std::int64_t>(le64()); }

  // Bitcoin's CompactSize: canonical encodings only; values above `max` fail as oversized.
  // Nearly every count and script length in a block is one byte, so that case is inlined and
  // the rest kept out of line (inlined, it was 15% of parsing a block with txids).
  std::uint64_t compact_size(std::uint64_t max = max_compact_size) noexcept {
    if (pos_ < data_.size() && data_[pos_] < 0xfd && data_[pos_] <= max) return data_[pos_++];
    return compact_size_slow(max);
  }

  // A compact-size length followed by that many bytes.
  ByteSpan var_bytes(std::uint64_t max = max_compact_size) noexcept {
    const auto n = compact_size(max);
    return ok() ? bytes(static_cast<std::size_t>(n)) : ByteSpan{};
  }

  // Fails with trailing_bytes unless everything was consumed.
  void expect_end() noexcept {
    if (ok() && !empty()) fail(core::error::trailing_bytes);
  }

 private:
  [[gnu::noinline]] std::uint64_t compact_size_slow(std::uint64_t max) noexcept {
    const std::uint8_t first = u8();
    std::uint64_t v = first;
    if (first == 0xfd) {
      v = le16();
      if (ok() && v < 0xfd) fail(core::error::non_canonical_varint);
    } else if (first == 0xfe) {
      v = le32();
      if (ok() && v < 0x10000) fail(core::error::non_canonical_varint);
    } else if (first == 0xff) {
      v = le64();
      if (ok() && v < 0x100000000) fail(core::error::non_canonical_varint);
    }
    if (!ok()) return 0;
    if (v > max) return fail(core::error::oversized), 0;
    return v;
  }

  template <class T>
  T fixed() noexcept {
    if (remaining() < sizeof(T)) return fail(core::error::truncated), T{};
    const T v = load_le<T>(data_.data() + pos_);
    pos_ += sizeof(T);
    return v;
  }

  ByteSpan data_;
  std::size_t pos_ = 0;
  std::size_t fail_offset_ = 0;
  error_code error_;
};

}  // namespace coinkit
