// coinkit::run of the shipped LTC wallet daemon, compiled once for coinkit::compiled.
#pragma once

#include <coinkit/coins/ltc.hpp>
#include <coinkit/daemon/daemon.hpp>
#include <coinkit/program/run.hpp>

COINKIT_RUN_INSTANTIATION(, coinkit::Daemon<coinkit::LtcPolicy>)
