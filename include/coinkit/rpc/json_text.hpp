// JsonText: writes JSON straight into a reply buffer, value by value, in a dialect's style: the
// hot methods build no JSON tree.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/uint256.hpp>
#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace coinkit::rpc {

class JsonText {
 public:
  explicit JsonText(std::string& out, JsonStyle style = JsonStyle::python) noexcept : out_(out), style_(style) {}

  JsonText& raw(std::string_view s) {
    out_ += s;
    return *this;
  }
  JsonText& str(std::string_view s) {
    write_json_string(out_, s, style_);
    return *this;
  }
  // Bytes as a hex string, in the order given (headers, raw transactions, status hashes).
  JsonText& hex(ByteSpan bytes) {
    out_ += '"';
    append_hex(out_, bytes);
    out_ += '"';
    return *this;
  }
  // A hash in display order (txids, block hashes, merkle branches), as ElectrumX's hash_to_hex_str.
  template <std::size_t N, class Tag>
  JsonText& display_hex(const BasicHash<N, Tag>& h) {
    out_ += '"';
    append_hex(out_, h.span(), /*reversed=*/true);
    out_ += '"';
    return *this;
  }
  JsonText& num(std::int64_t v) {
    detail::write_integer(out_, v);
    return *this;
  }
  JsonText& real(double v) {  // Python: 1e-05, 0.0002, 12.0; UniValue: %.16g
    write_json_double(out_, v, style_);
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
    write_json(out_, v, style_);
    return *this;
  }
  // `"key": ` with the separator before it unless it is the first member.
  JsonText& key(std::string_view k, bool first = false) {
    const bool python = style_ == JsonStyle::python;
    if (!first) out_ += python ? ", " : ",";
    write_json_string(out_, k, style_);
    out_ += python ? ": " : ":";
    return *this;
  }

  std::string& out() noexcept { return out_; }
  JsonStyle style() const noexcept { return style_; }

 private:
  std::string& out_;
  JsonStyle style_;
};

}  // namespace coinkit::rpc
