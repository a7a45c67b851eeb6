// unix_time: the wall clock as Python's time.time() gives it, in seconds since 1970 with a
// fraction; what Electrum stores and compares its timestamps in.
#pragma once

#include <chrono>

namespace coinkit {

inline double unix_time() noexcept {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace coinkit
