// Session: one client connection's protocol state (version negotiation, the first-message
// rule, subscriptions, cost) and the JSON-RPC handling of its messages, whatever the transport.
#pragma once

#include <coinkit/detail/config.hpp>

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
  std::uint64_t bytes_received = 0, bytes_sent = 0;  // by every session of the shard, ever

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
  COINKIT_DECL void send(std::string_view message);
  void flush() { transport_->flush(); }  // starts writing what was queued
  void close() { transport_->close(); }  // drops the connection at once
  std::size_t queued_bytes() const noexcept { return transport_->queued_bytes(); }
  std::optional<Clock::time_point> writing_since() const noexcept { return transport_->writing_since(); }

  // --- messages ----------------------------------------------------------------------------
  using Step = net::Step;

  // Handles one JSON-RPC message (a request, a notification or a batch). Requests that wait
  // for the node are left for finish_pending(): needs_node.
  COINKIT_DECL Step receive(std::string_view text);

  // The message receive() left: its requests run in order, those for the node suspending.
  COINKIT_DECL boost::asio::awaitable<void> finish_pending();

  // A request larger than MAX_RECV: answered (id unknown), then the connection closes.
  COINKIT_DECL void reject_oversized();

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
  COINKIT_DECL void subscribe(const ScriptHash& sh, const ScriptStatus& st);
  COINKIT_DECL bool unsubscribe(const ScriptHash& sh);
  std::size_t subscription_count() const noexcept { return subscriptions_.size(); }

  // A script's new status (from a notification): sent if it differs from the last one this
  // session was told.
  COINKIT_DECL void notify_status(const indexer::HashX& hx, const std::optional<Hash256>& status);
  // The status can no longer be computed (history too large): ElectrumX drops the subscription.
  void drop_subscription(const indexer::HashX& hx) {
    if (subscriptions_.erase(hx)) ctx_.subscriptions.remove(hx, this);
  }

  // server.version's negotiation (client_name="", protocol_version="1.4", *extra): at most once;
  // DROP_CLIENT and an unsupported version close the session after the reply.
  COINKIT_DECL rpc::Outcome<void> negotiate(const boost::json::value* client_name,
                                            const boost::json::value* protocol_version, rpc::JsonText& out);

  // The connection is gone: subscriptions leave the thread's index.
  COINKIT_DECL void detach();

 private:
  // Where a request stands after its envelope, method and arguments are checked.
  struct Prepared {
    const boost::json::value* id = nullptr;  // nullptr: a notification, no reply
    const rpc::MethodInfo* method = nullptr;
    rpc::Params params;
    std::optional<rpc::Fault> error;
  };

  COINKIT_DECL static const boost::json::value& null_id();

  COINKIT_DECL bool needs_node(const boost::json::value& root) const;

  COINKIT_DECL void handle_sync(const boost::json::value& root);

  COINKIT_DECL void run_sync(const boost::json::value& item, std::string& buf, std::size_t message_start);

  COINKIT_DECL boost::asio::awaitable<void> run_async(const boost::json::value& item, std::string& buf,
                                                      std::size_t message_start);

  // At the hard cost limit: the session closes after this answer ("excessive resource usage").
  COINKIT_DECL std::optional<rpc::Fault> over_cost_limit();

  COINKIT_DECL void fail(const Prepared& p, const rpc::Fault& e, std::string& buf);

  // A call that succeeded costs its method's base cost (and what the method added).
  COINKIT_DECL void finish(const Prepared& p, const std::optional<rpc::Fault>& err, std::string& buf, std::size_t start,
                           std::size_t message_start);

  COINKIT_DECL Prepared prepare(const boost::json::value& item);

  COINKIT_DECL void drop_subscriptions();

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

#if COINKIT_HEADER_ONLY
#include <coinkit/electrum/impl/session.ipp>
#endif
