// A wallet daemon's payouts: payto and paytomany as Electrum 4.3 makes the transaction (its
// arguments, BIP69 order, RBF sequences, the local height as lock time, change to a fresh change
// address, change below the dust threshold left to the fee), signed by the wallet's keys or, with
// `unsigned`, as a PSBT for another signer; signtransaction of PSBTs; bumpfee; sweep; deserialize;
// broadcast through the chain source; get_default_fee, get_used_fee, addtransaction, removelocaltx.
#pragma once

#include <coinkit/chain/script.hpp>
#include <coinkit/chain/sighash.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/core/amount.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/daemon/methods/arguments.hpp>
#include <coinkit/daemon/methods/electrum_tx_json.hpp>
#include <coinkit/keys/wif.hpp>
#include <coinkit/rpc/bitcart.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/rpc/python.hpp>
#include <coinkit/wallet/coin_selection.hpp>
#include <coinkit/wallet/electrum_wallet.hpp>
#include <coinkit/wallet/key_script.hpp>
#include <coinkit/wallet/keystore.hpp>
#include <coinkit/wallet/psbt.hpp>
#include <coinkit/wallet/psbt_sign.hpp>
#include <coinkit/wallet/sign_input.hpp>
#include <coinkit/wallet/wallet_history.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace coinkit::daemon {

// What payto and paytomany take besides their outputs (Electrum's names).
struct PaymentOptions {
  std::optional<std::int64_t> fee;        // the whole fee, in the coin's smallest unit
  std::optional<double> feerate;          // sat/vbyte
  std::optional<std::string> from_addr;   // spend only from these addresses (comma-separated)
  std::optional<std::string> from_coins;  // spend only these coins ("txid:n", comma-separated)
  std::optional<std::string> change_addr;
  bool unsigned_ = false;
  bool rbf = true;
  std::optional<std::int64_t> locktime;
};

// Core's default -maxfeerate of sendrawtransaction (0.1 coin per kvB): a payout above it is
// refused here, before any node could be asked to relay it.
inline constexpr std::int64_t max_fee_per_kvb = 10'000'000;

// Self: the daemon (wallet(call), network(), local_height(), source(), fee_per_kvb()); Self::Coin.
template <class Self>
class Payouts {
 public:
  boost::asio::awaitable<std::string> payto(const rpc::Call& call, std::string destination, boost::json::value amount,
                                            std::optional<Amount> fee, std::optional<double> feerate,
                                            std::optional<std::string> from_addr, std::optional<std::string> from_coins,
                                            std::optional<std::string> change_addr, bool nocheck, bool unsigned_tx,
                                            std::optional<bool> rbf, std::optional<std::int64_t> locktime,
                                            bool addtransaction) {
    (void)nocheck;  // an OpenAlias check; coinkit resolves no aliases
    boost::json::array outputs{boost::json::array{boost::json::string(destination), amount}};
    const auto options = payment_options(fee, feerate, from_addr, from_coins, change_addr, unsigned_tx, rbf, locktime);
    std::optional<std::int64_t> rate;
    if (!fee && !feerate) rate = co_await self().fee_per_kvb();
    co_return make_payment(call, outputs, options, rate, addtransaction);
  }

  boost::asio::awaitable<std::string> paytomany(const rpc::Call& call, boost::json::array outputs,
                                                std::optional<Amount> fee, std::optional<double> feerate,
                                                std::optional<std::string> from_addr,
                                                std::optional<std::string> from_coins,
                                                std::optional<std::string> change_addr, bool nocheck, bool unsigned_tx,
                                                std::optional<bool> rbf, std::optional<std::int64_t> locktime,
                                                bool addtransaction) {
    (void)nocheck;
    const auto options = payment_options(fee, feerate, from_addr, from_coins, change_addr, unsigned_tx, rbf, locktime);
    std::optional<std::int64_t> rate;
    if (!fee && !feerate) rate = co_await self().fee_per_kvb();
    co_return make_payment(call, outputs, options, rate, addtransaction);
  }

