// Daemon load benchmark (a harness printing figures, not Google Benchmark): JSON-RPC throughput
// and latency of a cheap method under 1, 10 and 100 concurrent keep-alive HTTP clients, and
// websocket event fan-out to 1,000 sockets (events/s, time to deliver one event to all).
//
// The daemon runs in a child process (one thread, one io_context), the clients in this process
// on one thread and io_context, so the server's memory per websocket can be read from /proc.
//
//   bench-daemon_rpc [seconds-per-run=3] [sockets=1000]
#include "http_load.hpp"

#include <coinkit/daemon/base_daemon.hpp>

#include <coinkit/coins/btc.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using bench::auth;
using bench::call;
using bench::rss_kib;
using bench::run_http;

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// The daemon under test: one cheap method, and one that publishes global events stamped with
// the (system-wide monotonic) time of publication.
class BenchDaemon final : public coinkit::BaseDaemon<BenchDaemon> {
 public:
  using Coin = coinkit::BtcPolicy;
  using BaseDaemon::BaseDaemon;

  std::int64_t add(std::int64_t a, std::int64_t b) { return a + b; }
  std::int64_t broadcast(std::int64_t count) {
    for (std::int64_t i = 0; i < count; ++i)
      notify(std::nullopt, json::object{{"event", "new_block"}, {"height", i}, {"t", now_ns()}});
    return count;
  }

  static constexpr auto rpc_methods() {
    return coinkit::rpc::extend(
        BaseDaemon::rpc_methods(),
        coinkit::rpc::method<&BenchDaemon::add>("add", coinkit::rpc::no_flags, "a + b", coinkit::rpc::arg("a"),
                                                coinkit::rpc::arg("b")),
        coinkit::rpc::method<&BenchDaemon::broadcast>("broadcast", coinkit::rpc::no_flags, "Publish events.",
                                                      coinkit::rpc::arg("count")));
  }
};

// ---- websocket fan-out -------------------------------------------------------------------

struct FanOut {
  std::size_t sockets = 0;
  std::size_t connected = 0;
  std::uint64_t frames = 0;
  std::int64_t last_receipt_ns = 0;
  std::int64_t first_t_ns = -1;
  std::int64_t max_delay_ns = 0;  // over the frames of the current round
};

asio::awaitable<void> ws_client(tcp::endpoint ep, FanOut& f) {
  beast::websocket::stream<beast::tcp_stream> ws(co_await asio::this_coro::executor);
  co_await beast::get_lowest_layer(ws).async_connect(ep, asio::use_awaitable);
  ws.set_option(beast::websocket::stream_base::decorator(
      [](beast::websocket::request_type& req) { req.set(http::field::authorization, auth); }));
  co_await ws.async_handshake("127.0.0.1", "/ws", asio::use_awaitable);
  ++f.connected;
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    const std::int64_t received = now_ns();
    std::string_view text(static_cast<const char*>(buffer.cdata().data()), n);
    const auto pos = text.find("\"t\": ");
    std::int64_t t = 0;
    if (pos != std::string_view::npos) t = std::strtoll(text.data() + pos + 5, nullptr, 10);
    ++f.frames;
    f.last_receipt_ns = received;
    f.max_delay_ns = std::max(f.max_delay_ns, received - t);
    if (f.first_t_ns < 0 || t < f.first_t_ns) f.first_t_ns = t;
    buffer.consume(n);
  }
}

void run_fanout(tcp::endpoint ep, std::size_t sockets, pid_t server) {
  asio::io_context io(1);
  FanOut f;
  f.sockets = sockets;
  const long rss_before = rss_kib(server);
  for (std::size_t i = 0; i < sockets; ++i) asio::co_spawn(io, ws_client(ep, f), asio::detached);
  while (f.connected < sockets) io.run_one();
  // Let the server finish its side of the handshakes before reading its memory.
  io.run_for(std::chrono::milliseconds(300));
  const long rss_after = rss_kib(server);
  std::printf("ws    sockets=%zu   server RSS %ld KiB -> %ld KiB: %.1f KiB per websocket\n", sockets, rss_before,
              rss_after, static_cast<double>(rss_after - rss_before) / static_cast<double>(sockets));

  // Time to deliver one event to all: one event at a time, 20 rounds.
  std::vector<double> deliver_ms;
  for (int round = 0; round < 20; ++round) {
    const std::uint64_t target = f.frames + sockets;
    f.max_delay_ns = 0;
    std::thread control([&] { call(ep, R"({"id":1,"method":"broadcast","params":[1]})"); });
    while (f.frames < target) io.run_one();
    control.join();
    deliver_ms.push_back(static_cast<double>(f.max_delay_ns) / 1e6);
  }
  std::sort(deliver_ms.begin(), deliver_ms.end());
  std::printf("ws    one event to all %zu sockets: median %.2f ms, max %.2f ms (20 rounds)\n", sockets,
              deliver_ms[deliver_ms.size() / 2], deliver_ms.back());

  // Throughput: bursts of events, all delivered to every socket.
  for (int burst : {100, 1000}) {
    const std::uint64_t target = f.frames + static_cast<std::uint64_t>(burst) * sockets;
    f.first_t_ns = -1;
    std::thread control([&] { call(ep, R"({"id":1,"method":"broadcast","params":[)" + std::to_string(burst) + "]}"); });
    while (f.frames < target) io.run_one();
    control.join();
    const double secs = static_cast<double>(f.last_receipt_ns - f.first_t_ns) / 1e9;
    std::printf("ws    burst of %d events to %zu sockets: %.3f s, %.0f events/s, %.0f frames/s\n", burst, sockets, secs,
                burst / secs, static_cast<double>(burst) * static_cast<double>(sockets) / secs);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  const std::size_t sockets = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1000;
  int port_pipe[2];
  if (pipe(port_pipe) != 0) return 1;
  const pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {  // the daemon
    close(port_pipe[0]);
    coinkit::DaemonServerOptions options;
    options.websocket.max_queued_frames = 4096;
    BenchDaemon daemon(coinkit::Environment{{"BTC_PORT", "0"}}, options);
    daemon.start();
    const unsigned short port = daemon.local_endpoint().port();
    if (write(port_pipe[1], &port, sizeof port) != sizeof port) _exit(1);
    close(port_pipe[1]);
    (void)daemon.wait();  // until SIGTERM ends the process
    _exit(0);
  }
  close(port_pipe[1]);
  unsigned short port = 0;
  if (read(port_pipe[0], &port, sizeof port) != sizeof port) return 1;
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  std::printf("daemon pid %d on %s:%u, %.1f s per HTTP run\n", static_cast<int>(child), "127.0.0.1", port, seconds);
  int status = 0;
  try {
    for (int clients : {1, 10, 100})
      run_http(ep, clients, seconds, R"({"jsonrpc":"2.0","id":1,"method":"add","params":[2,40]})",
               R"({"jsonrpc": "2.0", "result": 42, "id": 1})");
    run_fanout(ep, sockets, child);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench failed: %s\n", e.what());
    status = 1;
  }
  kill(child, SIGTERM);
  int ws = 0;
  waitpid(child, &ws, 0);
  return status;
}
