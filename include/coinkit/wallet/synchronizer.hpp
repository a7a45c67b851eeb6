// Synchronizer<Coin, Wallet, Source>: a daemon's one link to the chain, shared by its wallets:
// it follows the server's headers into an SPV HeaderChain, subscribes to every address of every
// wallet, takes in their histories and transactions, verifies each mined transaction's merkle
// branch against the headers, and says what changed (new_block, new_transaction, verified_tx).
// A server that lies is dropped; what it claimed does not reach a wallet.
#pragma once

#include <coinkit/wallet/chain_source.hpp>
#include <coinkit/wallet/header_chain.hpp>
#include <coinkit/wallet/wallet_history.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace coinkit::wallet {

// What the synchronizer tells the daemon: an event for one wallet (its key) or for all.
using EventSink = std::function<void(const std::string* wallet, boost::json::object event)>;

template <class Coin, class Wallet, ChainSource Source>
class Synchronizer {
 public:
  using WalletPtr = std::shared_ptr<Wallet>;

  Synchronizer(boost::asio::any_io_executor ex, Source& source, const Network& net, EventSink events,
               std::function<void(const std::string&)> log = {})
      : ex_(std::move(ex)), source_(source), net_(net), events_(std::move(events)), log_(std::move(log)) {}

  // Starts listening to the source: every connection (the first, and after each loss) subscribes
  // to the headers and to every address again.
  void start() {
    source_.listen({[this] { spawn(reconnected()); }, [this](const TipHeader& tip) { spawn(on_tip(tip)); },
                    [this](const ScriptHash& sh, const std::optional<Hash256>& status) { on_status(sh, status); }});
  }

  int local_height() const noexcept { return chain_ ? static_cast<int>(chain_->tip_height()) : 0; }
  int server_height() const noexcept { return server_height_; }
  const HeaderChain<Coin>* header_chain() const noexcept { return chain_ ? &*chain_ : nullptr; }
  bool connected() const { return source_.connected(); }
  Source& source() noexcept { return source_; }

  // Adds a wallet under its key (which must stay where it is until remove()): its addresses are
  // subscribed now (or on connection).
  void add(const std::string& key, WalletPtr wallet) {
    keys_.emplace(wallet.get(), Entry{&key, wallet});
    for (std::uint32_t slot = 0; slot < wallet->slot_count(); ++slot) watch(wallet, slot);
    if (ready_) sync_slots(wallet, all_slots(*wallet));
  }

  void remove(const WalletPtr& wallet) {
    keys_.erase(wallet.get());
    for (std::uint32_t slot = 0; slot < wallet->slot_count(); ++slot) {
      const ScriptHash& sh = wallet->script_hash(slot);
      auto [first, last] = more_watchers_.equal_range(sh);
      for (auto it = first; it != last;) it = it->second.wallet == wallet.get() ? more_watchers_.erase(it) : ++it;
      auto it = watchers_.find(sh);
      if (it == watchers_.end() || it->second.wallet != wallet.get()) continue;
      if (auto other = more_watchers_.find(sh); other != more_watchers_.end()) {
        it->second = other->second;  // another wallet's address becomes the first
        more_watchers_.erase(other);
      } else {
        watchers_.erase(it);
      }
    }
  }

  // New addresses of a wallet (createnewaddress): subscribed like the others.
  void added_slots(const WalletPtr& wallet, const std::vector<std::uint32_t>& slots) {
    for (auto slot : slots) watch(wallet, slot);
    if (ready_) sync_slots(wallet, slots);
  }

 private:
  // Who watches a script: a wallet (owned by keys_) and its slot.
  struct Watcher {
    const Wallet* wallet;
    std::uint32_t slot;
  };

  template <class Awaitable>
  void spawn(Awaitable&& a) {
    boost::asio::co_spawn(ex_, std::forward<Awaitable>(a), boost::asio::detached);
  }

  void say(const std::string& line) {
    if (log_) log_(line);
  }

