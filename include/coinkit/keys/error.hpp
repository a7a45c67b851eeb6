// Error codes of the keys layer: invalid keys, signatures, WIF, extended keys and paths.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/core/error_category.hpp>

#include <ostream>
#include <string>
#include <type_traits>

namespace coinkit::keys {

enum class error {
  // private and public keys
  invalid_private_key = 1,    // 32 bytes that are 0 or not below the group order n
  private_key_wrong_length,   // a private key of other than 32 bytes
  public_key_wrong_length,    // a public key whose size does not match its prefix byte
  invalid_public_key_prefix,  // a prefix byte other than 02, 03, 04, 06, 07 (02, 03 in xpubs)
  public_key_not_on_curve,    // well-formed bytes that are not a point of secp256k1
  x_only_key_wrong_length,    // a BIP340 public key of other than 32 bytes
  x_only_key_not_on_curve,    // 32 bytes that are not the x coordinate of a curve point
  // ECDSA signatures
  invalid_der_signature,           // rejected by the strict DER parser
  der_not_a_sequence,              // lax DER: no SEQUENCE tag
  der_not_an_integer,              // lax DER: r or s lacks its INTEGER tag
  der_truncated,                   // lax DER: a length runs past the end of the input
  der_integer_too_large,           // lax DER: r or s wider than 32 bytes
  signature_value_out_of_range,    // r or s zero, negative (DER) or not below the group order
  compact_signature_wrong_length,  // a compact signature of other than 64 (65 recoverable) bytes
  invalid_recovery_header,         // a recoverable signature whose first byte is not 27..34
  public_key_recovery_failed,      // no public key recovers from this signature and digest
  schnorr_signature_wrong_length,  // a BIP340 signature of other than 64 bytes
  // tweaks (BIP32 children, taproot outputs)
  invalid_tweak,  // a tweak not below n, or one whose result is the point at infinity
  // taproot script trees (BIP341)
  taproot_invalid_leaf_version,  // an odd leaf version (its low bit is the control block's parity)
  taproot_leaf_too_deep,         // a leaf deeper than 128, the most a control block can prove
  taproot_leaf_depth_misfit,     // a leaf depth that leaves a sibling missing (depth-first order)
  taproot_tree_complete,         // a leaf added to a tree that already has its root
  // WIF
  wif_wrong_length,              // base58check payload of other than 33 or 34 bytes
  wif_wrong_network,             // the version byte is not this network's WIF prefix
  wif_invalid_compression_flag,  // a 34-byte payload whose last byte is not 0x01
  unknown_script_type,           // an Electrum "type:" prefix Electrum does not define
  segwit_key_not_compressed,     // a segwit script type on an uncompressed key
  // extended keys (BIP32, SLIP-132)
  ext_key_wrong_length,                  // base58check payload of other than 78 bytes
  unknown_ext_key_version,               // version bytes not listed for the network
  ext_key_zero_depth_with_fingerprint,   // a master key with a parent fingerprint
  ext_key_zero_depth_with_child_number,  // a master key with a child number
  public_version_with_private_key,       // public version bytes over private key data
  private_version_with_public_key,       // private version bytes over public key data
  invalid_private_key_prefix,            // private key data not starting with 00
  ext_key_is_private,                    // a private extended key where a public one is expected
  ext_key_is_public,                     // a public extended key where a private one is expected
  hardened_derivation_from_public,       // a hardened child asked of a public extended key
  derivation_depth_exceeded,             // a child below depth 255
  no_version_for_txin_type,              // the network lists no version bytes for this script type
  // derivation paths
  path_empty_component,     // "m//0", "m/", "/0"
  path_invalid_index,       // a component that is not a decimal index with an optional ' h H
  path_index_out_of_range,  // an index of 2^31 or more (hardened is written with ')
};

constexpr const char* error_category_name(error) noexcept { return "coinkit.keys"; }

constexpr const char* error_message(error e) noexcept {
  switch (e) {
    case error::invalid_private_key: return "private key is zero or not below the curve order";
    case error::private_key_wrong_length: return "private key is not 32 bytes";
    case error::public_key_wrong_length: return "public key length does not match its prefix byte";
    case error::invalid_public_key_prefix: return "public key has an invalid prefix byte";
    case error::public_key_not_on_curve: return "public key is not a point on secp256k1";
    case error::x_only_key_wrong_length: return "x-only public key is not 32 bytes";
    case error::x_only_key_not_on_curve: return "x-only public key is not the x coordinate of a curve point";
    case error::invalid_der_signature: return "signature is not strict DER";
    case error::der_not_a_sequence: return "DER signature does not start with a SEQUENCE tag";
    case error::der_not_an_integer: return "DER signature lacks an INTEGER tag for r or s";
    case error::der_truncated: return "DER signature length runs past the end of the input";
    case error::der_integer_too_large: return "DER signature r or s is wider than 32 bytes";
    case error::signature_value_out_of_range: return "signature r or s is zero, negative or not below the curve order";
    case error::compact_signature_wrong_length: return "compact signature has the wrong length";
    case error::invalid_recovery_header: return "recoverable signature header byte is not in 27..34";
    case error::public_key_recovery_failed: return "no public key recovers from this signature";
    case error::schnorr_signature_wrong_length: return "schnorr signature is not 64 bytes";
    case error::invalid_tweak: return "tweak is not below the curve order or yields the point at infinity";
    case error::taproot_invalid_leaf_version: return "taproot leaf version is odd";
    case error::taproot_leaf_too_deep: return "taproot leaf is deeper than 128";
    case error::taproot_leaf_depth_misfit: return "taproot leaf depth leaves an earlier branch without its sibling";
    case error::taproot_tree_complete: return "taproot tree is already complete";
    case error::wif_wrong_length: return "WIF payload is not 33 or 34 bytes";
    case error::wif_wrong_network: return "WIF version byte belongs to another network";
    case error::wif_invalid_compression_flag: return "WIF compression flag is not 0x01";
    case error::unknown_script_type: return "unknown script type prefix on a WIF key";
    case error::segwit_key_not_compressed: return "segwit script types need a compressed key";
    case error::ext_key_wrong_length: return "extended key payload is not 78 bytes";
    case error::unknown_ext_key_version: return "unknown extended key version bytes";
    case error::ext_key_zero_depth_with_fingerprint: return "extended key of depth 0 has a parent fingerprint";
    case error::ext_key_zero_depth_with_child_number: return "extended key of depth 0 has a child number";
    case error::public_version_with_private_key: return "public extended key version over private key data";
    case error::private_version_with_public_key: return "private extended key version over public key data";
    case error::invalid_private_key_prefix: return "extended private key data does not start with 00";
    case error::ext_key_is_private: return "a private extended key where a public one was expected";
    case error::ext_key_is_public: return "a public extended key where a private one was expected";
    case error::hardened_derivation_from_public: return "hardened child cannot derive from a public key";
    case error::derivation_depth_exceeded: return "extended key depth would exceed 255";
    case error::no_version_for_txin_type: return "the network has no extended key version for this script type";
    case error::path_empty_component: return "derivation path has an empty component";
    case error::path_invalid_index: return "derivation path component is not an index";
    case error::path_index_out_of_range: return "derivation path index is not below 2^31";
  }
  return "unknown keys error";
}

inline error_code make_error_code(error e) noexcept { return {static_cast<int>(e), enum_category<error>()}; }

inline std::ostream& operator<<(std::ostream& os, error e) { return os << error_message(e); }

}  // namespace coinkit::keys

template <>
struct boost::system::is_error_code_enum<coinkit::keys::error> : std::true_type {};
