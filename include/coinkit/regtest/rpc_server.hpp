// RpcServer: bitcoind's JSON-RPC over HTTP (and REST with -rest) for a regtest node: Basic or
// cookie-file authentication, JSON-RPC 1.0 and 2.0, batches, and bitcoind's methods, result
// shapes, error codes and HTTP statuses, so Electrum servers and test scripts follow it as bitcoind.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/core/hex.hpp>
#include <coinkit/keys/random.hpp>
#include <coinkit/net/basic_auth.hpp>
#include <coinkit/net/http_server.hpp>
#include <coinkit/regtest/methods/blockchain.hpp>
#include <coinkit/regtest/methods/mempool.hpp>
#include <coinkit/regtest/methods/mining.hpp>
#include <coinkit/regtest/methods/wallet.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/node_error.hpp>
#include <coinkit/regtest/rest.hpp>
#include <coinkit/rpc/bitcoind.hpp>
#include <coinkit/rpc/envelope.hpp>
#include <coinkit/rpc/method_table.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace coinkit::regtest {

struct RpcServerOptions {
  net::tcp::endpoint endpoint{net::asio::ip::make_address_v4("127.0.0.1"), 0};  // port 0: the OS picks
  std::string user;                                                             // -rpcuser
  std::string password;  // -rpcpassword; empty: cookie authentication, as bitcoind
  // -datadir: the cookie is written to <datadir>/regtest/.cookie at start and removed at stop.
  std::filesystem::path datadir;
  bool rest = false;                    // -rest: serve /rest/... without authentication
  std::size_t body_limit = 0x02000000;  // bitcoind's MAX_SIZE (32 MiB): larger requests get 413
  std::string subversion = "/coinkit:0.1.0/";
  std::chrono::milliseconds auth_failure_delay{250};  // bitcoind deters password guessing so
};

// The bitcoind methods this node serves, by group as Bitcoin Core's rpc/ files are (the node's
// own faucet wallet among them); the control methods are the server's own.
class RpcServer : public BlockchainMethods, public MempoolMethods, public MiningMethods, public WalletMethods {
 public:
  static constexpr int version = 290000;  // the bitcoind RPC level implemented (getnetworkinfo)
  static constexpr std::string_view stopping_message = "Bitcoin Core stopping";

  static constexpr auto rpc_methods() {
    using rpc::arg;
    using S = RpcServer;
    return rpc::combine(
        BlockchainMethods::rpc_methods(), MempoolMethods::rpc_methods(), MiningMethods::rpc_methods(),
        rpc::methods(rpc::method<&S::getnetworkinfo>(
                         "getnetworkinfo",
                         rpc::doc("Returns an object containing various state info regarding P2P networking.")),
                     rpc::method<&S::getindexinfo>(
                         "getindexinfo",
                         rpc::doc("Returns the status of one or all available indices currently running in the node."),
                         arg("index_name", std::nullopt)),
                     rpc::method<&S::stop_method>("stop", rpc::doc("Request a graceful shutdown of the node."),
                                                  arg("wait", std::nullopt)),
                     rpc::method<&S::uptime>("uptime", rpc::doc("Returns the total uptime of the server.")),
                     rpc::method<&S::getzmqnotifications>(
                         "getzmqnotifications", rpc::doc("Returns information about the active ZeroMQ notifications.")),
                     rpc::method<&S::help>("help", rpc::doc("List all commands, or get help for a specified command."),
                                           arg("command", std::nullopt))),
        WalletMethods::rpc_methods());
  }

  // HTTP outcome of one JSON-RPC body (204 has an empty body).
  struct Reply {
    net::http::status status;
    std::string body;
  };

