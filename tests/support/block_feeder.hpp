// BlockFeeder: a bitcoind stand-in for benchmarks and indexer tests, serving an in-memory chain
// of raw blocks over the JSON-RPC methods (single calls and batches, Basic login) and REST
// endpoints the indexer's NodeClient uses, on 127.0.0.1. For chains the regtest node cannot mine
// (unsigned synthetic transactions, real mainnet blocks) and for faults it cannot make (a node
// that serves a corrupt block): it checks nothing about the blocks.
#pragma once

#include <coinkit/chain/block_header.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/reader.hpp>
#include <coinkit/net/basic_auth.hpp>
#include <coinkit/net/http_server.hpp>
#include <coinkit/node/node_options.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace coinkit::test {

struct BlockFeederOptions {
  std::string user = "bench", password = "bench";
  bool rest = true;                          // serve /rest/... (bitcoind -rest); off: blocks by getblock only
  std::string chain = "regtest";             // what getblockchaininfo says
  std::uint16_t port = 0;                    // 0: the OS picks; a fixed port lets a test restart the "node"
  std::chrono::microseconds block_delay{0};  // how long serving each block takes: a slow node
};

class BlockFeeder {
 public:
  // `blocks[h]` is the block at height h; each must link to the one before (not checked).
  // height() and blocks() are safe to read only before start() and after stop().
  explicit BlockFeeder(std::vector<Bytes> blocks, BlockFeederOptions options = {})
      : blocks_(std::move(blocks)),
        options_(std::move(options)),
        http_(io_.get_executor(), [this](net::Request& req) { return handle(req); }) {
    if (blocks_.empty()) throw std::invalid_argument("BlockFeeder: no blocks");
    for (std::size_t h = 0; h < blocks_.size(); ++h) index_block(h);
  }
  ~BlockFeeder() { stop(); }
  BlockFeeder(const BlockFeeder&) = delete;
  BlockFeeder& operator=(const BlockFeeder&) = delete;

  // Binds 127.0.0.1 and serves on a thread of its own.
  void start() {
    http_.listen({net::asio::ip::make_address_v4("127.0.0.1"), options_.port});
    port_ = http_.local_endpoint().port();
    thread_ = std::thread([this] { io_.run(); });
  }
  void stop() {
    if (!thread_.joinable()) return;
    net::asio::post(io_, [this] {
      http_.stop();
      io_.stop();
    });
    thread_.join();
  }

  std::uint16_t port() const noexcept { return port_; }
  // What a NodeClient needs to reach this feeder.
  node::NodeOptions node_options() const {
    node::NodeOptions o;
    o.host = "127.0.0.1";
    o.port = port_;
    o.user = options_.user;
    o.password = options_.password;
    o.use_rest = options_.rest;
    return o;
  }
  // Appends a block on top of the chain, as a node does when one is mined; from any thread
  // once started (the chain is the serving thread's).
  void add_block(Bytes raw) {
    std::promise<void> done;
    net::asio::post(io_, [&] {
      blocks_.push_back(std::move(raw));
      index_block(blocks_.size() - 1);
      tip_served_ns_ = 0;
      done.set_value();
    });
    done.get_future().wait();
  }
  // Appends many blocks at once: a node that was ahead by all of them when first asked.
  void add_blocks(std::vector<Bytes> raws) {
    std::promise<void> done;
    net::asio::post(io_, [&] {
      for (Bytes& raw : raws) {
        blocks_.push_back(std::move(raw));
        index_block(blocks_.size() - 1);
      }
      tip_served_ns_ = 0;
      done.set_value();
    });
    done.get_future().wait();
  }
  // When the block at the tip was first served (steady_clock nanoseconds), 0 until it is.
  std::int64_t tip_served_ns() const noexcept { return tip_served_ns_.load(); }

  int height() const noexcept { return static_cast<int>(blocks_.size()) - 1; }
  const std::vector<Bytes>& blocks() const noexcept { return blocks_; }
  const std::vector<BlockHash>& hashes() const noexcept { return hashes_; }
  std::uint64_t requests() const noexcept { return requests_.load(); }
  std::uint64_t bytes_served() const noexcept { return bytes_served_.load(); }
  std::uint64_t blocks_served() const noexcept { return blocks_served_.load(); }

 private:
  // One call's outcome as JSON text: a result, or bitcoind's {code, message}.
  struct Outcome {
    std::string result = "null";
    std::optional<std::pair<int, std::string>> error;
  };

