// Tests chain/transaction.hpp: parsing and re-serializing every transaction of Core's, bchd's
// and ElectrumX's vectors, the huge-witness and 1 MB transactions, and every rejection.
#include <coinkit/chain/transaction.hpp>

#include <coinkit/core/hex.hpp>

#include <support/block_files.hpp>
#include <support/data.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>

using namespace coinkit;

namespace {

// Every check a parsed transaction must pass: byte-exact round trip in both serializations,
// txid/wtxid equal to those recomputed from the re-serialization, the view agreeing.
void check_roundtrip(const Bytes& raw, TxSerParams params) {
  const Transaction tx = Transaction::parse(raw, params);
  BOOST_TEST((tx.serialize(params) == raw));
  const MutableTransaction m = tx.to_mutable();
  const Transaction rebuilt(m);
  BOOST_TEST(rebuilt.txid() == tx.txid());
  BOOST_TEST(rebuilt.wtxid() == tx.wtxid());
  BOOST_TEST(tx.txid() == Txid::from(sha256d(tx.serialize(tx_no_witness))));
  BOOST_TEST(tx.wtxid() == Wtxid::from(sha256d(raw)));
  BOOST_TEST(tx.size() == raw.size());
  BOOST_TEST(tx.stripped_size() == tx.serialize(tx_no_witness).size());
  TxViewBuffer buffer;
  const TxView view = TxView::parse(raw, buffer, params);
  BOOST_TEST(view.txid == tx.txid());
  BOOST_TEST(view.wtxid() == tx.wtxid());
  BOOST_TEST(view.size() == tx.size());
  BOOST_TEST(view.stripped_size() == tx.stripped_size());
  BOOST_TEST(view.weight() == tx.weight());
  BOOST_TEST(view.has_witness() == tx.has_witness());
}

// Core-style test files: one-element arrays are comments, the others [prevouts, tx hex, flags].
std::size_t run_tx_file(const std::string& path, TxSerParams params, bool valid) {
  const auto cases = test::read_json(path).as_array();
  std::size_t in_file = 0, processed = 0;
  for (const auto& c : cases) {
    const auto& a = c.as_array();
    if (a.size() == 1) continue;
    ++in_file;
    BOOST_TEST_CONTEXT(path << " case " << in_file - 1) {
      const Bytes raw = from_hex(a.at(1).as_string());
      auto parsed = Transaction::try_parse(raw, params);
      // No entry of these files is structurally unparseable: they are invalid by consensus
      // or script rules, which parsing does not judge. So every one must parse.
      BOOST_TEST_REQUIRE(parsed.has_value(), parsed.error().message());
      check_roundtrip(raw, params);
      // A valid transaction's every prevout is among those the case lists (the invalid
      // ones may lack one on purpose). The files write index 0xffffffff as -1.
      for (const TxIn& in : parsed->inputs()) {
        bool listed = false;
        for (const auto& p : a.at(0).as_array())
          listed |= p.as_array().at(0).as_string() == in.prevout.txid.to_hex() &&
                    static_cast<std::uint32_t>(p.as_array().at(1).to_number<std::int64_t>()) == in.prevout.index;
        if (valid) BOOST_TEST(listed);
      }
      ++processed;
    }
  }
  BOOST_TEST(processed == in_file);
  return processed;
}

std::int64_t btc_to_sats(double btc) { return std::llround(btc * 1e8); }

}  // namespace

BOOST_AUTO_TEST_SUITE(transaction)

BOOST_AUTO_TEST_CASE(core_tx_valid) {
  BOOST_TEST(run_tx_file("vectors/core/tx_valid.json", tx_with_witness, true) == 121u);
}
BOOST_AUTO_TEST_CASE(core_tx_invalid) {
  BOOST_TEST(run_tx_file("vectors/core/tx_invalid.json", tx_with_witness, false) == 93u);
}
// Bitcoin Cash has no segwit: its transactions are read without the marker rule.
BOOST_AUTO_TEST_CASE(bchd_tx_valid) {
  BOOST_TEST(run_tx_file("vectors/bch/bchd_tx_valid.json", tx_no_witness, true) == 83u);
}
BOOST_AUTO_TEST_CASE(bchd_tx_invalid) {
  BOOST_TEST(run_tx_file("vectors/bch/bchd_tx_invalid.json", tx_no_witness, false) == 57u);
}

