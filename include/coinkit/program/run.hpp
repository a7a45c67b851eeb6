// coinkit::run<S>(): the main() of every coinkit program (wallet daemons, Electrum servers, the
// regtest node): --help, configuration errors, SIGINT/SIGTERM and faults handled in one place.
#pragma once

#include <coinkit/config/config_error.hpp>
#include <coinkit/config/environment.hpp>
#include <coinkit/config/error.hpp>
#include <coinkit/program/arguments.hpp>
#include <coinkit/program/program.hpp>

#include <pthread.h>
#include <signal.h>

#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

namespace coinkit {

// Exit codes: 0 after a clean stop or --help; 1 for a configuration the program refuses, a
// start-up failure or a fault that stopped it; 2 for a stray argument (after the usage).
// (S is checked inside, not in the declaration, so that a main() can name a server it only
// declares: with COINKIT_SEPARATE_COMPILATION the shipped servers come compiled.)
template <class S>
int run(const Arguments& args, const Environment& env = Environment::process()) {
  static_assert(Program<S>, "coinkit::run<S>: S must model coinkit::Program");
  const std::string& program = args.program;
  if (args.asks_for_help()) {
    std::cout << S::usage(program);
    return 0;
  }
  // SIGINT and SIGTERM are taken by one thread with sigwait: blocked here, before the server
  // starts any thread, so every thread inherits the mask.
  sigset_t signals, previous;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, &previous);
  int status = 0;
  try {
    S server(S::configure(args, env));
    server.start();
    std::thread watcher([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      server.request_stop();
    });
    const std::optional<std::string> failure = server.wait();
    server.stop();
    pthread_kill(watcher.native_handle(), SIGTERM);  // wakes sigwait when no signal came
    watcher.join();
    if (failure) {
      std::cerr << program << ": " << *failure << '\n';
      status = 1;
    }
  } catch (const ConfigException& e) {
    std::cerr << program << ": " << e.what() << '\n';
    if (e.code() == config::error::unexpected_argument) {
      std::cerr << '\n' << S::usage(program);
      status = 2;
    } else {
      status = 1;
    }
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << '\n';
    status = 1;
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return status;
}

template <class S>
int run(int argc, char** argv, const Environment& env = Environment::process()) {
  return run<S>(Arguments::of(argc, argv), env);
}

// The process's own command line: `int main() { return coinkit::run<...>(); }`.
template <class S>
int run() {
  return run<S>(Arguments::of_process());
}

}  // namespace coinkit

// Instantiates coinkit::run of a program type once, for a library that ships the program
// compiled (`COINKIT_RUN_INSTANTIATION(, S)`, see <coinkit/src/>), or declares that instance
// `extern` for the programs that link it (`COINKIT_RUN_INSTANTIATION(extern, S)`).
#define COINKIT_RUN_INSTANTIATION(linkage, ...)                                                           \
  linkage template int coinkit::run<__VA_ARGS__>(const coinkit::Arguments&, const coinkit::Environment&); \
  linkage template int coinkit::run<__VA_ARGS__>(int, char**, const coinkit::Environment&);               \
  linkage template int coinkit::run<__VA_ARGS__>();
