// coinkit::run of the shipped Electrum server for BTC over LMDB, compiled once for coinkit::compiled.
#pragma once

#include <coinkit/coins/btc.hpp>
#include <coinkit/electrum/server.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/program/run.hpp>

COINKIT_RUN_INSTANTIATION(, coinkit::ElectrumServer<coinkit::BtcPolicy, coinkit::LmdbStorage>)
