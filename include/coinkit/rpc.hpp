// The rpc layer: extended JSON-RPC 2.0 (Bitcart's dialect), method tables, spec-driven errors.
#pragma once

#include <coinkit/rpc/convert.hpp>
#include <coinkit/rpc/dispatcher.hpp>
#include <coinkit/rpc/error.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_writer.hpp>
#include <coinkit/rpc/method_table.hpp>
#include <coinkit/rpc/reply.hpp>
#include <coinkit/rpc/request.hpp>
#include <coinkit/rpc/spec.hpp>
