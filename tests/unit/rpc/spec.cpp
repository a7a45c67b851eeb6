// Tests rpc/spec.hpp and the spec/ files: merge rules, error-code mapping, file lookup, shapes.
#include <coinkit/rpc/spec.hpp>

#include "support/temp_dir.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

using namespace coinkit;
namespace json = boost::json;

namespace {

// GET /spec of Bitcart 0.7.1.0's BTC daemon, verbatim from bitcart-wire-examples.md.
constexpr std::string_view bitcart_spec =
    R"({"version": "4.3.2", "electrum_map": {"Procedure not found": -32601, "wallet not loaded": -32000, "should be a transaction hash": -32001, "No such mempool or blockchain transaction. Use gettransaction for wallet transactions.": -32002, "No such mempool transaction.": -32002, "missing transaction": -32002, "No such blockchain transaction": -32002, "Request not found": -32003, "Invalid Bitcoin address or alias": -32004, "Invalid bitcoin address:": -32004, "Insufficient funds": -32006, "Invalid node ID, must be 33 bytes and hexadecimal": -32007, "Remove the existing wallet first!": -32008, "Bad bech32 checksum": -32009, "Does not start with ln": -32009, "Wrong Lightning invoice HRP": -32009, "Too short to contain signature": -32009, "No path found": -32010, "Lightning not supported in this wallet type": -32011, "Invoice not found": -32012, "This version of Electrum is too old to open this wallet": -32013}, "exceptions": {"-32601": {"exc_name": "ProcedureNotFoundError", "docstring": "Procedure not found"}, "-32000": {"exc_name": "WalletNotLoadedError", "docstring": "Wallet not loaded. No xpub was provided and this function requires wallet"}, "-32001": {"exc_name": "InvalidTxHashError", "docstring": "Invalid tx hash provided"}, "-32002": {"exc_name": "TxNotFoundError", "docstring": "No such mempool or blockchain transaction"}, "-32003": {"exc_name": "RequestNotFoundError", "docstring": "Payment request not found"}, "-32004": {"exc_name": "InvalidAddressError", "docstring": "Invalid address or alias"}, "-32005": {"exc_name": "LoadingWalletError", "docstring": "Error loading wallet: seed or key not recognized"}, "-32006": {"exc_name": "NotEnoughFundsError", "docstring": "Insufficient funds"}, "-32007": {"exc_name": "InvalidNodeIDError", "docstring": "Invalid node ID"}, "-32008": {"exc_name": "WalletExistsError", "docstring": "This wallet already exists"}, "-32009": {"exc_name": "InvalidLightningInvoiceError", "docstring": "Invalid lightning invoice"}, "-32010": {"exc_name": "NoPathFoundError", "docstring": "No path found to pay the invoice"}, "-32011": {"exc_name": "LightningUnsupportedError", "docstring": "Lightning not supported in this wallet type"}, "-32012": {"exc_name": "InvoiceNotFoundError", "docstring": "Invoice not found"}, "-32013": {"exc_name": "WalletVersionMismatchError", "docstring": "Wallet file was opened in a newer electrum version than BitcartCC is using. Delete the wallet file to fix this issue"}}})";

constexpr std::string_view base = R"({"version":"1.0","electrum_map":{"first":-1,"Shared":-2,"third":-3},
  "exceptions":{"-1":{"exc_name":"A","docstring":"a"},"-2":{"exc_name":"B","docstring":"b"}}})";

json::object lightning(bool on) { return json::object{{"lightning", on}}; }

using coinkit::test::TempDir;

}  // namespace

BOOST_AUTO_TEST_SUITE(spec_tests)

BOOST_AUTO_TEST_CASE(merge_rules) {
  // Bitcart: dict.update of electrum_map and exceptions; the base's version stays.
  auto s = rpc::Spec::try_parse(base, std::string_view(R"({"version":"9","electrum_map":{"new":-9,"shared":-20,
    "Shared":-22},"exceptions":{"-2":{"exc_name":"B2","docstring":"b2"},"-9":{"exc_name":"N","docstring":"n"}}})"));
  BOOST_TEST_REQUIRE(s.has_value());
  BOOST_TEST(s->version() == "1.0");
  BOOST_TEST(
      rpc::to_json_text(s->document()) ==
      R"({"version": "1.0", "electrum_map": {"first": -1, "Shared": -22, "third": -3, "new": -9, "shared": -20}, )"
      R"("exceptions": {"-1": {"exc_name": "A", "docstring": "a"}, "-2": {"exc_name": "B2", "docstring": "b2"}, )"
      R"("-9": {"exc_name": "N", "docstring": "n"}}})");
  // A coin file may hold only some sections, or none.
  BOOST_TEST(rpc::Spec::try_parse(base, std::string_view(R"({"electrum_map":{"x":1}})")).has_value());
  BOOST_TEST(rpc::Spec::try_parse(base, std::string_view("{}")).has_value());
  BOOST_TEST(rpc::to_json_text(rpc::Spec::try_parse(base).value().document()) == rpc::to_json_text(json::parse(base)));
}

