// A program built against the installed coinkit::compiled: the shipped Electrum server, whose
// code comes from the library (extern templates), run as its own main().
#include <coinkit/programs.hpp>

int main(int argc, char** argv) {
  return coinkit::run<coinkit::ElectrumServer<coinkit::BtcPolicy, coinkit::LmdbStorage>>(argc, argv);
}
