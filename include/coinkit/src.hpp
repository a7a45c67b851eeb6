// Every non-template body of coinkit, and its shipped programs, in one translation unit: a
// program built with COINKIT_SEPARATE_COMPILATION compiles `#include <coinkit/src.hpp>` once
// (coinkit's CMake target coinkit::compiled does it in one unit per <coinkit/src/*.hpp>, in
// parallel), as Beast's boost/beast/src.hpp.
#pragma once

#include <coinkit/src/daemon.hpp>
#include <coinkit/src/daemon_bch.hpp>
#include <coinkit/src/daemon_btc.hpp>
#include <coinkit/src/daemon_btc_indexed.hpp>
#include <coinkit/src/daemon_ltc.hpp>
#include <coinkit/src/electrum.hpp>
#include <coinkit/src/electrum_server_bch.hpp>
#include <coinkit/src/electrum_server_btc.hpp>
#include <coinkit/src/electrum_server_ltc.hpp>
#include <coinkit/src/indexer.hpp>
#include <coinkit/src/net.hpp>
#include <coinkit/src/node.hpp>
#include <coinkit/src/regtest.hpp>
#include <coinkit/src/regtest_node.hpp>
#include <coinkit/src/rpc.hpp>
