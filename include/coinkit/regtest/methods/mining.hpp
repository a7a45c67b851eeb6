// bitcoind's mining methods over a regtest node: generatetoaddress, generateblock (to an address
// or an addr()/raw() descriptor, of chosen transactions) and submitblock.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/core/bytes.hpp>
#include <coinkit/regtest/methods/params.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/rpc/method.hpp>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace coinkit::regtest {

class MiningMethods {
 public:
  explicit MiningMethods(BasicNode& node) noexcept : node_(node) {}

  COINKIT_DECL json::value generatetoaddress(int nblocks, std::string_view address,
                                             std::optional<std::int64_t> /*maxtries*/);
  COINKIT_DECL json::value generateblock(std::string_view output, const json::array& transactions, bool submit);
  COINKIT_DECL json::value submitblock(std::string_view hexdata, std::optional<std::string_view> /*dummy*/);

  static constexpr auto rpc_methods() {
    using rpc::arg;
    using S = MiningMethods;
    return rpc::methods(
        rpc::method<&S::generatetoaddress>("generatetoaddress",
                                           rpc::doc("Mine to a specified address and return the block hashes."),
                                           arg("nblocks"), arg("address"), arg("maxtries", std::nullopt)),
        rpc::method<&S::generateblock>(
            "generateblock",
            rpc::doc("Mine a set of ordered transactions to a specified address or descriptor and return the block "
                     "hash."),
            arg("output"), arg("transactions"), arg("submit", true)),
        rpc::method<&S::submitblock>("submitblock", rpc::doc("Attempts to submit new block to network."),
                                     arg("hexdata"), arg("dummy", std::nullopt)));
  }

 protected:
  BasicNode& node_;

 private:
  // generateblock's "output": an address, or an addr()/raw() descriptor (checksum optional).
  COINKIT_DECL Bytes output_script(std::string_view output) const;
};

}  // namespace coinkit::regtest

#if COINKIT_HEADER_ONLY
#include <coinkit/regtest/methods/impl/mining.ipp>
#endif
