// Psbt: a partially signed transaction (BIP174 version 0, BIP370 version 2), read with Bitcoin
// Core's checks and messages, written in Core's field order, combined and extracted as Core does.
#pragma once

#include <coinkit/chain/outpoint.hpp>
#include <coinkit/chain/signature_encoding.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/chain/tx_view.hpp>
#include <coinkit/core/base64.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/reader.hpp>
#include <coinkit/core/ripemd160.hpp>
#include <coinkit/core/writer.hpp>
#include <coinkit/keys/public_key.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coinkit::wallet {

// A PSBT that cannot be read or combined, with Bitcoin Core's message for why.
class PsbtError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where a key comes from: its BIP32 root's fingerprint and the path down from the root.
struct KeyOrigin {
  std::array<std::uint8_t, 4> fingerprint{};
  std::vector<std::uint32_t> path;

  friend auto operator<=>(const KeyOrigin&, const KeyOrigin&) = default;
};

// Records kept as they were read: each key (its type first) and its value, in key order.
using PsbtRecords = std::map<Bytes, Bytes>;

struct PsbtInput {
  OutPoint prevout;                                             // version 0: the unsigned transaction's
  std::optional<std::uint32_t> sequence;                        // version 0: always present
  std::optional<std::uint32_t> time_locktime, height_locktime;  // version 2 only
  std::optional<Transaction> non_witness_utxo;
  std::optional<TxOut> witness_utxo;
  // Signatures (with their hash type byte) by the key id of the key that made them.
  std::map<Hash160, std::pair<PublicKey, Bytes>> partial_sigs;
  std::optional<std::int32_t> sighash_type;
  Bytes redeem_script, witness_script;
  std::map<Bytes, KeyOrigin> bip32_paths;  // by public key
  Bytes final_script_sig;
  Witness final_script_witness;
  // Hash preimages, taproot and MuSig2 records: checked as Core checks them, kept, not used.
  PsbtRecords signing_data;
  PsbtRecords proprietary, unknown;

  bool is_final() const noexcept { return !final_script_sig.empty() || !final_script_witness.empty(); }

  // The output this input spends, from the previous transaction or else the witness record.
  std::optional<TxOut> spent_output() const {
    if (non_witness_utxo) {
      if (prevout.index >= non_witness_utxo->outputs().size()) return std::nullopt;
      return non_witness_utxo->outputs()[prevout.index];
    }
    return witness_utxo;
  }
};

struct PsbtOutput {
  std::int64_t amount = 0;  // version 0: the unsigned transaction's
  Bytes script;
  Bytes redeem_script, witness_script;
  std::map<Bytes, KeyOrigin> bip32_paths;
  PsbtRecords taproot;  // taproot and MuSig2 records, checked and kept
  PsbtRecords proprietary, unknown;
};

struct Psbt {
  std::uint32_t version = 0;  // of the PSBT format: 0 or 2
  std::uint32_t tx_version = 2;
  std::optional<std::uint32_t> fallback_locktime;  // version 0: the transaction's lock time
  std::optional<std::uint8_t> tx_modifiable;
  std::map<Bytes, KeyOrigin> xpubs;  // by the serialized xpub (78 bytes, its version first)
  std::vector<PsbtInput> inputs;
  std::vector<PsbtOutput> outputs;
  PsbtRecords proprietary, unknown;

  // The creator's role: a version 0 PSBT of a transaction whose inputs are not signed.
  static Psbt from_unsigned(const MutableTransaction& tx);

  static Psbt decode(ByteSpan bytes);
  static Psbt from_base64(std::string_view text);
  Bytes encode() const;
  std::string to_base64() const { return base64_encode(encode()); }

  // The transaction being signed, without signatures. Version 2 takes its lock time from the
  // inputs' requirements (BIP370); throws when they conflict.
  MutableTransaction unsigned_tx() const;
  // Core's unique id: the unsigned transaction's txid (version 2: with sequences zeroed).
  Txid unique_id() const;

  bool is_complete() const noexcept {
    return std::all_of(inputs.begin(), inputs.end(), [](const PsbtInput& in) { return in.is_final(); });
  }
  // The extractor's role: the network transaction of a complete PSBT.
  MutableTransaction extract() const;

  // The combiner's role: adds what `other`, a PSBT of the same transaction, knows and this one
  // does not. False, and nothing changed, when the transactions differ.
  bool combine(const Psbt& other);
};

// ---------------------------------------------------------------------------------------------

namespace psbt_detail {

inline constexpr std::uint8_t magic[5] = {'p', 's', 'b', 't', 0xff};
inline constexpr std::uint32_t locktime_threshold = 500'000'000;

// Bitcoin Core's stream reads: every failure is a PsbtError naming it.
class Reader {
 public:
  explicit Reader(ByteSpan data) noexcept : r_(data) {}

