// coinkit::run of the BTC wallet daemon on its own index (IndexedDaemon), compiled once for
// coinkit::compiled.
#pragma once

#include <coinkit/coins/btc.hpp>
#include <coinkit/daemon/indexed_daemon.hpp>
#include <coinkit/program/run.hpp>

COINKIT_RUN_INSTANTIATION(, coinkit::IndexedDaemon<coinkit::BtcPolicy>)
