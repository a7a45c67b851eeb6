// config-reference: writes docs/configuration.md from the tables of variables that sit beside
// the code reading them (electrum::server_variables, daemon_variables, ...), so the reference
// cannot drift from the programs. `config-reference --check FILE` exits 1 when FILE differs.
//   build/tests/config-reference > docs/configuration.md
#include <coinkit/config/variable.hpp>
#include <coinkit/daemon/config.hpp>
#include <coinkit/electrum/config.hpp>

#include <fstream>
#include <iostream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>

namespace {

using coinkit::config::Variable;

std::string reference() {
  std::ostringstream out;
  out << R"(# Configuration reference

Every environment variable coinkit's programs read. This file is generated from the tables that
sit beside the code reading each variable (`electrum::server_variables` in
`include/coinkit/electrum/config.hpp`, `daemon_variables` in `include/coinkit/daemon/config.hpp`)
by `tests/support/config_reference.cpp`: ctest fails when it differs from what that program
prints, and when a program reads a variable the tables lack. To change it, change a table and run
`build/tests/config-reference > docs/configuration.md`.

A value the program cannot use stops it at start-up with a message naming the variable, its value
and what it accepts, e.g. `MAX_SEND=lots: not a decimal integer (an integer from 1 to 4294967296)`.

## Electrum servers

`electrum-server`, `electrum-server-bch`, `electrum-server-ltc` (and the server inside
`btc-indexed-daemon`) read ElectrumX's names, so an ElectrumX environment mostly works as is.
Behaviour, protocol and LocalRPC: [electrum-server.md](electrum-server.md); running one for months:
[operator-guide.md](operator-guide.md).
)";
  std::string_view group;
  for (const Variable& v : coinkit::electrum::server_variables) {
    if (v.group != group) {
      group = v.group;
      out << "\n### " << group << "\n\n| Variable | Default | Meaning |\n|---|---|---|\n";
    }
    out << "| `" << v.name << "` | " << v.fallback << " | " << v.meaning << " |\n";
  }
  out << R"(
Booleans are off for unset, empty, `0`, `false`, `no`, `off` (any case), on otherwise. An empty
value is the same as unset.

Obsolete ElectrumX variables are a start-up error when set, as in ElectrumX:)";
  const auto& obsolete = coinkit::electrum::obsolete_variables;
  for (std::size_t i = 0; i < std::size(obsolete); ++i) out << (i ? ", " : " ") << "`" << obsolete[i] << "`";
  out << R"(.

## Wallet daemons

`btc-daemon`, `ltc-daemon`, `bch-daemon` (and the daemon inside `btc-indexed-daemon`) read
Bitcart's names, each with the coin's ticker as its prefix: `BTC_PORT`, `LTC_PORT`, `BCH_PORT`
(`COIN_` below). The HTTP side: [daemon.md](daemon.md); the methods: [wallet.md](wallet.md) and
[merchant-guide.md](merchant-guide.md).

| Variable | Default | Meaning |
|---|---|---|
)";
  for (const Variable& v : coinkit::daemon_variables)
    out << "| `COIN_" << v.name << "` | " << v.fallback << " | " << v.meaning << " |\n";
  for (const Variable& v : coinkit::daemon_unprefixed_variables)
    out << "| `" << v.name << "` (no prefix) | " << v.fallback << " | " << v.meaning << " |\n";
  out << R"(
Booleans are cast as python-decouple casts them: `true`, `yes`, `on`, `1` and `false`, `no`,
`off`, `0` in any case; the empty string is false; anything else is refused. Integers are
stricter than Python's `int()`: no sign, spaces or underscores. Bitcart variables these daemons
do not read: `COIN_FIAT_CURRENCY` (exchange rates live in the merchant API) and the
`COIN_LIGHTNING*` family (no Lightning).

## Every program

| Variable | Default | Meaning |
|---|---|---|
| `COINKIT_SHA256` | the fastest the CPU has | `generic` forces the portable SHA-256 (tests compare the two; `core/sha256.hpp` reads it once). |
)";
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string text = reference();
  if (argc == 3 && std::string_view(argv[1]) == "--check") {
    std::ifstream in(argv[2]);
    std::stringstream on_disk;
    on_disk << in.rdbuf();
    if (on_disk.str() == text) return 0;
    std::cerr << argv[2] << " is not what the code's tables say: regenerate it with\n  " << argv[0] << " > " << argv[2]
              << "\n";
    return 1;
  }
  if (argc != 1) {
    std::cerr << "usage: config-reference [--check FILE]\n";
    return 2;
  }
  std::cout << text;
  return 0;
}
