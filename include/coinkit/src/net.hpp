// The net layer's non-template bodies, for one translation unit of a
// COINKIT_SEPARATE_COMPILATION build (see <coinkit/src.hpp>).
#pragma once

#include <coinkit/detail/config.hpp>

#if COINKIT_HEADER_ONLY
#error "coinkit/src/ is for builds with COINKIT_SEPARATE_COMPILATION"
#endif

#include <coinkit/net/impl/http_client.ipp>
#include <coinkit/net/impl/http_server.ipp>
#include <coinkit/net/impl/websocket_hub.ipp>