  // Electrum's bumpfee: the transaction again, paying `new_fee_rate` (sat/vbyte) instead: its
  // inputs and payments kept, its outputs to the wallet (change) made anew, more of the wallet's
  // coins added when the change does not cover the new fee; with `decrease_payment`, the one
  // payment pays it instead. It must signal RBF (BIP125); the new fee exceeds the old by at least
  // 1 sat/vbyte of the new size, as the node's rule 4 asks.
  std::string bumpfee(const rpc::Call& call, std::string tx, double new_fee_rate, std::optional<std::string> from_coins,
                      bool decrease_payment, bool unsigned_tx) {
    auto& w = self().wallet(call);
    if (unsigned_tx) check_psbt_coin();
    if (!unsigned_tx && wallet::is_watching_only(w.keys())) throw watching_only();
    const Transaction old = transaction_argument(tx);
    auto cannot = [](const std::string& why) {
      return rpc::fault_error("electrum.wallet.CannotBumpFee: Cannot bump fee: " + why);
    };
    if (std::ranges::none_of(old.inputs(), [](const TxIn& in) { return in.sequence < 0xfffffffe; }))
      throw cannot("Transaction is final");
    if (!(new_fee_rate > 0)) throw cannot("the new fee rate must be a positive rate in sat/vbyte");

    // Its inputs must be the wallet's coins: those go first, then what else may be spent.
    std::vector<wallet::WalletCoin> all = w.coins(), coins;
    std::int64_t in_sum = 0;
    for (const TxIn& in : old.inputs()) {
      auto it = std::ranges::find(all, in.prevout, &wallet::WalletCoin::outpoint);
      if (it == all.end()) throw cannot("an input is not one of the wallet's coins");
      coins.push_back(*it);
      in_sum += it->value;
    }
    std::int64_t out_sum = 0;
    std::vector<TxOut> payments;
    std::optional<std::uint32_t> old_change;
    for (const TxOut& out : old.outputs()) {
      out_sum += out.value;
      if (auto slot = w.slot_of_script(out.script_pubkey))
        old_change = old_change.value_or(*slot);
      else
        payments.push_back(out);
    }
    const std::int64_t old_fee = in_sum - out_sum;
    if (new_fee_rate * static_cast<double>(old.vsize()) <= static_cast<double>(old_fee))
      throw cannot("The new fee rate needs to be higher than the old fee rate.");
    if (decrease_payment) {
      // Electrum's DECREASE_PAYMENT (for payouts of everything): the one payment gives up the
      // difference; inputs, change and so the size stay as they were.
      if (payments.size() != 1) throw cannot("Cannot find payment output");
      const std::int64_t new_fee =
          std::max(wallet::fee_for_vsize(static_cast<std::int64_t>(new_fee_rate * 1000 + 0.5), old.vsize()),
                   least_replacement_fee(old_fee, old.vsize()));
      std::vector<TxOut> outputs = old.outputs();
      TxOut& payment = *std::ranges::find(outputs, payments[0]);
      payment.value -= new_fee - old_fee;
      if (payment.value < wallet::dust_threshold(payment.script_pubkey))
        throw cannot("could not find suitable outputs");
      wallet::CoinSelection all{{}, new_fee, 0};
      for (std::size_t i = 0; i < coins.size(); ++i) all.inputs.push_back(i);
      std::string made = finish(w, coins, spendable_of(w, coins), all, outputs, {}, shape_of(outputs, {}),
                                old.lock_time(), true, !unsigned_tx);
      self().forget_local(call, old.txid());  // replaced
      return made;
    }
    const std::size_t required = coins.size();
    self().forget_listed_locals(call);
    std::vector<wallet::WalletCoin> more = w.spendable_coins(self().local_height());
    std::erase_if(more, [&](const wallet::WalletCoin& c) { return c.outpoint.txid == old.txid(); });  // its own change
    if (from_coins) keep_only(more, *from_coins);
    for (const auto& c : more)
      if (std::ranges::find(coins, c.outpoint, &wallet::WalletCoin::outpoint) == coins.end()) coins.push_back(c);

    const auto change = w.address(old_change ? *old_change : w.change_slot(coins.front().slot)).script();
    const Bytes change_script(change.begin(), change.end());
    wallet::SpendShape shape = shape_of(payments, change_script);
    shape.sat_per_kvb = static_cast<std::int64_t>(new_fee_rate * 1000 + 0.5);
    std::int64_t target = 0;
    for (const TxOut& p : payments) target += p.value;
    const std::vector<wallet::SpendableCoin> spendable = spendable_of(w, coins);
    auto chosen = wallet::select_coins(spendable, target, shape, required);
    if (!chosen) throw rpc::fault_error("electrum.util.NotEnoughFunds: Insufficient funds");
    const std::int64_t least = least_replacement_fee(old_fee, wallet::selected_vsize(spendable, *chosen, shape));
    if (chosen->fee < least)
      throw cannot("the new fee must exceed the old by 1 sat/vbyte of the new size (" + std::to_string(least) +
                   " sat): ask for a higher rate");
    self().forget_local(call, old.txid());  // replaced
    return finish(w, coins, spendable, *chosen, std::move(payments), change_script, shape, old.lock_time(), true,
                  !unsigned_tx);
  }

  // Electrum's signtransaction: the wallet's signatures on a PSBT (base64 or hex) for every input
  // that spends one of its coins (what the wallet knows of those coins added first, as Electrum's
  // add_input_info does); the network transaction's hex once every input is final, else the PSBT
  // in base64. A raw transaction comes back as it was, as in Electrum.
  std::string signtransaction(const rpc::Call& call, std::string tx, std::optional<std::string> password) {
    (void)password;  // coinkit's wallets are not encrypted
    auto& w = self().wallet(call);
    auto psbt = psbt_argument(tx);
    if (!psbt) return to_hex(transaction_argument(tx).serialize());
    check_psbt_coin();
    if (wallet::is_watching_only(w.keys())) throw watching_only();
    const Transaction base(psbt->unsigned_tx());
    const PrecomputedTxData pre(base);
    wallet::SigningKeys keys(w.keys());
    for (std::size_t i = 0; i < psbt->inputs.size(); ++i) {
      wallet::PsbtInput& in = psbt->inputs[i];
      if (in.is_final()) continue;
      add_input_info(w, in);
      const auto spent = in.spent_output();
      const auto slot = spent ? w.slot_of_script(spent->script_pubkey) : std::nullopt;
      if (!slot) continue;
      const auto& a = w.address(*slot);
      auto key = keys.key(a.change, a.index, a.script());
      if (!key)
        throw rpc::fault_error("Exception: cannot sign for " + w.address_text(*slot) + ": " + key.error().message());
      if (key->type == TxinType::p2wpkh_p2sh && in.redeem_script.empty())
        in.redeem_script = p2wpkh_script(key->key.public_key().key_id());
      const PrivateKey signer[] = {key->key};
      wallet::sign_psbt_input(*psbt, base, pre, i, signer);
    }
    if (!wallet::finalize_psbt(*psbt)) return psbt->to_base64();
    return to_hex(psbt->extract().serialize());
  }