  bool empty() const noexcept { return r_.empty(); }
  std::size_t remaining() const noexcept { return r_.remaining(); }

  std::uint64_t compact_size() { return check(r_.compact_size()); }
  ByteSpan bytes(std::size_t n) { return check(r_.bytes(n)); }
  ByteSpan var_bytes() { return check(r_.var_bytes()); }
  Bytes var_vector() {
    const ByteSpan b = var_bytes();
    return Bytes(b.begin(), b.end());
  }
  std::uint8_t u8() { return check(r_.u8()); }
  std::uint32_t le32() { return check(r_.le32()); }
  std::int64_t le64s() { return check(r_.le64s()); }

  Transaction transaction(TxSerParams params) {
    TxViewBuffer buffer;
    TxView view;
    chain::detail::TxRanges ranges;
    if (!chain::detail::read_tx(r_, params, buffer, view, ranges)) check(0);
    chain::detail::attach(view, buffer, ranges);
    return Transaction(view);
  }

  // Core's UnserializeFromVector: a length, then a value that must take exactly that length.
  template <class Read>
  auto sized(Read&& read) {
    const std::uint64_t length = compact_size();
    const std::size_t before = remaining();
    auto value = read(*this);
    if (before - remaining() != length) throw PsbtError("Size of value was not the stated size");
    return value;
  }

