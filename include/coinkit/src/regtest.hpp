// The regtest layer's non-template bodies, for one translation unit of a
// COINKIT_SEPARATE_COMPILATION build (see <coinkit/src.hpp>).
#pragma once

#include <coinkit/detail/config.hpp>

#if COINKIT_HEADER_ONLY
#error "coinkit/src/ is for builds with COINKIT_SEPARATE_COMPILATION"
#endif

#include <coinkit/regtest/impl/node.ipp>
#include <coinkit/regtest/impl/rpc_server.ipp>
#include <coinkit/regtest/methods/impl/blockchain.ipp>
#include <coinkit/regtest/methods/impl/mempool.ipp>
#include <coinkit/regtest/methods/impl/mining.ipp>
#include <coinkit/regtest/methods/impl/params.ipp>
#include <coinkit/regtest/methods/impl/wallet.ipp>
