// PaymentRequest: an on-chain payment request as Electrum 4.3 keeps one (its receiving
// Invoice): the id Electrum derives from its output and time, its BIP21 URI, whether the chain
// pays it and its status, and the words for that ("Expires in 59 minutes").
#pragma once

#include <coinkit/chain/hashes.hpp>
#include <coinkit/core/amount.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinkit::wallet {

// Electrum's PR_* codes, as they go on the wire.
enum class RequestStatus : int { unpaid = 0, expired = 1, unknown = 2, paid = 3, unconfirmed = 7 };

struct PaymentRequest {
  std::string address;
  Bytes script;             // the address's scriptPubKey
  std::int64_t amount = 0;  // in the coin's smallest unit; 0: any amount
  std::string message;
  std::int64_t time = 0;    // when it was made, Unix seconds
  std::int64_t expiry = 0;  // seconds after `time`; 0: never
  int height = 0;           // the wallet's chain height then

  // 0 for a request that never expires.
  std::int64_t expiration() const noexcept { return expiry ? time + expiry : 0; }
  bool expired_at(double now) const noexcept { return expiry && static_cast<double>(expiration()) < now; }
};

// Electrum's get_id_from_onchain_outputs: the first 10 hex digits of sha256d of
// "<script hex>, <value>" and the time in decimal.
inline std::string request_id(const PaymentRequest& r) {
  const std::string text = to_hex(r.script) + ", " + std::to_string(r.amount) + std::to_string(r.time);
  const Hash256 digest = sha256d(as_bytes(text));
  return to_hex(digest.span().first(5));  // the digest's own byte order (Hash256 prints reversed)
}

namespace detail {

// Python's urllib.parse.quote: letters, digits, "_.-~" and "/" as they are, every other byte
// of the UTF-8 text as %XX. With `plus` it is quote_plus: "/" quoted too, a space as "+".
inline std::string url_quote(std::string_view text, bool plus = false) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                       c == '.' || c == '-' || c == '~' || (c == '/' && !plus);
    if (plain) {
      out += static_cast<char>(c);
    } else if (c == ' ' && plus) {
      out += '+';
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

// Python's unquote_plus: "+" as a space, each valid %XX as its byte.
inline std::string url_unquote_plus(std::string_view text) {
  auto hex = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Python's round() of n / d for n >= 0: to the nearest integer, halves to the even one.
inline std::int64_t round_half_even(std::int64_t n, std::int64_t d) noexcept {
  const std::int64_t q = n / d, r = n % d;
  return 2 * r > d || (2 * r == d && q % 2 == 1) ? q + 1 : q;
}

}  // namespace detail

// The BIP21 URI Electrum gives a request: "<scheme>:<address>?amount=…&message=…&time=…&exp=…"
// (amount when not 0, message when not empty, time and exp when it expires).
inline std::string request_uri(const PaymentRequest& r, std::string_view scheme, unsigned decimals = 8) {
  std::string query;
  auto add = [&](std::string_view key, const std::string& value) {
    if (!query.empty()) query += '&';
    query.append(key).append("=").append(value);
  };
  if (r.amount) add("amount", format_amount(r.amount, decimals, amount_style::trimmed));
  if (!r.message.empty()) add("message", detail::url_quote(r.message));
  if (r.time && r.expiry) {
    add("time", std::to_string(r.time));
    add("exp", std::to_string(r.expiry));
  }
  std::string uri = std::string(scheme) + ":" + r.address;
  if (!query.empty()) uri += "?" + query;
  return uri;
}

// Bitcart's modify_payment_url: `uri` with the query parameter `key` set to `value`, as Python's
// urlparse, dict(parse_qsl(query)) and urlencode rewrite it: the scheme in lower case, blank and
// valueless parameters dropped, a repeated one kept once (its last value, its first place), and
// every parameter quoted again with quote_plus.
inline std::string with_uri_param(std::string_view uri, std::string_view key, std::string_view value) {
  std::string_view fragment;
  if (auto hash = uri.find('#'); hash != std::string_view::npos) fragment = uri.substr(hash), uri = uri.substr(0, hash);
  std::string_view query;
  if (auto q = uri.find('?'); q != std::string_view::npos) query = uri.substr(q + 1), uri = uri.substr(0, q);
  std::string base(uri);
  // urlsplit: a scheme is a letter, then letters, digits, "+-.", before the first ":".
  if (auto colon = base.find(':');
      colon != std::string::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(base[0])) &&
      std::all_of(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
      }))
    std::transform(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(colon), base.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  std::vector<std::pair<std::string, std::string>> params;
  auto set = [&](std::string k, std::string v) {
    auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == k; });
    if (it != params.end())
      it->second = std::move(v);
    else
      params.emplace_back(std::move(k), std::move(v));
  };
  for (std::size_t pos = 0; pos <= query.size();) {
    const std::size_t end = std::min(query.find('&', pos), query.size());
    const std::string_view field = query.substr(pos, end - pos);
    pos = end + 1;
    const auto eq = field.find('=');
    if (eq == std::string_view::npos || eq + 1 == field.size()) continue;  // no value: dropped
    set(detail::url_unquote_plus(field.substr(0, eq)), detail::url_unquote_plus(field.substr(eq + 1)));
  }
  set(std::string(key), std::string(value));
  std::string out = base + '?';
  for (std::size_t i = 0; i < params.size(); ++i)
    out += (i ? "&" : "") + detail::url_quote(params[i].first, true) + '=' + detail::url_quote(params[i].second, true);
  return out + std::string(fragment);
}