BOOST_AUTO_TEST_CASE(electrumx_fixtures) {
  const char* files[] = {"vectors/tx/electrumx_bitcoin_regtest_001_p2wpkh.json",
                         "vectors/tx/electrumx_bitcoin_testnet_001_mixed_nonsegwit_segwit_inputs.json",
                         "vectors/tx/electrumx_bitcoin_testnet_002_presegwit.json"};
  std::size_t processed = 0;
  for (const char* file : files) {
    BOOST_TEST_CONTEXT(file) {
      const auto j = test::read_json(file).as_object();
      const Bytes raw = from_hex(j.at("hex").as_string());
      check_roundtrip(raw, tx_with_witness);
      const Transaction tx = Transaction::parse(raw);
      BOOST_TEST(tx.txid().to_hex() == std::string(j.at("txid").as_string()));
      BOOST_TEST(tx.wtxid().to_hex() == std::string(j.at("hash").as_string()));
      BOOST_TEST(tx.version() == j.at("version").to_number<std::uint32_t>());
      BOOST_TEST(tx.size() == j.at("size").to_number<std::size_t>());
      BOOST_TEST(tx.vsize() == j.at("vsize").to_number<std::size_t>());
      BOOST_TEST(tx.weight() == j.at("weight").to_number<std::size_t>());
      BOOST_TEST(tx.lock_time() == j.at("locktime").to_number<std::uint32_t>());
      const auto& vin = j.at("vin").as_array();
      BOOST_TEST_REQUIRE(tx.inputs().size() == vin.size());
      for (std::size_t i = 0; i < vin.size(); ++i) {
        const auto& in = vin[i].as_object();
        const TxIn& t = tx.inputs()[i];
        BOOST_TEST(t.prevout.txid.to_hex() == std::string(in.at("txid").as_string()));
        BOOST_TEST(t.prevout.index == in.at("vout").to_number<std::uint32_t>());
        BOOST_TEST(to_hex(t.script_sig) == std::string(in.at("scriptSig").at("hex").as_string()));
        BOOST_TEST(t.sequence == in.at("sequence").to_number<std::uint32_t>());
        const auto* witness = in.if_contains("txinwitness");
        BOOST_TEST_REQUIRE(t.witness.size() == (witness ? witness->as_array().size() : 0u));
        for (std::size_t k = 0; k < t.witness.size(); ++k)
          BOOST_TEST(to_hex(t.witness[k]) == std::string(witness->as_array()[k].as_string()));
      }
      const auto& vout = j.at("vout").as_array();
      BOOST_TEST_REQUIRE(tx.outputs().size() == vout.size());
      for (std::size_t i = 0; i < vout.size(); ++i) {
        const auto& out = vout[i].as_object();
        BOOST_TEST(out.at("n").to_number<std::size_t>() == i);
        BOOST_TEST(tx.outputs()[i].value == btc_to_sats(out.at("value").to_number<double>()));
        BOOST_TEST(to_hex(tx.outputs()[i].script_pubkey) == std::string(out.at("scriptPubKey").at("hex").as_string()));
      }
      ++processed;
    }
  }
  BOOST_TEST(processed == 3u);
}

