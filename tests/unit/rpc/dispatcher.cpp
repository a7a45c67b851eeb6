// Tests rpc/dispatcher.hpp: request bodies in, reply bodies out, compared byte for byte with a
// real Bitcart daemon's replies (bitcart-wire-examples.md) where those show this layer.
#include <coinkit/rpc/dispatcher.hpp>

#include <boost/test/unit_test.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "run.hpp"

using namespace coinkit;
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

constexpr std::string_view vpub =
    "vpub5UbgU5E8jii87b3GxqvSrg47jMTv1DBJwUyTwtkDfTVXTcwp1FuM1r9LDxEWDPhEa4Q98SFr8QvA3yJMAqQpxKkWK3sYg8YR9oJopcBe8Eh";

// The CRTP base of a daemon: help and a method the derived daemon overrides.
template <class Derived>
class WalletBase {
 public:
  json::value help(std::optional<std::string> func) {
    if (!func) return rpc::method_names<Derived>();
    if (auto text = rpc::help_text<Derived>(*func)) return json::string(*text);
    throw rpc::fault_error("Procedure not found");
  }
  std::string version() const { return "base"; }
  static constexpr auto rpc_methods() {
    return rpc::methods(
        rpc::method<&WalletBase::help>("help", rpc::no_flags, "List the methods", rpc::arg("func", std::nullopt)),
        rpc::method<&WalletBase::version>("version", rpc::no_flags, "Base version"));
  }
};

// Bitcart's methods with canned answers, enough to replay the wire examples.
class Wallet : public WalletBase<Wallet> {
 public:
  std::vector<std::string> prepared;  // wallet keys rpc_prepare saw ("-" for none), with "+d" when diskless

  asio::awaitable<std::optional<rpc::Fault>> rpc_prepare(const rpc::Call& call) {
    const rpc::WalletSelector& w = call.wallet();
    prepared.push_back(w.present() ? w.key() + (w.diskless() ? "+d" : "") : "-");
    if (w.present() && (w.xpub.starts_with("xpubNOTVALID") || w.xpub.starts_with("zpub")))
      co_return rpc::Fault{0, "Exception: Seed or key not recognized"};
    if (w.xpub == "throws") throw std::runtime_error("wallet not loaded: storage is locked");
    co_return std::nullopt;
  }

  json::object getbalance(const rpc::Call& call) {
    if (call.wallet().diskless()) return {{"confirmed", "1.51"}};
    return {{"confirmed", "1.5"}, {"unconfirmed", "0.01"}};
  }
  json::object add_request(const rpc::Call& call, Amount amount, std::string memo, std::int64_t expiration,
                           bool force) {
    return {{"amount_BTC", format_amount(amount.units, call.amount_decimals)},
            {"message", memo},
            {"expiration", expiration},
            {"force", force},
            {"amount_sat", amount.units}};
  }
  json::object get_request(const rpc::Call&, std::string request_id) {
    if (request_id != "49e8823621") throw rpc::fault_error("Exception: Request not found");
    return {{"request_id", request_id}, {"status", 3}};
  }
  asio::awaitable<json::object> getaddressbalance(std::string address) {
    if (address == "notanaddress")
      throw std::runtime_error("electrum.util.BitcoinException: invalid bitcoin address: notanaddress");
    co_return json::object{{"confirmed", "0.01"}, {"unconfirmed", "0"}};
  }
  std::optional<std::int64_t> recommended_fee(std::int64_t target) {
    (void)target;
    return std::nullopt;
  }
  std::string make_seed(std::int64_t nbits, std::string language, std::string seed_type) {
    return std::to_string(nbits) + " " + language + " " + seed_type;
  }
  std::string modifypaymenturl(std::string url, Amount amount, std::optional<std::int64_t> divisibility) {
    (void)divisibility;
    return url.substr(0, url.find('?')) + "?amount=" + format_amount(amount.units, 8);
  }
  std::string version() const { return "derived"; }
  std::string unicode() const { return "caf\xc3\xa9 \xf0\x9f\x98\x80"; }

