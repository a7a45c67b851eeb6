// The coins layer: the CoinPolicy concept, networks and genesis parameters, and the policies
// of Bitcoin, Bitcoin Cash and Litecoin.
// (For programs; library headers include the fine-grained headers they need.)
#pragma once

#include <coinkit/coins/bch.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/coins/genesis.hpp>
#include <coinkit/coins/ltc.hpp>
#include <coinkit/coins/network.hpp>
#include <coinkit/coins/retarget.hpp>