  // Electrum's sweep: a transaction paying every coin of the keys (WIF, whitespace-separated,
  // with Electrum's "type:" prefixes; at most `imax` coins) to `destination`, less the fee (the
  // whole `fee`, else the fee policy's for its size), signed and not broadcast. As in Electrum,
  // a p2pkh key's pay-to-pubkey outputs are swept too (a WIF does not tell the two apart).
  boost::asio::awaitable<std::string> sweep(std::string privkey, std::string destination, std::optional<Amount> fee,
                                            bool nocheck, std::int64_t imax) {
    (void)nocheck;
    const Network& net = self().network();
    // Everything from the arguments is read before the first suspension.
    struct Key {
      PrivateKey key;
      TxinType type;
      Bytes script;
    };
    std::vector<Key> keys;
    for (std::string_view word : whitespace_list(privkey)) {
      auto wif = decode_electrum_wif(word, net.wif_prefix);
      if (!wif) throw rpc::fault_error("Exception: invalid private key: " + wif.error().message());
      if (!has_segwit(net.address) && is_segwit(wif->txin_type))
        throw rpc::fault_error("Exception: " + wallet::make_error_code(wallet::error::segwit_key).message());
      auto script = wallet::key_script(wif->txin_type, wif->key.public_key());
      if (!script)
        throw rpc::fault_error("Exception: cannot sweep a key of type " + std::string(to_string(wif->txin_type)));
      keys.push_back({wif->key, wif->txin_type, std::move(*script)});
      if (wif->txin_type == TxinType::p2pkh)
        keys.push_back({wif->key, TxinType::p2pk, wallet::key_script(TxinType::p2pk, wif->key.public_key()).value()});
    }
    if (keys.empty()) throw rpc::fault_error("Exception: no private key given");
    const Bytes to = address_argument(destination, net);
    const std::optional<std::int64_t> whole_fee = fee ? std::optional(fee->units) : std::nullopt;
    const std::size_t max_inputs = imax > 0 ? static_cast<std::size_t>(imax) : 0;

    std::vector<std::pair<TxIn, std::size_t>> found;  // each input, and whose key signs it
    std::vector<TxOut> spent;
    std::int64_t total = 0;
    std::size_t weight = 0;
    bool segwit = false;  // of the inputs found
    for (std::size_t k = 0; k < keys.size(); ++k) {
      auto coins = co_await self().source().unspent(electrum_scripthash(keys[k].script));
      if (!coins) throw rpc::fault_error("Exception: " + coins.error().message);
      for (const auto& c : *coins) {
        if (found.size() == max_inputs) break;
        TxIn in;
        in.prevout = {c.txid, c.vout};
        in.sequence = electron_cash() ? 0xfffffffe : 0xfffffffd;  // RBF, as Electrum's default
        found.push_back({std::move(in), k});
        spent.push_back(TxOut{c.value, keys[k].script});
        total += c.value;
        weight += wallet::signed_input_weight(keys[k].type, keys[k].key.compressed());
        segwit |= is_segwit(keys[k].type);
      }
    }
    if (found.empty()) throw rpc::fault_error("Exception: No inputs found.");
    std::int64_t paid_fee = 0;
    if (whole_fee) {
      paid_fee = *whole_fee;
    } else {
      const auto rate = co_await self().fee_per_kvb();
      if (!rate) throw rpc::fault_error("Exception: Dynamic fee estimates not available");
      wallet::SpendShape shape = shape_of({TxOut{0, to}}, {});
      paid_fee = wallet::fee_for_vsize(*rate, (shape.weight(found.size(), weight, segwit, false) + 3) / 4);
    }
    if (total - paid_fee < wallet::dust_threshold(to))
      throw rpc::fault_error("Exception: Not enough funds on address.\nTotal: " + std::to_string(total) +
                             " satoshis\nFee: " + std::to_string(paid_fee));

    // BIP69 order, as Electrum's from_io.
    std::vector<std::size_t> order(found.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::ranges::sort(order, [&](std::size_t a, std::size_t b) {
      return bip69_before(found[a].first.prevout, found[b].first.prevout);
    });
    MutableTransaction m;
    m.lock_time = static_cast<std::uint32_t>(std::max(self().local_height(), 0));
    for (std::size_t i : order) m.inputs.push_back(found[i].first);
    m.outputs.push_back(TxOut{total - paid_fee, to});
    wallet::sign_inputs(
        m,
        [&](std::size_t j) {
          const Key& k = keys[found[order[j]].second];
          return std::optional<wallet::InputSigner>({spent[order[j]], k.key, k.type});
        },
        fork_id());
    co_return to_hex(m.serialize());
  }

  // Electrum's serialize: a transaction from JSON: inputs by prevout_hash and prevout_n (or
  // "output": "txid:n"), each with value_sats (or value) and nsequence, and signed where it names
  // a private key; outputs by address and value_sats (or value); locktime. In BIP69 order, as
  // Electrum's from_io. The hex once every input is signed, else the PSBT.
  std::string serialize(boost::json::object jsontx) {
    const Network& net = self().network();
    auto field = [](const boost::json::object& o,
                    std::initializer_list<const char*> names) -> const boost::json::value* {
      for (const char* n : names)
        if (const auto* v = o.if_contains(n)) return v;
      return nullptr;
    };
    auto integer = [&](const boost::json::object& o, std::initializer_list<const char*> names, const char* what) {
      const auto* v = field(o, names);
      std::int64_t n = 0;
      if (v && v->is_int64()) return v->get_int64();
      if (v && v->is_uint64() && v->get_uint64() <= INT64_MAX) return static_cast<std::int64_t>(v->get_uint64());
      if (v && v->is_string()) {
        const std::string_view t = v->get_string();
        const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
        if (ec == std::errc{} && end == t.data() + t.size()) return n;
      }
      throw rpc::fault_error(std::string("Exception: ") + what + " must be an integer");
    };
    auto list = [&](const char* name) -> const boost::json::array& {
      const auto* v = jsontx.if_contains(name);
      if (!v || !v->is_array()) throw rpc::fault_error(std::string("Exception: jsontx needs a list of ") + name);
      return v->get_array();
    };
    struct Input {
      TxIn in;
      std::int64_t value;
      std::optional<ElectrumWif> key;
    };
    std::vector<Input> inputs;
    for (const auto& entry : list("inputs")) {
      if (!entry.is_object()) throw rpc::fault_error("Exception: each input must be an object");
      const auto& o = entry.get_object();
      Input i{{}, integer(o, {"value", "value_sats"}, "an input's value_sats"), std::nullopt};
      if (const auto* h = o.if_contains("prevout_hash"); h && h->is_string()) {
        i.in.prevout.txid = txid_argument(std::string(h->get_string()));
        i.in.prevout.index = static_cast<std::uint32_t>(integer(o, {"prevout_n"}, "prevout_n"));
      } else if (const auto* out = o.if_contains("output"); out && out->is_string()) {
        i.in.prevout = coin_argument(std::string(out->get_string()));
      } else {
        throw rpc::fault_error("Exception: missing prevout for txin");
      }
      i.in.sequence =
          o.contains("nsequence") ? static_cast<std::uint32_t>(integer(o, {"nsequence"}, "nsequence")) : 0xfffffffe;
      if (const auto* k = o.if_contains("privkey"); k && k->is_string() && !k->get_string().empty()) {
        auto wif = decode_electrum_wif(std::string_view(k->get_string()), net.wif_prefix);
        if (!wif) throw rpc::fault_error("Exception: invalid private key: " + wif.error().message());
        i.key = *wif;
      }
      inputs.push_back(std::move(i));
    }
    std::vector<TxOut> outputs;
    for (const auto& entry : list("outputs")) {
      const auto* o = entry.if_object();
      const auto* address = o ? o->if_contains("address") : nullptr;
      if (!address || !address->is_string()) throw rpc::fault_error("Exception: each output needs an address");
      outputs.push_back(TxOut{integer(*o, {"value", "value_sats"}, "an output's value_sats"),
                              address_argument(std::string(address->get_string()), net)});
    }
    std::ranges::sort(inputs, [](const Input& a, const Input& b) { return bip69_before(a.in.prevout, b.in.prevout); });
    sort_outputs(outputs);
    MutableTransaction m;
    m.lock_time =
        static_cast<std::uint32_t>(jsontx.contains("locktime") ? integer(jsontx, {"locktime"}, "locktime") : 0);
    for (const Input& i : inputs) m.inputs.push_back(i.in);
    m.outputs = std::move(outputs);
    const MutableTransaction unsigned_m = m;
    const bool complete = wallet::sign_inputs(
        m,
        [&](std::size_t i) -> std::optional<wallet::InputSigner> {
          if (!inputs[i].key) return std::nullopt;
          const auto& k = *inputs[i].key;
          auto script = wallet::key_script(k.txin_type, k.key.public_key());
          if (!script)
            throw rpc::fault_error("Exception: cannot sign an input of type " + std::string(to_string(k.txin_type)));
          return wallet::InputSigner{TxOut{inputs[i].value, std::move(*script)}, k.key, k.txin_type};
        },
        fork_id());
    if (complete) return to_hex(m.serialize());
    check_psbt_coin();
    wallet::Psbt psbt = wallet::Psbt::from_unsigned(unsigned_m);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      psbt.inputs[i].final_script_sig = m.inputs[i].script_sig;
      psbt.inputs[i].final_script_witness = m.inputs[i].witness;
    }
    return psbt.to_base64();
  }