// rust-bitcoin's decode test: one input whose witness holds a ~500 KB element.
BOOST_AUTO_TEST_CASE(huge_witness) {
  const Bytes raw = test::from_hex_text(test::read_text("vectors/tx/rustbitcoin_huge_witness_tx.hex"));
  BOOST_TEST(raw.size() == 500142u);
  check_roundtrip(raw, tx_with_witness);
  const Transaction tx = Transaction::parse(raw);
  BOOST_TEST_REQUIRE(tx.inputs().size() == 1u);
  BOOST_TEST(tx.has_witness());
  // The stack is 500,003 items, nearly all empty: a count far above any script's limits, yet
  // valid to parse.
  BOOST_TEST(tx.inputs()[0].witness.size() == 500003u);
  std::size_t witness_bytes = 0;
  for (const Bytes& item : tx.inputs()[0].witness) witness_bytes += item.size();
  // marker and flag, the item count, one length byte per item, and the items' 34 bytes.
  BOOST_TEST(witness_bytes == 34u);
  BOOST_TEST(raw.size() == tx.stripped_size() + 2 + 5 + 500003 + witness_bytes);
  BOOST_TEST(tx.stripped_size() == 96u - 2 + 4);  // everything else is witness
  TxViewBuffer buffer;
  const TxView view = TxView::parse(raw, buffer);
  BOOST_TEST(view.inputs[0].witness.size() == 500003u);
  BOOST_TEST(std::distance(view.inputs[0].witness.begin(), view.inputs[0].witness.end()) == 500003);
}

// btcd's megatx: the 999,657-byte legacy transaction with 5569 inputs mined in block 364292.
BOOST_AUTO_TEST_CASE(megatx) {
  const Bytes raw = test::bunzip2(test::read_bytes("blocks/mainnet/btcd_megatx.bin.bz2"));
  BOOST_TEST(raw.size() == 999657u);
  check_roundtrip(raw, tx_with_witness);
  const Transaction tx = Transaction::parse(raw);
  BOOST_TEST(tx.txid().to_hex() == "bb41a757f405890fb0f5856228e23b715702d714d59bf2b1feb70d8b2b4e3e08");
  BOOST_TEST(tx.inputs().size() == 5569u);
  BOOST_TEST(!tx.has_witness());
  BOOST_TEST(tx.weight() == 4 * raw.size());
}

// The previous transactions of BCH block 663750, one hex transaction per line.
BOOST_AUTO_TEST_CASE(bch_prevout_transactions) {
  const std::string text = test::read_text("blocks/bch/bch_block663750_utxos.txt");
  std::size_t lines = 0, processed = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    ++lines;
    BOOST_TEST_CONTEXT("line " << lines) {
      const Bytes raw = from_hex(line);
      check_roundtrip(raw, tx_no_witness);
      ++processed;
    }
  }
  BOOST_TEST(lines == 166u);
  BOOST_TEST(processed == lines);
}

BOOST_AUTO_TEST_CASE(build_and_reparse) {
  MutableTransaction m;
  m.version = 2;
  m.lock_time = 800000;
  TxIn in;
  in.prevout = {Txid::from_hex("770f2d4371b3fabb902dd9a103e2dd005fcd3971181078fca4a2a1d6ff127b30"), 1};
  in.sequence = 0xfffffffd;
  m.inputs.push_back(in);
  m.outputs.push_back(TxOut{30'000'000, from_hex("00149f9aa3795e57c535d2f7b160ff023804c60fca6e")});
  const Transaction legacy(m);
  BOOST_TEST(!legacy.has_witness());
  BOOST_TEST(Wtxid::from(legacy.txid()) == legacy.wtxid());
  BOOST_TEST(legacy.txid() == m.txid());

  m.inputs[0].witness = {from_hex("3044"), from_hex("02aa")};
  const Transaction segwit(m);
  BOOST_TEST(segwit.txid() == legacy.txid());  // witnesses never change the txid
  BOOST_TEST(segwit.wtxid() != Wtxid::from(segwit.txid()));
  const Bytes raw = segwit.serialize();
  BOOST_TEST(raw[4] == 0x00);
  BOOST_TEST(raw[5] == 0x01);
  BOOST_TEST((Transaction::parse(raw) == segwit));
  BOOST_TEST((Transaction::parse(raw).to_mutable() == m));
  BOOST_TEST(segwit.serialize(tx_no_witness) == legacy.serialize());
  BOOST_TEST(segwit.weight() == 3 * legacy.size() + raw.size());
}

