// A coin the library has never seen, defined here alone: a Dogecoin-like policy (scrypt proof of
// work, Dogecoin's own regtest genesis block, D-addresses, no segwit) mines on the regtest node,
// is indexed and is served by the Electrum server. No line of include/ names it.
#include <coinkit/electrum/server.hpp>

#include "clients.hpp"
#include "support/eventually.hpp"

#include <coinkit/coins/btc.hpp>
#include <coinkit/core/scrypt.hpp>
#include <coinkit/indexer/storage/memory_storage.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_server.hpp>

#include <boost/test/unit_test.hpp>

#include <thread>

using namespace coinkit;
using namespace coinkit::test;

namespace {

// Dogecoin's regtest: chainparams.cpp's CRegTestParams (genesis "Nintondo", 88 DOGE, nonce 2),
// with mainnet's address prefixes so its addresses cannot be mistaken for Bitcoin's.
inline constexpr ExtKeyVersion doge_ext_keys[] = {{TxinType::p2pkh, 0x02facafd, 0x02fac398}};

struct DogePolicy : BtcPolicy {
  static constexpr std::string_view name = "Dogecoin", ticker = "DOGE";
  static constexpr bool segwit = false;
  static constexpr std::uint16_t daemon_port = 5010;
  static Hash256 pow_hash(ByteSpan header) { return scrypt_1024_1_1(header); }
  static constexpr GenesisParams regtest_genesis = {
      .message = "Nintondo",
      .output_pubkey =
          "040184710fa689ad5023690c80f3a49c8f13f8d45b8c857fbcbc8bc4a8e4d3eb4b10f4d4604fa08dce601aaf0f"
          "470216fe1b51850b4acf21b179c45070ac7b03a9",
      .time = 1296688602,
      .nonce = 2,
      .reward = 88'00000000};
  static constexpr std::array<Network, 1> networks = {{{
      NetworkId::regtest,
      BlockHash::from_hex("3d2160a3b5dc4a9d62e7e66a295f70313ac808440ef7400d6c0772171ce973a5"),
      0xdab5bffa,
      {.p2pkh_prefix = 0x1e, .p2sh_prefix = 0x16},
      0x9e,
      doge_ext_keys,
      {18444, 18332, 50001, 50002},
      1,
  }}};
};
static_assert(CoinPolicy<DogePolicy>);

// A header meets regtest's target 0x207fffff when its top bit (of the big-endian number) is 0.
bool meets_regtest_target(const Hash256& pow) { return (pow[31] & 0x80) == 0; }

}  // namespace

BOOST_AUTO_TEST_SUITE(new_coin)

BOOST_AUTO_TEST_CASE(a_dogecoin_policy_mines_indexes_and_serves) {
  // The regtest node builds the genesis block from the policy: Dogecoin Core's own hash.
  regtest::Node<DogePolicy> node;
  BOOST_TEST(node.block_hash(0).value() == DogePolicy::networks[0].genesis_hash);
  node.generate(101);
  const std::string address = node.get_new_address().value();
  BOOST_TEST(address.front() == 'D');  // p2pkh: no segwit, the policy's prefix
  const Txid paid = node.send_to_address(address, 12'345'678).value();
  node.generate(1);
  // Every block's proof of work is scrypt's, the policy's hash (not the block hash).
  std::size_t scrypt_only = 0;
  for (int h = 1; h <= node.height(); ++h) {
    const Bytes header = node.block(node.block_hash(h).value()).value().header.serialize();
    BOOST_TEST(meets_regtest_target(DogePolicy::pow_hash(header)));
    scrypt_only += !meets_regtest_target(sha256d(header));
  }
  BOOST_TEST(scrypt_only > 0u);  // some blocks fail a SHA-256d target: the policy's hash was used

  // The node behind bitcoind's RPC, the Electrum server of this coin in front of it.
  asio::io_context io;
  regtest::RpcServerOptions ro;
  ro.user = "user", ro.password = "pass";
  regtest::RpcServer rpc(io.get_executor(), node, ro);
  rpc.start();
  std::thread rpc_thread([&] { io.run(); });
  TempDir db;
  electrum::ServerConfig c;
  c.coin = "Dogecoin";
  c.network = NetworkId::regtest;
  c.node = node::parse_daemon_url("user:pass@127.0.0.1:" + std::to_string(rpc.local_endpoint().port()), 0).value();
  c.db_directory = db.path;
  c.services = {{Protocol::tcp, "127.0.0.1", 0}, {Protocol::rpc, "127.0.0.1", 0}};
  c.worker_threads = 1;
  c.daemon_poll_interval_blocks = std::chrono::milliseconds(50);
  c.log_level = electrum::LogLevel::warning;
  {
    ElectrumServer<DogePolicy, MemoryStorage> server(c);
    server.start();
    BOOST_TEST_REQUIRE(eventually([&] { return server.serving_clients(); }));
    struct {
      decltype(server)& s;
      unsigned short port(Protocol p) const { return s.endpoint(p).value().port(); }
    } at{server};
    ElectrumClient client(at);
    client.version();
    const json::value tip = client.call("blockchain.headers.subscribe");
    BOOST_TEST(tip.at("height") == json::value(102));
    BOOST_TEST(tip.at("hex") == json::value(to_hex(node.block(node.tip()).value().header.serialize())));
    BOOST_TEST(client.call("server.features").at("genesis_hash") ==
               json::value("3d2160a3b5dc4a9d62e7e66a295f70313ac808440ef7400d6c0772171ce973a5"));
    const Bytes script = to_script_pubkey(address, DogePolicy::networks[0].address).value();
    const std::string sh = electrum_scripthash(script).to_hex();
    BOOST_TEST(client.call("blockchain.scripthash.get_balance", {sh}).at("confirmed") == json::value(12'345'678));
    const json::value history = client.call("blockchain.scripthash.get_history", {sh});
    BOOST_TEST_REQUIRE(history.as_array().size() == 1u);
    BOOST_TEST(history.at(0).at("tx_hash") == json::value(paid.to_hex()));
    BOOST_TEST(history.at(0).at("height") == json::value(102));
    // A block mined now reaches the client as a notification.
    client.call("blockchain.headers.subscribe");
    node.generate(1);
    auto header = client.notification("blockchain.headers.subscribe");
    BOOST_TEST_REQUIRE(header.has_value());
    BOOST_TEST(header->at("params").at(0).at("height") == json::value(103));
    server.stop();
  }
  io.stop();  // the RPC server stops on its own thread's terms: after that thread is done
  rpc_thread.join();
  rpc.stop();
}

BOOST_AUTO_TEST_SUITE_END()
