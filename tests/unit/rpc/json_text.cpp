// Tests rpc/json_text.hpp and rpc/envelope.hpp: results written in place, in the envelopes of
// aiorpcx, byte for byte ElectrumX's.
#include <coinkit/rpc/json_text.hpp>

#include <coinkit/rpc/electrumx.hpp>
#include <coinkit/rpc/envelope.hpp>
#include <coinkit/rpc/python.hpp>

#include <coinkit/chain/hashes.hpp>
#include <coinkit/core/hex.hpp>

#include <support/data.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>

using namespace coinkit;
using namespace coinkit::rpc;
namespace json = boost::json;

namespace {
// "S>C {...}" lines of the Electrum 4.3.4 <-> ElectrumX 1.20 regtest capture, by section.
std::string server_line(const std::string& section) {
  std::istringstream in(test::read_text("electrum_protocol/electrum-4.3.4_to_electrumx-1.20_regtest_examples.txt"));
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.rfind("=== ", 0) == 0)
      current = line.substr(4);
    else if (current == section && line.rfind("  S>C ", 0) == 0)
      return line.substr(6);
  }
  throw std::runtime_error("no S>C line in section " + section);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(json_text)

// The envelopes are byte for byte ElectrumX's (aiorpcx's json.dumps).
BOOST_AUTO_TEST_CASE(replies_match_electrumx_byte_for_byte) {
  std::string out;
  envelope::begin_result(out);
  JsonText(out).raw("[").str("ElectrumX 1.20.0").raw(", ").str("1.4").raw("]");
  envelope::end_result(out, 0);
  BOOST_TEST(out == server_line("server.version"));

  out.clear();
  envelope::begin_result(out);
  JsonText(out).real(1e-05);
  envelope::end_result(out, 10);
  BOOST_TEST(out == server_line("blockchain.relayfee"));

  out.clear();
  envelope::begin_result(out);
  out += "-1";
  envelope::end_result(out, 3);
  BOOST_TEST(out == server_line("blockchain.estimatefee"));

  out.clear();
  envelope::begin_result(out);
  JsonText(out).null();
  envelope::end_result(out, 12);
  BOOST_TEST(out == server_line("blockchain.scripthash.subscribe"));

  out.clear();
  envelope::begin_result(out);
  JsonText(out)
      .raw("[")
      .raw("{\"tx_hash\": ")
      .display_hex(Txid::from_hex("00ae719126d6b765d65fa1ba5f2ec177d2d61b37cd0bda0f4a481226cf5b616c"))
      .raw(", \"height\": ")
      .num(604)
      .raw("}]");
  envelope::end_result(out, 43);
  BOOST_TEST(out == server_line("blockchain.scripthash.get_history"));

  out.clear();
  envelope::begin_notification(out, "blockchain.scripthash.subscribe");
  JsonText(out)
      .raw("[")
      .str("7ca052e2ff7e8ad6f6976ef61b5988d75d5b8aa9b981918ed48a5515a827523e")
      .raw(", ")
      .hex(from_hex("453a88eb07f6f958da372924f93cb4cb788311d448867d086d9cd5192aba7d9e"))
      .raw("]");
  envelope::end_notification(out);
  BOOST_TEST(out == server_line("NOTIFY blockchain.scripthash.subscribe"));
}

BOOST_AUTO_TEST_CASE(errors_and_ids_keep_their_json_types) {
  std::string out;
  envelope::error(out, json::value("a-string-id"), electrumx_code::bad_request,
                  "the transaction was rejected by network rules.\n\nx\n[00]");
  BOOST_TEST(
      out ==
      R"({"jsonrpc": "2.0", "error": {"code": 1, "message": "the transaction was rejected by network rules.\n\nx\n[00]"}, "id": "a-string-id"})");
  out.clear();
  envelope::error(out, nullptr, rpc::parse_error_code, "invalid JSON");
  BOOST_TEST(out == R"({"jsonrpc": "2.0", "error": {"code": -32700, "message": "invalid JSON"}, "id": null})");
  BOOST_TEST(json::parse(out).is_object());
}

BOOST_AUTO_TEST_CASE(numbers_print_as_python_prints_them) {
  auto real = [](double d) {
    std::string s;
    JsonText(s).real(d);
    return s;
  };
  BOOST_TEST(real(1e-05) == "1e-05");
  BOOST_TEST(real(0.0002) == "0.0002");
  BOOST_TEST(real(12.0) == "12.0");
  BOOST_TEST(real(0.00101079) == "0.00101079");
  BOOST_TEST(with_commas(0) == "0");
  BOOST_TEST(with_commas(999) == "999");
  BOOST_TEST(with_commas(8'100'000) == "8,100,000");
  BOOST_TEST(with_commas(-1234567) == "-1,234,567");
}

BOOST_AUTO_TEST_SUITE_END()
