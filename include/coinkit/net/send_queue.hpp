// SendQueue: the messages a transport has yet to write, bounded in count and bytes, each one a
// shared frame so one event can go to many sockets without a copy per socket.
#pragma once

#include <cstddef>
#include <deque>
#include <limits>
#include <memory>
#include <string>

namespace coinkit::net {

struct SendQueueLimits {
  std::size_t max_frames = std::numeric_limits<std::size_t>::max();
  std::size_t max_bytes = 16 << 20;
};

class SendQueue {
 public:
  using Frame = std::shared_ptr<const std::string>;
  using Limits = SendQueueLimits;

  explicit SendQueue(Limits limits = {}) noexcept : limits_(limits) {}

  // false (and nothing queued) when the frame would pass a bound.
  bool push(Frame frame) {
    if (frames_.size() >= limits_.max_frames || bytes_ + frame->size() > limits_.max_bytes) return false;
    bytes_ += frame->size();
    frames_.push_back(std::move(frame));
    return true;
  }
  const Frame& front() const noexcept { return frames_.front(); }
  void pop() {
    bytes_ -= frames_.front()->size();
    frames_.pop_front();
  }
  void clear() noexcept {
    frames_.clear();
    bytes_ = 0;
  }

  bool empty() const noexcept { return frames_.empty(); }
  std::size_t size() const noexcept { return frames_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }

 private:
  Limits limits_;
  std::deque<Frame> frames_;
  std::size_t bytes_ = 0;
};

}  // namespace coinkit::net
