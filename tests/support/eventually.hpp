// eventually(): polls a condition until it holds or a timeout passes, for tests that wait on
// another thread or process.
#pragma once

#include <chrono>
#include <thread>

namespace coinkit::test {

template <class Pred>
bool eventually(Pred&& done, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

}  // namespace coinkit::test
