// The non-template code of <coinkit/net/http_client.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/net/http_client.hpp>

namespace coinkit::net {
result<void> HttpClient::open() {
  if (open_) return {};
  error_code ec;
  boost::asio::ip::tcp::resolver::results_type endpoints;
  boost::asio::ip::tcp::resolver resolver(io_);
  resolver.async_resolve(options_.host, std::to_string(options_.port), boost::asio::ip::tcp::resolver::numeric_service,
                         [&](const error_code& e, boost::asio::ip::tcp::resolver::results_type r) {
                           ec = e;
                           endpoints = std::move(r);
                         });
  run();
  if (ec) return fail(Stage::resolve, ec);
  stream_.expires_after(options_.timeout);
  stream_.async_connect(endpoints, [&](const error_code& e, const boost::asio::ip::tcp::endpoint&) { ec = e; });
  run();
  if (ec) {
    error_code ignored;
    stream_.socket().close(ignored);
    return fail(Stage::connect, ec);
  }
  stream_.socket().set_option(boost::asio::ip::tcp::no_delay(true), ec);
  open_ = true;
  return {};
}

result<HttpClient::Response> HttpClient::try_request(http::verb method, std::string_view target, std::string body,
                                                     const Headers& headers) {
  Request req{method, target, 11};
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::move(body);
  req.prepare_payload();
  std::optional<http::response_parser<http::string_body>> parser;
  if (auto r = exchange(req, parser, [](auto& p) { p.emplace(); }); !r) return r.error();
  return parser->release();
}

HttpClient::Response HttpClient::request(http::verb method, std::string_view target, std::string body,
                                         const Headers& headers) {
  auto r = try_request(method, target, std::move(body), headers);
  if (!r) throw system_error(r.error(), std::string(target) + " on " + where());
  return std::move(*r);
}

void HttpClient::close() noexcept {
  if (!open_) return;
  error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  buffer_.consume(buffer_.size());
  open_ = false;
}

void HttpClient::run() {
  io_.restart();
  io_.run();
}

error_code HttpClient::fail(Stage stage, error_code ec) {
  stage_ = stage;
  return ec;
}

}  // namespace coinkit::net
