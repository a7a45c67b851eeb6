// run_server<Coin>(): the main() of an Electrum server program: reads ElectrumX's environment
// variables, prints usage for -h/--help, serves until SIGINT, SIGTERM or LocalRPC "stop"; a bad
// variable, a port in use or an index of another coin is printed and exits non-zero.
#pragma once

#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/electrum/config.hpp>
#include <coinkit/electrum/server.hpp>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>

namespace coinkit::electrum {

inline std::string server_usage(std::string_view program) {
  return "usage: " + std::string(program) +
         "\n\nAn Electrum protocol server (1.4 to 1.6), configured by environment variables as ElectrumX is:\n"
         "  DAEMON_URL       the node's JSON-RPC: http://user:password@host:port (required)\n"
         "  DB_DIRECTORY     where the index lives (required)\n"
         "  COIN, NET        the coin and its network (mainnet, testnet, regtest, signet)\n"
         "  SERVICES         listeners: tcp://:50001,ssl://:50002,ws://:50003,wss://:50004,rpc://\n"
         "  SSL_CERTFILE, SSL_KEYFILE   PEM files for ssl:// and wss://\n"
         "  MAX_SESSIONS, MAX_SEND, MAX_RECV, COST_SOFT_LIMIT, COST_HARD_LIMIT, SESSION_TIMEOUT, ...\n"
         "docs/electrum-server.md describes every variable.\n";
}

template <CoinPolicy Coin, indexer::Storage S = indexer::LmdbStorage>
int run_server(int argc, char** argv, const EnvLookup& env = process_environment()) {
  const std::string program = argc > 0 && argv && argv[0] ? argv[0] : "electrum-server";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << server_usage(program);
      return 0;
    }
    std::cerr << program << ": unexpected argument '" << arg << "' (configuration is read from the environment)\n\n"
              << server_usage(program);
    return 2;
  }
  auto config = load_server_config<Coin>(env);
  if (!config) {
    std::cerr << program << ": " << config.error().message() << '\n';
    return 1;
  }
  if (::geteuid() == 0 && !config->allow_root) {
    std::cerr << program << ": refusing to run as root (set ALLOW_ROOT to allow it)\n";
    return 1;
  }
  // SIGINT and SIGTERM are taken by one thread with sigwait: blocked here, before any other
  // thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  try {
    ElectrumServer<Coin, S> server(*config);
    server.start();
    std::thread watcher([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      if (sig == SIGINT || sig == SIGTERM) server.request_stop();
    });
    const auto failure = server.wait();
    server.stop();
    pthread_kill(watcher.native_handle(), SIGTERM);  // wakes sigwait if no signal came
    watcher.join();
    if (failure) {
      std::cerr << program << ": " << *failure << '\n';
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << '\n';
    return 1;
  }
}

}  // namespace coinkit::electrum
