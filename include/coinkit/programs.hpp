// The servers coinkit ships, for a program's main(): coinkit::run, the Electrum servers of BTC,
// BCH and LTC over LMDB, the BTC, LTC and BCH wallet daemons (and the BTC daemon on its own
// index, IndexedDaemon), and the regtest node of the three. Header-only, this is
// all of them; with COINKIT_SEPARATE_COMPILATION (linking coinkit::compiled) only their declarations, their code comes
// compiled, and a main() compiles in a second:
//   int main() { return coinkit::run<coinkit::ElectrumServer<coinkit::BtcPolicy, coinkit::LmdbStorage>>(); }
// A server of another coin (or storage) includes its full header: <coinkit/electrum/server.hpp>.
#pragma once

#include <coinkit/coins/bch.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/coins/ltc.hpp>
#include <coinkit/daemon/daemon_fwd.hpp>
#include <coinkit/detail/config.hpp>
#include <coinkit/electrum/server_fwd.hpp>
#include <coinkit/program/run.hpp>
#include <coinkit/regtest/regtest_node_fwd.hpp>

#if COINKIT_HEADER_ONLY
#include <coinkit/daemon/daemon.hpp>
#include <coinkit/daemon/indexed_daemon.hpp>
#include <coinkit/electrum/server.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/regtest/regtest_node.hpp>
#else
// Compiled once in coinkit::compiled (<coinkit/src/electrum_server_*.hpp>, <coinkit/src/daemon_*.hpp>,
// <coinkit/src/regtest_node.hpp>).
COINKIT_RUN_INSTANTIATION(extern, coinkit::Daemon<coinkit::BtcPolicy>)
COINKIT_RUN_INSTANTIATION(extern, coinkit::Daemon<coinkit::LtcPolicy>)
COINKIT_RUN_INSTANTIATION(extern, coinkit::Daemon<coinkit::BchPolicy, coinkit::ElectronCashWallet>)
COINKIT_RUN_INSTANTIATION(extern, coinkit::IndexedDaemon<coinkit::BtcPolicy>)
COINKIT_RUN_INSTANTIATION(extern, coinkit::ElectrumServer<coinkit::BtcPolicy, coinkit::LmdbStorage>)
COINKIT_RUN_INSTANTIATION(extern, coinkit::ElectrumServer<coinkit::BchPolicy, coinkit::LmdbStorage>)
COINKIT_RUN_INSTANTIATION(extern, coinkit::ElectrumServer<coinkit::LtcPolicy, coinkit::LmdbStorage>)
COINKIT_RUN_INSTANTIATION(extern, coinkit::RegtestNode<coinkit::BtcPolicy, coinkit::BchPolicy, coinkit::LtcPolicy>)
#endif
