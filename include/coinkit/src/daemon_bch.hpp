// coinkit::run of the shipped BCH wallet daemon (Electron Cash's wallets), compiled once for
// coinkit::compiled.
#pragma once

#include <coinkit/coins/bch.hpp>
#include <coinkit/daemon/daemon.hpp>
#include <coinkit/program/run.hpp>
#include <coinkit/wallet/electron_cash_wallet.hpp>

COINKIT_RUN_INSTANTIATION(, coinkit::Daemon<coinkit::BchPolicy, coinkit::ElectronCashWallet>)
