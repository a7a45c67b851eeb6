// Transaction: an immutable transaction with its txid and wtxid computed once, and
// MutableTransaction, the builder wallets edit.
#pragma once

#include <coinkit/chain/detail/archive.hpp>
#include <coinkit/chain/hashes.hpp>
#include <coinkit/chain/outpoint.hpp>
#include <coinkit/chain/tx_view.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/core/writer.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace coinkit {

// One input's witness stack (BIP141).
using Witness = std::vector<Bytes>;

struct TxIn {
  static constexpr std::uint32_t sequence_final = 0xffffffff;

  OutPoint prevout;
  Bytes script_sig;
  std::uint32_t sequence = sequence_final;
  Witness witness;  // serialized apart from the other fields, after all outputs

  template <class Self, class Ar>
  static void fields(Self& s, Ar& ar) {
    ar(s.prevout, s.script_sig, s.sequence);
  }

  friend bool operator==(const TxIn&, const TxIn&) = default;
};

struct TxOut {
  std::int64_t value = 0;  // satoshis
  Bytes script_pubkey;

  template <class Self, class Ar>
  static void fields(Self& s, Ar& ar) {
    ar(s.value, s.script_pubkey);
  }

  friend bool operator==(const TxOut&, const TxOut&) = default;
};

namespace chain::detail {

template <class Inputs>
bool any_witness(const Inputs& inputs) noexcept {
  for (const TxIn& in : inputs)
    if (!in.witness.empty()) return true;
  return false;
}

// Writes the format described above read_tx (tx_view.hpp): marker, flag and witnesses only
// when allowed and some input has a witness, exactly as it was read.
template <ByteSink Sink>
void write_tx(Sink& sink, std::uint32_t version, std::span<const TxIn> inputs, std::span<const TxOut> outputs,
              std::uint32_t lock_time, TxSerParams params) {
  WriteArchive<Sink> ar(sink);
  auto& w = ar.writer();
  const bool witness = params.allow_witness && any_witness(inputs);
  w.le32(version);
  if (witness) w.u8(0), w.u8(1);
  w.compact_size(inputs.size());
  for (const TxIn& in : inputs) TxIn::fields(in, ar);
  w.compact_size(outputs.size());
  for (const TxOut& out : outputs) TxOut::fields(out, ar);
  if (witness) {
    for (const TxIn& in : inputs) {
      w.compact_size(in.witness.size());
      for (const Bytes& item : in.witness) w.var_bytes(item);
    }
  }
  w.le32(lock_time);
}

template <class Tx>
Txid compute_txid(const Tx& tx) noexcept {
  Sha256d h;
  tx.serialize(h, tx_no_witness);
  return Txid::from(h.finalize());
}

}  // namespace chain::detail

// Bitcoin Core's CMutableTransaction: plain fields to edit, hashes computed on request.
struct MutableTransaction {
  std::uint32_t version = 2;
  std::vector<TxIn> inputs;
  std::vector<TxOut> outputs;
  std::uint32_t lock_time = 0;

  bool has_witness() const noexcept { return chain::detail::any_witness(inputs); }

  template <ByteSink Sink>
  void serialize(Sink& sink, TxSerParams params = tx_with_witness) const {
    chain::detail::write_tx(sink, version, inputs, outputs, lock_time, params);
  }
  Bytes serialize(TxSerParams params = tx_with_witness) const {
    Bytes out;
    BytesSink sink{out};
    serialize(sink, params);
    return out;
  }

  Txid txid() const noexcept { return chain::detail::compute_txid(*this); }

  friend bool operator==(const MutableTransaction&, const MutableTransaction&) = default;
};

// Bitcoin Core's CTransaction: immutable, so its txid and wtxid are computed once, when it is
// made. Copy it, share it; edit a MutableTransaction instead.
class Transaction {
 public:
  Transaction() : Transaction(MutableTransaction{}) {}
  explicit Transaction(MutableTransaction&& tx)
      : version_(tx.version),
        inputs_(std::move(tx.inputs)),
        outputs_(std::move(tx.outputs)),
        lock_time_(tx.lock_time),
        txid_(chain::detail::compute_txid(*this)),
        wtxid_(compute_wtxid()) {}
  explicit Transaction(const MutableTransaction& tx) : Transaction(MutableTransaction(tx)) {}