  // Electrum's deserialize: a raw transaction's or a PSBT's JSON, as Electrum's to_json.
  boost::json::object deserialize(std::string tx) {
    if (auto psbt = psbt_argument(tx)) return electrum_psbt_json(*psbt, self().network().address);
    return electrum_tx_json(transaction_argument(tx), self().network().address);
  }

  // Electrum's broadcast: the txid, once the server (and its node) accepted the transaction. A
  // call that names a wallet keeps the transaction as one of its local ones until the server
  // lists it, so that the next payto does not spend the same coins again.
  boost::asio::awaitable<std::string> broadcast(const rpc::Call& call, std::string tx) {
    const Transaction parsed = transaction_argument(tx);
    auto r = co_await self().source().broadcast(parsed.serialize());
    if (!r) throw rpc::fault_error("Exception: the server refused the transaction: " + r.error().message);
    if (call.wallet().present()) self().keep_local(call, parsed);
    co_return r->to_hex();
  }

  // Electrum's addtransaction: the transaction as a local one of the wallet; false when the
  // wallet has it already.
  boost::json::value addtransaction(const rpc::Call& call, std::string tx) {
    Transaction parsed = transaction_argument(tx);
    const std::string id = parsed.txid().to_hex();
    if (!self().keep_local(call, std::move(parsed))) return false;
    return boost::json::string(id);
  }

  // Electrum's removelocaltx: forgets a local transaction (its coins can be spent again).
  bool removelocaltx(const rpc::Call& call, std::string txid) {
    if (!self().forget_local(call, txid_argument(txid)))
      throw rpc::fault_error("Exception: Transaction not in wallet: " + txid);
    return true;
  }

