// WalletStore: a daemon's wallets on disk, in one LMDB environment: what each wallet is made of
// (its key text, how far its address chains reach), its payment requests, its frozen addresses
// and coins, and its local transactions; each change one atomic commit. The files
// are the owner's alone (0600 in a 0700 directory) and nothing in a file name comes from a key.
#pragma once

#include <coinkit/chain/outpoint.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/reader.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/core/writer.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/wallet/request_book.hpp>

#include <strings.h>  // explicit_bzero

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
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

class WalletStore {
 public:
  // Opens (creating) the store in `dir`. Throws system_error naming the directory when it cannot.
  explicit WalletStore(const std::filesystem::path& dir) : db_(options(dir), tables) {}

  // The record of the wallet with this key text, if it was saved.
  std::optional<StoredWallet> find(std::string_view key) const {
    auto txn = db_.read();
    auto value = txn.get(wallets, id(key));
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
      Bytes item(coin.txid.span().begin(), coin.txid.span().end());
      item.resize(OutPoint::serialized_size);
      store_le<std::uint32_t>(item.data() + 32, coin.index);
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
    return db_.write([&](indexer::LmdbStorage::WriteTxn& txn) {
      for (const Batch::Op& op : b.ops_) {
        switch (op.kind) {
          case Batch::Op::put: txn.put(op.table, op.key, op.value); break;
          case Batch::Op::erase: txn.erase(op.table, op.key); break;
          case Batch::Op::erase_prefix: erase_prefix(txn, op.table, op.key); break;
        }
      }
    });
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
    auto txn = db_.read();
    auto c = txn.cursor(requests);
    for (bool ok = c.seek(key_id); ok && of_wallet(c.key(), key_id); ok = c.next()) {
      ByteReader r(c.value());
      if (r.u8() != format) continue;
      RequestBook::Entry e;
      const ByteSpan rid = c.key().subspan(key_id.size());
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
      if (!r.ok()) continue;
      e.request.address.assign(reinterpret_cast<const char*>(address.data()), address.size());
      e.request.message.assign(reinterpret_cast<const char*>(message.data()), message.size());
      out.push_back(std::move(e));
    }
    return out;
  }

  // What the wallet does not spend, as saved.
  FrozenState frozen_of(std::string_view key) const {
    FrozenState out;
    const auto key_id = id(key);
    auto txn = db_.read();
    auto c = txn.cursor(frozen);
    for (bool ok = c.seek(key_id); ok && of_wallet(c.key(), key_id); ok = c.next()) {
      const ByteSpan item = c.key().subspan(key_id.size() + 1);
      const char kind = static_cast<char>(c.key()[key_id.size()]);
      if (kind == 'a') {
        out.addresses.emplace_back(reinterpret_cast<const char*>(item.data()), item.size());
      } else if (kind == 'c' && item.size() == OutPoint::serialized_size) {
        out.coins.push_back({*Txid::from_bytes(item.first(32)), load_le<std::uint32_t>(item.data() + 32)});
      }
    }
    return out;
  }

  // The wallet's local transactions as saved; one that does not parse is skipped.
  std::vector<Transaction> local_transactions_of(std::string_view key) const {
    std::vector<Transaction> out;
    const auto key_id = id(key);
    auto txn = db_.read();
    auto c = txn.cursor(local_txs);
    for (bool ok = c.seek(key_id); ok && of_wallet(c.key(), key_id); ok = c.next())
      if (auto tx = Transaction::try_parse(c.value())) out.push_back(std::move(*tx));
    return out;
  }

 private:
  static constexpr std::uint8_t format = 1;
  static constexpr indexer::TableSpec tables[] = {{"wallets", 0}, {"requests", 0}, {"frozen", 0}, {"local_txs", 0}};
  static constexpr indexer::TableId wallets = 0;
  static constexpr indexer::TableId requests = 1;
  static constexpr indexer::TableId frozen = 2;     // wallet ‖ 'a' ‖ address text, or wallet ‖ 'c' ‖ outpoint
  static constexpr indexer::TableId local_txs = 3;  // wallet ‖ txid → the transaction

  static Bytes item_key(const std::array<std::uint8_t, 32>& wallet_id, ByteSpan item) {
    Bytes k(wallet_id.begin(), wallet_id.end());
    append(k, item);
    return k;
  }
  static Bytes request_key(const std::array<std::uint8_t, 32>& wallet_id, std::string_view request_id) {
    return item_key(wallet_id, as_bytes(request_id));
  }
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
};

}  // namespace coinkit::wallet
