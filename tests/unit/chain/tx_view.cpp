// Tests chain/tx_view.hpp: views agree with owning transactions field by field over real
// segwit and taproot blocks; witness iteration; buffer reuse; the non-throwing entry point.
#include <coinkit/chain/tx_view.hpp>

#include <coinkit/chain/block_view.hpp>
#include <coinkit/chain/transaction.hpp>

#include <support/block_files.hpp>
#include <support/data.hpp>

#include <boost/test/unit_test.hpp>

using namespace coinkit;

BOOST_AUTO_TEST_SUITE(tx_view)

BOOST_AUTO_TEST_CASE(views_match_owning_transactions) {
  const char* files[] = {
      "blocks/mainnet/block540107_00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.raw",
      "blocks/mainnet/ckb_block830000.raw"};
  std::size_t txs = 0, witness_items = 0;
  for (const char* file : files) {
    const Bytes raw = test::read_bytes(file);
    const BlockView block = BlockView::parse(raw);
    for (const TxView& view : block.transactions()) {
      const Transaction tx(view);
      BOOST_TEST_REQUIRE(view.inputs.size() == tx.inputs().size());
      BOOST_TEST_REQUIRE(view.outputs.size() == tx.outputs().size());
      BOOST_TEST(view.version == tx.version());
      BOOST_TEST(view.lock_time == tx.lock_time());
      for (std::size_t i = 0; i < view.inputs.size(); ++i) {
        const TxInView& v = view.inputs[i];
        const TxIn& t = tx.inputs()[i];
        BOOST_TEST((v.prevout == t.prevout));
        BOOST_TEST(equal(v.script_sig, t.script_sig));
        BOOST_TEST(v.sequence == t.sequence);
        BOOST_TEST_REQUIRE(v.witness.size() == t.witness.size());
        std::size_t k = 0;
        for (ByteSpan item : v.witness) BOOST_TEST(equal(item, t.witness[k++]));
        BOOST_TEST(k == t.witness.size());
        witness_items += k;
      }
      for (std::size_t i = 0; i < view.outputs.size(); ++i) {
        BOOST_TEST(view.outputs[i].value == tx.outputs()[i].value);
        BOOST_TEST(equal(view.outputs[i].script_pubkey, tx.outputs()[i].script_pubkey));
      }
      // The view's spans point into the block, not into copies.
      if (!view.inputs.empty()) {
        BOOST_TEST(view.inputs[0].script_sig.data() >= raw.data());
        BOOST_TEST(view.inputs[0].script_sig.data() < raw.data() + raw.size());
      }
      const Transaction reparsed = Transaction::parse(view.raw);
      BOOST_TEST(reparsed.txid() == view.txid);
      BOOST_TEST(reparsed.wtxid() == view.wtxid());
      ++txs;
    }
  }
  BOOST_TEST(txs == 230u + 1851u);
  BOOST_TEST(witness_items > 1000u);
}

BOOST_AUTO_TEST_CASE(standalone_parse_reuses_buffer) {
  const Bytes raw =
      from_hex(test::read_json("vectors/tx/electrumx_bitcoin_testnet_001_mixed_nonsegwit_segwit_inputs.json")
                   .at("hex")
                   .as_string());
  TxViewBuffer buffer;
  const auto first = TxView::try_parse(raw, buffer);
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST(first->txid.to_hex() == "08b4283f230ffbb72b001eef01e267b310fa6f9d3800d2000474787e13c98ae7");
  BOOST_TEST(first->wtxid().to_hex() == "24c32d0a7370ca664023a9a1305ae1554731f400723f119e6f11b54332e950c9");
  BOOST_TEST(first->inputs.size() == 3u);
  BOOST_TEST(first->inputs[0].witness.size() == 2u);
  BOOST_TEST(first->inputs[2].witness.empty());                    // a legacy input in a segwit transaction
  BOOST_TEST(first->inputs[2].witness.serialized().size() == 1u);  // its zero item count
  BOOST_TEST(first->weight() == 1389u);
  BOOST_TEST(first->vsize() == 348u);
  const TxInView* storage = buffer.inputs.data();
  const auto second = TxView::try_parse(raw, buffer);
  BOOST_TEST(second->inputs.data() == storage);
  BOOST_TEST(!second->is_coinbase());
}

BOOST_AUTO_TEST_CASE(witness_view_of_unchecked_bytes) {
  // Two items, "aa" and "bbcc"; then a view whose second item runs past the end stops early.
  const Bytes good = from_hex("0201aa02bbcc");
  std::vector<std::string> items;
  for (ByteSpan item : WitnessView(good)) items.push_back(to_hex(item));
  BOOST_TEST((items == std::vector<std::string>{"aa", "bbcc"}));
  const Bytes bad = from_hex("0201aa05bb");
  BOOST_TEST(std::distance(WitnessView(bad).begin(), WitnessView(bad).end()) == 1);
  BOOST_TEST(WitnessView().empty());
}

BOOST_AUTO_TEST_CASE(throwing_overload) {
  TxViewBuffer buffer;
  BOOST_CHECK_EXCEPTION((void)TxView::parse(Bytes(3), buffer), system_error, [](const system_error& e) {
    return e.code() == core::error::truncated &&
           std::string(e.what()) == "transaction at byte 0: unexpected end of input [coinkit.core:1]";
  });
}

BOOST_AUTO_TEST_SUITE_END()
