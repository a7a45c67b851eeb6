// Session: one client connection's protocol state (version negotiation, the first-message
// rule, subscriptions, cost) and the JSON-RPC handling of its messages, whatever the transport.
#pragma once

#include <coinkit/chain/script.hpp>
#include <coinkit/electrum/config.hpp>
#include <coinkit/electrum/cost_meter.hpp>
#include <coinkit/electrum/log.hpp>
#include <coinkit/electrum/protocol_version.hpp>
#include <coinkit/electrum/service.hpp>
#include <coinkit/electrum/subscription_index.hpp>
#include <coinkit/indexer/schema.hpp>
#include <coinkit/net/transport.hpp>
#include <coinkit/rpc/binder.hpp>
#include <coinkit/rpc/electrumx.hpp>
#include <coinkit/rpc/envelope.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/rpc/method_table.hpp>
#include <coinkit/rpc/python.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace coinkit::electrum {

namespace code = rpc::electrumx_code;  // bad_request, daemon_error, excessive_resource_usage, server_busy
using rpc::with_commas;
namespace envelope = rpc::envelope;

// server.version's first element and server.features' server_version.
inline constexpr std::string_view server_software = "coinkit 0.1.0";
inline constexpr std::string_view server_software_short = "0.1.0";

// The answer to blockchain.headers.subscribe: the last tip the thread notified.
struct TipHeader {
  int height = -1;
  std::string hex;
};

// What the sessions of one I/O thread share: configuration, the service, the subscription
// index, and buffers reused by every request (the parse arena, the reply buffer), so a request
// allocates nothing of its own beyond what JSON needs.
struct SessionContext {
  static constexpr std::size_t max_methods = 32;

  SessionContext(const ServerConfig& c, Service& s, const Log& l) : config(c), service(s), log(l) {
    if (!c.drop_client.empty()) drop_client.emplace(c.drop_client);
  }
  SessionContext(const SessionContext&) = delete;
  SessionContext& operator=(const SessionContext&) = delete;

  const ServerConfig& config;
  Service& service;
  const Log& log;
  SubscriptionIndex subscriptions;
  TipHeader tip;
  std::optional<std::regex> drop_client;
  std::string scratch;                                     // the reply being written (synchronous requests only)
  std::array<std::uint64_t, max_methods> method_counts{};  // by rpc::MethodInfo::index
  std::uint64_t errors = 0;
  std::uint64_t txs_sent = 0;

  // Parses one message into the arena (valid until release_parse()).
  boost::json::value parse(std::string_view text, error_code& ec) {
    parser_.reset(boost::json::storage_ptr(&arena_));
    parser_.write(text.data(), text.size(), ec);
    if (ec) return nullptr;
    return parser_.release();
  }
  void release_parse() noexcept { arena_.release(); }
  // The reply buffer back to a modest size after a large reply.
  void trim_scratch() {
    scratch.clear();
    if (scratch.capacity() > (std::size_t{1} << 20)) std::string().swap(scratch);
  }

 private:
  alignas(16) std::array<unsigned char, 8192> arena_buffer_{};
  boost::json::monotonic_resource arena_{arena_buffer_.data(), arena_buffer_.size()};
  boost::json::parser parser_;
};

// The reply to a batch, assembled in `buf`: "[" then each item's reply, comma-separated; an
// item that gives none (a notification) leaves nothing, and a batch of those no reply at all.
class BatchReply {
 public:
  explicit BatchReply(std::string& buf) : buf_(buf) { buf_ = "["; }
  void begin_item() {
    item_start_ = buf_.size();
    if (count_) buf_ += ", ";
    body_ = buf_.size();
  }
  void end_item() {
    if (buf_.size() == body_)
      buf_.resize(item_start_);
    else
      ++count_;
  }
  void end() {
    if (count_)
      buf_ += ']';
    else
      buf_.clear();
  }

 private:
  std::string& buf_;
  std::size_t count_ = 0, item_start_ = 0, body_ = 0;
};

class Session {
 public:
  using Clock = std::chrono::steady_clock;

