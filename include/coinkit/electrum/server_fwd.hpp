// Declarations of the Electrum server's types, for a program that only names them (with
// COINKIT_SEPARATE_COMPILATION, coinkit::run of the shipped servers comes compiled).
#pragma once

#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/indexer/flat_cache.hpp>

namespace coinkit::indexer {
class LmdbStorage;
class MemoryStorage;
}  // namespace coinkit::indexer

namespace coinkit::electrum {
template <CoinPolicy Coin, class S = indexer::LmdbStorage, class Cache = indexer::FlatCache>
class Server;
}  // namespace coinkit::electrum

namespace coinkit {
// The mission's names: coinkit::ElectrumServer<coinkit::BtcPolicy, coinkit::LmdbStorage>.
template <CoinPolicy Coin, class S = indexer::LmdbStorage, class Cache = indexer::FlatCache>
using ElectrumServer = electrum::Server<Coin, S, Cache>;
using indexer::LmdbStorage;
using indexer::MemoryStorage;
}  // namespace coinkit