 private:
  template <class T>
  T check(T value) {
    if (!r_.ok()) throw PsbtError(r_.error().message());
    return value;
  }
  ByteReader r_;
};

inline void expect_key_size(std::string_view name, const Bytes& key, std::size_t size) {
  if (key.size() != size)
    throw PsbtError("Size of key was not " + std::to_string(size) + " for the type " + std::string(name));
}

// CPubKey::IsFullyValid: the length its first byte calls for, and a point on the curve.
inline bool is_valid_pubkey(ByteSpan bytes) noexcept { return PublicKey::parse(bytes).has_value(); }

inline PublicKey pubkey_of_key(const Bytes& key, const char* what) {
  if (key.size() != PublicKey::uncompressed_size + 1 && key.size() != PublicKey::compressed_size + 1)
    throw PsbtError(std::string("Size of key was not the expected size for the type ") + what);
  auto pub = PublicKey::parse(ByteSpan(key).subspan(1));
  if (!pub) throw PsbtError("Invalid pubkey");
  return *pub;
}

// A key origin of `length` bytes: a fingerprint, then the path's indexes.
inline KeyOrigin read_key_origin(Reader& r, std::uint64_t length) {
  if (length % 4 || length == 0) throw PsbtError("Invalid length for HD key path");
  KeyOrigin origin;
  const ByteSpan fp = r.bytes(4);
  std::copy(fp.begin(), fp.end(), origin.fingerprint.begin());
  for (std::uint64_t i = 4; i < length; i += 4) origin.path.push_back(r.le32());
  return origin;
}

// A PSBT_{IN,OUT}_BIP32_DERIVATION record: the key in the record's key, a length-prefixed origin.
inline void read_hd_keypath(Reader& r, const Bytes& key, std::map<Bytes, KeyOrigin>& paths) {
  const PublicKey pub = pubkey_of_key(key, "BIP32 keypath");
  const std::uint64_t length = r.compact_size();
  paths.emplace(Bytes(pub.bytes().begin(), pub.bytes().end()), read_key_origin(r, length));
}

// A record's value kept as read, once `check` has read it through (Core's own reading of it).
template <class Check>
Bytes checked_value(Reader& r, Check&& check) {
  Reader peek = r;
  const ByteSpan value = peek.var_bytes();
  check();
  return Bytes(value.begin(), value.end());
}

// A taproot BIP32 record's value: leaf hashes, then the key origin, all within one length.
inline void check_tap_bip32(Reader& r, const char* what) {
  const std::uint64_t length = r.compact_size();
  const std::size_t before = r.remaining();
  const std::uint64_t hashes = r.compact_size();
  for (std::uint64_t i = 0; i < hashes; ++i) r.bytes(32);
  const std::size_t hashes_length = before - r.remaining();
  if (hashes_length > length) throw PsbtError(std::string(what) + " Taproot BIP32 keypath has an invalid length");
  read_key_origin(r, length - hashes_length);
}

// PSBT_{IN,OUT}_MUSIG2_PARTICIPANT_PUBKEYS: the aggregate key in the record's key, then a value
// of 33-byte participant keys.
inline void check_musig2_participants(const Bytes& key, ByteSpan value, const std::string& context) {
  if (!is_valid_pubkey(ByteSpan(key).subspan(1, 33))) throw PsbtError(context + " musig2 aggregate pubkey is invalid");
  for (; value.size() >= 33; value = value.subspan(33))
    if (!is_valid_pubkey(value.first(33))) throw PsbtError(context + " musig2 participant pubkey is invalid");
  if (!value.empty()) throw PsbtError(context + " musig2 participants pubkeys value size is not a multiple of 33");
}

// PSBT_IN_MUSIG2_{PUB_NONCE,PARTIAL_SIG} keys: participant key ‖ aggregate key ‖ [leaf hash].
inline void check_musig2_identifier(const Bytes& key, const char* what) {
  if (key.size() != 1 + 2 * 33 && key.size() != 1 + 2 * 33 + 32)
    throw PsbtError(std::string("Input musig2 ") + what + " key is not expected size of 67 or 99 bytes");
  if (!is_valid_pubkey(ByteSpan(key).subspan(34, 33))) throw PsbtError("musig2 aggregate pubkey is invalid");
  if (!is_valid_pubkey(ByteSpan(key).subspan(1, 33))) throw PsbtError("musig2 participant pubkey is invalid");
}

// Core's TaprootBuilder, as far as telling a complete tree from leaves in depth-first order.
inline bool is_complete_tap_tree(const std::vector<std::uint8_t>& depths) {
  std::vector<bool> branch;  // whether a node waits for its sibling at each depth
  for (std::size_t d : depths) {
    if (d + 1 < branch.size()) return false;
    bool valid = true;
    while (branch.size() > d && branch[d]) {
      branch.pop_back();
      if (d == 0) {
        valid = false;
        break;
      }
      --d;
    }
    if (!valid) return false;
    if (branch.size() <= d) branch.resize(d + 1, false);
    branch[d] = true;
  }
  return branch.empty() || (branch.size() == 1 && branch[0]);
}

inline void check_tap_tree(ByteSpan tree) {
  if (tree.empty()) throw PsbtError("Output Taproot tree must not be empty");
  Reader r(tree);
  std::vector<std::uint8_t> depths;
  while (!r.empty()) {
    const std::uint8_t depth = r.u8(), leaf_version = r.u8();
    r.var_bytes();
    if (depth > 128) throw PsbtError("Output Taproot tree has as leaf greater than Taproot maximum depth");
    if (leaf_version & 0x01) throw PsbtError("Output Taproot tree has a leaf with an invalid leaf version");
    depths.push_back(depth);
  }
  if (!is_complete_tap_tree(depths)) throw PsbtError("Output Taproot tree is malformed");
}

// A proprietary record's key: its identifier and subtype must read.
inline void check_proprietary_key(const Bytes& key, std::size_t type_size) {
  Reader k(ByteSpan(key).subspan(type_size));
  k.var_bytes();
  k.compact_size();
}

// One map: records up to the separator, each key read once. `record` reads a record's value
// given its key and type; it returns false for types it leaves to the caller's unknown records.
template <class Record>
void read_map(Reader& r, const char* which, const char* where, Record&& record) {
  std::set<Bytes> seen;
  while (!r.empty()) {
    Bytes key = r.var_vector();
    if (key.empty()) return;
    if (!seen.insert(key).second)
      throw PsbtError(std::string("Duplicate Key, ") + which + " key \"" + to_hex(key) + "\" already provided");
    Reader k(key);
    const std::uint64_t type = k.compact_size();
    const std::size_t type_size = key.size() - k.remaining();
    record(std::move(key), type, type_size);
  }
  throw PsbtError(std::string("Separator is missing at the end of ") + where);
}

inline void write_record(ByteWriter<BytesSink>& w, ByteSpan key, ByteSpan value) {
  w.var_bytes(key);
  w.var_bytes(value);
}
inline void write_record(ByteWriter<BytesSink>& w, std::uint8_t type, ByteSpan value) {
  const std::uint8_t key[1] = {type};
  write_record(w, ByteSpan(key), value);
}
inline void write_records(ByteWriter<BytesSink>& w, const PsbtRecords& records) {
  for (const auto& [key, value] : records) write_record(w, key, value);
}
template <class T>
Bytes le_bytes(T v) {
  Bytes out(sizeof(T));
  store_le<T>(out.data(), v);
  return out;
}
inline void write_paths(ByteWriter<BytesSink>& w, std::uint8_t type, const std::map<Bytes, KeyOrigin>& paths) {
  for (const auto& [pubkey, origin] : paths) {
    Bytes key{type};
    append(key, pubkey);
    Bytes value;
    BytesSink sink{value};
    ByteWriter<BytesSink> v(sink);
    v.bytes(origin.fingerprint);
    for (std::uint32_t index : origin.path) v.le32(index);
    write_record(w, key, value);
  }
}

inline void read_input(Reader& r, PsbtInput& in, std::uint32_t version) {
  bool found_txid = false, found_index = false;
  read_map(r, "input", "an input map", [&](Bytes key, std::uint64_t type, std::size_t type_size) {
    switch (type) {
      case 0x00:
        expect_key_size("Input Non-witness UTXO", key, 1);
        in.non_witness_utxo = r.sized([](Reader& v) { return v.transaction(tx_with_witness); });
        return;
      case 0x01:
        expect_key_size("Input Witness UTXO", key, 1);
        in.witness_utxo = r.sized([](Reader& v) {
          TxOut out;
          out.value = v.le64s();
          out.script_pubkey = v.var_vector();
          return out;
        });
        return;
      case 0x02: {
        const PublicKey pub = pubkey_of_key(key, "partial signature pubkey");
        Bytes sig = r.var_vector();
        if (sig.empty() || !is_strict_der_signature(sig) || !is_defined_hash_type(sig))
          throw PsbtError("Signature is not a valid encoding");
        in.partial_sigs.emplace(pub.key_id(), std::pair{pub, std::move(sig)});
        return;
      }
      case 0x03:
        expect_key_size("Input Sighash Type", key, 1);
        in.sighash_type = static_cast<std::int32_t>(r.sized([](Reader& v) { return v.le32(); }));
        return;
      case 0x04:
        expect_key_size("Input redeemScript", key, 1);
        in.redeem_script = r.var_vector();
        return;
      case 0x05:
        expect_key_size("Input witnessScript", key, 1);
        in.witness_script = r.var_vector();
        return;
      case 0x06: read_hd_keypath(r, key, in.bip32_paths); return;
      case 0x07:
        expect_key_size("Input Final scriptSig", key, 1);
        in.final_script_sig = r.var_vector();
        return;
      case 0x08:
        expect_key_size("Input Final scriptWitness", key, 1);
        in.final_script_witness = r.sized([](Reader& v) {
          Witness stack(v.compact_size());
          for (Bytes& item : stack) item = v.var_vector();
          return stack;
        });
        return;
      case 0x0a:
      case 0x0b:
      case 0x0c:
      case 0x0d: {
        static constexpr const char* names[] = {"Input RIPEMD160 Preimage", "Input SHA256 Preimage",
                                                "Input Hash160 Preimage", "Input Hash256 Preimage"};
        const bool short_hash = type == 0x0a || type == 0x0c;
        expect_key_size(names[type - 0x0a], key, short_hash ? 21 : 33);
        in.signing_data.emplace(std::move(key), r.var_vector());
        return;
      }
      case 0x0e:
        expect_key_size("Input Previous TXID", key, 1);
        if (version < 2) throw PsbtError("Previous txid is not allowed in PSBTv0");
        in.prevout.txid = r.sized([](Reader& v) { return *Txid::from_bytes(v.bytes(32)); });
        found_txid = true;
        return;
      case 0x0f:
        expect_key_size("Input Previous Output's Index", key, 1);
        if (version < 2) throw PsbtError("Previous output's index is not allowed in PSBTv0");
        in.prevout.index = r.sized([](Reader& v) { return v.le32(); });
        found_index = true;
        return;
      case 0x10:
        expect_key_size("Input Sequence", key, 1);
        if (version < 2) throw PsbtError("Sequence is not allowed in PSBTv0");
        in.sequence = r.sized([](Reader& v) { return v.le32(); });
        return;
      case 0x11:
        expect_key_size("Input Required Time Based Locktime", key, 1);
        if (version < 2) throw PsbtError("Required time based locktime is not allowed in PSBTv0");
        in.time_locktime = r.sized([](Reader& v) { return v.le32(); });
        if (*in.time_locktime < locktime_threshold)
          throw PsbtError("Required time based locktime is invalid (less than 500000000)");
        return;
      case 0x12:
        expect_key_size("Input Required Height Based Locktime", key, 1);
        if (version < 2) throw PsbtError("Required height based locktime is not allowed in PSBTv0");
        in.height_locktime = r.sized([](Reader& v) { return v.le32(); });
        if (*in.height_locktime >= locktime_threshold)
          throw PsbtError("Required height based locktime is invalid (greater than or equal to 500000000)");
        if (*in.height_locktime == 0) throw PsbtError("Required height based locktime is invalid (0)");
        return;
      case 0x13: {
        expect_key_size("Input Taproot Key Path Signature", key, 1);
        Bytes sig = r.var_vector();
        if (sig.size() < 64) throw PsbtError("Input Taproot key path signature is shorter than 64 bytes");
        if (sig.size() > 65) throw PsbtError("Input Taproot key path signature is longer than 65 bytes");
        in.signing_data.emplace(std::move(key), std::move(sig));
        return;
      }
      case 0x14: {
        expect_key_size("Input Taproot Script Path Signature", key, 65);
        Bytes sig = r.var_vector();
        if (sig.size() < 64) throw PsbtError("Input Taproot script path signature is shorter than 64 bytes");
        if (sig.size() > 65) throw PsbtError("Input Taproot script path signature is longer than 65 bytes");
        in.signing_data.emplace(std::move(key), std::move(sig));
        return;
      }
      case 0x15: {
        if (key.size() < 34) throw PsbtError("Input Taproot leaf script key is not at least 34 bytes");
        if ((key.size() - 2) % 32 != 0)
          throw PsbtError("Input Taproot leaf script key's control block size is not valid");
        Bytes script = r.var_vector();
        if (script.empty()) throw PsbtError("Input Taproot leaf script must be at least 1 byte");
        in.signing_data.emplace(std::move(key), std::move(script));
        return;
      }
      case 0x16:
      case 0x17:
      case 0x18:
      case 0x1a:
      case 0x1b:
      case 0x1c: {
        Bytes value = checked_value(r, [&] {
          if (type == 0x16) {
            expect_key_size("Input Taproot BIP32 Keypath", key, 33);
            check_tap_bip32(r, "Input");
          } else if (type == 0x17 || type == 0x18) {
            expect_key_size(type == 0x17 ? "Input Taproot Internal Key" : "Input Taproot Merkle Root", key, 1);
            r.sized([](Reader& v) { return v.bytes(32); });
          } else if (type == 0x1a) {
            expect_key_size("Input MuSig2 Participants Pubkeys", key, 34);
            check_musig2_participants(key, r.var_bytes(), "Input");
          } else if (type == 0x1b) {
            check_musig2_identifier(key, "pubnonce");
            if (r.var_bytes().size() != 66) throw PsbtError("Input musig2 pubnonce value is not 66 bytes");
          } else {
            check_musig2_identifier(key, "partial sig");
            r.sized([](Reader& v) { return v.bytes(32); });
          }
        });
        in.signing_data.emplace(std::move(key), std::move(value));
        return;
      }
      case 0xfc:
        check_proprietary_key(key, type_size);
        in.proprietary.emplace(std::move(key), r.var_vector());
        return;
      default: in.unknown.emplace(std::move(key), r.var_vector());
    }
  });
  if (version >= 2) {
    if (!found_txid) throw PsbtError("Previous TXID is required in PSBTv2");
    if (!found_index) throw PsbtError("Previous output's index is required in PSBTv2");
  }
}

inline void read_output(Reader& r, PsbtOutput& out, std::uint32_t version) {
  bool found_amount = false, found_script = false;
  read_map(r, "output", "an output map", [&](Bytes key, std::uint64_t type, std::size_t type_size) {
    switch (type) {
      case 0x00:
        expect_key_size("Output redeemScript", key, 1);
        out.redeem_script = r.var_vector();
        return;
      case 0x01:
        expect_key_size("Output witnessScript", key, 1);
        out.witness_script = r.var_vector();
        return;
      case 0x02: read_hd_keypath(r, key, out.bip32_paths); return;
      case 0x03:
        expect_key_size("Output Amount", key, 1);
        if (version < 2) throw PsbtError("Output amount is not allowed in PSBTv0");
        out.amount = r.sized([](Reader& v) { return v.le64s(); });
        found_amount = true;
        return;
      case 0x04:
        expect_key_size("Output Script", key, 1);
        if (version < 2) throw PsbtError("Output script is not allowed in PSBTv0");
        out.script = r.var_vector();
        found_script = true;
        return;
      case 0x05:
      case 0x06:
      case 0x07:
      case 0x08: {
        Bytes value = checked_value(r, [&] {
          if (type == 0x05) {
            expect_key_size("Output Taproot Internal Key", key, 1);
            r.sized([](Reader& v) { return v.bytes(32); });
          } else if (type == 0x06) {
            expect_key_size("Output Taproot Tree Key", key, 1);
            check_tap_tree(r.var_bytes());
          } else if (type == 0x07) {
            expect_key_size("Output Taproot BIP32 Keypath", key, 33);
            check_tap_bip32(r, "Output");
          } else {
            expect_key_size("Output MuSig2 Participants Pubkeys", key, 34);
            check_musig2_participants(key, r.var_bytes(), "Output");
          }
        });
        out.taproot.emplace(std::move(key), std::move(value));
        return;
      }
      case 0xfc:
        check_proprietary_key(key, type_size);
        out.proprietary.emplace(std::move(key), r.var_vector());
        return;
      default: out.unknown.emplace(std::move(key), r.var_vector());
    }
  });
  if (version >= 2) {
    if (!found_amount) throw PsbtError("Output amount is required in PSBTv2");
    if (!found_script) throw PsbtError("Output script is required in PSBTv2");
  }
}

}  // namespace psbt_detail

