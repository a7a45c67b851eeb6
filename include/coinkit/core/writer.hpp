// ByteWriter and compact-size encoding: serialization into any byte sink.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>

#include <concepts>
#include <cstdint>

namespace coinkit {

// A sink takes bytes in order: a Bytes buffer, a hasher, a size counter.
template <class S>
concept ByteSink = requires(S& s, ByteSpan b) {
  s.write(b);
};

// Counts bytes instead of storing them: serialized sizes without allocation.
struct SizeCounter {
  std::size_t size = 0;
  void write(ByteSpan b) noexcept { size += b.size(); }
};

// Appends to a Bytes buffer it does not own.
struct BytesSink {
  Bytes& out;
  void write(ByteSpan b) { append(out, b); }
};

inline constexpr std::size_t compact_size_length(std::uint64_t n) noexcept {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

// Typed writes over a sink; wire order is the caller's.
template <ByteSink Sink>
class ByteWriter {
 public:
  explicit ByteWriter(Sink& sink) noexcept : sink_(sink) {}

  void bytes(ByteSpan b) { sink_.write(b); }
  void u8(std::uint8_t v) { sink_.write(ByteSpan(&v, 1)); }
  void le16(std::uint16_t v) { fixed(v); }
  void le32(std::uint32_t v) { fixed(v); }
  void le64(std::uint64_t v) { fixed(v); }

  void compact_size(std::uint64_t n) {
    if (n < 0xfd) {
      u8(static_cast<std::uint8_t>(n));
    } else if (n <= 0xffff) {
      u8(0xfd), le16(static_cast<std::uint16_t>(n));
    } else if (n <= 0xffffffff) {
      u8(0xfe), le32(static_cast<std::uint32_t>(n));
    } else {
      u8(0xff), le64(n);
    }
  }

  void var_bytes(ByteSpan b) {
    compact_size(b.size());
    bytes(b);
  }

 private:
  template <class T>
  void fixed(T v) {
    std::uint8_t buf[sizeof(T)];
    store_le(buf, v);
    sink_.write(ByteSpan(buf, sizeof buf));
  }

  Sink& sink_;
};

}  // namespace coinkit