  static constexpr auto rpc_methods() {
    using rpc::arg;
    return rpc::extend(
        WalletBase::rpc_methods(),
        rpc::method<&Wallet::getbalance>("getbalance", rpc::requires_wallet, "Wallet balance"),
        rpc::method<&Wallet::add_request>("add_request", rpc::requires_wallet, "Create a payment request",
                                          arg("amount"), arg("memo", ""), arg("expiration", 3600), arg("force", false)),
        rpc::method<&Wallet::get_request>("get_request", rpc::requires_wallet, "A payment request", arg("request_id")),
        rpc::method<&Wallet::getaddressbalance>("getaddressbalance", rpc::requires_network, "Address balance",
                                                arg("address")),
        rpc::method<&Wallet::recommended_fee>("recommended_fee", rpc::requires_network, "Fee", arg("target")),
        rpc::method<&Wallet::make_seed>("make_seed", rpc::no_flags, "A seed", arg("nbits", 132), arg("language", "en"),
                                        arg("seed_type", "segwit")),
        rpc::method<&Wallet::modifypaymenturl>("modifypaymenturl", rpc::no_flags, "Set the amount", arg("url"),
                                               arg("amount"), arg("divisibility", std::nullopt)),
        rpc::method<&Wallet::version>("version", rpc::no_flags, "Derived version"),
        rpc::method<&Wallet::unicode>("unicode", rpc::no_flags, "Non-ASCII text"));
  }
};

const rpc::Spec& btc_spec() {
  static const rpc::Spec spec = rpc::Spec::load(rpc::Spec::find_dir(), "btc");
  return spec;
}

std::string dispatch(Wallet& w, std::string_view body) {
  rpc::DispatchOptions options;
  options.spec = &btc_spec();
  return test::run_awaitable(rpc::dispatch(w, body, options));
}

std::string with_xpub(std::string_view text) {
  std::string s(text);
  for (std::size_t p; (p = s.find("VPUB")) != std::string::npos;) s.replace(p, 4, vpub);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dispatcher_tests)

