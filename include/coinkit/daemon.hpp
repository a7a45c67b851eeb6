// The daemon layer: BaseDaemon and what it is made of (for programs; library headers include
// the fine-grained headers they need).
#pragma once

#include <coinkit/daemon/base_daemon.hpp>
#include <coinkit/daemon/config.hpp>
#include <coinkit/daemon/daemon_server.hpp>
#include <coinkit/daemon/error.hpp>
#include <coinkit/daemon/wallet_updates.hpp>
