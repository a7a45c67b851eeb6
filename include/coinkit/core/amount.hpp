// Amount: exact decimal coin amounts ("0.01", "1e-8") to and from integer smallest units.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>

#include <boost/assert.hpp>

#include <algorithm>
#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

namespace coinkit {

// An amount in the coin's smallest unit (satoshis for BTC). As an RPC argument or result it
// is a decimal string in whole coins ("1.5"), with the coin's number of decimals.
struct Amount {
  std::int64_t units = 0;
  friend constexpr auto operator<=>(const Amount&, const Amount&) = default;
};

// Kept beside Amount (like keys/mnemonic_error.hpp) so the core error list stays about bytes;
// the category is "coinkit.core.amount".
enum class amount_error {
  empty = 1,          // no text at all
  invalid_syntax,     // not [+-]digits[.digits][e[+-]digits] (also NaN, Infinity, spaces, "!")
  too_many_decimals,  // a non-zero digit below the coin's smallest unit
  out_of_range,       // more than the int64 of smallest units holds
  negative,           // below zero where only non-negative amounts are allowed
};

constexpr const char* error_category_name(amount_error) noexcept { return "coinkit.core.amount"; }

constexpr const char* error_message(amount_error e) noexcept {
  switch (e) {
    case amount_error::empty: return "empty amount";
    case amount_error::invalid_syntax: return "amount is not a decimal number";
    case amount_error::too_many_decimals: return "amount has more decimal places than the coin's unit";
    case amount_error::out_of_range: return "amount is out of range";
    case amount_error::negative: return "amount must not be negative";
  }
  return "unknown amount error";
}

inline error_code make_error_code(amount_error e) noexcept {
  return {static_cast<int>(e), enum_category<amount_error>()};
}

inline std::ostream& operator<<(std::ostream& os, amount_error e) { return os << error_message(e); }

}  // namespace coinkit

template <>
struct boost::system::is_error_code_enum<coinkit::amount_error> : std::true_type {};

namespace coinkit {

// Decimal places of an amount at most; 10^18 is the largest power of ten in an int64.
inline constexpr unsigned max_amount_decimals = 18;

enum class amount_sign { non_negative, any };

// Parses a decimal amount in whole coins into smallest units, exactly (never via double). The
// syntax is Python Decimal's finite numbers without spaces or underscores, as Electrum reads
// amounts: optional sign, digits with an optional point (".5" and "5." too), optional exponent
// ("1e-8"). Electrum truncates digits below one satoshi; we reject them unless they are zeros.
inline result<std::int64_t> try_parse_amount(std::string_view text, unsigned decimals,
                                             amount_sign sign = amount_sign::non_negative) noexcept {
  BOOST_ASSERT(decimals <= max_amount_decimals);
  if (text.empty()) return amount_error::empty;
  std::size_t i = 0;
  bool minus = false;
  if (text[0] == '+' || text[0] == '-') {
    minus = text[0] == '-';
    ++i;
  }
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const std::size_t int_begin = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  const std::string_view int_digits = text.substr(int_begin, i - int_begin);
  std::string_view frac_digits;
  if (i < text.size() && text[i] == '.') {
    const std::size_t frac_begin = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    frac_digits = text.substr(frac_begin, i - frac_begin);
  }
  if (int_digits.empty() && frac_digits.empty()) return amount_error::invalid_syntax;
  long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_minus = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exp_minus = text[i++] == '-';
    if (i == text.size() || !is_digit(text[i])) return amount_error::invalid_syntax;
    for (; i < text.size() && is_digit(text[i]); ++i)
      if (exponent < 1'000'000) exponent = exponent * 10 + (text[i] - '0');  // beyond: saturate
    if (exp_minus) exponent = -exponent;
  }
  if (i != text.size()) return amount_error::invalid_syntax;

