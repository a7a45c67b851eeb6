// Peer discovery: a peer's forms as ElectrumX writes them (lib/peer.py), and coinkit servers on
// loopback that find each other through a seed and server.add_peer, drop one on another chain
// and let one that stopped go stale.
#include <coinkit/electrum/peer.hpp>

#include "fixture.hpp"
#include "support/eventually.hpp"
#include "support/free_port.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <mutex>
#include <set>

using namespace coinkit;
using namespace coinkit::test;
using electrum::Peer;
using electrum::PeerRules;

namespace {

// A server on a free port, reported as itself, its first peer `seed` (if any), with ElectrumX's
// pauses shortened: a good peer is checked again after 3.5 s and is stale after 4 s.
std::function<void(electrum::ServerConfig&)> peer_server(std::uint16_t port, std::uint16_t seed = 0,
                                                         electrum::LogLevel level = electrum::LogLevel::warning) {
  return [=](electrum::ServerConfig& c) {
    c.services = {{Protocol::tcp, "127.0.0.1", port}, {Protocol::rpc, "127.0.0.1", 0}};
    c.report_services = {{Protocol::tcp, "127.0.0.1", port}};
    if (seed) c.peer_seeds = {"127.0.0.1 t" + std::to_string(seed)};
    c.peer_timings = {std::chrono::seconds(4), std::chrono::milliseconds(250), std::chrono::seconds(600),
                      std::chrono::seconds(5)};
    c.log_level = level;
  };
}

// server.peers.subscribe's rows as "host:details", sorted.
std::set<std::string> listed(ElectrumFixture& f) {
  ProtocolClient c(f, Protocol::tcp);
  c.version("1.6");
  std::set<std::string> out;
  const json::value rows = c.call("server.peers.subscribe");
  for (const auto& row : rows.as_array()) out.insert(json::serialize(row));
  return out;
}

std::string row(std::uint16_t port) {
  return "[\"127.0.0.1\",\"127.0.0.1\",[\"v1.6\",\"t" + std::to_string(port) + "\"]]";
}

json::object record_of(const json::value& peers, std::uint16_t port) {
  for (const auto& p : peers.as_array())
    if (p.at("features").at("tcp_port") == json::value(port)) return p.as_object();
  return {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(peers)

// ElectrumX's Peer.from_real_name('electrum.example.org v1.4 p10000 s t50009', 'RPC') with
// Bitcoin's default ports, and what it prints and serializes.
BOOST_AUTO_TEST_CASE(real_names_rows_and_records_as_electrumx_writes_them) {
  const PeerRules mainnet;
  auto p = Peer::from_real_name("electrum.example.org v1.4 p10000 s t50009", "RPC", mainnet);
  BOOST_TEST_REQUIRE(p.has_value());
  BOOST_TEST(p->real_name() == "electrum.example.org v1.4 p10000 s50002 t50009");
  BOOST_TEST(json::serialize(p->subscribe_row()) ==
             R"(["electrum.example.org","electrum.example.org",["v1.4","p10000","s50002","t50009"]])");
  // The features as Python builds them: the real name's keys first, then the canonical ones
  // (ports as integers, the hosts' ports as the strings given).
  BOOST_TEST(json::serialize(p->record()) ==
             R"({"host":"electrum.example.org","features":{"protocol_max":"1.4","protocol_min":"1.4",)"
             R"("pruning":10000,"ssl_port":50002,"tcp_port":50009,)"
             R"("hosts":{"electrum.example.org":{"ssl_port":"50002","tcp_port":"50009"}},"server_version":null,)"
             R"("cert_md5":null,"cert_sha1":null,"cert_sha256":null,"cert_blake2b":null},"source":"RPC",)"
             R"("ip_addr":null,"last_good":0,"last_try":0,"try_count":0})");
  // Without a version the protocol is "0.0"; ports out of range are no ports.
  auto q = Peer::from_real_name("h.example.net s70000 t", "seed", mainnet);
  BOOST_TEST(q->real_name() == "h.example.net v0.0 t50001");
  BOOST_TEST(!Peer::from_real_name("   ", "seed", mainnet).has_value());

  // server.add_peer's features: a peer per host; the ports of its own entry.
  json::value features = json::parse(
      R"({"hosts": {"a.example.com": {"tcp_port": 50001}, "b.example.com": {"ssl_port": 443}},
          "protocol_max": "1.4.2", "genesis_hash": "00ff"})");
  auto from = Peer::from_features(features, "1.2.3.4");
  BOOST_TEST_REQUIRE(from.size() == 2u);
  BOOST_TEST(from[0].real_name() == "a.example.com v1.4.2 t50001");
  BOOST_TEST(from[1].real_name() == "b.example.com v1.4.2 s443");
  BOOST_TEST(from[1].genesis_hash().value() == "00ff");
  BOOST_TEST(Peer::from_features(json::value(42), "x").empty());
}

// ElectrumX's is_public: no private, loopback or shared addresses, no "localhost", valid names;
// by the regtest (loopback) rules any valid address.
BOOST_AUTO_TEST_CASE(public_addresses_and_the_loopback_rules) {
  const PeerRules mainnet, regtest{true};
  auto is_public = [&](std::string host, const PeerRules& r) {
    return Peer::from_real_name(host + " t", "t", r)->is_public(r);
  };
  for (const char* host : {"1.2.3.4", "electrum.example.org", "2001:4860::8888", "x.onion"})
    BOOST_TEST(is_public(host, mainnet), host);
  for (const char* host : {"127.0.0.1", "10.1.2.3", "192.168.0.1", "172.20.0.1", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                           "localhost", "::1", "fe80::1", "fd00::1", "bad_-.host.", "example.123", "a..b"})
    BOOST_TEST(!is_public(host, mainnet), host);
  BOOST_TEST(is_public("127.0.0.1", regtest));
  BOOST_TEST(is_public("localhost", regtest));
  BOOST_TEST(!is_public("0.0.0.0", regtest));

  // One host is one peer; by the loopback rules, one host and port.
  auto a = *Peer::from_real_name("127.0.0.1 t5001", "t", regtest),
       b = *Peer::from_real_name("127.0.0.1 t5002", "t", regtest);
  BOOST_TEST(a.matches(a, regtest));
  BOOST_TEST(!a.matches(b, regtest));
  BOOST_TEST(a.matches(b, mainnet));
  auto named = *Peer::from_real_name("Electrum.Example.org s", "t", mainnet);
  BOOST_TEST(named.matches(*Peer::from_real_name("electrum.example.org t", "t", mainnet), mainnet));
}

// Three servers of one chain find each other (B and C from a seed, A from their add_peer, then B
// and C through A's list); a server of another chain is marked bad and forgotten; a server that
// stops is no longer listed once stale.
BOOST_AUTO_TEST_CASE(servers_on_loopback_find_each_other_and_drop_the_wrong_ones) {
  regtest::Node<BtcPolicy> chain, other_chain;
  chain.set_mock_time(1'700'000'000);
  other_chain.set_mock_time(1'600'000'000);  // other blocks at the same heights
  const std::uint16_t pa = free_port(), pb = free_port(), pc = free_port(), pd = free_port();

  ElectrumFixture a(peer_server(pa, 0, electrum::LogLevel::info), true, &chain);
  LogLines a_log(a.log());
  ElectrumFixture b(peer_server(pb, pa), true, &chain);
  auto c = std::make_unique<ElectrumFixture>(peer_server(pc, pa), true, &chain);
  ElectrumFixture d(peer_server(pd), true, &other_chain);

  const std::set<std::string> all{row(pa), row(pb), row(pc)};
  BOOST_TEST(eventually([&] { return listed(a) == all && listed(b) == all && listed(*c) == all; }, 30s));
  BOOST_TEST(a_log.contains("accepted add_peer request from 127.0.0.1 for 127.0.0.1"));

  // The operator adds D: its chain differs at our height, so it is bad, never listed, then forgotten.
  const auto a_rpc = a.port(Protocol::rpc);
  json::array name;
  name.emplace_back("127.0.0.1 t" + std::to_string(pd));
  BOOST_TEST(local_rpc(a_rpc, "add_peer", name).at("result") ==
             json::value("peer '127.0.0.1 t" + std::to_string(pd) + "' added"));
  BOOST_TEST(eventually([&] { return a_log.contains("TCP] marking bad: (our header "); }, 10s));
  BOOST_TEST(listed(a) == all);
  BOOST_TEST(eventually([&] { return a_log.contains("forgetting bad peer: 127.0.0.1"); }, 10s));
  BOOST_TEST(record_of(local_rpc(a_rpc, "peers").at("result"), pd).empty());

  // A good peer's LocalRPC record.
  const json::value peers = local_rpc(a_rpc, "peers").at("result");
  const json::object rb = record_of(peers, pb);
  BOOST_TEST(rb.at("status") == json::value("good"));
  BOOST_TEST(rb.at("ip_addr") == json::value("127.0.0.1"));
  BOOST_TEST(rb.at("features").at("server_version") == json::value("coinkit 0.1.0"));
  BOOST_TEST(rb.at("try_count") == json::value(0));
  BOOST_TEST(local_rpc(a_rpc, "getinfo").at("result").at("peers").at("good").as_int64() == 3);

  // C stops: after 4 s it is stale, and neither A nor B lists it.
  c.reset();
  const std::set<std::string> two{row(pa), row(pb)};
  BOOST_TEST(eventually([&] { return listed(a) == two && listed(b) == two; }, 20s));
  BOOST_TEST(record_of(local_rpc(a_rpc, "peers").at("result"), pc).at("status") == json::value("stale"));
}

// server.add_peer is refused without discovery, for a host that is not the caller, and for
// features without hosts.
BOOST_AUTO_TEST_CASE(add_peer_is_refused_unless_the_host_is_the_caller) {
  const std::uint16_t port = free_port();
  ElectrumFixture f(peer_server(port));
  ProtocolClient c(f, Protocol::tcp);
  c.version("1.6");
  auto features = [](std::string host, std::uint16_t p) { return json::value{{"hosts", {{host, {{"tcp_port", p}}}}}}; };
  BOOST_TEST(c.call("server.add_peer", json::array{features("127.0.0.2", 50001)}) ==
             json::value(false));  // not the caller
  BOOST_TEST(c.call("server.add_peer", json::parse(R"([{"hosts": 3}])")) == json::value(false));
  BOOST_TEST(c.call("server.add_peer", json::array{features("127.0.0.1", 1)}) == json::value(true));
  // One add per server within the pause.
  BOOST_TEST(c.call("server.add_peer", json::array{features("127.0.0.1", 1)}) == json::value(false));

  ElectrumFixture off([](electrum::ServerConfig& c) { c.peer_discovery = electrum::PeerDiscoveryMode::off; });
  ProtocolClient o(off, Protocol::tcp);
  o.version("1.6");
  BOOST_TEST(o.call("server.add_peer", json::array{features("127.0.0.1", 1)}) == json::value(false));
  BOOST_TEST(o.call("server.peers.subscribe").as_array().empty());
}

BOOST_AUTO_TEST_SUITE_END()
