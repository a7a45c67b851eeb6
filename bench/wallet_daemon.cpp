// Wallet daemon benchmark (a harness printing figures): the shipped btc-daemon as a process of
// its own, following coinkit's Electrum server (in this process, over a regtest node) on
// loopback; or, with `in-process`, Daemon<BtcPolicy, ElectrumWallet, InProcessSource> in this
// process on the server's index (memory is then this process's). It measures
//   - the first load of a new wallet (getbalance on a key the daemon has never seen: restore,
//     30 addresses subscribed and synchronized, stored): p50, p90, max over 200 wallets;
//   - getbalance on a loaded wallet: requests per second with 1 and 10 keep-alive clients;
//   - `wallets` wallets loaded (16 clients at a time): the time, and the daemon's memory before
//     and after (RssAnon: its heap; VmRSS adds the store's mapped pages), per wallet.
// With `payments` instead, on one wallet of a fresh seed:
//   - the disk under the daemon's data: journal records (indexer::Journal, a page each, synced)
//     appended one after another for a second, as the wallet store writes a request: the most
//     requests a second that one client can have acknowledged durably, one at a time;
//   - add_request: 1,000 one after another (the first 20 on the gap limit's addresses, the rest
//     past it with `force`, each a new address; COINKIT_BENCH_REQUESTS sets how many), with the
//     daemon's CPU time per request; then 10 clients for `seconds`;
//   - get_request on one request, 1 and 10 clients;
//   - payto from the wallet holding 10,000 coins: p50, p99 over 200 payouts (signed, not sent).
// With `bch` last, the same of the shipped bch-daemon (Daemon<BchPolicy, ElectronCashWallet>:
// tpub wallets, Electron Cash's addrequest and getrequest) over coinkit's BCH server.
//
//   bench-wallet_daemon [wallets=10000] [seconds-per-run=3] [in-process | payments | -] [bch]
#include "http_load.hpp"
#include "support/free_port.hpp"

#include <coinkit/coins/bch.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/daemon/daemon.hpp>
#include <coinkit/electrum/server.hpp>
#include <coinkit/indexer/storage/journal.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/keys/electrum_seed.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/random.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_server.hpp>
#include <coinkit/wallet/index_source.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json/parse.hpp>

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

// What differs between the daemons: their keys and their request methods.
template <class Coin>
struct Flavor;
template <>
struct Flavor<BtcPolicy> {
  static constexpr const char* daemon = COINKIT_BTC_DAEMON;
  static constexpr TxinType key_type = TxinType::p2wpkh;  // vpub
  static constexpr ElectrumSeedType seed_type = ElectrumSeedType::segwit;
  static constexpr const char* add_request = "add_request";
  static constexpr const char* add_params = R"("amount":"0.001","memo":"order","expiration":0,"force":true)";
  static constexpr const char* id_key = "request_id";  // what get_request takes
  static constexpr const char* get_request = "get_request";
  static constexpr const char* get_param = "request_id";
};
template <>
struct Flavor<BchPolicy> {
  static constexpr const char* daemon = COINKIT_BCH_DAEMON;
  static constexpr TxinType key_type = TxinType::p2pkh;  // tpub
  static constexpr ElectrumSeedType seed_type = ElectrumSeedType::standard;
  static constexpr const char* add_request = "addrequest";
  static constexpr const char* add_params = R"("amount":"0.001","memo":"order","expiration":null,"force":true)";
  static constexpr const char* id_key = "address";  // Electron Cash keys a request by its address
  static constexpr const char* get_request = "getrequest";
  static constexpr const char* get_param = "key";
};

// A new regtest master public key (a BIP32 master key from a random seed).
template <class Coin>
std::string fresh_xpub() {
  std::array<std::uint8_t, 32> seed;
  secure_random(seed);
  const auto& net = *find_network<Coin>(NetworkId::regtest);
  return ExtPrivKey::from_seed(seed).neuter().to_base58(net.ext_key_versions, Flavor<Coin>::key_type).value();
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

struct Done {};

std::string call_json(const std::string& method, const std::string& xpub, const std::string& params) {
  return R"({"jsonrpc":"2.0","id":1,"method":")" + method + R"(","params":{"xpub":")" + xpub + "\"" +
         (params.empty() ? "" : "," + params) + "}}";
}

