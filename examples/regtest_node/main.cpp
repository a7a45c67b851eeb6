// regtest-node: an embedded regtest node serving bitcoind's JSON-RPC (and REST with -rest), with
// bitcoind's own flag names, so Electrum servers and scripts written for bitcoind use it as is.
// The chain persists under -datadir; -mineinterval=N mines a block every N seconds.
#include <coinkit/coins/bch.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/coins/ltc.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/rpc_server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <charconv>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

using namespace coinkit;

namespace {

constexpr const char* usage_text =
    "usage: regtest-node [options]\n"
    "  -datadir=<dir>       chain and cookie under <dir>/regtest (default: $HOME/.coinkit-regtest)\n"
    "  -rpcbind=<addr>      address to listen on (default: 127.0.0.1)\n"
    "  -rpcport=<port>      JSON-RPC port (default: the coin's regtest RPC port; 0: any free port)\n"
    "  -rpcuser=<user>      user name for JSON-RPC\n"
    "  -rpcpassword=<pw>    password for JSON-RPC; without it a cookie file is written\n"
    "  -rest                serve bitcoind's REST interface too\n"
    "  -chain=regtest, -regtest   the only chain this node runs\n"
    "  -coin=btc|bch|ltc    the coin (default: btc)\n"
    "  -mineinterval=<s>    mine a block every <s> seconds (default: 0, never)\n"
    "  -help                this text\n";

struct Config {
  std::filesystem::path datadir;
  std::string rpcbind = "127.0.0.1";
  std::optional<unsigned> rpcport;
  std::string rpcuser, rpcpassword;
  bool rest = false;
  std::string coin = "btc";
  unsigned mine_interval = 0;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "regtest-node: " << message << "\n" << usage_text;
  std::exit(2);
}

unsigned parse_unsigned(std::string_view name, std::string_view value, unsigned max) {
  unsigned v = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc{} || ptr != value.data() + value.size() || v > max)
    usage_error("invalid value for -" + std::string(name) + ": '" + std::string(value) + "'");
  return v;
}

// bitcoind's syntax: -name=value or -name (also with two dashes); -noname negates a boolean.
Config parse_args(int argc, char** argv) {
  Config c;
  if (const char* home = std::getenv("HOME")) c.datadir = std::filesystem::path(home) / ".coinkit-regtest";
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.size() < 2 || a[0] != '-') usage_error("unexpected argument '" + std::string(a) + "'");
    a.remove_prefix(a[1] == '-' ? 2 : 1);
    const auto eq = a.find('=');
    const std::string_view name = a.substr(0, eq);
    const std::optional<std::string_view> value =
        eq == std::string_view::npos ? std::nullopt : std::optional<std::string_view>(a.substr(eq + 1));
    const auto need = [&]() -> std::string_view {
      if (!value) usage_error("-" + std::string(name) + " needs a value");
      return *value;
    };
    if (name == "help" || name == "h" || name == "?") {
      std::cout << usage_text;
      std::exit(0);
    } else if (name == "datadir") {
      c.datadir = std::string(need());
    } else if (name == "rpcbind") {
      c.rpcbind = std::string(need());
    } else if (name == "rpcport") {
      c.rpcport = parse_unsigned(name, need(), 65535);
    } else if (name == "rpcuser") {
      c.rpcuser = std::string(need());
    } else if (name == "rpcpassword") {
      c.rpcpassword = std::string(need());
    } else if (name == "rest") {
      c.rest = !value || *value == "1";
    } else if (name == "norest") {
      c.rest = false;
    } else if (name == "regtest") {
      if (value && *value != "1") usage_error("only -regtest is supported");
    } else if (name == "chain") {
      if (need() != "regtest") usage_error("this node runs -chain=regtest only, not '" + std::string(*value) + "'");
    } else if (name == "coin") {
      c.coin = std::string(need());
      if (c.coin != "btc" && c.coin != "bch" && c.coin != "ltc") usage_error("unknown -coin '" + c.coin + "'");
    } else if (name == "mineinterval") {
      c.mine_interval = parse_unsigned(name, need(), 86400);
    } else {
      usage_error("unknown option -" + std::string(name));
    }
  }
  if (c.datadir.empty()) usage_error("no -datadir given and no $HOME");
  return c;
}

template <CoinPolicy Coin>
regtest::ChainParams params_of() {
  return regtest::chain_params<Coin>();
}

}  // namespace

int main(int argc, char** argv) {
  const Config config = parse_args(argc, argv);
  try {
    const regtest::ChainParams params = config.coin == "bch"   ? params_of<BchPolicy>()
                                        : config.coin == "ltc" ? params_of<LtcPolicy>()
                                                               : params_of<BtcPolicy>();
    regtest::BasicNode::Options node_options;
    node_options.datadir = config.datadir / "regtest";
    std::filesystem::create_directories(node_options.datadir);
    regtest::BasicNode node(params, node_options);

    boost::asio::io_context io;
    regtest::RpcServerOptions rpc;
    rpc.endpoint = {boost::asio::ip::make_address(config.rpcbind),
                    static_cast<unsigned short>(config.rpcport.value_or(params.network->ports.rpc))};
    rpc.user = config.rpcuser;
    rpc.password = config.rpcpassword;
    rpc.datadir = config.datadir;
    rpc.rest = config.rest;
    regtest::RpcServer server(io.get_executor(), node, rpc);
    server.start();

    boost::asio::steady_timer miner(io);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    bool stopping = false;
    const auto shutdown = [&] {
      if (stopping) return;
      stopping = true;
      server.stop();
      miner.cancel();
      signals.cancel();
      io.stop();
    };
    server.on_stop(shutdown);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
      if (!ec) shutdown();
    });
    std::function<void()> schedule_mining = [&] {
      if (config.mine_interval == 0) return;
      miner.expires_after(std::chrono::seconds(config.mine_interval));
      miner.async_wait([&](const boost::system::error_code& ec) {
        if (ec || stopping) return;
        const auto mined = node.generate(1);
        std::cout << "mined block " << node.height() << " " << mined.at(0) << std::endl;
        schedule_mining();
      });
    };
    schedule_mining();

    std::cout << "coinkit regtest node (" << params.coin_name << "), height " << node.height() << "\n"
              << "RPC URL: " << server.url() << "\n";
    if (!server.cookie_file().empty()) std::cout << "cookie file: " << server.cookie_file().string() << "\n";
    if (config.rest) std::cout << "REST: " << server.url() << "rest/\n";
    std::cout << std::flush;
    io.run();
    std::cout << "stopped at height " << node.height() << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "regtest-node: " << e.what() << "\n";
    return 1;
  }
}
