// bitcoind's blockchain methods over a regtest node: chain info, block hashes, headers and
// blocks at each verbosity, chain tips, transactions by txid, invalidateblock and reconsiderblock.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/regtest/methods/params.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_blockchain.hpp>
#include <coinkit/rpc/method.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

namespace coinkit::regtest {

class BlockchainMethods {
 public:
  explicit BlockchainMethods(BasicNode& node) noexcept : node_(node) {}

  json::value getblockchaininfo() { return blockchain_info_json(node_); }
  json::value getblockcount() { return node_.height(); }
  json::value getbestblockhash() { return json::value(node_.tip().to_hex()); }
  json::value getblockhash(int height) { return json::value(node_.block_hash(height).value().to_hex()); }
  COINKIT_DECL json::value getblockheader(std::string_view blockhash, bool verbose);
  COINKIT_DECL json::value getblock(std::string_view blockhash, const json::value& verbosity);
  COINKIT_DECL json::value getchaintips();
  COINKIT_DECL json::value getrawtransaction(std::string_view txid_hex, const json::value& verbosity,
                                             std::optional<std::string_view> blockhash);
  COINKIT_DECL json::value invalidateblock(std::string_view blockhash);
  COINKIT_DECL json::value reconsiderblock(std::string_view blockhash);

  static constexpr auto rpc_methods() {
    using rpc::arg;
    using S = BlockchainMethods;
    return rpc::methods(
        rpc::method<&S::getblockchaininfo>(
            "getblockchaininfo",
            rpc::doc("Returns an object containing various state info regarding blockchain processing.")),
        rpc::method<&S::getblockcount>("getblockcount",
                                       rpc::doc("Returns the height of the most-work fully-validated chain.")),
        rpc::method<&S::getbestblockhash>(
            "getbestblockhash",
            rpc::doc("Returns the hash of the best (tip) block in the most-work fully-validated chain.")),
        rpc::method<&S::getblockhash>(
            "getblockhash", rpc::doc("Returns hash of block in best-block-chain at height provided."), arg("height")),
        rpc::method<&S::getblockheader>(
            "getblockheader",
            rpc::doc(
                "If verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'."),
            arg("blockhash"), arg("verbose", true)),
        rpc::method<&S::getblock>(
            "getblock",
            rpc::doc("If verbosity is 0, returns a string that is serialized, hex-encoded data for block 'hash'."),
            arg("blockhash"), arg("verbosity|verbose", nullptr)),
        rpc::method<&S::getchaintips>("getchaintips",
                                      rpc::doc("Return information about all known tips in the block tree.")),
        rpc::method<&S::getrawtransaction>(
            "getrawtransaction", rpc::doc("By default, this call only returns a transaction if it is in the mempool."),
            arg("txid"), arg("verbosity|verbose", nullptr), arg("blockhash", std::nullopt)),
        rpc::method<&S::invalidateblock>(
            "invalidateblock", rpc::doc("Permanently marks a block as invalid, as if it violated a consensus rule."),
            arg("blockhash")),
        rpc::method<&S::reconsiderblock>(
            "reconsiderblock",
            rpc::doc("Removes invalidity status of a block, its ancestors and its descendants, reconsider them for "
                     "activation."),
            arg("blockhash")));
  }

 protected:
  BasicNode& node_;
};

}  // namespace coinkit::regtest

#if COINKIT_HEADER_ONLY
#include <coinkit/regtest/methods/impl/blockchain.ipp>
#endif
