// A BTC regtest indexer over LMDB, run as its own process by the crash-safety test (which kills
// it at random instants): indexer-child <db_dir> <node_port> <cache_mb>. Exits 0 once caught up.
#include <coinkit/coins/btc.hpp>
#include <coinkit/indexer/indexer.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  using namespace coinkit;
  if (argc != 4) return std::fprintf(stderr, "usage: indexer-child DB_DIR PORT CACHE_MB\n"), 2;
  indexer::IndexerOptions o;
  o.db_dir = argv[1];
  o.network = NetworkId::regtest;
  o.node.port = static_cast<std::uint16_t>(std::atoi(argv[2]));
  o.node.user = "user";
  o.node.password = "pass";
  o.cache_mb = static_cast<std::size_t>(std::atoi(argv[3]));
  o.mempool = false;
  o.log = [](const std::string&) {};
  indexer::Indexer<BtcPolicy, indexer::LmdbStorage> ix(o);
  ix.start();
  while (!ix.wait_caught_up(std::chrono::seconds(60)))
    if (ix.failure()) return std::fprintf(stderr, "indexer-child: %s\n", ix.failure()->c_str()), 1;
  std::printf("%d\n", ix.index().height());
  return 0;
}