  // Bitcart's: the fee the policy asks for a transaction of this size (a raw transaction, or its
  // size in vbytes), as a decimal amount.
  boost::asio::awaitable<std::string> get_default_fee(boost::json::value tx) {
    std::size_t vsize = 0;
    if (tx.is_int64() && tx.get_int64() >= 0)
      vsize = static_cast<std::size_t>(tx.get_int64());
    else if (tx.is_string())
      vsize = transaction_argument(std::string(tx.get_string())).vsize();
    else
      throw rpc::fault_error("TypeError: tx must be a raw transaction or a size, not " +
                             std::string(rpc::python_type(tx)));
    const auto rate = co_await self().fee_per_kvb();
    if (!rate) throw rpc::fault_error("Exception: Dynamic fee estimates not available");
    co_return decimal(wallet::fee_for_vsize(*rate, vsize));
  }

  // Bitcart's get_used_fee: what a transaction of the wallet paid, from the outputs it spends
  // (null when one of them is not known here: a transaction the wallet only received from).
  boost::json::value get_used_fee(const rpc::Call& call, std::string tx_hash) {
    auto& w = self().wallet(call);
    const Txid id = txid_argument(tx_hash);
    const Transaction* tx = w.known_transaction(id);
    if (!tx) throw rpc::fault_error("Exception: No such blockchain transaction");
    std::int64_t fee = 0;
    for (const TxIn& in : tx->inputs()) {
      const Transaction* prev = w.known_transaction(in.prevout.txid);
      if (!prev || in.prevout.index >= prev->outputs().size()) return nullptr;
      fee += prev->outputs()[in.prevout.index].value;
    }
    for (const TxOut& out : tx->outputs()) fee -= out.value;
    return boost::json::string(decimal(fee));
  }

  static constexpr auto rpc_methods() {
    using S = Payouts;
    // (Written out for each: GCC 12 does not instantiate member pointers named in a generic lambda.)
    auto common = rpc::methods(
        rpc::method<&S::payto>("payto", rpc::requires_wallet | rpc::requires_network, "Create a transaction.",
                               rpc::arg("destination"), rpc::arg("amount"), rpc::arg("fee", std::nullopt),
                               rpc::arg("feerate", std::nullopt), rpc::arg("from_addr", std::nullopt),
                               rpc::arg("from_coins", std::nullopt), rpc::arg("change_addr", std::nullopt),
                               rpc::arg("nocheck", false), rpc::arg("unsigned", false), rpc::arg("rbf", std::nullopt),
                               rpc::arg("locktime", std::nullopt), rpc::arg("addtransaction", false)),
        rpc::method<&S::paytomany>(
            "paytomany", rpc::requires_wallet | rpc::requires_network, "Create a multi-output transaction.",
            rpc::arg("outputs"), rpc::arg("fee", std::nullopt), rpc::arg("feerate", std::nullopt),
            rpc::arg("from_addr", std::nullopt), rpc::arg("from_coins", std::nullopt),
            rpc::arg("change_addr", std::nullopt), rpc::arg("nocheck", false), rpc::arg("unsigned", false),
            rpc::arg("rbf", std::nullopt), rpc::arg("locktime", std::nullopt), rpc::arg("addtransaction", false)),
        rpc::method<&S::signtransaction>("signtransaction", rpc::requires_wallet,
                                         "Sign a transaction. The wallet keys will be used to sign the transaction.",
                                         rpc::arg("tx"), rpc::arg("password", std::nullopt)),
        rpc::method<&S::sweep>("sweep", rpc::requires_network,
                               "Sweep private keys. Returns a transaction that spends UTXOs from privkey to a "
                               "destination address. The transaction is not broadcasted.",
                               rpc::arg("privkey"), rpc::arg("destination"), rpc::arg("fee", std::nullopt),
                               rpc::arg("nocheck", false), rpc::arg("imax", 100)),
        rpc::method<&S::serialize>("serialize", rpc::no_flags, "Create a transaction from json inputs.",
                                   rpc::arg("jsontx")),
        rpc::method<&S::deserialize>("deserialize", rpc::no_flags, "Deserialize a serialized transaction",
                                     rpc::arg("tx")),
        rpc::method<&S::broadcast>("broadcast", rpc::requires_network, "Broadcast a transaction to the network.",
                                   rpc::arg("tx")),
        rpc::method<&S::addtransaction>("addtransaction", rpc::requires_wallet,
                                        "Add a transaction to the wallet history.", rpc::arg("tx")),
        rpc::method<&S::removelocaltx>("removelocaltx", rpc::requires_wallet,
                                       "Remove a 'local' transaction from the wallet, and its dependent transactions.",
                                       rpc::arg("txid")),
        rpc::method<&S::get_used_fee>("get_used_fee", rpc::requires_wallet, "The fee a transaction of the wallet paid.",
                                      rpc::arg("tx_hash")),
        rpc::method<&S::get_default_fee>("get_default_fee", rpc::requires_network,
                                         "The fee of the fee policy for a transaction or a size in vbytes.",
                                         rpc::arg("tx")));
    if constexpr (electron_cash())  // no RBF, so no bumpfee
      return common;
    else
      return rpc::combine(common, rpc::methods(rpc::method<&S::bumpfee>(
                                      "bumpfee", rpc::requires_wallet, "Bump the Fee for an unconfirmed Transaction",
                                      rpc::arg("tx"), rpc::arg("new_fee_rate"), rpc::arg("from_coins", std::nullopt),
                                      rpc::arg("decrease_payment", false), rpc::arg("unsigned", false))));
  }