// Each pair: a request of the wire examples and Bitcart's reply, both verbatim ("VPUB" stands
// for the example wallet's vpub).
BOOST_AUTO_TEST_CASE(wire_examples) {
  struct Exchange {
    std::string_view request, reply;
  };
  const Exchange exchanges[] = {
      {R"({"jsonrpc":"2.0","id":27,"method":"no_such_method","params":[]})",
       R"({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Procedure not found"}, "id": 27})"},
      {R"({"jsonrpc":"2.0","id":28,"params":[]})",
       R"({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Procedure not found"}, "id": 28})"},
      {R"({"jsonrpc":"2.0","id":22,"method":"history","params":{"xpub":"VPUB"}})",
       R"({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Procedure not found"}, "id": 22})"},
      {R"({"jsonrpc":"2.0","id":31,"method":"getbalance","params":[]})",
       R"({"jsonrpc": "2.0", "error": {"code": -32000, "message": "Wallet not loaded"}, "id": 31})"},
      {R"({"jsonrpc":"2.0","id":32,"method":"add_request","params":[0.01]})",
       R"({"jsonrpc": "2.0", "error": {"code": -32000, "message": "Wallet not loaded"}, "id": 32})"},
      {R"({"jsonrpc":"2.0","id":33,"method":"getbalance","params":{"xpub":"xpubNOTVALID"}})",
       R"({"jsonrpc": "2.0", "error": {"code": -32005, "message": "Exception: Seed or key not recognized"}, "id": 33})"},
      {R"({"jsonrpc":"2.0","id":34,"method":"getbalance","params":{"xpub":"zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs"}})",
       R"({"jsonrpc": "2.0", "error": {"code": -32005, "message": "Exception: Seed or key not recognized"}, "id": 34})"},
      {R"({"jsonrpc":"2.0","id":35,"method":"add_request","params":{"amount":"abc","xpub":"VPUB"}})",
       R"({"jsonrpc": "2.0", "error": {"code": -32603, "message": "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]"}, "id": 35})"},
      {R"({"jsonrpc":"2.0","id":36,"method":"getbalance","params":{"foo":1,"xpub":"VPUB"}})",
       R"({"jsonrpc": "2.0", "error": {"code": -32603, "message": "TypeError: Commands.getbalance() got an unexpected keyword argument 'foo'"}, "id": 36})"},
      {R"({"jsonrpc":"2.0","id":16,"method":"get_request","params":{"key":"49e8823621","xpub":"VPUB"}})",
       R"({"jsonrpc": "2.0", "error": {"code": -32603, "message": "TypeError: Commands.get_request() got an unexpected keyword argument 'key'"}, "id": 16})"},
      {R"({"jsonrpc":"2.0","id":26,"method":"get_request","params":["deadbeef00",{"xpub":"VPUB"}]})",
       R"({"jsonrpc": "2.0", "error": {"code": -32003, "message": "Exception: Request not found"}, "id": 26})"},
      {R"({"jsonrpc":"2.0","id":37,"method":"getaddressbalance","params":["notanaddress"]})",
       R"({"jsonrpc": "2.0", "error": {"code": -32004, "message": "electrum.util.BitcoinException: invalid bitcoin address: notanaddress"}, "id": 37})"},
      {R"({"jsonrpc":"2.0","id":20,"method":"getaddressbalance","params":["bcrt1qxs5nctwlxvcsqk0qavpq7kf0ayxf6fmgnwfwky"]})",
       R"({"jsonrpc": "2.0", "result": {"confirmed": "0.01", "unconfirmed": "0"}, "id": 20})"},
      {R"({"jsonrpc":"2.0","id":44,"method":"recommended_fee","params":[2]})",
       R"({"jsonrpc": "2.0", "result": null, "id": 44})"},
      {R"({"jsonrpc":"2.0","id":15,"method":"getbalance","params":{"xpub":"VPUB"}})",
       R"({"jsonrpc": "2.0", "result": {"confirmed": "1.5", "unconfirmed": "0.01"}, "id": 15})"},
      {R"({"jsonrpc":"2.0","id":52,"method":"getbalance","params":{"xpub":{"xpub":"VPUB","diskless":true}}})",
       R"({"jsonrpc": "2.0", "result": {"confirmed": "1.51"}, "id": 52})"},
      {R"({"jsonrpc":"2.0","id":47,"method":"modifypaymenturl","params":["bitcoin:bcrt1qxs5nctwlxvcsqk0qavpq7kf0ayxf6fmgnwfwky?amount=0.01","0.5"]})",
       R"({"jsonrpc": "2.0", "result": "bitcoin:bcrt1qxs5nctwlxvcsqk0qavpq7kf0ayxf6fmgnwfwky?amount=0.5", "id": 47})"},
      {R"({"jsonrpc":"2.0","id":25,"method":"get_request","params":{"request_id":"49e8823621","xpub":"VPUB"}})",
       R"({"jsonrpc": "2.0", "result": {"request_id": "49e8823621", "status": 3}, "id": 25})"},
      {R"({"jsonrpc":"2.0","method":"get_request","params":["49e8823621",{"xpub":"VPUB"}]})",
       R"({"jsonrpc": "2.0", "result": {"request_id": "49e8823621", "status": 3}, "id": null})"},
  };
  Wallet w;
  std::size_t n = 0;
  for (const Exchange& e : exchanges) {
    const std::string request = with_xpub(e.request);
    BOOST_TEST(dispatch(w, request) == e.reply, request);
    ++n;
  }
  BOOST_TEST(n == std::size(exchanges));
  // The wallet is prepared (loaded) only for known methods that got past the wallet check.
  BOOST_TEST(w.prepared.size() == 14u);
  BOOST_TEST(w.prepared[0] == "xpubNOTVALID");
  BOOST_TEST(w.prepared[6] == "-");
  BOOST_TEST(w.prepared[10] == std::string(vpub) + "+d");
}

