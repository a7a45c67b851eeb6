// The protocol specification's own vectors: the status example (protocol-basics.rst) and the
// cp_height example on Bitcoin's first blocks (protocol-methods.rst).
#include <coinkit/electrum/electrum_service.hpp>

#include "clients.hpp"

#include <coinkit/chain/merkle.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/electrum/server_core.hpp>
#include <coinkit/indexer/block_processor.hpp>
#include <coinkit/indexer/index.hpp>
#include <coinkit/indexer/prepared_block.hpp>
#include <coinkit/indexer/storage/memory_storage.hpp>
#include <coinkit/node/node_client.hpp>

#include <support/block_files.hpp>
#include <support/data.hpp>

#include <boost/test/unit_test.hpp>

using namespace coinkit;
using namespace coinkit::test;
using indexer::HistoryItem;

namespace {

// protocol-basics.rst "Status Example": scripthash f04bf26f...112d on regtest, three confirmed
// transactions (2472, 2473 twice) and three in the mempool.
const char* spec_scripthash = "f04bf26fc16a27abaa2f10540da7a24e369e6ec408f2d901202a7c0cd4a6112d";
const char* spec_status = "78e96c6562cafa71c115503b9411fdfdc595a45031e2ab76ff75162fe1b0590d";

std::vector<HistoryItem> spec_history() {
  auto item = [](const char* txid, int height, std::int64_t fee) {
    return HistoryItem{Txid::from_hex(txid), height, fee};
  };
  return {item("a6c9c361bd0bc536d6a22648efbf8f9b200e425ef6c3a7a9669dc444c532a347", 2472, 0),
          item("9c42f84b2fcdaff676ba25d9d4941741cc0d1a01cce0c23fdc4c0b2afa38431c", 2473, 0),
          item("770f2d4371b3fabb902dd9a103e2dd005fcd3971181078fca4a2a1d6ff127b30", 2473, 0),
          item("80b19848aed792565ab7c5a79b7c2a00fbf985741579396ebe0ab6098e607311", 0, 200),
          item("e02a1dadfa83b996b24175df807b271ea5d02937ef5b35c195fac1e1bdc3198f", 0, 300),
          item("bb4c8ab438c13b89ca80d1d5bee25b0b6b7f55673f4d801998ba97db161d9e85", -1, 200)};
}

// The spec's transactions exist on a chain we do not have: this stand-in answers the Index
// queries the server makes with the spec's history for its script (and nothing for others),
// so the example runs through the server and the wire as a client would see it.
struct SpecIndex {
  struct NoMempool {
    indexer::FeeHistogram fee_histogram() const { return {}; }
  };
  int height() const { return 2473; }
  std::optional<Bytes> header(int) const { return std::nullopt; }
  Bytes headers(int, int) const { return {}; }
  std::size_t header_size() const { return 80; }
  std::optional<indexer::MerkleProof> header_proof(int, int) const { return std::nullopt; }
  static bool mine(const ScriptHash& sh) { return sh == ScriptHash::from_hex(spec_scripthash); }
  result<std::vector<HistoryItem>> history(const ScriptHash& sh, std::size_t = SIZE_MAX) const {
    return mine(sh) ? spec_history() : std::vector<HistoryItem>{};
  }
  std::vector<HistoryItem> mempool_history(const ScriptHash& sh) const {
    std::vector<HistoryItem> out;
    for (const auto& h : *history(sh))
      if (h.height <= 0) out.push_back(h);
    return out;
  }
  indexer::Balance balance(const ScriptHash&) const { return {}; }
  result<std::vector<indexer::UnspentItem>> unspent(const ScriptHash&, std::size_t = SIZE_MAX) const {
    return std::vector<indexer::UnspentItem>{};
  }
  std::optional<indexer::MerkleProof> transaction_proof(const Txid&, int) const { return std::nullopt; }
  std::optional<std::pair<Txid, indexer::MerkleProof>> transaction_at(int, std::size_t) const { return std::nullopt; }
  const NoMempool& mempool() const { return mempool_; }
  static std::optional<Hash256> status_of(const std::vector<HistoryItem>& h) {
    return indexer::Index<indexer::MemoryStorage>::status_of(h);
  }
  NoMempool mempool_;
};

// A server on 127.0.0.1 over any index (no node behind it: these tests never ask one).
template <class Index>
struct Server {
  Server(Index& index, const Network& network) {
    config.services = {{Protocol::tcp, "127.0.0.1", 0}};
    config.worker_threads = 1;
    config.log_level = electrum::LogLevel::warning;
    service = std::make_unique<electrum::ElectrumService<Index, node::NodeClient>>(index, nowhere, config, network);
    core = std::make_unique<electrum::ServerCore>(config, *service, log, rpc);
    core->start();
    core->serve_clients();
  }
  unsigned short port(Protocol p) const { return core->endpoint(p).value().port(); }

