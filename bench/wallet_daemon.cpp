// Wallet daemon benchmark (a harness printing figures): the shipped btc-daemon as a process of
// its own, following coinkit's Electrum server (in this process, over a regtest node) on
// loopback; or, with `in-process`, Daemon<BtcPolicy, ElectrumWallet, InProcessSource> in this
// process on the server's index (memory is then this process's). It measures
//   - the first load of a new wallet (getbalance on a key the daemon has never seen: restore,
//     30 addresses subscribed and synchronized, stored): p50, p90, max over 200 wallets;
//   - getbalance on a loaded wallet: requests per second with 1 and 10 keep-alive clients;
//   - `wallets` wallets loaded (16 clients at a time): the time, and the daemon's memory before
//     and after (RssAnon: its heap; VmRSS adds the store's mapped pages), per wallet.
//
//   bench-wallet_daemon [wallets=10000] [seconds-per-run=3] [in-process]
#include "http_load.hpp"
#include "support/free_port.hpp"

#include <coinkit/coins/btc.hpp>
#include <coinkit/daemon/daemon.hpp>
#include <coinkit/electrum/server.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/random.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_server.hpp>
#include <coinkit/wallet/index_source.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace coinkit;
using bench::Clock;
using tcp = boost::asio::ip::tcp;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// A new regtest vpub (a BIP32 master key from a random seed, p2wpkh).
std::string fresh_vpub() {
  std::array<std::uint8_t, 32> seed;
  secure_random(seed);
  const auto& net = *find_network<BtcPolicy>(NetworkId::regtest);
  return ExtPrivKey::from_seed(seed).neuter().to_base58(net.ext_key_versions, TxinType::p2wpkh).value();
}

std::string getbalance(const std::string& xpub) {
  return R"({"jsonrpc":"2.0","id":1,"method":"getbalance","params":{"xpub":")" + xpub + "\"}}";
}
const std::string zero_balance = R"({"jsonrpc": "2.0", "result": {"confirmed": "0"}, "id": 1})";

