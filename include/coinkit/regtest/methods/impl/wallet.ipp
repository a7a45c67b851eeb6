// The bodies of <coinkit/regtest/methods/wallet.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/regtest/methods/wallet.hpp>

#include <coinkit/address/address.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/rpc/bitcoind.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace coinkit::regtest {

std::optional<std::string> WalletMethods::request_wallet() const {
  if (endpoint_wallet_) {
    if (!node_.wallet_loaded(*endpoint_wallet_))
      fail(rpc_error::wallet_not_found, "Requested wallet does not exist or is not loaded");
    return endpoint_wallet_;
  }
  std::vector<std::string> loaded = node_.wallets();
  if (loaded.empty()) return std::nullopt;  // the faucet
  if (loaded.size() == 1) return std::move(loaded.front());
  fail(rpc_error::wallet_not_specified,
       "Multiple wallets are loaded. Please select which wallet to use by requesting the RPC through the "
       "/wallet/<walletname> URI path.");
}

json::value WalletMethods::getbalance(std::optional<std::string_view> dummy, std::optional<std::int64_t> minconf,
                                      std::optional<bool> /*include_watchonly*/, std::optional<bool> /*avoid_reuse*/) {
  if (dummy && *dummy != "*")
    fail(rpc::bitcoind_code::method_deprecated, "dummy first argument must be excluded or set to \"*\".");
  const auto w = request_wallet();
  const std::int64_t min_conf = minconf.value_or(0);
  if (min_conf <= 0) return rpc::amount_value(node_.balance(w));
  std::int64_t sum = 0;
  for (const Unspent& u : node_.list_unspent(static_cast<int>(min_conf), 9'999'999, w)) sum += u.amount;
  return rpc::amount_value(sum);
}

json::value WalletMethods::listunspent(int minconf, int maxconf, std::optional<json::array> addresses,
                                       std::optional<bool> /*include_unsafe*/,
                                       std::optional<json::object> /*query_options*/) {
  const auto w = request_wallet();
  std::set<std::string> wanted;  // scripts as strings: GCC 12 -O3 misreads set<Bytes>'s memcmp bounds
  if (addresses) {
    for (const json::value& v : *addresses) {
      const std::string_view a = string_element(v);
      auto script = to_script_pubkey(a, node_.params().address_format());
      if (!script) fail(rpc_error::invalid_address_or_key, "Invalid Bitcoin address: " + std::string(a));
      if (!wanted.insert(std::string(as_chars(*script))).second)
        fail(rpc_error::invalid_parameter, "Invalid parameter, duplicated address: " + std::string(a));
    }
  }
  json::array out;
  for (const Unspent& u : node_.list_unspent(minconf, maxconf, w)) {
    if (addresses && !wanted.count(std::string(as_chars(u.script_pubkey)))) continue;
    json::object o;
    o["txid"] = u.outpoint.txid.to_hex();
    o["vout"] = u.outpoint.index;
    o["address"] = u.address;
    o["label"] = "";
    o["scriptPubKey"] = to_hex(u.script_pubkey);
    o["amount"] = rpc::amount_value(u.amount);
    o["confirmations"] = u.confirmations;
    o["spendable"] = true;
    o["solvable"] = true;
    o["parent_descs"] = json::array();
    o["safe"] = true;
    out.emplace_back(std::move(o));
  }
  return out;
}

json::value WalletMethods::sendtoaddress(
    std::string_view address, Amount amount, std::optional<std::string_view> /*comment*/,
    std::optional<std::string_view> /*comment_to*/, bool subtractfeefromamount, std::optional<bool> /*replaceable*/,
    std::optional<std::int64_t> /*conf_target*/, std::optional<std::string_view> /*estimate_mode*/,
    std::optional<bool> /*avoid_reuse*/, std::optional<Amount> fee_rate, bool verbose) {
  SendOptions o;
  o.wallet = request_wallet();
  if (amount.units <= 0) fail(rpc_error::type_error, "Invalid amount for send");
  o.subtract_fee_from_first = subtractfeefromamount;
  if (fee_rate) o.fee_rate_sat_per_kvb = sat_per_kvb_of(*fee_rate);
  const Txid txid = node_.send_to_address(address, amount.units, o).value();
  if (verbose) return json::object{{"txid", txid.to_hex()}, {"fee_reason", "Fallback fee"}};
  return json::value(txid.to_hex());
}

