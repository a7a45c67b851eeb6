// bitcoind's wallet methods over the regtest node's faucet wallet: getnewaddress, getbalance,
// listunspent, sendtoaddress and sendmany.
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
#include <optional>
#include <string_view>

namespace coinkit::regtest {

class WalletMethods {
 public:
  explicit WalletMethods(BasicNode& node) noexcept : node_(node) {}

  json::value getnewaddress(std::optional<std::string_view> /*label*/, std::optional<std::string_view> address_type) {
    return json::value(node_.get_new_address(address_type).value());
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

  static constexpr auto rpc_methods() {
    using rpc::arg;
    using S = WalletMethods;
    return rpc::methods(
        rpc::method<&S::getnewaddress>(
            "getnewaddress", rpc::doc("Returns a new address for receiving payments (the node's faucet wallet)."),
            arg("label", std::nullopt), arg("address_type", std::nullopt)),
        rpc::method<&S::getbalance>("getbalance",
                                    rpc::doc("Returns the total available balance of the node's faucet wallet."),
                                    arg("dummy", std::nullopt), arg("minconf", std::nullopt),
                                    arg("include_watchonly", std::nullopt), arg("avoid_reuse", std::nullopt)),
        rpc::method<&S::listunspent>(
            "listunspent", rpc::doc("Returns array of unspent transaction outputs of the node's faucet wallet."),
            arg("minconf", 1), arg("maxconf", 9'999'999), arg("addresses", std::nullopt),
            arg("include_unsafe", std::nullopt), arg("query_options", std::nullopt)),
        rpc::method<&S::sendtoaddress>(
            "sendtoaddress", rpc::doc("Send an amount to a given address from the node's faucet wallet."),
            arg("address"), arg("amount"), arg("comment", std::nullopt), arg("comment_to", std::nullopt),
            arg("subtractfeefromamount", false), arg("replaceable", std::nullopt), arg("conf_target", std::nullopt),
            arg("estimate_mode", std::nullopt), arg("avoid_reuse", std::nullopt), arg("fee_rate", std::nullopt),
            arg("verbose", false)),
        rpc::method<&S::sendmany>(
            "sendmany", rpc::doc("Send multiple times from the node's faucet wallet."), arg("dummy"), arg("amounts"),
            arg("minconf", std::nullopt), arg("comment", std::nullopt), arg("subtractfeefrom", std::nullopt),
            arg("replaceable", std::nullopt), arg("conf_target", std::nullopt), arg("estimate_mode", std::nullopt),
            arg("fee_rate", std::nullopt), arg("verbose", false)));
  }

 protected:
  BasicNode& node_;
};

}  // namespace coinkit::regtest

#if COINKIT_HEADER_ONLY
#include <coinkit/regtest/methods/impl/wallet.ipp>
#endif
