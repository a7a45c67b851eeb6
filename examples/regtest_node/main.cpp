// regtest-node: an embedded regtest node serving bitcoind's JSON-RPC (and REST with -rest), with
// bitcoind's own flag names, so Electrum servers and scripts written for bitcoind use it as is.
// The chain persists under -datadir; -coin=btc|bch|ltc picks the coin; -mineinterval=N mines a
// block every N seconds. `regtest-node -help` lists every flag.
#include <coinkit/programs.hpp>

int main() { return coinkit::run<coinkit::RegtestNode<coinkit::BtcPolicy, coinkit::BchPolicy, coinkit::LtcPolicy>>(); }