  void emit(const Wallet* wallet, boost::json::object event) {
    if (!events_) return;
    if (!wallet) return events_(nullptr, std::move(event));
    if (auto it = keys_.find(wallet); it != keys_.end()) events_(it->second.key, std::move(event));
  }

  static std::vector<std::uint32_t> all_slots(const Wallet& w) {
    std::vector<std::uint32_t> s(w.slot_count());
    for (std::uint32_t i = 0; i < s.size(); ++i) s[i] = i;
    return s;
  }

  void watch(const WalletPtr& wallet, std::uint32_t slot) {
    const ScriptHash& sh = wallet->script_hash(slot);
    if (!watchers_.try_emplace(sh, Watcher{wallet.get(), slot}).second)
      more_watchers_.emplace(sh, Watcher{wallet.get(), slot});
  }

  // ---- connection ------------------------------------------------------------------------

  boost::asio::awaitable<void> reconnected() {
    ready_ = false;
    auto tip = co_await source_.subscribe_headers();
    if (!tip) co_return say("blockchain.headers.subscribe: " + tip.error().message);
    if (!co_await follow(*tip)) co_return;
    ready_ = true;
    for (auto& [ptr, entry] : keys_) {
      sync_slots(entry.wallet, all_slots(*entry.wallet));
      verify_pending(entry.wallet);  // what the last server failed to prove, asked of this one
    }
  }

  // ---- headers ---------------------------------------------------------------------------

  boost::asio::awaitable<void> on_tip(TipHeader tip) {
    const int before = local_height();
    if (!co_await follow(tip)) co_return;
    if (local_height() != before) emit(nullptr, {{"event", "new_block"}, {"height", local_height()}});
    // Deeper confirmations may roll gap limits forward; higher headers let more txs verify.
    for (auto& [ptr, entry] : keys_) {
      auto added = entry.wallet->roll_gap_limit(local_height());
      if (!added.empty()) added_slots(entry.wallet, added);
      verify_pending(entry.wallet);
    }
  }

  // Brings the header chain to `tip`: the first time from a checkpoint, then by linking the
  // new headers (fetching back as far as a reorg reaches). False when the server lied.
  boost::asio::awaitable<bool> follow(TipHeader tip) {
    server_height_ = static_cast<int>(tip.height);
    if (!chain_) {
      if (!co_await start_chain(tip.height)) co_return false;
    }
    if (tip.height <= chain_->base_height()) co_return true;
    std::uint32_t from = std::min<std::uint32_t>(tip.height, chain_->tip_height() + 1);
    for (std::uint32_t back = 1;; back *= 2) {
      std::vector<BlockHeader> batch;
      if (from == tip.height) {
        batch.push_back(tip.header);
      } else {
        auto got = co_await fetch_headers(from, tip.height - from + 1);
        if (!got) co_return false;
        batch = std::move(*got);
        if (batch.empty() || batch.back() != tip.header) {
          source_.reject("blockchain.block.headers disagrees with the tip it announced");
          co_return false;
        }
      }
      const std::uint32_t old_tip = chain_->tip_height();
      auto changed = chain_->connect(from, batch);
      if (changed) {
        if (*changed <= old_tip) reorged(*changed);
        co_return true;
      }
      if (changed.error() != error::header_not_linked || from <= chain_->base_height() + 1) {
        source_.reject("its headers are refused: " + changed.error().message());
        co_return false;
      }
      // Not linked: a reorg below `from`. Look further back, twice as far each time.
      from = from > chain_->base_height() + back ? from - back : chain_->base_height() + 1;
    }
  }

  boost::asio::awaitable<std::optional<std::vector<BlockHeader>>> fetch_headers(std::uint32_t from,
                                                                                std::uint32_t count) {
    std::vector<BlockHeader> out;
    while (count > 0) {
      const std::uint32_t n = std::min<std::uint32_t>(count, 2016);
      auto got = co_await source_.headers(from, n);
      if (!got) {
        say("blockchain.block.headers: " + got.error().message);
        co_return std::nullopt;
      }
      if (got->empty()) break;
      from += static_cast<std::uint32_t>(got->size());
      count -= std::min<std::uint32_t>(count, static_cast<std::uint32_t>(got->size()));
      out.insert(out.end(), got->begin(), got->end());
      if (got->size() < n) break;
    }
    co_return out;
  }

