// Transport: what a connection's owner (an Electrum session, LocalRPC, a websocket client of a
// daemon) sees of its connection, whatever the framing (lines, WebSocket messages) and the
// stream (TCP, TLS): messages queued, written, and the connection closed.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

namespace coinkit::net {

class Transport {
 public:
  using Clock = std::chrono::steady_clock;

  virtual ~Transport() = default;

  // Queues one message; the transport frames it (a newline, a WebSocket message). A peer that
  // lets its queue grow past the transport's bound is dropped (overflowed()).
  virtual void send(std::string_view message) = 0;
  // Starts writing what is queued.
  virtual void flush() = 0;
  // Drops the connection at once.
  virtual void close() = 0;

  virtual bool is_closed() const noexcept = 0;
  virtual std::size_t queued_bytes() const noexcept = 0;
  // When the write in progress started; nullopt with nothing being written (a peer that reads
  // nothing shows here first).
  virtual std::optional<Clock::time_point> writing_since() const noexcept = 0;
  // Closed because its send queue outgrew the bound.
  virtual bool overflowed() const noexcept = 0;
};

// What a transport's run() calls on its owner, for each message and around them:
//   Step receive(std::string_view message)   handle one message; needs_async: finish_pending() next
//   asio::awaitable<void> finish_pending()   the message receive() left for a coroutine
//   std::chrono::milliseconds throttle_delay()  how long the next message waits (0: at once)
//   bool closing()                           stop reading: what is queued is written, then close
//   void reject_oversized()                  a message over the size limit arrived (then closing)
enum class Step { done, needs_async };

}  // namespace coinkit::net
