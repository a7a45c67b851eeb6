// bitcoind's JSON-RPC envelope (src/rpc/request.cpp, httprpc.cpp of v28+): request objects of
// JSON-RPC 1.0 and 2.0, replies of each, and the HTTP status a legacy error travels with.
#pragma once

#include <coinkit/regtest/node_error.hpp>
#include <coinkit/regtest/rpc_json.hpp>

#include <boost/beast/http/status.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace coinkit::regtest {

// The RPCErrorCode values (src/rpc/protocol.h) of the JSON-RPC layer itself; node_error.hpp has
// the application ones.
namespace rpc_error {
inline constexpr int invalid_request = -32600;  // RPC_INVALID_REQUEST: HTTP 400
inline constexpr int invalid_params = -32602;   // RPC_INVALID_PARAMS
inline constexpr int internal_error = -32603;   // RPC_INTERNAL_ERROR
inline constexpr int parse_error = -32700;      // RPC_PARSE_ERROR
inline constexpr int method_deprecated = -32;   // RPC_METHOD_DEPRECATED
}  // namespace rpc_error

// One request as JSONRPCRequest::parse reads it.
struct JsonRpcRequest {
  std::optional<json::value> id;  // absent: a notification when v2
  bool v2 = false;                // "jsonrpc": "2.0"; "1.0" or no member is the legacy protocol
  std::string method;
  json::value params;  // an array or an object; absent or null becomes []

  bool notification() const noexcept { return v2 && !id; }
};

// Reads `v` into `out`; the error bitcoind throws otherwise (-32600), with the id and version
// already read so the reply can carry them.
inline std::optional<NodeError> parse_request(const json::value& v, JsonRpcRequest& out) {
  out = JsonRpcRequest{};
  const json::object* o = v.if_object();
  if (!o) return NodeError(rpc_error::invalid_request, "Invalid Request object");
  if (auto it = o->find("id"); it != o->end()) out.id = it->value();
  if (auto it = o->find("jsonrpc"); it != o->end() && !it->value().is_null()) {
    const json::string* s = it->value().if_string();
    if (!s) return NodeError(rpc_error::invalid_request, "jsonrpc field must be a string");
    if (*s == "2.0")
      out.v2 = true;
    else if (*s != "1.0")
      return NodeError(rpc_error::invalid_request, "JSON-RPC version not supported");
  }
  auto m = o->find("method");
  if (m == o->end() || m->value().is_null()) return NodeError(rpc_error::invalid_request, "Missing method");
  if (!m->value().is_string()) return NodeError(rpc_error::invalid_request, "Method must be a string");
  out.method = std::string(m->value().get_string());
  auto p = o->find("params");
  if (p == o->end() || p->value().is_null())
    out.params = json::array();
  else if (p->value().is_array() || p->value().is_object())
    out.params = p->value();
  else
    return NodeError(rpc_error::invalid_request, "Params must be an array or object");
  return std::nullopt;
}

inline json::object error_object(const NodeError& e) { return json::object{{"code", e.code}, {"message", e.message}}; }

// JSONRPCReplyObj: legacy replies carry both "result" and "error"; 2.0 replies one of them.
inline json::object reply_object(const JsonRpcRequest& req, json::value result, const NodeError* error) {
  json::object o(4);
  if (req.v2) {
    o["jsonrpc"] = "2.0";
    if (error)
      o["error"] = error_object(*error);
    else
      o["result"] = std::move(result);
  } else {
    o["result"] = error ? json::value() : std::move(result);
    o["error"] = error ? json::value(error_object(*error)) : json::value();
  }
  o["id"] = req.id ? *req.id : json::value();
  return o;
}

// JSONErrorReply's status: 400 for an invalid request, 404 for an unknown method, else 500.
inline boost::beast::http::status error_http_status(int code) noexcept {
  if (code == rpc_error::invalid_request) return boost::beast::http::status::bad_request;
  if (code == rpc_error::method_not_found) return boost::beast::http::status::not_found;
  return boost::beast::http::status::internal_server_error;
}

}  // namespace coinkit::regtest