inline Psbt Psbt::from_unsigned(const MutableTransaction& tx) {
  Psbt psbt;
  psbt.tx_version = tx.version;
  psbt.fallback_locktime = tx.lock_time;
  for (const TxIn& in : tx.inputs) {
    if (!in.script_sig.empty() || !in.witness.empty())
      throw PsbtError("Unsigned tx does not have empty scriptSigs and scriptWitnesses.");
    PsbtInput& p = psbt.inputs.emplace_back();
    p.prevout = in.prevout;
    p.sequence = in.sequence;
  }
  for (const TxOut& out : tx.outputs) {
    PsbtOutput& p = psbt.outputs.emplace_back();
    p.amount = out.value;
    p.script = out.script_pubkey;
  }
  return psbt;
}

inline Psbt Psbt::decode(ByteSpan bytes) {
  using namespace psbt_detail;
  Reader r(bytes);
  const ByteSpan m = r.bytes(5);
  if (!std::equal(m.begin(), m.end(), magic)) throw PsbtError("Invalid PSBT magic bytes");

  Psbt psbt;
  std::optional<Transaction> tx;
  std::uint64_t input_count = 0, output_count = 0;
  bool found_input_count = false, found_output_count = false, found_tx_version = false, found_fallback = false;
  std::optional<std::uint32_t> version;
  read_map(r, "global", "the global map", [&](Bytes key, std::uint64_t type, std::size_t type_size) {
    switch (type) {
      case 0x00:
        expect_key_size("Global Unsigned TX", key, 1);
        tx = r.sized([](Reader& v) { return v.transaction(tx_no_witness); });
        for (const TxIn& in : tx->inputs())
          if (!in.script_sig.empty() || !in.witness.empty())
            throw PsbtError("Unsigned tx does not have empty scriptSigs and scriptWitnesses.");
        psbt.tx_version = tx->version();
        psbt.fallback_locktime = tx->lock_time();
        input_count = tx->inputs().size();
        output_count = tx->outputs().size();
        return;
      case 0x01: {
        expect_key_size("Global XPUB", key, 79);
        // version(4) depth(1) parent fingerprint(4) child number(4) chain code(32) key(33)
        if (!is_valid_pubkey(ByteSpan(key).subspan(46, 33))) throw PsbtError("Invalid pubkey");
        const std::uint64_t length = r.compact_size();
        psbt.xpubs.emplace(Bytes(key.begin() + 1, key.end()), read_key_origin(r, length));
        return;
      }
      case 0x02:
        expect_key_size("Global Transaction Version", key, 1);
        psbt.tx_version = r.sized([](Reader& v) { return v.le32(); });
        found_tx_version = true;
        return;
      case 0x03:
        expect_key_size("Global Fallback Locktime", key, 1);
        psbt.fallback_locktime = r.sized([](Reader& v) { return v.le32(); });
        found_fallback = true;
        return;
      case 0x04:
        expect_key_size("Global Input Count", key, 1);
        input_count = r.sized([](Reader& v) { return v.compact_size(); });
        found_input_count = true;
        return;
      case 0x05:
        expect_key_size("Global Output Count", key, 1);
        output_count = r.sized([](Reader& v) { return v.compact_size(); });
        found_output_count = true;
        return;
      case 0x06:
        expect_key_size("Global TX Modifiable Flags", key, 1);
        psbt.tx_modifiable = r.sized([](Reader& v) { return v.u8(); });
        return;
      case 0xfb:
        expect_key_size("Global PSBT Version", key, 1);
        version = r.sized([](Reader& v) { return v.le32(); });
        if (*version > 2) throw PsbtError("Unsupported version number");
        return;
      case 0xfc:
        check_proprietary_key(key, type_size);
        psbt.proprietary.emplace(std::move(key), r.var_vector());
        return;
      default: psbt.unknown.emplace(std::move(key), r.var_vector());
    }
  });
  psbt.version = version.value_or(0);
  if (psbt.version == 0) {
    if (!tx) throw PsbtError("No unsigned transaction was provided");
    if (found_tx_version) throw PsbtError("PSBT_GLOBAL_TX_VERSION is not allowed in PSBTv0");
    if (found_fallback) throw PsbtError("PSBT_GLOBAL_FALLBACK_LOCKTIME is not allowed in PSBTv0");
    if (found_input_count) throw PsbtError("PSBT_GLOBAL_INPUT_COUNT is not allowed in PSBTv0");
    if (found_output_count) throw PsbtError("PSBT_GLOBAL_OUTPUT_COUNT is not allowed in PSBTv0");
    if (psbt.tx_modifiable) throw PsbtError("PSBT_GLOBAL_TX_MODIFIABLE is not allowed in PSBTv0");
  }
  if (psbt.version == 1) throw PsbtError("There is no PSBT version 1");
  if (psbt.version == 2) {
    if (!found_tx_version) throw PsbtError("PSBT_GLOBAL_TX_VERSION is required in PSBTv2");
    if (!found_input_count) throw PsbtError("PSBT_GLOBAL_INPUT_COUNT is required in PSBTv2");
    if (!found_output_count) throw PsbtError("PSBT_GLOBAL_OUTPUT_COUNT is required in PSBTv2");
    if (tx) throw PsbtError("PSBT_GLOBAL_UNSIGNED_TX is not allowed in PSBTv2");
  }

  for (std::uint64_t i = 0; !r.empty() && i < input_count; ++i) {
    PsbtInput& in = psbt.inputs.emplace_back();
    if (tx) {
      in.prevout = tx->inputs()[i].prevout;
      in.sequence = tx->inputs()[i].sequence;
    }
    read_input(r, in, psbt.version);
    if (in.non_witness_utxo) {
      if (in.non_witness_utxo->txid() != in.prevout.txid)
        throw PsbtError("Non-witness UTXO does not match outpoint hash");
      if (in.prevout.index >= in.non_witness_utxo->outputs().size())
        throw PsbtError("Input specifies output index that does not exist");
    }
  }
  if (psbt.inputs.size() != input_count)
    throw PsbtError("Inputs provided does not match the number of inputs in transaction.");
  for (std::uint64_t i = 0; !r.empty() && i < output_count; ++i) {
    PsbtOutput& out = psbt.outputs.emplace_back();
    if (tx) {
      out.amount = tx->outputs()[i].value;
      out.script = tx->outputs()[i].script_pubkey;
    }
    read_output(r, out, psbt.version);
  }
  if (psbt.outputs.size() != output_count)
    throw PsbtError("Outputs provided does not match the number of outputs in transaction.");
  if (!r.empty()) throw PsbtError("extra data after PSBT");
  return psbt;
}

