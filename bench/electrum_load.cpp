// The Electrum server under load: examples/electrum_server (the real program, in a process of
// its own so its memory is measured alone) indexes a chain served by BlockFeeder, then
//   1. idle sessions: the server's resident memory per session;
//   2. N concurrent sessions (10 to 2,000) keep requests in flight: get_history, get_balance and
//      listunspent in turn, each over a script hash drawn at random from every script the chain
//      paid: requests/s, p50/p99 latency (from the request's write to its reply);
//   3. 10,000 script hashes subscribed (1,000 sessions x 10), then a block that pays each of
//      them: the time from the new header's notification to the last of the 10,000.
// The load generator runs on one thread of this process; the server has the machine's cores.
//
//   bench-electrum_load [--tx N] [--sessions 10,100,1000,2000] [--inflight 4] [--seconds 5]
//                       [--subscriptions 10000] [--record FILE] [--server-env NAME=VALUE]...
//
// The chain: the regtest genesis block, then N transactions (default 1,000,000) in blocks of
// 1,664, each spending one or two outputs and paying two, half of them to a script paid before.
// The process exits 1 if any reply is an error or a notification goes missing.
#include "support/block_feeder.hpp"
#include "support/free_port.hpp"
#include "support/synthetic_chain.hpp"
#include "support/temp_dir.hpp"

#include <coinkit/chain/script.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/regtest/chain_params.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <random>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace coinkit;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

// --- the chain ---------------------------------------------------------------------------------

constexpr auto p2wpkh = &test::SyntheticChain::p2wpkh;  // distinct scripts, no keys

struct Chain {
  test::SyntheticChain blocks;
  std::uint32_t scripts = 0;   // p2wpkh(0 .. scripts-1) are all paid
  std::vector<OutPoint> live;  // unspent outputs, for the blocks added later
};