  // Copies a view's fields; its txid is reused, not recomputed.
  explicit Transaction(const TxView& view) : version_(view.version), lock_time_(view.lock_time), txid_(view.txid) {
    inputs_.reserve(view.inputs.size());
    for (const TxInView& in : view.inputs) {
      TxIn& t = inputs_.emplace_back();
      t.prevout = in.prevout;
      t.script_sig.assign(in.script_sig.begin(), in.script_sig.end());
      t.sequence = in.sequence;
      for (ByteSpan item : in.witness) t.witness.emplace_back(item.begin(), item.end());
    }
    outputs_.reserve(view.outputs.size());
    for (const TxOutView& out : view.outputs)
      outputs_.push_back(TxOut{out.value, Bytes(out.script_pubkey.begin(), out.script_pubkey.end())});
    wtxid_ = view.wtxid();
  }

  // Parses exactly one transaction filling all of `raw`; never throws on malformed bytes.
  static result<Transaction> try_parse(ByteSpan raw, TxSerParams params = tx_with_witness) {
    TxViewBuffer buffer;
    auto view = TxView::try_parse(raw, buffer, params);
    if (!view) return view.error();
    return Transaction(*view);
  }
  // As try_parse, but throws system_error naming the error and its byte offset.
  static Transaction parse(ByteSpan raw, TxSerParams params = tx_with_witness) {
    TxViewBuffer buffer;
    return Transaction(TxView::parse(raw, buffer, params));
  }

  std::uint32_t version() const noexcept { return version_; }
  const std::vector<TxIn>& inputs() const noexcept { return inputs_; }
  const std::vector<TxOut>& outputs() const noexcept { return outputs_; }
  std::uint32_t lock_time() const noexcept { return lock_time_; }
  const Txid& txid() const noexcept { return txid_; }
  const Wtxid& wtxid() const noexcept { return wtxid_; }

  bool has_witness() const noexcept { return chain::detail::any_witness(inputs_); }
  bool is_coinbase() const noexcept { return inputs_.size() == 1 && inputs_[0].prevout.is_null(); }

  template <ByteSink Sink>
  void serialize(Sink& sink, TxSerParams params = tx_with_witness) const {
    chain::detail::write_tx(sink, version_, inputs_, outputs_, lock_time_, params);
  }
  Bytes serialize(TxSerParams params = tx_with_witness) const {
    Bytes out;
    out.reserve(size());
    BytesSink sink{out};
    serialize(sink, params);
    return out;
  }

  // Serialized size with witness (BIP144) and without (the stripped size).
  std::size_t size() const noexcept { return serialized_size(tx_with_witness); }
  std::size_t stripped_size() const noexcept { return serialized_size(tx_no_witness); }
  std::size_t weight() const noexcept { return stripped_size() * (witness_scale_factor - 1) + size(); }
  std::size_t vsize() const noexcept { return (weight() + witness_scale_factor - 1) / witness_scale_factor; }

  MutableTransaction to_mutable() const { return MutableTransaction{version_, inputs_, outputs_, lock_time_}; }

  friend bool operator==(const Transaction& a, const Transaction& b) noexcept { return a.wtxid_ == b.wtxid_; }

 private:
  std::size_t serialized_size(TxSerParams params) const noexcept {
    SizeCounter counter;
    serialize(counter, params);
    return counter.size;
  }
  Wtxid compute_wtxid() const noexcept {
    if (!has_witness()) return Wtxid::from(txid_);
    Sha256d h;
    serialize(h, tx_with_witness);
    return Wtxid::from(h.finalize());
  }

  std::uint32_t version_;
  std::vector<TxIn> inputs_;
  std::vector<TxOut> outputs_;
  std::uint32_t lock_time_;
  Txid txid_;
  Wtxid wtxid_;
};

}  // namespace coinkit
