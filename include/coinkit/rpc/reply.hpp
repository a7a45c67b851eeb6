// Whole error replies as Bitcart's daemon writes them, for the answers given before any method
// runs (malformed requests, failed Basic auth).
#pragma once

#include <coinkit/rpc/envelope.hpp>
#include <coinkit/rpc/fault.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace coinkit::rpc {

// {"jsonrpc": "2.0", "error": {"code": <code>, "message": "<message>"}, "id": <id>}
inline std::string error_reply(const json::value& id, int code, std::string_view message) {
  std::string out;
  envelope::error(out, id, code, message);
  return out;
}

// The answer to a failed Basic auth, on every endpoint (HTTP 200).
inline std::string unauthorized_reply() { return error_reply(nullptr, invalid_request_code, "Unauthorized"); }

}  // namespace coinkit::rpc
