// LocalRpc: the operator's JSON-RPC (ElectrumX's LocalRPC, as electrumx_rpc speaks it): one
// JSON-RPC 2.0 request per line over TCP on a loopback rpc:// service. Commands: getinfo,
// sessions, groups, peers, disconnect, log, query, reorg, daemon_url, add_peer, stop.
#pragma once

#include <coinkit/electrum/blocking_pool.hpp>
#include <coinkit/electrum/shard.hpp>
#include <coinkit/net/line_transport.hpp>
#include <coinkit/net/transport.hpp>
#include <coinkit/rpc/binder.hpp>
#include <coinkit/rpc/electrumx.hpp>
#include <coinkit/rpc/envelope.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/rpc/method_table.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <unistd.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace coinkit::electrum {

using LocalRpcResult = rpc::Outcome<boost::json::value>;

// The commands that need the chain or the node; the server implements them.
class LocalRpcBackend {
 public:
  virtual ~LocalRpcBackend() = default;
  // getinfo's chain part: coin, daemon, "daemon height", "db height".
  virtual boost::json::object info() = 0;
  // History, UTXOs and balance of addresses or script hex, as lines of text.
  virtual LocalRpcResult query(const std::vector<std::string>& items, std::size_t limit) = 0;
  // Backs out `count` blocks and lets the indexer reapply them (for testing clients).
  virtual LocalRpcResult reorg(int count) = 0;
  // Points the node client at another URL (the configured one when empty).
  virtual LocalRpcResult daemon_url(const std::string& url) = 0;
  // The operator asked the server to stop: the program stops it once the reply is sent.
  virtual void request_stop() = 0;
};

namespace detail {

// ElectrumX's util.formatted_time: "1d 02h 03m 04s".
inline std::string formatted_time(std::chrono::seconds t) {
  long long s = t.count();
  const long long d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;
  s %= 60;
  char buf[64];
  if (d)
    std::snprintf(buf, sizeof buf, "%lldd %02lldh %02lldm %02llds", d, h, m, s);
  else if (h)
    std::snprintf(buf, sizeof buf, "%02lldh %02lldm %02llds", h, m, s);
  else if (m)
    std::snprintf(buf, sizeof buf, "%02lldm %02llds", m, s);
  else
    std::snprintf(buf, sizeof buf, "%02llds", s);
  return buf;
}

}  // namespace detail

class LocalRpc {
 public:
  using tcp = boost::asio::ip::tcp;

  LocalRpc(std::vector<std::unique_ptr<Shard>>& shards, SessionCounters& counters, LocalRpcBackend& backend,
           const Log& log)
      : shards_(shards), counters_(counters), backend_(backend), log_(log) {}

  // One operator connection: each line answered in turn, over the line transport.
  struct Operator {
    Operator(LocalRpc& r, tcp::socket socket) : rpc(r), transport(std::move(socket), net::LineLimits{1 << 20}) {}
    LocalRpc& rpc;
    net::LineTransport<tcp::socket> transport;
    std::string line;
    bool oversized = false;

    net::Step receive(std::string_view text) {
      line.assign(text);
      return net::Step::needs_async;
    }
    boost::asio::awaitable<void> finish_pending() {
      std::string reply;
      co_await rpc.answer(line, reply);
      transport.send(reply);
    }
    std::chrono::milliseconds throttle_delay() const noexcept { return {}; }
    bool closing() const noexcept { return oversized; }
    void reject_oversized() { oversized = true; }
  };

  // A new operator connection, for its transport's run() (on the first shard's thread).
  std::shared_ptr<Operator> connect(tcp::socket socket) { return std::make_shared<Operator>(*this, std::move(socket)); }

  // Waits for the commands running on the blocking pool (before the threads' io_contexts go).
  void join() { pool_.join(); }

 private:
  using Table = rpc::MethodTable<LocalRpc>;
  static constexpr rpc::ElectrumX dialect{};

