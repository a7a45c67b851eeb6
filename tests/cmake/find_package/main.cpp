// A program built against the installed coinkit package: hashes the genesis header.
#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>

#include <iostream>

int main() {
  const auto header = coinkit::from_hex(
      "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81b"
      "c3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c");
  const auto hash = coinkit::sha256d(header).to_hex();
  std::cout << hash << '\n';
  return hash == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f" ? 0 : 1;
}
