// ServerMetrics: the Electrum server's `GET /metrics` on its http:// services, in Prometheus'
// text format: sessions, requests by method, errors, bytes, subscriptions, notification latency,
// and the chain's part from the LocalRpcBackend (heights, sync counters, cache, database size).
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/electrum/local_rpc.hpp>
#include <coinkit/electrum/shard.hpp>
#include <coinkit/net/http_server.hpp>
#include <coinkit/net/metrics_text.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <vector>

namespace coinkit::electrum {

class ServerMetrics {
 public:
  ServerMetrics(std::vector<std::unique_ptr<Shard>>& shards, SessionCounters& counters, LocalRpcBackend& backend)
      : shards_(shards), counters_(counters), backend_(backend) {}

  // GET /metrics: the text; any other path 404, any other method 405. On the first shard's thread.
  COINKIT_DECL boost::asio::awaitable<net::Response> answer(net::Request& req);

  // Every metric, gathered from each shard on its own thread.
  COINKIT_DECL boost::asio::awaitable<std::string> text();

 private:
  std::vector<std::unique_ptr<Shard>>& shards_;
  SessionCounters& counters_;
  LocalRpcBackend& backend_;
};

}  // namespace coinkit::electrum

#if COINKIT_HEADER_ONLY
#include <coinkit/electrum/impl/server_metrics.ipp>
#endif
