// The electrum layer's non-template bodies, for one translation unit of a
// COINKIT_SEPARATE_COMPILATION build (see <coinkit/src.hpp>).
#pragma once

#include <coinkit/detail/config.hpp>

#if COINKIT_HEADER_ONLY
#error "coinkit/src/ is for builds with COINKIT_SEPARATE_COMPILATION"
#endif

#include <coinkit/electrum/impl/local_rpc.ipp>
#include <coinkit/electrum/impl/peer_discovery.ipp>
#include <coinkit/electrum/impl/server_core.ipp>
#include <coinkit/electrum/impl/server_metrics.ipp>
#include <coinkit/electrum/impl/session.ipp>
#include <coinkit/electrum/impl/shard.ipp>
