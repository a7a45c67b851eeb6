// Tests program/run.hpp: coinkit::run drives any Program: --help, stray arguments, configuration
// errors, a signal that stops it, and a fault that stops it.
#include <coinkit/program/run.hpp>

#include <coinkit/config/reader.hpp>

#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <string>

using namespace coinkit;

namespace {

// What each run did, for the checks.
struct Trace {
  int started = 0, waited = 0, stop_requests = 0, stopped = 0;
  std::string seen_value;
};
Trace trace;

// A program whose wait() raises a signal (or fails) as a real server would meet one.
struct ToyServer {
  struct Options {
    std::string value;
    bool fail = false;
  };
  static std::string usage(std::string_view program) { return "usage: " + std::string(program) + " (TOY_VALUE)\n"; }
  static Options configure(const Arguments& args, const Environment& env) {
    reject_arguments(args);
    ConfigReader r(env, {.prefix = "TOY_", .empty_means_unset = false});
    Options o{r.string("VALUE"), r.boolean("FAIL")};
    if (r.string("VALUE") == "refuse") throw std::runtime_error("refusing to start");
    return r.finish(std::move(o)).value();
  }
  explicit ToyServer(Options o) : options(std::move(o)) { trace.seen_value = options.value; }
  void start() { ++trace.started; }
  std::optional<std::string> wait() {
    ++trace.waited;
    if (options.fail) return "the toy failed";
    ::kill(::getpid(), SIGTERM);  // blocked here: the run's watcher thread takes it
    while (!stop_requested) ::usleep(1000);
    return std::nullopt;
  }
  void request_stop() {
    ++trace.stop_requests;
    stop_requested = true;
  }
  void stop() { ++trace.stopped; }

  Options options;
  std::atomic<bool> stop_requested{false};
};
static_assert(Program<ToyServer>);

}  // namespace

BOOST_AUTO_TEST_SUITE(program_run)

BOOST_AUTO_TEST_CASE(a_signal_stops_the_program) {
  trace = {};
  BOOST_TEST(run<ToyServer>(Arguments{"toy", {}}, Environment{{"TOY_VALUE", "x"}}) == 0);
  BOOST_TEST(trace.seen_value == "x");
  BOOST_TEST(trace.started == 1);
  BOOST_TEST(trace.waited == 1);
  BOOST_TEST(trace.stop_requests >= 1);
  BOOST_TEST(trace.stopped == 1);
}

BOOST_AUTO_TEST_CASE(help_and_stray_arguments) {
  trace = {};
  BOOST_TEST(run<ToyServer>(Arguments{"toy", {"--help"}}, Environment{}) == 0);
  BOOST_TEST(run<ToyServer>(Arguments{"toy", {"-h"}}, Environment{}) == 0);
  BOOST_TEST(run<ToyServer>(Arguments{"toy", {"extra"}}, Environment{}) == 2);
  BOOST_TEST(trace.started == 0);
}

BOOST_AUTO_TEST_CASE(refusals_and_faults_exit_1) {
  trace = {};
  BOOST_TEST(run<ToyServer>(Arguments{"toy", {}}, Environment{{"TOY_FAIL", "perhaps"}}) == 1);  // ConfigException
  BOOST_TEST(run<ToyServer>(Arguments{"toy", {}}, Environment{{"TOY_VALUE", "refuse"}}) == 1);  // a refusal
  BOOST_TEST(trace.started == 0);
  BOOST_TEST(run<ToyServer>(Arguments{"toy", {}}, Environment{{"TOY_FAIL", "1"}}) == 1);  // wait()'s fault
  BOOST_TEST(trace.started == 1);
  BOOST_TEST(trace.stopped == 1);
}

BOOST_AUTO_TEST_CASE(arguments_of_the_process) {
  const Arguments a = Arguments::of_process();
  BOOST_TEST(a.program.find("unit-program") != std::string::npos);
  char p[] = "prog", h[] = "-?";
  char* argv[] = {p, h};
  const Arguments b = Arguments::of(2, argv);
  BOOST_TEST(b.program == "prog");
  BOOST_TEST(b.asks_for_help());
}

BOOST_AUTO_TEST_SUITE_END()
