// Read and write archives over a type's `fields` list, so each type states its wire order once.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/error.hpp>
#include <coinkit/core/reader.hpp>
#include <coinkit/core/uint256.hpp>
#include <coinkit/core/writer.hpp>

#include <cstdint>
#include <cstring>
#include <string>

namespace coinkit::chain::detail {

// Reads fields in order from a ByteReader; on failure the reader keeps the error and the
// fields read afterwards are zero or empty (the caller checks the reader once).
class ReadArchive {
 public:
  explicit ReadArchive(ByteReader& r) noexcept : r_(r) {}

  template <class... T>
  void operator()(T&... fields) noexcept {
    (read(fields), ...);
  }

 private:
  void read(std::uint32_t& v) noexcept { v = r_.le32(); }
  void read(std::int32_t& v) noexcept { v = r_.le32s(); }
  void read(std::int64_t& v) noexcept { v = r_.le64s(); }
  // A script or other byte string, as a view into the input.
  void read(ByteSpan& v) noexcept { v = r_.var_bytes(); }
  void read(Bytes& v) {
    const ByteSpan s = r_.var_bytes();
    v.assign(s.begin(), s.end());
  }
  template <class Tag>
  void read(BasicHash<32, Tag>& h) noexcept {
    const ByteSpan s = r_.bytes(32);
    if (!s.empty()) std::memcpy(h.data(), s.data(), 32);
  }
  template <class T>
  requires requires(T& t, ReadArchive& a) { T::fields(t, a); }
  void read(T& nested) { T::fields(nested, *this); }

  ByteReader& r_;
};

// Writes fields in order to any ByteSink (a buffer, a hasher, a size counter).
template <ByteSink Sink>
class WriteArchive {
 public:
  explicit WriteArchive(Sink& sink) noexcept : w_(sink) {}

  template <class... T>
  void operator()(const T&... fields) {
    (write(fields), ...);
  }

  ByteWriter<Sink>& writer() noexcept { return w_; }

 private:
  void write(std::uint32_t v) { w_.le32(v); }
  void write(std::int32_t v) { w_.le32(static_cast<std::uint32_t>(v)); }
  void write(std::int64_t v) { w_.le64(static_cast<std::uint64_t>(v)); }
  void write(ByteSpan v) { w_.var_bytes(v); }
  void write(const Bytes& v) { w_.var_bytes(v); }
  template <class Tag>
  void write(const BasicHash<32, Tag>& h) {
    w_.bytes(h.span());
  }
  template <class T>
  requires requires(const T& t, WriteArchive& a) { T::fields(t, a); }
  void write(const T& nested) { T::fields(nested, *this); }

  ByteWriter<Sink> w_;
};

// Serializes a type with a fields list into `sink`.
template <class T, ByteSink Sink>
void write_fields(Sink& sink, const T& value) {
  WriteArchive<Sink> ar(sink);
  T::fields(value, ar);
}

template <class T>
void read_fields(ByteReader& r, T& value) {
  ReadArchive ar(r);
  T::fields(value, ar);
}

// The throwing overloads' exception: the error, what was parsed and the byte offset.
[[noreturn]] inline void throw_parse_error(error_code ec, const char* what, std::size_t offset) {
  throw system_error(ec, std::string(what) + " at byte " + std::to_string(offset));
}

}  // namespace coinkit::chain::detail
