// TxView: a zero-copy view of a serialized transaction, and the one parser every transaction goes through.
#pragma once

#include <coinkit/chain/detail/archive.hpp>
#include <coinkit/chain/error.hpp>
#include <coinkit/chain/hashes.hpp>
#include <coinkit/chain/outpoint.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/reader.hpp>
#include <coinkit/core/sha256.hpp>

#include <cstdint>
#include <iterator>
#include <span>
#include <vector>

namespace coinkit {

// Whether transactions are read and written with their witness (Bitcoin Core's
// TransactionSerParams): a typed context rather than a bool argument.
struct TxSerParams {
  bool allow_witness;
};
inline constexpr TxSerParams tx_with_witness{true};
inline constexpr TxSerParams tx_no_witness{false};  // BCH, and the txid serialization

inline constexpr std::size_t witness_scale_factor = 4;  // consensus (BIP141)

// Smallest serializations; they bound the counts a parser accepts (see read_count).
inline constexpr std::size_t min_txin_size = 41;  // prevout 36, empty script_sig 1, sequence 4
inline constexpr std::size_t min_txout_size = 9;  // value 8, empty script_pubkey 1
inline constexpr std::size_t min_tx_size = 10;    // version, no inputs, no outputs, lock_time

// One input's witness stack as serialized (item count, then length-prefixed items);
// iterating yields each item as a span into the same bytes.
class WitnessView {
 public:
  class iterator {
   public:
    using value_type = ByteSpan;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::forward_iterator_tag;
    using pointer = const ByteSpan*;
    using reference = const ByteSpan&;

    iterator() noexcept = default;
    iterator(ByteSpan rest, std::uint64_t left) noexcept : rest_(rest), left_(left) { load(); }

    const ByteSpan& operator*() const noexcept { return current_; }
    const ByteSpan* operator->() const noexcept { return &current_; }
    iterator& operator++() noexcept {
      if (--left_ != 0) load();
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const iterator& other) const noexcept { return left_ == other.left_; }

   private:
    void load() noexcept {
      if (left_ == 0) return;
      ByteReader r(rest_);
      current_ = r.var_bytes();
      if (!r.ok()) left_ = 0;  // only a view over unchecked bytes can get here
      rest_ = r.rest();
    }

    ByteSpan rest_;
    ByteSpan current_;
    std::uint64_t left_ = 0;
  };

  WitnessView() noexcept = default;
  explicit WitnessView(ByteSpan serialized) noexcept : raw_(serialized) {}

  // The serialized stack, or empty for a transaction without witness data.
  ByteSpan serialized() const noexcept { return raw_; }
  std::size_t size() const noexcept {
    if (raw_.empty()) return 0;
    ByteReader r(raw_);
    return static_cast<std::size_t>(r.compact_size());
  }
  bool empty() const noexcept { return size() == 0; }

  iterator begin() const noexcept {
    if (raw_.empty()) return {};
    ByteReader r(raw_);
    const std::uint64_t n = r.compact_size();
    return n ? iterator(r.rest(), n) : iterator();
  }
  iterator end() const noexcept { return {}; }

 private:
  ByteSpan raw_;
};

struct TxInView {
  OutPoint prevout;
  ByteSpan script_sig;
  std::uint32_t sequence = 0;
  WitnessView witness;

  template <class Self, class Ar>
  static void fields(Self& s, Ar& ar) {
    ar(s.prevout, s.script_sig, s.sequence);
  }
};

struct TxOutView {
  std::int64_t value = 0;
  ByteSpan script_pubkey;

  template <class Self, class Ar>
  static void fields(Self& s, Ar& ar) {
    ar(s.value, s.script_pubkey);
  }
};

// The vectors a TxView's spans point into. Reused from one parse to the next, so parsing in
// a loop allocates nothing once they have grown to the largest transaction or block seen.
struct TxViewBuffer {
  std::vector<TxInView> inputs;
  std::vector<TxOutView> outputs;