void print_latencies(const char* what, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  double total = 0;
  for (double m : ms) total += m;
  std::printf("%s (%zu, one at a time): %.0f req/s   p50 %.2f ms   p99 %.2f ms   max %.2f ms\n", what, ms.size(),
              1000.0 * static_cast<double>(ms.size()) / total, ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.back());
}

// Journal records of a request's size, appended one after another for a second in `dir`, as the
// daemon's wallet store appends them (see the top of the file).
void synced_writes(const std::filesystem::path& dir) {
  const auto path = dir / "synced-writes";
  std::vector<double> ms;
  {
    indexer::Journal journal(path, std::size_t{4} << 20);
    const Bytes record(300, 1);
    const auto end = Clock::now() + std::chrono::seconds(1);
    for (std::uint64_t seq = 1; Clock::now() < end; ++seq) {
      if (!journal.fits(record.size())) journal.restart();
      const auto t0 = Clock::now();
      if (!journal.append(seq, record)) throw std::runtime_error("cannot write " + path.string());
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
  }
  std::filesystem::remove(path);
  print_latencies("this disk: a journal record written and synced", std::move(ms));
}

// add_request, get_request and payto on one wallet of a fresh seed (see the top of the file).
template <class Coin>
void bench_payments(tcp::endpoint ep, pid_t daemon, regtest::Node<Coin>& node, double seconds) {
  using F = Flavor<Coin>;
  const std::string seed = electrum_seed::make(F::seed_type);
  Client client(ep);
  auto ok = [](const std::string& reply) { return reply.find("\"result\"") != std::string::npos; };
  if (!ok(client.post(call_json("getbalance", seed, "")))) throw std::runtime_error("the wallet did not load");

  const std::string add = call_json(F::add_request, seed, F::add_params);
  const std::string made = std::string("\"") + F::id_key + "\"";
  std::vector<double> ms;
  std::string first_id;
  const double cpu_before = bench::cpu_seconds(daemon);
  const char* count = std::getenv("COINKIT_BENCH_REQUESTS");  // more, to profile the sequential phase
  const int requests = count ? std::atoi(count) : 1000;
  for (int i = 0; i < requests; ++i) {
    const auto t0 = Clock::now();
    const std::string reply = client.post(add);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (reply.find(made) == std::string::npos) throw std::runtime_error("add_request answered " + reply);
    if (first_id.empty()) first_id = boost::json::parse(reply).at("result").at(F::id_key).as_string().c_str();
  }
  print_latencies(F::add_request, ms);
  std::printf("%s: the daemon's CPU time per request, one at a time: %.0f us\n", F::add_request,
              (bench::cpu_seconds(daemon) - cpu_before) * 1e6 / static_cast<double>(ms.size()));
  bench::run_http(ep, 10, seconds, add,
                  bench::ReplyCheck([&](const std::string& r) { return r.find(made) != std::string::npos; }),
                  F::add_request);

  const std::string get = call_json(F::get_request, seed, std::string("\"") + F::get_param + "\":\"" + first_id + "\"");
  const std::string expected = client.post(get);
  if (!ok(expected)) throw std::runtime_error("get_request answered " + expected);
  for (int clients : {1, 10}) bench::run_http(ep, clients, seconds, get, expected, F::get_request);

  // 10,000 coins: ten transactions of 1,000 outputs (a standard transaction's size allows no
  // more) paying the wallet's first 20 receiving addresses in turn.
  const boost::json::value addresses =
      boost::json::parse(client.post(call_json("listaddresses", seed, R"("receiving":true)")));
  const auto& net = *find_network<Coin>(NetworkId::regtest);
  const auto& list = addresses.at("result").as_array();
  for (int t = 0; t < 10; ++t) {
    std::vector<regtest::Payment> outputs;
    for (int i = 0; i < 1'000; ++i) {
      const std::string address(list[static_cast<std::size_t>(i) % 20].as_string());
      outputs.push_back({to_script_pubkey(address, net.address).value(), 100'000});
    }
    node.send(outputs).value();
  }
  node.generate(1);
  const std::string balance = call_json("getbalance", seed, "");
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (client.post(balance).find("\"confirmed\": \"10\"") == std::string::npos)
    if (Clock::now() > deadline)
      throw std::runtime_error("the 10,000 coins did not arrive: " + client.post(balance));
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const std::string to = to_address(p2pkh_script(PrivateKey::generate().public_key().key_id()), net.address).value();
  ms.clear();
  for (int i = 0; i < 200; ++i) {
    const auto t0 = Clock::now();
    const std::string reply = client.post(call_json("payto", seed, R"("destination":")" + to + R"(","amount":"0.5")"));
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!ok(reply)) throw std::runtime_error("payto answered " + reply);
  }
  print_latencies("payto from 10,000 coins", ms);
}

}  // namespace

template <class Coin>
int run_bench(std::size_t many, double seconds, bool in_process, bool payments);

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::size_t many = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10'000;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 3.0;
  const bool in_process = argc > 3 && std::string_view(argv[3]) == "in-process";
  const bool payments = argc > 3 && std::string_view(argv[3]) == "payments";
  const bool bch = argc > 4 && std::string_view(argv[4]) == "bch";
  if (bch && in_process) {
    std::fprintf(stderr, "in-process runs the BTC daemon only\n");
    return 2;
  }
  return bch ? run_bench<BchPolicy>(many, seconds, in_process, payments)
             : run_bench<BtcPolicy>(many, seconds, in_process, payments);
}

