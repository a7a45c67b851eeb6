// The net layer: Beast's HTTP server and client, WebSocket hub, TLS, listeners, and the
// transports a session speaks through (newline-delimited lines, WebSocket messages), and the
// Prometheus text of `GET /metrics`.
// (For programs; library headers include the fine-grained headers they need.)
#pragma once

#include <coinkit/net/basic_auth.hpp>
#include <coinkit/net/http_client.hpp>
#include <coinkit/net/http_server.hpp>
#include <coinkit/net/line_buffer.hpp>
#include <coinkit/net/line_transport.hpp>
#include <coinkit/net/listener.hpp>
#include <coinkit/net/metrics_text.hpp>
#include <coinkit/net/send_queue.hpp>
#include <coinkit/net/tls.hpp>
#include <coinkit/net/transport.hpp>
#include <coinkit/net/wake_list.hpp>
#include <coinkit/net/websocket_hub.hpp>
#include <coinkit/net/websocket_transport.hpp>
