// Spending and signing, below the daemon: sign_input held against Debian's Electrum 4.3.4 signing the same
// transactions (tests/reference/electrum_sign.py; both sign deterministically with low R, so the
// transactions must be equal byte for byte), and coin selection's rules as invariants over random
// wallets, with the dust thresholds Electrum's bitcoin.py names.
#include <coinkit/wallet/coin_selection.hpp>
#include <coinkit/wallet/sign_input.hpp>
#include <coinkit/wallet/signed_message.hpp>

#include <coinkit/address/address.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/core/base64.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/keys/private_key.hpp>

#include <support/electrum_reference.hpp>

#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <tuple>
#include <vector>

using namespace coinkit;
using namespace coinkit::wallet;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(sign_input_vs_electrum)

BOOST_AUTO_TEST_CASE(every_single_key_type_signs_as_electrum_signs) {
  std::mt19937_64 rng(20261206);
  const TxinType types[] = {TxinType::p2pkh, TxinType::p2wpkh, TxinType::p2wpkh_p2sh};
  json::array cases;
  std::vector<MutableTransaction> ours;
  for (int n = 0; n < 60; ++n) {
    MutableTransaction m;
    m.version = n % 2 ? 2 : 1;
    m.lock_time = static_cast<std::uint32_t>(rng() % 800'000);
    const std::size_t inputs = 1 + rng() % 4, outputs = 1 + rng() % 3;
    json::array in_json, out_json;
    std::vector<TxOut> spent;
    std::vector<std::pair<PrivateKey, TxinType>> keys;
    for (std::size_t i = 0; i < inputs; ++i) {
      const TxinType type = types[rng() % 3];
      const bool compressed = type != TxinType::p2pkh || rng() % 2;
      const PrivateKey key = PrivateKey::generate(compressed);
      TxIn in;
      for (std::size_t k = 0; k < 32; ++k) in.prevout.txid.data()[k] = static_cast<std::uint8_t>(rng());
      in.prevout.index = static_cast<std::uint32_t>(rng() % 5);
      in.sequence = rng() % 2 ? 0xfffffffd : 0xfffffffe;
      const std::int64_t value = 1000 + static_cast<std::int64_t>(rng() % 100'000'000);
      spent.push_back(TxOut{value, key_script(type, key.public_key()).value()});
      keys.emplace_back(key, type);
      in_json.push_back(json::object{{"txid", in.prevout.txid.to_hex()},
                                     {"vout", in.prevout.index},
                                     {"value", value},
                                     {"type", std::string(to_string(type))},
                                     {"secret", to_hex(key.span())},
                                     {"compressed", compressed},
                                     {"sequence", in.sequence}});
      m.inputs.push_back(std::move(in));
    }
    for (std::size_t o = 0; o < outputs; ++o) {
      const TxinType type = types[rng() % 3];
      TxOut out{static_cast<std::int64_t>(rng() % 50'000'000),
                key_script(type, PrivateKey::generate().public_key()).value()};
      out_json.push_back(json::object{{"script", to_hex(out.script_pubkey)}, {"value", out.value}});
      m.outputs.push_back(std::move(out));
    }
    const Transaction unsigned_tx(m);
    const PrecomputedTxData pre(unsigned_tx);
    for (std::size_t i = 0; i < inputs; ++i)
      sign_input(m, unsigned_tx, pre, i, spent[i], keys[i].first, keys[i].second);
    ours.push_back(std::move(m));
    cases.push_back(json::object{{"network", "regtest"},
                                 {"version", ours.back().version},
                                 {"locktime", ours.back().lock_time},
                                 {"inputs", std::move(in_json)},
                                 {"outputs", std::move(out_json)}});
  }
  const json::array reference = test::electrum_reference("electrum_sign.py", cases);
  for (std::size_t n = 0; n < ours.size(); ++n) {
    const Transaction tx(ours[n]);
    BOOST_TEST_CONTEXT("case " << n)
    BOOST_TEST(to_hex(tx.serialize()) == std::string(reference[n].at("hex").as_string()));
    // The estimate a fee is paid on is never below what the signatures took.
    std::size_t estimate = 0;
    for (std::size_t i = 0; i < tx.inputs().size(); ++i) {
      const auto& in = tx.inputs()[i];
      std::size_t w = 4 * (36 + 4 + compact_size_length(in.script_sig.size()) + in.script_sig.size());
      if (!in.witness.empty()) {
        w += compact_size_length(in.witness.size());
        for (const auto& item : in.witness) w += compact_size_length(item.size()) + item.size();
      }
      const TxinType type = in.witness.empty()      ? TxinType::p2pkh
                            : in.script_sig.empty() ? TxinType::p2wpkh
                                                    : TxinType::p2wpkh_p2sh;
      const bool compressed =
          !in.witness.empty() || in.script_sig.size() < 120;  // 106 with a compressed key, 138 without
      BOOST_TEST(signed_input_weight(type, compressed) >= w);
      estimate += signed_input_weight(type, compressed);
    }
    BOOST_TEST(estimate > 0u);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(coin_selection)

// Electrum's bitcoin.py: DUST_LIMIT_P2PKH 546, DUST_LIMIT_P2SH 540, DUST_LIMIT_P2WPKH 294,
// DUST_LIMIT_P2WSH 330 (and p2tr, a 32-byte witness program, the same), as Core computes them.
BOOST_AUTO_TEST_CASE(dust_thresholds_are_cores) {
  const Hash160 h{};
  BOOST_TEST(dust_threshold(p2pkh_script(h)) == 546);
  BOOST_TEST(dust_threshold(p2sh_script(h)) == 540);
  BOOST_TEST(dust_threshold(p2wpkh_script(h)) == 294);
  Bytes p2wsh{0x00, 0x20};
  p2wsh.resize(34);
  BOOST_TEST(dust_threshold(p2wsh) == 330);
  Bytes p2tr{0x51, 0x20};
  p2tr.resize(34);
  BOOST_TEST(dust_threshold(p2tr) == 330);
  BOOST_TEST(change_dust_threshold == 546);
}

// Python's round(Decimal) on fee_per_kb / 1000 * size: halves to even.
BOOST_AUTO_TEST_CASE(fees_round_as_electrum_rounds) {
  BOOST_TEST(fee_for_vsize(1000, 141) == 141);
  BOOST_TEST(fee_for_vsize(1500, 141) == 212);  // 211.5 -> 212
  BOOST_TEST(fee_for_vsize(1500, 143) == 214);  // 214.5 -> 214
  BOOST_TEST(fee_for_vsize(150'000, 200) == 30'000);
}

// Over random wallets and targets: the chosen coins pay the outputs and the fee the rate asks of
// the transaction's weight; change is either worth keeping (>= 546) or given to the fee; confirmed
// coins are used before any unconfirmed one; and a target beyond the whole wallet fails.
BOOST_AUTO_TEST_CASE(selections_keep_their_invariants) {
  std::mt19937_64 rng(7);
  for (int n = 0; n < 2000; ++n) {
    std::vector<SpendableCoin> coins(1 + rng() % 30);
    std::int64_t total = 0;
    for (auto& c : coins) {
      c.value = 500 + static_cast<std::int64_t>(rng() % 10'000'000);
      c.height = rng() % 3 ? static_cast<int>(1 + rng() % 1000) : 0;
      c.segwit = rng() % 2;
      c.input_weight = signed_input_weight(c.segwit ? TxinType::p2wpkh : TxinType::p2pkh);
      total += c.value;
    }
    SpendShape shape;
    shape.output_count = 1 + rng() % 3;
    shape.outputs_size = shape.output_count * 31;
    shape.change_output_size = 31;
    shape.sat_per_kvb = 1000 + static_cast<std::int64_t>(rng() % 50'000);
    const std::int64_t target = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(total + total / 4));
    const auto s = select_coins(coins, target, shape);
    if (!s) {
      BOOST_TEST(s.error() == make_error_code(error::not_enough_funds));
      // Even everything does not pay it: the target plus the fee of spending every coin.
      std::size_t weight = 0;
      bool segwit = false;
      for (const auto& c : coins) weight += c.input_weight, segwit |= c.segwit;
      BOOST_TEST(total < target + shape.fee(shape.weight(coins.size(), weight, segwit, false)));
      continue;
    }
    std::int64_t sum = 0;
    std::size_t weight = 0;
    bool segwit = false, unconfirmed_seen = false;
    for (std::size_t i : s->inputs) {
      sum += coins[i].value, weight += coins[i].input_weight, segwit |= coins[i].segwit;
      if (coins[i].height <= 0) unconfirmed_seen = true;
    }
    BOOST_TEST(sum == target + s->fee + s->change);
    BOOST_TEST((s->change == 0 || s->change >= change_dust_threshold));
    const std::int64_t asked = shape.fee(shape.weight(s->inputs.size(), weight, segwit, s->change > 0));
    if (s->change > 0)
      BOOST_TEST(s->fee == asked);
    else
      BOOST_TEST((s->fee >= asked && s->fee < asked + change_dust_threshold + shape.fee(4 * 31)));
    // An unconfirmed coin only once every confirmed one is in.
    if (unconfirmed_seen)
      for (std::size_t i = 0; i < coins.size(); ++i)
        if (coins[i].height > 0) BOOST_TEST((std::ranges::find(s->inputs, i) != s->inputs.end()));
  }
}

BOOST_AUTO_TEST_CASE(spending_everything_leaves_the_fee_only) {
  std::vector<SpendableCoin> coins{{{}, 10'000, 5, signed_input_weight(TxinType::p2wpkh), true},
                                   {{}, 20'000, 0, signed_input_weight(TxinType::p2wpkh), true}};
  SpendShape shape;
  shape.output_count = 1, shape.outputs_size = 31, shape.sat_per_kvb = 1000;
  std::int64_t rest = 0;
  const auto s = select_all(coins, 0, shape, rest);
  BOOST_TEST_REQUIRE(s.has_value());
  BOOST_TEST(s->inputs.size() == 2u);
  BOOST_TEST(rest + s->fee == 30'000);
  BOOST_TEST(s->fee ==
             fee_for_vsize(1000, (shape.weight(2, 2 * signed_input_weight(TxinType::p2wpkh), true, false) + 3) / 4));
  BOOST_TEST(!select_all({}, 0, shape, rest).has_value());
  shape.fixed_fee = 40'000;
  BOOST_TEST(!select_all(coins, 0, shape, rest).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

// Signed messages against Electrum 4.3.4 (tests/reference/electrum_message.py): ours equal its
// signatures byte for byte (both RFC 6979 with low R), and its verifier and ours agree on
// signatures good and bad: another message, another address, another type's address, BIP137
// segwit headers, a broken header, a flipped bit.
BOOST_AUTO_TEST_SUITE(signed_messages_vs_electrum)

BOOST_AUTO_TEST_CASE(signatures_and_verdicts_are_electrums) {
  const Network& net = *find_network<BtcPolicy>(NetworkId::regtest);
  std::mt19937_64 rng(42);
  const std::string messages[] = {"", "hello", "Bitcart invoice #42: café ☕", std::string(300, 'x')};
  json::array signing;
  std::vector<std::pair<PrivateKey, std::string>> made;
  for (int n = 0; n < 24; ++n) {
    const PrivateKey key = PrivateKey::generate(n % 3 != 0);
    const std::string& message = messages[static_cast<std::size_t>(n) % std::size(messages)];
    made.emplace_back(key, message);
    signing.push_back(json::object{
        {"sign",
         json::object{{"secret", to_hex(key.span())}, {"compressed", key.compressed()}, {"message", message}}}});
  }
  const json::array signed_by_electrum = test::electrum_reference("electrum_message.py", signing);
  json::array verifying;
  std::vector<bool> ours;
  for (std::size_t n = 0; n < made.size(); ++n) {
    const auto& [key, message] = made[n];
    const std::string sig = sign_message(key, message);
    BOOST_TEST(sig == std::string(signed_by_electrum[n].at("signature").as_string()), "case " << n);
    const Bytes raw = base64_decode(sig).value();
    const TxinType type = key.compressed() ? (n % 2 ? TxinType::p2wpkh : TxinType::p2wpkh_p2sh) : TxinType::p2pkh;
    const std::string address = to_address(key_script(type, key.public_key()).value(), net.address).value();
    const std::string other =
        to_address(key_script(TxinType::p2pkh, PrivateKey::generate().public_key()).value(), net.address).value();
    Bytes bip137 = raw, broken = raw, flipped = raw, wrong_type = raw;
    if (key.compressed()) bip137[0] = static_cast<std::uint8_t>(raw[0] + (type == TxinType::p2wpkh ? 8 : 4));
    broken[0] = 43;
    flipped[10] ^= 1;
    wrong_type[0] = static_cast<std::uint8_t>(raw[0] + (type == TxinType::p2wpkh ? 4 : 8));  // names the other type
    const std::vector<std::tuple<std::string, Bytes, std::string>> checks{
        {address, raw, message},       {address, raw, message + "!"}, {other, raw, message},
        {address, bip137, message},    {address, broken, message},    {address, flipped, message},
        {address, wrong_type, message}};
    for (const auto& [a, s, m] : checks) {
      verifying.push_back(json::object{
          {"verify",
           json::object{{"network", "regtest"}, {"address", a}, {"signature", base64_encode(s)}, {"message", m}}}});
      ours.push_back(verify_message(a, s, m, net.address));
    }
  }
  const json::array verdicts = test::electrum_reference("electrum_message.py", verifying);
  std::size_t valid = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    BOOST_TEST(ours[i] == verdicts[i].at("valid").as_bool(), "check " << i);
    valid += ours[i];
  }
  BOOST_TEST(valid >= made.size());  // at least every untouched signature
}

BOOST_AUTO_TEST_SUITE_END()