BOOST_AUTO_TEST_CASE(params_positional_named_mixed) {
  Wallet w;
  const std::string positional =
      dispatch(w, with_xpub(R"({"id":12,"method":"add_request","params":[0.01,"order 42",{"xpub":"VPUB"}]})"));
  BOOST_TEST(
      positional ==
      R"({"jsonrpc": "2.0", "result": {"amount_BTC": "0.01", "message": "order 42", "expiration": 3600, "force": false, "amount_sat": 1000000}, "id": 12})");
  const std::string named = dispatch(
      w,
      with_xpub(
          R"({"id":13,"method":"add_request","params":{"amount":"0.002","memo":"named","expiration":900,"xpub":"VPUB"}})"));
  BOOST_TEST(
      named ==
      R"({"jsonrpc": "2.0", "result": {"amount_BTC": "0.002", "message": "named", "expiration": 900, "force": false, "amount_sat": 200000}, "id": 13})");
  const std::string mixed =
      dispatch(w, with_xpub(R"({"id":"m","method":"add_request","params":["1e-8",{"force":true,"xpub":"VPUB"}]})"));
  BOOST_TEST(
      mixed ==
      R"({"jsonrpc": "2.0", "result": {"amount_BTC": "0.00000001", "message": "", "expiration": 3600, "force": true, "amount_sat": 1}, "id": "m"})");
  BOOST_TEST(
      dispatch(w, R"({"id":8,"method":"make_seed","params":{"nbits":132,"language":"en","seed_type":"segwit"}})") ==
      R"({"jsonrpc": "2.0", "result": "132 en segwit", "id": 8})");
  BOOST_TEST(dispatch(w, R"({"id":7,"method":"make_seed","params":[]})") ==
             R"({"jsonrpc": "2.0", "result": "132 en segwit", "id": 7})");
  BOOST_TEST(dispatch(w, R"({"id":7,"method":"make_seed"})") ==
             R"({"jsonrpc": "2.0", "result": "132 en segwit", "id": 7})");
  BOOST_TEST(dispatch(w, R"({"id":7,"method":"make_seed","params":null})") ==
             R"({"jsonrpc": "2.0", "result": "132 en segwit", "id": 7})");
}

