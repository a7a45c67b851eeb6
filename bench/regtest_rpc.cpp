// getblock throughput of the regtest node's JSON-RPC server over one HTTP keep-alive connection:
// verbosity 0 (hex) and 2 (decoded transactions), for a block of 1 transaction and one of 2,000.
#include <coinkit/coins/btc.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_server.hpp>

#include <coinkit/net/http_client.hpp>

#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <memory>
#include <string>
#include <thread>

using namespace coinkit;

namespace {

// One node with a 2,000-transaction block at the tip, served on 127.0.0.1 by its own thread.
struct Served {
  boost::asio::io_context io;
  regtest::Node<BtcPolicy> node;
  std::unique_ptr<regtest::RpcServer> server;
  std::thread thread;
  BlockHash small_block, big_block;

  Served() {
    node.generate(101);
    small_block = node.tip();
    node.generate_transactions(2000, 2000, 2).value();
    big_block = node.tip();
    regtest::RpcServerOptions o;
    o.user = "bench";
    o.password = "bench";
    server = std::make_unique<regtest::RpcServer>(io.get_executor(), node, o);
    server->start();
    thread = std::thread([this] { io.run(); });
  }
  ~Served() {
    boost::asio::post(io, [this] {
      server->stop();
      io.stop();
    });
    thread.join();
  }
};

Served& served() {
  static Served s;
  return s;
}

void getblock(benchmark::State& state, bool big, int verbosity) {
  Served& s = served();
  net::HttpClient client(s.server->local_endpoint().port());
  const std::string hash = (big ? s.big_block : s.small_block).to_hex();
  const std::string body =
      R"({"method":"getblock","params":[")" + hash + R"(",)" + std::to_string(verbosity) + R"(],"id":1})";
  const net::HttpClient::Headers headers = {{"Authorization", s.server->authorization()}};
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto res = client.post("/", body, headers);
    if (res.result_int() != 200) state.SkipWithError("getblock failed");
    bytes += res.body().size();
    benchmark::DoNotOptimize(res);
  }
  const auto n_tx = big ? s.node.block(s.big_block)->tx_count : 1;
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["tx/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n_tx), benchmark::Counter::kIsRate);
  state.counters["reply_bytes"] = static_cast<double>(bytes / std::max<std::size_t>(1, state.iterations()));
}

}  // namespace

BENCHMARK_CAPTURE(getblock, small_verbosity0, false, 0)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(getblock, small_verbosity2, false, 2)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(getblock, tx2000_verbosity0, true, 0)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(getblock, tx2000_verbosity2, true, 2)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