  // value = digits * 10^scale, digits = int_digits ‖ frac_digits without leading zeros.
  const long scale = exponent - static_cast<long>(frac_digits.size()) + static_cast<long>(decimals);
  std::string_view digits_a = int_digits, digits_b = frac_digits;
  auto digit_at = [&](std::size_t k) { return k < digits_a.size() ? digits_a[k] : digits_b[k - digits_a.size()]; };
  std::size_t begin = 0, end = digits_a.size() + digits_b.size();
  while (begin < end && digit_at(begin) == '0') ++begin;
  if (begin == end) return std::int64_t{0};  // zero, whatever the sign and exponent
  if (scale < 0) {                           // the last -scale digits fall below the smallest unit: they must be zeros
    const std::size_t drop = static_cast<std::size_t>(-scale);
    for (std::size_t k = end - std::min(drop, end - begin); k < end; ++k)
      if (digit_at(k) != '0') return amount_error::too_many_decimals;
    if (drop >= end - begin) return amount_error::too_many_decimals;  // unreachable: a digit is non-zero
    end -= drop;
  }
  if (minus && sign == amount_sign::non_negative) return amount_error::negative;
  const std::uint64_t limit = minus ? std::uint64_t{1} << 63 : std::uint64_t{INT64_MAX};
  std::uint64_t value = 0;
  for (std::size_t k = begin; k < end; ++k) {
    const unsigned d = static_cast<unsigned>(digit_at(k) - '0');
    if (value > (limit - d) / 10) return amount_error::out_of_range;
    value = value * 10 + d;
  }
  for (long s = scale; s > 0; --s) {
    if (value > limit / 10) return amount_error::out_of_range;
    value *= 10;
  }
  if (minus) return value == limit ? INT64_MIN : -static_cast<std::int64_t>(value);
  return static_cast<std::int64_t>(value);
}

inline std::int64_t parse_amount(std::string_view text, unsigned decimals,
                                 amount_sign sign = amount_sign::non_negative) {
  return value_or_throw(try_parse_amount(text, decimals, sign), "amount");
}

enum class amount_style {
  trimmed,   // "1.5", "0", "0.00000001"
  fixed,     // always `decimals` places: "1.50000000"
  decimal,   // Python's str(Decimal(units) / 10**decimals), Electrum's results: "1.5", "0", "1E-8"
  satoshis,  // Electrum's format_satoshis (onchain_history): "1.5", "0.", "1.", "0.00000001"
};

// Whole coins as decimal text; exact for every int64.
inline std::string format_amount(std::int64_t units, unsigned decimals, amount_style style = amount_style::trimmed) {
  BOOST_ASSERT(decimals <= max_amount_decimals);
  const bool minus = units < 0;
  std::uint64_t magnitude = minus ? ~static_cast<std::uint64_t>(units) + 1 : static_cast<std::uint64_t>(units);
  char buf[48];
  char* end = buf + sizeof buf;
  char* p = end;
  // Python writes a Decimal whose adjusted exponent is below -6 in scientific notation: the
  // coefficient without trailing zeros, "E", the exponent of its first digit.
  if (style == amount_style::decimal && magnitude != 0 && decimals > 6) {
    std::uint64_t small = 1;
    for (unsigned i = 0; i < decimals - 6; ++i) small *= 10;
    if (magnitude < small) {
      int exponent = -static_cast<int>(decimals);
      while (magnitude % 10 == 0) magnitude /= 10, ++exponent;
      std::string digits = std::to_string(magnitude);
      std::string out = minus ? "-" : "";
      out += digits[0];
      if (digits.size() > 1) out += '.' + digits.substr(1);
      out += 'E' + std::to_string(exponent + static_cast<int>(digits.size()) - 1);
      return out;
    }
  }
  unsigned places = 0;
  bool seen_nonzero = style == amount_style::fixed;
  for (; places < decimals; ++places, magnitude /= 10) {
    const char c = static_cast<char>('0' + magnitude % 10);
    if (!seen_nonzero && c == '0') continue;  // trailing zero of the fraction: trimmed
    seen_nonzero = true;
    *--p = c;
  }
  if (p != end || (style == amount_style::satoshis && decimals > 0)) *--p = '.';
  do {
    *--p = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (minus) *--p = '-';
  return std::string(p, end);
}

inline std::ostream& operator<<(std::ostream& os, const Amount& a) { return os << a.units; }

}  // namespace coinkit
