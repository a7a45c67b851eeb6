// Electrum seeds: seed versions, the bip32 seed of new seeds, old seeds and their master key, new seeds.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/error.hpp>
#include <coinkit/core/hex.hpp>
#include <coinkit/core/hmac.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/keys/bip39.hpp>
#include <coinkit/keys/derivation_path.hpp>
#include <coinkit/keys/detail/wordlist_electrum_old.hpp>
#include <coinkit/keys/ext_key.hpp>
#include <coinkit/keys/ext_key_version.hpp>
#include <coinkit/keys/mnemonic_error.hpp>
#include <coinkit/keys/normalize.hpp>
#include <coinkit/keys/private_key.hpp>
#include <coinkit/keys/public_key.hpp>
#include <coinkit/keys/random.hpp>
#include <coinkit/keys/wordlist.hpp>

#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

// Electrum's seeds are not BIP39: the words carry no checksum of their own; instead
// hmac_sha512("Seed version", normalized words) must begin, in hex, with the prefix of a
// seed type (electrum/version.py). Seeds from before Electrum 2.0 ("old") are 12 or 24 words
// of a 1626-word list, or their hex, and stretch into one master key pair.

namespace coinkit {

enum class ElectrumSeedType { old, standard, segwit, two_fa, two_fa_segwit };

constexpr bool is_segwit(ElectrumSeedType t) noexcept {
  return t == ElectrumSeedType::segwit || t == ElectrumSeedType::two_fa_segwit;
}

// Electrum's names: calc_seed_type() results and wallet "seed_type" values.
constexpr std::string_view to_string(ElectrumSeedType t) noexcept {
  switch (t) {
    case ElectrumSeedType::old: return "old";
    case ElectrumSeedType::standard: return "standard";
    case ElectrumSeedType::segwit: return "segwit";
    case ElectrumSeedType::two_fa: return "2fa";
    case ElectrumSeedType::two_fa_segwit: return "2fa_segwit";
  }
  return "old";
}

inline std::ostream& operator<<(std::ostream& os, ElectrumSeedType t) { return os << to_string(t); }

namespace electrum_seed {

// electrum/version.py: SEED_PREFIX, SEED_PREFIX_SW, SEED_PREFIX_2FA, SEED_PREFIX_2FA_SW.
// Old seeds have no version; their prefix is empty.
constexpr std::string_view version_prefix(ElectrumSeedType t) noexcept {
  switch (t) {
    case ElectrumSeedType::old: return "";
    case ElectrumSeedType::standard: return "01";
    case ElectrumSeedType::segwit: return "100";
    case ElectrumSeedType::two_fa: return "101";
    case ElectrumSeedType::two_fa_segwit: return "102";
  }
  return "";
}

inline constexpr unsigned pbkdf2_rounds = 2048;
inline constexpr unsigned old_seed_stretch_rounds = 100'000;  // Old_KeyStore.stretch_key

// Electrum's old_mnemonic.py list; a word's value depends on the word before it.
inline constexpr Wordlist old_words{keys::detail::wordlist_electrum_old_text,
                                    keys::detail::wordlist_electrum_old_offsets,
                                    keys::detail::wordlist_electrum_old_sorted};

// Whether already normalized text (electrum_normalize) carries this version prefix:
// hex(hmac_sha512("Seed version", text)) starts with it.
inline bool has_version_prefix(std::string_view normalized, std::string_view prefix) noexcept {
  BOOST_ASSERT(prefix.size() <= 2 * 64);
  const auto mac = hmac_sha512(as_bytes("Seed version"), as_bytes(normalized));
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const unsigned nibble = i % 2 ? mac[i / 2] & 0x0f : mac[i / 2] >> 4;
    if (coinkit::detail::hex_digits[nibble] != prefix[i]) return false;
  }
  return true;
}

namespace detail {

inline bool is_hex_text(std::string_view s) noexcept {
  for (char c : s)
    if (coinkit::detail::hex_value(c) < 0) return false;
  return true;
}

// is_old_seed() on normalized text. Electrum keeps its checks weak on purpose (issue
// #3149): 16 or 32 bytes of hex, or 12 or 24 words that are all in the old list.
inline bool is_old_normalized(std::string_view normalized) noexcept {
  if ((normalized.size() == 32 || normalized.size() == 64) && is_hex_text(normalized)) return true;
  std::size_t count = 0;
  bool all_known = true;
  keys::detail::for_each_word(normalized, [&](std::string_view w) {
    ++count;
    all_known = all_known && old_words.find(w) >= 0;
  });
  return all_known && (count == 12 || count == 24);
}

inline std::size_t word_count(std::string_view normalized) noexcept {
  std::size_t count = 0;
  keys::detail::for_each_word(normalized, [&](std::string_view) { ++count; });
  return count;
}

// calc_seed_type() on normalized text: false where Electrum returns "".
inline bool classify_normalized(std::string_view normalized, ElectrumSeedType& type) noexcept {
  if (is_old_normalized(normalized)) {
    type = ElectrumSeedType::old;
  } else if (has_version_prefix(normalized, version_prefix(ElectrumSeedType::standard))) {
    type = ElectrumSeedType::standard;
  } else if (has_version_prefix(normalized, version_prefix(ElectrumSeedType::segwit))) {
    type = ElectrumSeedType::segwit;
  } else if (has_version_prefix(normalized, version_prefix(ElectrumSeedType::two_fa))) {
    // Electrum 2.7 changed 2fa key derivation but kept the prefix; 2fa seeds are told apart
    // by length only, and other lengths are not 2fa seeds (calc_seed_type).
    const std::size_t n = word_count(normalized);
    if (n != 12 && n < 20) return false;
    type = ElectrumSeedType::two_fa;
  } else if (has_version_prefix(normalized, version_prefix(ElectrumSeedType::two_fa_segwit))) {
    type = ElectrumSeedType::two_fa_segwit;
  } else {
    return false;
  }
  return true;
}

}  // namespace detail

// calc_seed_type(): which kind of Electrum seed the text is, after normalization; fails with
// not_electrum_seed when none matches (Electrum's ""), invalid_utf8 on malformed text.
inline result<ElectrumSeedType> try_seed_type(std::string_view phrase) {
  auto normalized = electrum_normalize(phrase);
  if (!normalized) return normalized.error();
  ElectrumSeedType type;
  if (!detail::classify_normalized(*normalized, type)) return keys::mnemonic_error::not_electrum_seed;
  return type;
}

inline ElectrumSeedType seed_type(std::string_view phrase) {
  return value_or_throw(try_seed_type(phrase), "electrum seed");
}

// Mnemonic.mnemonic_to_seed: PBKDF2-HMAC-SHA512(normalized words, "electrum" + normalized
// passphrase, 2048), the bip32 seed of new (versioned) seeds. Any text is accepted, as in
// Electrum; check the seed type first.
inline result<bip39::Seed> try_to_bip32_seed(std::string_view phrase, std::string_view passphrase = {}) {
  auto words = electrum_normalize(phrase);
  if (!words) return words.error();
  auto pass = electrum_normalize(passphrase);
  if (!pass) return pass.error();
  std::string salt = "electrum";
  salt += *pass;
  bip39::Seed seed;
  pbkdf2_hmac_sha512(as_bytes(*words), as_bytes(salt), pbkdf2_rounds, seed);
  return seed;
}

inline bip39::Seed to_bip32_seed(std::string_view phrase, std::string_view passphrase = {}) {
  return value_or_throw(try_to_bip32_seed(phrase, passphrase), "electrum seed");
}

// --- keystores of new seeds ----------------------------------------------------------

// An Electrum BIP32 keystore: its extended private key and the script type its keys pay to
// (the SLIP-132 version bytes Electrum writes it with: xprv, zprv, Zprv, ...).
struct ElectrumKeystore {
  ExtPrivKey xprv;
  TxinType txin_type;
};

// keystore.from_seed for standard and segwit seeds: the bip32 root of to_bip32_seed(),
// derived at m (p2pkh) for standard seeds and m/0' (p2wpkh) for segwit; in a multisig
// wallet m (p2sh) and m/1' (p2wsh). Old and 2fa seeds fail with unsupported_seed_type
// (see try_old_master_private_key and try_two_fa_keystores); text that is no seed with
// not_electrum_seed.
inline result<ElectrumKeystore> try_keystore(std::string_view phrase, std::string_view passphrase = {},
                                             bool for_multisig = false) {
  auto type = try_seed_type(phrase);
  if (!type) return type.error();
  DerivationPath path;
  TxinType txin_type;
  switch (*type) {
    case ElectrumSeedType::standard: txin_type = for_multisig ? TxinType::p2sh : TxinType::p2pkh; break;
    case ElectrumSeedType::segwit:
      path = DerivationPath{hardened(for_multisig ? 1 : 0)};
      txin_type = for_multisig ? TxinType::p2wsh : TxinType::p2wpkh;
      break;
    default: return keys::mnemonic_error::unsupported_seed_type;
  }
  auto seed = try_to_bip32_seed(phrase, passphrase);
  if (!seed) return seed.error();
  auto root = ExtPrivKey::try_from_seed(*seed);
  if (!root) return root.error();
  auto key = root->try_derive(path);
  if (!key) return key.error();
  return ElectrumKeystore{*key, txin_type};
}

inline ElectrumKeystore keystore(std::string_view phrase, std::string_view passphrase = {}, bool for_multisig = false) {
  return value_or_throw(try_keystore(phrase, passphrase, for_multisig), "electrum seed keystore");
}

// TrustedCoinPlugin.xkeys_from_seed: the two keystores a 2fa seed holds (the third
// cosigner is TrustedCoin's). 2fa seeds of 20 words or more predate Electrum 2.7: each half
// is a seed of its own (the first 12 words, the rest), derived at m with no passphrase;
// 12-word 2fa and all 2fa_segwit seeds derive m/0' and m/1'. Keys are p2sh (2fa) or p2wsh
// (2fa_segwit) multisig keys.
inline result<std::array<ElectrumKeystore, 2>> try_two_fa_keystores(std::string_view phrase,
                                                                    std::string_view passphrase = {}) {
  auto type = try_seed_type(phrase);
  if (!type) return type.error();
  if (*type != ElectrumSeedType::two_fa && *type != ElectrumSeedType::two_fa_segwit)
    return keys::mnemonic_error::unsupported_seed_type;
  const TxinType txin_type = *type == ElectrumSeedType::two_fa ? TxinType::p2sh : TxinType::p2wsh;
  auto normalized = electrum_normalize(phrase);
  if (!normalized) return normalized.error();

  auto from = [&](std::string_view words, std::string_view pass, const DerivationPath& path) -> result<ExtPrivKey> {
    auto seed = try_to_bip32_seed(words, pass);
    if (!seed) return seed.error();
    auto root = ExtPrivKey::try_from_seed(*seed);
    if (!root) return root.error();
    return root->try_derive(path);
  };
  result<ExtPrivKey> first = keys::mnemonic_error::unsupported_seed_type, second = first;
  if (*type == ElectrumSeedType::two_fa && detail::word_count(*normalized) >= 20) {
    if (!passphrase.empty()) return keys::mnemonic_error::old_seed_passphrase;
    std::size_t split = 0, seen = 0;  // the byte offset after the 12th word
    keys::detail::for_each_word(*normalized, [&](std::string_view w) {
      if (++seen == 12) split = static_cast<std::size_t>(w.data() + w.size() - normalized->data());
    });
    const std::string_view all = *normalized;
    first = from(all.substr(0, split), {}, {});
    second = from(all.substr(split), {}, {});
  } else {
    first = from(*normalized, passphrase, DerivationPath{hardened(0)});
    second = from(*normalized, passphrase, DerivationPath{hardened(1)});
  }
  if (!first) return first.error();
  if (!second) return second.error();
  return std::array<ElectrumKeystore, 2>{ElectrumKeystore{*first, txin_type}, ElectrumKeystore{*second, txin_type}};
}

// --- new seeds: words ↔ entropy -------------------------------------------------------

// Mnemonic.mnemonic_encode with a 2048-word list: the number's base-2048 digits, least
// significant first. `entropy` is the number big-endian, leading zero bytes allowed.
inline std::string encode_entropy(ByteSpan entropy, const Wordlist& words = bip39::english) {
  BOOST_ASSERT(words.size() == 2048);
  std::size_t bits = entropy.size() * 8;  // significant bits: drop leading zeros
  for (std::size_t i = 0; i < entropy.size() && entropy[i] == 0; ++i) bits -= 8;
  if (bits && !entropy.empty()) {
    const std::uint8_t top = entropy[entropy.size() - (bits + 7) / 8];
    bits -= static_cast<std::size_t>(__builtin_clz(top) - 24);
  }
  auto bit_at = [&](std::size_t lsb_index) {  // bit counted from the least significant end
    const std::uint8_t byte = entropy[entropy.size() - 1 - lsb_index / 8];
    return byte >> (lsb_index % 8) & 1;
  };
  std::string out;
  for (std::size_t w = 0; w * 11 < bits; ++w) {
    unsigned index = 0;
    for (std::size_t b = 0; b < 11 && w * 11 + b < bits; ++b) index |= bit_at(w * 11 + b) << b;
    if (w) out += words.separator();
    out += words[index];
  }
  return out;
}

// Mnemonic.mnemonic_decode: the number the words encode, big-endian in the fewest whole
// bytes that hold 11 bits per word. Words are read in NFKD, as Electrum's wordlists hold
// them (accents kept, CJK words still apart), with ASCII letters lower-cased. Unknown words
// fail with `fault` naming them.
inline result<Bytes> try_decode_entropy(std::string_view phrase, const Wordlist& words = bip39::english,
                                        MnemonicFault* fault = nullptr) {
  BOOST_ASSERT(words.size() == 2048);
  auto normalized = nfkd(phrase);
  if (!normalized) return normalized.error();
  for (char& c : *normalized)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  const auto indices = keys::detail::word_indices(*normalized, words, fault);
  if (!indices) return indices.error();
  Bytes out((indices->size() * 11 + 7) / 8);
  for (std::size_t digit = 0; digit < indices->size(); ++digit) {  // the first word is the least significant digit
    for (std::size_t b = 0; b < 11; ++b) {
      if (!((*indices)[digit] >> b & 1)) continue;
      const std::size_t lsb_index = digit * 11 + b;
      out[out.size() - 1 - lsb_index / 8] |= static_cast<std::uint8_t>(1u << (lsb_index % 8));
    }
  }
  return out;
}

// Mnemonic.make_seed: a new seed of `type` from `num_bits` of entropy (rounded up to whole
// words), drawn by `fill_random`. Electrum's loop: entropy with its top word non-zero, then
// entropy + 1, + 2, ... until the words are not an old seed and carry the version prefix.
template <class FillRandom>
std::string make(ElectrumSeedType type, FillRandom&& fill_random, std::size_t num_bits = 132,
                 const Wordlist& words = bip39::english) {
  BOOST_ASSERT(type != ElectrumSeedType::old);
  BOOST_ASSERT(num_bits > 11);
  const std::size_t bits = (num_bits + 10) / 11 * 11;
  Bytes entropy((bits + 7) / 8 + 1);       // one spare byte: adding the nonce may carry over
  const std::size_t top_bits = bits - 11;  // Electrum retries while entropy < 2^(bits - 11)
  auto bit_set = [&](std::size_t lsb_index) {
    return entropy[entropy.size() - 1 - lsb_index / 8] >> (lsb_index % 8) & 1;
  };
  for (bool enough = false; !enough;) {
    fill_random(MutableByteSpan(entropy).subspan(1));
    entropy[0] = 0;
    const std::size_t excess = entropy.size() * 8 - 8 - bits;  // clear bits above `bits`
    entropy[1] &= static_cast<std::uint8_t>(0xff >> excess);
    for (std::size_t b = top_bits; b < bits && !enough; ++b) enough = bit_set(b);
  }
  const std::string_view prefix = version_prefix(type);
  for (;;) {
    for (std::size_t i = entropy.size(); i-- > 0;)  // nonce += 1
      if (++entropy[i] != 0) break;
    std::string phrase = encode_entropy(entropy, words);
    auto normalized = electrum_normalize(phrase);
    BOOST_ASSERT(normalized);  // the wordlist is valid UTF-8
    if (detail::is_old_normalized(*normalized)) continue;
    if (has_version_prefix(*normalized, prefix)) return phrase;
  }
}

// A new seed from the kernel's random source.
inline std::string make(ElectrumSeedType type = ElectrumSeedType::segwit, std::size_t num_bits = 132) {
  return make(
      type, [](MutableByteSpan out) { secure_random(out); }, num_bits);
}

// --- old seeds ------------------------------------------------------------------------

// Old_KeyStore.format_seed: the seed as Electrum stores it, hex text. Hex input is taken as
// is (normalized: lower case); words decode three at a time into 8 hex digits (old_mnemonic
// mn_decode), each word's value relative to the one before it.
inline result<std::string> try_old_seed_hex(std::string_view phrase) {
  auto normalized = electrum_normalize(phrase);
  if (!normalized) return normalized.error();
  if (!detail::is_old_normalized(*normalized)) return keys::mnemonic_error::not_old_seed;
  if (detail::is_hex_text(*normalized)) return std::move(*normalized);
  int index[24];
  std::size_t count = 0;
  keys::detail::for_each_word(*normalized, [&](std::string_view w) { index[count++] = old_words.find(w); });
  const std::int64_t n = static_cast<std::int64_t>(old_words.size());
  auto mod = [n](std::int64_t x) { return (x % n + n) % n; };
  std::string out;
  for (std::size_t i = 0; i + 3 <= count; i += 3) {
    const std::int64_t w1 = index[i], w2 = index[i + 1], w3 = index[i + 2];
    std::uint64_t x = static_cast<std::uint64_t>(w1 + n * mod(w2 - w1) + n * n * mod(w3 - w2));
    // '%08x': at least 8 digits; the weak checks let some triples exceed 2^32, giving 9.
    char digits[16];
    int len = 0;
    do digits[len++] = coinkit::detail::hex_digits[x & 0xf];
    while ((x >>= 4) != 0);
    while (len < 8) digits[len++] = '0';
    while (len) out += digits[--len];
  }
  return out;
}

inline std::string old_seed_hex(std::string_view phrase) {
  return value_or_throw(try_old_seed_hex(phrase), "old electrum seed");
}

// Old_KeyStore.stretch_key: x = SHA-256(x ‖ seed) 100000 times, starting from x = seed (the
// hex text's bytes); x is the master secret, used with uncompressed public keys.
inline result<PrivateKey> try_old_master_private_key(std::string_view seed_hex) {
  const ByteSpan seed = as_bytes(seed_hex);
  Hash256 x = Sha256().write(seed).write(seed).finalize();
  for (unsigned i = 1; i < old_seed_stretch_rounds; ++i) x = Sha256().write(x.span()).write(seed).finalize();
  auto key = PrivateKey::from_bytes(x.span(), false);
  if (!key) return keys::mnemonic_error::invalid_master_key;
  return key;
}

// Old_KeyStore.get_sequence: the tweak of key `index` on the receiving (change = false) or
// change chain: sha256d("index:change:" ‖ mpk), mpk the 64-byte master public key.
inline Hash256 old_sequence_tweak(const PublicKey& master, bool change, std::uint32_t index) {
  const auto mpk = master.uncompressed_bytes();
  const std::string prefix = std::to_string(index) + ":" + (change ? "1" : "0") + ":";
  return Sha256d().write(as_bytes(prefix)).write(ByteSpan(mpk).subspan(1)).finalize();
}

// Old_KeyStore.get_pubkey_from_mpk: master + tweak·G, uncompressed.
inline result<PublicKey> try_old_public_key(const PublicKey& master, bool change, std::uint32_t index) {
  const Hash256 z = old_sequence_tweak(master, change, index);
  auto key = master.with_compressed(false).tweak_add(std::span<const std::uint8_t, 32>(z.data(), 32));
  if (!key) return key.error();
  return *key;
}

// Old_KeyStore.get_private_key_from_stretched_exponent: (secret + tweak) mod n, uncompressed.
inline result<PrivateKey> try_old_private_key(const PrivateKey& master, bool change, std::uint32_t index) {
  const Hash256 z = old_sequence_tweak(master.public_key(), change, index);
  auto key = master.with_compressed(false).tweak_add(std::span<const std::uint8_t, 32>(z.data(), 32));
  if (!key) return key.error();
  return *key;
}

}  // namespace electrum_seed

}  // namespace coinkit