  struct Subscription {
    ScriptHash scripthash;
    std::optional<Hash256> status;
  };

  // `transport`: the connection (lines over TCP or TLS, WebSocket messages); its run() calls
  // this session for each message.
  Session(SessionContext& ctx, std::uint64_t id, Protocol kind, std::string peer,
          std::unique_ptr<net::Transport> transport)
      : ctx_(ctx),
        id_(id),
        kind_(kind),
        peer_(std::move(peer)),
        cost_(ctx.config.cost),
        transport_(std::move(transport)) {}
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() { drop_subscriptions(); }

  // The bound on a session's unwritten replies: a full reply (MAX_SEND) on top of the reader's
  // high-water mark, and room for notifications; a client that lets more pile up is dropped.
  static constexpr std::size_t high_water = 256 << 10;
  static std::size_t max_queued(const ServerConfig& c) noexcept { return high_water + c.max_send + (4 << 20); }

  // --- the transport ---------------------------------------------------------------------------
  // Queues one message (framing is the transport's: a newline, or a WebSocket message).
  void send(std::string_view message) {
    if (is_closed()) return;
    ++send_count_;
    send_size_ += message.size() + 1;
    cost_.bump_bytes(message.size());
    transport_->send(message);
  }
  void flush() { transport_->flush(); }  // starts writing what was queued
  void close() { transport_->close(); }  // drops the connection at once
  std::size_t queued_bytes() const noexcept { return transport_->queued_bytes(); }
  std::optional<Clock::time_point> writing_since() const noexcept { return transport_->writing_since(); }

  // --- messages ----------------------------------------------------------------------------
  using Step = net::Step;

  // Handles one JSON-RPC message (a request, a notification or a batch). Requests that wait
  // for the node are left for finish_pending(): needs_node.
  Step receive(std::string_view text) {
    ++recv_count_;
    recv_size_ += text.size() + 1;
    last_recv_ = Clock::now();
    cost_.bump_bytes(text.size());
    cost_.decay(last_recv_, subscriptions_.size());
    error_code ec;
    Step step = Step::done;
    {
      boost::json::value root = ctx_.parse(text, ec);
      if (ec) {
        std::string& buf = ctx_.scratch;
        buf.clear();
        envelope::error(buf, nullptr, rpc::parse_error_code, "invalid JSON");
        send(buf);
        closing_ = true;  // aiorpcx drops a connection that sends something other than JSON
      } else if (needs_node(root)) {
        // Out of the arena (reused by the next message), onto the heap.
        pending_ = std::make_unique<boost::json::value>(root, boost::json::storage_ptr());
        step = Step::needs_async;
      } else {
        handle_sync(root);
      }
    }
    ctx_.release_parse();
    ctx_.trim_scratch();
    return step;
  }

  // The message receive() left: its requests run in order, those for the node suspending.
  boost::asio::awaitable<void> finish_pending() {
    auto root = std::move(pending_);
    if (!root) co_return;
    std::string buf;  // not the shared scratch: other sessions run while this one waits
    if (root->is_object()) {
      co_await run_async(*root, buf, 0);
    } else {
      BatchReply batch(buf);
      for (const auto& item : root->get_array()) {
        if (closing_) break;
        batch.begin_item();
        co_await run_async(item, buf, 0);
        batch.end_item();
      }
      batch.end();
    }
    if (!buf.empty()) send(buf);
  }

  // A request larger than MAX_RECV: answered (id unknown), then the connection closes.
  void reject_oversized() {
    std::string& buf = ctx_.scratch;
    buf.clear();
    envelope::error(
        buf, nullptr, rpc::invalid_request_code,
        "request too large (over " + with_commas(static_cast<std::int64_t>(ctx_.config.max_recv)) + " bytes)");
    send(buf);
    closing_ = true;
  }

  // Stop reading: what is queued is written, then the connection closes.
  bool closing() const noexcept { return closing_; }
  void close_after_reply() noexcept { closing_ = true; }
  // How long the next message waits (cost between the soft and the hard limit).
  std::chrono::milliseconds throttle_delay() const noexcept { return cost_.delay(); }

