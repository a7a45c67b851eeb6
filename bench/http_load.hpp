// What the daemon benchmarks share: keep-alive HTTP clients posting one JSON-RPC body as fast as
// the daemon answers (throughput and latency percentiles), a one-off call, and a process's
// memory from /proc.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// A line of /proc/<pid>/status in KiB: "VmRSS" (all resident), "RssAnon" (the heap's share).
inline long proc_kib(pid_t pid, const std::string& field = "VmRSS") {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  return -1;
}
inline long rss_kib(pid_t pid) { return proc_kib(pid); }

// The CPU time a process's threads have had, in seconds (/proc/<pid>/task/*/schedstat, in ns:
// finer than /proc's clock ticks; a thread that ended is not counted).
inline double cpu_seconds(pid_t pid) {
  std::uint64_t ns = 0;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    std::uint64_t on_cpu = 0;
    if (in >> on_cpu) ns += on_cpu;
  }
  return static_cast<double>(ns) / 1e9;
}

inline const std::string auth = "Basic ZWxlY3RydW06ZWxlY3RydW16";  // electrum:electrumz

inline http::request<http::string_body> post(const std::string& body) {
  http::request<http::string_body> req{http::verb::post, "/", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::authorization, auth);
  req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  return req;
}

struct HttpStats {
  std::vector<std::int64_t> latencies_ns;
  std::uint64_t errors = 0;
};

// What a reply must be; any other is counted as an error.
using ReplyCheck = std::function<bool(const std::string&)>;

// One keep-alive client: `body` again and again until `end`; a reply that fails `ok` is an
// error; latencies are kept from `warm` on.
inline asio::awaitable<void> http_client(tcp::endpoint ep, std::string body, ReplyCheck ok, Clock::time_point warm,
                                         Clock::time_point end, HttpStats& stats) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await stream.async_connect(ep, asio::use_awaitable);
  stream.socket().set_option(tcp::no_delay(true));
  const auto req = post(body);
  beast::flat_buffer buffer;
  for (;;) {
    const auto t0 = Clock::now();
    if (t0 >= end) break;
    co_await http::async_write(stream, req, asio::use_awaitable);
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    const auto t1 = Clock::now();
    if (!ok(res.body())) ++stats.errors;
    if (t0 >= warm) stats.latencies_ns.push_back((t1 - t0).count());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

// `clients` keep-alive clients for `seconds` (after 300 ms of warm-up); prints and returns req/s.
inline double run_http(tcp::endpoint ep, int clients, double seconds, const std::string& body, ReplyCheck ok,
                       const char* label = "http") {
  asio::io_context io(1);
  HttpStats stats;
  const auto start = Clock::now();
  const auto warm = start + std::chrono::milliseconds(300);
  const auto end = warm + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (int i = 0; i < clients; ++i)
    asio::co_spawn(io, http_client(ep, body, ok, warm, end, stats), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
  io.run();
  auto& l = stats.latencies_ns;
  std::sort(l.begin(), l.end());
  const double rps = static_cast<double>(l.size()) / seconds;
  auto pct = [&](double p) { return l.empty() ? 0.0 : l[static_cast<std::size_t>(p * (l.size() - 1))] / 1000.0; };
  std::printf("%-11s clients=%-4d requests=%-8zu %9.0f req/s   p50 %7.1f us   p99 %7.1f us   errors %" PRIu64 "\n",
              label, clients, l.size(), rps, pct(0.50), pct(0.99), stats.errors);
  return rps;
}

// The same, each reply equal to `expected`.
inline double run_http(tcp::endpoint ep, int clients, double seconds, const std::string& body,
                       const std::string& expected, const char* label = "http") {
  return run_http(ep, clients, seconds, body, ReplyCheck([expected](const std::string& r) { return r == expected; }),
                  label);
}

// One call on a fresh connection; the reply's body.
inline std::string call(tcp::endpoint ep, const std::string& body) {
  asio::io_context io;
  beast::tcp_stream s(io);
  s.connect(ep);
  http::write(s, post(body));
  beast::flat_buffer b;
  http::response<http::string_body> res;
  http::read(s, b, res);
  return res.body();
}

}  // namespace bench
