// The non-template code of <coinkit/node/detail/connection.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/node/detail/connection.hpp>

namespace coinkit::node::detail {
Connection::Connection(const NodeOptions& options)

    : options_(options), http_(net::HttpClientOptions{options.host, options.port, options.timeout, "coinkit"}) {
  req_.version(11);
  req_.set(http::field::content_type, "application/json");
}

NodeResult<Connection::Reply> Connection::post() {
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

NodeResult<Connection::BinaryResponse> Connection::get(std::string_view target) {
  req_.method(http::verb::get);
  req_.target(target);
  req_.body().clear();
  req_.prepare_payload();
  std::optional<http::response_parser<http::vector_body<std::uint8_t>>> parser;
  auto r = exchange(parser, [](auto& p) { p.emplace(); });
  if (!r) return r.error();
  return parser->release();
}

NodeFailure Connection::unreachable(const error_code& ec) const {
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

}  // namespace coinkit::node::detail