  // The chain starts at genesis (checked against the coin's) on a short chain; on a long one at
  // a retarget boundary about two periods below the tip, whose header is taken from the server
  // (documented in docs/wallet.md: Electrum ships checkpoints instead).
  boost::asio::awaitable<bool> start_chain(std::uint32_t tip_height) {
    constexpr std::uint32_t period = 2016;
    const std::uint32_t base = tip_height < 2 * period ? 0 : (tip_height - period) / period * period;
    auto got = co_await source_.headers(base, 1);
    if (!got || got->size() != 1) {
      say("cannot read the header at " + std::to_string(base));
      co_return false;
    }
    if (base == 0 && got->front().hash() != net_.genesis_hash) {
      source_.reject("it follows another chain (its genesis differs)");
      co_return false;
    }
    chain_.emplace(net_.id, base, got->front());
    co_return true;
  }

  // Headers from `height` up were replaced: what was verified there must be verified again.
  void reorged(std::uint32_t height) {
    say("reorg: headers from " + std::to_string(height) + " replaced");
    for (auto& [ptr, entry] : keys_) entry.wallet->history().unverify_from(static_cast<int>(height));
  }

  // ---- addresses -------------------------------------------------------------------------

  void on_status(const ScriptHash& sh, const std::optional<Hash256>& status) {
    auto notify = [&](const Watcher& w) {
      auto entry = keys_.find(w.wallet);
      if (entry == keys_.end()) return;
      ++entry->second.wallet->updates_in_flight();
      spawn(update(entry->second.wallet, w.slot, status));
    };
    auto it = watchers_.find(sh);
    if (it == watchers_.end()) return;
    notify(it->second);
    auto [first, last] = more_watchers_.equal_range(sh);
    for (auto m = first; m != last; ++m) notify(m->second);
  }

  void sync_slots(const WalletPtr& wallet, const std::vector<std::uint32_t>& slots) {
    for (auto slot : slots) {
      ++wallet->updates_in_flight();
      spawn(subscribe(wallet, slot));
    }
  }

  boost::asio::awaitable<void> subscribe(WalletPtr wallet, std::uint32_t slot) {
    auto status = co_await source_.subscribe(wallet->script_hash(slot));
    if (!status) {
      --wallet->updates_in_flight();
      co_return;  // the connection went: reconnected() subscribes again
    }
    co_await update(wallet, slot, *status);
  }

  // Takes the server's history of one address when its status differs from the wallet's: every
  // new transaction fetched and checked against its txid first. One update of an address runs at
  // a time; a status that arrives meanwhile makes the running one ask again, so an older history
  // never replaces a newer one.
  boost::asio::awaitable<void> update(WalletPtr wallet, std::uint32_t slot, std::optional<Hash256> status) {
    const SlotKey key{wallet.get(), slot};
    if (auto it = updating_.find(key); it != updating_.end()) {
      it->second = true;  // the running update goes round once more
      --wallet->updates_in_flight();
      co_return;
    }
    updating_.emplace(key, false);
    auto& history = wallet->history();
    bool ok = true, again = status != history.status(slot);
    while (ok && again && keys_.contains(wallet.get())) {
      updating_[key] = false;
      std::vector<Txid> new_txs;
      auto items = co_await source_.history(wallet->script_hash(slot));
      ok = items.has_value();
      for (std::size_t i = 0; ok && i < items->size(); ++i) {
        const HistoryItem& item = (*items)[i];
        if (history.transaction(item.txid)) continue;
        auto raw = co_await source_.transaction(item.txid);
        if (!raw) {
          ok = false;
          break;
        }
        auto tx = Transaction::try_parse(*raw);
        if (!tx || tx->txid() != item.txid) {
          source_.reject("blockchain.transaction.get gave bytes that are not " + item.txid.to_hex());
          ok = false;
          break;
        }
        if (history.add_transaction(std::move(*tx), item.height)) new_txs.push_back(item.txid);
      }
      if (ok && keys_.contains(wallet.get())) {
        history.set_history(slot, std::move(*items));
        for (const Txid& t : new_txs) emit(wallet.get(), {{"event", "new_transaction"}, {"tx", t.to_hex()}});
        verify_pending(wallet);
      }
      again = updating_[key];
    }
    updating_.erase(key);
    if (--wallet->updates_in_flight() == 0 && ok) finished(wallet);
  }

