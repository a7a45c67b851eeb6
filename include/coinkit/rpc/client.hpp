// The client side of JSON-RPC: requests written in a dialect's envelope (bitcoind's 1.0 as
// ElectrumX sends it, 2.0 for Electrum servers), replies matched by id and read into a result
// or the Fault they carry. The node client and the wallet engine's Electrum client use it.
#pragma once

#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace coinkit::rpc {

// How a client wraps its requests.
enum class RequestStyle {
  v1,  // {"method":...,"params":...,"id":n}: bitcoind's legacy protocol, as ElectrumX sends it
  v2,  // {"jsonrpc": "2.0", "method": ..., "params": ..., "id": n}: Electrum servers
};

// Appends one request; `write_params(out)` writes the params array (or object) in place.
template <class WriteParams>
void write_request(std::string& out, std::uint64_t id, std::string_view method, WriteParams&& write_params,
                   RequestStyle style = RequestStyle::v2) {
  const JsonStyle json = style == RequestStyle::v1 ? JsonStyle::univalue : JsonStyle::python;
  out += style == RequestStyle::v1 ? R"({"method":)" : R"({"jsonrpc": "2.0", "method": )";
  write_json_string(out, method, json);
  out += style == RequestStyle::v1 ? R"(,"params":)" : R"(, "params": )";
  write_params(out);
  out += style == RequestStyle::v1 ? R"(,"id":)" : R"(, "id": )";
  out += std::to_string(id);
  out += '}';
}

inline void write_request(std::string& out, std::uint64_t id, std::string_view method, const json::value& params,
                          RequestStyle style = RequestStyle::v2) {
  const JsonStyle json = style == RequestStyle::v1 ? JsonStyle::univalue : JsonStyle::python;
  write_request(
      out, id, method, [&](std::string& o) { write_json(o, params, json); }, style);
}

// What a reply said, short of its result: a malformed reply has neither.
enum class ReplyShape { result, fault, malformed };

// A reply's result, or the fault its "error" member carries; a reply that is neither is
// Fault{internal_error_code, <why>} with ReplyShape::malformed.
struct Reply {
  ReplyShape shape = ReplyShape::malformed;
  json::value result;
  Fault fault;
};

inline Reply take_reply(json::value&& v) {
  Reply r;
  json::object* o = v.if_object();
  if (!o) {
    r.fault = {internal_error_code, "a reply is not a JSON object"};
    return r;
  }
  if (const json::value* e = o->if_contains("error"); e && !e->is_null()) {
    const json::object* eo = e->if_object();
    const json::value* code = eo ? eo->if_contains("code") : nullptr;
    const json::value* message = eo ? eo->if_contains("message") : nullptr;
    if (code && code->is_int64() && message && message->is_string()) {
      r.shape = ReplyShape::fault;
      r.fault = {static_cast<int>(code->get_int64()), std::string(message->get_string())};
    } else {
      r.fault = {internal_error_code, "an error that is not {code, message}"};
    }
    return r;
  }
  json::value* result = o->if_contains("result");
  if (!result) {
    r.fault = {internal_error_code, "a reply without a result"};
    return r;
  }
  r.shape = ReplyShape::result;
  r.result = std::move(*result);
  return r;
}

// The numeric id of a reply, if it has one.
inline std::optional<std::uint64_t> reply_id(const json::value& v) {
  const json::object* o = v.if_object();
  const json::value* id = o ? o->if_contains("id") : nullptr;
  if (id && id->is_int64() && id->get_int64() >= 0) return static_cast<std::uint64_t>(id->get_int64());
  if (id && id->is_uint64()) return id->get_uint64();
  return std::nullopt;
}

}  // namespace coinkit::rpc
