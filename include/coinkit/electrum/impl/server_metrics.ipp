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
  const ShardTotals t = co_await shard_totals(shards_);
  net::MetricsText m;
  m.process_start_time();
  m.gauge("coinkit_electrum_sessions", "Client sessions open.", static_cast<double>(counters_.open.load()));
  m.counter("coinkit_electrum_sessions_accepted_total", "Client connections accepted.",
            static_cast<double>(counters_.accepted.load()));
  m.counter("coinkit_electrum_sessions_refused_total", "Client connections refused at MAX_SESSIONS.",
            static_cast<double>(counters_.refused.load()));
  m.family("coinkit_electrum_requests_total", Type::counter, "Requests answered, by method.");
  for (const rpc::MethodInfo& method : t.methods)
    m.sample(static_cast<double>(t.requests[method.index]), {{"method", method.name}});
  m.counter("coinkit_electrum_request_errors_total", "Requests answered with an error.", static_cast<double>(t.errors));
  m.counter("coinkit_electrum_received_bytes_total", "Bytes of messages received from clients.",
            static_cast<double>(t.bytes_received));
  m.counter("coinkit_electrum_sent_bytes_total", "Bytes of messages sent to clients.",
            static_cast<double>(t.bytes_sent));
  m.gauge("coinkit_electrum_subscriptions", "Script hash subscriptions of the open sessions.",
          static_cast<double>(t.subscriptions));
  m.gauge("coinkit_electrum_subscribed_scripts", "Distinct script hashes subscribed to.",
          static_cast<double>(t.subscribed_scripts));
  m.counter("coinkit_electrum_transactions_broadcast_total", "Transactions clients broadcast through the node.",
            static_cast<double>(t.txs_sent));
  m.family("coinkit_electrum_notification_seconds", Type::histogram,
           "From a change of the index to its notifications queued to the sessions of one I/O thread.")
      .histogram(counters_.notification_latency);
  backend_.write_metrics(m);
  co_return m.take();
}

}  // namespace coinkit::electrum
