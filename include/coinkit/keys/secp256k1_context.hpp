// The process-wide libsecp256k1 context: created once, randomized, shared by every thread.
#pragma once

#include <coinkit/keys/random.hpp>

#include <secp256k1.h>

#include <cstdint>
#include <cstdlib>

namespace coinkit::keys {

namespace detail {
struct ContextHolder {
  secp256k1_context* ctx;
  ContextHolder() noexcept : ctx(secp256k1_context_create(SECP256K1_CONTEXT_NONE)) {
    if (!ctx) std::abort();
    // Blinding against side channels; done before the context is shared, never after,
    // because randomizing is the one operation that mutates a context.
    std::uint8_t seed[32];
    secure_random(seed);
    if (!secp256k1_context_randomize(ctx, seed)) std::abort();
  }
  ~ContextHolder() { secp256k1_context_destroy(ctx); }
  ContextHolder(const ContextHolder&) = delete;
  ContextHolder& operator=(const ContextHolder&) = delete;
};
}  // namespace detail

// Thread-safe: initialised once (a function-local static), then only read. libsecp256k1
// guarantees concurrent calls on a const context are safe.
inline const secp256k1_context* secp256k1_ctx() noexcept {
  static const detail::ContextHolder holder;
  return holder.ctx;
}

}  // namespace coinkit::keys
