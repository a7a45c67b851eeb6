// The Electrum protocol's server methods: server.version (the session's negotiation),
// server.features, server.banner, server.donation_address, server.peers.subscribe,
// server.add_peer and server.ping.
#pragma once

#include <coinkit/electrum/config.hpp>
#include <coinkit/electrum/peer_discovery.hpp>
#include <coinkit/electrum/protocol_version.hpp>
#include <coinkit/electrum/session.hpp>
#include <coinkit/rpc/fault.hpp>
#include <coinkit/rpc/json_text.hpp>
#include <coinkit/rpc/method.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace coinkit::electrum {

// Self: the service (ElectrumService), with config(), network() and node_call().
template <class Self>
class ServerMethods {
 public:
  // server.version(client_name="", protocol_version="1.4", *extra): the session's negotiation.
  rpc::Outcome<void> version(Session& s, rpc::JsonText& j, const boost::json::value* client_name,
                             const boost::json::value* protocol_version) {
    return s.negotiate(client_name, protocol_version, j);
  }

  rpc::Outcome<void> features(Session&, rpc::JsonText& j) {
    j.value(features_of(self().config(), self().network()));
    return {};
  }

  // server.features' answer: REPORT_SERVICES' hosts (each with its "<protocol>_port"s), the
  // protocol range, the genesis hash and the services.
  static boost::json::object features_of(const ServerConfig& config, const Network& network) {
    boost::json::object hosts;
    for (const ServiceAddress& s : config.report_services) {
      boost::json::value& host = hosts[s.host];
      if (!host.is_object()) host.emplace_object();
      host.get_object()[std::string(to_string(s.protocol)) + "_port"] = s.port;
    }
    boost::json::array services;
    for (const ServiceAddress& s : config.report_services) services.emplace_back(s.to_string());
    boost::json::object f;
    f["hosts"] = std::move(hosts);
    f["pruning"] = nullptr;
    f["server_version"] = server_software;
    f["protocol_min"] = protocol_min.to_string();
    f["protocol_max"] = protocol_max.to_string();
    f["genesis_hash"] = network.genesis_hash.to_hex();
    f["hash_function"] = "sha256";
    f["services"] = std::move(services);
    return f;
  }

  boost::asio::awaitable<rpc::Outcome<void>> banner(Session&, rpc::JsonText& j) {
    const ServerConfig& config = self().config();
    if (config.banner.empty()) {
      j.str("You are connected to an " + std::string(server_software) + " server.");
      co_return rpc::Outcome<void>{};
    }
    auto r = co_await self().node_call(std::string_view("getnetworkinfo"), {});
    if (auto* e = std::get_if<rpc::Fault>(&r)) co_return std::move(*e);
    j.str(banner_text(config, std::get<boost::json::value>(r)));
    co_return rpc::Outcome<void>{};
  }

  rpc::Outcome<void> donation_address(Session&, rpc::JsonText& j) {
    j.str(self().config().donation_address);
    return {};
  }
  rpc::Outcome<void> peers_subscribe(Session&, rpc::JsonText& j) {
    if (PeerDiscovery* p = self().peers)
      j.value(p->subscribe_rows());
    else
      j.raw("[]");
    return {};
  }
  // The caller's address is the peer's: its host must resolve to it (ElectrumX's rule).
  boost::asio::awaitable<rpc::Outcome<void>> add_peer(Session& s, rpc::JsonText& j,
                                                      const boost::json::value& features) {
    bool accepted = false;
    if (PeerDiscovery* p = self().peers) accepted = co_await p->add_peer(features, address_of(s.peer()));
    j.boolean(accepted);
    co_return rpc::Outcome<void>{};
  }
  rpc::Outcome<void> ping(Session&, rpc::JsonText& j) {
    j.null();
    return {};
  }

  static constexpr auto rpc_methods() {
    using rpc::arg;
    using M = ServerMethods;
    return rpc::methods(rpc::method<&M::version>("server.version", rpc::extra_args | rpc::cost(0.5),
                                                 arg("client_name", nullptr), arg("protocol_version", nullptr)),
                        rpc::method<&M::features>("server.features", rpc::cost(0.2)),
                        rpc::method<&M::banner>("server.banner", rpc::waits | rpc::cost(0.5)),
                        rpc::method<&M::donation_address>("server.donation_address", rpc::cost(0.1)),
                        rpc::method<&M::peers_subscribe>("server.peers.subscribe", rpc::cost(1.0)),
                        rpc::method<&M::add_peer>("server.add_peer", rpc::waits | rpc::cost(100.0), arg("features")),
                        rpc::method<&M::ping>("server.ping", rpc::cost(0.1)));
  }

 private:
  Self& self() noexcept { return static_cast<Self&>(*this); }

  // "1.2.3.4:5678" or "[::1]:5678" -> the address alone.
  static std::string address_of(std::string_view peer) {
    const std::size_t colon = peer.rfind(':');
    std::string_view host = colon == std::string_view::npos ? peer : peer.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return std::string(host);
  }

  // BANNER_FILE with ElectrumX's $SERVER_VERSION, $DAEMON_VERSION, ... substituted.
  static std::string banner_text(const ServerConfig& config, const boost::json::value& info) {
    std::string daemon_version = "unknown", daemon_subversion = "unknown";
    if (const auto* o = info.if_object()) {
      if (const auto* v = o->if_contains("version"); v && v->is_int64()) {
        const std::int64_t n = v->get_int64();
        daemon_version =
            std::to_string(n / 1000000) + "." + std::to_string(n / 10000 % 100) + "." + std::to_string(n % 10000 / 100);
      }
      if (const auto* v = o->if_contains("subversion"); v && v->is_string()) daemon_subversion = v->get_string();
    }
    std::string text = config.banner;
    auto replace = [&](std::string_view from, const std::string& to) {
      for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    };
    replace("$SERVER_VERSION", std::string(server_software_short));
    replace("$SERVER_SUBVERSION", std::string(server_software));
    replace("$DAEMON_VERSION", daemon_version);
    replace("$DAEMON_SUBVERSION", daemon_subversion);
    replace("$DONATION_ADDRESS", config.donation_address);
    return text;
  }
};

}  // namespace coinkit::electrum
