// BaseDaemon<Derived>: the CRTP base of every wallet daemon: one io_context, the DaemonServer
// (HTTP, websocket, /spec, /metrics, auth, COIN_ environment) and JSON-RPC dispatch over Derived's method
// table, with the base methods help and get_updates.
#pragma once

#include <coinkit/daemon/config.hpp>
#include <coinkit/daemon/daemon_server.hpp>
#include <coinkit/program/arguments.hpp>
#include <coinkit/rpc/bitcart.hpp>
#include <coinkit/rpc/dispatcher.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/rpc/spec.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace coinkit {

// A daemon is a coinkit::Program: `coinkit::run<MyDaemon>()` is its whole main().
//
// Derived provides:
//   - `using Coin = SomePolicy;` (the COIN_ prefix, default port and networks), or constructs
//     the base from a DaemonConfig;
//   - `static constexpr auto rpc_methods()` extending BaseDaemon<Derived>::rpc_methods();
// and may hide these hooks (called through Derived, no virtual dispatch):
//   - `void load_wallet(const rpc::WalletSelector&)`: before each call that names a wallet;
//     throwing fails the call with -32005 (or the spec's code for the message); or the whole
//     `rpc_prepare(const rpc::Call&)` step (which may also be a coroutine);
//   - `boost::json::object capabilities() const`: the /spec "capabilities" object;
//   - `void write_metrics(net::MetricsText&)`: the daemon's families of GET /metrics.
template <class Derived>
class BaseDaemon {
 public:
  using Options = DaemonConfig;

  // Loads the spec (spec/base.json + spec/<coin>.json from config.spec_dir or
  // rpc::Spec::find_dir()); throws system_error when the base spec is missing or invalid.
  explicit BaseDaemon(DaemonConfig config, DaemonServerOptions options = {})
      : spec_(rpc::Spec::load(config.spec_dir.empty() ? rpc::Spec::find_dir() : std::filesystem::path(config.spec_dir),
                              config.coin)),
        server_(
            io_.get_executor(), std::move(config), [this](std::string&& body) { return execute(std::move(body)); },
            options) {}

  // Reads the COIN_ environment of Derived::Coin; throws ConfigException naming a bad variable.
  explicit BaseDaemon(const Environment& env, DaemonServerOptions options = {})
      : BaseDaemon(load_daemon_config<typename Derived::Coin>(env), options) {}

  BaseDaemon(const BaseDaemon&) = delete;
  BaseDaemon& operator=(const BaseDaemon&) = delete;

  // ---- life cycle ------------------------------------------------------------------------

  const DaemonConfig& config() const noexcept { return server_.config(); }
  boost::asio::io_context& io_context() noexcept { return io_; }

  // Builds /spec and binds COIN_HOST:COIN_PORT; throws system_error when it cannot bind.
  void start() {
    server_.set_spec(spec_.to_text(derived().capabilities()));
    server_.set_metrics([this](net::MetricsText& m) {
      calls_.write(m, "coinkit_daemon");
      derived().write_metrics(m);
    });
    server_.listen();
  }

  // ---- coinkit::Program -------------------------------------------------------------------

  static std::string usage(std::string_view program) {
    return daemon_usage(program, Derived::Coin::ticker, Derived::Coin::daemon_port);
  }
  // The COIN_ environment of Derived::Coin; the daemon takes no arguments.
  static DaemonConfig configure(const Arguments& args, const Environment& env) {
    reject_arguments(args);
    return load_daemon_config<typename Derived::Coin>(env);
  }

  // Serves on this thread until stop() (after start()); prints where it listens first.
  std::optional<std::string> wait() {
    std::cerr << config().coin << " daemon listening on " << local_endpoint() << " (" << to_string(config().network)
              << ")" << std::endl;
    io_.run();
    return std::nullopt;
  }
  void request_stop() { stop(); }

  // Stops accepting and closes every connection; wait() then returns. Safe from any thread.
  void stop() {
    boost::asio::post(io_, [this] { server_.stop(); });
  }

  net::tcp::endpoint local_endpoint() const { return server_.local_endpoint(); }
  DaemonServer& server() noexcept { return server_; }

  // ---- events ----------------------------------------------------------------------------

  // Publishes `event` ({"event": "new_block", ...}) for `wallet` (a wallet key), or for
  // everyone when `wallet` is nullopt: to websockets and get_updates queues. Any thread.
  void notify(std::optional<std::string> wallet, boost::json::value event) {
    server_.notify(std::move(wallet), std::move(event));
  }

  // ---- base methods ----------------------------------------------------------------------

  // Bitcart's help(): the method names, or the usage of one method.
  boost::json::value help(std::optional<std::string> func) {
    if (!func || func->empty()) return rpc::method_names<Derived>();
    if (auto text = rpc::help_text<Derived>(*func, dialect())) return boost::json::string(*text);
    throw rpc::fault_error("Procedure not found");  // the spec maps it to -32601
  }

  // Bitcart's get_updates(): takes the wallet's queued events (at most COIN_POLLING_CAP).
  boost::json::array get_updates(const rpc::Call& call) { return server_.updates().drain(call.wallet().key()); }

  static constexpr auto rpc_methods() {
    return rpc::methods(
        rpc::method<&BaseDaemon::help>("help", rpc::no_flags, "List the methods, or show how to call one of them.",
                                       rpc::arg("func", std::nullopt)),
        rpc::method<&BaseDaemon::get_updates>("get_updates", rpc::requires_wallet,
                                              "Take the events queued for the wallet since the last call."));
  }

  // ---- hooks (hidden by Derived) ---------------------------------------------------------

  void load_wallet(const rpc::WalletSelector&) {}
  boost::json::object capabilities() const { return {}; }
  // The daemon's own families of /metrics, after the calls' (on the daemon's thread).
  void write_metrics(net::MetricsText&) {}

  // Runs before every call (rpc::dispatch's hook): loads the wallet the call names through
  // Derived::load_wallet and opens its get_updates queue. A throw fails the call (-32005).
  void rpc_prepare(const rpc::Call& call) {
    if (!call.wallet().present()) return;
    derived().load_wallet(call.wallet());
    server_.updates().open(call.wallet().key());
  }

  const rpc::Spec& spec() const noexcept { return spec_; }

 protected:
  ~BaseDaemon() = default;

  Derived& derived() noexcept { return static_cast<Derived&>(*this); }
  const Derived& derived() const noexcept { return static_cast<const Derived&>(*this); }

 private:
  // One JSON-RPC body to its reply. By value: the body must live as long as the coroutine.
  net::asio::awaitable<std::string> execute(std::string body) {
    co_return co_await rpc::dispatch(derived(), body, rpc::DispatchOptions{&spec_, dialect(), &calls_});
  }

  // Bitcart's dialect with the coin's decimals for amounts.
  static constexpr rpc::Bitcart dialect() {
    rpc::Bitcart d;
    if constexpr (requires { Derived::Coin::decimals; })
      d.amount_decimals = static_cast<unsigned>(Derived::Coin::decimals);
    return d;
  }

  boost::asio::io_context io_{1};
  rpc::Spec spec_;
  rpc::CallCounts calls_{rpc::MethodTable<Derived>::infos};
  DaemonServer server_;
};

}  // namespace coinkit