  electrum::ServerConfig config;
  electrum::Log log{electrum::LogLevel::warning};
  node::NodeClient nowhere{node::NodeOptions{}};
  NullRpc rpc;
  std::unique_ptr<electrum::ElectrumService<Index, node::NodeClient>> service;
  std::unique_ptr<electrum::ServerCore> core;
};

// The first 4,313 mainnet blocks (Bitcoin Core's blk00000.dat), indexed.
struct MainnetIndex {
  indexer::MemoryStorage storage{indexer::StorageOptions{}, indexer::tables};
  indexer::Mempool mempool;
  indexer::Index<indexer::MemoryStorage> index{storage, mempool};
  std::vector<BlockHash> hashes;
  MainnetIndex() {
    const Network& main = *find_network<BtcPolicy>(NetworkId::mainnet);
    indexer::BlockProcessor<indexer::MemoryStorage> p(index, {main.genesis_hash, std::size_t{1} << 30, 200});
    p.open().value();
    const auto blocks = split_framed(read_bytes("blocks/mainnet/jeffchan_blk00000_blocks0-4312.dat"));
    for (std::size_t h = 0; h < blocks.size(); ++h) {
      auto b = indexer::prepare_block(blocks[h], static_cast<int>(h), tx_with_witness).value();
      hashes.push_back(b.hash);
      p.apply(b, false).value();
    }
    p.flush(true).value();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(status)

BOOST_AUTO_TEST_CASE(the_spec_status_example) {
  const auto status = indexer::Index<indexer::MemoryStorage>::status_of(spec_history());
  BOOST_TEST_REQUIRE(status.has_value());
  BOOST_TEST(to_hex(status->span()) == spec_status);  // the digest's bytes as they are: not reversed
  BOOST_TEST(!indexer::Index<indexer::MemoryStorage>::status_of({}).has_value());
}

BOOST_AUTO_TEST_CASE(the_spec_status_example_over_the_wire) {
  SpecIndex index;
  Server<SpecIndex> server(index, *find_network<BtcPolicy>(NetworkId::regtest));
  ProtocolClient c(server);
  c.version("1.6");
  BOOST_TEST(c.call("blockchain.scripthash.subscribe", {spec_scripthash}) == json::value(spec_status));
  const json::array history = c.call("blockchain.scripthash.get_history", {spec_scripthash}).as_array();
  BOOST_TEST_REQUIRE(history.size() == 6u);
  BOOST_TEST(history[0] ==
             (json::object{{"tx_hash", "a6c9c361bd0bc536d6a22648efbf8f9b200e425ef6c3a7a9669dc444c532a347"},
                           {"height", 2472}}));
  BOOST_TEST(history[3] ==
             (json::object{{"tx_hash", "80b19848aed792565ab7c5a79b7c2a00fbf985741579396ebe0ab6098e607311"},
                           {"height", 0},
                           {"fee", 200}}));
  BOOST_TEST(history[5].at("height") == json::value(-1));
  const json::array mempool = c.call("blockchain.scripthash.get_mempool", {spec_scripthash}).as_array();
  BOOST_TEST(mempool.size() == 3u);
  BOOST_TEST(mempool[2].at("tx_hash") ==
             json::value("bb4c8ab438c13b89ca80d1d5bee25b0b6b7f55673f4d801998ba97db161d9e85"));
}

BOOST_AUTO_TEST_CASE(the_spec_checkpoint_example_on_mainnet_blocks) {
  MainnetIndex m;
  BOOST_TEST_REQUIRE(m.hashes.size() == 4313u);
  Server<indexer::Index<indexer::MemoryStorage>> server(m.index, *find_network<BtcPolicy>(NetworkId::mainnet));
  ProtocolClient c(server);
  c.version("1.4");
  const json::value examples = read_json("electrum_protocol/electrum_protocol_method_examples.json").at("methods");
  const json::array& header_examples = examples.at("blockchain.block.header").as_array();
  BOOST_TEST(c.call("blockchain.block.header", {5}) == header_examples[0].at("json"));
  BOOST_TEST(c.call("blockchain.block.header", {5, 8}) == header_examples[1].at("json"));  // root e347b1c4...25db

  ProtocolClient c16(server);
  c16.version("1.6");
  const json::value two = c16.call("blockchain.block.headers", {0, 2});
  BOOST_TEST(two == examples.at("blockchain.block.headers").at(0).at("json"));

  // A larger checkpoint, checked against a root computed here from the blocks themselves.
  const std::string root = compute_merkle_root(m.hashes).root.to_hex();
  for (int height : {0, 1000, 2047, 2048, 4311, 4312}) {
    const json::value proof = c.call("blockchain.block.header", {height, 4312});
    BOOST_TEST(proof.at("root") == json::value(root));
    Hash256 h = Hash256::from(m.hashes[static_cast<std::size_t>(height)]);
    std::size_t pos = static_cast<std::size_t>(height);
    for (const auto& s : proof.at("branch").as_array()) {
      const Hash256 sibling = Hash256::from_hex(s.as_string());
      h = (pos & 1) ? chain::detail::hash_pair(sibling, h) : chain::detail::hash_pair(h, sibling);
      pos >>= 1;
    }
    BOOST_TEST(h.to_hex() == root);
  }
}

BOOST_AUTO_TEST_SUITE_END()
