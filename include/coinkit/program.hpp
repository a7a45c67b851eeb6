// The program layer: coinkit::run and the Program concept every server models (daemons,
// Electrum servers, the regtest node): arguments, usage, configuration, signals, exit codes.
// (For programs; library headers include the fine-grained headers they need.)
#pragma once

#include <coinkit/program/arguments.hpp>
#include <coinkit/program/program.hpp>
#include <coinkit/program/run.hpp>
