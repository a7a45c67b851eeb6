// Connection: one keep-alive HTTP/1.1 connection to bitcoind (a net::HttpClient) with the
// node's login: user:password, or the cookie file bitcoind writes at each start.
#pragma once

#include <coinkit/detail/config.hpp>

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

  COINKIT_DECL explicit Connection(const NodeOptions& options);
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
  COINKIT_DECL NodeResult<Reply> post();

  // GETs `target` (REST), body as bytes.
  COINKIT_DECL NodeResult<BinaryResponse> get(std::string_view target);

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

  COINKIT_DECL NodeFailure unreachable(const error_code& ec) const;

  const NodeOptions& options_;
  net::HttpClient http_;
  http::request<http::string_body> req_;
  std::string reply_body_;
  Login login_;
};

}  // namespace coinkit::node::detail

#if COINKIT_HEADER_ONLY
#include <coinkit/node/detail/impl/connection.ipp>
#endif
