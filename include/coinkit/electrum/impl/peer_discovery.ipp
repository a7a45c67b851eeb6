// PeerDiscovery's bodies (ElectrumX's server/peers.py, step by step).
#pragma once

#include <coinkit/electrum/peer_discovery.hpp>

#include <coinkit/core/hex.hpp>
#include <coinkit/core/unix_time.hpp>
#include <coinkit/electrum/protocol_version.hpp>
#include <coinkit/electrum/session.hpp>
#include <coinkit/rpc/params.hpp>
#include <coinkit/rpc/python.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace coinkit::electrum {

PeerDiscovery::PeerDiscovery(const ServerConfig& config, Service& service, const Log& log)
    : config_(config), service_(service), log_(log), features_(service.features()) {
  const Network& n = service.network();
  rules_.loopback = n.id == NetworkId::regtest;
  rules_.default_tcp = n.ports.electrum_tcp;
  rules_.default_ssl = n.ports.electrum_ssl;
  genesis_hex_ = n.genesis_hash.to_hex();
}

void PeerDiscovery::start() {
  if (started_) return;
  started_ = true;
  std::vector<Peer> imported;
  for (const auto& kv : features_.at("hosts").as_object())
    imported.emplace_back(std::string(kv.key()), features_, "env");
  boost::asio::post(io_, [this, imported = std::move(imported)]() mutable {
    const bool on = config_.peer_discovery == PeerDiscoveryMode::on;
    say(std::string("peer discovery: ") + (on                                                  ? "on"
                                           : config_.peer_discovery == PeerDiscoveryMode::self ? "self"
                                                                                               : "off"));
    if (!on) return say("peer discovery is disabled");
    say(std::string("announce ourself: ") + (config_.peer_announce ? "True" : "False"));
    say("my clearnet self: " + (imported.empty() ? std::string("None") : imported.front().host()));
    say("beginning peer discovery...");
    note(std::move(imported), 0, false, "env", true);  // ourselves: listed once checked, never announced to
    std::vector<Peer> seeds;
    for (const std::string& name : config_.peer_seeds)
      if (auto p = Peer::from_real_name(name, "seed", rules_)) seeds.push_back(std::move(*p));
    note(std::move(seeds), 0, false, "seed");
  });
  guard_.emplace(io_.get_executor());
  std::promise<void> ran_out;
  ran_out_ = ran_out.get_future();
  thread_ = std::thread([this, ran_out = std::move(ran_out)]() mutable {
    io_.run();
    ran_out.set_value();
  });
}

