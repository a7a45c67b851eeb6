// bitcoind's REST interface (-rest) over a regtest node: blocks, headers, transactions, chain
// info and block hashes by height, with bitcoind's paths, formats and error bodies.
#pragma once

#include <coinkit/chain/block_header.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/net/http_server.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_blockchain.hpp>
#include <coinkit/rpc/bitcoind.hpp>
#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/array.hpp>

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace coinkit::regtest {

namespace json = boost::json;

// MAX_REST_HEADERS_RESULTS (rest.cpp).
inline constexpr std::size_t max_rest_headers_results = 2000;

namespace rest_detail {

enum class Format { undef, bin, hex, json };

// RESTERR: a text/plain body ending in CRLF.
inline net::Response error(const net::Request& req, net::http::status status, std::string message) {
  return net::make_response(req, status, std::move(message) + "\r\n", "text/plain");
}

inline net::Response format_not_found(const net::Request& req, std::string_view available = ".bin, .hex, .json") {
  return error(req, net::http::status::not_found,
               "output format not found (available: " + std::string(available) + ")");
}

// ParseDataFormat: drops the query, then splits a known ".bin/.hex/.json" suffix off `param`.
inline Format parse_format(std::string_view& param) {
  param = param.substr(0, param.rfind('?'));
  const auto dot = param.rfind('.');
  if (dot == std::string_view::npos) return Format::undef;
  const std::string_view suffix = param.substr(dot + 1);
  Format f = suffix == "bin"    ? Format::bin
             : suffix == "hex"  ? Format::hex
             : suffix == "json" ? Format::json
                                : Format::undef;
  if (f != Format::undef) param = param.substr(0, dot);
  return f;
}

// The value of `name` in the target's query string, if present.
inline std::optional<std::string_view> query_parameter(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

inline net::Response binary(const net::Request& req, const Bytes& bytes) {
  return net::make_response(req, net::http::status::ok, std::string(as_chars(bytes)), "application/octet-stream");
}
inline net::Response hex(const net::Request& req, ByteSpan bytes) {
  return net::make_response(req, net::http::status::ok, to_hex(bytes) + "\n", "text/plain");
}
inline net::Response json_reply(const net::Request& req, const json::value& v) {
  return net::make_response(req, net::http::status::ok, rpc::to_json_text(v, rpc::JsonStyle::univalue) + "\n",
                            "application/json");
}

inline net::Response block(const BasicNode& node, const net::Request& req, std::string_view param, bool tx_details) {
  const Format f = parse_format(param);
  const auto hash = BlockHash::try_from_hex(param);
  if (!hash) return error(req, net::http::status::bad_request, "Invalid hash: " + std::string(param));
  const auto b = node.block(*hash);
  if (!b) return error(req, net::http::status::not_found, std::string(param) + " not found");
  switch (f) {
    case Format::bin: return binary(req, *b->raw);
    case Format::hex: return hex(req, *b->raw);
    case Format::json: return json_reply(req, block_json(node, *b, tx_details ? 2 : 1));
    default: return format_not_found(req);
  }
}

inline net::Response headers(const BasicNode& node, const net::Request& req, std::string_view param) {
  const Format f = parse_format(param);
  std::string_view raw_count, hash_text;
  const auto slash = param.find('/');
  if (slash != std::string_view::npos && param.find('/', slash + 1) == std::string_view::npos) {
    raw_count = param.substr(0, slash);  // the deprecated /rest/headers/<count>/<hash>
    hash_text = param.substr(slash + 1);
  } else if (slash == std::string_view::npos) {
    hash_text = param;
    raw_count = query_parameter(req.target(), "count").value_or("5");
  } else {
    return error(req, net::http::status::bad_request,
                 "Invalid URI format. Expected /rest/headers/<hash>.<ext>?count=<count>");
  }
  std::size_t count = 0;
  const auto [ptr, ec] = std::from_chars(raw_count.data(), raw_count.data() + raw_count.size(), count);
  if (ec != std::errc{} || ptr != raw_count.data() + raw_count.size() || count < 1 || count > max_rest_headers_results)
    return error(req, net::http::status::bad_request,
                 "Header count is invalid or out of acceptable range (1-2000): " + std::string(raw_count));
  const auto hash = BlockHash::try_from_hex(hash_text);
  if (!hash) return error(req, net::http::status::bad_request, "Invalid hash: " + std::string(hash_text));
  const std::vector<BlockHeader> found = node.headers(*hash, count);
  switch (f) {
    case Format::bin:
    case Format::hex: {
      Bytes out;
      out.reserve(found.size() * BlockHeader::serialized_size);
      BytesSink sink{out};
      for (const BlockHeader& h : found) h.serialize(sink);
      return f == Format::bin ? binary(req, out) : hex(req, out);
    }
    case Format::json: {
      json::array a;
      for (const BlockHeader& h : found)
        if (auto b = node.block(h.hash())) a.emplace_back(header_json(*b));
      return json_reply(req, a);
    }
    default: return format_not_found(req);
  }
}

inline net::Response tx(const BasicNode& node, const net::Request& req, std::string_view param) {
  const Format f = parse_format(param);
  const auto txid = Txid::try_from_hex(param);
  if (!txid) return error(req, net::http::status::bad_request, "Invalid hash: " + std::string(param));
  const auto found = node.transaction(*txid);
  if (!found) return error(req, net::http::status::not_found, std::string(param) + " not found");
  const Bytes raw = found->tx.serialize();
  switch (f) {
    case Format::bin: return binary(req, raw);
    case Format::hex: return hex(req, raw);
    case Format::json: {
      const bool forkid = node.params().forkid();
      json::object o = tx_to_json(found->tx, node.params().address_format(), forkid);
      if (found->block_hash) o["blockhash"] = found->block_hash->to_hex();
      return json_reply(req, o);
    }
    default: return format_not_found(req);
  }
}

inline net::Response block_hash_by_height(const BasicNode& node, const net::Request& req, std::string_view param) {
  const Format f = parse_format(param);
  int height = -1;
  const auto [ptr, ec] = std::from_chars(param.data(), param.data() + param.size(), height);
  if (ec != std::errc{} || ptr != param.data() + param.size() || height < 0)
    return error(req, net::http::status::bad_request, "Invalid height: " + std::string(param));
  const auto hash = node.block_hash(height);
  if (!hash) return error(req, net::http::status::not_found, "Block height out of range");
  switch (f) {
    case Format::bin: return binary(req, Bytes(hash->span().begin(), hash->span().end()));
    case Format::hex: return net::make_response(req, net::http::status::ok, hash->to_hex() + "\n", "text/plain");
    case Format::json: return json_reply(req, json::object{{"blockhash", hash->to_hex()}});
    default: return format_not_found(req);
  }
}

}  // namespace rest_detail

// Answers a request whose target starts with "/rest/" as bitcoind's REST server does; paths it
// does not serve get bitcoind's bare 404.
inline net::Response handle_rest(const BasicNode& node, const net::Request& req) {
  namespace d = rest_detail;
  const std::string_view target = req.target();
  const auto strip = [&](std::string_view prefix, std::string_view& param) {
    if (target.substr(0, prefix.size()) != prefix) return false;
    param = target.substr(prefix.size());
    return true;
  };
  std::string_view param;
  if (strip("/rest/block/notxdetails/", param)) return d::block(node, req, param, false);
  if (strip("/rest/block/", param)) return d::block(node, req, param, true);
  if (strip("/rest/headers/", param)) return d::headers(node, req, param);
  if (strip("/rest/tx/", param)) return d::tx(node, req, param);
  if (strip("/rest/blockhashbyheight/", param)) return d::block_hash_by_height(node, req, param);
  if (strip("/rest/chaininfo", param)) {
    if (d::parse_format(param) != d::Format::json || !param.empty()) return d::format_not_found(req, "json");
    return d::json_reply(req, blockchain_info_json(node));
  }
  return net::make_response(req, net::http::status::not_found, "", "text/html");
}

}  // namespace coinkit::regtest
