// Tests rpc/method_table.hpp with rpc/bitcart.hpp: lookup, overrides, binding as Python binds,
// every conversion and its error text, results, help and the method list.
#include <coinkit/rpc/method_table.hpp>

#include <coinkit/rpc/bitcart.hpp>
#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "run.hpp"

using namespace coinkit;
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

template <class Derived>
class Base {
 public:
  std::string version() const { return "base"; }
  std::string who(const rpc::Call& call) { return std::string(call.method.name) + ":" + call.wallet().key(); }
  static constexpr auto rpc_methods() {
    return rpc::methods(
        rpc::method<&Base::version>("version", rpc::no_flags, "The version."),
        rpc::method<&Base::who>("who", rpc::requires_wallet | rpc::requires_network, "The method and wallet."));
  }
};

class Types : public Base<Types> {
 public:
  std::string str(std::string v) { return v; }
  std::string sv(std::string_view v) { return std::string(v); }
  bool flag(bool v) { return v; }
  std::int32_t i32(std::int32_t v) { return v; }
  std::uint8_t u8(std::uint8_t v) { return v; }
  std::int64_t i64(std::int64_t v) { return v; }
  std::uint64_t u64(std::uint64_t v) { return v; }
  double real(double v) { return v; }
  Amount amt(Amount v) { return v; }
  std::optional<std::string> opt(std::optional<std::string> v) { return v; }
  std::optional<Amount> optamt(std::optional<Amount> v) { return v; }
  json::value any(json::value v) { return v; }
  json::object obj(json::object v) { return v; }
  json::array arr(json::array v) { return v; }
  std::vector<std::string> vec(std::vector<std::string> v) { return v; }
  json::object three(std::string a, std::int64_t b, bool c) { return {{"a", a}, {"b", b}, {"c", c}}; }
  std::string req3(std::string a, std::string b, std::string c) { return a + b + c; }
  std::string one(std::string a) { return a; }
  void nothing() { ++calls; }
  result<int> res(bool fail) {
    if (fail) return make_error_code(core::error::truncated);
    return 7;
  }
  result<void> res_void(bool fail) {
    if (fail) return make_error_code(core::error::odd_hex_length);
    return {};
  }
  asio::awaitable<std::int64_t> co(std::int64_t v) { co_return v * 2; }
  asio::awaitable<void> co_void() {
    ++calls;
    co_return;
  }
  asio::awaitable<std::string> co_throw() {
    throw rpc::fault_error("from a coroutine", -5);
    co_return "";
  }
  std::string thrower(std::int64_t code) {
    if (code == 0) throw std::runtime_error("Exception: plain");
    if (code == 1) throw 42;
    throw rpc::fault_error("Exception: coded", static_cast<int>(code));
  }
  std::string version() const { return "types"; }  // hides Base::version, overrides its entry
  std::string defaults(std::string s, std::optional<std::int64_t> n, Amount a, json::value v, double d) {
    return s + "|" + (n ? std::to_string(*n) : "none") + "|" + format_amount(a.units, 8) + "|" + rpc::to_json_text(v) +
           "|" + rpc::to_json_text(d);
  }

  int calls = 0;