inline Psbt Psbt::from_base64(std::string_view text) {
  auto bytes = base64_decode(text);
  if (!bytes) throw PsbtError("invalid base64");
  return decode(*bytes);
}

inline Bytes Psbt::encode() const {
  using namespace psbt_detail;
  Bytes out;
  BytesSink sink{out};
  ByteWriter<BytesSink> w(sink);
  w.bytes(ByteSpan(magic));
  if (version < 2) write_record(w, 0x00, unsigned_tx().serialize(tx_no_witness));
  write_paths(w, 0x01, xpubs);
  if (version >= 2) {
    write_record(w, 0x02, le_bytes(tx_version));
    if (fallback_locktime) write_record(w, 0x03, le_bytes(*fallback_locktime));
    auto count = [](std::size_t n) {
      Bytes b;
      BytesSink s{b};
      ByteWriter<BytesSink>(s).compact_size(n);
      return b;
    };
    write_record(w, 0x04, count(inputs.size()));
    write_record(w, 0x05, count(outputs.size()));
    if (tx_modifiable) write_record(w, 0x06, Bytes{*tx_modifiable});
  }
  if (version > 0) write_record(w, 0xfb, le_bytes(version));
  write_records(w, proprietary);
  write_records(w, unknown);
  w.u8(0);

  for (const PsbtInput& in : inputs) {
    if (in.non_witness_utxo) write_record(w, 0x00, in.non_witness_utxo->serialize(tx_no_witness));
    if (in.witness_utxo) {
      Bytes value = le_bytes(in.witness_utxo->value);
      BytesSink s{value};
      ByteWriter<BytesSink>(s).var_bytes(in.witness_utxo->script_pubkey);
      write_record(w, 0x01, value);
    }
    if (!in.is_final()) {
      for (const auto& [id, sig] : in.partial_sigs) {
        Bytes key{0x02};
        append(key, sig.first.bytes());
        write_record(w, key, sig.second);
      }
      if (in.sighash_type) write_record(w, 0x03, le_bytes(static_cast<std::uint32_t>(*in.sighash_type)));
      if (!in.redeem_script.empty()) write_record(w, 0x04, in.redeem_script);
      if (!in.witness_script.empty()) write_record(w, 0x05, in.witness_script);
      write_paths(w, 0x06, in.bip32_paths);
      write_records(w, in.signing_data);
    }
    if (!in.final_script_sig.empty()) write_record(w, 0x07, in.final_script_sig);
    if (!in.final_script_witness.empty()) {
      Bytes value;
      BytesSink s{value};
      ByteWriter<BytesSink> v(s);
      v.compact_size(in.final_script_witness.size());
      for (const Bytes& item : in.final_script_witness) v.var_bytes(item);
      write_record(w, 0x08, value);
    }
    if (version >= 2) {
      write_record(w, 0x0e, in.prevout.txid.span());
      write_record(w, 0x0f, le_bytes(in.prevout.index));
      if (in.sequence) write_record(w, 0x10, le_bytes(*in.sequence));
      if (in.time_locktime) write_record(w, 0x11, le_bytes(*in.time_locktime));
      if (in.height_locktime) write_record(w, 0x12, le_bytes(*in.height_locktime));
    }
    write_records(w, in.proprietary);
    write_records(w, in.unknown);
    w.u8(0);
  }
  for (const PsbtOutput& o : outputs) {
    if (!o.redeem_script.empty()) write_record(w, 0x00, o.redeem_script);
    if (!o.witness_script.empty()) write_record(w, 0x01, o.witness_script);
    write_paths(w, 0x02, o.bip32_paths);
    if (version >= 2) {
      write_record(w, 0x03, le_bytes(o.amount));
      write_record(w, 0x04, o.script);
    }
    write_records(w, o.proprietary);
    write_records(w, o.taproot);
    write_records(w, o.unknown);
    w.u8(0);
  }
  return out;
}

