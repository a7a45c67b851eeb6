// NodeClient: a thread-safe, blocking client of bitcoind's JSON-RPC (batches, Basic or cookie
// login) and REST binary blocks, over a small pool of keep-alive connections.
#pragma once

#include <coinkit/chain/hashes.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/node/detail/connection.hpp>
#include <coinkit/node/detail/hex_replies.hpp>
#include <coinkit/node/node_failure.hpp>
#include <coinkit/node/node_options.hpp>
#include <coinkit/node/retry.hpp>
#include <coinkit/rpc/client.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/json_writer.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinkit::node {

// One call of a batch.
struct RpcCall {
  std::string_view method;
  boost::json::array params;
};

namespace detail {

// A reply's result, or bitcoind's error as an rpc_error, or bad_reply.
inline NodeResult<boost::json::value> take_reply(boost::json::value&& v) {
  rpc::Reply r = rpc::take_reply(std::move(v));
  if (r.shape == rpc::ReplyShape::result) return std::move(r.result);
  if (r.shape == rpc::ReplyShape::fault) return rpc_failure(r.fault.code, std::move(r.fault.message));
  return node_failure(error::bad_reply, std::move(r.fault.message));
}

// A JSON-RPC 1.0 request, as ElectrumX sends them; `params(out)` writes its params array.
template <class WriteParams>
void append_call(std::string& out, std::uint64_t id, std::string_view method, WriteParams&& params) {
  rpc::write_request(out, id, method, std::forward<WriteParams>(params), rpc::RequestStyle::v1);
}

// The start of a reply that is not what was asked for, printable, for the message.
inline std::string body_excerpt(std::string_view body) {
  std::string s(body.substr(0, 100));
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '.';
  if (body.size() > 100) s += "...";
  return s;
}

template <class Hash>
NodeResult<Hash> hash_of(const boost::json::value& v) {
  const boost::json::string* s = v.if_string();
  if (s)
    if (auto h = Hash::try_from_hex(std::string_view(s->data(), s->size()))) return *h;
  return node_failure(error::bad_reply, "expected a hash in hex");
}

}  // namespace detail

class NodeClient {
 public:
  explicit NodeClient(NodeOptions options) : options_(std::move(options)) {
    if (options_.connections == 0) options_.connections = 1;
  }
  NodeClient(const NodeClient&) = delete;
  NodeClient& operator=(const NodeClient&) = delete;

  const NodeOptions& options() const noexcept { return options_; }
  // Whether blocks come over REST: nullopt until the first block fetch found out.
  std::optional<bool> rest_available() const noexcept {
    const int s = rest_.load(std::memory_order_relaxed);
    return s == rest_unknown ? std::nullopt : std::optional<bool>(s == rest_yes);
  }

  // --- JSON-RPC ------------------------------------------------------------------------------

  // One call, one attempt: error::unreachable when there is no connection (or no answer in time),
  // auth_failed for HTTP 401/403, rpc_error with bitcoind's code and message, and bad_reply for
  // anything that is not a JSON-RPC reply.
  NodeResult<boost::json::value> call(std::string_view method, boost::json::array params = {}) {
    Lease c = lease();
    std::string& body = c->request_body();
    body.clear();
    const std::uint64_t id = c->next_id++;
    detail::append_call(body, id, method,
                        [&](std::string& out) { rpc::write_json(out, params, rpc::JsonStyle::univalue); });
    auto v = post_json(*c);
    if (!v) return v.error();
    if (const auto got = rpc::reply_id(*v); got && *got != id)
      return node_failure(error::bad_reply, "a reply to another request (id " + std::to_string(*got) + ")");
    return detail::take_reply(std::move(*v));
  }