 private:
  Self& self() noexcept { return static_cast<Self&>(*this); }
  static constexpr bool electron_cash() { return wallet::is_electron_cash<typename Self::Wallet>; }

  static rpc::fault_error watching_only() { return rpc::fault_error("Exception: This is a watching-only wallet"); }

  // PSBTs sign with Bitcoin's digests: a FORKID coin's wallets (Electron Cash's) have no PSBT.
  static void check_psbt_coin() {
    if (fork_id()) throw rpc::fault_error("Exception: unsigned transactions (PSBT) are not made for this coin");
  }

  static constexpr unsigned decimals = static_cast<unsigned>(Self::Coin::decimals);
  static std::string decimal(std::int64_t units) { return format_amount(units, decimals, amount_style::decimal); }

  static PaymentOptions payment_options(std::optional<Amount> fee, std::optional<double> feerate,
                                        std::optional<std::string> from_addr, std::optional<std::string> from_coins,
                                        std::optional<std::string> change_addr, bool unsigned_tx,
                                        std::optional<bool> rbf, std::optional<std::int64_t> locktime) {
    if (fee && feerate) throw rpc::fault_error("Exception: Cannot specify both 'fee' and 'feerate' at the same time!");
    if (feerate && !(*feerate >= 0))
      throw rpc::fault_error("Exception: feerate must be a rate in sat/vbyte, not negative");
    if (fee && fee->units < 0) throw rpc::fault_error("Exception: fee must not be negative");
    if (locktime && (*locktime < 0 || *locktime > 0xffffffff))
      throw rpc::fault_error("Exception: locktime must be between 0 and 4294967295");
    PaymentOptions o;
    if (fee) o.fee = fee->units;
    o.feerate = feerate, o.from_addr = std::move(from_addr), o.from_coins = std::move(from_coins);
    o.change_addr = std::move(change_addr), o.unsigned_ = unsigned_tx,
    o.rbf = rbf.value_or(!electron_cash());  // Electron Cash: final sequences
    o.locktime = locktime;
    return o;
  }

  // An output's amount: a decimal (text or number) in coins, or "!" for everything left.
  static std::optional<std::int64_t> amount_or_max(const boost::json::value& v) {
    if (v.is_string() && v.get_string() == "!") return std::nullopt;
    if (!v.is_string() && !v.is_number()) throw rpc::fault_error("Exception: an amount must be a number or '!'");
    auto units = try_parse_amount(rpc::python_str(v), decimals);
    if (!units || *units < 0) throw rpc::fault_error("Exception: invalid amount: " + rpc::python_str(v));
    return *units;
  }

  // Electrum's domain_coins: the coins named ("txid:n", comma-separated) and no other.
  static void keep_only(std::vector<wallet::WalletCoin>& coins, std::string_view names) {
    const auto wanted = comma_list(names);
    std::erase_if(coins, [&](const wallet::WalletCoin& c) {
      const std::string name = c.outpoint.txid.to_hex() + ":" + std::to_string(c.outpoint.index);
      return std::ranges::find(wanted, std::string_view(name)) == wanted.end();
    });
  }

  // BIP69's input order: by the txid as shown (hex), then by index.
  static bool bip69_before(const OutPoint& x, const OutPoint& y) {
    const std::string hx = x.txid.to_hex(), hy = y.txid.to_hex();
    return hx != hy ? hx < hy : x.index < y.index;
  }

  // BIP69's output order: by value, then by script.
  static void sort_outputs(std::vector<TxOut>& outputs) {
    std::ranges::sort(outputs, [](const TxOut& a, const TxOut& b) {
      return a.value != b.value ? a.value < b.value
                                : std::ranges::lexicographical_compare(a.script_pubkey, b.script_pubkey);
    });
  }

  static std::vector<std::string_view> whitespace_list(std::string_view text) {
    std::vector<std::string_view> out;
    for (std::size_t pos = 0; pos < text.size();) {
      const std::size_t begin = text.find_first_not_of(" \t\r\n", pos);
      if (begin == std::string_view::npos) break;
      const std::size_t end = std::min(text.find_first_of(" \t\r\n", begin), text.size());
      out.push_back(text.substr(begin, end - begin));
      pos = end;
    }
    return out;
  }

  static std::vector<std::string_view> comma_list(std::string_view text) {
    std::vector<std::string_view> out;
    for (std::size_t pos = 0; pos <= text.size();) {
      const std::size_t end = std::min(text.find(',', pos), text.size());
      out.push_back(text.substr(pos, end - pos));
      pos = end + 1;
    }
    return out;
  }

