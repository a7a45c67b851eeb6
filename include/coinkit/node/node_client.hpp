// NodeClient: a thread-safe, blocking client of bitcoind's JSON-RPC (batches, Basic or cookie
// login) and REST binary blocks, over a small pool of keep-alive connections.
#pragma once

#include <coinkit/detail/config.hpp>

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
#include <deque>
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
    nodes_.push_back(options_);
  }
  NodeClient(const NodeClient&) = delete;
  NodeClient& operator=(const NodeClient&) = delete;

  // The options given (before any set_node).
  const NodeOptions& options() const noexcept { return options_; }
  // Points the client at another node (LocalRPC daemon_url): host, port and credentials from
  // `o`; requests from now on go there, and whether it serves REST is asked again. Connections
  // to the previous node close as their requests finish. Any thread.
  COINKIT_DECL void set_node(const NodeOptions& o);
  // "host:port" of the node in use.
  COINKIT_DECL std::string address() const;
  // Whether blocks come over REST: nullopt until the first block fetch found out.
  COINKIT_DECL std::optional<bool> rest_available() const noexcept;

  // --- JSON-RPC ------------------------------------------------------------------------------

  // One call, one attempt: error::unreachable when there is no connection (or no answer in time),
  // auth_failed for HTTP 401/403, rpc_error with bitcoind's code and message, and bad_reply for
  // anything that is not a JSON-RPC reply.
  COINKIT_DECL NodeResult<boost::json::value> call(std::string_view method, boost::json::array params = {});

  // Many calls in one HTTP request; each reply is matched to its call by id. The outer failure
  // is the request's (no connection, credentials, not JSON); each call has its own result.
  COINKIT_DECL NodeResult<std::vector<NodeResult<boost::json::value>>> batch(std::span<const RpcCall> calls);

  // --- chain -----------------------------------------------------------------------------------

  COINKIT_DECL NodeResult<int> block_count();

  // -8 "Block height out of range" past the tip.
  COINKIT_DECL NodeResult<BlockHash> block_hash(int height);

  // The hashes of blocks first .. first + count - 1, in one batch; the first failing one's failure.
  COINKIT_DECL NodeResult<std::vector<BlockHash>> block_hashes(int first, int count);

  // The serialized block, exactly as the node stores it: REST /rest/block/<hash>.bin when the
  // node serves REST (found out once), else getblock <hash> 0. Unknown: -5 "Block not found".
  COINKIT_DECL NodeResult<Bytes> block(const BlockHash& hash);

  // Several blocks on one connection: REST one after the other, or one getblock batch. Blocks
  // the caller expects to be small (`expected_size`: its estimate of a block's bytes, 0 when it
  // has none) come in one getblock batch even when the node serves REST: below
  // small_block_bytes a request's round trip costs more than the hex doubling the bytes (5,000
  // empty blocks: 75 µs a block over REST on a 2-core machine).
  static constexpr std::size_t small_block_bytes = 16 << 10;
  COINKIT_DECL NodeResult<std::vector<Bytes>> blocks(std::span<const BlockHash> hashes, std::size_t expected_size = 0);

  // --- transactions and mempool ----------------------------------------------------------------

  COINKIT_DECL NodeResult<std::vector<Txid>> raw_mempool();

  // Raw transactions by txid in one batch (getrawtransaction <txid> 0); each -5 when unknown.
  COINKIT_DECL NodeResult<std::vector<NodeResult<Bytes>>> raw_transactions(std::span<const Txid> txids);

  // getrawtransaction <txid> 0|1: the hex string, or bitcoind's decoded object.
  NodeResult<boost::json::value> raw_transaction(const Txid& txid, bool verbose) {
    return call("getrawtransaction", {txid.to_hex(), verbose ? 1 : 0});
  }

  COINKIT_DECL NodeResult<Txid> send_raw_transaction(std::string_view hex);

  // estimatesmartfee: BTC per kvB, nullopt when the node has no estimate.
  COINKIT_DECL NodeResult<std::optional<double>> estimate_smart_fee(int target,
                                                                    std::optional<std::string> mode = std::nullopt);

  NodeResult<boost::json::object> network_info() { return object_call("getnetworkinfo"); }
  NodeResult<boost::json::object> mempool_info() { return object_call("getmempoolinfo"); }

  // getnetworkinfo's relayfee: BTC per kvB.
  COINKIT_DECL NodeResult<double> relay_fee();

  // error::wrong_network, naming both hashes, unless the node's block 0 is `expected`.
  COINKIT_DECL NodeResult<void> check_genesis(const BlockHash& expected);

 private:
  enum { rest_unknown, rest_yes, rest_no };

  // A connection taken from the pool for one request; back to the pool when done.
  class Lease {
   public:
    Lease(NodeClient& client, std::unique_ptr<detail::Connection> c, std::uint64_t node)
        : client_(client), c_(std::move(c)), node_(node) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { client_.give_back(std::move(c_), node_); }
    detail::Connection* operator->() const noexcept { return c_.get(); }
    detail::Connection& operator*() const noexcept { return *c_; }

   private:
    NodeClient& client_;
    std::unique_ptr<detail::Connection> c_;
    std::uint64_t node_;  // the set_node() it was made for
  };

  // The most recently used idle connection (likely still open), a new one while fewer than
  // options_.connections exist, or else the next one given back.
  COINKIT_DECL Lease lease();
  COINKIT_DECL void give_back(std::unique_ptr<detail::Connection> c, std::uint64_t node);

  std::string where() const { return address(); }

  static NodeFailure bad_reply(std::string message) { return node_failure(error::bad_reply, std::move(message)); }

  // Posts the request body and parses the reply as JSON.
  COINKIT_DECL NodeResult<boost::json::value> post_json(detail::Connection& c);

  // bitcoind's "Work queue depth exceeded" (HTTP 503): busy, try again later.
  COINKIT_DECL static std::optional<NodeFailure> refused(const detail::Connection& c,
                                                         const detail::Connection::Reply& r);
  COINKIT_DECL static NodeFailure not_json(const detail::Connection& c, const detail::Connection::Reply& r);

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

  COINKIT_DECL NodeResult<std::vector<NodeResult<Bytes>>> getblock(detail::Connection& c,
                                                                   std::span<const BlockHash> hashes);

  // Whether to fetch blocks over REST; asks the node once (/rest/chaininfo.json answers 200 only
  // with -rest).
  COINKIT_DECL NodeResult<bool> use_rest(detail::Connection& c);

  COINKIT_DECL NodeResult<Bytes> fetch_block(detail::Connection& c, const BlockHash& hash);

  COINKIT_DECL NodeResult<boost::json::object> object_call(std::string_view method);

  NodeOptions options_;
  // options_, then each set_node()'s: connections keep a reference to theirs (a deque's
  // elements stay put); connections made for an earlier one are dropped when given back.
  std::deque<NodeOptions> nodes_;
  std::uint64_t node_ = 0;  // nodes_.size() - 1
  std::atomic<int> rest_{rest_unknown};
  mutable std::mutex mutex_;
  std::condition_variable idle_cv_;
  std::vector<std::unique_ptr<detail::Connection>> idle_;
  std::size_t open_ = 0;  // connections made, idle or leased
};

}  // namespace coinkit::node

#if COINKIT_HEADER_ONLY
#include <coinkit/node/impl/node_client.ipp>
#endif
