// NodeOptions: where bitcoind's JSON-RPC listens, how to log in, and how the client talks to it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace coinkit::node {

struct NodeOptions {
  std::string host = "127.0.0.1";  // a name or an IP address (IPv6 without brackets)
  std::uint16_t port = 0;
  std::string user, password;
  // With an empty password: the file bitcoind writes `user:password` to (<datadir>/.cookie). It is
  // read at each (re)connect, since bitcoind writes a new one whenever it restarts.
  std::filesystem::path cookie_file;
  std::chrono::milliseconds timeout{30000};  // per connect, and per request written and read
  bool use_rest = true;                      // fetch blocks over REST when the node serves it (-rest)
  std::size_t connections = 4;               // keep-alive connections at most; more callers wait
};

}  // namespace coinkit::node