  // --- state, for the service and the server -------------------------------------------------
  std::uint64_t id() const noexcept { return id_; }
  Protocol kind() const noexcept { return kind_; }
  const std::string& peer() const noexcept { return peer_; }
  const std::string& client() const noexcept { return client_; }
  ProtocolVersion protocol() const noexcept { return version_.value_or(protocol_min); }
  bool negotiated() const noexcept { return version_.has_value(); }
  SessionContext& context() noexcept { return ctx_; }
  CostMeter& cost() noexcept { return cost_; }
  const CostMeter& cost() const noexcept { return cost_; }
  Clock::time_point last_received() const noexcept { return last_recv_; }
  Clock::time_point started() const noexcept { return started_; }
  bool is_closed() const noexcept { return closed_ || transport_->is_closed(); }
  bool log_requests() const noexcept { return log_me_; }
  void log_requests(bool on) noexcept { log_me_ = on; }
  std::uint64_t errors() const noexcept { return errors_; }
  std::uint64_t txs_sent() const noexcept { return txs_sent_; }
  void count_tx_sent(std::uint64_t n = 1) noexcept { txs_sent_ += n, ctx_.txs_sent += n; }
  std::uint64_t recv_count() const noexcept { return recv_count_; }
  std::uint64_t recv_size() const noexcept { return recv_size_; }
  std::uint64_t send_count() const noexcept { return send_count_; }
  std::uint64_t send_size() const noexcept { return send_size_; }
  bool pending_request() const noexcept { return pending_ != nullptr; }

  void subscribe_headers() noexcept { headers_ = true; }
  bool headers_subscribed() const noexcept { return headers_; }

  // Records a subscription and its status; registered with the thread's index on first use.
  void subscribe(const ScriptHash& sh, const ScriptStatus& st) {
    const indexer::HashX hx = indexer::to_hashx(sh);
    auto [it, added] = subscriptions_.try_emplace(hx, Subscription{sh, st.status});
    it->second.status = st.status;
    if (added)
      ctx_.subscriptions.add(sh, this, st.mempool);
    else if (auto* e = ctx_.subscriptions.find(hx))
      e->mempool = st.mempool;
  }
  bool unsubscribe(const ScriptHash& sh) {
    const indexer::HashX hx = indexer::to_hashx(sh);
    if (!subscriptions_.erase(hx)) return false;
    ctx_.subscriptions.remove(hx, this);
    return true;
  }
  std::size_t subscription_count() const noexcept { return subscriptions_.size(); }

  // A script's new status (from a notification): sent if it differs from the last one this
  // session was told.
  void notify_status(const indexer::HashX& hx, const std::optional<Hash256>& status) {
    auto it = subscriptions_.find(hx);
    if (it == subscriptions_.end() || it->second.status == status) return;
    it->second.status = status;
    std::string& buf = ctx_.scratch;
    buf.clear();
    envelope::begin_notification(buf, "blockchain.scripthash.subscribe");
    rpc::JsonText j(buf);
    j.raw("[").display_hex(it->second.scripthash).raw(", ");
    if (status)
      j.hex(status->span());
    else
      j.null();
    j.raw("]");
    envelope::end_notification(buf);
    send(buf);
  }
  // The status can no longer be computed (history too large): ElectrumX drops the subscription.
  void drop_subscription(const indexer::HashX& hx) {
    if (subscriptions_.erase(hx)) ctx_.subscriptions.remove(hx, this);
  }

