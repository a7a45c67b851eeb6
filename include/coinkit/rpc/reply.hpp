// JSON-RPC replies as Bitcart's daemon writes them: {"jsonrpc": "2.0", "result"|"error", "id"}.
#pragma once

#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace coinkit::rpc {

// {"jsonrpc": "2.0", "result": <result>, "id": <id>}
inline std::string make_result_reply(const json::value& id, const json::value& result) {
  std::string out = R"({"jsonrpc": "2.0", "result": )";
  write_json(out, result);
  out += R"(, "id": )";
  write_json(out, id);
  out += '}';
  return out;
}

// {"jsonrpc": "2.0", "error": {"code": <code>, "message": "<message>"}, "id": <id>}
inline std::string make_error_reply(const json::value& id, int code, std::string_view message) {
  std::string out = R"({"jsonrpc": "2.0", "error": {"code": )";
  out += std::to_string(code);
  out += R"(, "message": )";
  detail::write_json_string(out, message);
  out += R"(}, "id": )";
  write_json(out, id);
  out += '}';
  return out;
}

// The answer to a failed Basic auth, on every endpoint (HTTP 200).
inline std::string unauthorized_reply() { return make_error_reply(nullptr, -32600, "Unauthorized"); }

}  // namespace coinkit::rpc