  // Builds, checks and signs the transaction; its hex (nothing is broadcast here).
  std::string make_payment(const rpc::Call& call, const boost::json::array& requested, const PaymentOptions& o,
                           std::optional<std::int64_t> policy_rate, bool add_to_wallet) {
    auto& w = self().wallet(call);
    const Network& net = self().network();
    if (o.unsigned_) {
      check_psbt_coin();
      if (add_to_wallet) throw rpc::fault_error("Exception: an unsigned transaction cannot be added to the wallet");
    } else if (wallet::is_watching_only(w.keys())) {
      throw watching_only();
    }
    if (!o.fee && !o.feerate && !policy_rate) throw rpc::fault_error("Exception: Dynamic fee estimates not available");

    // The outputs, with at most one taking "everything else".
    std::vector<TxOut> outputs;
    std::optional<std::size_t> max_output;
    std::int64_t target = 0;
    if (requested.empty()) throw rpc::fault_error("Exception: no outputs");
    for (const auto& entry : requested) {
      const auto* pair = entry.if_array();
      if (!pair || pair->size() != 2 || !(*pair)[0].is_string())
        throw rpc::fault_error("Exception: each output must be [address, amount]");
      TxOut out;
      out.script_pubkey = address_argument(std::string((*pair)[0].get_string()), net);
      const auto value = amount_or_max((*pair)[1]);
      if (!value) {
        if (max_output) throw rpc::fault_error("Exception: only one output can spend the maximum ('!')");
        max_output = outputs.size();
      } else {
        out.value = *value;
        target += *value;
        if (out.value < wallet::dust_threshold(out.script_pubkey))
          throw rpc::fault_error("Exception: the amount " + decimal(out.value) + " is below the dust threshold of " +
                                 decimal(wallet::dust_threshold(out.script_pubkey)) + " for its address");
      }
      outputs.push_back(std::move(out));
    }

    // The coins it may spend, as SpendableCoins with the weight of their signed inputs.
    const int height = self().local_height();
    self().forget_listed_locals(call);
    std::vector<wallet::WalletCoin> coins = w.spendable_coins(height);
    if (o.from_addr) {
      std::vector<std::uint32_t> slots;
      for (auto a : comma_list(*o.from_addr)) {
        const std::string text(a);
        (void)address_argument(text, net);  // an invalid address is an error, not an empty domain
        if (auto slot = w.slot_of(text)) slots.push_back(*slot);
      }
      std::erase_if(coins,
                    [&](const wallet::WalletCoin& c) { return std::ranges::find(slots, c.slot) == slots.end(); });
    }
    if (o.from_coins) keep_only(coins, *o.from_coins);
    const std::vector<wallet::SpendableCoin> spendable = spendable_of(w, coins);

    // Where change goes.
    Bytes change_script;
    if (o.change_addr) {
      change_script = address_argument(*o.change_addr, net);
    } else {
      const std::uint32_t fallback = coins.empty() ? 0 : coins.front().slot;
      const auto s = w.address(w.change_slot(fallback)).script();
      change_script.assign(s.begin(), s.end());
    }

    wallet::SpendShape shape = shape_of(outputs, change_script);
    if (o.fee)
      shape.fixed_fee = *o.fee;
    else
      shape.sat_per_kvb = o.feerate ? static_cast<std::int64_t>(*o.feerate * 1000 + 0.5) : *policy_rate;

    result<wallet::CoinSelection> chosen = error_code{};
    if (max_output) {
      std::int64_t rest = 0;
      chosen = wallet::select_all(spendable, target, shape, rest);
      if (chosen) {
        outputs[*max_output].value = rest;
        if (rest < wallet::dust_threshold(outputs[*max_output].script_pubkey)) chosen = wallet::error::not_enough_funds;
      }
    } else {
      chosen = wallet::select_coins(spendable, target, shape);
    }
    if (!chosen) throw rpc::fault_error("electrum.util.NotEnoughFunds: Insufficient funds");

    std::string made =
        finish(w, coins, spendable, *chosen, std::move(outputs), change_script, shape,
               o.locktime ? static_cast<std::uint32_t>(*o.locktime) : static_cast<std::uint32_t>(std::max(height, 0)),
               o.rbf, !o.unsigned_);
    if (add_to_wallet) self().keep_local(call, Transaction::parse(from_hex(made)));
    return made;
  }

  // The transaction of the chosen coins, the outputs and the change, in BIP69 order as Electrum
  // orders a new one; its fee held against the node's limit (a typo in `fee` would burn the
  // coins); signed by the wallet's keys, its hex; or not signed, a PSBT in base64.
  template <class Wallet>
  std::string finish(Wallet& w, const std::vector<wallet::WalletCoin>& coins,
                     const std::vector<wallet::SpendableCoin>& spendable, const wallet::CoinSelection& chosen,
                     std::vector<TxOut> outputs, const Bytes& change_script, wallet::SpendShape shape,
                     std::uint32_t lock_time, bool rbf, bool sign) {
    MutableTransaction m;
    m.version = 2;
    m.lock_time = lock_time;
    std::vector<std::pair<wallet::WalletCoin, TxOut>> spent;
    for (std::size_t i : chosen.inputs) {
      const auto& c = coins[i];
      const auto s = w.address(c.slot).script();
      spent.push_back({c, TxOut{c.value, Bytes(s.begin(), s.end())}});
    }
    std::ranges::sort(spent,
                      [](const auto& a, const auto& b) { return bip69_before(a.first.outpoint, b.first.outpoint); });
    for (const auto& [c, out] : spent) {
      TxIn in;
      in.prevout = c.outpoint;
      in.sequence = rbf ? 0xfffffffd : 0xfffffffe;
      m.inputs.push_back(std::move(in));
    }
    if (chosen.change > 0) outputs.push_back(TxOut{chosen.change, change_script});
    sort_outputs(outputs);
    m.outputs = std::move(outputs);

    std::int64_t in_sum = 0, out_sum = 0;
    for (const auto& [c, out] : spent) in_sum += c.value;
    for (const TxOut& out : m.outputs) out_sum += out.value;
    const std::int64_t fee = in_sum - out_sum;
    shape.output_count = m.outputs.size() - (chosen.change > 0);
    if (fee > wallet::fee_for_vsize(max_fee_per_kvb, wallet::selected_vsize(spendable, chosen, shape)))
      throw rpc::fault_error("Exception: the fee of " + decimal(fee) + " is above the maximum rate of " +
                             std::to_string(max_fee_per_kvb / 1000) + " sat/vbyte: refused");

    if (!sign) return unsigned_psbt(w, m).to_base64();
    wallet::SigningKeys keys(w.keys());
    wallet::sign_inputs(
        m,
        [&](std::size_t i) {
          const auto& [c, out] = spent[i];
          const auto& a = w.address(c.slot);
          auto key = keys.key(a.change, a.index, a.script());
          if (!key)
            throw rpc::fault_error("Exception: cannot sign for " + w.address_text(c.slot) + ": " +
                                   key.error().message());
          return std::optional<wallet::InputSigner>({out, key->key, key->type});
        },
        fork_id());
    return to_hex(m.serialize());
  }