// Whether Python's Decimal(text) is zero; nullopt when it is no decimal at all.
inline std::optional<bool> decimal_is_zero(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf" || lower == "infinity" || lower == "nan" || lower == "snan") return false;
  std::string_view mantissa = text;
  if (auto e = lower.find('e'); e != std::string::npos) {
    std::string_view exponent = text.substr(e + 1);
    mantissa = text.substr(0, e);
    if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) exponent.remove_prefix(1);
    if (exponent.empty() || !std::all_of(exponent.begin(), exponent.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
  }
  bool digit = false, nonzero = false, point = false;
  for (char c : mantissa) {
    if (c == '.' && !point) {
      point = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
      nonzero |= c != '0';
    } else {
      return std::nullopt;
    }
  }
  if (!digit) return std::nullopt;
  return !nonzero;
}

// Electrum 4.3's util.age(when, include_seconds=True) seen at `now`: "in 5 minutes",
// "about 2 hours ago", "in 30 seconds".
inline std::string electrum_age(std::int64_t when, double now) {
  const double delta = static_cast<double>(when) - now;
  // timedelta's days * 86400 + seconds: the whole seconds below the difference.
  const std::int64_t seconds = std::llabs(static_cast<std::int64_t>(std::floor(delta)));
  const std::int64_t minutes = detail::round_half_even(seconds, 60);
  std::string d;
  if (minutes == 0)
    d = std::to_string(seconds) + " seconds";
  else if (minutes < 45)
    d = std::to_string(minutes) + " minutes";
  else if (minutes < 90)
    d = "about 1 hour";
  else if (minutes < 1440)
    d = "about " + std::to_string(detail::round_half_even(minutes, 60)) + " hours";
  else if (minutes < 2880)
    d = "1 day";
  else if (minutes < 43220)
    d = std::to_string(detail::round_half_even(minutes, 1440)) + " days";
  else if (minutes < 86400)
    d = "about 1 month";
  else if (minutes < 525600)
    d = std::to_string(detail::round_half_even(minutes, 43200)) + " months";
  else if (minutes < 1051200)
    d = "about 1 year";
  else
    d = "over " + std::to_string(detail::round_half_even(minutes, 525600)) + " years";
  return static_cast<double>(when) < now ? d + " ago" : "in " + d;
}

// An output paid to a request's script, with its transaction's place: height as the Electrum
// protocol gives it (0 or -1 in the mempool), confirmations 0 until mined.
struct ReceivedOutput {
  Txid txid;
  std::int64_t value = 0;
  int height = 0;
  int confirmations = 0;
};

// What the chain says of a request (Electrum's _is_onchain_invoice_paid).
struct RequestPayment {
  bool paid = false;
  std::optional<int> confirmations;  // the fewest among the outputs that pay it
  std::vector<Txid> tx_hashes;       // every transaction that paid the script, first seen first
  std::int64_t received = 0;         // their outputs to it, summed (Bitcart's sent_amount)
};

// Electrum's rule: outputs mined at or below the height the request was made at do not count
// (an old payment to a reused address); the others, the most confirmed first (the larger first
// among equals), must reach the amount; a request of no amount needs one output.
inline RequestPayment request_payment(const PaymentRequest& r, std::span<const ReceivedOutput> received) {
  RequestPayment p;
  std::vector<std::pair<int, std::int64_t>> counted;
  for (const ReceivedOutput& o : received) {
    if (std::find(p.tx_hashes.begin(), p.tx_hashes.end(), o.txid) == p.tx_hashes.end()) p.tx_hashes.push_back(o.txid);
    p.received += o.value;
    if (o.height > 0 && o.height <= r.height) continue;
    counted.emplace_back(o.confirmations, o.value);
  }
  std::sort(counted.begin(), counted.end(), std::greater<>());
  std::int64_t sum = 0;
  for (const auto& [confirmations, value] : counted) {
    sum += value;
    if (sum >= r.amount) {
      p.paid = true;
      p.confirmations = confirmations;
      break;
    }
  }
  return p;
}

// Electrum's get_invoice_status: unpaid, unconfirmed (paid in the mempool), paid (mined), or
// expired (unpaid past its expiration).
inline RequestStatus request_status(const PaymentRequest& r, const RequestPayment& p, double now) {
  RequestStatus s = !p.paid                 ? RequestStatus::unpaid
                    : *p.confirmations == 0 ? RequestStatus::unconfirmed
                                            : RequestStatus::paid;
  return s == RequestStatus::unpaid && r.expired_at(now) ? RequestStatus::expired : s;
}

// pr_tooltips, Electrum's and Electron Cash's alike but for an unpaid request's word ("Unpaid",
// "Pending").
constexpr std::string_view status_word(RequestStatus s, std::string_view unpaid) noexcept {
  switch (s) {
    case RequestStatus::unpaid: return unpaid;
    case RequestStatus::expired: return "Expired";
    case RequestStatus::paid: return "Paid";
    case RequestStatus::unconfirmed: return "Unconfirmed";
    case RequestStatus::unknown: break;
  }
  return "Unknown";
}

// Electrum's status_str: pr_tooltips, and for an unpaid request that expires, when it does.
inline std::string request_status_text(RequestStatus status, const PaymentRequest& r, double now) {
  if (status == RequestStatus::unpaid && r.expiry) return "Expires " + electrum_age(r.expiration(), now);
  return std::string(status_word(status, "Unpaid"));
}

}  // namespace coinkit::wallet
