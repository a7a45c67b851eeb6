// The node layer's non-template bodies, for one translation unit of a
// COINKIT_SEPARATE_COMPILATION build (see <coinkit/src.hpp>).
#pragma once

#include <coinkit/detail/config.hpp>

#if COINKIT_HEADER_ONLY
#error "coinkit/src/ is for builds with COINKIT_SEPARATE_COMPILATION"
#endif

#include <coinkit/node/detail/impl/connection.ipp>
#include <coinkit/node/impl/node_client.ipp>
