// The regtest layer: an embedded regtest node of any coin policy with bitcoind's JSON-RPC and
// REST, and the RegtestNode program.
// (For programs; library headers include the fine-grained headers they need.)
#pragma once

#include <coinkit/regtest/chain_params.hpp>
#include <coinkit/regtest/methods/blockchain.hpp>
#include <coinkit/regtest/methods/mempool.hpp>
#include <coinkit/regtest/methods/mining.hpp>
#include <coinkit/regtest/methods/params.hpp>
#include <coinkit/regtest/methods/wallet.hpp>
#include <coinkit/regtest/node.hpp>
#include <coinkit/regtest/node_error.hpp>
#include <coinkit/regtest/regtest_node.hpp>
#include <coinkit/regtest/rest.hpp>
#include <coinkit/regtest/rpc_blockchain.hpp>
#include <coinkit/regtest/rpc_decode.hpp>
#include <coinkit/regtest/rpc_server.hpp>
