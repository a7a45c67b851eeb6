// The indexer layer's non-template bodies, for one translation unit of a
// COINKIT_SEPARATE_COMPILATION build (see <coinkit/src.hpp>).
#pragma once

#include <coinkit/detail/config.hpp>

#if COINKIT_HEADER_ONLY
#error "coinkit/src/ is for builds with COINKIT_SEPARATE_COMPILATION"
#endif

#include <coinkit/indexer/impl/mempool.ipp>
#include <coinkit/indexer/impl/prefetcher.ipp>