Chain make_chain(std::uint64_t transactions, std::uint64_t seed) {
  test::SyntheticChain c;
  const Block genesis = regtest::chain_params<BtcPolicy>().genesis;
  c.blocks.push_back(genesis.serialize());
  c.tip = genesis.hash();
  std::mt19937_64 rng(seed);
  std::vector<OutPoint> live;
  std::uint32_t scripts = 0;
  auto pay_to = [&] { return rng() % 2 && scripts > 0 ? p2wpkh(std::uint32_t(rng() % scripts)) : p2wpkh(scripts++); };
  std::uint64_t made = 1;
  for (int h = 1; made < transactions; ++h) {
    std::vector<Transaction> txs{test::SyntheticChain::coinbase(h, {{5'000'000'000, p2wpkh(scripts++)}})};
    live.push_back({txs.front().txid(), 0});
    for (int i = 1; i < 1'664 && made + txs.size() < transactions; ++i) {
      std::vector<OutPoint> spent;
      for (int k = 0; k < 1 + int(rng() % 2) && !live.empty(); ++k) {
        const std::size_t at = rng() % live.size();
        spent.push_back(live[at]);
        live[at] = live.back();
        live.pop_back();
      }
      txs.push_back(test::SyntheticChain::spend(spent, {{100'000, pay_to()}, {50'000, pay_to()}}));
      live.push_back({txs.back().txid(), 0});
      live.push_back({txs.back().txid(), 1});
    }
    made += txs.size();
    c.add(std::move(txs));
  }
  return {std::move(c), scripts, std::move(live)};
}

// A block on top of `chain` paying each script of `paid` once (100 outputs per transaction).
const Bytes& block_paying(Chain& chain, const std::vector<std::uint32_t>& paid) {
  std::vector<Transaction> txs{test::SyntheticChain::coinbase(chain.blocks.height() + 1, {{5'000'000'000, p2wpkh(0)}})};
  for (std::size_t i = 0; i < paid.size(); i += 100) {
    std::vector<TxOut> outs;
    for (std::size_t k = i; k < std::min(paid.size(), i + 100); ++k) outs.push_back({1'000, p2wpkh(paid[k])});
    txs.push_back(test::SyntheticChain::spend({chain.live.back()}, std::move(outs)));
    chain.live.pop_back();
  }
  chain.blocks.add(std::move(txs));
  return chain.blocks.blocks.back();
}

// --- the server process -----------------------------------------------------------------------

double rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("VmRSS:")) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  return 0;
}

// CPU seconds (user + system) the process has used.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
  std::string f;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i)  // fields 14 and 15: utime, stime in clock ticks
    if (i == 14)
      utime = std::stoull(f);
    else if (i == 15)
      stime = std::stoull(f);
  return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}
// CPU seconds of the calling thread: the load generator's.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

class ServerProcess {
 public:
  ServerProcess(const std::vector<std::string>& env, const std::filesystem::path& log) {
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      std::vector<char*> envp;
      for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
      envp.push_back(nullptr);
      if (std::FILE* f = std::freopen(log.c_str(), "w", stderr)) (void)f;
      char* argv[] = {const_cast<char*>(COINKIT_ELECTRUM_SERVER), nullptr};
      execve(COINKIT_ELECTRUM_SERVER, argv, envp.data());
      _exit(127);
    }
  }
  ~ServerProcess() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  pid_t pid() const noexcept { return pid_; }
  bool running() const {
    int status = 0;
    return waitpid(pid_, &status, WNOHANG) == 0;
  }

 private:
  pid_t pid_;
};

// --- the load generator -----------------------------------------------------------------------

// What every session reports to, on the generator's one thread.
struct Tally {
  bool measuring = false;
  std::uint64_t replies = 0, errors = 0, notifications = 0, connect_failures = 0;
  std::vector<std::uint32_t> latency_us;
  Clock::time_point first_header{}, last_notification{};  // of the fan-out
};

// One Electrum session: server.version first, then, by mode, requests kept in flight, headers
// and a list of script hashes subscribed, or nothing (idle).
class Session : public std::enable_shared_from_this<Session> {
 public:
  enum class Mode { load, idle, subscribe };

  Session(asio::io_context& io, Tally& tally, Mode mode, std::span<const ScriptHash> scripts, std::uint64_t seed)
      : socket_(io), tally_(tally), mode_(mode), scripts_(scripts), rng_(seed) {}

  void start(const tcp::endpoint& at, int inflight, std::vector<std::uint32_t> subscriptions = {}) {
    inflight_ = inflight;
    subscriptions_ = std::move(subscriptions);
    socket_.async_connect(at, [self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return void(++self->tally_.connect_failures);
      self->socket_.set_option(tcp::no_delay(true));
      self->send(0, R"("server.version","params":["bench","1.4"])");
      self->flush();
      self->read();
    });
  }
  bool ready() const noexcept { return ready_; }
  std::size_t subscribed() const noexcept { return subscribed_; }
  void stop() {
    stopped_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  static constexpr const char* methods[] = {"blockchain.scripthash.get_history", "blockchain.scripthash.get_balance",
                                            "blockchain.scripthash.listunspent"};

  void send(std::uint64_t id, std::string_view method_and_params) {
    out_ += R"({"jsonrpc":"2.0","id":)";
    out_ += std::to_string(id);
    out_ += R"(,"method":)";
    out_ += method_and_params;
    out_ += "}\n";
    sent_[id % sent_.size()] = Clock::now();
  }
  void send_query() {
    const std::uint64_t id = ++next_id_;
    std::string call = "\"";
    call += methods[id % 3];
    call += R"(","params":[")";
    call += scripts_[rng_() % scripts_.size()].to_hex();
    call += "\"]";
    send(id, call);
  }
  void subscribe(std::uint32_t script) {
    std::string call = R"("blockchain.scripthash.subscribe","params":[")";
    call += scripts_[script].to_hex();
    call += "\"]";
    send(++next_id_, call);
  }
  void flush() {
    if (writing_ || out_.empty() || stopped_) return;
    writing_ = true;
    std::swap(out_, wire_);
    out_.clear();
    asio::async_write(socket_, asio::buffer(wire_), [self = shared_from_this()](boost::system::error_code ec, auto) {
      self->writing_ = false;
      self->wire_.clear();
      if (!ec) self->flush();
    });
  }
  // Reads what has arrived, answers every complete line, then writes the new requests in one
  // go: the client spends as little of the shared cores as it can.
  void read() {
    socket_.async_read_some(in_.prepare(64 << 10),
                            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                              if (ec || self->stopped_) return;
                              self->in_.commit(n);
                              const auto data = self->in_.data();  // one contiguous buffer
                              const std::string_view all(static_cast<const char*>(data.data()), data.size());
                              std::size_t start = 0;
                              for (std::size_t nl; (nl = all.find('\n', start)) != all.npos; start = nl + 1)
                                self->on_line(all.substr(start, nl + 1 - start));
                              self->in_.consume(start);
                              self->flush();
                              self->read();
                            });
  }
  void on_line(std::string_view line) {
    // The server writes as ElectrumX does ("key": value); no result of these methods holds
    // the words "method", "id" or "error" in quotes.
    if (line.find(R"("method")") != line.npos) {
      // The server sends the new header before it computes any status: its arrival marks the
      // moment the block was indexed and published.
      if (line.find("blockchain.headers.subscribe") != line.npos) {
        if (tally_.first_header == Clock::time_point{}) tally_.first_header = Clock::now();
      } else {
        ++tally_.notifications;
        tally_.last_notification = Clock::now();
      }
      return;
    }
    auto at = line.rfind(R"("id")");
    std::uint64_t id = 0;
    if (at != line.npos) at = line.find_first_not_of(": ", at + 4);
    if (at == line.npos || std::from_chars(line.data() + at, line.data() + line.size(), id).ec != std::errc())
      return void(++tally_.errors);
    if (line.find(R"("error")") != line.npos) ++tally_.errors;
    if (id == 0) {  // server.version
      ready_ = mode_ == Mode::idle;
      if (mode_ == Mode::load)
        for (int i = 0; i < inflight_; ++i) send_query();
      if (mode_ == Mode::subscribe) send(++next_id_, R"("blockchain.headers.subscribe","params":[])");
      for (auto s : subscriptions_) subscribe(s);
      return;
    }
    if (mode_ == Mode::subscribe) {
      ready_ = ++subscribed_ == subscriptions_.size() + 1;  // the headers too
      return;
    }
    ready_ = true;
    ++tally_.replies;
    if (tally_.measuring)
      tally_.latency_us.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent_[id % sent_.size()]).count()));
    send_query();
  }

  tcp::socket socket_;
  Tally& tally_;
  Mode mode_;
  std::span<const ScriptHash> scripts_;
  std::mt19937_64 rng_;
  int inflight_ = 0;
  std::vector<std::uint32_t> subscriptions_;
  std::size_t subscribed_ = 0;
  asio::streambuf in_;
  std::string out_, wire_;
  bool writing_ = false, ready_ = false, stopped_ = false;
  std::uint64_t next_id_ = 0;
  std::array<Clock::time_point, 64> sent_{};
};

class LoadGenerator {
 public:
  // Script hashes of p2wpkh(0 .. scripts-1), computed once rather than one SHA-256 a request.
  LoadGenerator(tcp::endpoint server, std::uint32_t scripts) : server_(server) {
    scripts_.reserve(scripts);
    for (std::uint32_t i = 0; i < scripts; ++i) scripts_.push_back(electrum_scripthash(p2wpkh(i)));
  }

  Tally& tally() noexcept { return tally_; }

  // Opens `n` sessions (100 connects at a time) and runs until each is ready.
  void open(std::size_t n, Session::Mode mode, int inflight,
            const std::function<std::vector<std::uint32_t>(std::size_t)>& subscriptions = {}) {
    for (std::size_t i = 0; i < n; ++i) {
      auto s = std::make_shared<Session>(io_, tally_, mode, scripts_, 1'000 + sessions_.size());
      s->start(server_, inflight, subscriptions ? subscriptions(i) : std::vector<std::uint32_t>{});
      sessions_.push_back(s);
      if (i % 100 == 99) run_until([&] { return ready_count() + tally_.connect_failures >= i + 1; }, 60s);
    }
    if (!run_until([&] { return ready_count() + tally_.connect_failures >= sessions_.size(); }, 120s))
      throw std::runtime_error("sessions did not get ready in 2 minutes");
    if (tally_.connect_failures) throw std::runtime_error(std::to_string(tally_.connect_failures) + " connects failed");
  }
  void close_all() {
    for (auto& s : sessions_) s->stop();
    run_for(200ms);
    sessions_.clear();
  }
  void run_for(std::chrono::milliseconds d) {
    io_.restart();
    io_.run_for(d);
  }
  template <class F>
  bool run_until(F&& done, std::chrono::milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    while (!done()) {
      if (Clock::now() >= until) return false;
      run_for(5ms);
    }
    return true;
  }

 private:
  std::size_t ready_count() const {
    return static_cast<std::size_t>(
        std::count_if(sessions_.begin(), sessions_.end(), [](const auto& s) { return s->ready(); }));
  }

  asio::io_context io_{1};
  tcp::endpoint server_;
  std::vector<ScriptHash> scripts_;
  Tally tally_;
  std::vector<std::shared_ptr<Session>> sessions_;
};

std::uint32_t percentile(std::vector<std::uint32_t>& v, double p) {
  if (v.empty()) return 0;
  const std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(p * double(v.size())));
  std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
  return v[k];
}

struct Args {
  std::uint64_t transactions = 1'000'000;
  std::vector<std::size_t> sessions{10, 100, 1'000, 2'000};
  int inflight = 4;
  int seconds = 5;
  std::size_t subscriptions = 10'000;
  std::string record;
  std::vector<std::string> server_env;  // NAME=VALUE added to the server's environment
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--tx")
      a.transactions = std::stoull(next());
    else if (arg == "--sessions") {
      a.sessions.clear();
      std::stringstream list(next());
      for (std::string n; std::getline(list, n, ',');) a.sessions.push_back(std::stoul(n));
    } else if (arg == "--inflight")
      a.inflight = std::stoi(next());
    else if (arg == "--seconds")
      a.seconds = std::stoi(next());
    else if (arg == "--subscriptions")
      a.subscriptions = std::stoul(next());
    else if (arg == "--record")
      a.record = next();
    else if (arg == "--server-env")
      a.server_env.push_back(next());
    else
      throw std::invalid_argument("unknown argument " + arg);
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) try {
  const Args a = parse_args(argc, argv);
  const auto t0 = Clock::now();
  Chain chain = make_chain(a.transactions, 7);
  std::printf("chain: %zu blocks, %llu transactions, %u scripts (%.1f s to make)\n", chain.blocks.blocks.size(),
              static_cast<unsigned long long>(a.transactions), chain.scripts,
              std::chrono::duration<double>(Clock::now() - t0).count());

  test::BlockFeederOptions fo;
  fo.port = test::free_port();
  test::BlockFeeder feeder(chain.blocks.blocks, fo);
  feeder.start();
  test::TempDir dir("coinkit-electrum-load");
  const std::uint16_t port = test::free_port();
  std::vector<std::string> env{"COIN=Bitcoin",
                               "NET=regtest",
                               "DAEMON_URL=http://bench:bench@127.0.0.1:" + std::to_string(feeder.port()),
                               "DB_DIRECTORY=" + (dir.path / "db").string(),
                               "SERVICES=tcp://127.0.0.1:" + std::to_string(port),
                               "MAX_SESSIONS=10000",
                               "COST_SOFT_LIMIT=0",
                               "COST_HARD_LIMIT=0",
                               "DAEMON_POLL_INTERVAL_BLOCKS=20",
                               "DAEMON_POLL_INTERVAL_MEMPOOL=1000",
                               "LOG_LEVEL=warning",
                               "ALLOW_ROOT=1"};
  env.insert(env.end(), a.server_env.begin(), a.server_env.end());
  ServerProcess server(env, dir.path / "server.log");

  // Clients are served once the index has caught up.
  const auto sync_start = Clock::now();
  const tcp::endpoint at(asio::ip::make_address_v4("127.0.0.1"), port);
  for (;;) {
    if (!server.running()) throw std::runtime_error("the server exited; see its log");
    asio::io_context io;
    tcp::socket probe(io);
    boost::system::error_code ec;
    probe.connect(at, ec);
    if (!ec) break;
    std::this_thread::sleep_for(50ms);
  }
  const double sync_s = std::chrono::duration<double>(Clock::now() - sync_start).count();
  std::printf("server: indexed and serving after %.1f s (%.0f tx/s); RSS %.0f MiB\n", sync_s,
              double(a.transactions) / sync_s, rss_mib(server.pid()));

  LoadGenerator gen(at, chain.scripts);
  Tally& t = gen.tally();
  std::ostringstream record;
  record << "{\"transactions\":" << a.transactions << ",\"inflight\":" << a.inflight << ",\"load\":[";

  // 1. Memory per idle session, on the server as it starts serving.
  const double rss0 = rss_mib(server.pid());
  const std::size_t idle = std::max<std::size_t>(2'000, a.sessions.back());
  gen.open(idle, Session::Mode::idle, 0);
  gen.run_for(1s);
  const double rss1 = rss_mib(server.pid());
  const double kib_per_session = (rss1 - rss0) * 1024.0 / double(idle);
  std::printf("idle sessions: %zu, server RSS %.1f -> %.1f MiB: %.2f KiB per session\n", idle, rss0, rss1,
              kib_per_session);
  gen.close_all();

  // 2. Requests kept in flight by N sessions.
  std::printf("\n%8s %12s %10s %10s %10s %12s %12s\n", "sessions", "req/s", "p50 ms", "p99 ms", "errors", "server CPU",
              "client CPU");
  bool first = true;
  for (std::size_t n : a.sessions) {
    gen.open(n, Session::Mode::load, a.inflight);
    gen.run_for(1s);  // warm up
    t.latency_us.clear();
    const std::uint64_t before = t.replies;
    t.measuring = true;
    const auto m0 = Clock::now();
    const double server0 = cpu_seconds(server.pid()), client0 = thread_cpu_seconds();
    gen.run_for(std::chrono::seconds(a.seconds));
    const double secs = std::chrono::duration<double>(Clock::now() - m0).count();
    const double server_cores = (cpu_seconds(server.pid()) - server0) / secs,
                 client_cores = (thread_cpu_seconds() - client0) / secs;
    t.measuring = false;
    const double rate = double(t.replies - before) / secs;
    const double p50 = percentile(t.latency_us, 0.50) / 1000.0, p99 = percentile(t.latency_us, 0.99) / 1000.0;
    std::printf("%8zu %12.0f %10.2f %10.2f %10llu %7.2f cores %7.2f cores\n", n, rate, p50, p99,
                static_cast<unsigned long long>(t.errors), server_cores, client_cores);
    record << (first ? "" : ",") << "{\"sessions\":" << n << ",\"req_per_s\":" << rate << ",\"p50_ms\":" << p50
           << ",\"p99_ms\":" << p99 << ",\"server_cores\":" << server_cores << ",\"client_cores\":" << client_cores
           << "}";
    first = false;
    gen.close_all();
  }

  // 3. Fan-out: subscriptions over 1,000 sessions, then one block that pays every one of them.
  std::vector<std::uint32_t> scripts(chain.scripts);
  for (std::uint32_t i = 0; i < chain.scripts; ++i) scripts[i] = i;
  std::shuffle(scripts.begin(), scripts.end(), std::mt19937_64(11));
  scripts.resize(std::min<std::size_t>(a.subscriptions, scripts.size()));
  const std::size_t subscribers = 1'000, per = (scripts.size() + subscribers - 1) / subscribers;
  gen.open(subscribers, Session::Mode::subscribe, 0, [&](std::size_t i) {
    const std::size_t from = std::min(scripts.size(), i * per), to = std::min(scripts.size(), from + per);
    return std::vector<std::uint32_t>(scripts.begin() + std::ptrdiff_t(from), scripts.begin() + std::ptrdiff_t(to));
  });
  t.notifications = 0;
  const Bytes block = block_paying(chain, scripts);
  const auto added = Clock::now();
  feeder.add_block(block);
  const bool all = gen.run_until([&] { return t.notifications >= scripts.size(); }, 30s);
  gen.run_for(200ms);  // any duplicate would arrive now
  const Clock::time_point served{Clock::duration(feeder.tip_served_ns())};
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  const double fanout = ms(t.last_notification - t.first_header), since_served = ms(t.last_notification - served),
               since_added = ms(t.last_notification - added);
  std::printf(
      "\nfan-out: %llu notifications for %zu subscriptions, the last %.1f ms after the new header arrived\n"
      "  (%.1f ms after the server fetched the block, indexing it included; %.1f ms after the node had it, "
      "with a 20 ms poll)\n",
      static_cast<unsigned long long>(t.notifications), scripts.size(), fanout, since_served, since_added);
  record << "],\"idle_kib_per_session\":" << kib_per_session << ",\"fanout_ms\":" << fanout
         << ",\"fanout_from_fetch_ms\":" << since_served << ",\"fanout_from_node_ms\":" << since_added << "}\n";
  gen.close_all();
  if (!a.record.empty()) std::ofstream(a.record, std::ios::app) << record.str();

  if (!all || t.notifications != scripts.size() || t.errors) {
    std::printf("FAILED: %llu errors; %llu notifications for %zu subscriptions\n",
                static_cast<unsigned long long>(t.errors), static_cast<unsigned long long>(t.notifications),
                scripts.size());
    return 1;
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench-electrum_load: %s\n", e.what());
  return 1;
}
