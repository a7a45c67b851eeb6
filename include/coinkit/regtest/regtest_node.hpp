// RegtestNode<Coins...>: the regtest node as a program, with bitcoind's flag names (-datadir=,
// -rpcport=, -rpcuser=, -rest, ...), so Electrum servers and scripts written for bitcoind use it
// as is. -coin= picks one of Coins (the first by default); -mineinterval=N mines every N s.
//   int main() { return coinkit::run<coinkit::RegtestNode<coinkit::BtcPolicy, coinkit::BchPolicy>>(); }
#pragma once

#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/config/config_error.hpp>
#include <coinkit/config/environment.hpp>
#include <coinkit/config/error.hpp>
#include <coinkit/config/reader.hpp>
#include <coinkit/program/arguments.hpp>
#include <coinkit/regtest/chain_params.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/regtest_node_fwd.hpp>
#include <coinkit/regtest/rpc_server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace coinkit::regtest {

struct RegtestNodeOptions {
  ChainParams params;
  std::filesystem::path datadir;  // the chain and the cookie under <datadir>/regtest
  RpcServerOptions rpc;
  unsigned mine_interval = 0;  // seconds; 0: never
};

template <CoinPolicy... Coins>
class RegtestNode {
  static_assert(sizeof...(Coins) > 0, "RegtestNode needs at least one coin");

 public:
  using Options = RegtestNodeOptions;

  static std::string usage(std::string_view program) {
    std::string coins;
    for (std::string_view t : tickers()) coins += (coins.empty() ? "" : "|") + lower(t);
    return "usage: " + std::string(program) +
           " [options]\n"
           "  -datadir=<dir>       chain and cookie under <dir>/regtest (default: $HOME/.coinkit-regtest)\n"
           "  -rpcbind=<addr>      address to listen on (default: 127.0.0.1)\n"
           "  -rpcport=<port>      JSON-RPC port (default: the coin's regtest RPC port; 0: any free port)\n"
           "  -rpcuser=<user>      user name for JSON-RPC\n"
           "  -rpcpassword=<pw>    password for JSON-RPC; without it a cookie file is written\n"
           "  -rest                serve bitcoind's REST interface too\n"
           "  -chain=regtest, -regtest   the only chain this node runs\n"
           "  -coin=" +
           coins + "    the coin (default: " + lower(tickers()[0]) +
           ")\n"
           "  -mineinterval=<s>    mine a block every <s> seconds (default: 0, never)\n"
           "  -help                this text\n";
  }

  // bitcoind's syntax: -name=value or -name (also with two dashes); -noname negates a boolean.
  static Options configure(const Arguments& args, const Environment& env) {
    Options o;
    if (auto home = env.get("HOME")) o.datadir = std::filesystem::path(*home) / ".coinkit-regtest";
    std::string coin = lower(tickers()[0]), bind = "127.0.0.1";
    std::optional<std::uint16_t> port;
    for (const std::string& arg : args.values) {
      std::string_view a = arg;
      if (a.size() < 2 || a[0] != '-') reject(config::error::unexpected_argument, arg, "", "an option -name=value");
      a.remove_prefix(a[1] == '-' ? 2 : 1);
      const auto eq = a.find('=');
      const std::string name = "-" + std::string(a.substr(0, eq));
      const std::optional<std::string> value =
          eq == std::string_view::npos ? std::nullopt : std::optional<std::string>(a.substr(eq + 1));
      const auto need = [&]() -> const std::string& {
        if (!value) reject(config::error::unexpected_argument, name, "", name + "=<value>");
        return *value;
      };
      const auto number = [&](std::uint64_t max) {
        auto n = config::parse_uint(need(), max);
        if (!n) reject(n.error(), name, *value, "an integer from 0 to " + std::to_string(max));
        return *n;
      };
      if (name == "-datadir") {
        o.datadir = need();
      } else if (name == "-rpcbind") {
        bind = need();
      } else if (name == "-rpcport") {
        port = static_cast<std::uint16_t>(number(65535));
      } else if (name == "-rpcuser") {
        o.rpc.user = need();
      } else if (name == "-rpcpassword") {
        o.rpc.password = need();
      } else if (name == "-rest") {
        o.rpc.rest = !value || *value == "1";
      } else if (name == "-norest") {
        o.rpc.rest = false;
      } else if (name == "-regtest") {
        if (value && *value != "1") reject(config::error::unexpected_argument, name, *value, "1: only regtest");
      } else if (name == "-chain") {
        if (need() != "regtest") reject(config::error::unexpected_argument, name, *value, "regtest, the only chain");
      } else if (name == "-coin") {
        coin = need();
      } else if (name == "-mineinterval") {
        o.mine_interval = static_cast<unsigned>(number(86400));
      } else {
        reject(config::error::unexpected_argument, name, value.value_or(""), "an option of -help");
      }
    }
    if (o.datadir.empty()) reject(config::error::missing_variable, "-datadir", "", "a directory (no $HOME either)");
    if (!params_of(coin, o.params)) {
      std::string names;
      for (std::string_view t : tickers()) names += (names.empty() ? "" : ", ") + lower(t);
      reject(config::error::unexpected_argument, "-coin", coin, "one of " + names);
    }
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(bind, ec);
    if (ec) reject(config::error::unexpected_argument, "-rpcbind", bind, "an IP address");
    o.rpc.endpoint = {address, port.value_or(o.params.network->ports.rpc)};
    o.rpc.datadir = o.datadir;
    return o;
  }

