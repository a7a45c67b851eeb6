// BIP39 mnemonics: entropy ↔ words with checksum, validation, and the PBKDF2 seed.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/error.hpp>
#include <coinkit/core/hmac.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/keys/detail/for_each_word.hpp>
#include <coinkit/keys/detail/word_indices.hpp>
#include <coinkit/keys/detail/wordlist_english.hpp>
#include <coinkit/keys/mnemonic_error.hpp>
#include <coinkit/keys/normalize.hpp>
#include <coinkit/keys/wordlist.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace coinkit {

namespace bip39 {

// The 64-byte seed BIP32 master keys are made from.
using Seed = std::array<std::uint8_t, 64>;

inline constexpr std::size_t min_entropy_size = 16;  // 128 bits, 12 words
inline constexpr std::size_t max_entropy_size = 32;  // 256 bits, 24 words
inline constexpr unsigned pbkdf2_rounds = 2048;

// The English list (bip-0039/english.txt), the one every wallet supports.
inline constexpr Wordlist english{keys::detail::wordlist_english_text, keys::detail::wordlist_english_offsets,
                                  keys::detail::wordlist_english_sorted};

constexpr bool is_valid_entropy_size(std::size_t bytes) noexcept {
  return bytes >= min_entropy_size && bytes <= max_entropy_size && bytes % 4 == 0;
}

// The words for 16, 20, 24, 28 or 32 bytes of entropy: its bits followed by the first
// ENT/32 bits of SHA-256(entropy), read 11 bits per word.
inline result<std::string> try_encode(ByteSpan entropy, const Wordlist& words = english) {
  if (!is_valid_entropy_size(entropy.size())) return keys::mnemonic_error::invalid_entropy_length;
  BOOST_ASSERT(words.size() == 2048);
  std::uint8_t bits[max_entropy_size + 1] = {};
  std::copy(entropy.begin(), entropy.end(), bits);
  bits[entropy.size()] = sha256(entropy).span()[0];  // only the first ENT/32 bits are read
  const std::size_t count = (entropy.size() * 8 + entropy.size() / 4) / 11;
  std::string out;
  out.reserve(count * 9);
  for (std::size_t w = 0; w < count; ++w) {
    unsigned index = 0;
    for (std::size_t b = w * 11; b < w * 11 + 11; ++b) index = index << 1 | (bits[b / 8] >> (7 - b % 8) & 1);
    if (w) out += words.separator();
    out += words[index];
  }
  return out;
}

// Throws system_error(mnemonic_error::invalid_entropy_length).
inline std::string encode(ByteSpan entropy, const Wordlist& words = english) {
  return value_or_throw(try_encode(entropy, words), "bip39 entropy");
}

// The entropy of a mnemonic, after checking it: NFKD, then 12..24 words in steps of 3,
// each in the wordlist, and the checksum. `fault` (optional) names an unknown word.
inline result<Bytes> try_decode(std::string_view mnemonic, const Wordlist& words = english,
                                MnemonicFault* fault = nullptr) {
  auto normalized = nfkd(mnemonic);
  if (!normalized) return normalized.error();
  std::size_t count = 0;
  keys::detail::for_each_word(*normalized, [&](std::string_view) { ++count; });
  if (count == 0) return keys::mnemonic_error::empty_mnemonic;
  if (count < 12 || count > 24 || count % 3 != 0) return keys::mnemonic_error::wrong_word_count;

  const auto indices = keys::detail::word_indices(*normalized, words, fault);
  if (!indices) return indices.error();
  std::uint8_t bits[max_entropy_size + 1] = {};
  std::size_t bit = 0;
  for (const std::uint16_t index : *indices)
    for (int b = 10; b >= 0; --b, ++bit)
      if (index >> b & 1) bits[bit / 8] |= static_cast<std::uint8_t>(0x80 >> bit % 8);

  const std::size_t checksum_bits = count / 3;  // ENT/32 where ENT + ENT/32 = 11 * count
  const std::size_t entropy_size = (count * 11 - checksum_bits) / 8;
  const ByteSpan entropy(bits, entropy_size);
  const unsigned expected = sha256(entropy).span()[0] >> (8 - checksum_bits);
  const unsigned actual = bits[entropy_size] >> (8 - checksum_bits);
  if (expected != actual) return keys::mnemonic_error::bad_checksum;
  return Bytes(entropy.begin(), entropy.end());
}

// Throws system_error; for an unknown word the message names it and its position.
inline Bytes decode(std::string_view mnemonic, const Wordlist& words = english) {
  MnemonicFault fault;
  auto r = try_decode(mnemonic, words, &fault);
  if (!r && r.error() == keys::mnemonic_error::unknown_word) {
    const std::string what = "bip39 mnemonic: word " + std::to_string(fault.position) + " \"" + fault.word + "\"";
    throw system_error(r.error(), what);
  }
  return value_or_throw(std::move(r), "bip39 mnemonic");
}

// The mnemonic's error, or none when it is a valid BIP39 mnemonic of `words`.
inline error_code check(std::string_view mnemonic, const Wordlist& words = english, MnemonicFault* fault = nullptr) {
  auto r = try_decode(mnemonic, words, fault);
  return r ? error_code() : r.error();
}

// seed = PBKDF2-HMAC-SHA512(NFKD(mnemonic), "mnemonic" + NFKD(passphrase), 2048). BIP39
// defines it for any text, so the mnemonic is not checked here (see check()); the only
// failure is text that is not UTF-8.
inline result<Seed> try_to_seed(std::string_view mnemonic, std::string_view passphrase = {}) {
  auto password = nfkd(mnemonic);
  if (!password) return password.error();
  auto salt_tail = nfkd(passphrase);
  if (!salt_tail) return salt_tail.error();
  std::string salt = "mnemonic";
  salt += *salt_tail;
  Seed seed;
  pbkdf2_hmac_sha512(as_bytes(*password), as_bytes(salt), pbkdf2_rounds, seed);
  return seed;
}

inline Seed to_seed(std::string_view mnemonic, std::string_view passphrase = {}) {
  return value_or_throw(try_to_seed(mnemonic, passphrase), "bip39 seed");
}

}  // namespace bip39

}  // namespace coinkit
