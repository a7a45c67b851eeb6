// BlockHeader: the 80-byte block header and its hash.
#pragma once

#include <coinkit/chain/detail/archive.hpp>
#include <coinkit/chain/hashes.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/reader.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/core/writer.hpp>

#include <cstdint>

namespace coinkit {

struct BlockHeader {
  static constexpr std::size_t serialized_size = 80;

  std::int32_t version = 0;
  BlockHash prev_hash;
  Hash256 merkle_root;
  std::uint32_t time = 0;
  std::uint32_t bits = 0;  // compact target
  std::uint32_t nonce = 0;

  template <class Self, class Ar>
  static void fields(Self& s, Ar& ar) {
    ar(s.version, s.prev_hash, s.merkle_root, s.time, s.bits, s.nonce);
  }

  BlockHash hash() const noexcept {
    Sha256d h;
    chain::detail::write_fields(h, *this);
    return BlockHash::from(h.finalize());
  }

  template <ByteSink Sink>
  void serialize(Sink& sink) const {
    chain::detail::write_fields(sink, *this);
  }
  Bytes serialize() const {
    Bytes out;
    out.reserve(serialized_size);
    BytesSink sink{out};
    serialize(sink);
    return out;
  }

  // Reads 80 bytes from the reader's position (a block's start, a headers message).
  static BlockHeader read(ByteReader& r) noexcept {
    BlockHeader h;
    chain::detail::read_fields(r, h);
    return h;
  }
  // Exactly 80 bytes; never throws on malformed input.
  static result<BlockHeader> try_parse(ByteSpan raw) noexcept {
    ByteReader r(raw);
    BlockHeader h = read(r);
    r.expect_end();
    if (!r.ok()) return r.error();
    return h;
  }
  static BlockHeader parse(ByteSpan raw) {
    ByteReader r(raw);
    BlockHeader h = read(r);
    r.expect_end();
    if (!r.ok()) chain::detail::throw_parse_error(r.error(), "block header", r.offset());
    return h;
  }

  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

}  // namespace coinkit