BOOST_AUTO_TEST_CASE(code_mapping) {
  auto s = rpc::Spec::try_parse(base, std::string_view(R"({"electrum_map":{"new":-9}})")).value();
  BOOST_TEST(s.code_for("first", -32603) == -1);
  BOOST_TEST(s.code_for("Exception: FIRST of all", -32603) == -1);  // case, substring
  BOOST_TEST(s.code_for("xxshAREDxx", -32603) == -2);               // key's case ignored too
  BOOST_TEST(s.code_for("third then first", -32603) == -1);         // file order, not text order
  BOOST_TEST(s.code_for("shared, third", -32603) == -2);
  BOOST_TEST(s.code_for("brand new", -32603) == -9);         // merged keys match
  BOOST_TEST(s.code_for("none of them", -32603) == -32603);  // fallbacks
  BOOST_TEST(s.code_for("none of them", -32005) == -32005);
  BOOST_TEST(s.code_for("", -32603) == -32603);
  BOOST_TEST(s.code_for("firs", -32603) == -32603);
}

BOOST_AUTO_TEST_CASE(shipped_files_match_bitcart) {
  const auto dir = rpc::Spec::find_dir();
  BOOST_TEST(std::filesystem::exists(dir / "base.json"));
  const rpc::Spec btc = rpc::Spec::load(dir, "BTC");
  const json::object doc = btc.to_json(lightning(false));
  // /spec keys exactly {exceptions, electrum_map, version, capabilities}
  BOOST_TEST(doc.size() == 4u);
  for (auto key : {"version", "electrum_map", "exceptions", "capabilities"}) BOOST_TEST(doc.contains(key));
  BOOST_TEST(rpc::to_json_text(doc.at("capabilities")) == R"({"lightning": false})");
  BOOST_TEST(btc.to_text(lightning(true)).ends_with(R"(, "capabilities": {"lightning": true}})"));
  // Every code and message of Bitcart's BTC spec is ours, identically.
  const json::object wire = json::parse(bitcart_spec).as_object();
  std::size_t map_entries = 0, exceptions = 0;
  for (const auto& m : wire.at("electrum_map").as_object()) {
    BOOST_TEST_CONTEXT(m.key()) {
      const json::value* ours = doc.at("electrum_map").as_object().if_contains(m.key());
      BOOST_TEST_REQUIRE(ours);
      BOOST_TEST(*ours == m.value());
      BOOST_TEST(btc.code_for(m.key(), -32603) == m.value().as_int64());
    }
    ++map_entries;
  }
  for (const auto& e : wire.at("exceptions").as_object()) {
    BOOST_TEST_CONTEXT(e.key()) {
      const json::value* ours = doc.at("exceptions").as_object().if_contains(e.key());
      BOOST_TEST_REQUIRE(ours);
      BOOST_TEST(*ours == e.value());
    }
    ++exceptions;
  }
  BOOST_TEST(map_entries == 21u);
  BOOST_TEST(exceptions == 15u);
  // Beyond 0.7.1: -32014 (setconfig of an unknown key) and the third BTC address text.
  BOOST_TEST(btc.code_for("ValueError: No ConfigVar with key 'foo'", -32603) == -32014);
  BOOST_TEST(doc.at("exceptions").as_object().at("-32014").as_object().at("exc_name") == "NoConfigKeyError");
  BOOST_TEST(doc.at("exceptions").as_object().size() == 16u);  // -32601, -32000 ... -32014
  // Texts of the wire examples.
  BOOST_TEST(btc.code_for("electrum.util.BitcoinException: invalid bitcoin address: notanaddress", -32603) == -32004);
  BOOST_TEST(btc.code_for("Exception: Request not found", -32603) == -32003);
  BOOST_TEST(btc.code_for("Exception: Seed or key not recognized", -32005) == -32005);
  BOOST_TEST(btc.code_for("TypeError: Commands.getbalance() got an unexpected keyword argument 'foo'", -32603) ==
             -32603);
  BOOST_TEST(btc.code_for("invalid checksum in address", -32603) == -32603);  // BCH only

  const rpc::Spec bch = rpc::Spec::load(dir, "bch");
  BOOST_TEST(bch.code_for("Exception: invalid checksum in address", -32603) == -32004);
  BOOST_TEST(bch.code_for("Invalid bitcoin address: x", -32603) == -32004);
  const rpc::Spec ltc = rpc::Spec::load(dir, "LTC");
  BOOST_TEST(ltc.code_for("Invalid Litecoin address or alias", -32603) == -32004);
  BOOST_TEST(ltc.code_for("wallet not loaded", -32603) == -32000);
  BOOST_TEST(bch.version() == btc.version());
  // A coin without its own file gets the base alone.
  BOOST_TEST(rpc::Spec::load(dir, "doge").code_for("Invalid Bitcoin address", -32603) == -32603);
}

