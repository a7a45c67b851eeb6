// SHA-256, double SHA-256 and BIP340 tagged hashes, on SHA-NI where the CPU has it.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/detail/block_buffer.hpp>
#include <coinkit/core/detail/sha256_generic.hpp>
#include <coinkit/core/detail/sha256_shani.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/uint256.hpp>

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace coinkit {

namespace core::detail {

using sha256_transform_fn = void (*)(std::uint32_t*, const std::uint8_t*, std::size_t) noexcept;

struct Sha256Implementation {
  sha256_transform_fn transform;
  std::string_view name;
};

// FIPS 180-4 example: "abc" over two blocks' worth of padding, one block compressed.
inline bool sha256_self_test(sha256_transform_fn transform) noexcept {
  std::uint8_t block[64] = {'a', 'b', 'c', 0x80};
  block[63] = 24;
  std::uint32_t s[8];
  std::memcpy(s, sha256_init, sizeof s);
  transform(s, block, 1);
  static constexpr std::uint32_t expected[8] = {0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
                                                0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad};
  return std::memcmp(s, expected, sizeof s) == 0;
}

// Chosen once per process: SHA-NI when present and it passes the self-test, unless the
// environment says COINKIT_SHA256=generic (tests and benchmarks force each variant).
inline Sha256Implementation choose_sha256() noexcept {
  const char* forced = std::getenv("COINKIT_SHA256");
  const bool want_generic = forced && std::string_view(forced) == "generic";
#ifdef COINKIT_HAVE_SHANI
  if (!want_generic && cpu_has_shani() && sha256_self_test(sha256_transform_shani))
    return {sha256_transform_shani, "shani"};
#endif
  (void)want_generic;
  return {sha256_transform_generic, "generic"};
}

inline const Sha256Implementation& sha256_implementation() noexcept {
  static const Sha256Implementation impl = choose_sha256();
  return impl;
}

}  // namespace core::detail

// Name of the compression function in use: "shani" or "generic".
inline std::string_view sha256_implementation() noexcept { return core::detail::sha256_implementation().name; }

// Incremental SHA-256; also a ByteSink, so serializers can hash without a buffer.
class Sha256 {
  // Feeds whole blocks to the compression function (defined first: its type is deduced).
  auto compress() noexcept {
    return [this](const std::uint8_t* p, std::size_t blocks) { transform_(state_, p, blocks); };
  }

 public:
  static constexpr std::size_t output_size = 32;

  Sha256() noexcept : transform_(core::detail::sha256_implementation().transform) {
    std::memcpy(state_, core::detail::sha256_init, sizeof state_);
  }

  Sha256& write(ByteSpan data) noexcept {
    buffer_.write(data, compress());
    return *this;
  }

  void finalize(std::uint8_t out[32]) noexcept {
    std::uint8_t length[8];
    store_be<std::uint64_t>(length, buffer_.bytes() << 3);
    buffer_.pad<8>(compress());
    buffer_.write(ByteSpan(length, 8), compress());
    for (int i = 0; i < 8; ++i) store_be<std::uint32_t>(out + 4 * i, state_[i]);
  }

  Hash256 finalize() noexcept {
    Hash256 h;
    finalize(h.data());
    return h;
  }

 private:
  std::uint32_t state_[8];
  core::detail::BlockBuffer<64> buffer_;
  core::detail::sha256_transform_fn transform_;
};

inline Hash256 sha256(ByteSpan data) noexcept { return Sha256().write(data).finalize(); }

// Bitcoin's hash: SHA-256 of SHA-256 (txids, block hashes, merkle nodes, checksums).
class Sha256d {
 public:
  Sha256d& write(ByteSpan data) noexcept {
    inner_.write(data);
    return *this;
  }
  Hash256 finalize() noexcept {
    std::uint8_t first[32];
    inner_.finalize(first);
    return Sha256().write(ByteSpan(first, 32)).finalize();
  }

 private:
  Sha256 inner_;
};

inline Hash256 sha256d(ByteSpan data) noexcept { return Sha256d().write(data).finalize(); }

// sha256d of `blocks` independent 64-byte inputs (merkle tree levels): the padding blocks
// are constants, so each input costs exactly three compressions and no buffering.
inline void sha256d64(std::uint8_t* out, const std::uint8_t* in, std::size_t blocks) noexcept {
  const auto transform = core::detail::sha256_implementation().transform;
  static constexpr std::uint8_t pad64[64] = {0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                             0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                             0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0};
  for (std::size_t i = 0; i < blocks; ++i) {
    std::uint32_t s[8];
    std::memcpy(s, core::detail::sha256_init, sizeof s);
    transform(s, in + 64 * i, 1);
    transform(s, pad64, 1);
    std::uint8_t second[64] = {};
    for (int j = 0; j < 8; ++j) store_be<std::uint32_t>(second + 4 * j, s[j]);
    second[32] = 0x80;
    second[62] = 1;  // bit length 256
    std::memcpy(s, core::detail::sha256_init, sizeof s);
    transform(s, second, 1);
    for (int j = 0; j < 8; ++j) store_be<std::uint32_t>(out + 32 * i + 4 * j, s[j]);
  }
}

// BIP340 tagged hash: SHA-256(SHA-256(tag) || SHA-256(tag) || data...). Returns the hasher
// primed with the tag prefix, so callers write their fields and finalize.
inline Sha256 tagged_sha256(std::string_view tag) noexcept {
  const Hash256 t = sha256(as_bytes(tag));
  Sha256 h;
  h.write(t.span()).write(t.span());
  return h;
}

inline Hash256 tagged_hash(std::string_view tag, ByteSpan data) noexcept {
  return tagged_sha256(tag).write(data).finalize();
}

}  // namespace coinkit