inline MutableTransaction Psbt::unsigned_tx() const {
  MutableTransaction tx;
  tx.version = tx_version;
  // BIP370: the greatest required height, or else time, lock; an input requiring only one kind
  // rules out the other.
  bool time_possible = true, height_possible = true;
  std::uint32_t time_lock = 0, height_lock = 0;
  for (const PsbtInput& in : inputs) {
    if (in.time_locktime && !in.height_locktime) {
      height_possible = false;
      if (!time_possible) throw PsbtError("the inputs' required lock times conflict");
    } else if (!in.time_locktime && in.height_locktime) {
      time_possible = false;
      if (!height_possible) throw PsbtError("the inputs' required lock times conflict");
    }
    if (in.time_locktime) time_lock = std::max(time_lock, *in.time_locktime);
    if (in.height_locktime) height_lock = std::max(height_lock, *in.height_locktime);
    TxIn& t = tx.inputs.emplace_back();
    t.prevout = in.prevout;
    t.sequence = in.sequence.value_or(TxIn::sequence_final);
  }
  if (height_possible && height_lock > 0) {
    tx.lock_time = height_lock;
  } else if (time_possible && time_lock > 0) {
    tx.lock_time = time_lock;
  } else {
    tx.lock_time = fallback_locktime.value_or(0);
  }
  for (const PsbtOutput& out : outputs) tx.outputs.push_back(TxOut{out.amount, out.script});
  return tx;
}

