// WalletStore: a daemon's wallets on disk, in one LMDB environment: what each wallet is made of
// (its key text, how far its address chains reach), its payment requests, its frozen addresses
// and coins, and its local transactions; each change atomic and durable when commit() returns.
// The files are the owner's alone (0600 in a 0700 directory) and nothing in a file name comes
// from a key.
#pragma once

#include <coinkit/chain/detail/archive.hpp>
#include <coinkit/chain/outpoint.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/reader.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/core/writer.hpp>
#include <coinkit/indexer/storage/journal.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/wallet/request_book.hpp>

#include <strings.h>  // explicit_bzero

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit::wallet {

struct StoredWallet {
  std::string key;              // the `xpub` text, as given
  std::uint32_t receiving = 0;  // addresses derived on each chain (createnewaddress goes past
  std::uint32_t change = 0;     // the gap limit, and must still be there after a restart)
  bool operator==(const StoredWallet&) const = default;
};

// Electrum's frozen_addresses and frozen_coins: what a wallet does not spend.
struct FrozenState {
  std::vector<std::string> addresses;
  std::vector<OutPoint> coins;
};

// A commit is a record in a Journal (one synchronous write: a payment request is on disk in one,
// where an LMDB commit takes two), kept in memory until a checkpoint applies what the journal
// holds to LMDB in one commit, when the journal is full, and when the store closes; reads see
// LMDB with the changes not yet applied on top. Opening applies what a crash left in the journal.
class WalletStore {
 public:
  // Opens (creating) the store in `dir`. Throws system_error naming the directory when it cannot.
  explicit WalletStore(const std::filesystem::path& dir)
      : db_(options(dir), tables), journal_(dir / "journal", journal_capacity) {
    recover();
  }
  WalletStore(const WalletStore&) = delete;
  WalletStore& operator=(const WalletStore&) = delete;
  // Applies the journal (when it cannot, the next opening does).
  ~WalletStore() {
    std::lock_guard lock(mutex_);
    (void)checkpoint();
  }

  // The record of the wallet with this key text, if it was saved.
  std::optional<StoredWallet> find(std::string_view key) const {
    auto value = get(wallets, id(key));
    if (!value || value->size() < 9 || (*value)[0] != format) return std::nullopt;
    StoredWallet w;
    w.receiving = load_le<std::uint32_t>(value->data() + 1);
    w.change = load_le<std::uint32_t>(value->data() + 5);
    w.key.assign(reinterpret_cast<const char*>(value->data() + 9), value->size() - 9);
    if (w.key != key) return std::nullopt;  // (a digest collision: never in practice)
    return w;
  }

  // Changes committed together, all or none: each is encoded when it is added (the state of
  // that moment), and applied in the order added.
  class Batch {
   public:
    Batch() = default;
    Batch(Batch&&) noexcept = default;
    Batch& operator=(Batch&&) noexcept = default;
    ~Batch() {
      for (Op& op : ops_) explicit_bzero(op.value.data(), op.value.size());  // records hold key text
    }

    // Saves (replaces) the wallet's record.
    Batch& save(const StoredWallet& w) {
      Bytes value(9 + w.key.size());
      value[0] = format;
      store_le<std::uint32_t>(value.data() + 1, w.receiving);
      store_le<std::uint32_t>(value.data() + 5, w.change);
      std::copy(w.key.begin(), w.key.end(), value.begin() + 9);
      ops_.push_back({Op::put, wallets, as_vector(id(w.key)), std::move(value)});
      return *this;
    }
    // Forgets the wallet and everything of it.
    Batch& erase(std::string_view key) {
      ops_.push_back({Op::erase, wallets, as_vector(id(key)), {}});
      for (indexer::TableId t : {frozen, local_txs}) ops_.push_back({Op::erase_prefix, t, as_vector(id(key)), {}});
      return clear_requests(key);
    }
    // Saves (replaces) one request of the wallet.
    Batch& save_request(std::string_view key, const RequestBook::Entry& e) {
      Bytes value;
      BytesSink sink{value};
      ByteWriter<BytesSink> w(sink);
      w.u8(format);
      w.le64(e.seq);
      w.le32(e.slot);
      w.u8(static_cast<std::uint8_t>(e.announced));
      w.le64(static_cast<std::uint64_t>(e.request.amount));
      w.le64(static_cast<std::uint64_t>(e.request.time));
      w.le64(static_cast<std::uint64_t>(e.request.expiry));
      w.le32(static_cast<std::uint32_t>(e.request.height));
      w.var_bytes(as_bytes(e.request.address));
      w.var_bytes(as_bytes(e.request.message));
      ops_.push_back({Op::put, requests, request_key(id(key), e.id), std::move(value)});
      return *this;
    }
    Batch& erase_request(std::string_view key, std::string_view request_id) {
      ops_.push_back({Op::erase, requests, request_key(id(key), request_id), {}});
      return *this;
    }
    Batch& clear_requests(std::string_view key) {
      ops_.push_back({Op::erase_prefix, requests, as_vector(id(key)), {}});
      return *this;
    }
    // An address (its text) or a coin frozen, or no longer.
    Batch& freeze_address(std::string_view key, std::string_view address, bool freeze) {
      return frozen_item(key, 'a', as_bytes(address), freeze);
    }
    Batch& freeze_coin(std::string_view key, const OutPoint& coin, bool freeze) {
      Bytes item;
      BytesSink sink{item};
      chain::detail::write_fields(sink, coin);  // as in a transaction: txid, then index (le32)
      return frozen_item(key, 'c', item, freeze);
    }
    // A local transaction kept, or forgotten.
    Batch& save_local(std::string_view key, const Transaction& tx) {
      ops_.push_back({Op::put, local_txs, item_key(id(key), tx.txid().span()), tx.serialize()});
      return *this;
    }
    Batch& erase_local(std::string_view key, const Txid& txid) {
      ops_.push_back({Op::erase, local_txs, item_key(id(key), txid.span()), {}});
      return *this;
    }
    // `other`'s changes after these.
    Batch& append(Batch&& other) {
      for (Op& op : other.ops_) ops_.push_back(std::move(op));
      other.ops_.clear();
      return *this;
    }
    bool empty() const noexcept { return ops_.empty(); }

   private:
    friend class WalletStore;
    Batch& frozen_item(std::string_view key, char kind, ByteSpan item, bool freeze) {
      Bytes k = item_key(id(key), ByteSpan(reinterpret_cast<const std::uint8_t*>(&kind), 1));
      coinkit::append(k, item);
      ops_.push_back({freeze ? Op::put : Op::erase, frozen, std::move(k), {}});
      return *this;
    }
    struct Op {
      enum Kind : std::uint8_t { put, erase, erase_prefix } kind;
      indexer::TableId table;
      Bytes key, value;
    };
    static Bytes as_vector(const std::array<std::uint8_t, 32>& a) { return Bytes(a.begin(), a.end()); }
    std::vector<Op> ops_;
  };

  // Writes the batch, durably, before it returns: disk_full, map_full or storage_failure when it
  // could not, and then nothing of it was written.
  result<void> commit(const Batch& b) {
    std::lock_guard lock(mutex_);
    const Bytes payload = encode(b.ops_);
    if (!journal_.fits(payload.size())) {
      if (auto r = checkpoint(); !r) return r;
      if (!journal_.fits(payload.size())) return apply(b.ops_, std::nullopt);  // larger than the journal
    }
    if (auto r = journal_.append(next_seq_, payload); !r) return r;
    ++next_seq_;
    pending_.insert(pending_.end(), b.ops_.begin(), b.ops_.end());
    return {};
  }

  // Applies the journal to LMDB now (it is otherwise applied when full, and at closing).
  result<void> checkpoint_now() {
    std::lock_guard lock(mutex_);
    return checkpoint();
  }

  // One change, committed alone.
  result<void> save(const StoredWallet& w) { return commit(Batch().save(w)); }
  result<void> erase(std::string_view key) { return commit(Batch().erase(key)); }

  // The wallet's requests as saved, in no particular order (RequestBook::restore orders them);
  // the script of each is the caller's to fill in from its slot. A record this version cannot
  // read is skipped, not guessed at.
  std::vector<RequestBook::Entry> requests_of(std::string_view key) const {
    std::vector<RequestBook::Entry> out;
    const auto key_id = id(key);
    scan(requests, key_id, [&](ByteSpan k, ByteSpan v) {
      ByteReader r(v);
      if (r.u8() != format) return;
      RequestBook::Entry e;
      const ByteSpan rid = k.subspan(key_id.size());
      e.id.assign(reinterpret_cast<const char*>(rid.data()), rid.size());
      e.seq = r.le64();
      e.slot = r.le32();
      e.announced = static_cast<RequestStatus>(r.u8());
      e.request.amount = r.le64s();
      e.request.time = r.le64s();
      e.request.expiry = r.le64s();
      e.request.height = r.le32s();
      const ByteSpan address = r.var_bytes(), message = r.var_bytes();
      r.expect_end();
      if (!r.ok()) return;
      e.request.address.assign(reinterpret_cast<const char*>(address.data()), address.size());
      e.request.message.assign(reinterpret_cast<const char*>(message.data()), message.size());
      out.push_back(std::move(e));
    });
    return out;
  }

  // What the wallet does not spend, as saved.
  FrozenState frozen_of(std::string_view key) const {
    FrozenState out;
    const auto key_id = id(key);
    scan(frozen, key_id, [&](ByteSpan k, ByteSpan) {
      const ByteSpan item = k.subspan(key_id.size() + 1);
      const char kind = static_cast<char>(k[key_id.size()]);
      if (kind == 'a') {
        out.addresses.emplace_back(reinterpret_cast<const char*>(item.data()), item.size());
      } else if (kind == 'c' && item.size() == OutPoint::serialized_size) {
        ByteReader r(item);
        chain::detail::read_fields(r, out.coins.emplace_back());
      }
    });
    return out;
  }

  // The wallet's local transactions as saved; one that does not parse is skipped.
  std::vector<Transaction> local_transactions_of(std::string_view key) const {
    std::vector<Transaction> out;
    scan(local_txs, id(key), [&](ByteSpan, ByteSpan v) {
      if (auto tx = Transaction::try_parse(v)) out.push_back(std::move(*tx));
    });
    return out;
  }

 private:
  using Op = Batch::Op;

  static constexpr std::uint8_t format = 1;
  static constexpr indexer::TableSpec tables[] = {
      {"wallets", 0}, {"requests", 0}, {"frozen", 0}, {"local_txs", 0}, {"journal", 0}};
  static constexpr indexer::TableId wallets = 0;
  static constexpr indexer::TableId requests = 1;
  static constexpr indexer::TableId frozen = 2;     // wallet ‖ 'a' ‖ address text, or wallet ‖ 'c' ‖ outpoint
  static constexpr indexer::TableId local_txs = 3;  // wallet ‖ txid → the transaction
  static constexpr indexer::TableId journal = 4;    // "applied" → the last journal record applied (le64)
  static constexpr std::string_view applied_key = "applied";
  // 1,024 records of one page: a checkpoint (two synced writes) per thousand requests.
  static constexpr std::size_t journal_capacity = std::size_t{4} << 20;

  // A batch's changes as a journal record: kind, table, key and value of each.
  static Bytes encode(const std::vector<Op>& ops) {
    Bytes out;
    BytesSink sink{out};
    ByteWriter<BytesSink> w(sink);
    for (const Op& op : ops) {
      w.u8(op.kind);
      w.u8(static_cast<std::uint8_t>(op.table));
      w.var_bytes(op.key);
      w.var_bytes(op.value);
    }
    return out;
  }
  static std::optional<std::vector<Op>> decode(ByteSpan payload) {
    std::vector<Op> ops;
    ByteReader r(payload);
    while (r.ok() && r.remaining() > 0) {
      const std::uint8_t kind = r.u8(), table = r.u8();
      const ByteSpan key = r.var_bytes(), value = r.var_bytes();
      if (!r.ok() || kind > Op::erase_prefix || table >= journal) return std::nullopt;
      ops.push_back(
          {static_cast<Op::Kind>(kind), table, Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end())});
    }
    if (!r.ok()) return std::nullopt;
    return ops;
  }

  // The changes in one synced LMDB commit, with the number of the last journal record they hold.
  result<void> apply(const std::vector<Op>& ops, std::optional<std::uint64_t> applied) {
    return db_.write([&](indexer::LmdbStorage::WriteTxn& txn) {
      for (const Op& op : ops) {
        switch (op.kind) {
          case Op::put: txn.put(op.table, op.key, op.value); break;
          case Op::erase: txn.erase(op.table, op.key); break;
          case Op::erase_prefix: erase_prefix(txn, op.table, op.key); break;
        }
      }
      if (applied) {
        std::array<std::uint8_t, 8> seq;
        store_le<std::uint64_t>(seq.data(), *applied);
        txn.put(journal, as_bytes(applied_key), seq);
      }
    });
  }

  // What the journal holds, into LMDB; the journal starts over. (mutex_ held.)
  result<void> checkpoint() {
    if (!pending_.empty()) {
      if (auto r = apply(pending_, next_seq_ - 1); !r) return r;
      forget_pending();
    }
    journal_.restart();
    return {};
  }
  void forget_pending() noexcept {
    for (Op& op : pending_) explicit_bzero(op.value.data(), op.value.size());  // records hold key text
    pending_.clear();
  }

  // Applies the records a crash left in the journal, those after the last applied.
  void recover() {
    std::uint64_t applied = 0;
    {
      auto txn = db_.read();
      if (auto v = txn.get(journal, as_bytes(applied_key)); v && v->size() == 8)
        applied = load_le<std::uint64_t>(v->data());
    }
    next_seq_ = applied + 1;
    for (const indexer::Journal::Record& record : journal_.records()) {
      if (record.seq < next_seq_) continue;
      auto ops = record.seq == next_seq_ ? decode(record.payload) : std::nullopt;
      if (!ops) break;
      pending_.insert(pending_.end(), std::make_move_iterator(ops->begin()), std::make_move_iterator(ops->end()));
      ++next_seq_;
    }
    std::lock_guard lock(mutex_);
    if (auto r = checkpoint(); !r)
      throw system_error(r.error(), "WalletStore: cannot apply the journal " + journal_.path().string());
  }

  // LMDB's value of `key` in `table`, with the changes not yet applied on top.
  std::optional<Bytes> get(indexer::TableId table, ByteSpan key) const {
    std::lock_guard lock(mutex_);
    std::optional<Bytes> value;
    {
      auto txn = db_.read();
      if (auto v = txn.get(table, key)) value.emplace(v->begin(), v->end());
    }
    for (const Op& op : pending_) {
      if (op.table != table) continue;
      if (op.kind == Op::erase_prefix ? of_wallet(key, op.key) : !std::ranges::equal(op.key, key)) continue;
      if (op.kind == Op::put)
        value = op.value;
      else
        value.reset();
    }
    return value;
  }
  // Calls f(key, value) for LMDB's records of `table` under `prefix` (a wallet's), in key order,
  // with the changes not yet applied on top: merged in a map when the wallet has some there, else
  // read straight from LMDB (a wallet's 16,000 requests are not copied to be read once).
  template <class F>
  void scan(indexer::TableId table, ByteSpan prefix, F&& f) const {
    std::lock_guard lock(mutex_);
    auto txn = db_.read();
    auto c = txn.cursor(table);
    // A change to this wallet's records: one of them, or all (erase_prefix, keyed by its id).
    auto ours = [&](const Op& op) {
      return op.table == table &&
             (op.kind == Op::erase_prefix ? std::ranges::equal(op.key, prefix) : of_wallet(op.key, prefix));
    };
    if (std::ranges::none_of(pending_, ours)) {
      for (bool ok = c.seek(prefix); ok && of_wallet(c.key(), prefix); ok = c.next()) f(c.key(), c.value());
      return;
    }
    std::map<Bytes, Bytes> out;
    for (bool ok = c.seek(prefix); ok && of_wallet(c.key(), prefix); ok = c.next())
      out.emplace(Bytes(c.key().begin(), c.key().end()), Bytes(c.value().begin(), c.value().end()));
    for (const Op& op : pending_) {
      if (!ours(op)) continue;
      if (op.kind == Op::erase_prefix)
        out.clear();
      else if (op.kind == Op::put)
        out.insert_or_assign(op.key, op.value);
      else
        out.erase(op.key);
    }
    for (const auto& [k, v] : out) f(ByteSpan(k), ByteSpan(v));
  }

  static Bytes item_key(const std::array<std::uint8_t, 32>& wallet_id, ByteSpan item) {
    Bytes k(wallet_id.begin(), wallet_id.end());
    append(k, item);
    return k;
  }
  static Bytes request_key(const std::array<std::uint8_t, 32>& wallet_id, std::string_view request_id) {
    return item_key(wallet_id, as_bytes(request_id));
  }
  // Whether a key is of an item of the wallet (its id, then the item's own key).
  static bool of_wallet(ByteSpan item_key, ByteSpan wallet_id) {
    return item_key.size() > wallet_id.size() && std::ranges::equal(item_key.first(wallet_id.size()), wallet_id);
  }
  // Every record of one wallet in `table`.
  static void erase_prefix(indexer::LmdbStorage::WriteTxn& txn, indexer::TableId table, ByteSpan key_id) {
    std::vector<Bytes> keys;
    auto c = txn.cursor(table);
    for (bool ok = c.seek(key_id); ok && of_wallet(c.key(), key_id); ok = c.next())
      keys.emplace_back(c.key().begin(), c.key().end());
    for (const Bytes& k : keys) txn.erase(table, k);
  }

  // A wallet's record is found by a digest of its key: the key is stored only inside the record.
  static std::array<std::uint8_t, 32> id(std::string_view key) { return sha256(as_bytes(key)).array(); }

  static indexer::StorageOptions options(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    indexer::StorageOptions o;
    o.path = dir;
    o.initial_map_size = std::size_t{64} << 20;
    o.file_mode = 0600;
    return o;
  }

  indexer::LmdbStorage db_;
  indexer::Journal journal_;
  mutable std::mutex mutex_;  // journal_, pending_, next_seq_; a read's LMDB view and pending_ together
  std::vector<Op> pending_;   // in the journal, not yet in LMDB, in order
  std::uint64_t next_seq_ = 1;
};

}  // namespace coinkit::wallet
