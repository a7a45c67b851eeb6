// The non-template code of <coinkit/electrum/server_metrics.hpp>, compiled once with COINKIT_SEPARATE_COMPILATION.
#pragma once

#include <coinkit/electrum/server_metrics.hpp>

namespace coinkit::electrum {

boost::asio::awaitable<net::Response> ServerMetrics::answer(net::Request& req) {
  namespace http = net::http;
  if (req.target() != "/metrics" && req.target().rfind("/metrics?", 0) != 0)
    co_return net::make_response(req, http::status::not_found, "GET /metrics\n", "text/plain");
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    net::Response res = net::make_response(req, http::status::method_not_allowed, "GET /metrics\n", "text/plain");
    res.set(http::field::allow, "GET, HEAD");
    co_return res;
  }
  co_return net::make_response(req, http::status::ok, co_await text(), net::MetricsText::content_type);
}

boost::asio::awaitable<std::string> ServerMetrics::text() {
  using Type = net::MetricsText::Type;
  std::array<std::uint64_t, SessionContext::max_methods> per_method{};
  std::span<const rpc::MethodInfo> methods;
  std::uint64_t errors = 0, txs = 0, received = 0, sent = 0, subscriptions = 0, scripts = 0;
  co_await each_shard(shards_, [&](Shard& s) {
    const SessionContext& c = s.context();
    methods = c.service.methods();
    for (std::size_t i = 0; i < per_method.size(); ++i) per_method[i] += c.method_counts[i];
    errors += c.errors, txs += c.txs_sent, received += c.bytes_received, sent += c.bytes_sent;
    scripts += c.subscriptions.scripts();
    s.for_each_session([&](Session& session) { subscriptions += session.subscription_count(); });
  });

  net::MetricsText m;
  m.gauge("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.", started_);
  m.gauge("coinkit_electrum_sessions", "Client sessions open.", static_cast<double>(counters_.open.load()));
  m.counter("coinkit_electrum_sessions_accepted_total", "Client connections accepted.",
            static_cast<double>(counters_.accepted.load()));
  m.counter("coinkit_electrum_sessions_refused_total", "Client connections refused at MAX_SESSIONS.",
            static_cast<double>(counters_.refused.load()));
  m.family("coinkit_electrum_requests_total", Type::counter, "Requests answered, by method.");
  for (const rpc::MethodInfo& method : methods)
    m.sample(static_cast<double>(per_method[method.index]), {{"method", method.name}});
  m.counter("coinkit_electrum_request_errors_total", "Requests answered with an error.", static_cast<double>(errors));
  m.counter("coinkit_electrum_received_bytes_total", "Bytes of messages received from clients.",
            static_cast<double>(received));
  m.counter("coinkit_electrum_sent_bytes_total", "Bytes of messages sent to clients.", static_cast<double>(sent));
  m.gauge("coinkit_electrum_subscriptions", "Script hash subscriptions of the open sessions.",
          static_cast<double>(subscriptions));
  m.gauge("coinkit_electrum_subscribed_scripts", "Distinct script hashes subscribed to.", static_cast<double>(scripts));
  m.counter("coinkit_electrum_transactions_broadcast_total", "Transactions clients broadcast through the node.",
            static_cast<double>(txs));
  m.family("coinkit_electrum_notification_seconds", Type::histogram,
           "From a change of the index to its notifications queued to the sessions of one I/O thread.")
      .histogram(counters_.notification_latency);
  backend_.write_metrics(m);
  co_return m.take();
}

}  // namespace coinkit::electrum