BOOST_AUTO_TEST_CASE(file_errors) {
  TempDir tmp;
  BOOST_TEST(rpc::Spec::try_load(tmp.path, "btc").error() == rpc::error::spec_not_found);
  BOOST_CHECK_EXCEPTION(rpc::Spec::load(tmp.path, "btc"), system_error, [&](const system_error& e) {
    return e.code() == rpc::error::spec_not_found && std::string(e.what()).find(tmp.path.string()) != std::string::npos;
  });
  tmp.write("base.json", "{");
  BOOST_TEST(rpc::Spec::try_load(tmp.path, "btc").error() == rpc::error::spec_invalid_json);
  tmp.write("base.json", base);
  BOOST_TEST(rpc::Spec::try_load(tmp.path, "btc").has_value());  // no coin file: fine
  tmp.write("btc.json", "not json");                             // a broken one is an error
  BOOST_TEST(rpc::Spec::try_load(tmp.path, "BTC").error() == rpc::error::spec_invalid_json);
  tmp.write("btc.json", R"({"electrum_map":{"x":"-1"}})");
  BOOST_TEST(rpc::Spec::try_load(tmp.path, "btc").error() == rpc::error::spec_invalid_shape);
  tmp.write("btc.json", R"({"electrum_map":{"Mine":-7}})");
  BOOST_TEST(rpc::Spec::try_load(tmp.path, "btc").value().code_for("mine", 0) == -7);

  const std::string_view shapes[] = {
      "[]",
      R"({"electrum_map":{},"exceptions":{}})",                                      // no version
      R"({"version":1,"electrum_map":{},"exceptions":{}})",                          // version not a string
      R"({"version":"1","exceptions":{}})",                                          // no electrum_map
      R"({"version":"1","electrum_map":[],"exceptions":{}})",                        // not an object
      R"({"version":"1","electrum_map":{"a":1.5},"exceptions":{}})",                 // code not an integer
      R"({"version":"1","electrum_map":{"a":4294967296},"exceptions":{}})",          // code beyond int
      R"({"version":"1","electrum_map":{}})",                                        // no exceptions
      R"({"version":"1","electrum_map":{},"exceptions":{"-1":"x"}})",                // exception not an object
      R"({"version":"1","electrum_map":{},"exceptions":{"-1":{"exc_name":"A"}}})",   // no docstring
      R"({"version":"1","electrum_map":{},"exceptions":{"-1":{"docstring":"a"}}})",  // no exc_name
      R"({"version":"1","electrum_map":{},"exceptions":{"-1":{"exc_name":1,"docstring":"a"}}})",
  };
  for (std::string_view s : shapes) BOOST_TEST(rpc::Spec::try_parse(s).error() == rpc::error::spec_invalid_shape, s);
  BOOST_TEST(rpc::Spec::try_parse(base, std::string_view("[1]")).error() == rpc::error::spec_invalid_shape);
  BOOST_TEST(make_error_code(rpc::error::spec_invalid_shape).message() ==
             "spec file must be an object with a string version and objects electrum_map and exceptions");
}

BOOST_AUTO_TEST_CASE(find_dir_order) {
  const std::filesystem::path compiled = rpc::Spec::find_dir();  // COINKIT_SPEC_DIR unset in the test environment
#ifdef COINKIT_SPEC_DIR
  BOOST_TEST(compiled == std::filesystem::path(COINKIT_SPEC_DIR));
#endif
  TempDir tmp;
  ::setenv("COINKIT_SPEC_DIR", tmp.path.c_str(), 1);
  BOOST_TEST(rpc::Spec::find_dir() == compiled);  // no base.json there: skipped
  tmp.write("base.json", base);
  BOOST_TEST(rpc::Spec::find_dir() == tmp.path);  // the environment wins
  ::unsetenv("COINKIT_SPEC_DIR");
  BOOST_TEST(rpc::Spec::find_dir() == compiled);
}

BOOST_AUTO_TEST_SUITE_END()
