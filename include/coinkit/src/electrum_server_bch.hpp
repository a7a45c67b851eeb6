// coinkit::run of the shipped Electrum server for BCH over LMDB, compiled once for coinkit::compiled.
#pragma once

#include <coinkit/coins/bch.hpp>
#include <coinkit/electrum/server.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/program/run.hpp>

COINKIT_RUN_INSTANTIATION(, coinkit::ElectrumServer<coinkit::BchPolicy, coinkit::LmdbStorage>)