  net::asio::awaitable<net::Response> handle(net::Request& req) { co_return respond(req); }

  net::Response respond(const net::Request& req) {
    ++requests_;
    const std::string_view target = req.target();
    if (target.starts_with("/rest/")) {
      if (!options_.rest) return net::make_response(req, net::http::status::not_found, "", "text/html");
      return rest(req, target.substr(6));
    }
    if (target != "/" || req.method() != net::http::verb::post)
      return net::make_response(req, net::http::status::not_found, "", "text/html");
    if (!net::check_basic_auth(req[net::http::field::authorization], options_.user, options_.password)) {
      net::Response res = net::make_response(req, net::http::status::unauthorized, "", "text/html");
      res.set(net::http::field::www_authenticate, "Basic realm=\"jsonrpc\"");
      return res;
    }
    boost::system::error_code ec;
    const boost::json::value body = boost::json::parse(req.body(), ec);
    if (ec) return rpc_error_response(req, -32700, "Parse error");
    if (const auto* call = body.if_object()) {
      std::string out;
      const Outcome o = dispatch(*call, out);
      // JSON-RPC 1.0 as bitcoind answers it: an error travels with an HTTP error status.
      const auto status = !o.error                   ? net::http::status::ok
                          : o.error->first == -32601 ? net::http::status::not_found
                                                     : net::http::status::internal_server_error;
      return reply(req, status, std::move(out));
    }
    if (const auto* batch = body.if_array()) {
      std::string out = "[";
      for (const auto& e : *batch) {
        if (out.size() > 1) out += ',';
        if (const auto* call = e.if_object())
          dispatch(*call, out);
        else
          append_reply(out, Outcome{"null", std::pair{-32600, std::string("Invalid Request object")}}, "null");
      }
      out += "]";
      return reply(req, net::http::status::ok, std::move(out));
    }
    return rpc_error_response(req, -32700, "Top-level object parse error");
  }

  net::Response reply(const net::Request& req, net::http::status status, std::string body) {
    body += '\n';
    bytes_served_ += body.size();
    return net::make_response(req, status, std::move(body), "application/json");
  }
  net::Response rpc_error_response(const net::Request& req, int code, std::string message) {
    std::string out;
    append_reply(out, Outcome{"null", std::pair{code, std::move(message)}}, "null");
    return reply(req, net::http::status::internal_server_error, std::move(out));
  }

  static void append_reply(std::string& out, const Outcome& o, std::string_view id) {
    out += "{\"result\":";
    out += o.error ? std::string_view("null") : std::string_view(o.result);
    out += ",\"error\":";
    if (o.error) {
      out += "{\"code\":";
      out += std::to_string(o.error->first);
      out += ",\"message\":";
      out += boost::json::serialize(boost::json::value(o.error->second));
      out += '}';
    } else {
      out += "null";
    }
    out += ",\"id\":";
    out += id;
    out += '}';
  }

  // Runs one call and appends its reply object to `out`.
  Outcome dispatch(const boost::json::object& call, std::string& out) {
    const auto* id = call.if_contains("id");
    const std::string id_text = id ? boost::json::serialize(*id) : std::string("null");
    Outcome o;
    const auto* method = call.if_contains("method");
    static const boost::json::array no_params;
    const auto* p = call.if_contains("params");
    const boost::json::array& params = p && p->is_array() ? p->get_array() : no_params;
    if (!method || !method->is_string())
      o.error = {-32600, "Method must be a string"};
    else
      o = run(std::string_view(method->get_string()), params);
    append_reply(out, o, id_text);
    return o;
  }

  static Outcome ok(std::string result) { return Outcome{std::move(result), std::nullopt}; }
  static Outcome fail(int code, std::string message) { return Outcome{"null", std::pair{code, std::move(message)}}; }
  static std::string quoted(std::string_view s) {
    std::string q = "\"";
    q += s;
    q += '"';
    return q;
  }

  std::optional<std::size_t> height_of(const boost::json::value& v) const {
    const auto* s = v.if_string();
    if (!s) return std::nullopt;
    auto it = by_hash_.find(std::string(s->data(), s->size()));
    if (it == by_hash_.end()) return std::nullopt;
    return it->second;
  }

  std::string chain_info() const {
    const std::string tip = std::to_string(height());
    return "{\"chain\":" + quoted(options_.chain) + ",\"blocks\":" + tip + ",\"headers\":" + tip +
           ",\"bestblockhash\":" + quoted(hex_hashes_.back()) +
           ",\"initialblockdownload\":false,\"pruned\":false,\"verificationprogress\":1}";
  }

