// custom-daemon: a merchant's own wallet daemon built on coinkit's BaseDaemon.
//
// ToolsDaemon<Derived> stands for a daemon a library ships (coinkit's Daemon<Coin, Wallet> is one):
// it adds methods to BaseDaemon's help and get_updates. ShopDaemon derives once more, by CRTP, to
// add its own methods and to override one (`version`) and a hook (`capabilities`). Everything is
// resolved at compile time: no virtual functions, one method table.
//
//   BTC_PORT=5000 ./custom-daemon            # configuration from BTC_* variables, --help lists them
//   curl -u electrum:electrumz -d '{"id":1,"method":"help","params":[]}' http://127.0.0.1:5000/
//   curl -u electrum:electrumz -d '{"id":2,"method":"add_invoice","params":["0.5",{"xpub":"shop1"}]}' ...
//   websocat ws://electrum:electrumz@127.0.0.1:5000/ws      # then pay_invoice: a new_payment event
#include <coinkit/daemon/base_daemon.hpp>
#include <coinkit/program/run.hpp>

#include <coinkit/coins/btc.hpp>
#include <coinkit/core/amount.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace rpc = coinkit::rpc;
namespace json = boost::json;

// A reusable layer: cheap wallet-less tools.
template <class Derived>
class ToolsDaemon : public coinkit::BaseDaemon<Derived> {
 public:
  using coinkit::BaseDaemon<Derived>::BaseDaemon;

  std::string version() { return "tools 1.0"; }

  // Double SHA-256 of hex data, displayed reversed as txids are.
  std::string sha256d(std::string hex) {
    auto bytes = coinkit::try_from_hex(hex);
    if (!bytes) throw rpc::fault_error("ValueError: non-hexadecimal number found in fromhex() arg");
    return coinkit::sha256d(*bytes).to_hex();  // to_hex() writes hashes reversed
  }

  json::object getinfo() {
    const auto& c = this->config();
    json::object o;
    o.emplace("network", coinkit::to_string(c.network));
    o.emplace("version", static_cast<Derived&>(*this).version());  // the most derived version()
    o.emplace("synchronized", true);
    return o;
  }

  static constexpr auto rpc_methods() {
    using Self = ToolsDaemon;
    return rpc::extend(
        coinkit::BaseDaemon<Derived>::rpc_methods(),
        rpc::method<&Self::version>("version", rpc::no_flags, "The daemon's version."),
        rpc::method<&Self::sha256d>("sha256d", rpc::no_flags, "Double SHA-256 of hex data.", rpc::arg("hex")),
        rpc::method<&Self::getinfo>("getinfo", rpc::no_flags, "Network and sync status."));
  }
};

// The merchant's daemon: toy in-memory invoices per wallet, announced over /ws and get_updates.
class ShopDaemon final : public ToolsDaemon<ShopDaemon> {
 public:
  using Coin = coinkit::BtcPolicy;
  using ToolsDaemon<ShopDaemon>::ToolsDaemon;

  // Overrides ToolsDaemon::version (the table entry below replaces the base one by name).
  std::string version() { return "shop 2.0 (on tools 1.0)"; }

  json::object add_invoice(const rpc::Call& call, coinkit::Amount amount, std::string memo) {
    const std::string id = "inv" + std::to_string(++next_id_);
    invoices_[id] = Invoice{call.wallet().key(), amount, std::move(memo), false};
    return invoice_json(id);
  }

  json::object pay_invoice(const rpc::Call& call, std::string id) {
    auto it = invoices_.find(id);
    if (it == invoices_.end() || it->second.wallet != call.wallet().key())
      throw rpc::fault_error("Exception: Request not found");  // the spec maps it to -32003
    it->second.paid = true;
    notify(it->second.wallet, json::object{{"event", "new_payment"},
                                           {"address", id},
                                           {"status", 3},
                                           {"status_str", "Paid"},
                                           {"tx_hashes", json::array{}},
                                           {"sent_amount", coinkit::format_amount(it->second.amount.units, 8)}});
    return invoice_json(id);
  }

  json::object capabilities() const { return json::object{{"lightning", false}}; }

  static constexpr auto rpc_methods() {
    return rpc::extend(
        ToolsDaemon::rpc_methods(),
        rpc::method<&ShopDaemon::version>("version", rpc::no_flags, "The shop daemon's version."),
        rpc::method<&ShopDaemon::add_invoice>("add_invoice", rpc::requires_wallet, "Create an invoice for an amount.",
                                              rpc::arg("amount"), rpc::arg("memo", "")),
        rpc::method<&ShopDaemon::pay_invoice>("pay_invoice", rpc::requires_wallet,
                                              "Mark an invoice paid (a demo of events).", rpc::arg("request_id")));
  }

 private:
  struct Invoice {
    std::string wallet;
    coinkit::Amount amount;
    std::string memo;
    bool paid;
  };

  json::object invoice_json(const std::string& id) const {
    const Invoice& i = invoices_.at(id);
    return json::object{{"request_id", id},
                        {"amount_BTC", coinkit::format_amount(i.amount.units, 8)},
                        {"message", i.memo},
                        {"status", i.paid ? 3 : 0},
                        {"status_str", i.paid ? "Paid" : "Unpaid"}};
  }

  std::map<std::string, Invoice> invoices_;
  std::uint64_t next_id_ = 0;
};

int main() { return coinkit::run<ShopDaemon>(); }