template <class Coin>
int run_bench(std::size_t many, double seconds, bool in_process, bool payments) {
  const auto dir = std::filesystem::temp_directory_path() / ("coinkit-bench-wallets-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string ticker(Coin::ticker);

  // The chain and the Electrum server (no cost limits: one daemon connection carries every
  // wallet's subscriptions).
  regtest::Node<Coin> node;
  node.generate(101);
  asio::io_context rpc_io;
  regtest::RpcServerOptions ro;
  ro.user = "user", ro.password = "pass";
  regtest::RpcServer rpc(rpc_io.get_executor(), node, ro);
  rpc.start();
  std::thread rpc_thread([&] { rpc_io.run(); });
  const std::uint16_t electrum_port = coinkit::test::free_port();
  electrum::ServerConfig c;
  c.coin = std::string(Coin::name);
  c.network = NetworkId::regtest;
  c.node = node::parse_daemon_url("user:pass@127.0.0.1:" + std::to_string(rpc.local_endpoint().port()), 0).value();
  c.db_directory = dir / "index";
  c.services = {{electrum::Protocol::tcp, "127.0.0.1", electrum_port}};
  c.worker_threads = 1;
  c.cost.soft_limit = c.cost.hard_limit = 0;
  c.log_level = electrum::LogLevel::warning;
  ElectrumServer<Coin, LmdbStorage> server(c);

  // The daemon: in this process on the server's index (wired before the server starts), or the
  // shipped program.
  const std::uint16_t port = coinkit::test::free_port();
  using InProcessDaemon = Daemon<BtcPolicy, ElectrumWallet, wallet::InProcessSource>;
  std::unique_ptr<InProcessDaemon> daemon;
  std::thread daemon_thread;
  if constexpr (std::is_same_v<Coin, BtcPolicy>)
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
    ::setenv((ticker + "_NETWORK").c_str(), "regtest", 1);
    ::setenv((ticker + "_PORT").c_str(), std::to_string(port).c_str(), 1);
    ::setenv((ticker + "_SERVER").c_str(), ("127.0.0.1:" + std::to_string(electrum_port) + ":t").c_str(), 1);
    ::setenv((ticker + "_DATA_PATH").c_str(), (dir / "daemon").c_str(), 1);
    ::execl(Flavor<Coin>::daemon, Flavor<Coin>::daemon, static_cast<char*>(nullptr));
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
              in_process ? "in-process daemon" : Flavor<Coin>::daemon, static_cast<int>(pid), port, electrum_port,
              bench::rss_kib(pid), bench::proc_kib(pid, "RssAnon"));

  int status = 0;
  try {
    if (payments) {
      synced_writes(dir);
      bench_payments(ep, pid, node, seconds);
      throw Done{};
    }
    // First loads, one at a time.
    Client client(ep);
    std::vector<double> ms;
    std::string first;
    for (int i = 0; i < 200; ++i) {
      const std::string key = fresh_xpub<Coin>();
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
    for (auto& k : keys) k = fresh_xpub<Coin>();
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
  } catch (const Done&) {
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