  Outcome run(std::string_view method, const boost::json::array& params) {
    if (method == "getblockcount") return ok(std::to_string(height()));
    if (method == "getbestblockhash") return ok(quoted(hex_hashes_.back()));
    if (method == "getblockhash") {
      if (params.empty() || !params[0].is_int64()) return fail(-1, "getblockhash height");
      const std::int64_t h = params[0].get_int64();
      if (h < 0 || h > height()) return fail(-8, "Block height out of range");
      return ok(quoted(hex_hashes_[static_cast<std::size_t>(h)]));
    }
    if (method == "getblock") {
      if (params.empty()) return fail(-1, "getblock \"blockhash\" ( verbosity )");
      const auto h = height_of(params[0]);
      if (!h) return fail(-5, "Block not found");
      const bool raw = params.size() > 1 && ((params[1].is_int64() && params[1].get_int64() == 0) ||
                                             (params[1].is_bool() && !params[1].get_bool()));
      if (!raw) return fail(-8, "the block feeder serves verbosity 0 only");
      count_block(*h);
      std::string hex = "\"";
      hex += to_hex(blocks_[*h]);
      hex += '"';
      return ok(std::move(hex));
    }
    if (method == "getblockchaininfo") return ok(chain_info());
    if (method == "getrawmempool") return ok("[]");
    if (method == "getmempoolinfo")
      return ok(
          "{\"loaded\":true,\"size\":0,\"bytes\":0,\"usage\":0,\"mempoolminfee\":0.00001,\"minrelaytxfee\":0.00001}");
    if (method == "getnetworkinfo")
      return ok("{\"version\":270000,\"subversion\":\"/coinkit-block-feeder/\",\"relayfee\":0.00001}");
    if (method == "estimatesmartfee")
      return ok("{\"errors\":[\"Insufficient data or no feerate found\"],\"blocks\":2}");
    if (method == "getrawtransaction") return fail(-5, "No such mempool or blockchain transaction");
    return fail(-32601, "Method not found");
  }

  net::Response rest(const net::Request& req, std::string_view path) {
    if (path == "chaininfo.json") return net::make_response(req, net::http::status::ok, chain_info() + "\n");
    if (path.starts_with("block/")) {
      path.remove_prefix(6);
      const auto dot = path.rfind('.');
      const std::string_view hash = path.substr(0, dot), format = dot == path.npos ? "" : path.substr(dot + 1);
      auto it = by_hash_.find(std::string(hash));
      if (it == by_hash_.end())
        return net::make_response(req, net::http::status::not_found, std::string(hash) + " not found\r\n",
                                  "text/plain");
      const Bytes& b = blocks_[it->second];
      count_block(it->second);
      if (format == "bin") {
        bytes_served_ += b.size();
        return net::make_response(req, net::http::status::ok, std::string(as_chars(b)), "application/octet-stream");
      }
      if (format == "hex") return net::make_response(req, net::http::status::ok, to_hex(b) + "\n", "text/plain");
    }
    return net::make_response(req, net::http::status::not_found, "output format not found\r\n", "text/plain");
  }

  // Finds blocks_[h] by its hash from then on.
  void index_block(std::size_t h) {
    if (blocks_[h].size() < 80) throw std::invalid_argument("BlockFeeder: a block shorter than its header");
    ByteReader r(ByteSpan(blocks_[h]).first(80));
    hashes_.push_back(BlockHeader::read(r).hash());
    hex_hashes_.push_back(hashes_.back().to_hex());
    by_hash_.emplace(hex_hashes_.back(), h);
  }

  // Every block served passes here: counted, and slowed down as the options ask.
  void count_block(std::size_t height) {
    ++blocks_served_;
    if (height + 1 == blocks_.size() && tip_served_ns_ == 0)
      tip_served_ns_ = std::chrono::steady_clock::now().time_since_epoch().count();
    if (options_.block_delay.count() > 0) std::this_thread::sleep_for(options_.block_delay);
  }

  std::vector<Bytes> blocks_;
  std::vector<BlockHash> hashes_;
  std::vector<std::string> hex_hashes_;
  std::unordered_map<std::string, std::size_t> by_hash_;
  BlockFeederOptions options_;
  net::asio::io_context io_{1};
  net::HttpServer http_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  std::atomic<std::uint64_t> requests_{0}, bytes_served_{0}, blocks_served_{0};
  std::atomic<std::int64_t> tip_served_ns_{0};
};

}  // namespace coinkit::test
