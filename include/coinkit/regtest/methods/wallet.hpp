// bitcoind's wallet methods over the regtest node's wallets: getnewaddress, getbalance,
// listunspent, sendtoaddress and sendmany, and the wallet management calls (listwallets,
// createwallet, loadwallet, unloadwallet). A call sent to /wallet/<name> uses that wallet; one sent
// to "/" uses the only loaded wallet, or the node's faucet when none is loaded (where bitcoind
// would answer -18), and fails with -19 when several are. Wallets live in memory, as the node.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/core/amount.hpp>
#include <coinkit/regtest/methods/params.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/rpc/method.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace coinkit::regtest {

class WalletMethods {
 public:
  explicit WalletMethods(BasicNode& node) noexcept : node_(node) {}

  // The wallet the current request is routed to (/wallet/<name>, URL-decoded), nullopt for "/";
  // RpcServer sets it around each request. `dir` is where bitcoind would keep wallets
  // (<datadir>/regtest/wallets), for the paths its error messages quote.
  void set_endpoint_wallet(std::optional<std::string> name) { endpoint_wallet_ = std::move(name); }
  void set_wallet_dir(std::filesystem::path dir) { wallet_dir_ = std::move(dir); }

  json::value getnewaddress(std::optional<std::string_view> /*label*/, std::optional<std::string_view> address_type) {
    const auto w = request_wallet();
    return json::value(node_.get_new_address(address_type, w).value());
  }
  COINKIT_DECL json::value getbalance(std::optional<std::string_view> dummy, std::optional<std::int64_t> minconf,
                                      std::optional<bool> /*include_watchonly*/, std::optional<bool> /*avoid_reuse*/);
  COINKIT_DECL json::value listunspent(int minconf, int maxconf, std::optional<json::array> addresses,
                                       std::optional<bool> /*include_unsafe*/,
                                       std::optional<json::object> /*query_options*/);
  COINKIT_DECL json::value sendtoaddress(
      std::string_view address, Amount amount, std::optional<std::string_view> /*comment*/,
      std::optional<std::string_view> /*comment_to*/, bool subtractfeefromamount, std::optional<bool> /*replaceable*/,
      std::optional<std::int64_t> /*conf_target*/, std::optional<std::string_view> /*estimate_mode*/,
      std::optional<bool> /*avoid_reuse*/, std::optional<Amount> fee_rate, bool verbose);
  COINKIT_DECL json::value sendmany(std::optional<std::string_view> dummy, const json::object& amounts,
                                    std::optional<std::int64_t> /*minconf*/,
                                    std::optional<std::string_view> /*comment*/,
                                    std::optional<json::array> subtractfeefrom, std::optional<bool> /*replaceable*/,
                                    std::optional<std::int64_t> /*conf_target*/,
                                    std::optional<std::string_view> /*estimate_mode*/, std::optional<Amount> fee_rate,
                                    bool verbose);

  COINKIT_DECL json::value listwallets();
  COINKIT_DECL json::value createwallet(std::string_view wallet_name, bool disable_private_keys, bool blank,
                                        std::optional<std::string_view> passphrase, bool /*avoid_reuse*/,
                                        bool /*descriptors*/, std::optional<bool> /*load_on_startup*/,
                                        bool external_signer);
  COINKIT_DECL json::value loadwallet(std::string_view filename, std::optional<bool> /*load_on_startup*/);
  COINKIT_DECL json::value unloadwallet(std::optional<std::string_view> wallet_name,
                                        std::optional<bool> /*load_on_startup*/);

  static constexpr auto rpc_methods() {
    using rpc::arg;
    using S = WalletMethods;
    return rpc::methods(
        rpc::method<&S::getnewaddress>("getnewaddress", rpc::doc("Returns a new address for receiving payments."),
                                       arg("label", std::nullopt), arg("address_type", std::nullopt)),
        rpc::method<&S::getbalance>("getbalance", rpc::doc("Returns the total available balance."),
                                    arg("dummy", std::nullopt), arg("minconf", std::nullopt),
                                    arg("include_watchonly", std::nullopt), arg("avoid_reuse", std::nullopt)),
        rpc::method<&S::listunspent>("listunspent", rpc::doc("Returns array of unspent transaction outputs."),
                                     arg("minconf", 1), arg("maxconf", 9'999'999), arg("addresses", std::nullopt),
                                     arg("include_unsafe", std::nullopt), arg("query_options", std::nullopt)),
        rpc::method<&S::sendtoaddress>(
            "sendtoaddress", rpc::doc("Send an amount to a given address."), arg("address"), arg("amount"),
            arg("comment", std::nullopt), arg("comment_to", std::nullopt), arg("subtractfeefromamount", false),
            arg("replaceable", std::nullopt), arg("conf_target", std::nullopt), arg("estimate_mode", std::nullopt),
            arg("avoid_reuse", std::nullopt), arg("fee_rate", std::nullopt), arg("verbose", false)),
        rpc::method<&S::sendmany>("sendmany", rpc::doc("Send multiple times."), arg("dummy"), arg("amounts"),
                                  arg("minconf", std::nullopt), arg("comment", std::nullopt),
                                  arg("subtractfeefrom", std::nullopt), arg("replaceable", std::nullopt),
                                  arg("conf_target", std::nullopt), arg("estimate_mode", std::nullopt),
                                  arg("fee_rate", std::nullopt), arg("verbose", false)),
        rpc::method<&S::listwallets>("listwallets", rpc::doc("Returns a list of currently loaded wallets.")),
        rpc::method<&S::createwallet>(
            "createwallet", rpc::doc("Creates and loads a new wallet (in memory: the node keeps no wallet files)."),
            arg("wallet_name"), arg("disable_private_keys", false), arg("blank", false),
            arg("passphrase", std::nullopt), arg("avoid_reuse", false), arg("descriptors", true),
            arg("load_on_startup", std::nullopt), arg("external_signer", false)),
        rpc::method<&S::loadwallet>("loadwallet", rpc::doc("Loads a wallet this node created and unloaded."),
                                    arg("filename"), arg("load_on_startup", std::nullopt)),
        rpc::method<&S::unloadwallet>(
            "unloadwallet",
            rpc::doc("Unloads the wallet referenced by the request endpoint otherwise unloads the wallet specified in "
                     "the argument."),
            arg("wallet_name", std::nullopt), arg("load_on_startup", std::nullopt)));
  }

 protected:
  BasicNode& node_;

 private:
  // GetWalletForJSONRPCRequest: the endpoint's wallet (-18 if not loaded), else the only loaded
  // one, else the faucet (nullopt) when none is loaded; -19 when several are.
  COINKIT_DECL std::optional<std::string> request_wallet() const;
  std::string wallet_path(std::string_view name) const { return (wallet_dir_ / std::string(name)).string(); }

  std::optional<std::string> endpoint_wallet_;
  std::filesystem::path wallet_dir_ = "wallets";
};

}  // namespace coinkit::regtest

#if COINKIT_HEADER_ONLY
#include <coinkit/regtest/methods/impl/wallet.ipp>
#endif
