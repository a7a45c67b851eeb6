// Daemon<Coin, Wallet>: a wallet daemon of Bitcart's API on coinkit's wallet engine: wallets
// loaded by their `xpub` parameter, kept synchronized with an Electrum server through one shared
// connection, and Electrum's and Bitcart's methods over them.
//
//   int main() { return coinkit::run<coinkit::Daemon<coinkit::BtcPolicy>>(); }
//   int main() { return coinkit::run<coinkit::Daemon<coinkit::BchPolicy, coinkit::ElectronCashWallet>>(); }
#pragma once

#include <coinkit/daemon/base_daemon.hpp>
#include <coinkit/daemon/daemon_fwd.hpp>
#include <coinkit/daemon/methods/addresses.hpp>
#include <coinkit/daemon/methods/balances.hpp>
#include <coinkit/daemon/methods/chain_queries.hpp>
#include <coinkit/daemon/methods/coin_control.hpp>
#include <coinkit/daemon/methods/daemon_info.hpp>
#include <coinkit/daemon/methods/key_tools.hpp>
#include <coinkit/daemon/methods/payment_requests.hpp>
#include <coinkit/daemon/methods/payouts.hpp>
#include <coinkit/daemon/methods/wallet_keys.hpp>
#include <coinkit/wallet/electron_cash_wallet.hpp>
#include <coinkit/wallet/electrum_source.hpp>
#include <coinkit/wallet/electrum_wallet.hpp>
#include <coinkit/wallet/group_commit.hpp>
#include <coinkit/wallet/synchronizer.hpp>
#include <coinkit/wallet/wallet_store.hpp>

#include <boost/asio/post.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

