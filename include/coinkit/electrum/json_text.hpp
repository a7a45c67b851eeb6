// JsonText: appends JSON to a string as Python's json.dumps writes it (", " and ": "), the byte
// shape of ElectrumX's replies; and the JSON-RPC envelopes around results, errors, notifications.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/uint256.hpp>
#include <coinkit/electrum/rpc_error.hpp>
#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/value.hpp>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace coinkit::electrum {

// Results are written straight into the reply buffer: no JSON tree is built for the hot methods.
class JsonText {
 public:
  explicit JsonText(std::string& out) noexcept : out_(out) {}

  JsonText& raw(std::string_view s) {
    out_ += s;
    return *this;
  }
  JsonText& str(std::string_view s) {
    rpc::detail::write_json_string(out_, s);
    return *this;
  }
  // Bytes as a hex string, in the order given (headers, raw transactions, status hashes).
  JsonText& hex(ByteSpan bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    const std::size_t n = out_.size();
    out_.resize(n + 2 + 2 * bytes.size());
    char* p = out_.data() + n;
    *p++ = '"';
    for (std::uint8_t b : bytes) *p++ = digits[b >> 4], *p++ = digits[b & 15];
    *p = '"';
    return *this;
  }
  // A hash in display order (txids, block hashes, merkle branches), as ElectrumX's hash_to_hex_str.
  template <std::size_t N, class Tag>
  JsonText& display_hex(const BasicHash<N, Tag>& h) {
    static constexpr char digits[] = "0123456789abcdef";
    const std::size_t n = out_.size();
    out_.resize(n + 2 + 2 * N);
    char* p = out_.data() + n;
    *p++ = '"';
    for (std::size_t i = N; i-- > 0;) *p++ = digits[h[i] >> 4], *p++ = digits[h[i] & 15];
    *p = '"';
    return *this;
  }
  JsonText& num(std::int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
    return *this;
  }
  JsonText& real(double v) {  // Python's float repr: 1e-05, 0.0002, 12.0
    rpc::detail::write_json_double(out_, v);
    return *this;
  }
  JsonText& boolean(bool v) {
    out_ += v ? "true" : "false";
    return *this;
  }
  JsonText& null() {
    out_ += "null";
    return *this;
  }
  JsonText& value(const boost::json::value& v) {
    rpc::write_json(out_, v);
    return *this;
  }
  // `"key": ` with the separator before it unless it is the first member.
  JsonText& key(std::string_view k, bool first = false) {
    if (!first) out_ += ", ";
    out_ += '"';
    out_ += k;  // keys are our own ASCII names
    out_ += "\": ";
    return *this;
  }

  std::string& out() noexcept { return out_; }

 private:
  std::string& out_;
};

// The envelopes, as aiorpcx's JSONRPCv2 encodes them (ElectrumX replies to JSON-RPC 1.0-style
// requests in this shape too). A reply is written as prefix, result, suffix, so the result can be
// written in place.
namespace envelope {

inline void begin_result(std::string& out) { out += R"({"jsonrpc": "2.0", "result": )"; }
inline void end_result(std::string& out, const boost::json::value& id) {
  out += R"(, "id": )";
  rpc::write_json(out, id);
  out += '}';
}
inline void error(std::string& out, const boost::json::value& id, int code, std::string_view message) {
  out += R"({"jsonrpc": "2.0", "error": {"code": )";
  JsonText(out).num(code);
  out += R"(, "message": )";
  rpc::detail::write_json_string(out, message);
  out += R"(}, "id": )";
  rpc::write_json(out, id);
  out += '}';
}
inline void error(std::string& out, const boost::json::value& id, const RpcError& e) {
  error(out, id, e.code, e.message);
}
// {"jsonrpc": "2.0", "method": "<method>", "params": <params>}: params follow begin_notification.
inline void begin_notification(std::string& out, std::string_view method) {
  out += R"({"jsonrpc": "2.0", "method": )";
  rpc::detail::write_json_string(out, method);
  out += R"(, "params": )";
}
inline void end_notification(std::string& out) { out += '}'; }

}  // namespace envelope

}  // namespace coinkit::electrum
