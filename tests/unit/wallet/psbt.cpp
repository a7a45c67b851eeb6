// PSBTs held against Bitcoin Core's own vectors (rpc_psbt.json, as its functional test uses them):
// what must not decode (and, where Core names it, why), what must, and the creator, signer,
// combiner, finalizer and extractor results, byte for byte.
#include <coinkit/wallet/psbt.hpp>
#include <coinkit/wallet/psbt_sign.hpp>

#include <coinkit/address/segwit_address.hpp>
#include <coinkit/core/amount.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/keys/wif.hpp>

#include <support/data.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace coinkit;
using namespace coinkit::wallet;
namespace json = boost::json;

namespace {

const json::object& vectors() {
  static const json::value v = test::read_json("vectors/core/rpc_psbt.json");
  return v.as_object();
}

std::string str(const json::value& v) { return std::string(v.as_string()); }

// walletprocesspsbt(psbt, sign=true, "ALL"): sign what the keys can, finalize what is complete.
std::string sign_with(const std::string& base64, const json::array& wifs) {
  Psbt psbt = Psbt::from_base64(base64);
  std::vector<PrivateKey> keys;
  for (const auto& wif : wifs) keys.push_back(decode_wif_or_throw(str(wif), 0xef));
  const Transaction tx(psbt.unsigned_tx());
  const PrecomputedTxData pre(tx);
  for (std::size_t i = 0; i < psbt.inputs.size(); ++i) sign_psbt_input(psbt, tx, pre, i, keys);
  finalize_psbt(psbt);
  return psbt.to_base64();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(psbt_core_vectors)

BOOST_AUTO_TEST_CASE(invalid_psbts_do_not_decode) {
  const json::array& invalid = vectors().at("invalid").as_array();
  BOOST_TEST(invalid.size() >= 60u);
  for (const auto& v : invalid) BOOST_CHECK_THROW(Psbt::from_base64(str(v)), PsbtError);
}

BOOST_AUTO_TEST_CASE(invalid_psbts_fail_with_cores_message) {
  for (const auto& v : vectors().at("invalid_with_msg").as_array()) {
    const std::string expected = str(v.as_array().at(1));
    try {
      Psbt::from_base64(str(v.as_array().at(0)));
      BOOST_ERROR("decoded, expected: " << expected);
    } catch (const PsbtError& e) {
      BOOST_TEST(std::string(e.what()).find(expected) != std::string::npos, e.what() << " | expected: " << expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(valid_psbts_decode_and_reencode_stably) {
  for (const auto& v : vectors().at("valid").as_array()) {
    const std::string text = str(v);
    Psbt psbt;
    BOOST_REQUIRE_NO_THROW(psbt = Psbt::from_base64(text));
    const Bytes once = psbt.encode();
    const Bytes twice = Psbt::decode(once).encode();
    BOOST_TEST(to_hex(once) == to_hex(twice));
    BOOST_TEST(psbt.version == Psbt::decode(once).version);
  }
}

BOOST_AUTO_TEST_CASE(creator) {
  for (const auto& c : vectors().at("creator").as_array()) {
    MutableTransaction tx;
    tx.version = 2;
    for (const auto& in : c.at("inputs").as_array()) {
      TxIn& t = tx.inputs.emplace_back();
      t.prevout.txid = Txid::from_hex(str(in.at("txid")));
      t.prevout.index = static_cast<std::uint32_t>(in.at("vout").as_int64());
    }
    for (const auto& out : c.at("outputs").as_array()) {
      for (const auto& [address, amount] : out.as_object()) {
        const SegwitAddress a = segwit_address_decode_or_throw(address, "bcrt");
        tx.outputs.push_back(TxOut{parse_amount(json::serialize(amount), 8), a.script_pubkey()});
      }
    }
    BOOST_TEST(Psbt::from_unsigned(tx).to_base64() == str(c.at("result")));
  }
}

BOOST_AUTO_TEST_CASE(signer) {
  for (const auto& c : vectors().at("signer").as_array())
    BOOST_TEST(sign_with(str(c.at("psbt")), c.at("privkeys").as_array()) == str(c.at("result")));
}

BOOST_AUTO_TEST_CASE(combiner) {
  for (const auto& c : vectors().at("combiner").as_array()) {
    const json::array& parts = c.at("combine").as_array();
    Psbt combined = Psbt::from_base64(str(parts.at(0)));
    for (std::size_t i = 1; i < parts.size(); ++i) BOOST_TEST(combined.combine(Psbt::from_base64(str(parts[i]))));
    BOOST_TEST(combined.to_base64() == str(c.at("result")));
  }
}

BOOST_AUTO_TEST_CASE(finalizer) {
  for (const auto& c : vectors().at("finalizer").as_array()) {
    Psbt psbt = Psbt::from_base64(str(c.at("finalize")));
    BOOST_TEST(finalize_psbt(psbt));
    BOOST_TEST(psbt.to_base64() == str(c.at("result")));
  }
}

BOOST_AUTO_TEST_CASE(extractor) {
  for (const auto& c : vectors().at("extractor").as_array()) {
    Psbt psbt = Psbt::from_base64(str(c.at("extract")));
    BOOST_TEST(finalize_psbt(psbt));
    BOOST_TEST(to_hex(psbt.extract().serialize()) == str(c.at("result")));
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(psbt_bad_input)

BOOST_AUTO_TEST_CASE(what_is_not_a_psbt_gets_a_clear_error) {
  auto message = [](const std::string& text) {
    try {
      Psbt::from_base64(text);
    } catch (const PsbtError& e) {
      return std::string(e.what());
    }
    return std::string("decoded");
  };
  BOOST_TEST(message("not base64!") == "invalid base64");
  BOOST_TEST(message("") != "decoded");
  BOOST_TEST(message("cHNidA==") != "decoded");  // "psbt" without the 0xff
  // A valid PSBT, then one byte more; then one byte less.
  const std::string valid = str(vectors().at("valid").as_array().at(0));
  Bytes bytes = *base64_decode(valid);
  bytes.push_back(0);
  BOOST_TEST(message(base64_encode(bytes)) == "extra data after PSBT");
  bytes.resize(bytes.size() - 2);
  BOOST_TEST(message(base64_encode(bytes)) != "decoded");
}

BOOST_AUTO_TEST_CASE(combining_psbts_of_different_transactions_changes_nothing) {
  const json::object& c = vectors().at("combiner").as_array().at(0).as_object();
  Psbt a = Psbt::from_base64(str(c.at("combine").as_array().at(0)));
  const std::string before = a.to_base64();
  MutableTransaction other = a.unsigned_tx();
  other.lock_time += 1;
  BOOST_TEST(!a.combine(Psbt::from_unsigned(other)));
  BOOST_TEST(a.to_base64() == before);
}

BOOST_AUTO_TEST_CASE(an_incomplete_psbt_does_not_extract) {
  const json::object& c = vectors().at("signer").as_array().at(0).as_object();
  Psbt psbt = Psbt::from_base64(str(c.at("result")));
  BOOST_TEST(!finalize_psbt(psbt));
  BOOST_CHECK_THROW(psbt.extract(), PsbtError);
}

BOOST_AUTO_TEST_SUITE_END()