BOOST_AUTO_TEST_CASE(envelope_errors) {
  Wallet w;
  const std::string parse_error =
      R"({"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null})";
  BOOST_TEST(dispatch(w, R"({"jsonrpc":"2.0",)") == parse_error);
  BOOST_TEST(dispatch(w, "") == parse_error);
  BOOST_TEST(dispatch(w, "\xff\xfe") == parse_error);
  const std::string invalid =
      R"({"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null})";
  BOOST_TEST(dispatch(w, R"([{"jsonrpc":"2.0","id":1,"method":"help","params":[]}])") == invalid);  // no batches
  BOOST_TEST(dispatch(w, "[]") == invalid);
  BOOST_TEST(dispatch(w, "1") == invalid);
  BOOST_TEST(dispatch(w, R"({"id":5,"method":"help","params":"x"})") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32602, "message": "Invalid params"}, "id": 5})");
  BOOST_TEST(
      dispatch(w, R"({"id":6,"method":"getbalance","params":{"xpub":7}})") ==
      R"({"jsonrpc": "2.0", "error": {"code": -32005, "message": "TypeError: xpub must be a string or an object"}, "id": 6})");
  BOOST_TEST(dispatch(w, R"({"id":6,"method":"nope","params":{"xpub":7}})") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Procedure not found"}, "id": 6})");
  // "" and null are no wallet
  BOOST_TEST(dispatch(w, R"({"id":3,"method":"getbalance","params":{"xpub":""}})") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32000, "message": "Wallet not loaded"}, "id": 3})");
  BOOST_TEST(dispatch(w, R"({"id":3,"method":"getbalance","params":[{"xpub":null}]})") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32000, "message": "Wallet not loaded"}, "id": 3})");
  // A prepare hook that throws: its message through the spec (here "wallet not loaded"), else -32005.
  BOOST_TEST(
      dispatch(w, R"({"id":4,"method":"version","params":{"xpub":"throws"}})") ==
      R"({"jsonrpc": "2.0", "error": {"code": -32000, "message": "wallet not loaded: storage is locked"}, "id": 4})");
  // Wrong counts and types.
  BOOST_TEST(
      dispatch(w, R"({"id":9,"method":"recommended_fee","params":[]})") ==
      R"({"jsonrpc": "2.0", "error": {"code": -32603, "message": "TypeError: Commands.recommended_fee() missing 1 required positional argument: 'target'"}, "id": 9})");
  BOOST_TEST(
      dispatch(w, R"({"id":9,"method":"recommended_fee","params":[1, 2]})") ==
      R"({"jsonrpc": "2.0", "error": {"code": -32603, "message": "TypeError: Commands.recommended_fee() takes 1 positional argument but 2 were given"}, "id": 9})");
  BOOST_TEST(
      dispatch(w, R"({"id":9,"method":"recommended_fee","params":["2"]})") ==
      R"({"jsonrpc": "2.0", "error": {"code": -32603, "message": "TypeError: Commands.recommended_fee() argument 'target' must be int, not str"}, "id": 9})");
  BOOST_TEST(
      dispatch(w, R"({"id":9,"method":"modifypaymenturl","params":["u","0.000000001"]})") ==
      R"({"jsonrpc": "2.0", "error": {"code": -32603, "message": "ValueError: Commands.modifypaymenturl() argument 'amount' has more than 8 decimal places"}, "id": 9})");
  // Without a spec: the fallback codes.
  BOOST_TEST(test::run_awaitable(
                 rpc::dispatch(w, with_xpub(R"({"id":26,"method":"get_request","params":["x",{"xpub":"VPUB"}]})"))) ==
             R"({"jsonrpc": "2.0", "error": {"code": -32603, "message": "Exception: Request not found"}, "id": 26})");
}

BOOST_AUTO_TEST_CASE(help_and_override) {
  Wallet w;
  BOOST_TEST(
      dispatch(w, R"({"jsonrpc":"2.0","id":1,"method":"help","params":[]})") ==
      R"({"jsonrpc": "2.0", "result": ["add_request", "get_request", "getaddressbalance", "getbalance", "help", )"
      R"("make_seed", "modifypaymenturl", "recommended_fee", "unicode", "version"], "id": 1})");
  BOOST_TEST(
      dispatch(w, R"({"id":40,"method":"help","params":["add_request"]})") ==
      R"({"jsonrpc": "2.0", "result": "usage: add_request amount [memo=\"\"] [expiration=3600] [force=false]\n\nCreate a payment request\n", "id": 40})");
  BOOST_TEST(dispatch(w, R"({"id":41,"method":"help","params":["nope"]})") ==
             R"({"jsonrpc": "2.0", "error": {"code": -32601, "message": "Procedure not found"}, "id": 41})");
  // The derived table's "version" replaces the base's.
  BOOST_TEST(dispatch(w, R"({"id":2,"method":"version"})") == R"({"jsonrpc": "2.0", "result": "derived", "id": 2})");
  BOOST_TEST(dispatch(w, R"({"id":2,"method":"unicode"})") ==
             R"({"jsonrpc": "2.0", "result": "caf\u00e9 \ud83d\ude00", "id": 2})");
}

BOOST_AUTO_TEST_SUITE_END()
