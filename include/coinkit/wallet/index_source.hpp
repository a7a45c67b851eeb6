// IndexSource<Index, Node>: the ChainSource of a wallet daemon in the same program as an Electrum
// server. The server's index answers at once (no socket, no JSON); the node gives raw
// transactions, fee estimates and broadcasts on threads of their own, as it does for the
// server's clients; the indexer's notifications become the tip and status events a server sends.
//   ElectrumServer<BtcPolicy, LmdbStorage> server(config);
//   Daemon<BtcPolicy, ElectrumWallet, InProcessSource> daemon(daemon_config, {},
//                                                            server.indexer().index(), server.indexer().node());
//   server.on_chain_event(daemon.source().chain_listener());  // before server.start()
#pragma once

#include <coinkit/chain/block_header.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/electrum/blocking_pool.hpp>
#include <coinkit/electrum/daemon_error.hpp>
#include <coinkit/indexer/detail/hash.hpp>
#include <coinkit/indexer/index.hpp>
#include <coinkit/indexer/notification.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/node/node_client.hpp>
#include <coinkit/rpc/electrumx.hpp>
#include <coinkit/wallet/chain_source.hpp>
#include <coinkit/wallet/verbose_transaction.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/value.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace coinkit::wallet {

// Index: indexer::Index<S> (snapshot(), history(), ...). Node: node::NodeClient, thread-safe.
template <class Index, class Node = node::NodeClient>
class IndexSource {
 public:
  // `ex`: the daemon's executor, where every event is delivered. Node calls that take longer
  // than `node_timeout` fail as ElectrumX's do (server busy).
  IndexSource(boost::asio::any_io_executor ex, Index& index, Node& node,
              std::chrono::milliseconds node_timeout = std::chrono::seconds(30))
      : ex_(std::move(ex)), index_(index), node_(node), node_timeout_(node_timeout) {}
  IndexSource(const IndexSource&) = delete;
  IndexSource& operator=(const IndexSource&) = delete;
  ~IndexSource() { pool_.join(); }

  // For ElectrumServer::on_chain_event: called on the indexer's thread, it hands each
  // notification to the daemon's executor. Dropped once this source is gone.
  std::function<void(const indexer::Notification&)> chain_listener() {
    return [this, ex = ex_, alive = std::weak_ptr<int>(alive_)](const indexer::Notification& n) {
      boost::asio::post(ex, [this, alive, n] {
        if (!alive.expired()) changed(n);
      });
    };
  }

  void listen(ChainEvents events) {
    events_ = std::move(events);
    if (ready_) boost::asio::post(ex_, [this] { reconnect(); });
  }
  // The index does not lie; an answer the engine refuses is a fault of this program: it is
  // logged, and the engine starts over at the next change of the index.
  void reject(const std::string& why) {
    say("the wallet engine refused the index's answer: " + why);
    ready_ = false;
  }
  // From the indexer's first catch-up on.
  bool connected() const noexcept { return ready_ && !stopped_; }
  void stop() { stopped_ = true; }
  std::string describe() const { return "the index of this program"; }
  std::string host() const { return "localhost"; }
  void set_log(std::function<void(const std::string&)> log) { log_ = std::move(log); }

  Answer<TipHeader> subscribe_headers() {
    auto t = tip();
    if (!t) co_return fault("the index has no tip yet");
    co_return *t;
  }

  Answer<std::optional<Hash256>> subscribe(const ScriptHash& sh) {
    auto h = index_.history(sh);
    if (!h) co_return fault(h.error().message());
    watched_.insert_or_assign(indexer::to_hashx(sh), Watched{sh, in_mempool(*h)});
    co_return Index::status_of(*h);
  }

  Answer<std::vector<HistoryItem>> history(const ScriptHash& sh) {
    auto h = index_.history(sh);
    if (!h) co_return fault(h.error().message());
    std::vector<HistoryItem> out;
    out.reserve(h->size());
    for (const auto& i : *h) out.push_back({i.txid, i.height});
    co_return out;
  }

  Answer<ScriptBalance> balance(const ScriptHash& sh) {
    const auto b = index_.balance(sh);
    co_return ScriptBalance{b.confirmed, b.unconfirmed};
  }

  Answer<std::vector<ScriptCoin>> unspent(const ScriptHash& sh) {
    auto u = index_.unspent(sh);
    if (!u) co_return fault(u.error().message());
    std::vector<ScriptCoin> out;
    out.reserve(u->size());
    for (const auto& c : *u) out.push_back({c.txid, c.vout, c.value, c.height});
    co_return out;
  }

  Answer<TxProof> proof(const Txid& txid, int height) {
    auto p = index_.transaction_proof(txid, height);
    if (!p) co_return fault("tx " + txid.to_hex() + " not in block at height " + std::to_string(height));
    co_return TxProof{std::move(p->branch), p->pos};
  }

  Answer<std::vector<BlockHeader>> headers(std::uint32_t start, std::uint32_t count) {
    const Bytes raw = index_.headers(static_cast<int>(start), static_cast<int>(std::min<std::uint32_t>(count, 2016)));
    const std::size_t stride = index_.header_size();
    std::vector<BlockHeader> out;
    out.reserve(raw.size() / stride);
    for (std::size_t at = 0; at + stride <= raw.size(); at += stride)
      out.push_back(*BlockHeader::try_parse(ByteSpan(raw).subspan(at, BlockHeader::serialized_size)));
    co_return out;
  }