// A blocking keep-alive client, for the sequential first loads.
class Client {
 public:
  explicit Client(tcp::endpoint ep) : stream_(io_) { stream_.connect(ep); }
  std::string post(const std::string& body) {
    http::write(stream_, bench::post(body));
    http::response<http::string_body> res;
    http::read(stream_, buffer_, res);
    return res.body();
  }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

// Loads `keys` with `clients` keep-alive clients at a time; the number that failed.
std::size_t load_all(tcp::endpoint ep, const std::vector<std::string>& keys, int clients) {
  asio::io_context io(1);
  std::size_t next = 0, failed = 0;
  for (int c = 0; c < clients; ++c)
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          beast::tcp_stream stream(co_await asio::this_coro::executor);
          co_await stream.async_connect(ep, asio::use_awaitable);
          beast::flat_buffer buffer;
          while (next < keys.size()) {
            const auto req = bench::post(getbalance(keys[next++]));
            co_await http::async_write(stream, req, asio::use_awaitable);
            http::response<http::string_body> res;
            co_await http::async_read(stream, buffer, res, asio::use_awaitable);
            if (res.body() != zero_balance) ++failed;
          }
        },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
  io.run();
  return failed;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::size_t many = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10'000;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 3.0;
  const bool in_process = argc > 3 && std::string_view(argv[3]) == "in-process";
  const auto dir = std::filesystem::temp_directory_path() / ("coinkit-bench-wallets-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  // The chain and the Electrum server (no cost limits: one daemon connection carries every
  // wallet's subscriptions).
  regtest::Node<BtcPolicy> node;
  node.generate(101);
  asio::io_context rpc_io;
  regtest::RpcServerOptions ro;
  ro.user = "user", ro.password = "pass";
  regtest::RpcServer rpc(rpc_io.get_executor(), node, ro);
  rpc.start();
  std::thread rpc_thread([&] { rpc_io.run(); });
  const std::uint16_t electrum_port = coinkit::test::free_port();
  electrum::ServerConfig c;
  c.coin = "Bitcoin";
  c.network = NetworkId::regtest;
  c.node = node::parse_daemon_url("user:pass@127.0.0.1:" + std::to_string(rpc.local_endpoint().port()), 0).value();
  c.db_directory = dir / "index";
  c.services = {{electrum::Protocol::tcp, "127.0.0.1", electrum_port}};
  c.worker_threads = 1;
  c.cost.soft_limit = c.cost.hard_limit = 0;
  c.log_level = electrum::LogLevel::warning;
  ElectrumServer<BtcPolicy, LmdbStorage> server(c);

  // The daemon: in this process on the server's index (wired before the server starts), or the
  // shipped program.
  const std::uint16_t port = coinkit::test::free_port();
  using InProcessDaemon = Daemon<BtcPolicy, ElectrumWallet, wallet::InProcessSource>;
  std::unique_ptr<InProcessDaemon> daemon;
  std::thread daemon_thread;
  if (in_process) {
    Environment env;
    env.set("BTC_NETWORK", "regtest")
        .set("BTC_PORT", std::to_string(port))
        .set("BTC_DATA_PATH", (dir / "daemon").string());
    daemon = std::make_unique<InProcessDaemon>(load_daemon_config<BtcPolicy>(env), DaemonServerOptions{},
                                               server.indexer().index(), server.indexer().node());
    server.on_chain_event(daemon->source().chain_listener());
  }
  server.start();
  while (!server.serving_clients()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (daemon) {
    daemon->start();
    daemon_thread = std::thread([&] { daemon->io_context().run(); });
  }
  const pid_t pid = in_process ? ::getpid() : ::fork();
  if (pid == 0) {
    ::setenv("BTC_NETWORK", "regtest", 1);
    ::setenv("BTC_PORT", std::to_string(port).c_str(), 1);
    ::setenv("BTC_SERVER", ("127.0.0.1:" + std::to_string(electrum_port) + ":t").c_str(), 1);
    ::setenv("BTC_DATA_PATH", (dir / "daemon").c_str(), 1);
    ::execl(COINKIT_BTC_DAEMON, COINKIT_BTC_DAEMON, static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  for (;;) {
    try {
      bench::call(ep, R"({"id":0,"method":"version","params":[]})");
      break;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::printf("%s pid %d on 127.0.0.1:%u, Electrum server on :%u; RSS %ld KiB (anon %ld KiB) with no wallet\n",
              in_process ? "in-process daemon" : "btc-daemon", static_cast<int>(pid), port, electrum_port,
              bench::rss_kib(pid), bench::proc_kib(pid, "RssAnon"));

  int status = 0;
  try {
    // First loads, one at a time.
    Client client(ep);
    std::vector<double> ms;
    std::string first;
    for (int i = 0; i < 200; ++i) {
      const std::string key = fresh_vpub();
      if (first.empty()) first = key;
      const auto t0 = Clock::now();
      const std::string reply = client.post(getbalance(key));
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (reply != zero_balance) throw std::runtime_error("first load answered " + reply);
    }
    std::sort(ms.begin(), ms.end());
    std::printf("first load of a new wallet (200, one at a time): p50 %.2f ms   p90 %.2f ms   max %.2f ms\n",
                ms[ms.size() / 2], ms[ms.size() * 9 / 10], ms.back());

    // getbalance on a loaded wallet.
    for (int clients : {1, 10}) bench::run_http(ep, clients, seconds, getbalance(first), zero_balance, "getbalance");

    // Many wallets.
    std::vector<std::string> keys(many);
    for (auto& k : keys) k = fresh_vpub();
    const long anon0 = bench::proc_kib(pid, "RssAnon"), rss0 = bench::rss_kib(pid);
    const auto t0 = Clock::now();
    const std::size_t failed = load_all(ep, keys, 16);
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    const long anon1 = bench::proc_kib(pid, "RssAnon"), rss1 = bench::rss_kib(pid);
    std::printf(
        "%zu wallets loaded in %.2f s (%.0f wallets/s, %zu failed); daemon anon %ld -> %ld KiB, RSS %ld -> %ld "
        "KiB: %.2f KiB anon per wallet\n",
        many, secs, static_cast<double>(many) / secs, failed, anon0, anon1, rss0, rss1,
        static_cast<double>(anon1 - anon0) / static_cast<double>(many));
    bench::run_http(ep, 10, seconds, getbalance(first), zero_balance, "getbalance");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench failed: %s\n", e.what());
    status = 1;
  }
  server.stop();  // first: its notifications go to the in-process daemon
  if (daemon) {
    daemon->stop();
    daemon_thread.join();
    daemon.reset();
  } else {
    ::kill(pid, SIGTERM);
    int ws = 0;
    ::waitpid(pid, &ws, 0);
  }
  rpc_io.stop();
  rpc_thread.join();
  rpc.stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return status;
}
