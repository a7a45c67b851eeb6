// What the line and WebSocket transports share below their framing: whether a stream is TLS,
// its TCP socket, waiting on a timer that another handler cancels, and a lingering close.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <type_traits>

namespace coinkit::net::detail {

template <class T>
struct is_ssl_stream : std::false_type {};
template <class T>
struct is_ssl_stream<boost::asio::ssl::stream<T>> : std::true_type {};

// The TCP socket under a stream (tcp::socket, ssl::stream<tcp::socket>, beast::tcp_stream).
template <class Stream>
boost::asio::ip::tcp::socket& tcp_socket(Stream& s) noexcept {
  auto& lowest = boost::beast::get_lowest_layer(s);
  if constexpr (std::is_same_v<std::remove_cvref_t<decltype(lowest)>, boost::beast::tcp_stream>)
    return lowest.socket();
  else
    return lowest;
}

// Waits on `timer` until cancelled (a wake-up) or until `until`.
inline boost::asio::awaitable<void> wait_on(boost::asio::steady_timer& timer,
                                            std::chrono::steady_clock::time_point until) {
  timer.expires_at(until);
  (void)co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

}  // namespace coinkit::net::detail