  // Many calls in one HTTP request; each reply is matched to its call by id. The outer failure
  // is the request's (no connection, credentials, not JSON); each call has its own result.
  NodeResult<std::vector<NodeResult<boost::json::value>>> batch(std::span<const RpcCall> calls) {
    std::vector<NodeResult<boost::json::value>> out;
    if (calls.empty()) return out;
    Lease c = lease();
    std::string& body = c->request_body();
    body.clear();
    const std::uint64_t first = c->next_id;
    c->next_id += calls.size();
    body += '[';
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (i) body += ',';
      detail::append_call(body, first + i, calls[i].method,
                          [&](std::string& o) { rpc::write_json(o, calls[i].params, rpc::JsonStyle::univalue); });
    }
    body += ']';
    auto v = post_json(*c);
    if (!v) return v.error();
    boost::json::array* replies = v->if_array();
    if (!replies) {  // bitcoind answers a batch it cannot read with one error object
      auto r = detail::take_reply(std::move(*v));
      if (!r) return r.error();
      return node_failure(error::bad_reply, "a single reply to a batch");
    }
    out.assign(calls.size(), node_failure(error::bad_reply, "the node sent no reply to this call"));
    for (boost::json::value& reply : *replies) {
      const auto id = rpc::reply_id(reply);
      if (!id || *id < first || *id - first >= calls.size())
        return node_failure(error::bad_reply, "a batch reply with an unknown id");
      out[static_cast<std::size_t>(*id - first)] = detail::take_reply(std::move(reply));
    }
    return out;
  }

  // --- chain -----------------------------------------------------------------------------------

  NodeResult<int> block_count() {
    auto v = call("getblockcount");
    if (!v) return v.error();
    if (!v->is_int64()) return bad_reply("getblockcount did not return a number");
    return static_cast<int>(v->get_int64());
  }

  // -8 "Block height out of range" past the tip.
  NodeResult<BlockHash> block_hash(int height) {
    auto v = call("getblockhash", {height});
    if (!v) return v.error();
    return detail::hash_of<BlockHash>(*v);
  }

  // The hashes of blocks first .. first + count - 1, in one batch; the first failing one's failure.
  NodeResult<std::vector<BlockHash>> block_hashes(int first, int count) {
    std::vector<BlockHash> out;
    if (count <= 0) return out;
    Lease c = lease();
    auto replies =
        hex_calls(*c, "getblockhash", static_cast<std::size_t>(count), true, [&](std::string& o, std::size_t i) {
          o += '[';
          o += std::to_string(first + static_cast<int>(i));
          o += ']';
        });
    if (!replies) return replies.error();
    out.reserve(replies->size());
    for (NodeResult<Bytes>& r : *replies) {
      if (!r) return r.error();
      if (r->size() != BlockHash::size()) return bad_reply("getblockhash did not return a hash");
      std::reverse(r->begin(), r->end());  // display order to internal order
      out.push_back(*BlockHash::from_bytes(*r));
    }
    return out;
  }

  // The serialized block, exactly as the node stores it: REST /rest/block/<hash>.bin when the
  // node serves REST (found out once), else getblock <hash> 0. Unknown: -5 "Block not found".
  NodeResult<Bytes> block(const BlockHash& hash) {
    Lease c = lease();
    return fetch_block(*c, hash);
  }

  // Several blocks on one connection: REST one after the other, or one getblock batch.
  NodeResult<std::vector<Bytes>> blocks(std::span<const BlockHash> hashes) {
    std::vector<Bytes> out;
    if (hashes.empty()) return out;
    Lease c = lease();
    auto rest = use_rest(*c);
    if (!rest) return rest.error();
    out.reserve(hashes.size());
    if (*rest) {
      for (const BlockHash& h : hashes) {
        auto b = fetch_block(*c, h);
        if (!b) return b.error();
        out.push_back(std::move(*b));
      }
      return out;
    }
    auto replies = getblock(*c, hashes);
    if (!replies) return replies.error();
    for (NodeResult<Bytes>& r : *replies) {
      if (!r) return r.error();
      out.push_back(std::move(*r));
    }
    return out;
  }

  // --- transactions and mempool ----------------------------------------------------------------

  NodeResult<std::vector<Txid>> raw_mempool() {
    auto v = call("getrawmempool");
    if (!v) return v.error();
    const boost::json::array* a = v->if_array();
    if (!a) return bad_reply("getrawmempool did not return an array");
    std::vector<Txid> out;
    out.reserve(a->size());
    for (const boost::json::value& e : *a) {
      auto txid = detail::hash_of<Txid>(e);
      if (!txid) return txid.error();
      out.push_back(*txid);
    }
    return out;
  }

  // Raw transactions by txid in one batch (getrawtransaction <txid> 0); each -5 when unknown.
  NodeResult<std::vector<NodeResult<Bytes>>> raw_transactions(std::span<const Txid> txids) {
    if (txids.empty()) return std::vector<NodeResult<Bytes>>{};
    Lease c = lease();
    return hex_calls(*c, "getrawtransaction", txids.size(), true, [&](std::string& o, std::size_t i) {
      o += '[';
      rpc::JsonText(o).display_hex(txids[i]);
      o += ",0]";
    });
  }

  // getrawtransaction <txid> 0|1: the hex string, or bitcoind's decoded object.
  NodeResult<boost::json::value> raw_transaction(const Txid& txid, bool verbose) {
    return call("getrawtransaction", {txid.to_hex(), verbose ? 1 : 0});
  }

  NodeResult<Txid> send_raw_transaction(std::string_view hex) {
    auto v = call("sendrawtransaction", {boost::json::string_view(hex.data(), hex.size())});
    if (!v) return v.error();
    return detail::hash_of<Txid>(*v);
  }

  // estimatesmartfee: BTC per kvB, nullopt when the node has no estimate.
  NodeResult<std::optional<double>> estimate_smart_fee(int target, std::optional<std::string> mode = std::nullopt) {
    boost::json::array params{target};
    if (mode) params.emplace_back(*mode);
    auto v = call("estimatesmartfee", std::move(params));
    if (!v) return v.error();
    const boost::json::object* o = v->if_object();
    if (!o) return bad_reply("estimatesmartfee did not return an object");
    const boost::json::value* rate = o->if_contains("feerate");
    if (!rate) return std::optional<double>();
    if (!rate->is_number()) return bad_reply("estimatesmartfee's feerate is not a number");
    return std::optional<double>(rate->to_number<double>());
  }

  NodeResult<boost::json::object> network_info() { return object_call("getnetworkinfo"); }
  NodeResult<boost::json::object> mempool_info() { return object_call("getmempoolinfo"); }

  // getnetworkinfo's relayfee: BTC per kvB.
  NodeResult<double> relay_fee() {
    auto info = network_info();
    if (!info) return info.error();
    const boost::json::value* fee = info->if_contains("relayfee");
    if (!fee || !fee->is_number()) return bad_reply("getnetworkinfo has no relayfee");
    return fee->to_number<double>();
  }

  // error::wrong_network, naming both hashes, unless the node's block 0 is `expected`.
  NodeResult<void> check_genesis(const BlockHash& expected) {
    auto genesis = block_hash(0);
    if (!genesis) return genesis.error();
    if (*genesis != expected)
      return node_failure(error::wrong_network, "the node at " + where() + " has genesis block " + genesis->to_hex() +
                                                    ", this network's is " + expected.to_hex());
    return {};
  }

 private:
  enum { rest_unknown, rest_yes, rest_no };

  // A connection taken from the pool for one request; back to the pool when done.
  class Lease {
   public:
    Lease(NodeClient& client, std::unique_ptr<detail::Connection> c) : client_(client), c_(std::move(c)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { client_.give_back(std::move(c_)); }
    detail::Connection* operator->() const noexcept { return c_.get(); }
    detail::Connection& operator*() const noexcept { return *c_; }

   private:
    NodeClient& client_;
    std::unique_ptr<detail::Connection> c_;
  };

  // The most recently used idle connection (likely still open), a new one while fewer than
  // options_.connections exist, or else the next one given back.
  Lease lease() {
    std::unique_lock lock(mutex_);
    idle_cv_.wait(lock, [&] { return !idle_.empty() || open_ < options_.connections; });
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(c));
    }
    ++open_;
    lock.unlock();
    return Lease(*this, std::make_unique<detail::Connection>(options_));
  }
  void give_back(std::unique_ptr<detail::Connection> c) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(c));
    }
    idle_cv_.notify_one();
  }

  std::string where() const { return options_.host + ":" + std::to_string(options_.port); }

  static NodeFailure bad_reply(std::string message) { return node_failure(error::bad_reply, std::move(message)); }

  // Posts the request body and parses the reply as JSON.
  NodeResult<boost::json::value> post_json(detail::Connection& c) {
    auto r = c.post();
    if (!r) return r.error();
    if (auto busy = refused(c, *r)) return *busy;
    boost::json::parser& p = c.json_parser;
    p.reset();
    error_code ec;
    p.write(r->body.data(), r->body.size(), ec);
    if (ec) return not_json(c, *r);
    return p.release();
  }

  // bitcoind's "Work queue depth exceeded" (HTTP 503): busy, try again later.
  static std::optional<NodeFailure> refused(const detail::Connection& c, const detail::Connection::Reply& r) {
    if (r.status != 503) return std::nullopt;
    return node_failure(error::unreachable, c.where() + " is busy (HTTP 503): " + detail::body_excerpt(r.body));
  }
  static NodeFailure not_json(const detail::Connection& c, const detail::Connection::Reply& r) {
    return bad_reply("HTTP " + std::to_string(r.status) + " from " + c.where() +
                     " is not JSON: " + detail::body_excerpt(r.body));
  }

  // `count` calls of `method` whose results are hex strings, decoded straight into bytes.
  // params(out, i) writes the i-th call's params array; `batch` false sends a single call.
  template <class WriteParams>
  NodeResult<std::vector<NodeResult<Bytes>>> hex_calls(detail::Connection& c, std::string_view method,
                                                       std::size_t count, bool batch, WriteParams&& params) {
    std::string& body = c.request_body();
    body.clear();
    const std::uint64_t first = c.next_id;
    c.next_id += count;
    if (batch) body += '[';
    for (std::size_t i = 0; i < count; ++i) {
      if (i) body += ',';
      detail::append_call(body, first + i, method, [&](std::string& o) { params(o, i); });
    }
    if (batch) body += ']';
    auto r = c.post();
    if (!r) return r.error();
    if (auto busy = refused(c, *r)) return *busy;
    if (auto replies = detail::parse_hex_replies(r->body, first, count, batch)) return std::move(*replies);
    // Not replies of that shape: say what it was.
    boost::json::parser& p = c.json_parser;
    p.reset();
    error_code ec;
    p.write(r->body.data(), r->body.size(), ec);
    if (ec) return not_json(c, *r);
    if (auto one = detail::take_reply(p.release()); !one) return one.error();
    return bad_reply("HTTP " + std::to_string(r->status) + " from " + c.where() + ": not the replies to " +
                     std::string(method) + ": " + detail::body_excerpt(r->body));
  }

  NodeResult<std::vector<NodeResult<Bytes>>> getblock(detail::Connection& c, std::span<const BlockHash> hashes) {
    return hex_calls(c, "getblock", hashes.size(), hashes.size() > 1, [&](std::string& o, std::size_t i) {
      o += '[';
      rpc::JsonText(o).display_hex(hashes[i]);
      o += ",0]";
    });
  }

  // Whether to fetch blocks over REST; asks the node once (/rest/chaininfo.json answers 200 only
  // with -rest).
  NodeResult<bool> use_rest(detail::Connection& c) {
    if (!options_.use_rest) return false;
    const int s = rest_.load(std::memory_order_relaxed);
    if (s != rest_unknown) return s == rest_yes;
    auto r = c.get("/rest/chaininfo.json");
    if (!r) return r.error();
    const bool yes = r->result() == detail::http::status::ok;
    rest_.store(yes ? rest_yes : rest_no, std::memory_order_relaxed);
    return yes;
  }

  NodeResult<Bytes> fetch_block(detail::Connection& c, const BlockHash& hash) {
    auto rest = use_rest(c);
    if (!rest) return rest.error();
    if (*rest) {
      std::string target = "/rest/block/";
      target += hash.to_hex();
      target += ".bin";
      auto r = c.get(target);
      if (!r) return r.error();
      if (r->result() == detail::http::status::ok &&
          (*r)[detail::http::field::content_type].starts_with("application/octet-stream"))
        return std::move(r->body());
      // Not served over REST: the RPC says why, or shows that REST went away (node restarted
      // without -rest).
      auto b = getblock(c, std::span<const BlockHash>(&hash, 1));
      if (!b) return b.error();
      if ((*b)[0]) rest_.store(rest_no, std::memory_order_relaxed);
      return std::move((*b)[0]);
    }
    auto b = getblock(c, std::span<const BlockHash>(&hash, 1));
    if (!b) return b.error();
    return std::move((*b)[0]);
  }

  NodeResult<boost::json::object> object_call(std::string_view method) {
    auto v = call(method);
    if (!v) return v.error();
    boost::json::object* o = v->if_object();
    if (!o) return bad_reply(std::string(method) + " did not return an object");
    return std::move(*o);
  }

  NodeOptions options_;
  std::atomic<int> rest_{rest_unknown};
  std::mutex mutex_;
  std::condition_variable idle_cv_;
  std::vector<std::unique_ptr<detail::Connection>> idle_;
  std::size_t open_ = 0;  // connections made, idle or leased
};

}  // namespace coinkit::node
