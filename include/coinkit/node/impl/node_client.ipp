// The non-template code of <coinkit/node/node_client.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/node/node_client.hpp>

namespace coinkit::node {
std::optional<bool> NodeClient::rest_available() const noexcept {
  const int s = rest_.load(std::memory_order_relaxed);
  return s == rest_unknown ? std::nullopt : std::optional<bool>(s == rest_yes);
}

NodeResult<boost::json::value> NodeClient::call(std::string_view method, boost::json::array params) {
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

NodeResult<std::vector<NodeResult<boost::json::value>>> NodeClient::batch(std::span<const RpcCall> calls) {
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

NodeResult<int> NodeClient::block_count() {
  auto v = call("getblockcount");
  if (!v) return v.error();
  if (!v->is_int64()) return bad_reply("getblockcount did not return a number");
  return static_cast<int>(v->get_int64());
}

NodeResult<BlockHash> NodeClient::block_hash(int height) {
  auto v = call("getblockhash", {height});
  if (!v) return v.error();
  return detail::hash_of<BlockHash>(*v);
}

NodeResult<std::vector<BlockHash>> NodeClient::block_hashes(int first, int count) {
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

NodeResult<Bytes> NodeClient::block(const BlockHash& hash) {
  Lease c = lease();
  return fetch_block(*c, hash);
}

NodeResult<std::vector<Bytes>> NodeClient::blocks(std::span<const BlockHash> hashes, std::size_t expected_size) {
  std::vector<Bytes> out;
  if (hashes.empty()) return out;
  Lease c = lease();
  auto rest = use_rest(*c);
  if (!rest) return rest.error();
  out.reserve(hashes.size());
  const bool small = hashes.size() > 1 && expected_size > 0 && expected_size <= small_block_bytes;
  if (*rest && !small) {
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

NodeResult<std::vector<Txid>> NodeClient::raw_mempool() {
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

NodeResult<std::vector<NodeResult<Bytes>>> NodeClient::raw_transactions(std::span<const Txid> txids) {
  if (txids.empty()) return std::vector<NodeResult<Bytes>>{};
  Lease c = lease();
  return hex_calls(*c, "getrawtransaction", txids.size(), true, [&](std::string& o, std::size_t i) {
    o += '[';
    rpc::JsonText(o).display_hex(txids[i]);
    o += ",0]";
  });
}

NodeResult<Txid> NodeClient::send_raw_transaction(std::string_view hex) {
  auto v = call("sendrawtransaction", {boost::json::string_view(hex.data(), hex.size())});
  if (!v) return v.error();
  return detail::hash_of<Txid>(*v);
}

NodeResult<std::optional<double>> NodeClient::estimate_smart_fee(int target, std::optional<std::string> mode) {
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

NodeResult<double> NodeClient::relay_fee() {
  auto info = network_info();
  if (!info) return info.error();
  const boost::json::value* fee = info->if_contains("relayfee");
  if (!fee || !fee->is_number()) return bad_reply("getnetworkinfo has no relayfee");
  return fee->to_number<double>();
}

NodeResult<void> NodeClient::check_genesis(const BlockHash& expected) {
  auto genesis = block_hash(0);
  if (!genesis) return genesis.error();
  if (*genesis != expected)
    return node_failure(error::wrong_network, "the node at " + where() + " has genesis block " + genesis->to_hex() +
                                                  ", this network's is " + expected.to_hex());
  return {};
}

void NodeClient::set_node(const NodeOptions& o) {
  {
    std::lock_guard lock(mutex_);
    NodeOptions next = nodes_.back();
    next.host = o.host;
    next.port = o.port;
    next.user = o.user;
    next.password = o.password;
    next.cookie_file = o.cookie_file;
    nodes_.push_back(std::move(next));
    ++node_;
    open_ -= idle_.size();
    idle_.clear();
    rest_.store(rest_unknown, std::memory_order_relaxed);
  }
  idle_cv_.notify_all();
}

std::string NodeClient::address() const {
  std::lock_guard lock(mutex_);
  return nodes_.back().host + ":" + std::to_string(nodes_.back().port);
}

NodeClient::Lease NodeClient::lease() {
  std::unique_lock lock(mutex_);
  idle_cv_.wait(lock, [&] { return !idle_.empty() || open_ < options_.connections; });
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(c), node_);
  }
  ++open_;
  const NodeOptions& o = nodes_.back();
  const std::uint64_t node = node_;
  lock.unlock();
  return Lease(*this, std::make_unique<detail::Connection>(o), node);
}

void NodeClient::give_back(std::unique_ptr<detail::Connection> c, std::uint64_t node) {
  {
    std::lock_guard lock(mutex_);
    if (node == node_)
      idle_.push_back(std::move(c));
    else
      --open_;  // made for the previous node
  }
  idle_cv_.notify_one();
}

NodeResult<boost::json::value> NodeClient::post_json(detail::Connection& c) {
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

std::optional<NodeFailure> NodeClient::refused(const detail::Connection& c, const detail::Connection::Reply& r) {
  if (r.status != 503) return std::nullopt;
  return node_failure(error::unreachable, c.where() + " is busy (HTTP 503): " + detail::body_excerpt(r.body));
}

NodeFailure NodeClient::not_json(const detail::Connection& c, const detail::Connection::Reply& r) {
  return bad_reply("HTTP " + std::to_string(r.status) + " from " + c.where() +
                   " is not JSON: " + detail::body_excerpt(r.body));
}

NodeResult<std::vector<NodeResult<Bytes>>> NodeClient::getblock(detail::Connection& c,
                                                                std::span<const BlockHash> hashes) {
  return hex_calls(c, "getblock", hashes.size(), hashes.size() > 1, [&](std::string& o, std::size_t i) {
    o += '[';
    rpc::JsonText(o).display_hex(hashes[i]);
    o += ",0]";
  });
}

NodeResult<bool> NodeClient::use_rest(detail::Connection& c) {
  if (!options_.use_rest) return false;
  const int s = rest_.load(std::memory_order_relaxed);
  if (s != rest_unknown) return s == rest_yes;
  auto r = c.get("/rest/chaininfo.json");
  if (!r) return r.error();
  const bool yes = r->result() == detail::http::status::ok;
  rest_.store(yes ? rest_yes : rest_no, std::memory_order_relaxed);
  return yes;
}

NodeResult<Bytes> NodeClient::fetch_block(detail::Connection& c, const BlockHash& hash) {
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

NodeResult<boost::json::object> NodeClient::object_call(std::string_view method) {
  auto v = call(method);
  if (!v) return v.error();
  boost::json::object* o = v->if_object();
  if (!o) return bad_reply(std::string(method) + " did not return an object");
  return std::move(*o);
}

}  // namespace coinkit::node
