// A wallet daemon's questions to the chain that need no wallet: getaddressbalance,
// getaddresshistory, getaddressunspent, get_transaction, gettransaction, get_tx_hash,
// get_tx_size and recommended_fee, answered through the daemon's chain source.
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/coins/network.hpp>
#include <coinkit/core/amount.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/daemon/methods/arguments.hpp>
#include <coinkit/daemon/methods/electrum_tx_json.hpp>
#include <coinkit/rpc/bitcart.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/wallet/electrum_wallet.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

namespace coinkit::daemon {

// Self: the daemon (source(), synchronizer(), network(), wallets).
template <class Self>
class ChainQueries {
 public:
  boost::asio::awaitable<boost::json::object> getaddressbalance(std::string address) {
    auto r = co_await self().source().balance(script_hash(address));
    if (!r) throw rpc::fault_error(r.error().message);
    co_return boost::json::object{{"confirmed", amount(r->confirmed)}, {"unconfirmed", amount(r->unconfirmed)}};
  }

  boost::asio::awaitable<boost::json::array> getaddresshistory(std::string address) {
    auto r = co_await self().source().history(script_hash(address));
    if (!r) throw rpc::fault_error(r.error().message);
    boost::json::array out;
    for (const auto& item : *r)
      out.push_back(boost::json::object{{"tx_hash", item.txid.to_hex()}, {"height", item.height}});
    co_return out;
  }

  boost::asio::awaitable<boost::json::array> getaddressunspent(std::string address) {
    auto r = co_await self().source().unspent(script_hash(address));
    if (!r) throw rpc::fault_error(r.error().message);
    boost::json::array out;
    for (const auto& c : *r)
      out.push_back(boost::json::object{
          {"tx_hash", c.txid.to_hex()}, {"tx_pos", c.vout}, {"height", c.height}, {"value", c.value}});
    co_return out;
  }

  // Bitcart's: the transaction as Electrum prints it, with the server's confirmations; with
  // `use_spv`, a mined transaction's merkle branch is checked against the daemon's header chain
  // first, and the confirmations are counted on that chain.
  // (Bitcart's BCH daemon: the server's verbose answer as it is, "confirmations" 0 where the
  // server leaves it out.)
  boost::asio::awaitable<boost::json::object> get_transaction(std::string tx_hash, bool use_spv) {
    const Txid id = txid_of(tx_hash);
    auto r = co_await self().source().transaction_info(id);
    if (!r) throw rpc::fault_error(r.error().message);
    if constexpr (electron_cash()) {
      if (!r->verbose.contains("confirmations")) r->verbose["confirmations"] = 0;
      co_return std::move(r->verbose);
    }
    auto tx = Transaction::try_parse(r->raw);
    if (!tx || tx->txid() != id)
      throw rpc::fault_error("Exception: the server sent another transaction than " + tx_hash);
    int confirmations = r->confirmations;
    if (use_spv && confirmations > 0) {
      auto& sync = self().synchronizer();
      const int height = sync.server_height() - confirmations + 1;
      auto proof = co_await self().source().proof(id, height);
      const auto* chain = sync.header_chain();
      if (!proof || !chain ||
          !chain->verify_inclusion(Hash256::from(id), proof->branch, proof->pos, static_cast<std::uint32_t>(height)))
        throw rpc::fault_error("Exception: the transaction's merkle proof at height " + std::to_string(height) +
                               " does not check out against the headers");
      confirmations = sync.local_height() - height + 1;
    }
    auto out = electrum_tx_json(*tx, self().network().address);
    out.emplace("confirmations", confirmations);
    co_return out;
  }

  // Electrum's: the raw transaction, from the wallet when it has it.
  boost::asio::awaitable<std::string> gettransaction(const rpc::Call& call, std::string txid) {
    const Txid id = txid_of(txid);
    if (call.wallet().present())
      if (const auto* t = self().wallet(call).history().transaction(id)) co_return to_hex(t->tx.serialize());
    auto r = co_await self().source().transaction(id);
    if (!r) throw rpc::fault_error("Exception: Unknown transaction");
    auto tx = Transaction::try_parse(*r);
    if (!tx || tx->txid() != id) throw rpc::fault_error("Exception: Mismatching txid");
    co_return to_hex(*r);
  }

  std::string get_tx_hash(std::string tx) { return parse(tx).txid().to_hex(); }
  std::int64_t get_tx_size(std::string tx) { return static_cast<std::int64_t>(parse(tx).vsize()); }

  // Bitcart's: the fee rate (sat/kvB) for confirmation within `target` blocks, null without an
  // estimate (regtest).
  // (Bitcart's BCH daemon: always 0, Electron Cash has no fee estimates.)
  boost::asio::awaitable<boost::json::value> recommended_fee(std::int64_t target) {
    if (target < 1 || target > 1008) throw rpc::fault_error("Exception: target must be between 1 and 1008 blocks");
    if constexpr (electron_cash()) co_return 0;
    auto r = co_await self().source().estimate_fee(static_cast<int>(target));
    if (!r || !*r) co_return nullptr;
    co_return boost::json::value(**r);
  }

