// RpcServer: bitcoind's JSON-RPC over HTTP (and REST with -rest) for a regtest node: Basic or
// cookie-file authentication, JSON-RPC 1.0 and 2.0, batches, and bitcoind's methods, result
// shapes, error codes and HTTP statuses, so Electrum servers and test scripts follow it as bitcoind.
#pragma once

#include <coinkit/address/address.hpp>
#include <coinkit/chain/block_view.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/core/base64.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/keys/random.hpp>
#include <coinkit/net/basic_auth.hpp>
#include <coinkit/net/http_server.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/node_error.hpp>
#include <coinkit/regtest/rest.hpp>
#include <coinkit/regtest/rpc_blockchain.hpp>
#include <coinkit/regtest/rpc_decode.hpp>
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
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinkit::regtest {

namespace json = boost::json;

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

class RpcServer {
 public:
  static constexpr int version = 290000;  // the bitcoind RPC level implemented (getnetworkinfo)
  static constexpr std::string_view stopping_message = "Bitcoin Core stopping";

  // The bitcoind methods this node serves (the node's own faucet wallet among them).
  static constexpr auto rpc_methods() {
    using rpc::arg;
    using S = RpcServer;
    return rpc::methods(
        rpc::method<&S::getblockchaininfo>(
            "getblockchaininfo",
            rpc::doc("Returns an object containing various state info regarding blockchain processing.")),
        rpc::method<&S::getnetworkinfo>(
            "getnetworkinfo", rpc::doc("Returns an object containing various state info regarding P2P networking.")),
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
        rpc::method<&S::testmempoolaccept>(
            "testmempoolaccept",
            rpc::doc("Returns result of mempool acceptance tests indicating if raw transaction(s) would be accepted by "
                     "mempool."),
            arg("rawtxs"), arg("maxfeerate", std::nullopt)),
        rpc::method<&S::estimatesmartfee>(
            "estimatesmartfee",
            rpc::doc("Estimates the approximate fee per kilobyte needed for a transaction to begin confirmation within "
                     "conf_target blocks if possible."),
            arg("conf_target"), arg("estimate_mode", std::nullopt)),
        rpc::method<&S::generatetoaddress>("generatetoaddress",
                                           rpc::doc("Mine to a specified address and return the block hashes."),
                                           arg("nblocks"), arg("address"), arg("maxtries", std::nullopt)),
        rpc::method<&S::generateblock>(
            "generateblock",
            rpc::doc("Mine a set of ordered transactions to a specified address or descriptor and return the block "
                     "hash."),
            arg("output"), arg("transactions"), arg("submit", true)),
        rpc::method<&S::invalidateblock>(
            "invalidateblock", rpc::doc("Permanently marks a block as invalid, as if it violated a consensus rule."),
            arg("blockhash")),
        rpc::method<&S::reconsiderblock>(
            "reconsiderblock",
            rpc::doc("Removes invalidity status of a block, its ancestors and its descendants, reconsider them for "
                     "activation."),
            arg("blockhash")),
        rpc::method<&S::submitblock>("submitblock", rpc::doc("Attempts to submit new block to network."),
                                     arg("hexdata"), arg("dummy", std::nullopt)),
        rpc::method<&S::getindexinfo>(
            "getindexinfo",
            rpc::doc("Returns the status of one or all available indices currently running in the node."),
            arg("index_name", std::nullopt)),
        rpc::method<&S::stop_method>("stop", rpc::doc("Request a graceful shutdown of the node."),
                                     arg("wait", std::nullopt)),
        rpc::method<&S::uptime>("uptime", rpc::doc("Returns the total uptime of the server.")),
        rpc::method<&S::getzmqnotifications>("getzmqnotifications",
                                             rpc::doc("Returns information about the active ZeroMQ notifications.")),
        rpc::method<&S::help>("help", rpc::doc("List all commands, or get help for a specified command."),
                              arg("command", std::nullopt)),
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

  // HTTP outcome of one JSON-RPC body (204 has an empty body).
  struct Reply {
    net::http::status status;
    std::string body;
  };

  RpcServer(net::asio::any_io_executor executor, BasicNode& node, RpcServerOptions options = {})
      : node_(node),
        options_(std::move(options)),
        executor_(executor),
        http_(
            executor, [this](net::Request& req) { return handle(req); }, http_options(options_)),
        started_(std::chrono::steady_clock::now()) {
    http_.on_error([this](const net::Request& req, net::http::status status) { return http_error(req, status); });
  }
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;
  ~RpcServer() {
    *alive_ = false;
    stop();
  }

  // Writes the cookie (when no password is set), then binds and serves. Throws system_error when
  // the endpoint cannot be bound, filesystem_error when the cookie cannot be written.
  void start() {
    if (options_.password.empty())
      write_cookie();
    else
      user_ = options_.user, password_ = options_.password;
    http_.listen(options_.endpoint);
  }

  // Stops serving and removes the cookie file; call on the server's executor. Idempotent.
  void stop() {
    http_.stop();
    if (!cookie_file_.empty()) {
      std::error_code ignored;
      std::filesystem::remove(cookie_file_, ignored);
      cookie_file_.clear();
    }
  }

  net::tcp::endpoint local_endpoint() const { return http_.local_endpoint(); }
  std::string url() const {
    const auto ep = local_endpoint();
    return "http://" + ep.address().to_string() + ":" + std::to_string(ep.port()) + "/";
  }
  // Where the cookie was written; empty with user:password authentication.
  const std::filesystem::path& cookie_file() const noexcept { return cookie_file_; }
  // The Authorization header value a client of this server sends.
  std::string authorization() const { return net::basic_authorization(user_, password_); }

  // Called once after a `stop` request has been answered (the program then stops the node and
  // its io_context). Without it, the server only stops serving.
  void on_stop(std::function<void()> f) { on_stop_ = std::move(f); }
  bool stop_requested() const noexcept { return stop_requested_; }

  // One JSON-RPC body (an object or a batch) as bitcoind answers it, without HTTP and auth.
  Reply execute(std::string_view body) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec) return error_reply({}, rpc::Fault{rpc::parse_error_code, "Parse error"});
    if (v.is_object()) {
      rpc::BitcoindRequest req;
      if (auto e = rpc::parse_bitcoind_request(v, req)) return error_reply(req, *e);
      std::string out;
      const std::optional<rpc::Fault> err = call(req, out);
      if (req.notification()) return {net::http::status::no_content, {}};
      // 1.0: errors travel with an HTTP error status; 2.0: HTTP 200 and the error in the body.
      if (err && !req.v2) return error_reply(req, *err);
      return {net::http::status::ok, std::move(out) + "\n"};
    }
    if (v.is_array()) {
      // Batches never fail at the HTTP level; notifications get no entry.
      std::string out = "[";
      bool first = true;
      for (const json::value& e : v.get_array()) {
        rpc::BitcoindRequest req;
        std::string item;
        if (auto err = rpc::parse_bitcoind_request(e, req))
          rpc::envelope::error(item, req.id_or_null(), *err, req.style());
        else
          call(req, item);
        if (req.notification()) continue;
        if (!first) out += ',';
        first = false;
        out += item;
      }
      if (first && !v.get_array().empty()) return {net::http::status::no_content, {}};
      return {net::http::status::ok, out + "]\n"};
    }
    return error_reply({}, rpc::Fault{rpc::parse_error_code, "Top-level object parse error"});
  }

 private:
  using Table = rpc::MethodTable<RpcServer>;
  using Params = json::value;
  static constexpr rpc::Bitcoind dialect{};

  static net::HttpServerOptions http_options(const RpcServerOptions& o) {
    net::HttpServerOptions h;
    h.body_limit = o.body_limit;
    return h;
  }

  // --- HTTP --------------------------------------------------------------------------------

  net::asio::awaitable<net::Response> handle(net::Request& req) {
    const std::string_view target = req.target();
    if (options_.rest && target.substr(0, 6) == "/rest/") co_return handle_rest(node_, req);
    const std::string_view path = target.substr(0, target.find('?'));
    // bitcoind serves JSON-RPC on "/" and "/wallet/<name>" only.
    if (path != "/" && path.substr(0, 8) != "/wallet/")
      co_return net::make_response(req, net::http::status::not_found, "", "text/html");
    if (req.method() != net::http::verb::post)
      co_return net::make_response(req, net::http::status::method_not_allowed,
                                   "JSONRPC server handles only POST requests", "text/html");
    const auto auth = req[net::http::field::authorization];
    if (auth.empty()) co_return unauthorized(req);
    if (!net::check_basic_auth(auth, user_, password_)) {
      net::asio::steady_timer timer(co_await net::asio::this_coro::executor, options_.auth_failure_delay);
      co_await timer.async_wait(net::asio::use_awaitable);
      co_return unauthorized(req);
    }
    Reply r = execute(req.body());
    net::Response res = net::make_response(req, r.status, std::move(r.body), "application/json");
    if (stop_requested_ && !stop_scheduled_) schedule_stop();
    co_return res;
  }

  static net::Response unauthorized(const net::Request& req) {
    net::Response res = net::make_response(req, net::http::status::unauthorized, "", "text/html");
    res.set(net::http::field::www_authenticate, "Basic realm=\"jsonrpc\"");
    return res;
  }

  // Requests the HTTP layer refuses (body over the limit, malformed HTTP): a JSON-RPC error body.
  net::Response http_error(const net::Request& req, net::http::status status) {
    std::string message = status == net::http::status::payload_too_large
                              ? "Request body too large (limit " + std::to_string(options_.body_limit) + " bytes)"
                          : status == net::http::status::request_header_fields_too_large ? "Request header too large"
                                                                                         : "Malformed HTTP request";
    std::string body;
    rpc::envelope::error(body, nullptr, rpc::invalid_request_code, message, {rpc::JsonStyle::univalue, true});
    net::Response res = net::make_response(req, status, body + "\n");
    res.keep_alive(false);
    return res;
  }

  // JSONErrorReply: the error object with the status its code travels with.
  static Reply error_reply(const rpc::BitcoindRequest& req, const rpc::Fault& e) {
    std::string body;
    rpc::envelope::error(body, req.id_or_null(), e, req.style());
    return {static_cast<net::http::status>(rpc::bitcoind_http_status(e.code)), body + "\n"};
  }

  // The reply to one request (nothing for a notification); the fault, if the call failed.
  std::optional<rpc::Fault> call(const rpc::BitcoindRequest& req, std::string& out) {
    const rpc::EnvelopeStyle style = req.style();
    const rpc::MethodInfo* m = Table::find(req.method);
    std::optional<rpc::Fault> fault;
    const std::size_t start = out.size();
    rpc::envelope::begin_result(out, style);
    if (!m)
      fault = rpc::Fault{rpc::method_not_found_code, "Method not found"};
    else
      fault = Table::call(*this, *m, rpc::Params::of(&req.params), dialect, out);
    if (fault) {
      out.resize(start);
      rpc::envelope::error(out, req.id_or_null(), *fault, style);
    } else {
      rpc::envelope::end_result(out, req.id_or_null(), style);
    }
    return fault;
  }

  // The reply to `stop` goes out first; the program's stop follows shortly after.
  void schedule_stop() {
    stop_scheduled_ = true;
    auto timer = std::make_shared<net::asio::steady_timer>(executor_, std::chrono::milliseconds(100));
    timer->async_wait([this, timer, alive = alive_](boost::system::error_code) {
      if (!*alive) return;
      if (on_stop_)
        on_stop_();
      else
        stop();
    });
  }

  void write_cookie() {
    if (options_.datadir.empty())
      throw std::invalid_argument("RpcServer: cookie authentication needs a datadir (or set a password)");
    const std::filesystem::path dir = options_.datadir / "regtest";
    std::filesystem::create_directories(dir);
    std::array<std::uint8_t, 32> secret{};
    secure_random(secret);
    user_ = "__cookie__";
    password_ = to_hex(secret);
    const std::filesystem::path tmp = dir / ".cookie.tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out)
        throw std::filesystem::filesystem_error("cannot write the RPC cookie", tmp,
                                                std::make_error_code(std::errc::io_error));
      out << user_ << ':' << password_;
    }
    std::filesystem::permissions(tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    cookie_file_ = dir / ".cookie";
    std::filesystem::rename(tmp, cookie_file_);
  }

  // --- what the methods share ------------------------------------------------------------------

  [[noreturn]] static void fail(int code, std::string message) {
    throw NodeException(NodeError(code, std::move(message)));
  }

  // ParseVerbosity: a bool (false 0, true 1) or a number.
  static int verbosity_of(const json::value& v, int fallback) {
    if (v.is_null()) return fallback;
    if (v.is_bool()) return v.get_bool() ? 1 : 0;
    int n = 0;
    if (auto f = dialect.convert(v, n, no_method(), 0)) throw rpc::fault_error(*f);
    return n;
  }
  static const rpc::MethodInfo& no_method() {
    static constexpr rpc::ParamInfo param{"verbosity", false};
    static const rpc::MethodInfo m{"", rpc::no_flags, "", {}, {}, 0, std::span<const rpc::ParamInfo>(&param, 1), 0};
    return m;
  }
  // ParseHashV: 64 hex digits, with bitcoind's messages naming the parameter.
  template <class Hash>
  static Hash hash_of(std::string_view s, std::string_view name) {
    if (s.size() != 64)
      fail(rpc_error::invalid_parameter, std::string(name) + " must be of length 64 (not " + std::to_string(s.size()) +
                                             ", for '" + std::string(s) + "')");
    auto h = Hash::try_from_hex(s);
    if (!h)
      fail(rpc_error::invalid_parameter,
           std::string(name) + " must be hexadecimal string (not '" + std::string(s) + "')");
    return *h;
  }
  // A fee rate in BTC/kvB (maxfeerate) as sat/kvB.
  static std::int64_t fee_rate_of(Amount a) {
    if (a.units >= 100'000'000)
      fail(rpc_error::type_error, "Fee rates larger than or equal to 1BTC/kvB are not accepted");
    return a.units;
  }
  // fee_rate in sat/vB (up to 3 decimals) as sat/kvB: the number times 1e8, times 1000 over 1e8.
  static std::int64_t sat_per_kvb_of(Amount a) { return a.units / 100'000; }

  const AddressFormat& address_format() const { return node_.params().network->address; }
  bool forkid() const { return node_.params().sighash == SighashScheme::forkid; }

  // --- blockchain ----------------------------------------------------------------------------

  json::value getblockchaininfo() { return blockchain_info_json(node_); }
  json::value getblockcount() { return node_.height(); }
  json::value getbestblockhash() { return json::value(node_.tip().to_hex()); }
  json::value getblockhash(int height) { return json::value(node_.block_hash(height).value().to_hex()); }

  json::value getblockheader(std::string_view blockhash, bool verbose) {
    const BlockInfo b = node_.block(hash_of<BlockHash>(blockhash, "hash")).value();
    if (!verbose) return json::value(to_hex(b.header.serialize()));
    return header_json(b);
  }

  json::value getblock(std::string_view blockhash, const json::value& verbosity) {
    const BlockInfo b = node_.block(hash_of<BlockHash>(blockhash, "blockhash")).value();
    const int level = verbosity_of(verbosity, 1);
    if (level <= 0) return json::value(to_hex(*b.raw));
    return block_json(node_, b, level);
  }

  json::value getchaintips() {
    json::array out;
    for (const ChainTip& t : node_.chain_tips())
      out.emplace_back(json::object{{"height", t.height},
                                    {"hash", t.hash.to_hex()},
                                    {"branchlen", t.branch_length},
                                    {"status", to_string(t.status)}});
    return out;
  }

  json::value getrawtransaction(std::string_view txid_hex, const json::value& verbosity,
                                std::optional<std::string_view> blockhash) {
    const Txid txid = hash_of<Txid>(txid_hex, "parameter 1");
    const int level = verbosity_of(verbosity, 0);
    std::optional<BlockHash> block;
    if (blockhash) block = hash_of<BlockHash>(*blockhash, "parameter 3");
    if (txid == node_.params().genesis.transactions[0].txid())
      fail(rpc_error::invalid_address_or_key,
           "The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved");
    const TxLookup found = node_.transaction(txid, block).value();
    if (level <= 0) return json::value(to_hex(found.tx.serialize()));
    json::object o;
    if (block) o["in_active_chain"] = found.in_active_chain;
    for (auto& kv : tx_to_json(found.tx, address_format(), forkid())) o[kv.key()] = std::move(kv.value());
    if (found.block_hash) {
      o["blockhash"] = found.block_hash->to_hex();
      if (found.in_active_chain) {
        o["confirmations"] = found.confirmations;
        o["time"] = found.block_time;
        o["blocktime"] = found.block_time;
      } else {
        o["confirmations"] = 0;
      }
    }
    return o;
  }

  json::value getindexinfo(std::optional<std::string_view> index_name) {
    json::object o;
    if (!index_name || *index_name == "txindex")
      o["txindex"] = json::object{{"synced", true}, {"best_block_height", node_.height()}};
    return o;
  }

  json::value getnetworkinfo() {
    json::array networks;
    for (std::string_view name : {"ipv4", "ipv6", "onion", "i2p", "cjdns"})
      networks.emplace_back(json::object{{"name", name},
                                         {"limited", false},
                                         {"reachable", true},
                                         {"proxy", ""},
                                         {"proxy_randomize_credentials", false}});
    const MempoolInfo m = node_.mempool_info();
    json::object o;
    o["version"] = version;
    o["subversion"] = options_.subversion;
    o["protocolversion"] = 70016;
    o["localservices"] = "0000000000000409";
    o["localservicesnames"] = json::array{"NETWORK", "WITNESS", "NETWORK_LIMITED"};
    o["localrelay"] = true;
    o["timeoffset"] = 0;
    o["networkactive"] = true;
    o["connections"] = 0;
    o["connections_in"] = 0;
    o["connections_out"] = 0;
    o["networks"] = std::move(networks);
    o["relayfee"] = rpc::amount_value(m.min_relay_fee_sat_per_kvb);
    o["incrementalfee"] = rpc::amount_value(1000);
    o["localaddresses"] = json::array();
    o["warnings"] = json::array();
    return o;
  }

  // --- mining ------------------------------------------------------------------------------

  json::value generatetoaddress(int nblocks, std::string_view address, std::optional<std::int64_t> /*maxtries*/) {
    json::array out;
    for (const BlockHash& h : node_.generate_to_address(nblocks, address).value()) out.emplace_back(h.to_hex());
    return out;
  }

  // generateblock's "output": an address, or an addr()/raw() descriptor (checksum optional).
  Bytes output_script(std::string_view output) const {
    std::string_view body = output.substr(0, output.find('#'));
    if (body.size() > 6 && body.substr(0, 5) == "addr(" && body.back() == ')') body = body.substr(5, body.size() - 6);
    if (body.size() > 5 && body.substr(0, 4) == "raw(" && body.back() == ')')
      if (auto raw = try_from_hex(body.substr(4, body.size() - 5))) return *raw;
    auto script = to_script_pubkey(body, address_format());
    if (!script) fail(rpc_error::invalid_address_or_key, "Error: Invalid address or descriptor");
    return *script;
  }

  json::value generateblock(std::string_view output, const json::array& transactions, bool submit) {
    const Bytes script = output_script(output);
    if (!submit) fail(rpc_error::invalid_parameter, "submit=false is not supported by this node");
    std::vector<BlockTxSource> txs;
    for (const json::value& v : transactions) {
      std::string_view s;
      if (auto f = dialect.convert(v, s, no_method(), 0)) throw rpc::fault_error(*f);
      if (s.size() == 64)
        if (auto txid = Txid::try_from_hex(s)) {
          txs.emplace_back(*txid);
          continue;
        }
      auto raw = try_from_hex(s);
      if (!raw)
        fail(rpc_error::deserialization_error,
             "Transaction decode failed for " + std::string(s) + ". Make sure the tx has at least one input.");
      txs.emplace_back(std::move(*raw));
    }
    return json::object{{"hash", node_.generate_block(script, txs).value().to_hex()}};
  }

  json::value submitblock(std::string_view hexdata, std::optional<std::string_view> /*dummy*/) {
    auto raw = try_from_hex(hexdata);
    if (!raw) fail(rpc_error::deserialization_error, "Block decode failed");
    const std::optional<std::string> r = node_.submit_block(*raw).value();
    return r ? json::value(*r) : json::value();
  }

  json::value invalidateblock(std::string_view blockhash) {
    node_.invalidate_block(hash_of<BlockHash>(blockhash, "blockhash")).value();
    return nullptr;
  }
  json::value reconsiderblock(std::string_view blockhash) {
    node_.reconsider_block(hash_of<BlockHash>(blockhash, "blockhash")).value();
    return nullptr;
  }

  // --- mempool -------------------------------------------------------------------------------

  // BIP125 signalling: the transaction or an unconfirmed ancestor has an input sequence below 0xfffffffe.
  bool signals_rbf(const Txid& txid, std::set<Txid>& seen) const {
    if (!seen.insert(txid).second) return false;
    const auto found = node_.transaction(txid);
    if (!found || found->block_hash) return false;
    for (const TxIn& in : found->tx.inputs()) {
      if (in.sequence < 0xfffffffe) return true;
      if (signals_rbf(in.prevout.txid, seen)) return true;
    }
    return false;
  }

  json::object mempool_entry_json(const MempoolEntryInfo& e) const {
    json::object o(14);
    o["vsize"] = e.vsize;
    o["weight"] = e.weight;
    o["time"] = e.time;
    o["height"] = e.height;
    o["descendantcount"] = e.descendant_count;
    o["descendantsize"] = e.descendant_size;
    o["ancestorcount"] = e.ancestor_count;
    o["ancestorsize"] = e.ancestor_size;
    o["wtxid"] = e.wtxid.to_hex();
    o["fees"] = json::object{{"base", rpc::amount_value(e.fee)},
                             {"modified", rpc::amount_value(e.fee)},
                             {"ancestor", rpc::amount_value(e.ancestor_fees)},
                             {"descendant", rpc::amount_value(e.descendant_fees)}};
    json::array depends, spent_by;
    for (const Txid& t : e.depends) depends.emplace_back(t.to_hex());
    for (const Txid& t : e.spent_by) spent_by.emplace_back(t.to_hex());
    o["depends"] = std::move(depends);
    o["spentby"] = std::move(spent_by);
    std::set<Txid> seen;
    o["bip125-replaceable"] = signals_rbf(e.txid, seen);
    o["unbroadcast"] = false;
    return o;
  }

  json::value getrawmempool(bool verbose, bool mempool_sequence) {
    if (mempool_sequence) {
      if (verbose) fail(rpc_error::invalid_parameter, "Verbose results cannot contain mempool sequence values.");
      fail(rpc_error::invalid_parameter, "mempool_sequence is not supported by this node");
    }
    if (!verbose) {
      json::array out;
      for (const Txid& t : node_.mempool_txids()) out.emplace_back(t.to_hex());
      return out;
    }
    json::object out;
    for (const MempoolEntryInfo& e : node_.mempool_entries()) out[e.txid.to_hex()] = mempool_entry_json(e);
    return out;
  }

  json::value getmempoolentry(std::string_view txid) {
    return mempool_entry_json(node_.mempool_entry(hash_of<Txid>(txid, "parameter 1")).value());
  }

  json::value getmempoolinfo() {
    const MempoolInfo m = node_.mempool_info();
    json::object o;
    o["loaded"] = true;
    o["size"] = m.size;
    o["bytes"] = m.bytes;
    o["usage"] = m.usage;
    o["total_fee"] = rpc::amount_value(m.total_fee);
    o["maxmempool"] = 300'000'000;
    o["mempoolminfee"] = rpc::amount_value(m.min_relay_fee_sat_per_kvb);
    o["minrelaytxfee"] = rpc::amount_value(m.min_relay_fee_sat_per_kvb);
    o["incrementalrelayfee"] = rpc::amount_value(1000);
    o["unbroadcastcount"] = 0;
    o["fullrbf"] = true;
    return o;
  }

  static constexpr std::string_view tx_decode_failed = "TX decode failed. Make sure the tx has at least one input.";

  json::value sendrawtransaction(std::string_view hexstring, std::optional<Amount> maxfeerate,
                                 std::optional<Amount> maxburnamount) {
    auto raw = try_from_hex(hexstring);
    if (!raw) fail(rpc_error::deserialization_error, std::string(tx_decode_failed));
    const std::int64_t max_fee_rate = maxfeerate ? fee_rate_of(*maxfeerate) : node_.options().max_fee_rate_sat_per_kvb;
    const std::int64_t max_burn = maxburnamount ? maxburnamount->units : 0;
    if (auto tx = Transaction::try_parse(*raw))
      for (const TxOut& out : tx->outputs())
        if (is_unspendable(out.script_pubkey) && out.value > max_burn)
          fail(rpc_error::verify_error, "Unspendable output exceeds maximum configured by user (maxburnamount)");
    return json::value(node_.send_raw_transaction(*raw, max_fee_rate).value().txid.to_hex());
  }

  json::value testmempoolaccept(const json::array& rawtxs, std::optional<Amount> maxfeerate) {
    if (rawtxs.empty() || rawtxs.size() > 25)
      fail(rpc_error::invalid_parameter, "Array must contain between 1 and 25 transactions.");
    const std::int64_t max_fee_rate = maxfeerate ? fee_rate_of(*maxfeerate) : node_.options().max_fee_rate_sat_per_kvb;
    std::vector<Bytes> txs;
    for (const json::value& v : rawtxs) {
      std::string_view s;
      if (auto f = dialect.convert(v, s, no_method(), 0)) throw rpc::fault_error(*f);
      auto raw = try_from_hex(s);
      if (!raw || !Transaction::try_parse(*raw))
        fail(rpc_error::deserialization_error,
             "TX decode failed: " + std::string(s) + " Make sure the tx has at least one input.");
      txs.push_back(std::move(*raw));
    }
    json::array out;
    for (const Bytes& raw : txs) {
      const TestAcceptResult r = node_.test_mempool_accept(raw, max_fee_rate).value();
      json::object o;
      o["txid"] = r.txid.to_hex();
      o["wtxid"] = r.wtxid.to_hex();
      o["allowed"] = r.allowed;
      if (r.allowed) {
        o["vsize"] = r.vsize;
        const std::int64_t rate = r.vsize ? r.fee * 1000 / static_cast<std::int64_t>(r.vsize) : 0;
        o["fees"] = json::object{{"base", rpc::amount_value(r.fee)},
                                 {"effective-feerate", rpc::amount_value(rate)},
                                 {"effective-includes", json::array{r.wtxid.to_hex()}}};
      } else {
        o["reject-reason"] = r.error.reject_reason.empty() ? r.error.message : r.error.reject_reason;
        o["reject-details"] = r.error.message;
      }
      out.emplace_back(std::move(o));
    }
    return out;
  }

  json::value estimatesmartfee(std::int64_t conf_target, std::optional<std::string_view> estimate_mode) {
    if (conf_target < 1 || conf_target > 1008)
      fail(rpc_error::invalid_parameter, "Invalid conf_target, must be between 1 and 1008");
    if (estimate_mode) {
      std::string mode(*estimate_mode);
      for (char& c : mode) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      if (mode != "unset" && mode != "economical" && mode != "conservative")
        fail(rpc_error::invalid_parameter,
             "Invalid estimate_mode parameter, must be one of: \"unset\", \"economical\", \"conservative\"");
    }
    const auto rate = node_.estimate_fee_sat_per_kvb(static_cast<int>(conf_target));
    if (!rate) return json::object{{"errors", json::array{"Insufficient data or no feerate found"}}, {"blocks", 0}};
    const std::int64_t floor = node_.mempool_info().min_relay_fee_sat_per_kvb;
    return json::object{{"feerate", rpc::amount_value(std::max(*rate, floor))},
                        {"blocks", std::max<std::int64_t>(2, conf_target)}};
  }

  // --- control -------------------------------------------------------------------------------

  json::value stop_method(std::optional<std::int64_t> /*wait*/) {
    stop_requested_ = true;
    return json::value(stopping_message);
  }
  json::value uptime() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count();
  }
  json::value getzmqnotifications() { return json::array(); }
  json::value help(std::optional<std::string_view> command) {
    if (command) {
      const rpc::MethodInfo* m = Table::find(*command);
      if (!m) return json::value("help: unknown command: " + std::string(*command));
      return json::value(rpc::bitcoind_usage(*m) + "\n\n" + std::string(m->doc));
    }
    std::string s;
    for (const rpc::MethodInfo& m : Table::infos) s += rpc::bitcoind_usage(m) + "\n";
    return json::value(s);
  }

  // --- wallet (the node's faucet) -------------------------------------------------------------

  json::value getnewaddress(std::optional<std::string_view> /*label*/, std::optional<std::string_view> address_type) {
    return json::value(node_.get_new_address(address_type).value());
  }

  json::value getbalance(std::optional<std::string_view> dummy, std::optional<std::int64_t> minconf,
                         std::optional<bool> /*include_watchonly*/, std::optional<bool> /*avoid_reuse*/) {
    if (dummy && *dummy != "*")
      fail(rpc::bitcoind_code::method_deprecated, "dummy first argument must be excluded or set to \"*\".");
    const std::int64_t min_conf = minconf.value_or(0);
    if (min_conf <= 0) return rpc::amount_value(node_.balance());
    std::int64_t sum = 0;
    for (const Unspent& u : node_.list_unspent(static_cast<int>(min_conf))) sum += u.amount;
    return rpc::amount_value(sum);
  }

  json::value listunspent(int minconf, int maxconf, std::optional<json::array> addresses,
                          std::optional<bool> /*include_unsafe*/, std::optional<json::object> /*query_options*/) {
    std::set<std::string> wanted;  // scripts as strings: GCC 12 -O3 misreads set<Bytes>'s memcmp bounds
    if (addresses) {
      for (const json::value& v : *addresses) {
        std::string_view a;
        if (auto f = dialect.convert(v, a, no_method(), 0)) throw rpc::fault_error(*f);
        auto script = to_script_pubkey(a, address_format());
        if (!script) fail(rpc_error::invalid_address_or_key, "Invalid Bitcoin address: " + std::string(a));
        if (!wanted.insert(std::string(as_chars(*script))).second)
          fail(rpc_error::invalid_parameter, "Invalid parameter, duplicated address: " + std::string(a));
      }
    }
    json::array out;
    for (const Unspent& u : node_.list_unspent(minconf, maxconf)) {
      if (addresses && !wanted.count(std::string(as_chars(u.script_pubkey)))) continue;
      json::object o;
      o["txid"] = u.outpoint.txid.to_hex();
      o["vout"] = u.outpoint.index;
      o["address"] = u.address;
      o["label"] = "";
      o["scriptPubKey"] = to_hex(u.script_pubkey);
      o["amount"] = rpc::amount_value(u.amount);
      o["confirmations"] = u.confirmations;
      o["spendable"] = true;
      o["solvable"] = true;
      o["parent_descs"] = json::array();
      o["safe"] = true;
      out.emplace_back(std::move(o));
    }
    return out;
  }

  json::value sendtoaddress(std::string_view address, Amount amount, std::optional<std::string_view> /*comment*/,
                            std::optional<std::string_view> /*comment_to*/, bool subtractfeefromamount,
                            std::optional<bool> /*replaceable*/, std::optional<std::int64_t> /*conf_target*/,
                            std::optional<std::string_view> /*estimate_mode*/, std::optional<bool> /*avoid_reuse*/,
                            std::optional<Amount> fee_rate, bool verbose) {
    if (amount.units <= 0) fail(rpc_error::type_error, "Invalid amount for send");
    SendOptions o;
    o.subtract_fee_from_first = subtractfeefromamount;
    if (fee_rate) o.fee_rate_sat_per_kvb = sat_per_kvb_of(*fee_rate);
    const Txid txid = node_.send_to_address(address, amount.units, o).value();
    if (verbose) return json::object{{"txid", txid.to_hex()}, {"fee_reason", "Fallback fee"}};
    return json::value(txid.to_hex());
  }

  json::value sendmany(std::optional<std::string_view> dummy, const json::object& amounts,
                       std::optional<std::int64_t> /*minconf*/, std::optional<std::string_view> /*comment*/,
                       std::optional<json::array> subtractfeefrom, std::optional<bool> /*replaceable*/,
                       std::optional<std::int64_t> /*conf_target*/, std::optional<std::string_view> /*estimate_mode*/,
                       std::optional<Amount> fee_rate, bool verbose) {
    if (dummy && !dummy->empty()) fail(rpc_error::invalid_parameter, "Dummy value must be set to \"\"");
    std::vector<std::pair<std::string, std::int64_t>> payments;
    std::set<std::string> seen;
    for (const auto& kv : amounts) {
      const std::string address(kv.key());
      if (!is_valid_address(address, address_format()))
        fail(rpc_error::invalid_address_or_key, "Invalid Bitcoin address: " + address);
      if (!seen.insert(address).second)
        fail(rpc_error::invalid_parameter, "Invalid parameter, duplicated address: " + address);
      const std::int64_t amount = rpc::amount_from_value(kv.value()).value();
      if (amount <= 0) fail(rpc_error::type_error, "Invalid amount for send");
      payments.emplace_back(address, amount);
    }
    if (payments.empty()) fail(rpc_error::invalid_parameter, "Transaction must have at least one recipient");
    SendOptions o;
    if (subtractfeefrom) o.subtract_fee_from_first = !subtractfeefrom->empty();
    if (fee_rate) o.fee_rate_sat_per_kvb = sat_per_kvb_of(*fee_rate);
    const Txid txid = node_.send_many(payments, o).value();
    if (verbose) return json::object{{"txid", txid.to_hex()}, {"fee_reason", "Fallback fee"}};
    return json::value(txid.to_hex());
  }

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
