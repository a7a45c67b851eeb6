// WalletStore: a daemon's wallets on disk, in one LMDB environment: what each wallet is made of
// (its key text, how far its address chains reach), each change one atomic commit. The files
// are the owner's alone (0600 in a 0700 directory) and nothing in a file name comes from a key.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>

#include <strings.h>  // explicit_bzero

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace coinkit::wallet {

struct StoredWallet {
  std::string key;              // the `xpub` text, as given
  std::uint32_t receiving = 0;  // addresses derived on each chain (createnewaddress goes past
  std::uint32_t change = 0;     // the gap limit, and must still be there after a restart)
  bool operator==(const StoredWallet&) const = default;
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

  // Saves (replaces) the record, durably, before it returns: disk_full, map_full or
  // storage_failure when it could not, and then nothing changed.
  result<void> save(const StoredWallet& w) {
    Bytes value(9 + w.key.size());
    value[0] = format;
    store_le<std::uint32_t>(value.data() + 1, w.receiving);
    store_le<std::uint32_t>(value.data() + 5, w.change);
    std::copy(w.key.begin(), w.key.end(), value.begin() + 9);
    const auto key_id = id(w.key);
    auto r = db_.write([&](indexer::LmdbStorage::WriteTxn& txn) { txn.put(wallets, key_id, value); });
    explicit_bzero(value.data(), value.size());
    return r;
  }

  result<void> erase(std::string_view key) {
    const auto key_id = id(key);
    return db_.write([&](indexer::LmdbStorage::WriteTxn& txn) { txn.erase(wallets, key_id); });
  }

 private:
  static constexpr std::uint8_t format = 1;
  static constexpr indexer::TableSpec tables[] = {{"wallets", 0}};
  static constexpr indexer::TableId wallets = 0;

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
