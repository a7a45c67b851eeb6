// coinkit::run of the shipped regtest node (BTC, BCH, LTC), compiled once for coinkit::compiled.
#pragma once

#include <coinkit/coins/bch.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/coins/ltc.hpp>
#include <coinkit/program/run.hpp>
#include <coinkit/regtest/regtest_node.hpp>

COINKIT_RUN_INSTANTIATION(, coinkit::RegtestNode<coinkit::BtcPolicy, coinkit::BchPolicy, coinkit::LtcPolicy>)
