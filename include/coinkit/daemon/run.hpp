// coinkit::run<D>(): the main() of a wallet daemon program: reads the environment, prints usage
// for -h/--help, starts the daemon and serves until SIGINT/SIGTERM; a start-up error (a bad
// COIN_ variable, a missing spec, a port in use) is printed and exits non-zero.
#pragma once

#include <coinkit/coins/network.hpp>
#include <coinkit/daemon/environment.hpp>

#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>

namespace coinkit {

namespace daemon::detail {

// What the program reads, for --help (docs/daemon.md has the full reference).
inline std::string usage(std::string_view program, std::string_view coin, unsigned short port) {
  const std::string p(coin);
  std::string s = "usage: " + std::string(program) +
                  "\n\nA wallet daemon speaking Bitcart's daemon API (JSON-RPC on POST /, events on GET /ws,"
                  "\nerror spec on GET /spec). It is configured by environment variables:\n\n";
  const std::pair<std::string, std::string> vars[] = {
      {"_HOST", "bind address (127.0.0.1; 0.0.0.0 when IN_DOCKER is set)"},
      {"_PORT", "bind port (" + std::to_string(port) + "; 0 picks a free port)"},
      {"_LOGIN", "HTTP Basic auth user (electrum)"},
      {"_PASSWORD", "HTTP Basic auth password (electrumz)"},
      {"_DATA_PATH", "data directory (none)"},
      {"_DEBUG", "verbose logging: true/false (false)"},
      {"_NETWORK", "mainnet, testnet, regtest, ... (mainnet)"},
      {"_POLLING_CAP", "events kept per wallet for get_updates (100)"},
      {"_SERVER", "Electrum server host:port:s|t (automatic)"},
      {"_ONESERVER", "use only that server: true/false (false)"},
      {"_PROXY_URL", "socks5://[user:password@]host:port (none)"},
      {"_EXPERIMENTAL_NOSYNC", "answer before wallets are synced: true/false (false)"},
  };
  for (const auto& [name, what] : vars) {
    std::string line = "  " + p + name;
    line.resize(std::max<std::size_t>(line.size() + 1, 28), ' ');
    s += line + what + "\n";
  }
  s += "  COINKIT_SPEC_DIR          directory of base.json and <coin>.json (built-in)\n";
  return s;
}

}  // namespace daemon::detail

// D: a BaseDaemon<D> descendant with `using Coin = ...` and a constructor from Environment.
template <class D>
requires requires { typename D::daemon_tag; }
int run(int argc = 0, char** argv = nullptr, const Environment& env = Environment::process()) {
  const std::string program = argc > 0 && argv && argv[0] ? argv[0] : "daemon";
  const std::string usage = daemon::detail::usage(program, D::Coin::ticker, D::Coin::daemon_port);
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << usage;
      return 0;
    }
    std::cerr << program << ": unexpected argument '" << arg << "' (configuration is read from the environment)\n\n"
              << usage;
    return 2;
  }
  try {
    D daemon(env);
    daemon.start();
    std::cerr << program << ": " << daemon.config().coin << " daemon listening on " << daemon.local_endpoint() << " ("
              << to_string(daemon.config().network) << ")\n";
    daemon.serve();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << '\n';
    return 1;
  }
}

}  // namespace coinkit