  explicit RegtestNode(Options options)
      : options_(std::move(options)),
        node_(options_.params, node_options(options_)),
        server_(io_.get_executor(), node_, options_.rpc),
        miner_(io_) {}

  // Binds the RPC server (and writes the cookie), then prints where it listens.
  void start() {
    server_.start();
    server_.on_stop([this] { request_stop(); });  // the `stop` RPC
    schedule_mining();
    std::cout << "coinkit regtest node (" << options_.params.coin_name << "), height " << node_.height() << "\n"
              << "RPC URL: " << server_.url() << "\n";
    if (!server_.cookie_file().empty()) std::cout << "cookie file: " << server_.cookie_file().string() << "\n";
    if (options_.rpc.rest) std::cout << "REST: " << server_.url() << "rest/\n";
    std::cout << std::flush;
  }

  std::optional<std::string> wait() {
    io_.run();
    std::cout << "stopped at height " << node_.height() << std::endl;
    return std::nullopt;
  }

  void request_stop() {
    boost::asio::post(io_, [this] {
      if (stopping_) return;
      stopping_ = true;
      server_.stop();
      miner_.cancel();
      io_.stop();
    });
  }
  void stop() { request_stop(); }

  BasicNode& node() noexcept { return node_; }
  RpcServer& rpc() noexcept { return server_; }

 private:
  static constexpr std::array<std::string_view, sizeof...(Coins)> tickers() { return {Coins::ticker...}; }
  static std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
  }

  // The coin whose ticker is `name`, case-insensitively.
  static bool params_of(std::string_view name, ChainParams& out) {
    bool found = false;
    auto same = [&](std::string_view t) {
      if (t.size() != name.size()) return false;
      for (std::size_t i = 0; i < t.size(); ++i)
        if ((t[i] | 0x20) != (name[i] | 0x20)) return false;
      return true;
    };
    ((!found && same(Coins::ticker) ? (out = chain_params<Coins>(), found = true) : false), ...);
    return found;
  }

  [[noreturn]] static void reject(error_code code, std::string variable, std::string value, std::string expected) {
    throw ConfigException(ConfigError{code, std::move(variable), std::move(value), std::move(expected)});
  }

  static BasicNode::Options node_options(const Options& o) {
    BasicNode::Options n;
    n.datadir = o.datadir / "regtest";
    std::filesystem::create_directories(n.datadir);
    return n;
  }

  void schedule_mining() {
    if (options_.mine_interval == 0) return;
    miner_.expires_after(std::chrono::seconds(options_.mine_interval));
    miner_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_) return;
      const auto mined = node_.generate(1);
      std::cout << "mined block " << node_.height() << " " << mined.at(0) << std::endl;
      schedule_mining();
    });
  }

  Options options_;
  BasicNode node_;
  boost::asio::io_context io_{1};
  RpcServer server_;
  boost::asio::steady_timer miner_;
  bool stopping_ = false;
};

}  // namespace coinkit::regtest
