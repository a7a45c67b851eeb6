// Connection: one keep-alive HTTP/1.1 connection to bitcoind (a net::HttpClient) with the
// node's login: user:password, or the cookie file bitcoind writes at each start.
#pragma once

#include <coinkit/net/basic_auth.hpp>
#include <coinkit/net/http_client.hpp>
#include <coinkit/node/node_failure.hpp>
#include <coinkit/node/node_options.hpp>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/vector_body.hpp>
#include <boost/json/parser.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace coinkit::node::detail {

namespace http = boost::beast::http;

// The Authorization header value for the options: user:password, else the cookie file's
// `user:password` as it is now (bitcoind writes a new cookie at every start).
struct Login {
  std::string authorization;
  bool from_cookie = false;
};

inline NodeResult<Login> read_login(const NodeOptions& o) {
  const bool from_cookie = o.password.empty() && !o.cookie_file.empty();
  if (!from_cookie) return Login{net::basic_authorization(o.user, o.password), false};
  std::ifstream in(o.cookie_file, std::ios::binary);
  if (!in)
    return node_failure(error::unreachable,
                        "cannot read the cookie file " + o.cookie_file.string() + " (is the node running?)");
  std::string creds(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>{});
  while (!creds.empty() && (creds.back() == '\n' || creds.back() == '\r' || creds.back() == ' ')) creds.pop_back();
  const std::size_t colon = creds.find(':');
  if (colon == std::string::npos)
    return node_failure(error::auth_failed,
                        "the cookie file " + o.cookie_file.string() + " does not hold user:password");
  return Login{
      net::basic_authorization(std::string_view(creds).substr(0, colon), std::string_view(creds).substr(colon + 1)),
      true};
}

class Connection {
 public:
  // A JSON-RPC reply: the HTTP status and the body (valid until the next request).
  struct Reply {
    unsigned status = 0;
    std::string_view body;
  };
  using BinaryResponse = http::response<http::vector_body<std::uint8_t>>;

  explicit Connection(const NodeOptions& options)
      : options_(options), http_(net::HttpClientOptions{options.host, options.port, options.timeout, "coinkit"}) {
    req_.version(11);
    req_.set(http::field::content_type, "application/json");
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Scratch the client reuses from call to call: the request body it builds, the JSON parser
  // it reads replies with, and JSON-RPC ids.
  std::string& request_body() noexcept { return req_.body(); }
  boost::json::parser json_parser;
  std::uint64_t next_id = 1;

  std::string where() const { return http_.where(); }

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

  void close() noexcept { http_.close(); }

 private:
  // The login is read again whenever a connection opens: bitcoind may have restarted.
  template <class Parser, class MakeParser>
  NodeResult<void> exchange(std::optional<Parser>& parser, MakeParser&& make) {
    if (!http_.is_open()) {
      auto login = read_login(options_);
      if (!login) return login.error();
      login_ = std::move(*login);
      req_.set(http::field::authorization, login_.authorization);
    }
    if (auto r = http_.exchange(req_, parser, std::forward<MakeParser>(make)); !r) return unreachable(r.error());
    return {};
  }

  NodeFailure unreachable(const error_code& ec) const {
    using Stage = net::HttpClient::Stage;
    std::string what;
    if (http_.failed_stage() == Stage::resolve)
      what = "cannot resolve " + options_.host + ": " + ec.message();
    else if (ec == boost::beast::error::timeout)
      what = http_.failed_stage() == Stage::connect
                 ? std::string("connect timed out")
                 : "no answer within " + std::to_string(options_.timeout.count()) + " ms";
    else
      what = ec.message();
    return node_failure(error::unreachable, where() + ": " + what);
  }

  const NodeOptions& options_;
  net::HttpClient http_;
  http::request<http::string_body> req_;
  std::string reply_body_;
  Login login_;
};

}  // namespace coinkit::node::detail
