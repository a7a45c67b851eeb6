#include <coinkit/regtest/rpc_decode.hpp>

#include <coinkit/coins/btc.hpp>
#include <coinkit/rpc/json_writer.hpp>

#include <support/data.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

using namespace coinkit;
using namespace coinkit::regtest;

BOOST_AUTO_TEST_SUITE(rpc_decode)

// bitcoind's own decoderawtransaction output (ElectrumX's fixtures, recorded from Core): our
// TxToUniv must give the same object, field for field, and write amounts with 8 decimals.
BOOST_AUTO_TEST_CASE(transactions_decode_as_bitcoind_does) {
  const struct {
    const char* file;
    int network;  // index in BtcPolicy::networks
  } vectors[] = {
      {"vectors/tx/electrumx_bitcoin_regtest_001_p2wpkh.json", 2},
      {"vectors/tx/electrumx_bitcoin_testnet_001_mixed_nonsegwit_segwit_inputs.json", 1},
      {"vectors/tx/electrumx_bitcoin_testnet_002_presegwit.json", 1},
  };
  int checked = 0;
  for (const auto& v : vectors) {
    BOOST_TEST_CONTEXT(v.file) {
      json::object expected = test::read_json(v.file).as_object();
      for (const char* key : {"blockhash", "confirmations", "time", "blocktime"})
        expected.erase(key);  // getrawtransaction's
      const Transaction tx = Transaction::parse(from_hex(expected.at("hex").as_string()));
      const std::string text =
          rpc::to_json_text(tx_to_json(tx, BtcPolicy::networks[v.network].address, false), rpc::JsonStyle::univalue);
      BOOST_TEST(json::parse(text) == json::value(expected));
      for (const auto& out : expected.at("vout").as_array()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "\"value\":%.8f", out.at("value").as_double());
        BOOST_TEST(text.find(buf) != std::string::npos, buf);
      }
      ++checked;
    }
  }
  BOOST_TEST(checked == 3);
}

BOOST_AUTO_TEST_CASE(script_asm_and_descriptors) {
  BOOST_TEST(descriptor_checksum("raw(deadbeef)") == "89f8spxm");  // BIP380's vector
  BOOST_TEST(descriptor_checksum("raw(\x01)").empty());
  const AddressFormat& regtest = BtcPolicy::networks[2].address;
  BOOST_TEST(infer_descriptor(from_hex("6a0378797a"), regtest) ==
             "raw(6a0378797a)#" + descriptor_checksum("raw(6a0378797a)"));
  const std::string key = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
  BOOST_TEST(infer_descriptor(from_hex("21" + key + "ac"), regtest).rfind("pk(" + key + ")#", 0) == 0u);
  BOOST_TEST(infer_descriptor(from_hex("5120" + key.substr(2)), regtest).rfind("rawtr(" + key.substr(2) + ")#", 0) ==
             0u);
  // Pushes of up to 4 bytes are numbers, small-int opcodes too; a push past the end is "[error]".
  BOOST_TEST(script_to_asm(from_hex("0003000001028080514f60")) == "0 65536 -128 1 -1 16");
  BOOST_TEST(script_to_asm(from_hex("6a4c")) == "OP_RETURN [error]");
  BOOST_TEST(script_to_asm(from_hex("ba50ff")) == "OP_CHECKSIGADD OP_RESERVED OP_INVALIDOPCODE");
  // A scriptSig signature shows its hash type; a non-DER push stays hex.
  const std::string sig = "30440220" + std::string(64, '1') + "0220" + std::string(64, '2');
  BOOST_TEST(script_to_asm(from_hex("47" + sig + "01"), true) == sig + "[ALL]");
  BOOST_TEST(script_to_asm(from_hex("47" + sig + "81"), true) == sig + "[ALL|ANYONECANPAY]");
  BOOST_TEST(script_to_asm(from_hex("47" + sig + "41"), true, true) == sig + "[ALL|FORKID]");
  BOOST_TEST(script_to_asm(from_hex("47" + sig + "01"), false) == sig + "01");
  BOOST_TEST(opcode_name(0xbb) == "OP_UNKNOWN");
}

BOOST_AUTO_TEST_SUITE_END()
