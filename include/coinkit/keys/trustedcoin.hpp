// TrustedCoin: the third (server) key of Electrum's 2fa wallets, from TrustedCoin's fixed master keys.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/error.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/hmac.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/keys/electrum_seed.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/ext_key_version.hpp>

#include <boost/assert.hpp>

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <utility>

// An Electrum 2fa wallet is a 2-of-3 multisig of the two keystores of its seed and a
// cosigner key that TrustedCoin's server holds. The cosigner key is derived, not random, so
// a wallet restores from its seed alone (electrum/plugins/trustedcoin/trustedcoin.py):
//   long_id  = SHA-256(the two user xpubs, as Electrum writes them, sorted and concatenated)
//   short_id = hex(SHA-256(long_id))  (the wallet's id at the server)
//   cosigner = CKDpub(signing master key, long_id): the BIP32 step with the 32-byte long_id
//              where the 4-byte child index would go, as a depth-0 key.

namespace coinkit::trustedcoin {

// TrustedCoin's master public keys for one network (get_signing_xpub, get_billing_xpub).
struct MasterKeys {
  std::string_view signing_xpub;  // cosigner keys of wallets
  std::string_view billing_xpub;  // addresses that fees are paid to
};

inline constexpr MasterKeys mainnet{
    "xpub661MyMwAqRbcGnMkaTx2594P9EDuiEqMq25PM2aeG6UmwzaohgA6uDmNsvSUV8ubqwA3Wpste1hg69XHgjUuCD5HLcEp2QPzyV1HMrPppsL",
    "xpub6DTBdtBB8qUmH5c77v8qVGVoYk7WjJNpGvutqjLasNG1mbux6KsojaLrYf2sRhXAVU4NaFuHhbD9SvVPRt1MB1MaMooRuhHcAZH1yhQ1qDU"};
inline constexpr MasterKeys testnet{
    "tpubD6NzVbkrYhZ4XdmyJQcCPjQfg6RXVUzGFhPjZ7uvRC8JLcS7Hw1i7UTpyhp9grHpak4TyK2hzBJrujDVLXQ6qB5tNpVx9rC6ixijUXadnmY",
    "tpubD6NzVbkrYhZ4X11EJFTJujsYbUmVASAYY7gXsEt4sL97AMBdypiH1E9ZVTpdXXEy3Kj9Eqd1UkxdGtvDt5z23DKsh6211CfNJo8bLLyem5r"};

// Electrum's long user id: SHA-256 of the two xpub strings, sorted, concatenated.
inline Hash256 long_user_id(std::string_view xpub1, std::string_view xpub2) noexcept {
  if (xpub2 < xpub1) std::swap(xpub1, xpub2);
  return Sha256().write(as_bytes(xpub1)).write(as_bytes(xpub2)).finalize();
}

// The id the server knows the wallet by: hex of SHA-256(long_id).
inline std::string short_user_id(const Hash256& long_id) { return to_hex(sha256(long_id.span()).span()); }

namespace detail {

// A master key constant as an ExtPubKey; the constants are valid xpub/tpub keys.
inline ExtPubKey master_key(std::string_view xpub) {
  static constexpr ExtKeyVersion versions[] = {{TxinType::p2pkh, 0x0488b21e, 0x0488ade4},   // xpub
                                               {TxinType::p2pkh, 0x043587cf, 0x04358394}};  // tpub
  auto key = ExtPubKey::try_parse(xpub, versions);
  BOOST_ASSERT(key.has_value());
  return key->key;
}

// make_xpub: CKDpub with a 32-byte "index". Fails (invalid_tweak) with probability ~2^-128.
inline result<ExtPubKey> ckd_pub_32(const ExtPubKey& parent, const Hash256& data) noexcept {
  const auto i = HmacSha512(parent.chain_code()).write(parent.key().bytes()).write(data.span()).finalize();
  auto child = parent.key().tweak_add(std::span<const std::uint8_t, 64>(i).first<32>());
  if (!child) return child.error();
  ChainCode chain_code;
  std::copy(i.begin() + 32, i.end(), chain_code.begin());
  return ExtPubKey(0, Fingerprint{}, 0, chain_code, *child);
}

}  // namespace detail

// The cosigner key of the wallet whose user xpubs are these strings.
inline result<ExtPubKey> try_cosigner_key(std::string_view xpub1, std::string_view xpub2,
                                          const MasterKeys& service = mainnet) {
  return detail::ckd_pub_32(detail::master_key(service.signing_xpub), long_user_id(xpub1, xpub2));
}

// The cosigner key of the wallet of a 2fa seed's two keystores (try_two_fa_keystores):
// their xpubs are written with `versions` (the network's SLIP-132 table) as Electrum writes
// them, p2sh keys with the p2pkh (xpub) version, p2wsh keys as Zpub.
inline result<ExtPubKey> try_cosigner_key(const std::array<electrum_seed::ElectrumKeystore, 2>& user,
                                          std::span<const ExtKeyVersion> versions,
                                          const MasterKeys& service = mainnet) {
  std::string xpubs[2];
  for (std::size_t i = 0; i < 2; ++i) {
    const TxinType written_as = user[i].txin_type == TxinType::p2sh ? TxinType::p2pkh : user[i].txin_type;
    auto text = user[i].xprv.neuter().to_base58(versions, written_as);
    if (!text) return text.error();
    xpubs[i] = std::move(*text);
  }
  return try_cosigner_key(xpubs[0], xpubs[1], service);
}

// make_billing_address's key: child `index` of CKDpub(billing master key, long_id); the
// server's fee address of that index pays to its p2pkh.
inline result<PublicKey> try_billing_key(const Hash256& long_id, std::uint32_t index,
                                         const MasterKeys& service = mainnet) {
  auto node = detail::ckd_pub_32(detail::master_key(service.billing_xpub), long_id);
  if (!node) return node.error();
  auto child = node->try_derive(index);
  if (!child) return child.error();
  return child->key();
}

}  // namespace coinkit::trustedcoin
