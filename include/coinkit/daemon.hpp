// The daemon layer: BaseDaemon, Daemon<Coin, Wallet> and what they are made of (for programs; library headers include
// the fine-grained headers they need).
#pragma once

#include <coinkit/daemon/base_daemon.hpp>
#include <coinkit/daemon/config.hpp>
#include <coinkit/daemon/daemon.hpp>
#include <coinkit/daemon/daemon_server.hpp>
#include <coinkit/daemon/error.hpp>
#include <coinkit/daemon/indexed_daemon.hpp>
#include <coinkit/daemon/methods/addresses.hpp>
#include <coinkit/daemon/methods/arguments.hpp>
#include <coinkit/daemon/methods/balances.hpp>
#include <coinkit/daemon/methods/chain_queries.hpp>
#include <coinkit/daemon/methods/coin_control.hpp>
#include <coinkit/daemon/methods/daemon_info.hpp>
#include <coinkit/daemon/methods/electrum_tx_json.hpp>
#include <coinkit/daemon/methods/key_tools.hpp>
#include <coinkit/daemon/methods/payment_requests.hpp>
#include <coinkit/daemon/methods/payouts.hpp>
#include <coinkit/daemon/methods/wallet_keys.hpp>
#include <coinkit/daemon/wallet_updates.hpp>
