// How ElectrumX words a node's failure to its clients: "daemon error: DaemonError({...})".
#pragma once

#include <coinkit/node/error.hpp>
#include <coinkit/rpc/python.hpp>

#include <string>

namespace coinkit::electrum {

// ElectrumX's f'{e!r}' of a DaemonError: bitcoind's code and message, or the failure's text.
// Failure: node::NodeFailure, or anything with its ec, rpc_code, message and describe().
template <class Failure>
std::string daemon_error_text(const Failure& f) {
  if (f.ec == node::error::rpc_error)
    return "daemon error: DaemonError({'code': " + std::to_string(f.rpc_code) +
           ", 'message': " + rpc::python_repr(f.message) + "})";
  return "daemon error: DaemonError(" + rpc::python_repr(f.describe()) + ")";
}

// The node's own message, for broadcasts rejected "by network rules".
template <class Failure>
std::string daemon_message(const Failure& f) {
  return f.ec == node::error::rpc_error ? f.message : f.describe();
}

}  // namespace coinkit::electrum
