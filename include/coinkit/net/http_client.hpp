// HttpClient: one keep-alive HTTP/1.1 connection, blocking with time limits, used by one thread
// at a time: the node client talks to bitcoind with it, the tests to coinkit's servers.
// (Asynchronous Beast operations run to completion on its own io_context: synchronous socket
// calls cannot time out.)
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/core/error.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinkit::net {

namespace http = boost::beast::http;

struct HttpClientOptions {
  std::string host = "127.0.0.1";  // a name or an IP address (IPv6 without brackets)
  std::uint16_t port = 0;
  std::chrono::milliseconds timeout{30000};  // per connect, and per request written and read
  std::string user_agent = "coinkit";
};

class HttpClient {
 public:
  using Request = http::request<http::string_body>;
  using Response = http::response<http::string_body>;
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // Where an exchange failed: resolving the host, connecting, or the request itself.
  enum class Stage { resolve, connect, exchange };

  explicit HttpClient(HttpClientOptions options) : options_(std::move(options)), stream_(io_) {}
  // A client of 127.0.0.1:port (tests), connected at once.
  explicit HttpClient(std::uint16_t port) : HttpClient(HttpClientOptions{.port = port}) {
    if (auto r = open(); !r) throw system_error(r.error(), "connecting to " + where());
  }
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  ~HttpClient() { close(); }

  const HttpClientOptions& options() const noexcept { return options_; }
  // "host:port", for messages.
  std::string where() const { return options_.host + ":" + std::to_string(options_.port); }
  // Where the last failure happened.
  Stage failed_stage() const noexcept { return stage_; }
  bool is_open() const noexcept { return open_; }

  // Connects unless connected.
  COINKIT_DECL result<void> open();

  // Writes `req` (Host and User-Agent set here) and reads the response into the parser that
  // `make(parser)` emplaces. A request that fails on a kept-alive connection is sent once more
  // on a fresh one: the server may have closed it while it was idle.
  template <class Parser, class MakeParser>
  result<void> exchange(Request& req, std::optional<Parser>& parser, MakeParser&& make) {
    req.set(http::field::host, options_.host);
    req.set(http::field::user_agent, options_.user_agent);
    for (int attempt = 0;; ++attempt) {
      const bool reused = open_;
      if (auto r = open(); !r) return r;
      error_code ec;
      stream_.expires_after(options_.timeout);
      http::async_write(stream_, req, [&](const error_code& e, std::size_t) { ec = e; });
      run();
      if (!ec) {
        make(parser);
        parser->body_limit(std::numeric_limits<std::uint64_t>::max());
        stream_.expires_after(options_.timeout);
        http::async_read(stream_, buffer_, *parser, [&](const error_code& e, std::size_t) { ec = e; });
        run();
      }
      if (ec) {
        open_ = true;  // the socket may be half closed: close it fully
        close();
        if (reused && attempt == 0 && ec != boost::beast::error::timeout) continue;
        return fail(Stage::exchange, ec);
      }
      stream_.expires_never();
      if (!parser->keep_alive()) close();
      return {};
    }
  }

  // One request with a string body; the whole response.
  COINKIT_DECL result<Response> try_request(http::verb method, std::string_view target, std::string body = {},
                                            const Headers& headers = {});
  // Throwing forms: system_error naming the server.
  COINKIT_DECL Response request(http::verb method, std::string_view target, std::string body = {},
                                const Headers& headers = {});
  Response post(std::string_view target, std::string body, const Headers& headers = {}) {
    return request(http::verb::post, target, std::move(body), headers);
  }
  Response get(std::string_view target, const Headers& headers = {}) {
    return request(http::verb::get, target, {}, headers);
  }

  COINKIT_DECL void close() noexcept;

 private:
  COINKIT_DECL void run();
  COINKIT_DECL error_code fail(Stage stage, error_code ec);

  HttpClientOptions options_;
  boost::asio::io_context io_{1};
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  Stage stage_ = Stage::exchange;
  bool open_ = false;
};

}  // namespace coinkit::net

#if COINKIT_HEADER_ONLY
#include <coinkit/net/impl/http_client.ipp>
#endif
