// The non-template code of <coinkit/electrum/session.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/electrum/session.hpp>

namespace coinkit::electrum {
void Session::send(std::string_view message) {
  if (is_closed()) return;
  ++send_count_;
  send_size_ += message.size() + 1;
  ctx_.bytes_sent += message.size() + 1;
  cost_.bump_bytes(message.size());
  transport_->send(message);
}

Session::Step Session::receive(std::string_view text) {
  ++recv_count_;
  recv_size_ += text.size() + 1;
  ctx_.bytes_received += text.size() + 1;
  last_recv_ = Clock::now();
  cost_.bump_bytes(text.size());
  cost_.decay(last_recv_, subscriptions_.size());
  error_code ec;
  Step step = Step::done;
  {
    boost::json::value root = ctx_.parse(text, ec);
    if (ec) {
      // As aiorpcX 0.25 (ElectrumX 1.20): a failed request like any other, id null, paid for in
      // cost; the session goes on, unless the cost reached the hard limit (garbage alone gets there).
      std::string& buf = ctx_.scratch;
      buf.clear();
      Prepared p;
      p.id = &null_id();
      fail(p, over_cost_limit().value_or(rpc::Fault{rpc::parse_error_code, "invalid JSON"}), buf);
      send(buf);
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

boost::asio::awaitable<void> Session::finish_pending() {
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

void Session::reject_oversized() {
  std::string& buf = ctx_.scratch;
  buf.clear();
  envelope::error(
      buf, nullptr, rpc::invalid_request_code,
      "request too large (over " + with_commas(static_cast<std::int64_t>(ctx_.config.max_recv)) + " bytes)");
  send(buf);
  closing_ = true;
}

void Session::subscribe(const ScriptHash& sh, const ScriptStatus& st) {
  const indexer::HashX hx = indexer::to_hashx(sh);
  auto [it, added] = subscriptions_.try_emplace(hx, Subscription{sh, st.status});
  it->second.status = st.status;
  if (added)
    ctx_.subscriptions.add(sh, this, st.mempool);
  else if (auto* e = ctx_.subscriptions.find(hx))
    e->mempool = st.mempool;
}

bool Session::unsubscribe(const ScriptHash& sh) {
  const indexer::HashX hx = indexer::to_hashx(sh);
  if (!subscriptions_.erase(hx)) return false;
  ctx_.subscriptions.remove(hx, this);
  return true;
}

void Session::notify_status(const indexer::HashX& hx, const std::optional<Hash256>& status) {
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

rpc::Outcome<void> Session::negotiate(const boost::json::value* client_name, const boost::json::value* protocol_version,
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

void Session::detach() {
  closed_ = true;
  drop_subscriptions();
}

const boost::json::value& Session::null_id() {
  static const boost::json::value v;
  return v;
}

bool Session::needs_node(const boost::json::value& root) const {
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

void Session::handle_sync(const boost::json::value& root) {
  std::string& buf = ctx_.scratch;
  buf.clear();
  if (root.is_object()) {
    run_sync(root, buf, 0);
  } else if (const auto* batch = root.if_array()) {
    if (batch->empty()) {
      envelope::error(buf, nullptr, rpc::invalid_request_code, "batch is empty");
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

void Session::run_sync(const boost::json::value& item, std::string& buf, std::size_t message_start) {
  Prepared p = prepare(item);
  if (p.error) return fail(p, *p.error, buf);
  const std::size_t start = buf.size();
  envelope::begin_result(buf);
  const std::optional<rpc::Fault> err = ctx_.service.call(*this, *p.method, p.params, buf);
  finish(p, err, buf, start, message_start);
}

boost::asio::awaitable<void> Session::run_async(const boost::json::value& item, std::string& buf,
                                                std::size_t message_start) {
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

std::optional<rpc::Fault> Session::over_cost_limit() {
  if (!cost_.excessive()) return std::nullopt;
  closing_ = true;
  return rpc::Fault{code::excessive_resource_usage, "excessive resource usage"};
}

void Session::fail(const Prepared& p, const rpc::Fault& e, std::string& buf) {
  ++errors_, ++ctx_.errors;
  cost_.bump(cost_.policy().error_cost);
  if (p.id) envelope::error(buf, *p.id, e);
}

void Session::finish(const Prepared& p, const std::optional<rpc::Fault>& err, std::string& buf, std::size_t start,
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

Session::Prepared Session::prepare(const boost::json::value& item) {
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
    p.error = rpc::Fault{rpc::method_not_found_code, "method must be a string"};
    return p;
  }
  if (auto refused = over_cost_limit()) {
    p.id = p.id ? p.id : &null_id();
    p.error = std::move(refused);
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

void Session::drop_subscriptions() {
  for (const auto& [hx, sub] : subscriptions_) ctx_.subscriptions.remove(hx, this);
  subscriptions_.clear();
}

}  // namespace coinkit::electrum
