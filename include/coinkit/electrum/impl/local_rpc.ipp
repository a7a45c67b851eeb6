// The non-template code of <coinkit/electrum/local_rpc.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/electrum/local_rpc.hpp>

namespace coinkit::electrum {
boost::asio::awaitable<void> LocalRpc::answer(std::string_view line, std::string& out) {
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
    rpc::envelope::error(out, id, rpc::method_not_found_code, "method must be a string");
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

std::optional<std::vector<std::string>> LocalRpc::string_list(const boost::json::value* v) {
  if (!v || !v->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& e : v->get_array()) {
    if (!e.is_string()) return std::nullopt;
    out.emplace_back(e.get_string());
  }
  return out;
}

boost::asio::awaitable<boost::json::value> LocalRpc::getinfo() {
  namespace json = boost::json;
  json::object info = co_await blocking([this] { return backend_.info(); });
  json::object counts, sessions;
  const ShardTotals t = co_await shard_totals(shards_);
  std::vector<const rpc::MethodInfo*> by_name;
  for (const rpc::MethodInfo& m : t.methods) by_name.push_back(&m);
  std::sort(by_name.begin(), by_name.end(), [](auto* a, auto* b) { return a->name < b->name; });
  std::uint64_t total = 0;
  for (const rpc::MethodInfo* m : by_name) {
    const auto n = t.requests[m->index];
    if (n) counts[m->name] = n, total += n;
  }
  info["groups"] = 0;
  info["pid"] = static_cast<std::int64_t>(::getpid());
  info["peers"] = peers_.counts();
  info["request counts"] = std::move(counts);
  info["request total"] = total;
  sessions["count"] = t.sessions;
  sessions["count with subs"] = t.sessions_with_subs;
  sessions["errors"] = t.errors;
  sessions["logged"] = t.logged;
  sessions["pending requests"] = t.pending;
  sessions["subs"] = t.subscriptions;
  info["sessions"] = std::move(sessions);
  info["txs sent"] = t.txs_sent;
  info["uptime"] = rpc::formatted_time(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_));
  info["version"] = server_software;
  co_return json::value(std::move(info));
}

boost::asio::awaitable<boost::json::value> LocalRpc::sessions() {
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
          {c.started(),
           json::array{c.id(), flags, c.peer(), c.client(), c.negotiated() ? c.protocol().to_string() : std::string(""),
                       c.cost().cost(), 0.0, static_cast<int>(c.pending_request()), c.txs_sent(),
                       c.subscription_count(), c.recv_count(), c.recv_size(), c.send_count(), c.send_size(),
                       std::chrono::duration<double>(now - c.started()).count()}});
    });
  });
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.started < b.started; });
  json::array out;
  for (auto& r : rows) out.emplace_back(std::move(r.row));
  co_return json::value(std::move(out));
}

boost::asio::awaitable<void> LocalRpc::log_summary(bool anonymous) {
  boost::json::value rows = co_await sessions();
  if (anonymous)
    for (auto& row : rows.as_array()) row.as_array()[2] = "xx.xx.xx.xx:xx";
  for (const std::string& line : sessions_lines(rows.as_array())) log_.info("SessionManager", line);
  std::string info;
  rpc::write_json(info, co_await getinfo());
  log_.info("SessionManager", info);
}

boost::asio::awaitable<LocalRpcResult> LocalRpc::query(const boost::json::value* items_arg,
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

boost::asio::awaitable<LocalRpcResult> LocalRpc::reorg(const boost::json::value* count_arg) {
  std::int64_t count = 3;
  if (count_arg) {
    auto n = rpc::to_non_negative(*count_arg);
    if (!n) co_return rpc::not_non_negative(*count_arg);
    count = *n;
  }
  co_return co_await run_reorg(static_cast<int>(count));
}

boost::asio::awaitable<LocalRpcResult> LocalRpc::daemon_url(const boost::json::value* url_arg) {
  std::string url;
  if (url_arg && url_arg->is_string()) url = url_arg->get_string();
  co_return co_await run_daemon_url(std::move(url));
}

boost::json::value LocalRpc::stop() {
  backend_.request_stop();
  return boost::json::value("stopping");
}

boost::asio::awaitable<LocalRpcResult> LocalRpc::disconnect_or_log(bool disconnect,
                                                                   const boost::json::value* session_ids) {
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

}  // namespace coinkit::electrum
