// coinkit::run of the shipped BTC wallet daemon, compiled once for coinkit::compiled.
#pragma once

#include <coinkit/coins/btc.hpp>
#include <coinkit/daemon/daemon.hpp>
#include <coinkit/program/run.hpp>

COINKIT_RUN_INSTANTIATION(, coinkit::Daemon<coinkit::BtcPolicy>)