  RpcServer(net::asio::any_io_executor executor, BasicNode& node, RpcServerOptions options = {})
      : BlockchainMethods(node),
        MempoolMethods(node),
        MiningMethods(node),
        WalletMethods(node),
        node_(node),
        options_(std::move(options)),
        executor_(executor),
        http_(
            executor, [this](net::Request& req) { return handle(req); }, http_options(options_)),
        started_(std::chrono::steady_clock::now()) {
    http_.on_error([this](const net::Request& req, net::http::status status) { return http_error(req, status); });
    set_wallet_dir((options_.datadir.empty() ? std::filesystem::path() : options_.datadir / "regtest") / "wallets");
  }
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;
  COINKIT_DECL ~RpcServer();

  // Writes the cookie (when no password is set), then binds and serves. Throws system_error when
  // the endpoint cannot be bound, filesystem_error when the cookie cannot be written.
  COINKIT_DECL void start();

  // Stops serving and removes the cookie file; call on the server's executor. Idempotent.
  COINKIT_DECL void stop();

  net::tcp::endpoint local_endpoint() const { return http_.local_endpoint(); }
  COINKIT_DECL std::string url() const;
  // Where the cookie was written; empty with user:password authentication.
  const std::filesystem::path& cookie_file() const noexcept { return cookie_file_; }
  // The Authorization header value a client of this server sends.
  std::string authorization() const { return net::basic_authorization(user_, password_); }

  // Called once after a `stop` request has been answered (the program then stops the node and
  // its io_context). Without it, the server only stops serving.
  void on_stop(std::function<void()> f) { on_stop_ = std::move(f); }
  bool stop_requested() const noexcept { return stop_requested_; }

  // One JSON-RPC body (an object or a batch) as bitcoind answers it, without HTTP and auth;
  // `wallet` is the wallet of a /wallet/<name> request (URL-decoded), nullopt for "/".
  COINKIT_DECL Reply execute(std::string_view body, std::optional<std::string> wallet = std::nullopt);

 private:
  using Table = rpc::MethodTable<RpcServer>;
  static constexpr rpc::Bitcoind dialect{};

  COINKIT_DECL static net::HttpServerOptions http_options(const RpcServerOptions& o);

  // --- HTTP --------------------------------------------------------------------------------

  COINKIT_DECL net::asio::awaitable<net::Response> handle(net::Request& req);

  COINKIT_DECL static net::Response unauthorized(const net::Request& req);

  // Requests the HTTP layer refuses (body over the limit, malformed HTTP): a JSON-RPC error body.
  COINKIT_DECL net::Response http_error(const net::Request& req, net::http::status status);

  // JSONErrorReply: the error object with the status its code travels with.
  COINKIT_DECL static Reply error_reply(const rpc::BitcoindRequest& req, const rpc::Fault& e);

  // The reply to one request (nothing for a notification); the fault, if the call failed.
  COINKIT_DECL std::optional<rpc::Fault> call(const rpc::BitcoindRequest& req, std::string& out);

  // The reply to `stop` goes out first; the program's stop follows shortly after.
  COINKIT_DECL void schedule_stop();

  COINKIT_DECL void write_cookie();

  // --- control -------------------------------------------------------------------------------

  COINKIT_DECL json::value getnetworkinfo();
  COINKIT_DECL json::value getindexinfo(std::optional<std::string_view> index_name);
  COINKIT_DECL json::value stop_method(std::optional<std::int64_t> /*wait*/);
  json::value uptime() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count();
  }
  json::value getzmqnotifications() { return json::array(); }
  COINKIT_DECL json::value help(std::optional<std::string_view> command);

 private:
  BasicNode& node_;
  RpcServerOptions options_;
  net::asio::any_io_executor executor_;
  net::HttpServer http_;
  std::chrono::steady_clock::time_point started_;
  std::string user_, password_;
  std::filesystem::path cookie_file_;
  std::function<void()> on_stop_;
  bool stop_requested_ = false;
  bool stop_scheduled_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace coinkit::regtest

#if COINKIT_HEADER_ONLY
#include <coinkit/regtest/impl/rpc_server.ipp>
#endif
