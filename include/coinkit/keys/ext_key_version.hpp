// ExtKeyVersion: the version bytes of extended keys per script type (BIP32, SLIP-132).
#pragma once

#include <cstdint>
#include <string_view>

namespace coinkit {

// The kind of script a wallet's keys pay to, named as Electrum names txin types.
enum class TxinType {
  p2pkh,
  p2wpkh_p2sh,
  p2wpkh,
  p2sh,  // multisig in p2sh
  p2wsh_p2sh,
  p2wsh,
  p2tr,
  p2pk,  // a bare key and OP_CHECKSIG: no wallet's chains, but a WIF's coins may be paid to it
};

constexpr std::string_view to_string(TxinType t) noexcept {
  switch (t) {
    case TxinType::p2pkh: return "p2pkh";
    case TxinType::p2wpkh_p2sh: return "p2wpkh-p2sh";
    case TxinType::p2wpkh: return "p2wpkh";
    case TxinType::p2sh: return "p2sh";
    case TxinType::p2wsh_p2sh: return "p2wsh-p2sh";
    case TxinType::p2wsh: return "p2wsh";
    case TxinType::p2tr: return "p2tr";
    case TxinType::p2pk: return "p2pk";
  }
  return "p2pkh";
}

// Whether the type's scripts are segwit (witness programs, bare or nested in p2sh).
constexpr bool is_segwit(TxinType t) noexcept {
  return t != TxinType::p2pkh && t != TxinType::p2sh && t != TxinType::p2pk;
}

// One row of SLIP-132: extended keys with these version bytes derive this script type
// (xpub/xprv p2pkh, ypub/yprv p2wpkh-p2sh, zpub/zprv p2wpkh, ...).
struct ExtKeyVersion {
  TxinType txin_type;
  std::uint32_t public_version;
  std::uint32_t private_version;
};

}  // namespace coinkit