inline Txid Psbt::unique_id() const {
  MutableTransaction tx = unsigned_tx();
  if (version >= 2)
    for (TxIn& in : tx.inputs) in.sequence = 0;
  return tx.txid();
}

inline MutableTransaction Psbt::extract() const {
  if (!is_complete()) throw PsbtError("PSBT is not complete");
  MutableTransaction tx = unsigned_tx();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    tx.inputs[i].script_sig = inputs[i].final_script_sig;
    tx.inputs[i].witness = inputs[i].final_script_witness;
  }
  return tx;
}

inline bool Psbt::combine(const Psbt& other) {
  if (version != other.version || inputs.size() != other.inputs.size() || outputs.size() != other.outputs.size() ||
      unique_id() != other.unique_id())
    return false;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    PsbtInput& in = inputs[i];
    const PsbtInput& o = other.inputs[i];
    if (!in.non_witness_utxo) in.non_witness_utxo = o.non_witness_utxo;
    if (!in.witness_utxo) in.witness_utxo = o.witness_utxo;
    in.partial_sigs.insert(o.partial_sigs.begin(), o.partial_sigs.end());
    if (!in.sighash_type) in.sighash_type = o.sighash_type;
    if (in.redeem_script.empty()) in.redeem_script = o.redeem_script;
    if (in.witness_script.empty()) in.witness_script = o.witness_script;
    in.bip32_paths.insert(o.bip32_paths.begin(), o.bip32_paths.end());
    if (in.final_script_sig.empty()) in.final_script_sig = o.final_script_sig;
    if (in.final_script_witness.empty()) in.final_script_witness = o.final_script_witness;
    in.signing_data.insert(o.signing_data.begin(), o.signing_data.end());
    in.proprietary.insert(o.proprietary.begin(), o.proprietary.end());
    in.unknown.insert(o.unknown.begin(), o.unknown.end());
  }
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    PsbtOutput& out = outputs[i];
    const PsbtOutput& o = other.outputs[i];
    if (out.redeem_script.empty()) out.redeem_script = o.redeem_script;
    if (out.witness_script.empty()) out.witness_script = o.witness_script;
    out.bip32_paths.insert(o.bip32_paths.begin(), o.bip32_paths.end());
    out.taproot.insert(o.taproot.begin(), o.taproot.end());
    out.proprietary.insert(o.proprietary.begin(), o.proprietary.end());
    out.unknown.insert(o.unknown.begin(), o.unknown.end());
  }
  xpubs.insert(other.xpubs.begin(), other.xpubs.end());
  proprietary.insert(other.proprietary.begin(), other.proprietary.end());
  unknown.insert(other.unknown.begin(), other.unknown.end());
  return true;
}

}  // namespace coinkit::wallet
