// LineBuffer: newline-delimited messages cut from a byte stream, with a cap on a message's size
// and memory given back when the connection is idle.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace coinkit::net {

// Bytes are read into prepare()'s span and commit()ed; next() hands out each complete line
// (without its '\n') as a view valid until the next prepare(). A partial line is kept for the
// next read. The buffer starts empty: an idle connection holds no memory here (release()).
class LineBuffer {
 public:
  explicit LineBuffer(std::size_t max_line) noexcept : max_line_(max_line) {}

  // At least `min` writable bytes after the pending data (moves pending data down or grows).
  std::span<char> prepare(std::size_t min = 2048) {
    if (capacity_ - end_ < min) {
      if (begin_ > 0) {
        std::memmove(data_.get(), data_.get() + begin_, end_ - begin_);
        scan_ -= begin_, end_ -= begin_, begin_ = 0;
      }
      if (capacity_ - end_ < min) {
        const std::size_t want = std::max(end_ + min, std::min(2 * capacity_, max_line_ + min));
        auto bigger = std::make_unique_for_overwrite<char[]>(want);
        if (end_) std::memcpy(bigger.get(), data_.get(), end_);
        data_ = std::move(bigger);
        capacity_ = want;
      }
    }
    return {data_.get() + end_, capacity_ - end_};
  }
  void commit(std::size_t n) noexcept { end_ += n; }

  // The next complete line, skipping empty ones; nullopt when only a partial line is left.
  std::optional<std::string_view> next() noexcept {
    while (scan_ < end_) {
      const void* nl = std::memchr(data_.get() + scan_, '\n', end_ - scan_);
      if (!nl) {
        scan_ = end_;
        break;
      }
      const std::size_t pos = static_cast<std::size_t>(static_cast<const char*>(nl) - data_.get());
      std::string_view line(data_.get() + begin_, pos - begin_);
      begin_ = scan_ = pos + 1;
      if (line.size() > max_line_) {
        overflow_ = true;
        return std::nullopt;
      }
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      return line;
    }
    if (end_ - begin_ > max_line_) overflow_ = true;
    if (begin_ == end_) begin_ = scan_ = end_ = 0;
    return std::nullopt;
  }

  // A line longer than the cap arrived (or is arriving): the connection should be dropped.
  bool overflow() const noexcept { return overflow_; }
  std::size_t pending() const noexcept { return end_ - begin_; }
  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t max_line() const noexcept { return max_line_; }

  // Frees the buffer when nothing is pending and it grew beyond `keep` bytes.
  void release(std::size_t keep = 0) noexcept {
    if (begin_ != end_ || capacity_ <= keep) return;
    data_.reset();
    capacity_ = begin_ = end_ = scan_ = 0;
  }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0, begin_ = 0, end_ = 0, scan_ = 0;
  std::size_t max_line_;
  bool overflow_ = false;
};

}  // namespace coinkit::net
