// The input buffering and padding every Merkle–Damgård hash shares (SHA-256, SHA-512,
// RIPEMD-160): whole blocks go straight to the compression function, the tail waits.
#pragma once

#include <coinkit/core/bytes.hpp>

#include <cstdint>
#include <cstring>

namespace coinkit::core::detail {

template <std::size_t BlockSize>
class BlockBuffer {
 public:
  // Calls compress(pointer, block_count) for every run of whole blocks.
  template <class Compress>
  void write(ByteSpan data, Compress&& compress) noexcept {
    const std::uint8_t* p = data.data();
    std::size_t n = data.size();
    std::size_t fill = static_cast<std::size_t>(bytes_ % BlockSize);
    bytes_ += n;
    if (fill && fill + n >= BlockSize) {
      std::memcpy(buf_ + fill, p, BlockSize - fill);
      p += BlockSize - fill, n -= BlockSize - fill;
      compress(buf_, std::size_t{1});
      fill = 0;
    }
    if (n >= BlockSize) {
      compress(p, n / BlockSize);
      p += n - n % BlockSize;
      n %= BlockSize;
    }
    if (n) std::memcpy(buf_ + fill, p, n);
  }

  // The 0x80 byte and zeros that bring the message to `LengthSize` bytes short of a block
  // boundary, where the message length goes.
  template <std::size_t LengthSize, class Compress>
  void pad(Compress&& compress) noexcept {
    static constexpr std::uint8_t padding[BlockSize] = {0x80};
    const std::size_t fill = static_cast<std::size_t>(bytes_ % BlockSize);
    write(ByteSpan(padding, 1 + (2 * BlockSize - LengthSize - 1 - fill) % BlockSize), compress);
  }

  std::uint64_t bytes() const noexcept { return bytes_; }

 private:
  std::uint8_t buf_[BlockSize];
  std::uint64_t bytes_ = 0;
};

}  // namespace coinkit::core::detail