  static constexpr auto rpc_methods() {
    using rpc::arg;
    using rpc::no_flags;
    return rpc::extend(
        Base::rpc_methods(), rpc::method<&Types::str>("str", no_flags, "", arg("v")),
        rpc::method<&Types::sv>("sv", no_flags, "", arg("v")),
        rpc::method<&Types::flag>("flag", no_flags, "", arg("v")),
        rpc::method<&Types::i32>("i32", no_flags, "", arg("v")), rpc::method<&Types::u8>("u8", no_flags, "", arg("v")),
        rpc::method<&Types::i64>("i64", no_flags, "", arg("v")),
        rpc::method<&Types::u64>("u64", no_flags, "", arg("v")),
        rpc::method<&Types::real>("real", no_flags, "", arg("v")),
        rpc::method<&Types::amt>("amt", no_flags, "", arg("v")),
        rpc::method<&Types::opt>("opt", no_flags, "", arg("v", std::nullopt)),
        rpc::method<&Types::optamt>("optamt", no_flags, "", arg("v")),
        rpc::method<&Types::any>("any", no_flags, "", arg("v")),
        rpc::method<&Types::obj>("obj", no_flags, "", arg("v")),
        rpc::method<&Types::arr>("arr", no_flags, "", arg("v")),
        rpc::method<&Types::vec>("vec", no_flags, "", arg("v")),
        rpc::method<&Types::three>("three", no_flags, "Three params.", arg("a"), arg("b", 2), arg("c", false)),
        rpc::method<&Types::req3>("req3", no_flags, "", arg("a"), arg("b"), arg("c")),
        rpc::method<&Types::one>("one", no_flags, "", arg("a")), rpc::method<&Types::nothing>("nothing", no_flags, ""),
        rpc::method<&Types::res>("res", no_flags, "", arg("fail")),
        rpc::method<&Types::res_void>("res_void", no_flags, "", arg("fail")),
        rpc::method<&Types::co>("co", no_flags, "", arg("v")), rpc::method<&Types::co_void>("co_void", no_flags, ""),
        rpc::method<&Types::co_throw>("co_throw", no_flags, ""),
        rpc::method<&Types::thrower>("thrower", no_flags, "", arg("code")),
        rpc::method<&Types::version>("version", no_flags, "The derived version."),
        rpc::method<&Types::defaults>("defaults", no_flags, "All defaults.", arg("s", "x"), arg("n", std::nullopt),
                                      arg("a", Amount{150'000'000}), arg("v", nullptr), arg("d", 0.5)));
  }
};

using Table = rpc::MethodTable<Types>;

static_assert(Table::size == 29);
static_assert(Table::unique_size == 28);  // "version" twice
static_assert(Table::infos[0].name == "version" && Table::infos[27].name == "version");
static_assert(Table::infos[1].requires_wallet() && Table::infos[1].requires_network());
static_assert(Table::infos[17].params.size() == 3 && !Table::infos[17].params[1].required);
static_assert(Table::infos[17].params[1].kind == rpc::JsonKind::number);  // from the C++ parameter
static_assert(Table::infos[17].params[0].kind == rpc::JsonKind::string);

struct Invoked {
  std::string result;  // Python-style JSON text of the result, or empty
  std::string fault;   // the fault message, or empty
  int code = 0;
};

Invoked invoke(Types& t, std::string_view body, unsigned decimals = 8, std::string_view owner = "Commands.") {
  rpc::Request r = rpc::try_parse_request(body).value();
  const rpc::MethodInfo* m = Table::find(r.method);
  BOOST_TEST_REQUIRE(m != nullptr);
  const rpc::Call call{r, *m, decimals};
  const rpc::Bitcart dialect{.envelope = {}, .null_is_absent = false, .amount_decimals = decimals, .owner = owner};
  const rpc::Params params{{r.args.data(), r.args.size()}, &r.kwargs};
  std::string out = "<";
  const std::optional<rpc::Fault> f = test::run_awaitable(Table::call_async(t, *m, params, dialect, out, call));
  if (f) {
    BOOST_TEST(out == "<");  // nothing written on a fault
    return {"", f->message, f->code};
  }
  return {out.substr(1), "", 0};
}

std::string ok(Types& t, std::string_view body, unsigned decimals = 8) {
  Invoked i = invoke(t, body, decimals);
  BOOST_TEST(i.fault.empty(), body << " failed: " << i.fault);
  return i.result;
}

std::string fails(Types& t, std::string_view body) {
  Invoked i = invoke(t, body);
  BOOST_TEST(i.result.empty(), body << " succeeded: " << i.result);
  return i.fault;
}

