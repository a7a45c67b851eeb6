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
#include <coinkit/regtest/rpc_json.hpp>
#include <coinkit/regtest/rpc_protocol.hpp>

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
  std::string authorization() const {
    const std::string creds = user_ + ":" + password_;
    return "Basic " + base64_encode(as_bytes(creds));
  }

  // Called once after a `stop` request has been answered (the program then stops the node and
  // its io_context). Without it, the server only stops serving.
  void on_stop(std::function<void()> f) { on_stop_ = std::move(f); }
  bool stop_requested() const noexcept { return stop_requested_; }

  // One JSON-RPC body (an object or a batch) as bitcoind answers it, without HTTP and auth.
  Reply execute(std::string_view body) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec) return error_reply(JsonRpcRequest{}, NodeError(rpc_error::parse_error, "Parse error"));
    if (v.is_object()) {
      JsonRpcRequest req;
      if (auto e = parse_request(v, req)) return error_reply(req, *e);
      json::value result;
      const std::optional<NodeError> err = call(req, result);
      if (req.notification()) return {net::http::status::no_content, {}};
      // 1.0: errors travel with an HTTP error status; 2.0: HTTP 200 and the error in the body.
      if (err && !req.v2) return error_reply(req, *err);
      return {net::http::status::ok, to_json(reply_object(req, std::move(result), err ? &*err : nullptr)) + "\n"};
    }
    if (v.is_array()) {
      // Batches never fail at the HTTP level; notifications get no entry.
      json::array out;
      for (const json::value& e : v.get_array()) {
        JsonRpcRequest req;
        json::value result;
        std::optional<NodeError> err = parse_request(e, req);
        if (!err) err = call(req, result);
        if (req.notification()) continue;
        out.emplace_back(reply_object(req, std::move(result), err ? &*err : nullptr));
      }
      if (out.empty() && !v.get_array().empty()) return {net::http::status::no_content, {}};
      return {net::http::status::ok, to_json(out) + "\n"};
    }
    return error_reply(JsonRpcRequest{}, NodeError(rpc_error::parse_error, "Top-level object parse error"));
  }

 private:
  enum class ArgType { num, str, boolean, arr, obj, amount, any };
  struct Arg {
    std::string_view names;  // "verbosity|verbose": aliases for named parameters
    ArgType type;
    bool required = false;
  };
  using Params = json::array;
  struct Method {
    std::string_view name;
    std::string_view summary;
    std::span<const Arg> args;
    json::value (RpcServer::*call)(const Params&);
  };

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
    const NodeError e(rpc_error::invalid_request, std::move(message));
    net::Response res = net::make_response(req, status, to_json(reply_object({}, {}, &e)) + "\n");
    res.keep_alive(false);
    return res;
  }

  Reply error_reply(const JsonRpcRequest& req, const NodeError& e) {
    return {error_http_status(e.code), to_json(reply_object(req, {}, &e)) + "\n"};
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

  // --- dispatch ----------------------------------------------------------------------------

  static std::string usage(const Method& m) {
    std::string s(m.name), optional;
    for (const Arg& a : m.args) {
      std::string name(a.names.substr(0, a.names.find('|')));
      if (a.type == ArgType::str) name = "\"" + name + "\"";
      if (a.required)
        s += " " + name;
      else
        optional += (optional.empty() ? "" : " ") + name;
    }
    if (!optional.empty()) s += " ( " + optional + " )";
    return s;
  }

  static std::string_view type_name(ArgType t) noexcept {
    switch (t) {
      case ArgType::num: return "number";
      case ArgType::str: return "string";
      case ArgType::boolean: return "bool";
      case ArgType::arr: return "array";
      case ArgType::obj: return "object";
      case ArgType::amount: return "number or string";
      case ArgType::any: return "any";
    }
    return "any";
  }

  static bool matches(ArgType t, const json::value& v) noexcept {
    switch (t) {
      case ArgType::num: return v.is_number();
      case ArgType::str: return v.is_string();
      case ArgType::boolean: return v.is_bool();
      case ArgType::arr: return v.is_array();
      case ArgType::obj: return v.is_object();
      case ArgType::amount: return v.is_number() || v.is_string();
      case ArgType::any: return true;
    }
    return true;
  }

  // transformNamedArguments: named parameters to positions (aliases allowed), nulls in the holes.
  static Params positional(const Method& m, const json::value& params) {
    if (params.is_array()) return params.get_array();
    const json::object& named = params.get_object();
    Params out;
    std::size_t used = 0;
    for (std::size_t i = 0; i < m.args.size(); ++i) {
      std::string_view names = m.args[i].names;
      const json::value* found = nullptr;
      while (!names.empty()) {
        const std::string_view name = names.substr(0, names.find('|'));
        if (auto it = named.find(name); it != named.end()) {
          if (found)
            throw NodeException(NodeError(rpc_error::invalid_parameter,
                                          "Parameter " + std::string(name) + " specified multiple times"));
          found = &it->value();
          ++used;
        }
        names.remove_prefix(std::min(names.size(), name.size() + 1));
      }
      if (found) {
        out.resize(i);
        out.emplace_back(*found);
      }
    }
    if (used != named.size()) {
      for (const auto& kv : named) {
        bool known = false;
        for (const Arg& a : m.args) {
          std::string_view names = a.names;
          while (!names.empty()) {
            const std::string_view name = names.substr(0, names.find('|'));
            known = known || name == kv.key();
            names.remove_prefix(std::min(names.size(), name.size() + 1));
          }
        }
        if (!known)
          throw NodeException(
              NodeError(rpc_error::invalid_parameter, "Unknown named parameter " + std::string(kv.key())));
      }
    }
    return out;
  }

  // RPCHelpMan::HandleRequest: the argument count (else the usage, -1), then every type (-3).
  static void check_args(const Method& m, const Params& p) {
    std::size_t required = 0;
    for (const Arg& a : m.args) required += a.required;
    if (p.size() > m.args.size() || p.size() < required)
      throw NodeException(NodeError(rpc_error::misc_error, usage(m) + "\n\n" + std::string(m.summary)));
    std::string mismatch;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const Arg& a = m.args[i];
      if (a.type == ArgType::any || (!a.required && p[i].is_null()) || matches(a.type, p[i])) continue;
      mismatch += mismatch.empty() ? "\n    " : ",\n    ";
      mismatch += "\"Position " + std::to_string(i + 1) + " (" + std::string(a.names) + ")\": \"JSON value of type " +
                  std::string(json_type_name(p[i])) + " is not of expected type " + std::string(type_name(a.type)) +
                  "\"";
    }
    if (!mismatch.empty())
      throw NodeException(NodeError(rpc_error::type_error, "Wrong type passed:\n{" + mismatch + "\n}"));
  }

  std::optional<NodeError> call(const JsonRpcRequest& req, json::value& result) {
    const Method* m = find_method(req.method);
    if (!m) return NodeError(rpc_error::method_not_found, "Method not found");
    try {
      const Params p = positional(*m, req.params);
      check_args(*m, p);
      result = (this->*m->call)(p);
      return std::nullopt;
    } catch (const NodeException& e) {
      return e.error();
    } catch (const std::exception& e) {  // ExecuteCommand: anything else is RPC_MISC_ERROR
      return NodeError(rpc_error::misc_error, e.what());
    }
  }

  // --- parameter helpers -------------------------------------------------------------------

  static const json::value& arg(const Params& p, std::size_t i) {
    static const json::value null;
    return i < p.size() ? p[i] : null;
  }
  static bool has(const Params& p, std::size_t i) { return i < p.size() && !p[i].is_null(); }
  [[noreturn]] static void fail(int code, std::string message) {
    throw NodeException(NodeError(code, std::move(message)));
  }

  // UniValue::getInt: numbers only, integral.
  static std::int64_t get_int(const json::value& v) {
    if (v.is_int64()) return v.get_int64();
    if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
      return static_cast<std::int64_t>(v.get_uint64());
    if (v.is_double()) {
      const double d = v.get_double();
      if (d == static_cast<double>(static_cast<std::int64_t>(d))) return static_cast<std::int64_t>(d);
      fail(rpc_error::misc_error, "JSON integer out of range");
    }
    fail(rpc_error::misc_error,
         "JSON value of type " + std::string(json_type_name(v)) + " is not of expected type number");
  }
  static int get_int32(const json::value& v) {
    const std::int64_t n = get_int(v);
    if (n < INT32_MIN || n > INT32_MAX) fail(rpc_error::misc_error, "JSON integer out of range");
    return static_cast<int>(n);
  }
  static bool get_bool(const json::value& v, bool fallback) {
    if (v.is_null()) return fallback;
    if (!v.is_bool())
      fail(rpc_error::misc_error,
           "JSON value of type " + std::string(json_type_name(v)) + " is not of expected type bool");
    return v.get_bool();
  }
  static std::string_view get_str(const json::value& v) {
    if (!v.is_string())
      fail(rpc_error::misc_error,
           "JSON value of type " + std::string(json_type_name(v)) + " is not of expected type string");
    return v.get_string();
  }
  // ParseVerbosity: a bool (false 0, true 1) or a number.
  static int get_verbosity(const json::value& v, int fallback) {
    if (v.is_null()) return fallback;
    if (v.is_bool()) return v.get_bool() ? 1 : 0;
    return get_int32(v);
  }
  // ParseHashV: 64 hex digits, with bitcoind's messages naming the parameter.
  template <class Hash>
  static Hash get_hash(const json::value& v, std::string_view name) {
    const std::string_view s = get_str(v);
    if (s.size() != 64)
      fail(rpc_error::invalid_parameter, std::string(name) + " must be of length 64 (not " + std::to_string(s.size()) +
                                             ", for '" + std::string(s) + "')");
    auto h = Hash::try_from_hex(s);
    if (!h)
      fail(rpc_error::invalid_parameter,
           std::string(name) + " must be hexadecimal string (not '" + std::string(s) + "')");
    return *h;
  }
  static std::int64_t get_amount(const json::value& v) { return amount_from_value(v).value(); }
  // A fee rate in BTC/kvB (maxfeerate) as sat/kvB.
  static std::int64_t get_fee_rate(const json::value& v) {
    const std::int64_t r = get_amount(v);
    if (r >= 100'000'000) fail(rpc_error::type_error, "Fee rates larger than or equal to 1BTC/kvB are not accepted");
    return r;
  }

  const AddressFormat& address_format() const { return node_.params().network->address; }
  bool forkid() const { return node_.params().sighash == SighashScheme::forkid; }

  // --- blockchain ----------------------------------------------------------------------------

  json::value getblockchaininfo(const Params&) { return blockchain_info_json(node_); }
  json::value getblockcount(const Params&) { return node_.height(); }
  json::value getbestblockhash(const Params&) { return json::value(node_.tip().to_hex()); }
  json::value getblockhash(const Params& p) { return json::value(node_.block_hash(get_int32(p[0])).value().to_hex()); }

  json::value getblockheader(const Params& p) {
    const BlockInfo b = node_.block(get_hash<BlockHash>(p[0], "hash")).value();
    if (!get_bool(arg(p, 1), true)) return json::value(to_hex(b.header.serialize()));
    return header_json(b);
  }

  json::value getblock(const Params& p) {
    const BlockInfo b = node_.block(get_hash<BlockHash>(p[0], "blockhash")).value();
    const int verbosity = get_verbosity(arg(p, 1), 1);
    if (verbosity <= 0) return json::value(to_hex(*b.raw));
    return block_json(node_, b, verbosity);
  }

  json::value getchaintips(const Params&) {
    json::array out;
    for (const ChainTip& t : node_.chain_tips())
      out.emplace_back(json::object{{"height", t.height},
                                    {"hash", t.hash.to_hex()},
                                    {"branchlen", t.branch_length},
                                    {"status", to_string(t.status)}});
    return out;
  }

  json::value getrawtransaction(const Params& p) {
    const Txid txid = get_hash<Txid>(p[0], "parameter 1");
    const int verbosity = get_verbosity(arg(p, 1), 0);
    std::optional<BlockHash> block;
    if (has(p, 2)) block = get_hash<BlockHash>(p[2], "parameter 3");
    if (txid == node_.params().genesis.transactions[0].txid())
      fail(rpc_error::invalid_address_or_key,
           "The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved");
    const TxLookup found = node_.transaction(txid, block).value();
    if (verbosity <= 0) return json::value(to_hex(found.tx.serialize()));
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

  json::value getindexinfo(const Params& p) {
    json::object o;
    if (!has(p, 0) || get_str(p[0]) == "txindex")
      o["txindex"] = json::object{{"synced", true}, {"best_block_height", node_.height()}};
    return o;
  }

  json::value getnetworkinfo(const Params&) {
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
    o["relayfee"] = amount_value(m.min_relay_fee_sat_per_kvb);
    o["incrementalfee"] = amount_value(1000);
    o["localaddresses"] = json::array();
    o["warnings"] = json::array();
    return o;
  }

  // --- mining ------------------------------------------------------------------------------

  json::value generatetoaddress(const Params& p) {
    const int n = get_int32(p[0]);
    const std::string address(get_str(p[1]));
    json::array out;
    for (const BlockHash& h : node_.generate_to_address(n, address).value()) out.emplace_back(h.to_hex());
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

  json::value generateblock(const Params& p) {
    const Bytes script = output_script(get_str(p[0]));
    if (!get_bool(arg(p, 2), true)) fail(rpc_error::invalid_parameter, "submit=false is not supported by this node");
    std::vector<BlockTxSource> txs;
    for (const json::value& v : p[1].get_array()) {
      const std::string_view s = get_str(v);
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

  json::value submitblock(const Params& p) {
    auto raw = try_from_hex(get_str(p[0]));
    if (!raw) fail(rpc_error::deserialization_error, "Block decode failed");
    const std::optional<std::string> r = node_.submit_block(*raw).value();
    return r ? json::value(*r) : json::value();
  }

  json::value invalidateblock(const Params& p) {
    node_.invalidate_block(get_hash<BlockHash>(p[0], "blockhash")).value();
    return nullptr;
  }
  json::value reconsiderblock(const Params& p) {
    node_.reconsider_block(get_hash<BlockHash>(p[0], "blockhash")).value();
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
    o["fees"] = json::object{{"base", amount_value(e.fee)},
                             {"modified", amount_value(e.fee)},
                             {"ancestor", amount_value(e.ancestor_fees)},
                             {"descendant", amount_value(e.descendant_fees)}};
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

  json::value getrawmempool(const Params& p) {
    const bool verbose = get_bool(arg(p, 0), false);
    if (get_bool(arg(p, 1), false)) {
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

  json::value getmempoolentry(const Params& p) {
    return mempool_entry_json(node_.mempool_entry(get_hash<Txid>(p[0], "parameter 1")).value());
  }

  json::value getmempoolinfo(const Params&) {
    const MempoolInfo m = node_.mempool_info();
    json::object o;
    o["loaded"] = true;
    o["size"] = m.size;
    o["bytes"] = m.bytes;
    o["usage"] = m.usage;
    o["total_fee"] = amount_value(m.total_fee);
    o["maxmempool"] = 300'000'000;
    o["mempoolminfee"] = amount_value(m.min_relay_fee_sat_per_kvb);
    o["minrelaytxfee"] = amount_value(m.min_relay_fee_sat_per_kvb);
    o["incrementalrelayfee"] = amount_value(1000);
    o["unbroadcastcount"] = 0;
    o["fullrbf"] = true;
    return o;
  }

  static constexpr std::string_view tx_decode_failed = "TX decode failed. Make sure the tx has at least one input.";

  json::value sendrawtransaction(const Params& p) {
    auto raw = try_from_hex(get_str(p[0]));
    if (!raw) fail(rpc_error::deserialization_error, std::string(tx_decode_failed));
    const std::int64_t max_fee_rate = has(p, 1) ? get_fee_rate(p[1]) : node_.options().max_fee_rate_sat_per_kvb;
    const std::int64_t max_burn = has(p, 2) ? get_amount(p[2]) : 0;
    if (auto tx = Transaction::try_parse(*raw))
      for (const TxOut& out : tx->outputs())
        if (is_unspendable(out.script_pubkey) && out.value > max_burn)
          fail(rpc_error::verify_error, "Unspendable output exceeds maximum configured by user (maxburnamount)");
    return json::value(node_.send_raw_transaction(*raw, max_fee_rate).value().txid.to_hex());
  }

  json::value testmempoolaccept(const Params& p) {
    const json::array& raws = p[0].get_array();
    if (raws.empty() || raws.size() > 25)
      fail(rpc_error::invalid_parameter, "Array must contain between 1 and 25 transactions.");
    const std::int64_t max_fee_rate = has(p, 1) ? get_fee_rate(p[1]) : node_.options().max_fee_rate_sat_per_kvb;
    std::vector<Bytes> txs;
    for (const json::value& v : raws) {
      const std::string_view s = get_str(v);
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
        o["fees"] = json::object{{"base", amount_value(r.fee)},
                                 {"effective-feerate", amount_value(rate)},
                                 {"effective-includes", json::array{r.wtxid.to_hex()}}};
      } else {
        o["reject-reason"] = r.error.reject_reason.empty() ? r.error.message : r.error.reject_reason;
        o["reject-details"] = r.error.message;
      }
      out.emplace_back(std::move(o));
    }
    return out;
  }

  json::value estimatesmartfee(const Params& p) {
    const std::int64_t target = get_int(p[0]);
    if (target < 1 || target > 1008)
      fail(rpc_error::invalid_parameter, "Invalid conf_target, must be between 1 and 1008");
    if (has(p, 1)) {
      std::string mode(get_str(p[1]));
      for (char& c : mode) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      if (mode != "unset" && mode != "economical" && mode != "conservative")
        fail(rpc_error::invalid_parameter,
             "Invalid estimate_mode parameter, must be one of: \"unset\", \"economical\", \"conservative\"");
    }
    const auto rate = node_.estimate_fee_sat_per_kvb(static_cast<int>(target));
    if (!rate) return json::object{{"errors", json::array{"Insufficient data or no feerate found"}}, {"blocks", 0}};
    const std::int64_t floor = node_.mempool_info().min_relay_fee_sat_per_kvb;
    return json::object{{"feerate", amount_value(std::max(*rate, floor))},
                        {"blocks", std::max<std::int64_t>(2, target)}};
  }

  // --- control -------------------------------------------------------------------------------

  json::value stop_method(const Params&) {
    stop_requested_ = true;
    return json::value(stopping_message);
  }
  json::value uptime(const Params&) {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count();
  }
  json::value getzmqnotifications(const Params&) { return json::array(); }
  json::value help(const Params& p) {
    if (has(p, 0)) {
      const Method* m = find_method(get_str(p[0]));
      if (!m) return json::value("help: unknown command: " + std::string(get_str(p[0])));
      return json::value(usage(*m) + "\n\n" + std::string(m->summary));
    }
    std::string s;
    for (const Method& m : methods()) s += usage(m) + "\n";
    return json::value(s);
  }

  // --- wallet (the node's faucet) -------------------------------------------------------------

  json::value getnewaddress(const Params& p) {
    std::optional<std::string_view> type;
    if (has(p, 1)) type = get_str(p[1]);
    return json::value(node_.get_new_address(type).value());
  }

  json::value getbalance(const Params& p) {
    if (has(p, 0) && get_str(p[0]) != "*")
      fail(rpc_error::method_deprecated, "dummy first argument must be excluded or set to \"*\".");
    const std::int64_t min_conf = has(p, 1) ? get_int(p[1]) : 0;
    if (min_conf <= 0) return amount_value(node_.balance());
    std::int64_t sum = 0;
    for (const Unspent& u : node_.list_unspent(static_cast<int>(min_conf))) sum += u.amount;
    return amount_value(sum);
  }

  json::value listunspent(const Params& p) {
    const int min_conf = has(p, 0) ? get_int32(p[0]) : 1;
    const int max_conf = has(p, 1) ? get_int32(p[1]) : 9'999'999;
    std::set<std::string> wanted;  // scripts as strings: GCC 12 -O3 misreads set<Bytes>'s memcmp bounds
    if (has(p, 2)) {
      for (const json::value& v : p[2].get_array()) {
        const std::string_view a = get_str(v);
        auto script = to_script_pubkey(a, address_format());
        if (!script) fail(rpc_error::invalid_address_or_key, "Invalid Bitcoin address: " + std::string(a));
        if (!wanted.insert(std::string(as_chars(*script))).second)
          fail(rpc_error::invalid_parameter, "Invalid parameter, duplicated address: " + std::string(a));
      }
    }
    json::array out;
    for (const Unspent& u : node_.list_unspent(min_conf, max_conf)) {
      if (has(p, 2) && !wanted.count(std::string(as_chars(u.script_pubkey)))) continue;
      json::object o;
      o["txid"] = u.outpoint.txid.to_hex();
      o["vout"] = u.outpoint.index;
      o["address"] = u.address;
      o["label"] = "";
      o["scriptPubKey"] = to_hex(u.script_pubkey);
      o["amount"] = amount_value(u.amount);
      o["confirmations"] = u.confirmations;
      o["spendable"] = true;
      o["solvable"] = true;
      o["parent_descs"] = json::array();
      o["safe"] = true;
      out.emplace_back(std::move(o));
    }
    return out;
  }

  // fee_rate in sat/vB (up to 3 decimals) as sat/kvB.
  static std::int64_t get_sat_per_vb(const json::value& v) {
    const std::int64_t scaled = get_amount(v);  // the number times 1e8
    return scaled / 100'000;                    // times 1000, over 1e8
  }

  json::value sendtoaddress(const Params& p) {
    const std::string address(get_str(p[0]));
    const std::int64_t amount = get_amount(p[1]);
    if (amount <= 0) fail(rpc_error::type_error, "Invalid amount for send");
    SendOptions o;
    o.subtract_fee_from_first = get_bool(arg(p, 4), false);
    if (has(p, 9)) o.fee_rate_sat_per_kvb = get_sat_per_vb(p[9]);
    const Txid txid = node_.send_to_address(address, amount, o).value();
    if (get_bool(arg(p, 10), false)) return json::object{{"txid", txid.to_hex()}, {"fee_reason", "Fallback fee"}};
    return json::value(txid.to_hex());
  }

  json::value sendmany(const Params& p) {
    if (has(p, 0) && !get_str(p[0]).empty()) fail(rpc_error::invalid_parameter, "Dummy value must be set to \"\"");
    std::vector<std::pair<std::string, std::int64_t>> payments;
    std::set<std::string> seen;
    for (const auto& kv : p[1].get_object()) {
      const std::string address(kv.key());
      if (!is_valid_address(address, address_format()))
        fail(rpc_error::invalid_address_or_key, "Invalid Bitcoin address: " + address);
      if (!seen.insert(address).second)
        fail(rpc_error::invalid_parameter, "Invalid parameter, duplicated address: " + address);
      const std::int64_t amount = get_amount(kv.value());
      if (amount <= 0) fail(rpc_error::type_error, "Invalid amount for send");
      payments.emplace_back(address, amount);
    }
    if (payments.empty()) fail(rpc_error::invalid_parameter, "Transaction must have at least one recipient");
    SendOptions o;
    if (has(p, 4)) o.subtract_fee_from_first = !p[4].get_array().empty();
    if (has(p, 8)) o.fee_rate_sat_per_kvb = get_sat_per_vb(p[8]);
    const Txid txid = node_.send_many(payments, o).value();
    if (get_bool(arg(p, 9), false)) return json::object{{"txid", txid.to_hex()}, {"fee_reason", "Fallback fee"}};
    return json::value(txid.to_hex());
  }

  // --- the method table ----------------------------------------------------------------------

  static std::span<const Method> methods() {
    using T = ArgType;
    static constexpr Arg height[] = {{"height", T::num, true}};
    static constexpr Arg header[] = {{"blockhash", T::str, true}, {"verbose", T::boolean}};
    static constexpr Arg block[] = {{"blockhash", T::str, true}, {"verbosity|verbose", T::any}};
    static constexpr Arg rawtx[] = {{"txid", T::str, true}, {"verbosity|verbose", T::any}, {"blockhash", T::str}};
    static constexpr Arg mempool[] = {{"verbose", T::boolean}, {"mempool_sequence", T::boolean}};
    static constexpr Arg txid[] = {{"txid", T::str, true}};
    static constexpr Arg sendraw[] = {
        {"hexstring", T::str, true}, {"maxfeerate", T::amount}, {"maxburnamount", T::amount}};
    static constexpr Arg testaccept[] = {{"rawtxs", T::arr, true}, {"maxfeerate", T::amount}};
    static constexpr Arg estimate[] = {{"conf_target", T::num, true}, {"estimate_mode", T::str}};
    static constexpr Arg gen_to[] = {{"nblocks", T::num, true}, {"address", T::str, true}, {"maxtries", T::num}};
    static constexpr Arg gen_block[] = {
        {"output", T::str, true}, {"transactions", T::arr, true}, {"submit", T::boolean}};
    static constexpr Arg hash[] = {{"blockhash", T::str, true}};
    static constexpr Arg submit[] = {{"hexdata", T::str, true}, {"dummy", T::str}};
    static constexpr Arg index[] = {{"index_name", T::str}};
    static constexpr Arg stop_args[] = {{"wait", T::num}};
    static constexpr Arg help_args[] = {{"command", T::str}};
    static constexpr Arg newaddr[] = {{"label", T::str}, {"address_type", T::str}};
    static constexpr Arg balance[] = {
        {"dummy", T::str}, {"minconf", T::num}, {"include_watchonly", T::boolean}, {"avoid_reuse", T::boolean}};
    static constexpr Arg unspent[] = {{"minconf", T::num},
                                      {"maxconf", T::num},
                                      {"addresses", T::arr},
                                      {"include_unsafe", T::boolean},
                                      {"query_options", T::obj}};
    static constexpr Arg sendto[] = {{"address", T::str, true},
                                     {"amount", T::amount, true},
                                     {"comment", T::str},
                                     {"comment_to", T::str},
                                     {"subtractfeefromamount", T::boolean},
                                     {"replaceable", T::boolean},
                                     {"conf_target", T::num},
                                     {"estimate_mode", T::str},
                                     {"avoid_reuse", T::boolean},
                                     {"fee_rate", T::amount},
                                     {"verbose", T::boolean}};
    static constexpr Arg many[] = {{"dummy", T::str, true}, {"amounts", T::obj, true},   {"minconf", T::num},
                                   {"comment", T::str},     {"subtractfeefrom", T::arr}, {"replaceable", T::boolean},
                                   {"conf_target", T::num}, {"estimate_mode", T::str},   {"fee_rate", T::amount},
                                   {"verbose", T::boolean}};
    constexpr std::span<const Arg> no_args{};
    static const Method table[] = {
        {"getblockchaininfo", "Returns an object containing various state info regarding blockchain processing.",
         no_args, &RpcServer::getblockchaininfo},
        {"getnetworkinfo", "Returns an object containing various state info regarding P2P networking.", no_args,
         &RpcServer::getnetworkinfo},
        {"getblockcount", "Returns the height of the most-work fully-validated chain.", no_args,
         &RpcServer::getblockcount},
        {"getbestblockhash", "Returns the hash of the best (tip) block in the most-work fully-validated chain.",
         no_args, &RpcServer::getbestblockhash},
        {"getblockhash", "Returns hash of block in best-block-chain at height provided.", height,
         &RpcServer::getblockhash},
        {"getblockheader",
         "If verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'.", header,
         &RpcServer::getblockheader},
        {"getblock", "If verbosity is 0, returns a string that is serialized, hex-encoded data for block 'hash'.",
         block, &RpcServer::getblock},
        {"getchaintips", "Return information about all known tips in the block tree.", no_args,
         &RpcServer::getchaintips},
        {"getrawtransaction", "By default, this call only returns a transaction if it is in the mempool.", rawtx,
         &RpcServer::getrawtransaction},
        {"getrawmempool", "Returns all transaction ids in memory pool as a json array of string transaction ids.",
         mempool, &RpcServer::getrawmempool},
        {"getmempoolentry", "Returns mempool data for given transaction", txid, &RpcServer::getmempoolentry},
        {"getmempoolinfo", "Returns details on the active state of the TX memory pool.", no_args,
         &RpcServer::getmempoolinfo},
        {"sendrawtransaction", "Submit a raw transaction (serialized, hex-encoded) to local node and network.", sendraw,
         &RpcServer::sendrawtransaction},
        {"testmempoolaccept",
         "Returns result of mempool acceptance tests indicating if raw transaction(s) would be accepted by mempool.",
         testaccept, &RpcServer::testmempoolaccept},
        {"estimatesmartfee",
         "Estimates the approximate fee per kilobyte needed for a transaction to begin confirmation within conf_target "
         "blocks if possible.",
         estimate, &RpcServer::estimatesmartfee},
        {"generatetoaddress", "Mine to a specified address and return the block hashes.", gen_to,
         &RpcServer::generatetoaddress},
        {"generateblock",
         "Mine a set of ordered transactions to a specified address or descriptor and return the block hash.",
         gen_block, &RpcServer::generateblock},
        {"invalidateblock", "Permanently marks a block as invalid, as if it violated a consensus rule.", hash,
         &RpcServer::invalidateblock},
        {"reconsiderblock",
         "Removes invalidity status of a block, its ancestors and its descendants, reconsider them for activation.",
         hash, &RpcServer::reconsiderblock},
        {"submitblock", "Attempts to submit new block to network.", submit, &RpcServer::submitblock},
        {"getindexinfo", "Returns the status of one or all available indices currently running in the node.", index,
         &RpcServer::getindexinfo},
        {"stop", "Request a graceful shutdown of the node.", stop_args, &RpcServer::stop_method},
        {"uptime", "Returns the total uptime of the server.", no_args, &RpcServer::uptime},
        {"getzmqnotifications", "Returns information about the active ZeroMQ notifications.", no_args,
         &RpcServer::getzmqnotifications},
        {"help", "List all commands, or get help for a specified command.", help_args, &RpcServer::help},
        {"getnewaddress", "Returns a new address for receiving payments (the node's faucet wallet).", newaddr,
         &RpcServer::getnewaddress},
        {"getbalance", "Returns the total available balance of the node's faucet wallet.", balance,
         &RpcServer::getbalance},
        {"listunspent", "Returns array of unspent transaction outputs of the node's faucet wallet.", unspent,
         &RpcServer::listunspent},
        {"sendtoaddress", "Send an amount to a given address from the node's faucet wallet.", sendto,
         &RpcServer::sendtoaddress},
        {"sendmany", "Send multiple times from the node's faucet wallet.", many, &RpcServer::sendmany},
    };
    return table;
  }

  static const Method* find_method(std::string_view name) {
    for (const Method& m : methods())
      if (m.name == name) return &m;
    return nullptr;
  }

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
