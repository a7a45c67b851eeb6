// The node layer: the client of a coin's full node (bitcoind's JSON-RPC, DAEMON_URL failover,
// retries) and its errors.
// (For programs; library headers include the fine-grained headers they need.)
#pragma once

#include <coinkit/node/daemon_url.hpp>
#include <coinkit/node/error.hpp>
#include <coinkit/node/node_client.hpp>
#include <coinkit/node/node_failure.hpp>
#include <coinkit/node/node_options.hpp>
#include <coinkit/node/retry.hpp>
