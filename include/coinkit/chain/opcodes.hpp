// Script opcodes, spelled as the protocol spells them.
#pragma once

#include <cstdint>

namespace coinkit {

// NOLINTBEGIN(readability-identifier-naming): opcode names are the protocol's own.
enum opcode : std::uint8_t {
  OP_0 = 0x00,
  OP_FALSE = OP_0,
  OP_PUSHDATA1 = 0x4c,
  OP_PUSHDATA2 = 0x4d,
  OP_PUSHDATA4 = 0x4e,
  OP_1NEGATE = 0x4f,
  OP_RESERVED = 0x50,
  OP_1 = 0x51,
  OP_TRUE = OP_1,
  OP_2 = 0x52,
  OP_3 = 0x53,
  OP_16 = 0x60,
  OP_NOP = 0x61,
  OP_IF = 0x63,
  OP_NOTIF = 0x64,
  OP_ELSE = 0x67,
  OP_ENDIF = 0x68,
  OP_VERIFY = 0x69,
  OP_RETURN = 0x6a,
  OP_DROP = 0x75,
  OP_DUP = 0x76,
  OP_SIZE = 0x82,
  OP_EQUAL = 0x87,
  OP_EQUALVERIFY = 0x88,
  OP_RIPEMD160 = 0xa6,
  OP_SHA256 = 0xa8,
  OP_HASH160 = 0xa9,
  OP_HASH256 = 0xaa,
  OP_CODESEPARATOR = 0xab,
  OP_CHECKSIG = 0xac,
  OP_CHECKSIGVERIFY = 0xad,
  OP_CHECKMULTISIG = 0xae,
  OP_CHECKMULTISIGVERIFY = 0xaf,
  OP_CHECKLOCKTIMEVERIFY = 0xb1,
  OP_CHECKSEQUENCEVERIFY = 0xb2,
  OP_CHECKSIGADD = 0xba,
  OP_INVALIDOPCODE = 0xff,
};
// NOLINTEND(readability-identifier-naming)

// OP_0 and OP_1..OP_16 as small integers; -1 for any other opcode.
constexpr int decode_small_int(std::uint8_t op) noexcept {
  if (op == OP_0) return 0;
  if (op >= OP_1 && op <= OP_16) return op - OP_1 + 1;
  return -1;
}

constexpr std::uint8_t encode_small_int(int n) noexcept {
  return n == 0 ? std::uint8_t{OP_0} : static_cast<std::uint8_t>(OP_1 + n - 1);
}

}  // namespace coinkit
