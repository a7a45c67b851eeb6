// HexReplies: JSON-RPC replies whose results are hex strings (getblock 0, getrawtransaction,
// getblockhash) parsed straight into bytes, without a json::value holding megabytes of hex.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/node/node_failure.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit::node::detail {

// The basic_parser handler. It accepts exactly what bitcoind sends: one reply object, or an array
// of them, each {"result": "<hex>" | null, "error": null | {"code": n, "message": s}, "id": n}
// plus keys it ignores; anything else fails the parse (the caller then looks at the body as
// plain JSON to say what it was).
class HexReplyHandler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  // Replies to ids first_id .. first_id + count - 1; `batch`: the body is an array of them.
  HexReplyHandler(std::uint64_t first_id, std::size_t count, bool batch)
      : first_id_(first_id),
        reply_depth_(batch ? 2 : 1),
        results_(count, node_failure(error::bad_reply, "the node sent no reply to this call")),
        filled_(count, false) {}

  std::vector<NodeResult<Bytes>>& results() noexcept { return results_; }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code& ec) {
    for (bool f : filled_)
      if (!f) return fail(ec);
    return true;
  }

  bool on_array_begin(error_code& ec) {
    if (depth_ == 0 ? reply_depth_ != 2 : depth_ < reply_depth_) return fail(ec);  // not the batch's array
    if (depth_ == reply_depth_ && (key_ == Key::result || key_ == Key::id || key_ == Key::error)) return fail(ec);
    ++depth_;
    return true;
  }
  bool on_array_end(std::size_t, error_code&) {
    --depth_;
    return true;
  }

  bool on_object_begin(error_code& ec) {
    if (depth_ + 1 == reply_depth_) {
      begin_reply();
    } else if (depth_ == 0) {
      return fail(ec);  // an object where the batch's array belongs
    } else if (depth_ == reply_depth_) {
      if (key_ == Key::result || key_ == Key::id) return fail(ec);
      if (key_ == Key::error) in_error_ = has_error_ = true;
    }
    ++depth_;
    return true;
  }
  bool on_object_end(std::size_t, error_code& ec) {
    if (depth_ == reply_depth_ + 1 && in_error_) in_error_ = false;
    if (depth_ == reply_depth_ && !end_reply()) return fail(ec);
    --depth_;
    return true;
  }

  bool on_key_part(boost::json::string_view s, std::size_t, error_code&) {
    key_text_.append(s.data(), s.size());
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, error_code&) {
    key_text_.append(s.data(), s.size());
    if (depth_ == reply_depth_) {
      key_ = key_text_ == "result"  ? Key::result
             : key_text_ == "error" ? Key::error
             : key_text_ == "id"    ? Key::id
                                    : Key::other;
    } else if (in_error_ && depth_ == reply_depth_ + 1) {
      error_key_ = key_text_ == "code" ? Key::code : key_text_ == "message" ? Key::message : Key::other;
    }
    key_text_.clear();
    return true;
  }

  bool on_string_part(boost::json::string_view s, std::size_t, error_code& ec) {
    if (scalar_not_allowed()) return fail(ec);
    if (depth_ == reply_depth_) {
      if (key_ == Key::result) return append_hex({s.data(), s.size()}) || fail(ec);
      if (key_ == Key::id || key_ == Key::error) return fail(ec);
    } else if (in_message()) {
      message_.append(s.data(), s.size());
    }
    return true;
  }
  bool on_string(boost::json::string_view s, std::size_t, error_code& ec) {
    if (scalar_not_allowed()) return fail(ec);
    if (depth_ == reply_depth_) {
      if (key_ == Key::result) {
        if (!append_hex({s.data(), s.size()}) || pending_nibble_ >= 0) return fail(ec);  // odd length
        has_result_ = true;
        return true;
      }
      if (key_ == Key::id || key_ == Key::error) return fail(ec);
    } else if (in_message()) {
      message_.append(s.data(), s.size());
    }
    return true;
  }

  bool on_number_part(boost::json::string_view, error_code&) { return true; }
  bool on_int64(std::int64_t v, boost::json::string_view, error_code& ec) {
    if (scalar_not_allowed()) return fail(ec);
    if (depth_ == reply_depth_) {
      if (key_ == Key::id && v >= 0)
        id_ = static_cast<std::uint64_t>(v);
      else if (key_ == Key::id || key_ == Key::result || key_ == Key::error)
        return fail(ec);
    } else if (in_error_ && depth_ == reply_depth_ + 1 && error_key_ == Key::code) {
      code_ = static_cast<int>(v);
    }
    return true;
  }
  bool on_uint64(std::uint64_t v, boost::json::string_view, error_code& ec) {
    if (scalar_not_allowed()) return fail(ec);
    if (depth_ == reply_depth_) {
      if (key_ == Key::id)
        id_ = v;
      else if (key_ == Key::result || key_ == Key::error)
        return fail(ec);
    }
    return true;
  }
  bool on_double(double, boost::json::string_view, error_code& ec) { return other_scalar(ec); }
  bool on_bool(bool, error_code& ec) { return other_scalar(ec); }
  bool on_null(error_code& ec) {
    if (scalar_not_allowed()) return fail(ec);
    if (depth_ == reply_depth_ && key_ == Key::id) return fail(ec);
    return true;  // "result": null comes with an error; "error": null with a result
  }
  bool on_comment_part(boost::json::string_view, error_code& ec) { return fail(ec); }
  bool on_comment(boost::json::string_view, error_code& ec) { return fail(ec); }

 private:
  enum class Key { other, result, error, id, code, message };

  static bool fail(error_code& ec) {
    ec = error::bad_reply;
    return false;
  }
  // A scalar at the top or where a reply object belongs.
  bool scalar_not_allowed() const noexcept { return depth_ < reply_depth_; }
  bool in_message() const noexcept { return in_error_ && depth_ == reply_depth_ + 1 && error_key_ == Key::message; }
  bool other_scalar(error_code& ec) {
    if (scalar_not_allowed()) return fail(ec);
    if (depth_ == reply_depth_ && (key_ == Key::result || key_ == Key::id || key_ == Key::error)) return fail(ec);
    return true;
  }

  void begin_reply() {
    key_ = Key::other;
    bytes_ = Bytes();
    pending_nibble_ = -1;
    has_result_ = has_error_ = in_error_ = false;
    code_ = 0;
    message_.clear();
    id_.reset();
  }

  bool end_reply() {
    if (!id_ || *id_ < first_id_ || *id_ - first_id_ >= filled_.size()) return false;
    const std::size_t i = static_cast<std::size_t>(*id_ - first_id_);
    if (filled_[i]) return false;
    if (has_error_)
      results_[i] = rpc_failure(code_, message_);
    else if (has_result_)
      results_[i] = std::move(bytes_);
    else
      return false;  // neither a result nor an error
    filled_[i] = true;
    return true;
  }

  // Decodes one piece of the hex string; a digit may be left over for the next piece.
  bool append_hex(std::string_view s) {
    if (pending_nibble_ >= 0 && !s.empty()) {
      const int lo = coinkit::detail::hex_value(s.front());
      if (lo < 0) return false;
      bytes_.push_back(static_cast<std::uint8_t>(pending_nibble_ << 4 | lo));
      pending_nibble_ = -1;
      s.remove_prefix(1);
    }
    const std::size_t n = s.size() / 2, old = bytes_.size();
    if (old == 0) bytes_.reserve(n);
    bytes_.resize(old + n);
    if (decode_hex(std::string_view(s.data(), 2 * n), MutableByteSpan(bytes_.data() + old, n))) return false;
    if (s.size() % 2 != 0) {
      pending_nibble_ = coinkit::detail::hex_value(s.back());
      if (pending_nibble_ < 0) return false;
    }
    return true;
  }

  std::uint64_t first_id_;
  std::size_t reply_depth_;
  std::vector<NodeResult<Bytes>> results_;
  std::vector<bool> filled_;

  std::size_t depth_ = 0;
  std::string key_text_;
  Key key_ = Key::other, error_key_ = Key::other;
  // The reply being read.
  Bytes bytes_;
  int pending_nibble_ = -1;
  bool has_result_ = false, has_error_ = false, in_error_ = false;
  int code_ = 0;
  std::string message_;
  std::optional<std::uint64_t> id_;
};

// Parses `body`; nullopt when it is not replies of that shape.
inline std::optional<std::vector<NodeResult<Bytes>>> parse_hex_replies(std::string_view body, std::uint64_t first_id,
                                                                       std::size_t count, bool batch) {
  boost::json::basic_parser<HexReplyHandler> parser(boost::json::parse_options{}, first_id, count, batch);
  error_code ec;
  const std::size_t n = parser.write_some(false, body.data(), body.size(), ec);
  if (ec || n != body.size() || !parser.done()) return std::nullopt;
  return std::move(parser.handler().results());
}

}  // namespace coinkit::node::detail
