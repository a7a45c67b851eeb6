// Program: the concept of a server coinkit::run can drive: configured from its arguments and the
// environment, started, waited on, and stopped on a signal or a request.
#pragma once

#include <coinkit/config/environment.hpp>
#include <coinkit/program/arguments.hpp>

#include <concepts>
#include <optional>
#include <string>
#include <string_view>

namespace coinkit {

// S::Options         what S is built from
// S::usage(name)     --help's text
// S::configure(a, e) reads the arguments and environment; throws ConfigException (a rejected
//                    value; config::error::unexpected_argument for a stray argument) or any
//                    std::exception for a refusal to start
// s.start()          binds, opens, spawns; throws when it cannot
// s.wait()           blocks until stopped; the fault that stopped it, if one did
// s.request_stop()   from any thread (a signal): wait() returns
// s.stop()           idempotent
template <class S>
concept Program = requires(S& s, const Arguments& args, const Environment& env, std::string_view name) {
  typename S::Options;
  { S::usage(name) } -> std::convertible_to<std::string>;
  { S::configure(args, env) } -> std::same_as<typename S::Options>;
  requires std::constructible_from<S, typename S::Options>;
  s.start();
  { s.wait() } -> std::same_as<std::optional<std::string>>;
  s.request_stop();
  s.stop();
};

}  // namespace coinkit