  // Electrum's, in the shape Bitcart's Electrum gives it: the fee policy (its default, "eta:2")
  // and its rate in sat/kvB: the server's estimate for 2 blocks, held between Electrum's bounds
  // (1,000 and 1,500,000); 150,000 on regtest, as Electrum fixes it there; null without an estimate.
  // (Electron Cash's: its fee_per_kb.)
  boost::asio::awaitable<boost::json::value> getfeerate() {
    if constexpr (electron_cash()) co_return electron_cash_fee_per_kb;
    co_return fee_policy_json(co_await fee_per_kvb());
  }

  // The fee rate of the daemon's policy (getfeerate's, and what payto pays without `fee` or
  // `feerate`), sat/kvB; none without an estimate. Electron Cash's is fixed: 1,000.
  boost::asio::awaitable<std::optional<std::int64_t>> fee_per_kvb() {
    if constexpr (electron_cash()) co_return electron_cash_fee_per_kb;
    if (self().network().id == NetworkId::regtest) co_return std::int64_t{150'000};
    auto r = co_await self().source().estimate_fee(2);
    if (!r || !*r) co_return std::nullopt;
    co_return std::clamp<std::int64_t>(**r, 1'000, 1'500'000);
  }

  static constexpr auto rpc_methods() {
    using S = ChainQueries;
    return rpc::methods(
        rpc::method<&S::getaddressbalance>("getaddressbalance", rpc::requires_network,
                                           "Return the balance of any address. Note: This is a walletless server "
                                           "query, results are not checked by SPV.",
                                           rpc::arg("address")),
        rpc::method<&S::getaddresshistory>("getaddresshistory", rpc::requires_network,
                                           "Return the transaction history of any address. Note: This is a "
                                           "walletless server query, results are not checked by SPV.",
                                           rpc::arg("address")),
        rpc::method<&S::getaddressunspent>("getaddressunspent", rpc::requires_network,
                                           "Returns the UTXO list of any address. Note: This is a walletless server "
                                           "query, results are not checked by SPV.",
                                           rpc::arg("address")),
        rpc::method<&S::get_transaction>("get_transaction", rpc::requires_network,
                                         "A transaction as Electrum prints it, with its confirmations.",
                                         rpc::arg("tx_hash"), rpc::arg("use_spv", false)),
        rpc::method<&S::gettransaction>("gettransaction", rpc::requires_network, "Retrieve a transaction.",
                                        rpc::arg("txid")),
        rpc::method<&S::get_tx_hash>("get_tx_hash", rpc::no_flags, "The txid of a raw transaction.",
                                     rpc::arg("tx_data")),
        rpc::method<&S::get_tx_size>("get_tx_size", rpc::no_flags, "The virtual size of a raw transaction.",
                                     rpc::arg("tx_data")),
        rpc::method<&S::recommended_fee>("recommended_fee", rpc::requires_network,
                                         "The fee rate (sat/kvB) to be mined within `target` blocks, or null.",
                                         rpc::arg("target")),
        rpc::method<&S::getfeerate>("getfeerate", rpc::requires_network,
                                    "The current fee estimate of the fee policy (sat/kvB)."));
  }

 private:
  Self& self() noexcept { return static_cast<Self&>(*this); }
  static constexpr bool electron_cash() { return wallet::is_electron_cash<typename Self::Wallet>; }
  static constexpr std::int64_t electron_cash_fee_per_kb = 1'000;  // simple_config's default

  // The reply of getfeerate; the tooltip is the rate per vbyte as Electrum's format_fee_satoshis
  // writes it (one decimal, rounded half to even, "150." for a whole number).
  static boost::json::object fee_policy_json(std::optional<std::int64_t> sat_per_kvb) {
    boost::json::object out{{"policy", "eta:2"}, {"description", "Within 2 blocks"}};
    if (!sat_per_kvb) {
      out["sat/kvB"] = nullptr;
      out["tooltip"] = "";
      return out;
    }
    std::int64_t tenths = *sat_per_kvb / 100;
    const std::int64_t rest = *sat_per_kvb % 100;
    if (rest > 50 || (rest == 50 && tenths % 2 == 1)) ++tenths;
    out["sat/kvB"] = *sat_per_kvb;
    out["tooltip"] = format_amount(tenths, 1, amount_style::satoshis) + " sat/vbyte";
    return out;
  }
  static std::string amount(std::int64_t units) {
    return format_amount(units, static_cast<unsigned>(Self::Coin::decimals), amount_style::decimal);
  }

  ScriptHash script_hash(const std::string& address) {
    return electrum_scripthash(address_argument(address, self().network()));
  }
  static Txid txid_of(const std::string& text) { return txid_argument(text); }
  static Transaction parse(const std::string& hex) { return transaction_argument(hex); }
};

}  // namespace coinkit::daemon