void PeerDiscovery::stop() {
  if (!started_) return;
  started_ = false;
  boost::asio::post(io_, [this] {
    stopping_ = true;
    std::lock_guard lock(mutex_);
    for (auto& e : entries_) {
      e->removed = true;
      e->retry.cancel();
    }
  });
  guard_.reset();
  // The checks under way end at their next step; a connection attempt does not wait longer than this.
  if (ran_out_.valid()) (void)ran_out_.wait_for(std::chrono::seconds(1));
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

PeerDiscovery::Status PeerDiscovery::status_of(const Entry& e, double now) const {
  const double cutoff = now - std::chrono::duration<double>(config_.peer_timings.stale).count();
  if (e.peer.bad) return Status::bad;
  if (e.peer.last_good > cutoff) return Status::good;
  if (e.peer.last_good) return Status::stale;
  return Status::never;
}

// ElectrumX's _get_recent_good_peers (under the lock).
std::vector<PeerDiscovery::EntryPtr> PeerDiscovery::recent_good() const {
  const double now = unix_time();
  std::vector<EntryPtr> out;
  for (const auto& e : entries_)
    if (!e->removed && status_of(*e, now) == Status::good && e->peer.is_public(rules_)) out.push_back(e);
  return out;
}

boost::json::array PeerDiscovery::subscribe_rows() const {
  std::lock_guard lock(mutex_);
  const double now = unix_time();
  std::vector<const Entry*> chosen;
  for (const auto& e : entries_)
    if (e->myself && !e->removed && status_of(*e, now) == Status::good) chosen.push_back(e.get());
  std::map<std::string, int> per_bucket;
  for (const auto& e : recent_good()) {
    if (e->peer.is_tor() || ++per_bucket[e->peer.external_bucket(rules_)] > 2) continue;
    if (std::find(chosen.begin(), chosen.end(), e.get()) == chosen.end()) chosen.push_back(e.get());
  }
  boost::json::array rows;
  for (const Entry* e : chosen) rows.emplace_back(e->peer.subscribe_row());
  return rows;
}

boost::json::array PeerDiscovery::records() const {
  std::lock_guard lock(mutex_);
  const double now = unix_time();
  std::vector<const Entry*> sorted;
  for (const auto& e : entries_)
    if (!e->removed) sorted.push_back(e.get());
  std::stable_sort(sorted.begin(), sorted.end(), [](const Entry* a, const Entry* b) {
    return std::pair(a->peer.bad, -a->peer.last_good) < std::pair(b->peer.bad, -b->peer.last_good);
  });
  static constexpr const char* names[] = {"good", "stale", "never", "bad"};
  boost::json::array out;
  for (const Entry* e : sorted) {
    boost::json::object r = e->peer.record();
    r["status"] = names[static_cast<int>(status_of(*e, now))];
    out.emplace_back(std::move(r));
  }
  return out;
}

boost::json::object PeerDiscovery::counts() const {
  std::lock_guard lock(mutex_);
  const double now = unix_time();
  int n[4] = {0, 0, 0, 0}, total = 0;
  for (const auto& e : entries_)
    if (!e->removed) ++n[static_cast<int>(status_of(*e, now))], ++total;
  boost::json::object out;
  out["bad"] = n[3];
  out["good"] = n[0];
  out["never"] = n[2];
  out["stale"] = n[1];
  out["total"] = total;
  return out;
}

// ElectrumX's _note_peers: peers not known yet are added (at most `limit` of them, 0: all) and
// checked; with `check_ports` a known peer on new ports is checked again on those too.
void PeerDiscovery::note(std::vector<Peer> peers, std::size_t limit, bool check_ports, std::string_view source,
                         bool myself) {
  std::vector<Peer> fresh;
  {
    std::lock_guard lock(mutex_);
    for (Peer& p : peers) {
      if (!p.is_public(rules_) || p.is_tor()) continue;  // onion peers need a proxy: none here
      bool known = false;
      for (auto& e : entries_)
        if (!e->removed && p.matches(e->peer, rules_)) {
          known = true;
          if (check_ports) {
            bool changed = false;
            if (p.ssl_port() != e->peer.ssl_port()) e->other_ports.emplace_back(true, p.ssl_port()), changed = true;
            if (p.tcp_port() != e->peer.tcp_port()) e->other_ports.emplace_back(false, p.tcp_port()), changed = true;
            if (changed) {
              say("ports changed for " + p.host());
              e->retry_now = true;
              e->retry.cancel();
            }
          }
        }
      const bool seen = std::any_of(fresh.begin(), fresh.end(), [&](const Peer& f) { return p.matches(f, rules_); });
      if (!known && !seen) fresh.push_back(std::move(p));
    }
  }
  if (fresh.empty()) return;
  if (limit) {
    std::shuffle(fresh.begin(), fresh.end(), random_);
    if (fresh.size() > limit) fresh.erase(fresh.begin() + static_cast<std::ptrdiff_t>(limit), fresh.end());
  }
  for (Peer& p : fresh) {
    say("accepted new peer " + p.host() + " from " + (source.empty() ? p.source() : std::string(source)));
    auto e = std::make_shared<Entry>(std::move(p), io_.get_executor(), myself);
    {
      std::lock_guard lock(mutex_);
      entries_.push_back(e);
    }
    boost::asio::co_spawn(io_, monitor(e), boost::asio::detached);
  }
}

// ElectrumX's _monitor_peer: checked, then again before it turns stale, or after 2^tries pauses.
boost::asio::awaitable<void> PeerDiscovery::monitor(EntryPtr e) {
  const PeerTimings& t = config_.peer_timings;
  while (!e->removed && !stopping_) {
    if (co_await should_drop(e)) break;
    if (e->removed || stopping_) break;
    const auto pause =
        e->peer.try_count == 0 ? t.stale - 2 * t.wakeup : t.wakeup * (1 << std::min(e->peer.try_count, 20));
    if (!std::exchange(e->retry_now, false)) {
      e->retry.expires_after(pause);
      (void)co_await e->retry.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
  }
  std::lock_guard lock(mutex_);
  e->removed = true;
  entries_.remove(e);
}

// ElectrumX's _should_drop_peer: one check over each of the peer's ports (TLS first); true when
// it failed too many times (3, or 10 for a peer once good).
boost::asio::awaitable<bool> PeerDiscovery::should_drop(EntryPtr e) {
  Peer& peer = e->peer;
  {
    std::lock_guard lock(mutex_);
    ++peer.try_count;
  }
  std::vector<std::pair<bool, std::optional<std::uint16_t>>> ports{{true, peer.ssl_port()}, {false, peer.tcp_port()}};
  ports.insert(ports.end(), e->other_ports.begin(), e->other_ports.end());
  e->other_ports.clear();
  bool good = false;
  std::string text;
  for (const auto& [tls, port] : ports) {
    if (!port || stopping_) continue;
    {
      std::lock_guard lock(mutex_);
      peer.last_try = unix_time();
    }
    text = "[" + peer.host() + ":" + std::to_string(*port) + (tls ? " SSL]" : " TCP]");
    ElectrumClientOptions o;
    o.server = {peer.host(), *port, tls};
    o.reconnect = false;
    o.greet = false;
    o.request_timeout = config_.peer_timings.request_timeout;
    o.limits = {config_.max_recv, 1u << 20, config_.max_recv};
    ElectrumClient client(io_.get_executor(), std::move(o));
    client.start();
    auto failure = co_await check(client, e);
    client.stop();
    co_await client.finished();
    if (!failure) {
      good = true;
      break;
    }
    if (failure->bad) {
      log_.error("PeerDiscovery", text + " marking bad: (" + failure->why + ")");
      std::lock_guard lock(mutex_);
      peer.bad = true;
      break;
    }
    say(text + " " + failure->why);
  }
  if (good) {
    const double now = unix_time();
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.1f", now - peer.last_try);
    say(text + " verified in " + elapsed + "s");
    std::lock_guard lock(mutex_);
    peer.try_count = 0;
    peer.last_good = now;
    peer.set_source("peer");
    // Another entry for the same server (an IP address known by two names): this one stays.
    for (auto& other : entries_)
      if (other != e && !other->removed && peer.matches(other->peer, rules_)) {
        if (other->peer.address()) {
          other->removed = true;
          other->retry.cancel();
        } else {
          other->peer.update_features(peer.features());
        }
      }
    const double pause = std::chrono::duration<double>(config_.peer_timings.add_pause).count();
    std::erase_if(recent_adds_, [&](const auto& kv) { return kv.second + pause < now; });
    co_return false;
  }
  const int limit = peer.last_good && !peer.bad ? 10 : 3;
  if (peer.try_count >= limit) {
    say(std::string("forgetting ") + (peer.bad ? "bad" : "unreachable") + " peer: " + peer.host());
    co_return true;
  }
  co_return false;
}

// ElectrumX's _verify_peer over one connection; nullopt: the peer is good.
boost::asio::awaitable<std::optional<PeerDiscovery::CheckFailure>> PeerDiscovery::check(ElectrumClient& client,
                                                                                        EntryPtr e) {
  Peer& peer = e->peer;
  auto bad = [](std::string why) { return std::optional<CheckFailure>(CheckFailure{true, std::move(why)}); };
  // An error reply is not the peer's fault; a lost connection neither.
  auto failed = [](const rpc::Fault& f) { return std::optional<CheckFailure>(CheckFailure{false, f.message}); };

  boost::json::array range;
  range.emplace_back(protocol_min.to_string());
  range.emplace_back(protocol_max.to_string());
  auto version = co_await client.call("server.version", rpc::params_of(server_software, std::move(range)));
  if (!version) co_return failed(version.error());
  if (!peer.is_tor()) {
    std::lock_guard lock(mutex_);
    peer.ip_addr = client.remote_address().to_string();
  }
  {
    std::lock_guard lock(mutex_);
    std::map<std::string, int> buckets;
    for (const auto& other : recent_good())
      if (other != e && !other->peer.is_tor()) ++buckets[other->peer.internal_bucket(rules_)];
    const std::string bucket = peer.internal_bucket(rules_);
    if (buckets[bucket]) co_return bad("too many peers already in bucket " + bucket);
  }
  const boost::json::value& v = *version;
  if (!v.is_array()) co_return bad("server.version returned bad result type " + std::string(rpc::python_type(v)));
  const auto& pair = v.get_array();
  if (pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
    co_return bad("bad server.version result: " + rpc::python_str(v));
  {
    std::lock_guard lock(mutex_);
    peer.set_server_version(std::string(pair[0].get_string()));
  }

  if (auto f = co_await check_headers(client)) co_return f;

  auto features = co_await client.call("server.features", boost::json::array());
  if (!features) co_return failed(features.error());
  if (!features->is_object())
    co_return bad("server.features returned bad result type " + std::string(rpc::python_type(*features)));
  const boost::json::object& f = features->get_object();
  boost::json::array hosts;
  bool listed = false;
  if (const auto* h = f.if_contains("hosts"); h && h->is_object())
    for (const auto& kv : h->get_object()) {
      hosts.emplace_back(detail::lowercase(kv.key()));
      listed = listed || hosts.back().get_string() == detail::lowercase(peer.host());
    }
  const auto* genesis = f.if_contains("genesis_hash");
  if (!genesis || !genesis->is_string() || genesis->get_string() != genesis_hex_)
    co_return bad("incorrect genesis hash");
  if (!listed) co_return bad("not listed in own hosts list " + rpc::python_str(hosts));
  {
    std::lock_guard lock(mutex_);
    peer.update_features(f);
  }

  auto listed_peers = co_await client.call("server.peers.subscribe", boost::json::array());
  if (!listed_peers) co_return failed(listed_peers.error());
  if (!listed_peers->is_array())
    co_return bad("server.peers.subscribe returned bad result type " + std::string(rpc::python_type(*listed_peers)));
  std::vector<Peer> remote;
  for (const auto& row : listed_peers->get_array()) {
    const auto* r = row.if_array();
    if (!r || r->size() < 3 || !(*r)[1].is_string() || !(*r)[2].is_array())
      co_return bad("bad server.peers.subscribe response");
    std::string name((*r)[1].get_string());
    for (const auto& d : (*r)[2].get_array()) {
      if (!d.is_string()) co_return bad("bad server.peers.subscribe response");
      name += " " + std::string(d.get_string());
    }
    if (auto p = Peer::from_real_name(name, peer.host(), rules_)) remote.push_back(std::move(*p));
  }
  auto mine = features_to_register(*e, remote);
  note(std::move(remote), 2, false, "");
  if (mine) {
    say("registering ourself with " + peer.host());
    auto r = co_await client.call("server.add_peer", rpc::params_of(std::move(*mine)));
    if (!r) co_return failed(r.error());
  }
  co_return std::nullopt;
}

// The peer's tip within 5 blocks of ours, and its header at the lower of the two tips ours.
boost::asio::awaitable<std::optional<PeerDiscovery::CheckFailure>> PeerDiscovery::check_headers(
    ElectrumClient& client) {
  auto bad = [](std::string why) { return std::optional<CheckFailure>(CheckFailure{true, std::move(why)}); };
  auto tip = co_await client.call("blockchain.headers.subscribe", boost::json::array());
  if (!tip) co_return CheckFailure{false, tip.error().message};
  if (!tip->is_object())
    co_return bad("blockchain.headers.subscribe returned bad result type " + std::string(rpc::python_type(*tip)));
  const auto* h = tip->get_object().if_contains("height");
  if (!h || !h->is_int64()) co_return bad("invalid height " + rpc::python_str(h ? *h : boost::json::value()));
  const std::int64_t theirs = h->get_int64();
  const int ours = service_.height();
  if (std::llabs(theirs - ours) > 5)
    co_return bad("bad height " + rpc::with_commas(theirs) + " (ours: " + rpc::with_commas(ours) + ")");
  const int at = static_cast<int>(std::min<std::int64_t>(ours, theirs));
  auto header = co_await client.call("blockchain.block.header", rpc::params_of(at));
  if (!header) co_return CheckFailure{false, header.error().message};
  if (!header->is_string())
    co_return bad("blockchain.block.header returned bad result type " + std::string(rpc::python_type(*header)));
  const auto our_header = service_.header(at);
  const std::string ours_hex = our_header ? to_hex(*our_header) : std::string();
  if (header->get_string() != ours_hex)
    co_return bad("our header " + ours_hex + " and theirs " + std::string(header->get_string()) + " differ");
  co_return std::nullopt;
}

// ElectrumX's _features_to_register: our features, unless announcing is off, the peer is
// ourselves, we have no public clearnet host, or the peer already lists us on our ports.
std::optional<boost::json::object> PeerDiscovery::features_to_register(const Entry& e,
                                                                       const std::vector<Peer>& remote) const {
  if (!config_.peer_announce || e.myself) return std::nullopt;
  const auto& hosts = features_.at("hosts").as_object();
  if (hosts.empty()) return std::nullopt;
  const Peer me(std::string(hosts.begin()->key()), features_, "env");
  if (me.is_tor() || !me.is_public(rules_)) return std::nullopt;
  for (const Peer& r : remote)
    if (me.matches(r, rules_) && r.tcp_port() == me.tcp_port() && r.ssl_port() == me.ssl_port()) return std::nullopt;
  return me.features();
}

boost::asio::awaitable<bool> PeerDiscovery::add_peer(boost::json::value features, std::string source) {
  if (config_.peer_discovery != PeerDiscoveryMode::on || !started_) co_return false;
  co_return co_await boost::asio::co_spawn(io_, add_peer_here(std::move(features), std::move(source)),
                                           boost::asio::use_awaitable);
}

// ElectrumX's on_add_peer, on the discovery thread.
boost::asio::awaitable<bool> PeerDiscovery::add_peer_here(boost::json::value features, std::string source) {
  if (source.empty()) {
    say("ignored add_peer request: no source info");
    co_return false;
  }
  std::vector<Peer> peers = Peer::from_features(features, source);
  if (peers.empty()) {
    say("ignored add_peer request: no peers given");
    co_return false;
  }
  Peer peer = std::move(peers.front());
  const double now = unix_time();
  // One add per domain (every IP address together) per pause; by the loopback rules, per server.
  std::string bucket = "ip_addr";
  if (rules_.loopback) {
    bucket = peer.host() + " " + std::to_string(peer.tcp_port().value_or(0)) + " " +
             std::to_string(peer.ssl_port().value_or(0));
  } else if (!peer.address()) {
    const std::string host = detail::lowercase(peer.host());
    const std::size_t last = host.rfind('.');
    const std::size_t before = last == std::string::npos || last == 0 ? std::string::npos : host.rfind('.', last - 1);
    bucket = before == std::string::npos ? host : host.substr(before + 1);
  }
  const double last = recent_adds_.count(bucket) ? recent_adds_[bucket] : 0;
  recent_adds_[bucket] = now;
  if (last + std::chrono::duration<double>(config_.peer_timings.add_pause).count() >= now) co_return false;

  bool permit = false;
  std::string reason;
  if (peer.is_tor()) {
    reason = "rate limiting";  // onion peers need a proxy: none here
  } else {
    boost::asio::ip::tcp::resolver resolver(io_);
    auto [ec, found] =
        co_await resolver.async_resolve(peer.host(), "80", boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec) {
      reason = "address resolution failure";
    } else {
      for (const auto& r : found) permit = permit || r.endpoint().address().to_string() == source;
      reason = "source-destination mismatch";
    }
  }
  if (!permit) {
    log_.warning("PeerDiscovery",
                 "rejected add_peer request from " + source + " for " + peer.host() + " (" + reason + ")");
    co_return false;
  }
  say("accepted add_peer request from " + source + " for " + peer.host());
  note({std::move(peer)}, 2, true, "");
  co_return true;
}

boost::asio::awaitable<void> PeerDiscovery::add_real_name(std::string real_name) {
  if (!started_) co_return;
  co_await boost::asio::co_spawn(io_, add_real_name_here(std::move(real_name)), boost::asio::use_awaitable);
}

boost::asio::awaitable<void> PeerDiscovery::add_real_name_here(std::string real_name) {
  if (auto p = Peer::from_real_name(real_name, "RPC", rules_)) note({std::move(*p)}, 2, true, "");
  co_return;
}

}  // namespace coinkit::electrum
