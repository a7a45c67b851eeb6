// A wallet daemon's own state: getinfo, list_wallets, close_wallet, version, getconfig and
// setconfig, and Bitcart's token fallbacks (a coin without tokens answers them as the BTC
// daemon does).
#pragma once

#include <coinkit/coins/network.hpp>
#include <coinkit/daemon/methods/key_tools.hpp>
#include <coinkit/rpc/bitcart.hpp>
#include <coinkit/rpc/method.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace coinkit::daemon {

// The Electrum version whose answers the daemon gives (Bitcart's SDK reads it as the daemon's).
inline constexpr std::string_view electrum_version = "4.3.4";

// Self: the daemon (config(), network(), synchronizer(), wallets(), close_wallet_key).
template <class Self>
class DaemonInfo {
 public:
  // Electrum's getinfo plus Bitcart's synchronized and total_wallets.
  boost::json::object getinfo() {
    auto& s = self();
    const auto& c = s.config();
    const std::string path =
        (c.data_path.empty() ? std::string(".") : c.data_path) + "/" + std::string(to_string(c.network));
    bool synchronized = s.synchronizer().connected();
    for (const auto& [key, w] : s.wallets()) synchronized = synchronized && w->synchronized();
    return {{"network", to_string(c.network)},
            {"path", path},
            {"server", s.source().host()},
            {"blockchain_height", s.local_height()},
            {"server_height", s.synchronizer().server_height()},
            {"spv_nodes", s.synchronizer().connected() ? 1 : 0},
            {"connected", s.synchronizer().connected()},
            {"auto_connect", !c.oneserver},
            {"version", electrum_version},
            {"default_wallet", path + "/wallets/default_wallet"},
            {"fee_per_kb", fallback_fee_per_kb},
            {"synchronized", synchronized},
            {"total_wallets", s.wallets().size()}};
  }

  // Electrum's list_wallets: each loaded wallet by its path (a digest of its key, never the key).
  boost::json::array list_wallets() {
    boost::json::array out;
    const std::string& data = self().config().data_path;
    for (const auto& [key, w] : self().wallets())
      out.push_back(
          boost::json::object{{"path", (data.empty() ? std::string() : data + "/") + "wallets/" + wallet_id(key)},
                              {"synchronized", w->synchronized()},
                              {"unlocked", true}});
    return out;
  }

  // Bitcart's: closes the wallet `key` (or the call's own); whether one was open.
  bool close_wallet(const rpc::Call& call, std::optional<std::string> key) {
    if (key) return self().close_wallet_key(*key);
    if (!call.wallet().present()) return false;
    return self().close_wallet_key(call.wallet().key());
  }

  std::string version() { return std::string(electrum_version); }

  boost::json::value getconfig(std::string key) {
    auto it = config_.find(key);
    return it == config_.end() ? boost::json::value(nullptr) : it->value();
  }
  bool setconfig(std::string key, boost::json::value value) {
    config_[key] = std::move(value);
    return true;
  }

  // Token fallbacks: a coin without tokens.
  bool validatecontract(boost::json::value) { return false; }
  boost::json::object get_tokens() { return {}; }
  boost::json::array getabi() { return {}; }
  boost::json::value normalizeaddress(boost::json::value address) { return address; }
  bool setrequestaddress(boost::json::value, boost::json::value) { return false; }

  static constexpr auto rpc_methods() {
    using S = DaemonInfo;
    return rpc::methods(
        rpc::method<&S::getinfo>("getinfo", rpc::requires_network, "Network and synchronization status."),
        rpc::method<&S::list_wallets>("list_wallets", rpc::requires_network, "List wallets open in daemon"),
        rpc::method<&S::close_wallet>("close_wallet", rpc::no_flags, "Close a wallet (the given key, or the call's).",
                                      rpc::arg("key", std::nullopt)),
        rpc::method<&S::version>("version", rpc::no_flags, "Return the version of Electrum."),
        rpc::method<&S::getconfig>("getconfig", rpc::no_flags, "Return a configuration variable.", rpc::arg("key")),
        rpc::method<&S::setconfig>("setconfig", rpc::no_flags, "Set a configuration variable.", rpc::arg("key"),
                                   rpc::arg("value")),
        rpc::method<&S::validatecontract>("validatecontract", rpc::no_flags, "Tokens: no contract is valid.",
                                          rpc::arg("address")),
        rpc::method<&S::get_tokens>("get_tokens", rpc::no_flags, "Tokens: none."),
        rpc::method<&S::getabi>("getabi", rpc::no_flags, "Tokens: no ABI."),
        rpc::method<&S::normalizeaddress>("normalizeaddress", rpc::no_flags, "The address as given.",
                                          rpc::arg("address")),
        rpc::method<&S::setrequestaddress>("setrequestaddress", rpc::no_flags, "Tokens: not supported.",
                                           rpc::arg("address"), rpc::arg("data")));
  }

  // Electrum's FEERATE_FALLBACK_STATIC_FEE, its fee_per_kb without estimates.
  static constexpr std::int64_t fallback_fee_per_kb = 150'000;

 private:
  Self& self() noexcept { return static_cast<Self&>(*this); }
  boost::json::object config_;
};

}  // namespace coinkit::daemon
