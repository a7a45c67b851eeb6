// The JSON-RPC envelopes around results, errors and notifications, in each dialect's bytes:
// aiorpcx's and Bitcart's JSON-RPC 2.0 (json.dumps), bitcoind's 2.0 and legacy 1.0 (UniValue).
// A reply is written as prefix, result, suffix, so the result can be written in place.
#pragma once

#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace coinkit::rpc {

// How a dialect wraps its replies.
struct EnvelopeStyle {
  JsonStyle json = JsonStyle::python;
  // JSON-RPC 1.0 as bitcoind answers it: "result", "error" and "id", all three always there.
  bool legacy = false;
};

namespace envelope {

inline void begin_result(std::string& out, EnvelopeStyle s = {}) {
  if (s.legacy)
    out += R"({"result":)";
  else if (s.json == JsonStyle::python)
    out += R"({"jsonrpc": "2.0", "result": )";
  else
    out += R"({"jsonrpc":"2.0","result":)";
}

inline void end_result(std::string& out, const boost::json::value& id, EnvelopeStyle s = {}) {
  if (s.legacy)
    out += R"(,"error":null,"id":)";
  else
    out += s.json == JsonStyle::python ? R"(, "id": )" : R"(,"id":)";
  write_json(out, id, s.json);
  out += '}';
}

// {"code": <code>, "message": "<message>"}
inline void error_object(std::string& out, int code, std::string_view message, JsonStyle style = JsonStyle::python) {
  const bool python = style == JsonStyle::python;
  out += python ? R"({"code": )" : R"({"code":)";
  detail::write_integer(out, code);
  out += python ? R"(, "message": )" : R"(,"message":)";
  write_json_string(out, message, style);
  out += '}';
}

inline void error(std::string& out, const boost::json::value& id, int code, std::string_view message,
                  EnvelopeStyle s = {}) {
  if (s.legacy)
    out += R"({"result":null,"error":)";
  else
    out += s.json == JsonStyle::python ? R"({"jsonrpc": "2.0", "error": )" : R"({"jsonrpc":"2.0","error":)";
  error_object(out, code, message, s.json);
  out += s.json == JsonStyle::python ? R"(, "id": )" : R"(,"id":)";
  write_json(out, id, s.json);
  out += '}';
}
inline void error(std::string& out, const boost::json::value& id, const Fault& f, EnvelopeStyle s = {}) {
  error(out, id, f.code, f.message, s);
}

// {"jsonrpc": "2.0", "method": "<method>", "params": <params>}: params follow begin_notification.
inline void begin_notification(std::string& out, std::string_view method) {
  out += R"({"jsonrpc": "2.0", "method": )";
  write_json_string(out, method);
  out += R"(, "params": )";
}
inline void end_notification(std::string& out) { out += '}'; }

}  // namespace envelope
}  // namespace coinkit::rpc
