// Cryptographically secure random bytes from the kernel, for new keys and signing nonces.
#pragma once

#include <coinkit/core/bytes.hpp>

#include <boost/assert.hpp>

#include <cerrno>
#include <cstdlib>

#include <sys/random.h>

namespace coinkit {

// Fills `out` from getrandom(2), which blocks only until the kernel pool is first seeded.
// A failure here leaves no safe way to make a key, so it aborts rather than returning.
inline void secure_random(MutableByteSpan out) noexcept {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      BOOST_ASSERT_MSG(false, "getrandom failed");
      std::abort();
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace coinkit