std::string body(std::string_view method, std::string_view params) {
  return R"({"id":1,"method":")" + std::string(method) + R"(","params":)" + std::string(params) + "}";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(method_table_tests)

BOOST_AUTO_TEST_CASE(lookup_and_override) {
  std::size_t found = 0;
  for (const rpc::MethodInfo& m : Table::infos) {
    const rpc::MethodInfo* f = Table::find(m.name);
    BOOST_TEST_REQUIRE(f != nullptr);
    BOOST_TEST(f->name == m.name);
    ++found;
  }
  BOOST_TEST(found == Table::size);
  BOOST_TEST(Table::find("version")->index == 27u);  // the later entry wins
  BOOST_TEST(Table::find("version")->doc == "The derived version.");
  BOOST_TEST(!Table::is_coroutine_method(*Table::find("version")));
  BOOST_TEST(Table::is_coroutine_method(*Table::find("co")));
  for (auto name : {"", "VERSION", "versio", "versionx", "zzz", "a", " help"}) BOOST_TEST(!Table::find(name), name);
  Types t;
  BOOST_TEST(ok(t, body("version", "[]")) == R"("types")");
  BOOST_TEST(ok(t, R"({"method":"who","params":{"xpub":{"xpub":"K","contract":"C"}}})") == R"("who:K_C")");
}

BOOST_AUTO_TEST_CASE(names_help_describe) {
  const json::array names = rpc::method_names<Types>();
  BOOST_TEST(names.size() == 28u);
  for (std::size_t i = 1; i < names.size(); ++i) BOOST_TEST(names[i - 1].as_string() < names[i].as_string());
  BOOST_TEST(rpc::to_json_text(names).starts_with(R"(["amt", "any", "arr", "co", "co_throw", "co_void", "defaults",)"));
  BOOST_TEST(*rpc::help_text<Types>("three") == "usage: three a [b=2] [c=false]\n\nThree params.\n");
  BOOST_TEST(*rpc::help_text<Types>("nothing") == "usage: nothing\n");
  BOOST_TEST(*rpc::help_text<Types>("defaults") ==
             "usage: defaults [s=\"x\"] [n=null] [a=\"1.5\"] [v=null] [d=0.5]\n\nAll defaults.\n");
  BOOST_TEST(!rpc::help_text<Types>("nope"));
  BOOST_TEST(
      rpc::to_json_text(rpc::describe<Types>(*Table::find("who"))) ==
      R"({"name": "who", "params": [], "requires_wallet": true, "requires_network": true, "doc": "The method and wallet."})");
  BOOST_TEST(
      rpc::to_json_text(rpc::describe<Types>(*Table::find("three"))) ==
      R"({"name": "three", "params": [{"name": "a"}, {"name": "b", "default": 2}, {"name": "c", "default": false}], )"
      R"("requires_wallet": false, "requires_network": false, "doc": "Three params."})");
  // Amount defaults follow the call's decimals.
  rpc::Bitcart two_decimals;
  two_decimals.amount_decimals = 2;
  BOOST_TEST(
      rpc::to_json_text(rpc::describe<Types>(*Table::find("defaults"), two_decimals)).find(R"("default": "1500000")") !=
      std::string::npos);
  BOOST_TEST(rpc::describe_all<Types>().size() == 28u);
}

BOOST_AUTO_TEST_CASE(binding_positional_named_mixed) {
  Types t;
  BOOST_TEST(ok(t, body("three", R"(["x"])")) == R"({"a": "x", "b": 2, "c": false})");
  BOOST_TEST(ok(t, body("three", R"(["x", 5, true])")) == R"({"a": "x", "b": 5, "c": true})");
  BOOST_TEST(ok(t, body("three", R"({"c": true, "a": "y"})")) == R"({"a": "y", "b": 2, "c": true})");
  BOOST_TEST(ok(t, body("three", R"(["x", {"c": true}])")) == R"({"a": "x", "b": 2, "c": true})");
  BOOST_TEST(ok(t, body("three", R"(["x", 3, {"c": true, "xpub": "K"}])")) == R"({"a": "x", "b": 3, "c": true})");
  BOOST_TEST(ok(t, body("three", R"(["x", {}])")) == R"({"a": "x", "b": 2, "c": false})");
  BOOST_TEST(ok(t, body("defaults", "[]")) == R"("x|none|1.5|null|0.5")");
  BOOST_TEST(ok(t, body("defaults", R"({"n": 4, "a": "2", "v": [1]})")) == R"("x|4|2|[1]|0.5")");
}

BOOST_AUTO_TEST_CASE(binding_errors_python_wording) {
  Types t;
  const std::string p = "TypeError: Commands.";
  // unknown and duplicate named arguments come first (CPython's order of checks)
  BOOST_TEST(fails(t, body("three", R"({"foo": 1})")) == p + "three() got an unexpected keyword argument 'foo'");
  BOOST_TEST(fails(t, body("three", R"(["x", 1, true, 4, {"foo": 1}])")) ==
             p + "three() got an unexpected keyword argument 'foo'");
  BOOST_TEST(fails(t, body("three", R"(["x", {"a": "y"}])")) == p + "three() got multiple values for argument 'a'");
  // then too many positional arguments
  BOOST_TEST(fails(t, body("three", R"(["x", 1, true, 4])")) ==
             p + "three() takes from 1 to 3 positional arguments but 4 were given");
  BOOST_TEST(fails(t, body("req3", R"(["a", "b", "c", "d"])")) ==
             p + "req3() takes 3 positional arguments but 4 were given");
  BOOST_TEST(fails(t, body("one", R"(["a", "b"])")) == p + "one() takes 1 positional argument but 2 were given");
  BOOST_TEST(fails(t, body("nothing", R"([1])")) == p + "nothing() takes 0 positional arguments but 1 was given");
  BOOST_TEST(fails(t, body("opt", R"([1, 2])")) == p + "opt() takes from 0 to 1 positional arguments but 2 were given");
  // then missing ones
  BOOST_TEST(fails(t, body("one", "[]")) == p + "one() missing 1 required positional argument: 'a'");
  BOOST_TEST(fails(t, body("req3", R"({"b": "1"})")) ==
             p + "req3() missing 2 required positional arguments: 'a' and 'c'");
  BOOST_TEST(fails(t, body("req3", "[]")) == p + "req3() missing 3 required positional arguments: 'a', 'b', and 'c'");
  BOOST_TEST(fails(t, body("three", R"({"b": 1})")) == p + "three() missing 1 required positional argument: 'a'");
  // a method not called on a binding error
  BOOST_TEST(fails(t, body("nothing", R"({"x": 1})")) == p + "nothing() got an unexpected keyword argument 'x'");
  BOOST_TEST(t.calls == 0);
  // The owner prefix is an option.
  BOOST_TEST(invoke(t, body("one", "[]"), 8, "Daemon.").fault ==
             "TypeError: Daemon.one() missing 1 required positional argument: 'a'");
}

BOOST_AUTO_TEST_CASE(conversions) {
  Types t;
  const std::string p = "TypeError: Commands.";
  BOOST_TEST(ok(t, body("str", R"(["caf\u00e9"])")) == R"("caf\u00e9")");
  BOOST_TEST(fails(t, body("str", "[1]")) == p + "str() argument 'v' must be str, not int");
  BOOST_TEST(fails(t, body("str", "[null]")) == p + "str() argument 'v' must be str, not NoneType");
  BOOST_TEST(ok(t, body("sv", R"(["view"])")) == R"("view")");
  BOOST_TEST(fails(t, body("sv", "[[]]")) == p + "sv() argument 'v' must be str, not list");
  BOOST_TEST(ok(t, body("flag", "[true]")) == "true");
  BOOST_TEST(fails(t, body("flag", "[1]")) == p + "flag() argument 'v' must be bool, not int");
  BOOST_TEST(fails(t, body("flag", R"(["true"])")) == p + "flag() argument 'v' must be bool, not str");
  // integers: range-checked, no floats or strings
  BOOST_TEST(ok(t, body("i32", "[-2147483648]")) == "-2147483648");
  BOOST_TEST(ok(t, body("i32", "[2147483647]")) == "2147483647");
  BOOST_TEST(fails(t, body("i32", "[2147483648]")) == "OverflowError: Commands.i32() argument 'v' is out of range");
  BOOST_TEST(fails(t, body("i32", "[-2147483649]")) == "OverflowError: Commands.i32() argument 'v' is out of range");
  BOOST_TEST(ok(t, body("u8", "[255]")) == "255");
  BOOST_TEST(fails(t, body("u8", "[256]")) == "OverflowError: Commands.u8() argument 'v' is out of range");
  BOOST_TEST(fails(t, body("u8", "[-1]")) == "OverflowError: Commands.u8() argument 'v' is out of range");
  BOOST_TEST(ok(t, body("i64", "[-9223372036854775808]")) == "-9223372036854775808");
  BOOST_TEST(fails(t, body("i64", "[9223372036854775808]")) ==
             "OverflowError: Commands.i64() argument 'v' is out of range");
  BOOST_TEST(ok(t, body("u64", "[18446744073709551615]")) == "18446744073709551615");
  BOOST_TEST(fails(t, body("u64", "[-1]")) == "OverflowError: Commands.u64() argument 'v' is out of range");
  BOOST_TEST(fails(t, body("i64", "[2.0]")) == p + "i64() argument 'v' must be int, not float");
  BOOST_TEST(fails(t, body("i64", R"(["2"])")) == p + "i64() argument 'v' must be int, not str");
  BOOST_TEST(fails(t, body("i64", "[true]")) == p + "i64() argument 'v' must be int, not bool");
  BOOST_TEST(ok(t, body("real", "[2]")) == "2.0");
  BOOST_TEST(ok(t, body("real", "[0.1]")) == "0.1");
  BOOST_TEST(fails(t, body("real", R"(["0.1"])")) == p + "real() argument 'v' must be float, not str");
  // optional
  BOOST_TEST(ok(t, body("opt", "[]")) == "null");
  BOOST_TEST(ok(t, body("opt", "[null]")) == "null");
  BOOST_TEST(ok(t, body("opt", R"(["s"])")) == R"("s")");
  BOOST_TEST(fails(t, body("opt", "[1]")) == p + "opt() argument 'v' must be str or None, not int");
  // JSON passthrough and kinds
  BOOST_TEST(ok(t, body("any", R"([{"k": [1, 2.5, null]}, {}])")) == R"({"k": [1, 2.5, null]})");
  BOOST_TEST(ok(t, body("obj", R"([{"k": 1}, {}])")) == R"({"k": 1})");
  BOOST_TEST(fails(t, body("obj", "[[1]]")) == p + "obj() argument 'v' must be dict, not list");
  BOOST_TEST(ok(t, body("arr", "[[1, \"a\"]]")) == R"([1, "a"])");
  BOOST_TEST(fails(t, body("arr", R"({"v": {}})")) == p + "arr() argument 'v' must be list, not dict");
  // other types through json::value_to
  BOOST_TEST(ok(t, body("vec", R"([["a", "b"]])")) == R"(["a", "b"])");
  BOOST_TEST(fails(t, body("vec", "[[1]]")).starts_with(p + "vec() argument 'v' could not be converted: "));
}

BOOST_AUTO_TEST_CASE(amount_conversions) {
  Types t;
  // strings and numbers, exact; results as trimmed decimal strings
  BOOST_TEST(ok(t, body("amt", R"(["0.01"])")) == R"("0.01")");
  BOOST_TEST(ok(t, body("amt", "[0.01]")) == R"("0.01")");  // Bitcart's add_request [0.01, ...]
  BOOST_TEST(ok(t, body("amt", "[0.1]")) == R"("0.1")");
  BOOST_TEST(ok(t, body("amt", "[1e-8]")) == R"("0.00000001")");
  BOOST_TEST(ok(t, body("amt", "[3]")) == R"("3")");
  BOOST_TEST(ok(t, body("amt", R"(["1e-8"])")) == R"("0.00000001")");
  BOOST_TEST(ok(t, body("amt", R"(["92233720368.54775807"])")) == R"("92233720368.54775807")");
  BOOST_TEST(ok(t, body("amt", "[92233720368]")) == R"("92233720368")");
  BOOST_TEST(ok(t, body("amt", "[0.3]"), 2) == R"("0.3")");  // another coin's decimals
  BOOST_TEST(ok(t, body("amt", R"(["12.34"])"), 2) == R"("12.34")");
  // errors: Bitcart's texts where it has one
  BOOST_TEST(fails(t, body("amt", R"(["abc"])")) == "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]");
  BOOST_TEST(fails(t, body("amt", R"([""])")) == "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]");
  BOOST_TEST(fails(t, body("amt", R"(["!"])")) == "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]");
  BOOST_TEST(fails(t, body("amt", "[null]")) == "TypeError: conversion from NoneType to Decimal is not supported");
  BOOST_TEST(fails(t, body("amt", "[true]")) == "TypeError: conversion from bool to Decimal is not supported");
  BOOST_TEST(fails(t, body("amt", "[[1]]")) == "TypeError: conversion from list to Decimal is not supported");
  BOOST_TEST(fails(t, body("amt", R"([{"a": 1}, {}])")) ==
             "TypeError: conversion from dict to Decimal is not supported");
  BOOST_TEST(fails(t, body("amt", R"(["0.000000001"])")) ==
             "ValueError: Commands.amt() argument 'v' has more than 8 decimal places");
  BOOST_TEST(fails(t, body("amt", "[1e-9]")) ==
             "ValueError: Commands.amt() argument 'v' has more than 8 decimal places");
  BOOST_TEST(fails(t, body("amt", R"(["92233720368.54775808"])")) ==
             "OverflowError: Commands.amt() argument 'v' is out of range");
  BOOST_TEST(fails(t, body("amt", "[92233720369]")) == "OverflowError: Commands.amt() argument 'v' is out of range");
  BOOST_TEST(fails(t, body("amt", "[18446744073709551615]")) ==
             "OverflowError: Commands.amt() argument 'v' is out of range");
  BOOST_TEST(fails(t, body("amt", "[1e300]")) == "OverflowError: Commands.amt() argument 'v' is out of range");
  BOOST_TEST(fails(t, body("amt", R"(["-1"])")) == "ValueError: Commands.amt() argument 'v' must not be negative");
  BOOST_TEST(fails(t, body("amt", "[-0.5]")) == "ValueError: Commands.amt() argument 'v' must not be negative");
  BOOST_TEST(ok(t, body("optamt", "[null]")) == "null");
  BOOST_TEST(ok(t, body("optamt", R"(["1.5"])")) == R"("1.5")");
  BOOST_TEST(fails(t, body("optamt", R"(["x"])")) == "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]");
}

BOOST_AUTO_TEST_CASE(results_and_faults) {
  Types t;
  BOOST_TEST(ok(t, body("nothing", "[]")) == "null");
  BOOST_TEST(t.calls == 1);
  BOOST_TEST(ok(t, body("res", "[false]")) == "7");
  Invoked i = invoke(t, body("res", "[true]"));
  BOOST_TEST(i.fault == "unexpected end of input");
  BOOST_TEST(i.code == 0);
  BOOST_TEST(ok(t, body("res_void", "[false]")) == "null");
  BOOST_TEST(fails(t, body("res_void", "[true]")) == "hex string has an odd length");
  BOOST_TEST(ok(t, body("co", "[21]")) == "42");
  BOOST_TEST(ok(t, body("co_void", "[]")) == "null");
  BOOST_TEST(t.calls == 2);
  i = invoke(t, body("co_throw", "[]"));
  BOOST_TEST(i.fault == "from a coroutine");
  BOOST_TEST(i.code == -5);
  i = invoke(t, body("thrower", "[0]"));
  BOOST_TEST(i.fault == "Exception: plain");
  BOOST_TEST(i.code == 0);
  i = invoke(t, body("thrower", "[1]"));
  BOOST_TEST(i.fault == "unknown exception");
  i = invoke(t, body("thrower", "[-32003]"));
  BOOST_TEST(i.fault == "Exception: coded");
  BOOST_TEST(i.code == -32003);
}

BOOST_AUTO_TEST_SUITE_END()