json::value WalletMethods::sendmany(std::optional<std::string_view> dummy, const json::object& amounts,
                                    std::optional<std::int64_t> /*minconf*/,
                                    std::optional<std::string_view> /*comment*/,
                                    std::optional<json::array> subtractfeefrom, std::optional<bool> /*replaceable*/,
                                    std::optional<std::int64_t> /*conf_target*/,
                                    std::optional<std::string_view> /*estimate_mode*/, std::optional<Amount> fee_rate,
                                    bool verbose) {
  SendOptions o;
  o.wallet = request_wallet();
  if (dummy && !dummy->empty()) fail(rpc_error::invalid_parameter, "Dummy value must be set to \"\"");
  std::vector<std::pair<std::string, std::int64_t>> payments;
  std::set<std::string> seen;
  for (const auto& kv : amounts) {
    const std::string address(kv.key());
    if (!is_valid_address(address, node_.params().address_format()))
      fail(rpc_error::invalid_address_or_key, "Invalid Bitcoin address: " + address);
    if (!seen.insert(address).second)
      fail(rpc_error::invalid_parameter, "Invalid parameter, duplicated address: " + address);
    const std::int64_t amount = rpc::amount_from_value(kv.value()).value();
    if (amount <= 0) fail(rpc_error::type_error, "Invalid amount for send");
    payments.emplace_back(address, amount);
  }
  if (payments.empty()) fail(rpc_error::invalid_parameter, "Transaction must have at least one recipient");
  if (subtractfeefrom) o.subtract_fee_from_first = !subtractfeefrom->empty();
  if (fee_rate) o.fee_rate_sat_per_kvb = sat_per_kvb_of(*fee_rate);
  const Txid txid = node_.send_many(payments, o).value();
  if (verbose) return json::object{{"txid", txid.to_hex()}, {"fee_reason", "Fallback fee"}};
  return json::value(txid.to_hex());
}

json::value WalletMethods::listwallets() {
  json::array out;
  for (std::string& name : node_.wallets()) out.emplace_back(std::move(name));
  return out;
}

json::value WalletMethods::createwallet(std::string_view wallet_name, bool disable_private_keys, bool blank,
                                        std::optional<std::string_view> passphrase, bool /*avoid_reuse*/,
                                        bool /*descriptors*/, std::optional<bool> /*load_on_startup*/,
                                        bool external_signer) {
  json::array warnings;
  if (passphrase) {
    if (!passphrase->empty())
      fail(rpc_error::wallet_error,
           "Wallet encryption is not supported by this regtest node (its wallets live in memory)");
    warnings.emplace_back("Empty string given as passphrase, wallet will not be encrypted.");
  }
  if (external_signer)
    fail(rpc_error::wallet_error, "Compiled without external signing support (required for external signing)");
  if (!node_.create_wallet(wallet_name, !disable_private_keys && !blank))
    fail(rpc_error::wallet_error, "Wallet file verification failed. Failed to create database path '" +
                                      wallet_path(wallet_name) + "'. Database already exists.");
  json::object o;
  o["name"] = wallet_name;
  if (!warnings.empty()) o["warnings"] = std::move(warnings);  // Core 26+: only when there are some
  return o;
}

json::value WalletMethods::loadwallet(std::string_view filename, std::optional<bool> /*load_on_startup*/) {
  switch (node_.load_wallet(filename)) {
    case WalletLoad::loaded: break;
    case WalletLoad::already_loaded:
      fail(rpc_error::wallet_already_loaded, "Wallet \"" + std::string(filename) + "\" is already loaded.");
    case WalletLoad::not_found:
      fail(rpc_error::wallet_not_found, "Wallet file verification failed. Failed to load database path '" +
                                            wallet_path(filename) + "'. Path does not exist.");
  }
  return json::object{{"name", filename}};
}

json::value WalletMethods::unloadwallet(std::optional<std::string_view> wallet_name,
                                        std::optional<bool> /*load_on_startup*/) {
  std::string name;
  if (endpoint_wallet_) {
    if (wallet_name && *wallet_name != *endpoint_wallet_)
      fail(rpc_error::invalid_parameter, "RPC endpoint wallet and wallet_name parameter specify different wallets");
    name = *endpoint_wallet_;
  } else {
    if (!wallet_name) fail(rpc_error::misc_error, "JSON value of type null is not of expected type string");
    name = *wallet_name;
  }
  if (!node_.unload_wallet(name)) fail(rpc_error::wallet_not_found, "Requested wallet does not exist or is not loaded");
  return json::object();  // Core 26+: "warnings" only when there are some
}

}  // namespace coinkit::regtest
