// Scripts: the standard output templates, building them, and Electrum's script hash.
#pragma once

#include <coinkit/chain/opcodes.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/core/uint256.hpp>

#include <cstring>
#include <optional>
#include <string_view>

namespace coinkit {

inline constexpr std::size_t max_script_size = 10'000;       // consensus (script.h)
inline constexpr std::size_t max_script_element_size = 520;  // consensus
inline constexpr std::size_t max_op_return_relay = 83;       // policy: standard OP_RETURN output

// What an output script is, by its standard template (Bitcoin Core's TxoutType).
enum class ScriptType {
  nonstandard,
  p2pk,
  p2pkh,
  p2sh,
  multisig,
  null_data,  // OP_RETURN: provably unspendable
  p2wpkh,
  p2wsh,
  p2tr,
  witness_unknown,  // a witness program of a version or size not defined yet
};

constexpr std::string_view to_string(ScriptType t) noexcept {
  switch (t) {
    case ScriptType::nonstandard: return "nonstandard";
    case ScriptType::p2pk: return "pubkey";
    case ScriptType::p2pkh: return "pubkeyhash";
    case ScriptType::p2sh: return "scripthash";
    case ScriptType::multisig: return "multisig";
    case ScriptType::null_data: return "nulldata";
    case ScriptType::p2wpkh: return "witness_v0_keyhash";
    case ScriptType::p2wsh: return "witness_v0_scripthash";
    case ScriptType::p2tr: return "witness_v1_taproot";
    case ScriptType::witness_unknown: return "witness_unknown";
  }
  return "nonstandard";
}

// One parsed instruction: the opcode and, for pushes, the pushed bytes.
struct ScriptOp {
  std::uint8_t opcode;
  ByteSpan push;
};

// Reads the instruction at `pos` and advances past it; nullopt at the end or on a push
// that runs past the end of the script (such a script is still valid to hold, not to run).
inline std::optional<ScriptOp> next_op(ByteSpan script, std::size_t& pos) noexcept {
  if (pos >= script.size()) return std::nullopt;
  const std::uint8_t op = script[pos++];
  std::size_t n = 0;
  if (op < OP_PUSHDATA1) {
    n = op;
  } else if (op <= OP_PUSHDATA4) {
    const std::size_t width = op == OP_PUSHDATA1 ? 1 : op == OP_PUSHDATA2 ? 2 : 4;
    if (script.size() - pos < width) return std::nullopt;
    n = width == 1   ? script[pos]
        : width == 2 ? load_le<std::uint16_t>(&script[pos])
                     : load_le<std::uint32_t>(&script[pos]);
    pos += width;
  } else {
    return ScriptOp{op, {}};
  }
  if (script.size() - pos < n) return std::nullopt;
  ScriptOp out{op, script.subspan(pos, n)};
  pos += n;
  return out;
}

// A witness program: version 0..16 and a 2..40 byte program (BIP141).
struct WitnessProgram {
  int version;
  ByteSpan program;
};

inline std::optional<WitnessProgram> witness_program(ByteSpan s) noexcept {
  if (s.size() < 4 || s.size() > 42) return std::nullopt;
  if (s[0] != OP_0 && (s[0] < OP_1 || s[0] > OP_16)) return std::nullopt;
  if (static_cast<std::size_t>(s[1]) + 2 != s.size()) return std::nullopt;
  return WitnessProgram{decode_small_int(s[0]), s.subspan(2)};
}

inline bool is_compressed_or_uncompressed_pubkey(ByteSpan k) noexcept {
  return (k.size() == 33 && (k[0] == 0x02 || k[0] == 0x03)) || (k.size() == 65 && k[0] == 0x04);
}

// Classifies an output script by its template. Unspendable scripts (OP_RETURN, or over
// the size limit) are never indexed; see is_unspendable().
inline ScriptType classify(ByteSpan s) noexcept {
  if (s.size() == 25 && s[0] == OP_DUP && s[1] == OP_HASH160 && s[2] == 20 && s[23] == OP_EQUALVERIFY &&
      s[24] == OP_CHECKSIG)
    return ScriptType::p2pkh;
  if (s.size() == 23 && s[0] == OP_HASH160 && s[1] == 20 && s[22] == OP_EQUAL) return ScriptType::p2sh;
  if (auto wp = witness_program(s)) {
    if (wp->version == 0 && wp->program.size() == 20) return ScriptType::p2wpkh;
    if (wp->version == 0 && wp->program.size() == 32) return ScriptType::p2wsh;
    if (wp->version == 1 && wp->program.size() == 32) return ScriptType::p2tr;
    if (wp->version != 0) return ScriptType::witness_unknown;
    return ScriptType::nonstandard;
  }
  if (!s.empty() && s[0] == OP_RETURN) return ScriptType::null_data;
  if ((s.size() == 35 || s.size() == 67) && s[0] == s.size() - 2 && s.back() == OP_CHECKSIG &&
      is_compressed_or_uncompressed_pubkey(s.subspan(1, s.size() - 2)))
    return ScriptType::p2pk;
  // Bare multisig: OP_m <pubkey>... OP_n OP_CHECKMULTISIG, 1 <= m <= n <= 3 for standardness.
  if (s.size() >= 37 && s.back() == OP_CHECKMULTISIG) {
    const int m = decode_small_int(s[0]), n = decode_small_int(s[s.size() - 2]);
    if (m < 1 || n < m || n > 3) return ScriptType::nonstandard;
    std::size_t pos = 1;
    int keys = 0;
    while (pos < s.size() - 2) {
      auto op = next_op(s, pos);
      if (!op || op->opcode > 65 || !is_compressed_or_uncompressed_pubkey(op->push)) return ScriptType::nonstandard;
      ++keys;
    }
    return keys == n && pos == s.size() - 2 ? ScriptType::multisig : ScriptType::nonstandard;
  }
  return ScriptType::nonstandard;
}

// Outputs no one can ever spend: OP_RETURN, or longer than a script may be to run.
inline bool is_unspendable(ByteSpan script_pubkey) noexcept {
  return (!script_pubkey.empty() && script_pubkey[0] == OP_RETURN) || script_pubkey.size() > max_script_size;
}

// --- building scripts ---------------------------------------------------------------------

// Appends a minimal push of `data` (BIP62 rule 3 / MINIMALDATA).
inline void push_data(Bytes& script, ByteSpan data) {
  const std::size_t n = data.size();
  if (n == 0) {
    script.push_back(OP_0);
    return;
  }
  if (n == 1 && data[0] >= 1 && data[0] <= 16) {
    script.push_back(encode_small_int(data[0]));
    return;
  }
  if (n == 1 && data[0] == 0x81) {
    script.push_back(OP_1NEGATE);
    return;
  }
  if (n < OP_PUSHDATA1) {
    script.push_back(static_cast<std::uint8_t>(n));
  } else if (n <= 0xff) {
    script.push_back(OP_PUSHDATA1);
    script.push_back(static_cast<std::uint8_t>(n));
  } else if (n <= 0xffff) {
    script.push_back(OP_PUSHDATA2);
    std::uint8_t b[2];
    store_le<std::uint16_t>(b, static_cast<std::uint16_t>(n));
    script.insert(script.end(), b, b + 2);
  } else {
    script.push_back(OP_PUSHDATA4);
    std::uint8_t b[4];
    store_le<std::uint32_t>(b, static_cast<std::uint32_t>(n));
    script.insert(script.end(), b, b + 4);
  }
  append(script, data);
}

// Output scripts are built at their exact size: one allocation, no growth.
inline Bytes p2pkh_script(const Hash160& key_hash) {
  Bytes s(25);
  s[0] = OP_DUP, s[1] = OP_HASH160, s[2] = 20;
  std::memcpy(&s[3], key_hash.data(), 20);
  s[23] = OP_EQUALVERIFY, s[24] = OP_CHECKSIG;
  return s;
}

inline Bytes p2sh_script(const Hash160& script_hash) {
  Bytes s(23);
  s[0] = OP_HASH160, s[1] = 20;
  std::memcpy(&s[2], script_hash.data(), 20);
  s[22] = OP_EQUAL;
  return s;
}

inline Bytes p2pk_script(ByteSpan pubkey) {
  Bytes s;
  s.reserve(pubkey.size() + 2);
  push_data(s, pubkey);
  s.push_back(OP_CHECKSIG);
  return s;
}

// Any witness program: OP_version <program>.
inline Bytes witness_script(int version, ByteSpan program) {
  Bytes s(2 + program.size());
  s[0] = encode_small_int(version), s[1] = static_cast<std::uint8_t>(program.size());
  if (!program.empty()) std::memcpy(&s[2], program.data(), program.size());
  return s;
}

inline Bytes p2wpkh_script(const Hash160& key_hash) { return witness_script(0, key_hash.span()); }
inline Bytes p2wsh_script(const Hash256& script_sha256) { return witness_script(0, script_sha256.span()); }
inline Bytes p2tr_script(ByteSpan output_key_x32) { return witness_script(1, output_key_x32); }

inline Bytes null_data_script(ByteSpan data) {
  Bytes s = {OP_RETURN};
  push_data(s, data);
  return s;
}

// --- Electrum --------------------------------------------------------------------------

struct ScriptHashTag;
// Electrum protocol script hash: SHA-256 of the output script. Its hex form is the reversed
// digest, exactly as BasicHash prints (protocol-basics.rst, "Script Hashes").
using ScriptHash = BasicHash<32, ScriptHashTag>;

inline ScriptHash electrum_scripthash(ByteSpan script_pubkey) noexcept {
  return ScriptHash::from(sha256(script_pubkey));
}

}  // namespace coinkit