  // server.version's negotiation (client_name="", protocol_version="1.4", *extra): at most once;
  // DROP_CLIENT and an unsupported version close the session after the reply.
  rpc::Outcome<void> negotiate(const boost::json::value* client_name, const boost::json::value* protocol_version,
                               rpc::JsonText& out) {
    if (version_seen_) return rpc::Fault{code::bad_request, "server.version already sent"};
    version_seen_ = true;
    if (client_name && !(client_name->is_string() && client_name->get_string().empty())) {
      std::string n = client_name->is_string() ? std::string(client_name->get_string()) : rpc::python_str(*client_name);
      if (ctx_.drop_client && std::regex_search(n, *ctx_.drop_client)) {
        closing_ = true;
        return rpc::Fault{code::bad_request, "unsupported client: " + n};
      }
      client_ = n.substr(0, 17);
    }
    auto v = electrum::negotiate(protocol_version);
    if (!v) {
      closing_ = true;
      return rpc::Fault{code::bad_request, "unsupported protocol version: " +
                                               (protocol_version ? rpc::python_str(*protocol_version) : "None")};
    }
    version_ = *v;
    out.raw("[").str(server_software).raw(", ").str(v->to_string()).raw("]");
    return {};
  }

  // The connection is gone: subscriptions leave the thread's index.
  void detach() {
    closed_ = true;
    drop_subscriptions();
  }

 private:
  // Where a request stands after its envelope, method and arguments are checked.
  struct Prepared {
    const boost::json::value* id = nullptr;  // nullptr: a notification, no reply
    const rpc::MethodInfo* method = nullptr;
    rpc::Params params;
    std::optional<rpc::Fault> error;
  };

  static const boost::json::value& null_id() {
    static const boost::json::value v;
    return v;
  }

  bool needs_node(const boost::json::value& root) const {
    auto waits = [this](const boost::json::value& v) {
      const auto* o = v.if_object();
      if (!o) return false;
      const auto* m = o->if_contains("method");
      if (!m || !m->is_string()) return false;
      const rpc::MethodInfo* info = ctx_.service.find(m->get_string());
      return info && info->waits();
    };
    if (root.is_object()) return waits(root);
    if (const auto* a = root.if_array())
      for (const auto& v : *a)
        if (waits(v)) return true;
    return false;
  }

  void handle_sync(const boost::json::value& root) {
    std::string& buf = ctx_.scratch;
    buf.clear();
    if (root.is_object()) {
      run_sync(root, buf, 0);
    } else if (const auto* batch = root.if_array()) {
      if (batch->empty()) {
        envelope::error(buf, nullptr, rpc::invalid_request_code, "empty batches are invalid");
      } else {
        BatchReply reply(buf);
        for (const auto& item : *batch) {
          if (closing_) break;
          reply.begin_item();
          run_sync(item, buf, 0);
          reply.end_item();
        }
        reply.end();
      }
    } else {
      envelope::error(buf, nullptr, rpc::invalid_request_code, "request object must be a dictionary");
    }
    if (!buf.empty()) send(buf);
  }

  void run_sync(const boost::json::value& item, std::string& buf, std::size_t message_start) {
    Prepared p = prepare(item);
    if (p.error) return fail(p, *p.error, buf);
    const std::size_t start = buf.size();
    envelope::begin_result(buf);
    const std::optional<rpc::Fault> err = ctx_.service.call(*this, *p.method, p.params, buf);
    finish(p, err, buf, start, message_start);
  }

  boost::asio::awaitable<void> run_async(const boost::json::value& item, std::string& buf, std::size_t message_start) {
    Prepared p = prepare(item);
    if (p.error) {
      fail(p, *p.error, buf);
      co_return;
    }
    const std::size_t start = buf.size();
    envelope::begin_result(buf);
    std::optional<rpc::Fault> err;
    if (p.method->waits())
      err = co_await ctx_.service.call_async(*this, *p.method, p.params, buf);
    else
      err = ctx_.service.call(*this, *p.method, p.params, buf);
    finish(p, err, buf, start, message_start);
  }

  void fail(const Prepared& p, const rpc::Fault& e, std::string& buf) {
    ++errors_, ++ctx_.errors;
    cost_.bump(cost_.policy().error_cost);
    if (p.id) envelope::error(buf, *p.id, e);
  }

