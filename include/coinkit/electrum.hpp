// The electrum layer: the Electrum protocol server (sessions over TCP, TLS and WebSocket,
// subscriptions, costs, LocalRPC) over an Indexer, configured as ElectrumX is.
// (For programs; library headers include the fine-grained headers they need.)
#pragma once

#include <coinkit/electrum/blocking_pool.hpp>
#include <coinkit/electrum/config.hpp>
#include <coinkit/electrum/cost_meter.hpp>
#include <coinkit/electrum/daemon_error.hpp>
#include <coinkit/electrum/electrum_client.hpp>
#include <coinkit/electrum/electrum_service.hpp>
#include <coinkit/electrum/error.hpp>
#include <coinkit/electrum/local_rpc.hpp>
#include <coinkit/electrum/log.hpp>
#include <coinkit/electrum/methods/fees.hpp>
#include <coinkit/electrum/methods/headers.hpp>
#include <coinkit/electrum/methods/scripthash.hpp>
#include <coinkit/electrum/methods/server.hpp>
#include <coinkit/electrum/methods/transactions.hpp>
#include <coinkit/electrum/operator_text.hpp>
#include <coinkit/electrum/peer.hpp>
#include <coinkit/electrum/peer_discovery.hpp>
#include <coinkit/electrum/protocol_version.hpp>
#include <coinkit/electrum/query.hpp>
#include <coinkit/electrum/server.hpp>
#include <coinkit/electrum/server_address.hpp>
#include <coinkit/electrum/server_core.hpp>
#include <coinkit/electrum/server_metrics.hpp>
#include <coinkit/electrum/service.hpp>
#include <coinkit/electrum/session.hpp>
#include <coinkit/electrum/shard.hpp>
#include <coinkit/electrum/subscription_index.hpp>