  Answer<Bytes> transaction(const Txid& txid) {
    auto r = co_await raw_transaction(txid, false);
    if (!r) co_return busy();
    if (!*r) co_return node_fault(r->error());
    const boost::json::value& v = **r;
    auto raw = v.is_string() ? try_from_hex(v.get_string()) : result<Bytes>(core::error::invalid_hex_character);
    if (!raw) co_return fault("the node's getrawtransaction is not hex");
    co_return std::move(*raw);
  }

  Answer<ServerTransaction> transaction_info(const Txid& txid) {
    auto r = co_await raw_transaction(txid, true);
    if (!r) co_return busy();
    if (!*r) co_return node_fault(r->error());
    auto tx = parse_verbose_transaction(std::move(**r));
    if (!tx) co_return fault("the node's getrawtransaction has no hex");
    co_return std::move(*tx);
  }

  // In satoshis per kvB; nullopt when the node has no estimate.
  Answer<std::optional<std::int64_t>> estimate_fee(int blocks) {
    auto r = co_await smart_fee(blocks);
    if (!r) co_return busy();
    if (!*r) co_return node_fault(r->error());
    if (!**r) co_return std::optional<std::int64_t>();
    co_return std::optional<std::int64_t>(std::llround(***r * 1e8));
  }

  Answer<Txid> broadcast(const Bytes& raw) {
    auto r = co_await send(to_hex(raw));
    if (!r) co_return busy();
    if (!*r)
      co_return fault("the transaction was rejected by network rules.\n\n" + electrum::daemon_message(r->error()),
                      rpc::electrumx_code::bad_request);
    co_return **r;
  }

 private:
  struct Watched {
    ScriptHash sh;
    bool mempool = false;  // its history had unconfirmed entries: checked again at each new tip
  };

  template <class R>
  using NodeAnswer = boost::asio::awaitable<std::optional<node::NodeResult<R>>>;

  // Node calls on the pool. (Not coroutines: GCC 12 mishandles lambdas that capture by value
  // inside one.)
  NodeAnswer<boost::json::value> raw_transaction(const Txid& txid, bool verbose) {
    return pool_.run([&node = node_, txid, verbose] { return node.raw_transaction(txid, verbose); }, node_timeout_);
  }
  NodeAnswer<std::optional<double>> smart_fee(int blocks) {
    return pool_.run([&node = node_, blocks] { return node.estimate_smart_fee(blocks); }, node_timeout_);
  }
  NodeAnswer<Txid> send(std::string hex) {
    return pool_.run([&node = node_, hex = std::move(hex)] { return node.send_raw_transaction(hex); }, node_timeout_);
  }

  static rpc::Fault fault(std::string message, int code = -1) { return rpc::Fault{code, std::move(message)}; }
  static rpc::Fault busy() { return fault("server busy - request timed out", rpc::electrumx_code::server_busy); }
  static rpc::Fault node_fault(const node::NodeFailure& f) {
    return fault(electrum::daemon_error_text(f), rpc::electrumx_code::daemon_error);
  }

  static bool in_mempool(const std::vector<indexer::HistoryItem>& h) {
    return std::any_of(h.begin(), h.end(), [](const auto& i) { return i.height <= 0; });
  }

  void say(const std::string& line) {
    if (log_) log_(line);
  }

  std::optional<TipHeader> tip() const {
    auto s = index_.snapshot();
    const int height = s.height();
    const ByteSpan raw = s.raw_header(height);
    if (height < 0 || raw.size() < BlockHeader::serialized_size) return std::nullopt;
    auto header = BlockHeader::try_parse(raw.first(BlockHeader::serialized_size));
    if (!header) return std::nullopt;
    return TipHeader{static_cast<std::uint32_t>(height), *header};
  }

  void reconnect() {
    if (events_.reconnected && !stopped_) events_.reconnected();
  }

  // On the daemon's executor. The first notification (the catch-up) makes the source ready: the
  // engine subscribes everything then, as after an Electrum server's connection.
  void changed(const indexer::Notification& n) {
    if (stopped_) return;
    if (!ready_) {
      ready_ = true;
      return reconnect();
    }
    if (n.new_tip)
      if (auto t = tip(); t && events_.tip) events_.tip(*t);
    std::vector<indexer::HashX> check;
    for (const indexer::HashX& hx : n.touched)
      if (watched_.contains(hx)) check.push_back(hx);
    if (n.new_tip)  // a mempool entry's height (0 or -1) may change with its parents'
      for (const auto& [hx, w] : watched_)
        if (w.mempool && !std::binary_search(n.touched.begin(), n.touched.end(), hx)) check.push_back(hx);
    for (const indexer::HashX& hx : check) {
      Watched& w = watched_.find(hx)->second;
      const ScriptHash sh = w.sh;  // (the event may subscribe more, and move `w`)
      auto h = index_.history(sh);
      if (!h) continue;
      w.mempool = in_mempool(*h);
      if (events_.status) events_.status(sh, Index::status_of(*h));
    }
  }

  boost::asio::any_io_executor ex_;
  Index& index_;
  Node& node_;
  std::chrono::milliseconds node_timeout_;
  electrum::BlockingPool pool_{2};
  ChainEvents events_;
  std::function<void(const std::string&)> log_;
  boost::unordered_flat_map<indexer::HashX, Watched, indexer::detail::HashXHash> watched_;
  bool ready_ = false, stopped_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

// The source of a daemon beside coinkit's Electrum server over LMDB.
using InProcessSource = IndexSource<indexer::Index<LmdbStorage>>;

static_assert(ChainSource<InProcessSource>);

}  // namespace coinkit::wallet