  void clear() noexcept {
    inputs.clear();
    outputs.clear();
  }
};

// A parsed transaction whose scripts and witnesses are spans into the serialized bytes,
// and whose txid was computed while parsing. Valid while the bytes and its buffer live.
struct TxView {
  ByteSpan raw;            // the whole serialization, witness included
  ByteSpan stripped_body;  // input count through the last output: all txid hashes besides version, lock_time
  std::uint32_t version = 0;
  std::span<const TxInView> inputs;
  std::span<const TxOutView> outputs;
  std::uint32_t lock_time = 0;
  Txid txid;

  bool has_witness() const noexcept { return raw.size() != stripped_size(); }
  std::size_t size() const noexcept { return raw.size(); }
  std::size_t stripped_size() const noexcept { return stripped_body.size() + 8; }
  std::size_t weight() const noexcept { return stripped_size() * (witness_scale_factor - 1) + size(); }
  std::size_t vsize() const noexcept { return (weight() + witness_scale_factor - 1) / witness_scale_factor; }
  Wtxid wtxid() const noexcept { return has_witness() ? Wtxid::from(sha256d(raw)) : Wtxid::from(txid); }
  bool is_coinbase() const noexcept { return inputs.size() == 1 && inputs[0].prevout.is_null(); }

  // Parses exactly one transaction filling all of `raw`; the spans point into `raw` and `buffer`,
  // which is cleared first. Never throws on malformed bytes.
  static result<TxView> try_parse(ByteSpan raw, TxViewBuffer& buffer, TxSerParams params = tx_with_witness);
  // As try_parse, but throws system_error naming the error and its byte offset.
  static TxView parse(ByteSpan raw, TxViewBuffer& buffer, TxSerParams params = tx_with_witness);
};

namespace chain::detail {

// Where one transaction's inputs and outputs sit in a TxViewBuffer; turned into spans only
// when the buffer has stopped growing.
struct TxRanges {
  std::size_t input_begin, input_count, output_begin, output_count;
};

inline void attach(TxView& tx, const TxViewBuffer& buffer, const TxRanges& r) noexcept {
  tx.inputs = std::span<const TxInView>(buffer.inputs).subspan(r.input_begin, r.input_count);
  tx.outputs = std::span<const TxOutView>(buffer.outputs).subspan(r.output_begin, r.output_count);
}

// A compact-size count of objects at least `min_size` bytes long: one whose objects could not
// fit in max_compact_size bytes fails as `too_many` (larger still, the reader says oversized).
// Bounding by the global maximum, not the bytes left, keeps a truncated input `truncated`.
inline std::uint64_t read_count(ByteReader& r, std::size_t min_size, chain::error too_many) noexcept {
  const std::uint64_t n = r.compact_size();
  if (r.ok() && n > max_compact_size / min_size) {
    r.fail(too_many);
    return 0;
  }
  return n;
}

// The transaction wire format (BIP144 extended serialization when it carries witness data):
//
//   version      u32 LE
//   [marker 0x00, flag 0x01]               only when some input has a non-empty witness
//   input count  compact size
//     prevout      txid [32] + output index u32 LE
//     script_sig   compact size length + bytes
//     sequence     u32 LE
//   output count compact size
//     value        i64 LE (satoshis)
//     script_pubkey compact size length + bytes
//   [witnesses]  one per input, only after a marker: item count, then length-prefixed items
//   lock_time    u32 LE
//
// The txid hashes the serialization without marker, flag and witnesses; the wtxid hashes it all.
// A zero input count cannot be told from the marker: as in Bitcoin Core, when witnesses are
// allowed a zero followed by a non-zero byte is the marker and flag (flag 0x01 or
// unknown_witness_flag); a zero followed by zero is a transaction without inputs or outputs.
// With the marker, witnesses that are all empty are rejected (superfluous_witness), since they
// would serialize without them. Everything else is canonical too (compact sizes), so a parsed
// transaction re-serializes byte for byte.
//
// Appends the inputs and outputs to `buffer` and records where in `ranges`; the caller attaches
// the spans. Returns false with the error (and its offset) left in the reader.
inline bool read_tx(ByteReader& r, TxSerParams params, TxViewBuffer& buffer, TxView& tx, TxRanges& ranges) {
  const std::size_t start = r.offset();
  tx.version = r.le32();
  std::size_t body_begin = r.offset();
  std::uint64_t input_count = read_count(r, min_txin_size, chain::error::too_many_inputs);
  bool segwit = false;
  ranges = {buffer.inputs.size(), 0, buffer.outputs.size(), 0};
  if (input_count == 0 && params.allow_witness && r.ok()) {
    const std::uint8_t flag = r.u8();
    if (flag == 0) {
      // Read as Core does: no inputs, and this byte is the (zero) output count.
      tx.stripped_body = r.since(body_begin);
      goto lock_time;
    }
    if (flag != 1) {
      r.fail(chain::error::unknown_witness_flag);
      return false;
    }
    segwit = true;
    body_begin = r.offset();
    input_count = read_count(r, min_txin_size, chain::error::too_many_inputs);
  }
  for (std::uint64_t i = 0; i < input_count && r.ok(); ++i) read_fields(r, buffer.inputs.emplace_back());
  {
    const std::uint64_t output_count = read_count(r, min_txout_size, chain::error::too_many_outputs);
    for (std::uint64_t i = 0; i < output_count && r.ok(); ++i) read_fields(r, buffer.outputs.emplace_back());
  }
  if (!r.ok()) return false;
  tx.stripped_body = r.since(body_begin);
  ranges.input_count = buffer.inputs.size() - ranges.input_begin;
  ranges.output_count = buffer.outputs.size() - ranges.output_begin;
  if (segwit) {
    bool any_witness = false;
    for (std::size_t i = 0; i < ranges.input_count; ++i) {
      const std::size_t from = r.offset();
      // Each item takes at least its one-byte length, so the reader's own bound suffices.
      const std::uint64_t items = r.compact_size();
      for (std::uint64_t j = 0; j < items && r.ok(); ++j) r.var_bytes();
      if (!r.ok()) return false;
      any_witness |= items != 0;
      buffer.inputs[ranges.input_begin + i].witness = WitnessView(r.since(from));
    }
    if (!any_witness) {
      r.fail(chain::error::superfluous_witness);
      return false;
    }
  }
lock_time:
  tx.lock_time = r.le32();
  if (!r.ok()) return false;
  tx.raw = r.since(start);
  Sha256d h;
  h.write(tx.raw.first(4)).write(tx.stripped_body).write(tx.raw.last(4));
  tx.txid = Txid::from(h.finalize());
  return true;
}

}  // namespace chain::detail

inline result<TxView> TxView::try_parse(ByteSpan raw, TxViewBuffer& buffer, TxSerParams params) {
  buffer.clear();
  ByteReader r(raw);
  TxView tx;
  chain::detail::TxRanges ranges;
  if (chain::detail::read_tx(r, params, buffer, tx, ranges)) r.expect_end();
  if (!r.ok()) return r.error();
  chain::detail::attach(tx, buffer, ranges);
  return tx;
}

inline TxView TxView::parse(ByteSpan raw, TxViewBuffer& buffer, TxSerParams params) {
  buffer.clear();
  ByteReader r(raw);
  TxView tx;
  chain::detail::TxRanges ranges;
  if (chain::detail::read_tx(r, params, buffer, tx, ranges)) r.expect_end();
  if (!r.ok()) chain::detail::throw_parse_error(r.error(), "transaction", r.offset());
  chain::detail::attach(tx, buffer, ranges);
  return tx;
}

}  // namespace coinkit
