// PeerDiscovery: the other Electrum servers of this chain, found and checked as ElectrumX finds
// them (server/peers.py): from PEER_SEEDS, server.add_peer and the peers' own lists; each checked
// (server.version, same genesis, height within 5 of ours and the same header there, listed in its
// own hosts) before server.peers.subscribe lists it, checked again before it turns stale, and
// forgotten after failed tries. This server announces itself to the peers that do not list it.
#pragma once

#include <coinkit/detail/config.hpp>

#include <coinkit/electrum/config.hpp>
#include <coinkit/electrum/electrum_client.hpp>
#include <coinkit/electrum/log.hpp>
#include <coinkit/electrum/peer.hpp>
#include <coinkit/electrum/service.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace coinkit::electrum {

class PeerDiscovery {
 public:
  // `service`: our height, headers, features and network. Nothing runs before start().
  COINKIT_DECL PeerDiscovery(const ServerConfig& config, Service& service, const Log& log);
  PeerDiscovery(const PeerDiscovery&) = delete;
  PeerDiscovery& operator=(const PeerDiscovery&) = delete;
  ~PeerDiscovery() { stop(); }

  // Starts its thread; with PEER_DISCOVERY=on checks this server's REPORT_SERVICES and the seeds.
  COINKIT_DECL void start();
  // Stops every check; idempotent.
  COINKIT_DECL void stop();

  // server.peers.subscribe: recent good peers, at most two per /16 (IPv4) or /56 (IPv6), and
  // ourselves once checked. Any thread.
  COINKIT_DECL boost::json::array subscribe_rows() const;
  // server.add_peer(features) from a client at `source` (its IP address): true when the first
  // host of the features resolves to `source` and no other was added from its domain within the
  // pause; the peer is then checked. From any session's coroutine.
  COINKIT_DECL boost::asio::awaitable<bool> add_peer(boost::json::value features, std::string source);
  // LocalRPC add_peer("host s50002 t50001"): noted and checked.
  COINKIT_DECL boost::asio::awaitable<void> add_real_name(std::string real_name);
  // LocalRPC peers: each peer's record and status (good, stale, never, bad), bad last, most
  // recently good first.
  COINKIT_DECL boost::json::array records() const;
  // LocalRPC getinfo's "peers": bad, good, never, stale, total.
  COINKIT_DECL boost::json::object counts() const;

 private:
  enum class Status { good, stale, never, bad };
  struct Entry {
    Entry(Peer p, boost::asio::any_io_executor ex, bool me) : peer(std::move(p)), retry(ex), myself(me) {}
    Peer peer;
    boost::asio::steady_timer retry;  // cancelled: check now
    bool retry_now = false;
    bool myself = false;                                                     // one of our REPORT_SERVICES hosts
    bool removed = false;                                                    // forgotten or replaced: its monitor ends
    std::vector<std::pair<bool, std::optional<std::uint16_t>>> other_ports;  // (tls, port) to try too
  };
  using EntryPtr = std::shared_ptr<Entry>;

  // Why a check failed: a bad peer (marked bad: ElectrumX's BadPeerError), or one that could not
  // be asked (unreachable, an error reply).
  struct CheckFailure {
    bool bad = false;
    std::string why;
  };

  COINKIT_DECL Status status_of(const Entry& e, double now) const;
  COINKIT_DECL std::vector<EntryPtr> recent_good() const;

  COINKIT_DECL void note(std::vector<Peer> peers, std::size_t limit, bool check_ports, std::string_view source,
                         bool myself = false);
  COINKIT_DECL boost::asio::awaitable<void> monitor(EntryPtr e);
  COINKIT_DECL boost::asio::awaitable<bool> should_drop(EntryPtr e);
  COINKIT_DECL boost::asio::awaitable<std::optional<CheckFailure>> check(ElectrumClient& client, EntryPtr e);
  COINKIT_DECL boost::asio::awaitable<std::optional<CheckFailure>> check_headers(ElectrumClient& client);
  COINKIT_DECL std::optional<boost::json::object> features_to_register(const Entry& e,
                                                                       const std::vector<Peer>& remote) const;
  COINKIT_DECL boost::asio::awaitable<bool> add_peer_here(boost::json::value features, std::string source);
  COINKIT_DECL boost::asio::awaitable<void> add_real_name_here(std::string real_name);
  void say(const std::string& line) const { log_.info("PeerDiscovery", line); }

  const ServerConfig& config_;
  Service& service_;
  const Log& log_;
  PeerRules rules_;
  boost::json::object features_;  // ours, as server.features answers
  std::string genesis_hex_;
  boost::asio::io_context io_;
  std::thread thread_;
  std::future<void> ran_out_;  // ready when thread_'s io_.run() returned: nothing left to do
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::atomic<bool> started_{false};
  bool stopping_ = false;     // on the discovery thread
  mutable std::mutex mutex_;  // entries_ and their peers: written on the discovery thread, read anywhere
  std::list<EntryPtr> entries_;
  std::map<std::string, double> recent_adds_;  // add_peer's rate limit: bucket -> Unix time
  std::mt19937 random_{std::random_device{}()};
};

}  // namespace coinkit::electrum

#if COINKIT_HEADER_ONLY
#include <coinkit/electrum/impl/peer_discovery.ipp>
#endif