namespace coinkit {

// The Electrum server a daemon follows: COIN_SERVER, or the network's default Electrum port on
// this machine (Bitcart picks a public server; coinkit's daemons sit beside their server).
inline electrum::ElectrumClientOptions electrum_client_options(const DaemonConfig& c, const Network& net) {
  electrum::ElectrumClientOptions o;
  if (auto a = electrum::parse_server_address(c.server))
    o.server = *a;
  else
    o.server = {"127.0.0.1", net.ports.electrum_tcp, false};
  o.client_name = "coinkit-daemon";
  return o;
}

// Where a daemon keeps its wallets: COIN_DATA_PATH, else ~/.coinkit/<ticker>; one store per
// network beside each other.
inline std::filesystem::path wallet_store_path(const DaemonConfig& c) {
  std::filesystem::path base;
  if (!c.data_path.empty()) {
    base = c.data_path;
  } else {
    const char* home = std::getenv("HOME");
    base = std::filesystem::path(home && *home ? home : ".") / ".coinkit" / c.coin;
  }
  return base / std::string(to_string(c.network)) / "wallets";
}

// Derived: the most derived daemon (CRTP); WalletT<Coin>: the wallet engine's rules.
template <class Derived, class CoinT, template <class> class WalletT = wallet::ElectrumWallet,
          wallet::ChainSource SourceT = wallet::ElectrumSource>
class BasicDaemon : public BaseDaemon<Derived>,
                    public daemon::KeyTools<Derived>,
                    public daemon::AddressMethods<Derived>,
                    public daemon::BalanceMethods<Derived>,
                    public daemon::ChainQueries<Derived>,
                    public daemon::DaemonInfo<Derived>,
                    public daemon::PaymentRequests<Derived>,
                    public daemon::Payouts<Derived>,
                    public daemon::CoinControl<Derived>,
                    public daemon::WalletKeys<Derived> {
  using Base = BaseDaemon<Derived>;

 public:
  using Coin = CoinT;
  using Wallet = WalletT<Coin>;
  using WalletPtr = std::shared_ptr<Wallet>;
  using Source = SourceT;

  // `source_args`: what the source is made of besides the daemon's executor; none for an
  // ElectrumSource, which follows COIN_SERVER.
  template <class... SourceArgs>
  explicit BasicDaemon(DaemonConfig config, DaemonServerOptions options = {}, SourceArgs&&... source_args)
      : Base(config, options),
        net_(network_or_throw(config.network)),
        store_(wallet_store_path(this->config())),
        source_(make_source(std::forward<SourceArgs>(source_args)...)),
        sync_(
            this->io_context().get_executor(), source_, net_,
            [this](const std::string* wallet, boost::json::object event) {
              this->notify(wallet ? std::optional<std::string>(*wallet) : std::nullopt, std::move(event));
              this->check_requests(wallet);  // what moved a wallet or the chain may move its requests
            },
            [this](const std::string& line) { log(line); }) {
    source_.set_log([this](const std::string& line) { log(line); });
  }

  void start() {
    Base::start();
    sync_.start();
  }
  void request_stop() { stop(); }
  void stop() {
    boost::asio::post(this->io_context(), [this] {
      stopping_ = true;
      source_.stop();
      this->stop_requests();
      for (auto& [key, w] : wallets_) w->sync_waiters().wake_all();
    });
    Base::stop();
  }

  // GET /metrics: the wallets and the chain as this daemon sees them (BaseDaemon's hook).
  void write_metrics(net::MetricsText& m) const {
    std::size_t addresses = 0, requests = 0;
    for (const auto& [key, w] : wallets_) addresses += w->slot_count(), requests += w->requests().size();
    m.gauge("coinkit_daemon_wallets", "Wallets loaded.", static_cast<double>(wallets_.size()));
    m.gauge("coinkit_daemon_wallet_addresses", "Addresses of the loaded wallets (both chains).",
            static_cast<double>(addresses));
    m.gauge("coinkit_daemon_payment_requests", "Payment requests of the loaded wallets.",
            static_cast<double>(requests));
    m.gauge("coinkit_daemon_chain_height", "Height of the daemon's verified header chain.",
            static_cast<double>(sync_.local_height()));
    m.gauge("coinkit_daemon_server_connected", "1 while the chain source (Electrum server or index) is connected.",
            source_.connected() ? 1 : 0);
  }

  // ---- what the method groups use -----------------------------------------------------------

  const Network& network() const noexcept { return net_; }
  Source& source() noexcept { return source_; }
  wallet::Synchronizer<Coin, Wallet, Source>& synchronizer() noexcept { return sync_; }
  int local_height() const noexcept { return sync_.local_height(); }
  const auto& wallets() const noexcept { return wallets_; }

  // The wallet a call names (loaded by rpc_prepare before the call).
  Wallet& wallet(const rpc::Call& call) { return *wallets_.at(call.wallet().key()); }
  WalletPtr wallet_ptr(const rpc::Call& call) { return wallets_.at(call.wallet().key()); }

  bool close_wallet_key(const std::string& key) {
    auto it = wallets_.find(key);
    if (it == wallets_.end()) return false;
    sync_.remove(it->second);
    this->server().updates().close(key);
    wallets_.erase(it);
    diskless_.erase(key);
    return true;
  }

  // The payment requests of a wallet on disk follow its book (a diskless wallet's stay in
  // memory). A new request resumes its call once on disk, in a group commit with the requests of
  // other calls; with `grown`, the wallet's record goes with it (its chains grew for it).
  boost::asio::awaitable<result<void>> store_request(const std::string& key, const wallet::RequestBook::Entry& e,
                                                     bool grown) {
    if (diskless_.contains(key)) return written();
    wallet::WalletStore::Batch b;
    if (grown) b.save(stored_record(key, *wallets_.at(key)));
    b.save_request(key, e);
    return writes_.async_commit(std::move(b), this->io_context().get_executor());
  }
  // A request's new status, kept without waiting (a failure is logged).
  void update_request(const std::string& key, const wallet::RequestBook::Entry& e) {
    if (diskless_.contains(key)) return;
    wallet::WalletStore::Batch b;
    b.save_request(key, e);
    writes_.post(std::move(b), [this, id = e.id](const result<void>& r) {
      if (!r) log("request " + id + " could not be saved: " + r.error().message());
    });
  }
  // One request, or all of the wallet's (nullopt), before it returns.
  result<void> erase_requests(const std::string& key, std::optional<std::string_view> request_id) {
    if (diskless_.contains(key)) return {};
    wallet::WalletStore::Batch b;
    if (request_id)
      b.erase_request(key, *request_id);
    else
      b.clear_requests(key);
    return writes_.commit(std::move(b));
  }
  // A wallet's local transactions and frozen addresses and coins follow it on disk, written
  // before the call returns; when they cannot be, the wallet stays as it was and the call fails
  // (a diskless wallet's stay in memory).
  bool keep_local(const rpc::Call& call, Transaction tx) {
    const std::string& key = call.wallet().key();
    const Txid id = tx.txid();
    wallet::WalletStore::Batch b;
    b.save_local(key, tx);
    if (!wallet(call).add_local(std::move(tx))) return false;
    write_or_undo(key, std::move(b), [&] { wallet(call).remove_local(id); });
    return true;
  }
  bool forget_local(const rpc::Call& call, const Txid& txid) {
    const Transaction* kept = wallet(call).local_transaction(txid);
    if (!kept) return false;
    Transaction tx = *kept;
    wallet(call).remove_local(txid);
    const std::string& key = call.wallet().key();
    write_or_undo(key, std::move(wallet::WalletStore::Batch().erase_local(key, txid)),
                  [&] { wallet(call).add_local(std::move(tx)); });
    return true;
  }
  // Before a new transaction: local ones the server now lists are the history's (forgotten on
  // disk without waiting: a record left behind is forgotten again after the next load).
  void forget_listed_locals(const rpc::Call& call) {
    const std::string& key = call.wallet().key();
    wallet::WalletStore::Batch b;
    for (const Txid& t : wallet(call).forget_listed_locals()) b.erase_local(key, t);
    if (b.empty() || diskless_.contains(key)) return;
    writes_.post(std::move(b), [this](const result<void>& r) {
      if (!r) log("a local transaction could not be forgotten: " + r.error().message());
    });
  }
  template <class Frozen>  // a slot (its address) or an outpoint (a coin)
  void set_frozen(const rpc::Call& call, const Frozen& what, bool frozen) {
    Wallet& w = wallet(call);
    const bool was = w.is_frozen(what);
    w.set_frozen(what, frozen);
    const std::string& key = call.wallet().key();
    wallet::WalletStore::Batch b;
    if constexpr (std::is_same_v<Frozen, OutPoint>)
      b.freeze_coin(key, what, frozen);
    else
      b.freeze_address(key, w.address_text(what), frozen);
    write_or_undo(key, std::move(b), [&] { w.set_frozen(what, was); });
  }

  // New addresses of a wallet, to be followed; a wallet on disk keeps them (the call fails
  // when they could not be written).
  // (`store` false: the caller writes the wallet's record itself, in a commit of its own.)
  void watch_new_addresses(const rpc::Call& call, const std::vector<std::uint32_t>& slots, bool store = true) {
    sync_.added_slots(wallet_ptr(call), slots);
    if (store && !diskless_.contains(call.wallet().key())) save(call.wallet().key(), wallet(call));
  }

  // ---- hooks -------------------------------------------------------------------------------

  // A wallet is made from its key text the first time a call names it (-32005 when the text is
  // no wallet of this network). A call that reads the wallet's history then waits, within
  // sync_timeout, for exactly that wallet to be synchronized: other wallets' calls go on.
  void load_wallet(const rpc::WalletSelector& selector) {
    const std::string key = selector.key();
    if (wallets_.contains(key)) return;
    WalletPtr w;
    try {
      w = std::make_shared<Wallet>(selector.xpub, net_);
    } catch (const system_error& e) {
      throw rpc::fault_error("Exception: " + e.code().message());
    }
    // A wallet seen before comes back as it was, with its payment requests; a new one is
    // written before it is used (a diskless one never).
    if (!selector.diskless()) writes_.wait_written();  // a closed wallet's last writes may still be queued
    if (selector.diskless()) {
      diskless_.insert(key);
    } else if (auto stored = store_.find(key)) {
      w->extend_to(stored->receiving, stored->change);
      restore_requests(key, *w);
      restore_coin_state(key, *w);
    } else {
      save(key, *w);
    }
    auto [it, inserted] = wallets_.emplace(key, w);
    sync_.add(it->first, w);  // the map's node keeps the key where it is
    if (!w->requests().empty()) this->requests_restored(key, *w);
  }

  boost::asio::awaitable<void> rpc_prepare(const rpc::Call& call) {
    Base::rpc_prepare(call);
    if (!call.wallet().present() || this->config().experimental_nosync || !reads_history(call.method.name)) co_return;
    WalletPtr w = wallet_ptr(call);
    const auto deadline = std::chrono::steady_clock::now() + sync_timeout;
    while (!w->synchronized() && !stopping_ && std::chrono::steady_clock::now() < deadline)
      co_await w->sync_waiters().wait(this->io_context().get_executor(), deadline);
    if (!w->synchronized())
      throw rpc::fault_error("Exception: the wallet is not synchronized: " + source_.describe() + " has not answered");
  }

  static constexpr auto rpc_methods() {
    return rpc::combine(Base::rpc_methods(), daemon::KeyTools<Derived>::rpc_methods(),
                        daemon::AddressMethods<Derived>::rpc_methods(), daemon::BalanceMethods<Derived>::rpc_methods(),
                        daemon::ChainQueries<Derived>::rpc_methods(), daemon::DaemonInfo<Derived>::rpc_methods(),
                        daemon::PaymentRequests<Derived>::rpc_methods(), daemon::Payouts<Derived>::rpc_methods(),
                        daemon::CoinControl<Derived>::rpc_methods(), daemon::WalletKeys<Derived>::rpc_methods());
  }

  // How long a call waits for its wallet's first synchronization.
  std::chrono::milliseconds sync_timeout{30'000};

 protected:
  ~BasicDaemon() = default;

 private:
  static const Network& network_or_throw(NetworkId id) {
    const Network* n = find_network<Coin>(id);
    if (!n) throw std::invalid_argument(std::string(Coin::name) + " has no network " + std::string(to_string(id)));
    return *n;
  }

  template <class... SourceArgs>
  Source make_source(SourceArgs&&... args) {
    if constexpr (sizeof...(SourceArgs) == 0)
      return Source(this->io_context().get_executor(), electrum_client_options(this->config(), net_));
    else
      return Source(this->io_context().get_executor(), std::forward<SourceArgs>(args)...);
  }

  // Methods that answer from the keys alone do not wait for a synchronization.
  static bool reads_history(std::string_view method) {
    constexpr std::string_view keys_only[] = {"getmpk",       "getpubkeys", "ismine",         "get_updates",
                                              "close_wallet", "getseed",    "getfingerprint", "validateaddress"};
    for (auto m : keys_only)
      if (m == method) return false;
    return true;
  }

  void log(const std::string& line) { std::cerr << Coin::ticker << " daemon: " << line << std::endl; }

  static wallet::StoredWallet stored_record(const std::string& key, const Wallet& w) {
    return {key, static_cast<std::uint32_t>(w.chains().receiving().size()),
            static_cast<std::uint32_t>(w.chains().change().size())};
  }
  static boost::asio::awaitable<result<void>> written() { co_return result<void>{}; }
  // Every write goes through writes_, in order (a wallet's record must not be overtaken by an
  // older one still queued).
  void save(const std::string& key, const Wallet& w) {
    wallet::WalletStore::Batch b;
    b.save(stored_record(key, w));
    const auto r = writes_.commit(std::move(b));
    if (!r) throw rpc::fault_error("Exception: the wallet could not be saved: " + r.error().message());
  }

  template <class Undo>
  void write_or_undo(const std::string& key, wallet::WalletStore::Batch&& b, Undo&& undo) {
    if (diskless_.contains(key)) return;
    const auto r = writes_.commit(std::move(b));
    if (r) return;
    undo();
    throw rpc::fault_error("Exception: the wallet could not be saved: " + r.error().message());
  }

  // Frozen addresses (of this wallet still) and coins, and local transactions, as saved.
  void restore_coin_state(const std::string& key, Wallet& w) {
    const wallet::FrozenState frozen = store_.frozen_of(key);
    for (const std::string& address : frozen.addresses)
      if (auto slot = w.slot_of(address)) w.set_frozen(*slot, true);
    for (const OutPoint& coin : frozen.coins) w.set_frozen(coin, true);
    for (Transaction& tx : store_.local_transactions_of(key)) w.add_local(std::move(tx));
  }

  // A request is kept by its address slot; one whose slot no longer holds its address (a store
  // from another wallet version) is left out rather than shown with the wrong script.
  void restore_requests(const std::string& key, Wallet& w) {
    auto entries = store_.requests_of(key);
    std::erase_if(entries, [&](const wallet::RequestBook::Entry& e) {
      return e.slot >= w.slot_count() || w.address_text(e.slot) != e.request.address;
    });
    for (auto& e : entries) {
      const auto script = w.address(e.slot).script();
      e.request.script.assign(script.begin(), script.end());
    }
    w.requests().restore(std::move(entries));
  }

  const Network& net_;
  wallet::WalletStore store_;
  wallet::GroupCommit writes_{store_};  // every write to store_
  Source source_;
  wallet::Synchronizer<Coin, Wallet, Source> sync_;
  std::unordered_map<std::string, WalletPtr> wallets_;  // nodes: the Synchronizer points at the keys
  std::unordered_set<std::string> diskless_;            // loaded with diskless: nothing of them is written
  bool stopping_ = false;
};

// The daemon itself; derive from BasicDaemon<YourDaemon, Coin> to add methods.
template <class Coin, template <class> class Wallet, class Source>
class Daemon final : public BasicDaemon<Daemon<Coin, Wallet, Source>, Coin, Wallet, Source> {
 public:
  using BasicDaemon<Daemon<Coin, Wallet, Source>, Coin, Wallet, Source>::BasicDaemon;
};

}  // namespace coinkit