// As Bitcoin Core reads it: a zero input count followed by a zero is a transaction with no
// inputs and no outputs (not a marker), and it writes back the same way.
BOOST_AUTO_TEST_CASE(no_inputs_no_outputs) {
  const Bytes raw = from_hex("01000000000000000000");
  const Transaction tx = Transaction::parse(raw);
  BOOST_TEST(tx.inputs().empty());
  BOOST_TEST(tx.outputs().empty());
  BOOST_TEST(tx.serialize() == raw);
  BOOST_TEST(Transaction::parse(raw, tx_no_witness).serialize(tx_no_witness) == raw);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(transaction_rejections)

namespace {
// ElectrumX's regtest P2WPKH spend: one input, two outputs, a two-item witness.
Bytes small_segwit_tx() {
  return from_hex(test::read_json("vectors/tx/electrumx_bitcoin_regtest_001_p2wpkh.json").at("hex").as_string());
}
// A legacy transaction (ElectrumX's presegwit testnet fixture).
Bytes small_legacy_tx() {
  return from_hex(test::read_json("vectors/tx/electrumx_bitcoin_testnet_002_presegwit.json").at("hex").as_string());
}
error_code parse_error(const Bytes& raw, TxSerParams params = tx_with_witness) {
  auto r = Transaction::try_parse(raw, params);
  return r ? error_code{} : r.error();
}
}  // namespace

BOOST_AUTO_TEST_CASE(truncated_at_every_offset) {
  for (const Bytes& raw : {small_segwit_tx(), small_legacy_tx()}) {
    for (std::size_t n = 0; n < raw.size(); ++n) {
      const Bytes prefix(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(n));
      BOOST_TEST_CONTEXT("prefix of " << n << " bytes") {
        BOOST_TEST(parse_error(prefix) == core::error::truncated);
        TxViewBuffer buffer;
        BOOST_TEST(TxView::try_parse(prefix, buffer).error() == core::error::truncated);
      }
    }
    BOOST_TEST(!parse_error(raw));
  }
}

BOOST_AUTO_TEST_CASE(trailing_bytes) {
  Bytes raw = small_segwit_tx();
  raw.push_back(0);
  BOOST_TEST(parse_error(raw) == core::error::trailing_bytes);
  BOOST_TEST(parse_error(raw).message() == "unexpected bytes after the end of the object");
}

BOOST_AUTO_TEST_CASE(superfluous_witness) {
  // The legacy transaction with a marker and flag but an empty witness for its input.
  const Bytes legacy = small_legacy_tx();
  Bytes raw(legacy.begin(), legacy.begin() + 4);
  raw.push_back(0x00), raw.push_back(0x01);
  raw.insert(raw.end(), legacy.begin() + 4, legacy.end() - 4);
  raw.push_back(0x00);  // empty stack for the one input
  raw.insert(raw.end(), legacy.end() - 4, legacy.end());
  BOOST_TEST(parse_error(raw) == chain::error::superfluous_witness);
  BOOST_TEST(parse_error(raw).message() == "witness flag set but every witness is empty (superfluous witness record)");
  // Without the witness rule (BCH) the zero is an input count and the 0x01 an output count.
  BOOST_TEST(parse_error(raw, tx_no_witness) != error_code{});
}

BOOST_AUTO_TEST_CASE(unknown_witness_flag) {
  for (std::uint8_t flag : {0x02, 0x03, 0x80, 0xff}) {
    Bytes raw = small_segwit_tx();
    raw[5] = flag;
    BOOST_TEST(parse_error(raw) == chain::error::unknown_witness_flag);
  }
  BOOST_TEST(make_error_code(chain::error::unknown_witness_flag).message() ==
             "unknown transaction optional data (witness flag other than 0x01)");
}

BOOST_AUTO_TEST_CASE(non_canonical_compact_size) {
  // The legacy transaction's input count 0x01 written as 0xfd 0x01 0x00.
  const Bytes legacy = small_legacy_tx();
  Bytes raw(legacy.begin(), legacy.begin() + 4);
  raw.insert(raw.end(), {0xfd, 0x01, 0x00});
  raw.insert(raw.end(), legacy.begin() + 5, legacy.end());
  BOOST_TEST(parse_error(raw) == core::error::non_canonical_varint);
}

BOOST_AUTO_TEST_CASE(oversized_counts) {
  const Bytes version = from_hex("01000000");
  auto with_count = [&](std::initializer_list<std::uint8_t> count) {
    Bytes raw = version;
    raw.insert(raw.end(), count);
    raw.resize(raw.size() + 100);
    return raw;
  };
  // Above Core's MAX_SIZE (0x02000000): the reader refuses the compact size itself.
  BOOST_TEST(parse_error(with_count({0xfe, 0x01, 0x00, 0x00, 0x02})) == core::error::oversized);
  BOOST_TEST(parse_error(with_count({0xff, 0, 0, 0, 0, 1, 0, 0, 0})) == core::error::oversized);
  // Under it, but more 41-byte inputs than MAX_SIZE bytes could hold.
  BOOST_TEST(parse_error(with_count({0xfe, 0x00, 0x00, 0x10, 0x00})) == chain::error::too_many_inputs);
  // A plausible count the bytes do not back: that is truncation, not a lie we can prove.
  BOOST_TEST(parse_error(with_count({0xfd, 0x00, 0x10})) == core::error::truncated);

  // Outputs: a legacy transaction's output count replaced.
  const Bytes legacy = small_legacy_tx();
  const Transaction tx = Transaction::parse(legacy);
  const std::size_t output_count_at = 4 + 1 + 36 + 1 + tx.inputs()[0].script_sig.size() + 4;
  BOOST_TEST(legacy[output_count_at] == 2);
  Bytes raw(legacy.begin(), legacy.begin() + static_cast<std::ptrdiff_t>(output_count_at));
  raw.insert(raw.end(), {0xfe, 0x00, 0x00, 0x80, 0x00});  // 8M outputs of >= 9 bytes
  raw.insert(raw.end(), legacy.begin() + static_cast<std::ptrdiff_t>(output_count_at) + 1, legacy.end());
  BOOST_TEST(parse_error(raw) == chain::error::too_many_outputs);
  BOOST_TEST(make_error_code(chain::error::too_many_outputs).message() ==
             "output count larger than any transaction can hold");
}

BOOST_AUTO_TEST_CASE(throwing_overload) {
  Bytes raw = small_segwit_tx();
  raw.resize(57);
  try {
    (void)Transaction::parse(raw);
    BOOST_FAIL("no exception");
  } catch (const system_error& e) {
    BOOST_TEST(e.code() == core::error::truncated);
    BOOST_TEST(std::string(e.what()) == "transaction at byte 57: unexpected end of input [coinkit.core:1]");
  }
  raw = small_segwit_tx();
  raw[5] = 0x02;
  BOOST_CHECK_EXCEPTION((void)Transaction::parse(raw), system_error, [](const system_error& e) {
    return e.code() == chain::error::unknown_witness_flag &&
           std::string(e.what()) ==
               "transaction at byte 6: unknown transaction optional data (witness flag other than 0x01) "
               "[coinkit.chain:2]";
  });
}

BOOST_AUTO_TEST_CASE(error_category) {
  const error_code ec = chain::error::merkle_mutated;
  BOOST_TEST(std::string(ec.category().name()) == "coinkit.chain");
  std::ostringstream os;
  os << chain::error::too_many_inputs;
  BOOST_TEST(os.str() == "input count larger than any transaction can hold");
}

BOOST_AUTO_TEST_SUITE_END()