  // Electrum's unsigned transaction: a PSBT whose inputs carry what the wallet knows of them and
  // whose change outputs say they are the wallet's (its add_input_info and add_output_info).
  template <class Wallet>
  static wallet::Psbt unsigned_psbt(const Wallet& w, const MutableTransaction& m) {
    wallet::Psbt psbt = wallet::Psbt::from_unsigned(m);
    for (wallet::PsbtInput& in : psbt.inputs) add_input_info(w, in);
    for (wallet::PsbtOutput& out : psbt.outputs)
      if (auto slot = w.slot_of_script(out.script)) add_key_origin(w, *slot, out.bip32_paths);
    return psbt;
  }

  // What the wallet knows of an input spending one of its coins: the previous transaction, the
  // spent output (segwit), the redeem script (p2wpkh-p2sh) and the key's BIP32 origin.
  template <class Wallet>
  static void add_input_info(const Wallet& w, wallet::PsbtInput& in) {
    if (!in.non_witness_utxo)
      if (const Transaction* prev = w.known_transaction(in.prevout.txid)) in.non_witness_utxo = *prev;
    const auto spent = in.spent_output();
    const auto slot = spent ? w.slot_of_script(spent->script_pubkey) : std::nullopt;
    if (!slot) return;
    const TxinType type = input_type(w, *slot);
    if (is_segwit(type) && !in.witness_utxo) in.witness_utxo = spent;
    const auto pub = add_key_origin(w, *slot, in.bip32_paths);
    if (type == TxinType::p2wpkh_p2sh && in.redeem_script.empty() && pub)
      in.redeem_script = p2wpkh_script(pub->key_id());
  }

  // A BIP32 wallet's key of the slot, with its origin as Electrum gives it without the root: the
  // account key's fingerprint and (change, index). Returns the slot's public key where known.
  template <class Wallet>
  static std::optional<PublicKey> add_key_origin(const Wallet& w, std::uint32_t slot,
                                                 std::map<Bytes, wallet::KeyOrigin>& paths) {
    const auto& a = w.address(slot);
    if (const auto* b = std::get_if<wallet::Bip32Keys>(&w.keys())) {
      const PublicKey pub = w.public_key(a);
      paths.emplace(Bytes(pub.bytes().begin(), pub.bytes().end()),
                    wallet::KeyOrigin{b->xpub.fingerprint(), {a.change ? 1u : 0u, a.index}});
      return pub;
    }
    auto key = wallet::signing_key(w.keys(), a.change, a.index, a.script());
    if (key) return key->key.public_key();
    return std::nullopt;
  }

  template <class Wallet>
  static std::vector<wallet::SpendableCoin> spendable_of(const Wallet& w,
                                                         const std::vector<wallet::WalletCoin>& coins) {
    std::vector<wallet::SpendableCoin> out;
    out.reserve(coins.size());
    for (const auto& c : coins) {
      const auto type = input_type(w, c.slot);
      out.push_back({c.outpoint, c.value, c.height, wallet::signed_input_weight(type, compressed_key(w, c.slot)),
                     is_segwit(type)});
    }
    return out;
  }

  static wallet::SpendShape shape_of(const std::vector<TxOut>& outputs, const Bytes& change_script) {
    wallet::SpendShape shape;
    shape.output_count = outputs.size();
    for (const TxOut& out : outputs)
      shape.outputs_size += 8 + compact_size_length(out.script_pubkey.size()) + out.script_pubkey.size();
    shape.change_output_size = 8 + compact_size_length(change_script.size()) + change_script.size();
    return shape;
  }

  // BIP125 rule 4: a replacement pays the fee it replaces and its own relay at the node's
  // incremental relay fee, 1 sat/vbyte.
  static std::int64_t least_replacement_fee(std::int64_t old_fee, std::size_t vsize) {
    return old_fee + static_cast<std::int64_t>(vsize);
  }

  static constexpr std::optional<std::uint32_t> fork_id() {
    if (Self::Coin::sighash == SighashScheme::forkid) return Self::Coin::fork_id;
    return std::nullopt;
  }

  // The script type an input spending the slot's address signs as.
  template <class Wallet>
  static TxinType input_type(const Wallet& w, std::uint32_t slot) {
    const ByteSpan script = w.address(slot).script();
    if (script.size() == 22 && script[0] == 0) return TxinType::p2wpkh;
    if (script.size() == 23 && script[0] == 0xa9) return TxinType::p2wpkh_p2sh;
    return TxinType::p2pkh;
  }
  // Whether the slot's key is compressed: an Electrum 1.x wallet's are not, an imported key says
  // (uncompressed p2pkh inputs are 32 bytes larger).
  template <class Wallet>
  static bool compressed_key(const Wallet& w, std::uint32_t slot) {
    if (std::holds_alternative<wallet::OldKeys>(w.keys())) return false;
    if (!std::holds_alternative<wallet::ImportedKeys>(w.keys())) return true;
    const auto& a = w.address(slot);
    auto key = wallet::signing_key(w.keys(), a.change, a.index, a.script());
    return !key || key->key.compressed();
  }
};

}  // namespace coinkit::daemon
