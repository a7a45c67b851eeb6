// bitcoind's mempool and fee methods over a regtest node: the mempool's contents and entries,
// sendrawtransaction, submitpackage, testmempoolaccept and estimatesmartfee.
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
#include <set>
#include <string_view>

namespace coinkit::regtest {

class MempoolMethods {
 public:
  explicit MempoolMethods(BasicNode& node) noexcept : node_(node) {}

  COINKIT_DECL json::value getrawmempool(bool verbose, bool mempool_sequence);
  json::value getmempoolentry(std::string_view txid) {
    return mempool_entry_json(node_.mempool_entry(parse_hash<Txid>(txid, "parameter 1")).value());
  }
  COINKIT_DECL json::value getmempoolinfo();
  COINKIT_DECL json::value sendrawtransaction(std::string_view hexstring, std::optional<Amount> maxfeerate,
                                              std::optional<Amount> maxburnamount);
  COINKIT_DECL json::value submitpackage(const json::array& package, std::optional<Amount> maxfeerate,
                                         std::optional<Amount> maxburnamount);
  COINKIT_DECL json::value testmempoolaccept(const json::array& rawtxs, std::optional<Amount> maxfeerate);
  COINKIT_DECL json::value estimatesmartfee(std::int64_t conf_target, std::optional<std::string_view> estimate_mode);

  static constexpr std::string_view tx_decode_failed = "TX decode failed. Make sure the tx has at least one input.";

  static constexpr auto rpc_methods() {
    using rpc::arg;
    using S = MempoolMethods;
    return rpc::methods(
        rpc::method<&S::getrawmempool>(
            "getrawmempool",
            rpc::doc("Returns all transaction ids in memory pool as a json array of string transaction ids."),
            arg("verbose", false), arg("mempool_sequence", false)),
        rpc::method<&S::getmempoolentry>("getmempoolentry", rpc::doc("Returns mempool data for given transaction"),
                                         arg("txid")),
        rpc::method<&S::getmempoolinfo>("getmempoolinfo",
                                        rpc::doc("Returns details on the active state of the TX memory pool.")),
        rpc::method<&S::sendrawtransaction>(
            "sendrawtransaction",
            rpc::doc("Submit a raw transaction (serialized, hex-encoded) to local node and network."), arg("hexstring"),
            arg("maxfeerate", std::nullopt), arg("maxburnamount", std::nullopt)),
        rpc::method<&S::submitpackage>(
            "submitpackage",
            rpc::doc("Submit a package of raw transactions (serialized, hex-encoded) to local node. The package must "
                     "consist of a transaction with (some, all, or none of) its unconfirmed parents, parents first."),
            arg("package"), arg("maxfeerate", std::nullopt), arg("maxburnamount", std::nullopt)),
        rpc::method<&S::testmempoolaccept>(
            "testmempoolaccept",
            rpc::doc("Returns result of mempool acceptance tests indicating if raw transaction(s) would be accepted by "
                     "mempool."),
            arg("rawtxs"), arg("maxfeerate", std::nullopt)),
        rpc::method<&S::estimatesmartfee>(
            "estimatesmartfee",
            rpc::doc("Estimates the approximate fee per kilobyte needed for a transaction to begin confirmation within "
                     "conf_target blocks if possible."),
            arg("conf_target"), arg("estimate_mode", std::nullopt)));
  }

 protected:
  BasicNode& node_;

 private:
  // BIP125 signalling: the transaction or an unconfirmed ancestor has an input sequence below 0xfffffffe.
  COINKIT_DECL bool signals_rbf(const Txid& txid, std::set<Txid>& seen) const;
  COINKIT_DECL json::object mempool_entry_json(const MempoolEntryInfo& e) const;
};

}  // namespace coinkit::regtest

#if COINKIT_HEADER_ONLY
#include <coinkit/regtest/methods/impl/mempool.ipp>
#endif
