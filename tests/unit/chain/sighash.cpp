// Tests chain/sighash.hpp against every case of Core's sighash.json, the BIP143 examples, the
// BIP341 wallet vectors' key-path hashes, and Bitcoin ABC's and bchd's FORKID vectors.
#include <coinkit/chain/sighash.hpp>

#include <coinkit/core/hex.hpp>
#include <coinkit/core/reader.hpp>

#include <support/data.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

using namespace coinkit;

namespace {

std::string hex_of(ByteSpan b) { return to_hex(b); }

// The sighash files: a one-element header, then [raw_tx, script, input_index, hash_type, hashes...].
std::size_t count_cases(const boost::json::array& cases) {
  std::size_t n = 0;
  for (const auto& c : cases) n += c.as_array().size() > 1;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sighash)

// Core's legacy SignatureHash: random transactions and scripts, OP_CODESEPARATORs, truncated
// pushes, SIGHASH_SINGLE past the outputs (the hash "1"). Hashes in display order.
BOOST_AUTO_TEST_CASE(core_sighash_json) {
  const auto cases = test::read_json("vectors/core/sighash.json").as_array();
  std::size_t processed = 0;
  for (const auto& c : cases) {
    const auto& a = c.as_array();
    if (a.size() == 1) continue;
    BOOST_TEST_CONTEXT("case " << processed) {
      const Transaction tx = Transaction::parse(from_hex(a.at(0).as_string()));
      const Bytes script = from_hex(a.at(1).as_string());
      const auto index = a.at(2).to_number<std::size_t>();
      const auto type = a.at(3).to_number<std::int32_t>();
      BOOST_TEST(legacy_sighash(tx, index, script, type).to_hex() == std::string(a.at(4).as_string()));
    }
    ++processed;
  }
  BOOST_TEST(processed == count_cases(cases));
  BOOST_TEST(processed == 500u);
}

BOOST_AUTO_TEST_CASE(legacy_one_for_impossible_inputs) {
  const Transaction tx =
      Transaction::parse(from_hex("0100000001626bbbb7a4ad82dbf7f6bd64ac3f40d0e2695b606d7953f2802b9ea426ea080a0100000000"
                                  "fdffffff0100000000000000000000000000"));
  Hash256 one;
  one.data()[0] = 1;
  BOOST_TEST(legacy_sighash(tx, 1, {}, sighash_all) == one);  // no such input
  BOOST_TEST(legacy_sighash(tx, 0, {}, sighash_all) != one);
  const Transaction no_outputs = Transaction::parse(from_hex(
      "0100000001626bbbb7a4ad82dbf7f6bd64ac3f40d0e2695b606d7953f2802b9ea426ea080a0100000000fdffffff0000000000"));
  BOOST_TEST(legacy_sighash(no_outputs, 0, {}, sighash_single) == one);  // the SIGHASH_SINGLE bug
}

// BIP143's worked examples: the whole preimage, then its hash (internal byte order).
BOOST_AUTO_TEST_CASE(bip143_examples) {
  const auto doc = test::read_json("vectors/bip143/bip143_vectors.json").as_object();
  std::size_t processed = 0;
  for (const auto& c : doc.at("cases").as_array()) {
    const auto& o = c.as_object();
    BOOST_TEST_CONTEXT(o.at("section").as_string() << " case " << processed) {
      const Transaction tx = Transaction::parse(from_hex(o.at("tx").as_string()));
      const PrecomputedTxData pre(tx);
      // The vector's script code carries its length prefix; the function takes the script.
      const Bytes prefixed = from_hex(o.at("scriptCode").as_string());
      ByteReader r(prefixed);
      const ByteSpan script_code = r.var_bytes();
      r.expect_end();
      BOOST_TEST_REQUIRE(r.ok());
      const auto index = o.at("input_index").to_number<std::size_t>();
      const auto amount = o.at("amount_sat").to_number<std::int64_t>();
      const auto type = o.at("nHashType").to_number<std::uint32_t>();
      Bytes preimage;
      BytesSink sink{preimage};
      BOOST_TEST(!write_segwit_v0_preimage(sink, tx, pre, index, script_code, amount, type));
      BOOST_TEST(hex_of(preimage) == std::string(o.at("preimage").as_string()));
      const auto h = segwit_v0_sighash(tx, pre, index, script_code, amount, type);
      BOOST_TEST_REQUIRE(h.has_value());
      BOOST_TEST(hex_of(h->span()) == std::string(o.at("sigHash").as_string()));
      if (type == sighash_all) {
        BOOST_TEST(hex_of(pre.hash_prevouts.span()) == std::string(o.at("hashPrevouts").as_string()));
        BOOST_TEST(hex_of(pre.hash_sequence.span()) == std::string(o.at("hashSequence").as_string()));
        BOOST_TEST(hex_of(pre.hash_outputs.span()) == std::string(o.at("hashOutputs").as_string()));
      }
    }
    ++processed;
  }
  BOOST_TEST(processed == doc.at("cases").as_array().size());
  BOOST_TEST(processed == 14u);

  // The unsigned and signed transactions of the examples parse and re-serialize.
  std::size_t txs = 0;
  for (const auto& t : doc.at("transactions").as_array()) {
    const Bytes raw = from_hex(t.at("hex").as_string());
    BOOST_TEST((Transaction::parse(raw).serialize() == raw));
    ++txs;
  }
  BOOST_TEST(txs == doc.at("transactions").as_array().size());
}

BOOST_AUTO_TEST_CASE(bip143_input_out_of_range) {
  const Transaction tx = Transaction::parse(from_hex(
      "0100000001626bbbb7a4ad82dbf7f6bd64ac3f40d0e2695b606d7953f2802b9ea426ea080a0100000000fdffffff0000000000"));
  const PrecomputedTxData pre(tx);
  BOOST_TEST(segwit_v0_sighash(tx, pre, 1, {}, 0, sighash_all).error() == chain::error::input_index_out_of_range);
}

// BIP341 key-path spending: the shared hashes, and each input's SigMsg and hash. (The key
// tweaks and signatures of the same vectors are the keys layer's.)
BOOST_AUTO_TEST_CASE(bip341_key_path) {
  const auto doc = test::read_json("vectors/core/bip341_wallet_vectors.json").as_object();
  std::size_t vectors = 0, inputs = 0, expected_inputs = 0;
  for (const auto& v : doc.at("keyPathSpending").as_array()) {
    const auto& given = v.at("given").as_object();
    const Transaction tx = Transaction::parse(from_hex(given.at("rawUnsignedTx").as_string()));
    std::vector<TxOut> spent;
    for (const auto& u : given.at("utxosSpent").as_array())
      spent.push_back(TxOut{u.at("amountSats").to_number<std::int64_t>(), from_hex(u.at("scriptPubKey").as_string())});
    BOOST_TEST_REQUIRE(spent.size() == tx.inputs().size());
    const PrecomputedTxData pre(tx, spent);
    const auto& mid = v.at("intermediary").as_object();
    BOOST_TEST(hex_of(pre.spent_amounts_sha.span()) == std::string(mid.at("hashAmounts").as_string()));
    BOOST_TEST(hex_of(pre.outputs_sha.span()) == std::string(mid.at("hashOutputs").as_string()));
    BOOST_TEST(hex_of(pre.prevouts_sha.span()) == std::string(mid.at("hashPrevouts").as_string()));
    BOOST_TEST(hex_of(pre.spent_scripts_sha.span()) == std::string(mid.at("hashScriptPubkeys").as_string()));
    BOOST_TEST(hex_of(pre.sequences_sha.span()) == std::string(mid.at("hashSequences").as_string()));

    for (const auto& in : v.at("inputSpending").as_array()) {
      ++expected_inputs;
      const auto index = in.at("given").at("txinIndex").to_number<std::size_t>();
      const auto type = in.at("given").at("hashType").to_number<std::uint8_t>();
      BOOST_TEST_CONTEXT("input " << index << " hash type " << int(type)) {
        Bytes msg;
        BytesSink sink{msg};
        BOOST_TEST(!write_taproot_sigmsg(sink, tx, pre, index, type));
        BOOST_TEST(hex_of(msg) == std::string(in.at("intermediary").at("sigMsg").as_string()));
        const auto h = taproot_sighash(tx, pre, index, type);
        BOOST_TEST_REQUIRE(h.has_value());
        BOOST_TEST(hex_of(h->span()) == std::string(in.at("intermediary").at("sigHash").as_string()));
      }
      ++inputs;
    }
    // The signed transaction spends the same prevouts into the same outputs (one input is
    // P2PKH, so its script_sig, and the txid, differ).
    const Transaction signed_tx = Transaction::parse(from_hex(v.at("auxiliary").at("fullySignedTx").as_string()));
    BOOST_TEST(signed_tx.has_witness());
    BOOST_TEST_REQUIRE(signed_tx.inputs().size() == tx.inputs().size());
    for (std::size_t i = 0; i < tx.inputs().size(); ++i)
      BOOST_TEST((signed_tx.inputs()[i].prevout == tx.inputs()[i].prevout));
    BOOST_TEST((signed_tx.outputs() == tx.outputs()));
    // Its signatures commit to the same hashes.
    const PrecomputedTxData signed_pre(signed_tx, spent);
    BOOST_TEST(signed_pre.prevouts_sha == pre.prevouts_sha);
    BOOST_TEST(signed_pre.outputs_sha == pre.outputs_sha);
    ++vectors;
  }
  BOOST_TEST(vectors == 1u);
  BOOST_TEST(inputs == expected_inputs);
  BOOST_TEST(inputs == 7u);
}

// What BIP341 adds beyond the key-path vectors: annex and script path extend the message by
// exactly the fields the BIP lists; bad requests are errors, not hashes.
BOOST_AUTO_TEST_CASE(bip341_annex_script_path_and_errors) {
  const auto doc = test::read_json("vectors/core/bip341_wallet_vectors.json").as_object();
  const auto& given = doc.at("keyPathSpending").at(0).at("given").as_object();
  const Transaction tx = Transaction::parse(from_hex(given.at("rawUnsignedTx").as_string()));
  std::vector<TxOut> spent;
  for (const auto& u : given.at("utxosSpent").as_array())
    spent.push_back(TxOut{u.at("amountSats").to_number<std::int64_t>(), from_hex(u.at("scriptPubKey").as_string())});
  const PrecomputedTxData pre(tx, spent);

  auto message = [&](std::uint8_t type, ByteSpan annex, const std::optional<TapscriptExt>& ext) {
    Bytes msg;
    BytesSink sink{msg};
    BOOST_TEST(!write_taproot_sigmsg(sink, tx, pre, 0, type, annex, ext));
    return msg;
  };
  const Bytes key_path = message(sighash_default, {}, std::nullopt);
  BOOST_TEST(key_path.size() == 1 + 1 + 4 + 4 + 5 * 32 + 1 + 4);
  BOOST_TEST(key_path[1 + 1 + 4 + 4 + 5 * 32] == 0);  // spend_type

  const Bytes annex = from_hex("50deadbeef");
  const Bytes with_annex = message(sighash_default, annex, std::nullopt);
  BOOST_TEST(with_annex.size() == key_path.size() + 32);
  BOOST_TEST(with_annex[1 + 1 + 4 + 4 + 5 * 32] == 1);
  Bytes annex_prefixed = {static_cast<std::uint8_t>(annex.size())};
  append(annex_prefixed, annex);
  BOOST_TEST(hex_of(ByteSpan(with_annex).last(32)) == hex_of(sha256(annex_prefixed).span()));

  TapscriptExt ext;
  ext.tapleaf_hash = sha256(as_bytes("leaf"));
  ext.codesep_pos = 7;
  const Bytes script_path = message(sighash_default, {}, ext);
  BOOST_TEST(script_path.size() == key_path.size() + 37);
  BOOST_TEST(script_path[1 + 1 + 4 + 4 + 5 * 32] == 2);
  BOOST_TEST(hex_of(ByteSpan(script_path).last(37)) == hex_of(ext.tapleaf_hash.span()) + "0007000000");
  const auto h = taproot_sighash(tx, pre, 0, sighash_default, {}, ext);
  BOOST_TEST_REQUIRE(h.has_value());
  BOOST_TEST((*h == tagged_hash("TapSighash", script_path)));

  for (std::uint8_t bad : {0x04, 0x40, 0x41, 0x80, 0x84, 0xff})
    BOOST_TEST(taproot_sighash(tx, pre, 0, bad).error() == chain::error::invalid_sighash_type);
  BOOST_TEST(taproot_sighash(tx, pre, 9, sighash_all).error() == chain::error::input_index_out_of_range);
  BOOST_TEST(taproot_sighash(tx, pre, 2, sighash_single).error() == chain::error::sighash_single_without_output);
  const PrecomputedTxData no_spent(tx);
  BOOST_TEST(taproot_sighash(tx, no_spent, 0, sighash_all).error() == chain::error::missing_spent_outputs);
  BOOST_TEST(make_error_code(chain::error::missing_spent_outputs).message() ==
             "taproot signature hash needs every spent output");
}

// Bitcoin ABC's vectors: each case hashed as a FORKID node does, as a node without FORKID
// (legacy), and with replay protection. The amount is zero throughout, as in ABC's test.
BOOST_AUTO_TEST_CASE(bch_abc_sighash) {
  const auto cases = test::read_json("vectors/bch/bch_abc_sighash.json").as_array();
  std::size_t processed = 0;
  for (const auto& c : cases) {
    const auto& a = c.as_array();
    if (a.size() == 1) continue;
    BOOST_TEST_CONTEXT("case " << processed) {
      const Transaction tx = Transaction::parse(from_hex(a.at(0).as_string()), tx_no_witness);
      const PrecomputedTxData pre(tx);
      const Bytes script = from_hex(a.at(1).as_string());
      const auto index = a.at(2).to_number<std::size_t>();
      const auto type = static_cast<std::uint32_t>(a.at(3).to_number<std::int32_t>());
      const auto regular = forkid_sighash(tx, pre, index, script, 0, type, {.enable_forkid = true});
      const auto no_forkid = forkid_sighash(tx, pre, index, script, 0, type, {.enable_forkid = false});
      const auto replay =
          forkid_sighash(tx, pre, index, script, 0, type, {.enable_forkid = true, .replay_protection = true});
      BOOST_TEST_REQUIRE((regular && no_forkid && replay));
      BOOST_TEST(regular->to_hex() == std::string(a.at(4).as_string()));
      BOOST_TEST(no_forkid->to_hex() == std::string(a.at(5).as_string()));
      BOOST_TEST(replay->to_hex() == std::string(a.at(6).as_string()));
    }
    ++processed;
  }
  BOOST_TEST(processed == count_cases(cases));
  BOOST_TEST(processed == 1000u);
}

// bchd's copy of ABC's FORKID vectors: [raw_tx, script, input_index, hash_type, sighash].
BOOST_AUTO_TEST_CASE(bchd_sighash_bip143_forkid) {
  const auto cases = test::read_json("vectors/bch/bchd_sighash_bip143_forkid.json").as_array();
  std::size_t processed = 0;
  for (const auto& c : cases) {
    const auto& a = c.as_array();
    if (a.size() == 1) continue;
    BOOST_TEST_CONTEXT("case " << processed) {
      const Transaction tx = Transaction::parse(from_hex(a.at(0).as_string()), tx_no_witness);
      const PrecomputedTxData pre(tx);
      const Bytes script = from_hex(a.at(1).as_string());
      const auto index = a.at(2).to_number<std::size_t>();
      const auto type = static_cast<std::uint32_t>(a.at(3).to_number<std::int32_t>());
      const auto h = forkid_sighash(tx, pre, index, script, 0, type);
      BOOST_TEST_REQUIRE(h.has_value());
      BOOST_TEST(h->to_hex() == std::string(a.at(4).as_string()));
    }
    ++processed;
  }
  BOOST_TEST(processed == count_cases(cases));
  BOOST_TEST(processed == 500u);
}

BOOST_AUTO_TEST_SUITE_END()