  // A call that succeeded costs its method's base cost (and what the method added).
  void finish(const Prepared& p, const std::optional<rpc::Fault>& err, std::string& buf, std::size_t start,
              std::size_t message_start) {
    if (err) {
      buf.resize(start);
      return fail(p, *err, buf);
    }
    cost_.bump(p.method->cost);
    if (!p.id) {  // a notification: run, never answered
      buf.resize(start);
      return;
    }
    envelope::end_result(buf, *p.id);
    if (buf.size() - message_start > ctx_.config.max_send) {
      buf.resize(start);
      envelope::error(
          buf, *p.id, rpc::invalid_request_code,
          "response too large (over " + with_commas(static_cast<std::int64_t>(ctx_.config.max_send)) + " bytes)");
    }
  }

  Prepared prepare(const boost::json::value& item) {
    Prepared p;
    const auto* o = item.if_object();
    if (!o) {
      p.id = &null_id();
      p.error = rpc::Fault{rpc::invalid_request_code, "request object must be a dictionary"};
      return p;
    }
    if (const auto* id = o->if_contains("id")) {
      if (!(id->is_number() || id->is_string() || id->is_null())) {
        p.id = &null_id();
        p.error = rpc::Fault{rpc::invalid_request_code, "invalid \"id\": " + rpc::python_str(*id)};
        return p;
      }
      if (!id->is_null()) p.id = id;
    }
    const auto* m = o->if_contains("method");
    const std::string_view method = m && m->is_string() ? std::string_view(m->get_string()) : std::string_view();
    if (log_me_) ctx_.log.info("session " + std::to_string(id_), rpc::to_json_text(item));
    if (!version_seen_ && method != "server.version") {
      // 1.6: server.version must come first; ElectrumX answers and disconnects.
      closing_ = true;
      p.id = p.id ? p.id : &null_id();
      p.error = rpc::Fault{code::bad_request, "use server.version to identify client"};
      return p;
    }
    if (!m || !m->is_string()) {
      p.error = rpc::Fault{rpc::method_not_found_code, "request method must be a string"};
      return p;
    }
    if (cost_.excessive()) {
      closing_ = true;
      p.id = p.id ? p.id : &null_id();
      p.error = rpc::Fault{code::excessive_resource_usage, "excessive resource usage"};
      return p;
    }
    const rpc::MethodInfo* info = ctx_.service.find(method);
    if (!info || !info->available(protocol().bound())) {
      p.error = rpc::Fault{rpc::method_not_found_code, "unknown method \"" + std::string(method) + "\""};
      return p;
    }
    ++ctx_.method_counts[info->index];
    const boost::json::value* params = o->if_contains("params");
    if (params && !params->is_null() && !params->is_array() && !params->is_object()) {
      p.error = rpc::Fault{rpc::invalid_params_code, "invalid request arguments: " + rpc::python_str(*params)};
      return p;
    }
    p.method = info;
    p.params = rpc::Params::of(params);
    return p;
  }

  void drop_subscriptions() {
    for (const auto& [hx, sub] : subscriptions_) ctx_.subscriptions.remove(hx, this);
    subscriptions_.clear();
  }

  SessionContext& ctx_;
  std::uint64_t id_;
  Protocol kind_;
  std::string peer_;
  std::string client_ = "unknown";
  std::optional<ProtocolVersion> version_;
  bool version_seen_ = false;
  bool headers_ = false;
  bool closing_ = false;
  bool closed_ = false;
  bool log_me_ = false;
  CostMeter cost_;
  std::unique_ptr<boost::json::value> pending_;
  std::unique_ptr<net::Transport> transport_;
  boost::unordered_flat_map<indexer::HashX, Subscription, indexer::detail::HashXHash> subscriptions_;
  Clock::time_point started_ = Clock::now();
  Clock::time_point last_recv_ = started_;
  std::uint64_t recv_count_ = 0, recv_size_ = 0, send_count_ = 0, send_size_ = 0, errors_ = 0, txs_sent_ = 0;
};

}  // namespace coinkit::electrum

// The Electrum methods take their session as a leading argument.
template <>
struct coinkit::rpc::is_call_context<coinkit::electrum::Session> : std::true_type {};