  // No update in flight: roll the gap limit; with no new address, the wallet is synchronized.
  void finished(const WalletPtr& wallet) {
    auto added = wallet->roll_gap_limit(local_height());
    if (!added.empty()) return added_slots(wallet, added);
    if (!wallet->synchronized()) wallet->set_synchronized(true);
  }

  // ---- SPV -------------------------------------------------------------------------------

  void verify_pending(const WalletPtr& wallet) {
    if (!chain_) return;
    std::vector<std::pair<Txid, int>> todo;
    wallet->history().for_each_transaction([&](const Txid& id, const WalletTx& t) {
      if (!t.verified && t.height > 0 && t.height <= local_height()) todo.emplace_back(id, t.height);
    });
    for (auto& [id, height] : todo) {
      if (!verifying_.emplace(std::pair{wallet.get(), id}).second) continue;
      spawn(verify(wallet, id, height));
    }
  }

  boost::asio::awaitable<void> verify(WalletPtr wallet, Txid txid, int height) {
    auto proof = co_await source_.proof(txid, height);
    verifying_.erase(std::pair{wallet.get(), txid});
    if (!proof || !chain_) co_return;
    WalletTx* t = wallet->history().transaction(txid);
    if (!t || t->height != height || t->verified) co_return;  // moved meanwhile: verified again later
    auto ok =
        chain_->verify_inclusion(Hash256::from(txid), proof->branch, proof->pos, static_cast<std::uint32_t>(height));
    if (!ok) {
      source_.reject("the merkle branch of " + txid.to_hex() + " at " + std::to_string(height) + " is wrong (" +
                     ok.error().message() + ")");
      co_return;
    }
    t->verified = true;
    t->pos = static_cast<std::uint32_t>(proof->pos);
    t->timestamp = chain_->at(static_cast<std::uint32_t>(height))->time;
    emit(wallet.get(), {{"event", "verified_tx"}, {"tx", txid.to_hex()}, {"height", height}});
  }

  struct PairHash {
    std::size_t operator()(const std::pair<const Wallet*, Txid>& p) const noexcept {
      return std::hash<Txid>()(p.second) ^ std::hash<const void*>()(p.first);
    }
  };
  using SlotKey = std::pair<const Wallet*, std::uint32_t>;
  struct SlotKeyHash {
    std::size_t operator()(const SlotKey& k) const noexcept {
      return std::hash<const void*>()(k.first) ^ (std::size_t{k.second} * 0x9e3779b97f4a7c15ull);
    }
  };

  boost::asio::any_io_executor ex_;
  Source& source_;
  const Network& net_;
  EventSink events_;
  std::function<void(const std::string&)> log_;
  std::optional<HeaderChain<Coin>> chain_;
  bool ready_ = false;
  int server_height_ = 0;
  struct Entry {
    const std::string* key;  // the daemon's
    WalletPtr wallet;
  };
  boost::unordered_flat_map<const Wallet*, Entry> keys_;
  // Every script of every wallet: the first wallet to watch it here, any other (rare: two wallets
  // sharing an address) in more_watchers_.
  boost::unordered_flat_map<ScriptHash, Watcher, std::hash<ScriptHash>> watchers_;
  std::unordered_multimap<ScriptHash, Watcher, std::hash<ScriptHash>> more_watchers_;
  boost::unordered_flat_set<std::pair<const Wallet*, Txid>, PairHash> verifying_;
  boost::unordered_flat_map<SlotKey, bool, SlotKeyHash> updating_;  // slot -> asked again meanwhile
};

}  // namespace coinkit::wallet
