// MemoryStorage: the Storage concept in memory, copy-on-write snapshots; for tests and tools.
#pragma once

#include <coinkit/indexer/storage/storage.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace coinkit::indexer {

// Every write copies the tables it touches, so reads are true snapshots and a write that fails
// leaves nothing behind: the same guarantees LMDB gives, at O(table size) per write. Meant for
// unit tests and small chains, and as the reference the LMDB backend is tested against.
class MemoryStorage {
  // std::string orders bytes as unsigned char, which is the LMDB order.
  using Entries = std::set<std::pair<std::string, std::string>>;
  using Tables = std::vector<std::shared_ptr<const Entries>>;

  static std::string str(ByteSpan b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
  static ByteSpan span(const std::string& s) noexcept { return as_bytes(s); }

 public:
  class Cursor {
   public:
    explicit Cursor(const Entries& e) : entries_(&e), it_(e.end()) {}
    bool seek(ByteSpan key, ByteSpan value = {}) {
      it_ = entries_->lower_bound({str(key), str(value)});
      return valid();
    }
    bool first() {
      it_ = entries_->begin();
      return valid();
    }
    bool last() {
      it_ = entries_->empty() ? entries_->end() : std::prev(entries_->end());
      return valid();
    }
    bool next() {
      if (it_ != entries_->end()) ++it_;
      return valid();
    }
    bool prev() {
      if (it_ == entries_->begin()) return (it_ = entries_->end(), false);
      --it_;
      return true;
    }
    bool valid() const noexcept { return it_ != entries_->end(); }
    ByteSpan key() const noexcept { return span(it_->first); }
    ByteSpan value() const noexcept { return span(it_->second); }

   private:
    const Entries* entries_;
    Entries::const_iterator it_;
  };

  class ReadTxn {
   public:
    std::optional<ByteSpan> get(TableId t, ByteSpan key) const {
      const Entries& e = *tables_[t];
      auto it = e.lower_bound({str(key), std::string()});
      if (it == e.end() || !equal(span(it->first), key)) return std::nullopt;
      return span(it->second);
    }
    Cursor cursor(TableId t) const { return Cursor(*tables_[t]); }

   protected:
    friend class MemoryStorage;
    ReadTxn(Tables tables) : tables_(std::move(tables)) {}
    Tables tables_;
  };

  class WriteTxn : public ReadTxn {
   public:
    void put(TableId t, ByteSpan key, ByteSpan value, PutFlags = PutFlags::none) {
      Entries& e = own(t);
      if (specs_[t].dup_size == 0) erase_key(e, key);
      e.emplace(str(key), str(value));
    }
    bool erase(TableId t, ByteSpan key) { return erase_key(own(t), key); }
    bool erase(TableId t, ByteSpan key, ByteSpan value) { return own(t).erase({str(key), str(value)}) != 0; }

   private:
    friend class MemoryStorage;
    WriteTxn(Tables tables, std::span<const TableSpec> specs)
        : ReadTxn(std::move(tables)), specs_(specs), owned_(tables_.size(), false) {}

    // Copy-on-write: the first change to a table in this txn copies it.
    Entries& own(TableId t) {
      if (!owned_[t]) tables_[t] = std::make_shared<Entries>(*tables_[t]), owned_[t] = true;
      return const_cast<Entries&>(*tables_[t]);
    }
    static bool erase_key(Entries& e, ByteSpan key) {
      const std::string k = str(key);
      auto first = e.lower_bound({k, std::string()});
      auto last = first;
      while (last != e.end() && last->first == k) ++last;
      const bool found = first != last;
      e.erase(first, last);
      return found;
    }

    std::span<const TableSpec> specs_;
    std::vector<bool> owned_;
  };

  MemoryStorage(const StorageOptions&, std::span<const TableSpec> specs) : specs_(specs.begin(), specs.end()) {
    for (std::size_t i = 0; i < specs_.size(); ++i) tables_.push_back(std::make_shared<Entries>());
  }

  ReadTxn read() const {
    std::lock_guard lock(mutex_);
    return ReadTxn(tables_);
  }

  template <class F>
  result<void> write(F&& body) {
    std::lock_guard writer(write_mutex_);
    WriteTxn w(read().tables_, specs_);
    body(w);
    std::lock_guard lock(mutex_);
    tables_ = std::move(w.tables_);
    return {};
  }

  // An estimate of the bytes held: keys and values, without the containers' overhead.
  std::uint64_t disk_size() const {
    std::uint64_t n = 0;
    for (const auto& t : read().tables_)
      for (const auto& [k, v] : *t) n += k.size() + v.size();
    return n;
  }

 private:
  std::vector<TableSpec> specs_;
  mutable std::mutex mutex_;  // guards tables_ (the published snapshot)
  std::mutex write_mutex_;    // one writer at a time
  Tables tables_;
};

static_assert(Storage<MemoryStorage>);

}  // namespace coinkit::indexer

namespace coinkit {
// coinkit::MemoryStorage, beside coinkit::LmdbStorage.
using indexer::MemoryStorage;
}  // namespace coinkit
