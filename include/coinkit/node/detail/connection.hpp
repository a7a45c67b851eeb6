// Connection: one keep-alive HTTP/1.1 connection to bitcoind, used by one thread at a time,
// blocking with time limits (asynchronous Beast operations run to completion on its own
// io_context, since synchronous socket calls cannot time out).
#pragma once

#include <coinkit/core/base64.hpp>
#include <coinkit/node/node_failure.hpp>
#include <coinkit/node/node_options.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/vector_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parser.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace coinkit::node::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// The Authorization header value for the options: user:password, else the cookie file's
// `user:password` as it is now (bitcoind writes a new cookie at every start).
struct Login {
  std::string authorization;
  bool from_cookie = false;
};

inline NodeResult<Login> read_login(const NodeOptions& o) {
  std::string creds;
  const bool from_cookie = o.password.empty() && !o.cookie_file.empty();
  if (from_cookie) {
    std::ifstream in(o.cookie_file, std::ios::binary);
    if (!in)
      return node_failure(error::unreachable,
                          "cannot read the cookie file " + o.cookie_file.string() + " (is the node running?)");
    creds.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    while (!creds.empty() && (creds.back() == '\n' || creds.back() == '\r' || creds.back() == ' ')) creds.pop_back();
    if (creds.find(':') == std::string::npos)
      return node_failure(error::auth_failed,
                          "the cookie file " + o.cookie_file.string() + " does not hold user:password");
  } else {
    creds = o.user;
    creds += ':';
    creds += o.password;
  }
  std::string authorization = "Basic ";
  authorization += base64_encode(as_bytes(creds));
  return Login{std::move(authorization), from_cookie};
}

class Connection {
 public:
  // A JSON-RPC reply: the HTTP status and the body (valid until the next request).
  struct Reply {
    unsigned status = 0;
    std::string_view body;
  };
  using BinaryResponse = http::response<http::vector_body<std::uint8_t>>;

  explicit Connection(const NodeOptions& options) : options_(options), stream_(ioc_) {
    req_.version(11);
    req_.set(http::field::host, options_.host);
    req_.set(http::field::user_agent, "coinkit");
    req_.set(http::field::content_type, "application/json");
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { close(); }

  // Scratch the client reuses from call to call: the request body it builds, the JSON parser
  // it reads replies with, and JSON-RPC ids.
  std::string& request_body() noexcept { return req_.body(); }
  boost::json::parser json_parser;
  std::uint64_t next_id = 1;

  // "host:port", for messages.
  std::string where() const { return options_.host + ":" + std::to_string(options_.port); }

  // POSTs request_body() to "/" with the credentials. HTTP 401/403 is auth_failed (after one
  // fresh try when the cookie file has changed since this connection read it).
  NodeResult<Reply> post() {
    req_.method(http::verb::post);
    req_.target("/");
    req_.prepare_payload();
    for (int attempt = 0;; ++attempt) {
      std::optional<http::response_parser<http::string_body>> parser;
      auto r = exchange(parser, [this](auto& p) {
        reply_body_.clear();  // string_body appends: start empty, keep the capacity
        p.emplace(std::piecewise_construct, std::make_tuple(std::move(reply_body_)));
      });
      if (!r) return r.error();
      const unsigned status = parser->get().result_int();
      reply_body_ = std::move(parser->get().body());
      if (status != 401 && status != 403) return Reply{status, reply_body_};
      close();
      if (attempt == 0 && login_.from_cookie) {
        auto now = read_login(options_);
        if (now && now->authorization != login_.authorization) continue;
      }
      return node_failure(error::auth_failed,
                          "HTTP " + std::to_string(status) + " from " + where() +
                              (login_.from_cookie ? " with the cookie of " + options_.cookie_file.string()
                                                  : " for user '" + options_.user + "'"));
    }
  }

  // GETs `target` (REST), body as bytes.
  NodeResult<BinaryResponse> get(std::string_view target) {
    req_.method(http::verb::get);
    req_.target(target);
    req_.body().clear();
    req_.prepare_payload();
    std::optional<http::response_parser<http::vector_body<std::uint8_t>>> parser;
    auto r = exchange(parser, [](auto& p) { p.emplace(); });
    if (!r) return r.error();
    return parser->release();
  }

  void close() noexcept {
    if (!open_) return;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    buffer_.consume(buffer_.size());
    open_ = false;
  }

 private:
  NodeFailure unreachable(std::string what) const {
    return node_failure(error::unreachable, where() + ": " + std::move(what));
  }
  NodeFailure unreachable(const beast::error_code& ec) const {
    if (ec == beast::error::timeout)
      return unreachable("no answer within " + std::to_string(options_.timeout.count()) + " ms");
    return unreachable(ec.message());
  }

  void run() {
    ioc_.restart();
    ioc_.run();
  }

  NodeResult<void> connect() {
    auto login = read_login(options_);
    if (!login) return login.error();
    login_ = std::move(*login);
    req_.set(http::field::authorization, login_.authorization);

    beast::error_code ec;
    tcp::resolver::results_type endpoints;
    tcp::resolver resolver(ioc_);
    resolver.async_resolve(options_.host, std::to_string(options_.port), tcp::resolver::numeric_service,
                           [&](const beast::error_code& e, tcp::resolver::results_type r) {
                             ec = e;
                             endpoints = std::move(r);
                           });
    run();
    if (ec) return unreachable("cannot resolve " + options_.host + ": " + ec.message());
    stream_.expires_after(options_.timeout);
    stream_.async_connect(endpoints, [&](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) {
      beast::error_code ignored;
      stream_.socket().close(ignored);
      return unreachable(ec == beast::error::timeout ? "connect timed out" : ec.message());
    }
    stream_.socket().set_option(tcp::no_delay(true), ec);
    open_ = true;
    return {};
  }

  // Writes req_ and reads the response into a parser made by make(parser). A request that fails
  // on a kept-alive connection is sent once more on a fresh one: the node may have closed it
  // while it was idle (bitcoind's -rpcservertimeout).
  template <class Parser, class MakeParser>
  NodeResult<void> exchange(std::optional<Parser>& parser, MakeParser&& make) {
    for (int attempt = 0;; ++attempt) {
      const bool reused = open_;
      if (!open_)
        if (auto r = connect(); !r) return r;
      beast::error_code ec;
      stream_.expires_after(options_.timeout);
      http::async_write(stream_, req_, [&](const beast::error_code& e, std::size_t) { ec = e; });
      run();
      if (!ec) {
        make(parser);
        parser->body_limit(std::numeric_limits<std::uint64_t>::max());
        stream_.expires_after(options_.timeout);
        http::async_read(stream_, buffer_, *parser, [&](const beast::error_code& e, std::size_t) { ec = e; });
        run();
      }
      if (ec) {
        open_ = true;  // the socket may be half closed: close it fully
        close();
        if (reused && attempt == 0 && ec != beast::error::timeout) continue;
        return unreachable(ec);
      }
      stream_.expires_never();
      if (!parser->keep_alive()) close();
      return {};
    }
  }

  const NodeOptions& options_;
  asio::io_context ioc_{1};
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  std::string reply_body_;
  Login login_;
  bool open_ = false;
};

}  // namespace coinkit::node::detail
