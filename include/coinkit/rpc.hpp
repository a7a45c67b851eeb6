// The rpc layer: one JSON-RPC core for every server: method tables declared once, arguments bound
// and converted by a dialect (Bitcart's, ElectrumX's, bitcoind's), replies written in place, the
// client side, and Bitcart's spec-driven error codes.
#pragma once

#include <coinkit/rpc/binder.hpp>
#include <coinkit/rpc/bitcart.hpp>
#include <coinkit/rpc/bitcoind.hpp>
#include <coinkit/rpc/call_counts.hpp>
#include <coinkit/rpc/client.hpp>
#include <coinkit/rpc/dispatcher.hpp>
#include <coinkit/rpc/electrumx.hpp>
#include <coinkit/rpc/envelope.hpp>
#include <coinkit/rpc/error.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/json_writer.hpp>
#include <coinkit/rpc/method.hpp>
#include <coinkit/rpc/method_signature.hpp>
#include <coinkit/rpc/method_table.hpp>
#include <coinkit/rpc/params.hpp>
#include <coinkit/rpc/python.hpp>
#include <coinkit/rpc/reply.hpp>
#include <coinkit/rpc/request.hpp>
#include <coinkit/rpc/spec.hpp>
#include <coinkit/rpc/version.hpp>