 public:
  static constexpr auto rpc_methods() {
    using rpc::arg;
    return rpc::methods(
        rpc::method<&LocalRpc::getinfo>("getinfo", rpc::no_flags),
        rpc::method<&LocalRpc::sessions>("sessions", rpc::no_flags),
        rpc::method<&LocalRpc::groups>("groups", rpc::no_flags), rpc::method<&LocalRpc::peers>("peers", rpc::no_flags),
        rpc::method<&LocalRpc::disconnect>("disconnect", rpc::no_flags, arg("session_ids", nullptr)),
        rpc::method<&LocalRpc::log>("log", rpc::no_flags, arg("session_ids", nullptr)),
        rpc::method<&LocalRpc::query>("query", rpc::no_flags, arg("items", nullptr), arg("limit", nullptr)),
        rpc::method<&LocalRpc::reorg>("reorg", rpc::no_flags, arg("count", nullptr)),
        rpc::method<&LocalRpc::daemon_url>("daemon_url", rpc::no_flags, arg("daemon_url", nullptr)),
        rpc::method<&LocalRpc::add_peer>("add_peer", rpc::no_flags, arg("real_name", nullptr)),
        rpc::method<&LocalRpc::stop>("stop", rpc::no_flags));
  }

 private:
  boost::asio::awaitable<void> answer(std::string_view line, std::string& out) {
    namespace json = boost::json;
    error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) {
      rpc::envelope::error(out, nullptr, ec ? rpc::parse_error_code : rpc::invalid_request_code,
                           ec ? "invalid JSON" : "request object must be a dictionary");
      co_return;
    }
    const json::object& o = v.get_object();
    json::value id = o.contains("id") ? o.at("id") : json::value();
    const json::value* m = o.if_contains("method");
    const json::value* params = o.if_contains("params");
    if (!m || !m->is_string()) {
      rpc::envelope::error(out, id, rpc::method_not_found_code, "request method must be a string");
      co_return;
    }
    const rpc::MethodInfo* method = Table::find(m->get_string());
    if (!method) {
      rpc::envelope::error(out, id, rpc::method_not_found_code,
                           "unknown method \"" + std::string(m->get_string()) + "\"");
      co_return;
    }
    if (params && !params->is_null() && !params->is_array() && !params->is_object()) {
      rpc::envelope::error(out, id, rpc::invalid_params_code, "invalid request arguments: " + rpc::python_str(*params));
      co_return;
    }
    const std::size_t start = out.size();
    rpc::envelope::begin_result(out);
    const rpc::Params bound = rpc::Params::of(params);
    if (auto fault = co_await Table::call_async(*this, *method, bound, dialect, out)) {
      out.resize(start);
      rpc::envelope::error(out, id, *fault);
    } else {
      rpc::envelope::end_result(out, id);
    }
  }

  static std::optional<std::vector<std::string>> string_list(const boost::json::value* v) {
    if (!v || !v->is_array()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& e : v->get_array()) {
      if (!e.is_string()) return std::nullopt;
      out.emplace_back(e.get_string());
    }
    return out;
  }

  // Runs f(shard) on each shard's thread in turn.
  template <class F>
  boost::asio::awaitable<void> each_shard(F f) {
    for (auto& shard : shards_)
      co_await boost::asio::co_spawn(
          shard->executor(),
          [&]() -> boost::asio::awaitable<void> {
            f(*shard);
            co_return;
          },
          boost::asio::use_awaitable);
  }

  // --- the commands ------------------------------------------------------------------------

  boost::asio::awaitable<boost::json::value> getinfo() {
    namespace json = boost::json;
    json::object info = co_await blocking([this] { return backend_.info(); });
    json::object counts, sessions;
    std::uint64_t total = 0, errors = 0, txs = 0, subs = 0, with_subs = 0, logged = 0, pending = 0, count = 0;
    std::array<std::uint64_t, SessionContext::max_methods> per_method{};
    std::span<const rpc::MethodInfo> methods;
    co_await each_shard([&](Shard& s) {
      auto& c = s.context();
      methods = c.service.methods();
      for (std::size_t i = 0; i < per_method.size(); ++i) per_method[i] += c.method_counts[i];
      errors += c.errors, txs += c.txs_sent;
      s.for_each_session([&](Session& sess) {
        ++count;
        subs += sess.subscription_count();
        with_subs += sess.subscription_count() > 0;
        logged += sess.log_requests();
        pending += sess.pending_request();
      });
    });
    std::vector<const rpc::MethodInfo*> by_name;
    for (const rpc::MethodInfo& m : methods) by_name.push_back(&m);
    std::sort(by_name.begin(), by_name.end(), [](auto* a, auto* b) { return a->name < b->name; });
    for (const rpc::MethodInfo* m : by_name) {
      const auto n = per_method[m->index];
      if (n) counts[m->name] = n, total += n;
    }
    info["groups"] = 0;
    info["pid"] = static_cast<std::int64_t>(::getpid());
    info["peers"] = json::object{{"bad", 0}, {"good", 0}, {"never", 0}, {"stale", 0}, {"total", 0}};
    info["request counts"] = std::move(counts);
    info["request total"] = total;
    sessions["count"] = count;
    sessions["count with subs"] = with_subs;
    sessions["errors"] = errors;
    sessions["logged"] = logged;
    sessions["pending requests"] = pending;
    sessions["subs"] = subs;
    info["sessions"] = std::move(sessions);
    info["txs sent"] = txs;
    info["uptime"] = detail::formatted_time(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_));
    info["version"] = server_software;
    co_return json::value(std::move(info));
  }

  boost::asio::awaitable<boost::json::value> sessions() {
    namespace json = boost::json;
    struct Row {
      std::chrono::steady_clock::time_point started;
      json::array row;
    };
    std::vector<Row> rows;
    co_await each_shard([&](Shard& s) {
      const auto now = std::chrono::steady_clock::now();
      s.for_each_session([&](Session& c) {
        std::string flags(1, static_cast<char>(std::toupper(to_string(c.kind())[0])));
        if (c.closing() || c.is_closed()) flags += 'C';
        if (c.log_requests()) flags += 'L';
        rows.push_back(
            {c.started(), json::array{c.id(), flags, c.peer(), c.client(),
                                      c.negotiated() ? c.protocol().to_string() : std::string(""), c.cost().cost(), 0.0,
                                      static_cast<int>(c.pending_request()), c.txs_sent(), c.subscription_count(),
                                      c.recv_count(), c.recv_size(), c.send_count(), c.send_size(),
                                      std::chrono::duration<double>(now - c.started()).count()}});
      });
    });
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.started < b.started; });
    json::array out;
    for (auto& r : rows) out.emplace_back(std::move(r.row));
    co_return json::value(std::move(out));
  }

  boost::json::value groups() { return boost::json::array(); }
  boost::json::value peers() { return boost::json::array(); }

  boost::asio::awaitable<LocalRpcResult> disconnect(const boost::json::value* session_ids) {
    return disconnect_or_log(true, session_ids);
  }
  boost::asio::awaitable<LocalRpcResult> log(const boost::json::value* session_ids) {
    return disconnect_or_log(false, session_ids);
  }

  boost::asio::awaitable<LocalRpcResult> query(const boost::json::value* items_arg,
                                               const boost::json::value* limit_arg) {
    auto items = string_list(items_arg);
    if (!items) co_return error_of(code::bad_request, "expected a list of items");
    std::size_t limit = 1000;
    if (limit_arg) {
      auto n = rpc::to_non_negative(*limit_arg);
      if (!n) co_return rpc::not_non_negative(*limit_arg);
      limit = static_cast<std::size_t>(*n);
    }
    co_return co_await run_query(std::move(*items), limit);
  }

  boost::asio::awaitable<LocalRpcResult> reorg(const boost::json::value* count_arg) {
    std::int64_t count = 3;
    if (count_arg) {
      auto n = rpc::to_non_negative(*count_arg);
      if (!n) co_return rpc::not_non_negative(*count_arg);
      count = *n;
    }
    co_return co_await run_reorg(static_cast<int>(count));
  }

  boost::asio::awaitable<LocalRpcResult> daemon_url(const boost::json::value* url_arg) {
    std::string url;
    if (url_arg && url_arg->is_string()) url = url_arg->get_string();
    co_return co_await run_daemon_url(std::move(url));
  }

  LocalRpcResult add_peer(const boost::json::value*) {
    return rpc::Fault{code::bad_request, "peer discovery is not implemented by this server"};
  }

  boost::json::value stop() {
    backend_.request_stop();
    return boost::json::value("stopping");
  }

  static rpc::Fault error_of(int code, std::string_view message) { return {code, std::string(message)}; }

  boost::asio::awaitable<LocalRpcResult> disconnect_or_log(bool disconnect, const boost::json::value* session_ids) {
    namespace json = boost::json;
    auto items = string_list(session_ids);
    if (!items) co_return error_of(code::bad_request, "expected a list of session IDs");
    json::array out;
    bool all = false, none = false, toggle_new = false;
    std::vector<std::uint64_t> ids;
    for (const std::string& item : *items) {
      std::string lower;
      for (char c : item) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!item.empty() && item.find_first_not_of("0123456789") == std::string::npos && item.size() < 19)
        ids.push_back(std::stoull(item));
      else if (lower == "all")
        all = true;
      else if (!disconnect && lower == "none")
        none = true;
      else if (!disconnect && lower == "new")
        toggle_new = true;
      else
        out.emplace_back("unknown: " + item);
    }
    std::vector<std::string> lines;
    std::vector<std::uint64_t> found;
    co_await each_shard([&](Shard& s) {
      if (all || none) {
        s.for_each_session([&](Session& c) {
          if (disconnect)
            c.close();
          else
            c.log_requests(all);
        });
      }
      for (std::uint64_t id : ids)
        if (Session* c = s.find(id)) {
          found.push_back(id);
          if (disconnect) {
            if (!all) lines.push_back("disconnecting session " + std::to_string(id));
            c->close();
          } else if (!all && !none) {
            c->log_requests(!c->log_requests());
            lines.push_back((c->log_requests() ? "logging session " : "not logging session ") + std::to_string(id));
          }
        }
    });
    if (all) lines.insert(lines.begin(), disconnect ? "disconnecting all sessions" : "logging all sessions");
    if (none) lines.insert(lines.begin(), "logging no sessions");
    if (all || none) counters_.log_new = all;
    if (toggle_new) {
      counters_.log_new = !counters_.log_new;
      lines.push_back(counters_.log_new ? "logging new sessions" : "not logging new sessions");
    }
    for (std::uint64_t id : ids)
      if (std::find(found.begin(), found.end(), id) == found.end()) out.emplace_back("unknown: " + std::to_string(id));
    json::array result;
    for (auto& l : lines) result.emplace_back(l);
    for (auto& u : out) result.push_back(std::move(u));
    co_return json::value(std::move(result));
  }

  // The backend's commands on the blocking pool. (Closures are made out of the coroutines: GCC 12
  // mishandles lambdas that capture by value inside one.)
  boost::asio::awaitable<LocalRpcResult> run_query(std::vector<std::string> items, std::size_t limit) {
    return blocking([this, items = std::move(items), limit] { return backend_.query(items, limit); });
  }
  boost::asio::awaitable<LocalRpcResult> run_reorg(int count) {
    return blocking([this, count] { return backend_.reorg(count); });
  }
  boost::asio::awaitable<LocalRpcResult> run_daemon_url(std::string url) {
    return blocking([this, url = std::move(url)] { return backend_.daemon_url(url); });
  }

  // Runs a backend command on the blocking pool. Not a coroutine: the closure moves into the
  // pool's shared ownership first (see BlockingPool::run).
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&>> blocking(F f) {
    using R = std::invoke_result_t<F&>;
    return unwrap<R>(pool_.run(std::move(f), std::chrono::minutes(10)));
  }
  template <class R>
  static boost::asio::awaitable<R> unwrap(boost::asio::awaitable<std::optional<R>> a) {
    auto r = co_await std::move(a);
    if (!r) {
      if constexpr (std::is_same_v<R, LocalRpcResult>)
        co_return error_of(rpc::internal_error_code, "internal server error");
      else
        co_return R{};
    }
    co_return std::move(*r);
  }

  std::vector<std::unique_ptr<Shard>>& shards_;
  SessionCounters& counters_;
  LocalRpcBackend& backend_;
  const Log& log_;
  BlockingPool pool_{1};
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace coinkit::electrum
