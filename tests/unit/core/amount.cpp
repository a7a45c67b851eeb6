// Tests core/amount.hpp: exact decimal amounts to smallest units and back, every boundary.
#include <coinkit/core/amount.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

using namespace coinkit;

namespace {

struct Case {
  const char* text;
  unsigned decimals;
  amount_sign sign;
  std::int64_t units;  // when ok
  amount_error error;  // when not ok
  bool ok;
};

constexpr auto nn = amount_sign::non_negative;
constexpr auto any = amount_sign::any;
constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();

Case good(const char* t, std::int64_t u, unsigned d = 8, amount_sign s = nn) { return {t, d, s, u, {}, true}; }
Case bad(const char* t, amount_error e, unsigned d = 8, amount_sign s = nn) { return {t, d, s, 0, e, false}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(amount_tests)

BOOST_AUTO_TEST_CASE(parse_cases) {
  const std::vector<Case> cases = {
      // plain forms
      good("0", 0),
      good("0.0", 0),
      good("00", 0),
      good("1", 100'000'000),
      good("1.5", 150'000'000),
      good("0.01", 1'000'000),
      good(".5", 50'000'000),
      good("5.", 500'000'000),
      good("+1", 100'000'000),
      good("007.50", 750'000'000),
      good("0.00000001", 1),
      good("0.12345678", 12'345'678),
      // zeros below the unit are exact, a non-zero digit is not
      good("0.000000010", 1),
      good("0.100000000000000000000000", 10'000'000),
      good("1.000000000", 100'000'000),
      bad("0.000000001", amount_error::too_many_decimals),
      bad("0.123456789", amount_error::too_many_decimals),
      bad("1.000000001", amount_error::too_many_decimals),
      // exponents, as Python's Decimal reads them
      good("1e-8", 1),
      good("1E-8", 1),
      good("10e-9", 1),
      good("1e+2", 10'000'000'000),
      good("1e0", 100'000'000),
      good("1.5e1", 1'500'000'000),
      good("0.015e2", 150'000'000),
      good("1e10", 1'000'000'000'000'000'000),
      good("0e99999999999", 0),
      good("0e-99999999999", 0),
      bad("1e-9", amount_error::too_many_decimals),
      bad("1e-99999999999", amount_error::too_many_decimals),
      bad("1e11", amount_error::out_of_range),
      bad("1e99999999999", amount_error::out_of_range),
      // int64 boundaries
      good("92233720368.54775807", max),
      bad("92233720368.54775808", amount_error::out_of_range),
      good("-92233720368.54775808", min, 8, any),
      bad("-92233720368.54775809", amount_error::out_of_range, 8, any),
      bad("99999999999999999999", amount_error::out_of_range),
      good("0000000000000000000000000001", 100'000'000),
      good("9223372036854775807", max, 0),
      bad("9223372036854775808", amount_error::out_of_range, 0),
      good("-9223372036854775808", min, 0, any),
      good("9.223372036854775807", max, 18),
      bad("9.223372036854775808", amount_error::out_of_range, 18),
      good("0.000000000000000001", 1, 18),
      bad("0.0000000000000000001", amount_error::too_many_decimals, 18),
      // decimals 0 and 2
      good("1.0", 1, 0),
      bad("1.5", amount_error::too_many_decimals, 0),
      good("12.34", 1234, 2),
      bad("12.345", amount_error::too_many_decimals, 2),
      good("1e2", 10000, 2),
      // signs
      bad("-1", amount_error::negative),
      good("-1", -100'000'000, 8, any),
      good("-0", 0),
      good("-0.000", 0),
      bad("-1.5e-8", amount_error::too_many_decimals, 8, any),  // 0.15 satoshi
      bad("-0.000000001", amount_error::too_many_decimals),     // the unit is checked before the sign
      // junk
      bad("", amount_error::empty),
      bad(" 1", amount_error::invalid_syntax),
      bad("1 ", amount_error::invalid_syntax),
      bad("abc", amount_error::invalid_syntax),
      bad(".", amount_error::invalid_syntax),
      bad("-", amount_error::invalid_syntax),
      bad("+", amount_error::invalid_syntax),
      bad("1..2", amount_error::invalid_syntax),
      bad("1.2.3", amount_error::invalid_syntax),
      bad("1e", amount_error::invalid_syntax),
      bad("1e+", amount_error::invalid_syntax),
      bad("e5", amount_error::invalid_syntax),
      bad(".e5", amount_error::invalid_syntax),
      bad("NaN", amount_error::invalid_syntax),
      bad("Infinity", amount_error::invalid_syntax),
      bad("inf", amount_error::invalid_syntax),
      bad("!", amount_error::invalid_syntax),
      bad("1_000", amount_error::invalid_syntax),
      bad("0x10", amount_error::invalid_syntax),
      bad("1,5", amount_error::invalid_syntax),
      bad("--1", amount_error::invalid_syntax),
      bad("+-1", amount_error::invalid_syntax),
      bad("1e5.5", amount_error::invalid_syntax),
      bad("\xef\xbc\x91", amount_error::invalid_syntax),
  };
  std::size_t checked = 0;
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("amount '" << c.text << "' with " << c.decimals << " decimals") {
      auto r = try_parse_amount(c.text, c.decimals, c.sign);
      if (c.ok) {
        BOOST_TEST_REQUIRE(r.has_value());
        BOOST_TEST(*r == c.units);
      } else {
        BOOST_TEST_REQUIRE(r.has_error());
        BOOST_TEST(r.error() == c.error);
      }
    }
    ++checked;
  }
  BOOST_TEST(checked == cases.size());
  // An embedded NUL is junk, not the end of the text.
  BOOST_TEST(try_parse_amount(std::string_view("1\0", 2), 8).error() == amount_error::invalid_syntax);
}

BOOST_AUTO_TEST_CASE(format_cases) {
  BOOST_TEST(format_amount(0, 8) == "0");
  BOOST_TEST(format_amount(1, 8) == "0.00000001");
  BOOST_TEST(format_amount(100'000'000, 8) == "1");
  BOOST_TEST(format_amount(150'000'000, 8) == "1.5");
  BOOST_TEST(format_amount(151'000'000, 8) == "1.51");
  BOOST_TEST(format_amount(1'000'000, 8) == "0.01");
  BOOST_TEST(format_amount(-50'000'000, 8) == "-0.5");
  BOOST_TEST(format_amount(-1, 8) == "-0.00000001");
  BOOST_TEST(format_amount(max, 8) == "92233720368.54775807");
  BOOST_TEST(format_amount(min, 8) == "-92233720368.54775808");
  BOOST_TEST(format_amount(5, 0) == "5");
  BOOST_TEST(format_amount(min, 0) == "-9223372036854775808");
  BOOST_TEST(format_amount(min, 18) == "-9.223372036854775808");
  BOOST_TEST(format_amount(1, 18) == "0.000000000000000001");
  BOOST_TEST(format_amount(150'000'000, 8, amount_style::fixed) == "1.50000000");
  BOOST_TEST(format_amount(0, 8, amount_style::fixed) == "0.00000000");
  BOOST_TEST(format_amount(-1, 2, amount_style::fixed) == "-0.01");
  BOOST_TEST(format_amount(7, 0, amount_style::fixed) == "7");
}

// Electrum's two ways of writing satoshis, held against Python itself (Debian's Electrum 4.3.4):
// str(Decimal(v) / COIN), which turns scientific below 1e-6, and format_satoshis.
BOOST_AUTO_TEST_CASE(decimal_and_satoshis_styles_match_python) {
  std::vector<std::int64_t> values = {0,    1,           9,           10,          12,
                                      99,   100,         101,         110,         999,
                                      1000, 150'000'000, 100'000'000, 151'000'000, 123'456'789'012,
                                      -1,   -5,          -99,         -100,        -150'000'000,
                                      max,  min + 1};
  for (std::int64_t v = 7, i = 0; i < 16; ++i, v = v * 13 + 5) values.push_back(i % 2 ? v : -v);
  std::string list;
  for (auto v : values) list += (list.empty() ? "" : ",") + std::to_string(v);
  const std::string command =
      "/usr/bin/python3 -c \"from decimal import Decimal\nfrom electrum.util import format_satoshis\nfor v in [" +
      list + "]: print(str(Decimal(v) / Decimal(100000000)), format_satoshis(v))\"";
  FILE* pipe = ::popen(command.c_str(), "r");
  BOOST_TEST_REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  BOOST_TEST_REQUIRE(::pclose(pipe) == 0, "python3-electrum is needed (ci/setup installs it)");
  std::size_t at = 0;
  for (auto v : values) {
    const std::size_t space = out.find(' ', at), end = out.find('\n', at);
    BOOST_TEST_REQUIRE(end != std::string::npos);
    BOOST_TEST(format_amount(v, 8, amount_style::decimal) == out.substr(at, space - at), v);
    BOOST_TEST(format_amount(v, 8, amount_style::satoshis) == out.substr(space + 1, end - space - 1), v);
    at = end + 1;
  }
}

BOOST_AUTO_TEST_CASE(round_trip_every_decimals) {
  const std::int64_t values[] = {0,   1,   -1,          9,           10,
                                 99,  100, 123'456'789, 100'000'000, -100'000'000,
                                 max, min, max - 1,     min + 1,     1'000'000'000'000'000'000};
  std::size_t n = 0;
  for (unsigned d = 0; d <= max_amount_decimals; ++d)
    for (std::int64_t v : values)
      for (auto style : {amount_style::trimmed, amount_style::fixed, amount_style::decimal, amount_style::satoshis}) {
        std::string text = format_amount(v, d, style);
        BOOST_TEST_CONTEXT(v << " with " << d << " decimals: " << text) {
          auto r = try_parse_amount(text, d, amount_sign::any);
          BOOST_TEST_REQUIRE(r.has_value());
          BOOST_TEST(*r == v);
        }
        ++n;
      }
  BOOST_TEST(n == 19u * std::size(values) * 4);
}

BOOST_AUTO_TEST_CASE(errors_and_throwing_overload) {
  BOOST_TEST(make_error_code(amount_error::too_many_decimals).category().name() == std::string("coinkit.core.amount"));
  BOOST_TEST(make_error_code(amount_error::empty).message() == "empty amount");
  BOOST_TEST(make_error_code(amount_error::invalid_syntax).message() == "amount is not a decimal number");
  BOOST_TEST(make_error_code(amount_error::too_many_decimals).message() ==
             "amount has more decimal places than the coin's unit");
  BOOST_TEST(make_error_code(amount_error::out_of_range).message() == "amount is out of range");
  BOOST_TEST(make_error_code(amount_error::negative).message() == "amount must not be negative");
  BOOST_TEST(parse_amount("0.5", 8) == 50'000'000);
  BOOST_CHECK_EXCEPTION(parse_amount("0.5.", 8), system_error, [](const system_error& e) {
    return e.code() == amount_error::invalid_syntax && std::string(e.what()).starts_with("amount");
  });
  BOOST_TEST((Amount{5} < Amount{6}));
  BOOST_TEST((Amount{5} == Amount{5}));
}

BOOST_AUTO_TEST_SUITE_END()
