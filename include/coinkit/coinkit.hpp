// All of coinkit: every layer's umbrella header. A program that wants its build
// fast includes the layers it uses, or <coinkit/programs.hpp> for the servers coinkit ships.
#pragma once

#include <coinkit/address.hpp>
#include <coinkit/chain.hpp>
#include <coinkit/coins.hpp>
#include <coinkit/config.hpp>
#include <coinkit/core.hpp>
#include <coinkit/daemon.hpp>
#include <coinkit/electrum.hpp>
#include <coinkit/indexer.hpp>
#include <coinkit/keys.hpp>
#include <coinkit/net.hpp>
#include <coinkit/node.hpp>
#include <coinkit/program.hpp>
#include <coinkit/regtest.hpp>
#include <coinkit/rpc.hpp>
#include <coinkit/wallet.hpp>
