// A blocking HTTP/1.1 client for tests: one keep-alive connection to 127.0.0.1:port.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace coinkit::test {

class HttpClient {
 public:
  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  using Headers = std::vector<std::pair<std::string, std::string>>;

  explicit HttpClient(unsigned short port) : stream_(io_) {
    stream_.expires_after(std::chrono::seconds(30));
    stream_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  }

  Response request(boost::beast::http::verb method, const std::string& target, std::string body = {},
                   const Headers& headers = {}) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = std::move(body);
    req.prepare_payload();
    stream_.expires_after(std::chrono::seconds(30));
    http::write(stream_, req);
    Response res;
    http::read(stream_, buffer_, res);
    return res;
  }

  Response post(const std::string& target, std::string body, const Headers& headers = {}) {
    return request(boost::beast::http::verb::post, target, std::move(body), headers);
  }
  Response get(const std::string& target, const Headers& headers = {}) {
    return request(boost::beast::http::verb::get, target, {}, headers);
  }

  boost::beast::tcp_stream& stream() { return stream_; }

 private:
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace coinkit::test
