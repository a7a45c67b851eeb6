// SLIP39 Shamir mnemonic shares: parsing (RS1024 checksum), encoding, and recovery of the master secret.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/error.hpp>
#include <coinkit/core/hmac.hpp>
#include <coinkit/keys/detail/word_indices.hpp>
#include <coinkit/keys/detail/wordlist_slip39.hpp>
#include <coinkit/keys/mnemonic_error.hpp>
#include <coinkit/keys/wordlist.hpp>

#include <boost/assert.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// SLIP-0039 (satoshilabs/slips slip-0039.md). A master secret is encrypted with a passphrase
// (a 4-round Feistel network over PBKDF2-HMAC-SHA256), split into groups by Shamir's scheme
// over GF(256), and each group's share split again among its members. Each member share is
// a mnemonic of 10-bit words:
//   identifier 15 | extendable 1 | iteration exponent 4 | group index 4 | group threshold-1 4 |
//   group count-1 4 | member index 4 | member threshold-1 4 | share value, zero-padded on the
//   left to whole words | RS1024 checksum 30
// Recovery needs, for `group threshold` groups, `member threshold` shares of each.

namespace coinkit::slip39 {

inline constexpr unsigned radix_bits = 10;                   // bits per word
inline constexpr std::size_t metadata_words = 4;             // identifier to member threshold
inline constexpr std::size_t checksum_words = 3;             // RS1024
inline constexpr std::size_t min_secret_size = 16;           // 128 bits
inline constexpr std::size_t min_words = 20;                 // 4 + 13 value words + 3
inline constexpr unsigned base_iteration_count = 10'000;     // PBKDF2 iterations of all 4 rounds at e = 0
inline constexpr unsigned round_count = 4;                   // Feistel rounds
inline constexpr std::uint8_t secret_index = 255;            // x of the shared secret
inline constexpr std::uint8_t digest_index = 254;            // x of the digest share
inline constexpr std::size_t digest_size = 4;                // HMAC-SHA256 bytes checked
inline constexpr std::string_view customization = "shamir";  // RS1024 and the Feistel salt
inline constexpr std::string_view customization_extendable = "shamir_extendable";

// The 1024 words (slip-0039/wordlist.txt); each is told apart by its first 4 letters.
inline constexpr Wordlist words{keys::detail::wordlist_slip39_text, keys::detail::wordlist_slip39_offsets,
                                keys::detail::wordlist_slip39_sorted};

// One member share, as its words state it. Thresholds and counts are the real numbers
// (1..16), not the stored value minus one.
struct Share {
  std::uint16_t identifier = 0;         // 15 bits, random, common to all shares of a secret
  bool extendable = false;              // the identifier is not part of the encryption salt
  std::uint8_t iteration_exponent = 0;  // PBKDF2 runs base_iteration_count << e iterations
  std::uint8_t group_index = 0;         // x of the group share, 0..15
  std::uint8_t group_threshold = 1;     // groups needed
  std::uint8_t group_count = 1;         // groups made
  std::uint8_t member_index = 0;        // x of this share in its group, 0..15
  std::uint8_t member_threshold = 1;    // members of this group needed
  Bytes value;                          // the share's y values, one per byte of the secret

  friend bool operator==(const Share&, const Share&) = default;
};

namespace detail {

// RS1024 (a Reed-Solomon code over GF(1024)): the customization string's bytes, then the
// words; a valid share leaves 1.
inline constexpr std::uint32_t rs1024_polymod(std::uint32_t chk, std::uint32_t value) noexcept {
  constexpr std::uint32_t gen[10] = {0xE0E040,   0x1C1C080,  0x3838100,  0x7070200,  0xE0E0009,
                                     0x1C0C2412, 0x38086C24, 0x3090FC48, 0x21B1F890, 0x3F3F120};
  const std::uint32_t b = chk >> 20;
  chk = (chk & 0xFFFFF) << 10 ^ value;
  for (unsigned i = 0; i < 10; ++i)
    if (b >> i & 1) chk ^= gen[i];
  return chk;
}

inline constexpr std::uint32_t rs1024_checksum_state(bool extendable, std::span<const std::uint16_t> data) noexcept {
  std::uint32_t chk = 1;
  for (char c : extendable ? customization_extendable : customization)
    chk = rs1024_polymod(chk, static_cast<unsigned char>(c));
  for (std::uint16_t v : data) chk = rs1024_polymod(chk, v);
  return chk;
}

// GF(256) modulo the Rijndael polynomial x^8 + x^4 + x^3 + x + 1, as log/exp tables of
// the generator 3.
struct Gf256 {
  std::array<std::uint8_t, 255> exp{};
  std::array<std::uint8_t, 256> log{};
};

inline constexpr Gf256 make_gf256() noexcept {
  Gf256 t;
  unsigned poly = 1;
  for (unsigned i = 0; i < 255; ++i) {
    t.exp[i] = static_cast<std::uint8_t>(poly);
    t.log[poly] = static_cast<std::uint8_t>(i);
    poly = (poly << 1) ^ poly;  // poly * 3
    if (poly & 0x100) poly ^= 0x11B;
  }
  return t;
}

inline constexpr Gf256 gf256 = make_gf256();

// Lagrange interpolation at x of the points (xs[k], ys[k]), byte by byte. The xs are
// distinct (checked by the caller); all ys have the same length.
inline Bytes interpolate(std::span<const std::uint8_t> xs, std::span<const ByteSpan> ys, std::uint8_t x) {
  BOOST_ASSERT(!xs.empty() && xs.size() == ys.size());
  for (std::size_t k = 0; k < xs.size(); ++k)
    if (xs[k] == x) return Bytes(ys[k].begin(), ys[k].end());
  // log of the product of (x - xs[j]) over all j; each basis polynomial divides out its own
  // term and multiplies by 1 / prod_{j != k} (xs[k] - xs[j]). Subtraction is XOR.
  unsigned log_prod = 0;
  for (std::uint8_t xj : xs) log_prod += gf256.log[x ^ xj];
  Bytes out(ys[0].size(), 0);
  for (std::size_t k = 0; k < xs.size(); ++k) {
    unsigned log_denominator = 0;
    for (std::uint8_t xj : xs) log_denominator += gf256.log[xs[k] ^ xj];  // xs[k] ^ xs[k] = 0: log 0 is 0
    const unsigned log_basis = (log_prod - gf256.log[x ^ xs[k]] + 255 * 16 - log_denominator) % 255;
    for (std::size_t i = 0; i < out.size(); ++i)
      if (ys[k][i]) out[i] ^= gf256.exp[(gf256.log[ys[k][i]] + log_basis) % 255];
  }
  return out;
}

// The secret of a threshold's worth of shares (x, y): interpolated at secret_index, and
// checked against the digest share at digest_index, whose first 4 bytes are
// HMAC-SHA256(key = its other bytes, shared secret). With a threshold of 1 the share is the
// secret, unchecked.
inline result<Bytes> recover_secret(std::size_t threshold, std::span<const std::uint8_t> xs,
                                    std::span<const ByteSpan> ys) {
  BOOST_ASSERT(xs.size() == threshold && threshold >= 1);
  if (threshold == 1) return Bytes(ys[0].begin(), ys[0].end());
  Bytes secret = interpolate(xs, ys, secret_index);
  const Bytes digest_share = interpolate(xs, ys, digest_index);
  const auto digest = hmac_sha256(ByteSpan(digest_share).subspan(digest_size), secret);
  if (!std::equal(digest_share.begin(), digest_share.begin() + digest_size, digest.begin()))
    return keys::mnemonic_error::share_digest_mismatch;
  return secret;
}

}  // namespace detail

// A share from its words: case-insensitive word lookup, the RS1024 checksum, the value's
// zero padding, and a group threshold no greater than the group count. `fault` (optional)
// names an unknown word.
inline result<Share> try_parse_share(std::string_view mnemonic, MnemonicFault* fault = nullptr) {
  std::string lower(mnemonic);  // SLIP39 words are looked up case-insensitively
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  auto found = keys::detail::word_indices(lower, words, fault);
  if (!found) return found.error();
  const std::vector<std::uint16_t>& indices = *found;
  const std::size_t value_words = indices.size() < min_words ? 0 : indices.size() - metadata_words - checksum_words;
  const std::size_t padding = value_words * radix_bits % 16;  // the value is whole 16-bit units
  if (indices.size() < min_words || padding > 8) return keys::mnemonic_error::share_invalid_length;

  const std::uint32_t id_word = static_cast<std::uint32_t>(indices[0]) << 10 | indices[1];
  const bool extendable = id_word >> 4 & 1;
  if (detail::rs1024_checksum_state(extendable, indices) != 1) return keys::mnemonic_error::share_bad_checksum;

  Share s;
  s.identifier = static_cast<std::uint16_t>(id_word >> 5);
  s.extendable = extendable;
  s.iteration_exponent = static_cast<std::uint8_t>(id_word & 0xF);
  const std::uint32_t group_word = static_cast<std::uint32_t>(indices[2]) << 10 | indices[3];
  s.group_index = static_cast<std::uint8_t>(group_word >> 16);
  s.group_threshold = static_cast<std::uint8_t>((group_word >> 12 & 0xF) + 1);
  s.group_count = static_cast<std::uint8_t>((group_word >> 8 & 0xF) + 1);
  s.member_index = static_cast<std::uint8_t>(group_word >> 4 & 0xF);
  s.member_threshold = static_cast<std::uint8_t>((group_word & 0xF) + 1);
  if (s.group_threshold > s.group_count) return keys::mnemonic_error::share_group_threshold_exceeds_count;

  // The value words as one big-endian bit string; its first `padding` bits must be zero.
  s.value.assign((value_words * radix_bits - padding) / 8, 0);
  for (std::size_t w = 0; w < value_words; ++w) {
    const unsigned v = indices[metadata_words + w];
    for (unsigned b = 0; b < radix_bits; ++b) {
      if (!(v >> (radix_bits - 1 - b) & 1)) continue;
      const std::size_t bit = w * radix_bits + b;  // from the first (padding) bit
      if (bit < padding) return keys::mnemonic_error::share_bad_padding;
      const std::size_t at = bit - padding;
      s.value[at / 8] |= static_cast<std::uint8_t>(0x80 >> at % 8);
    }
  }
  return s;
}

// Throws system_error; for an unknown word the message names it and its position.
inline Share parse_share(std::string_view mnemonic) {
  MnemonicFault fault;
  auto r = try_parse_share(mnemonic, &fault);
  if (!r && r.error() == keys::mnemonic_error::unknown_word)
    throw system_error(r.error(), "slip39 share: word " + std::to_string(fault.position) + " \"" + fault.word + "\"");
  return value_or_throw(std::move(r), "slip39 share");
}

// The words of a share; the inverse of parse_share. The share must be well formed (fields in
// range, a value of at least 16 bytes and an even length): BOOST_ASSERT.
inline std::string to_words(const Share& s) {
  BOOST_ASSERT(s.identifier < 1u << 15 && s.iteration_exponent < 16 && s.group_index < 16 && s.member_index < 16);
  BOOST_ASSERT(s.group_threshold >= 1 && s.group_threshold <= s.group_count && s.group_count <= 16);
  BOOST_ASSERT(s.member_threshold >= 1 && s.member_threshold <= 16);
  BOOST_ASSERT(s.value.size() >= min_secret_size && s.value.size() % 2 == 0);
  const std::size_t value_words = (s.value.size() * 8 + radix_bits - 1) / radix_bits;
  const std::size_t padding = value_words * radix_bits - s.value.size() * 8;
  std::vector<std::uint16_t> indices;
  const std::uint32_t id_word = static_cast<std::uint32_t>(s.identifier) << 5 |
                                static_cast<std::uint32_t>(s.extendable) << 4 | s.iteration_exponent;
  const std::uint32_t group_word = static_cast<std::uint32_t>(s.group_index) << 16 |
                                   static_cast<std::uint32_t>(s.group_threshold - 1) << 12 |
                                   static_cast<std::uint32_t>(s.group_count - 1) << 8 |
                                   static_cast<std::uint32_t>(s.member_index) << 4 | (s.member_threshold - 1u);
  indices = {static_cast<std::uint16_t>(id_word >> 10), static_cast<std::uint16_t>(id_word & 0x3FF),
             static_cast<std::uint16_t>(group_word >> 10), static_cast<std::uint16_t>(group_word & 0x3FF)};
  for (std::size_t w = 0; w < value_words; ++w) {
    unsigned v = 0;
    for (unsigned b = 0; b < radix_bits; ++b) {
      const std::size_t bit = w * radix_bits + b;
      const bool set = bit >= padding && (s.value[(bit - padding) / 8] >> (7 - (bit - padding) % 8) & 1);
      v = v << 1 | static_cast<unsigned>(set);
    }
    indices.push_back(static_cast<std::uint16_t>(v));
  }
  const std::size_t data_size = indices.size();
  indices.resize(data_size + checksum_words, 0);
  const std::uint32_t checksum = detail::rs1024_checksum_state(s.extendable, indices) ^ 1;
  for (std::size_t i = 0; i < checksum_words; ++i)
    indices[data_size + i] = static_cast<std::uint16_t>(checksum >> (radix_bits * (checksum_words - 1 - i)) & 0x3FF);
  std::string out;
  for (std::size_t i = 0; i < indices.size(); ++i) {
    if (i) out += ' ';
    out += words[indices[i]];
  }
  return out;
}

// The master secret as the shares hold it, encrypted, with what decrypting it takes.
struct EncryptedMasterSecret {
  std::uint16_t identifier = 0;
  bool extendable = false;
  std::uint8_t iteration_exponent = 0;
  Bytes ciphertext;

  // The Feistel network run backwards: L ‖ R = ciphertext, then for rounds 3, 2, 1, 0
  // (L, R) = (R, L xor F(i, R)), and the secret is R ‖ L, where F(i, R) =
  // PBKDF2-HMAC-SHA256(i ‖ passphrase, salt ‖ R, (10000 << e) / 4, |R|) and salt is
  // "shamir" ‖ identifier (2 bytes, big-endian), or empty for extendable shares. The
  // passphrase is taken as bytes (SLIP39 asks for printable ASCII); any gives some secret.
  Bytes decrypt(std::string_view passphrase = {}) const {
    BOOST_ASSERT(ciphertext.size() % 2 == 0);
    const std::size_t half = ciphertext.size() / 2;
    Bytes l(ciphertext.begin(), ciphertext.begin() + static_cast<std::ptrdiff_t>(half));
    Bytes r(ciphertext.begin() + static_cast<std::ptrdiff_t>(half), ciphertext.end());
    Bytes password(1 + passphrase.size());
    std::copy(passphrase.begin(), passphrase.end(), password.begin() + 1);
    Bytes salt;
    if (!extendable) {
      salt.assign(customization.begin(), customization.end());
      salt.push_back(static_cast<std::uint8_t>(identifier >> 8));
      salt.push_back(static_cast<std::uint8_t>(identifier));
    }
    const std::size_t salt_prefix = salt.size();
    const unsigned iterations = (base_iteration_count << iteration_exponent) / round_count;
    Bytes f(half);
    for (unsigned i = round_count; i-- > 0;) {
      password[0] = static_cast<std::uint8_t>(i);
      salt.resize(salt_prefix);
      salt.insert(salt.end(), r.begin(), r.end());
      pbkdf2_hmac_sha256(password, salt, iterations, f);
      for (std::size_t j = 0; j < half; ++j) l[j] ^= f[j];
      std::swap(l, r);
    }
    Bytes out(r.begin(), r.end());
    out.insert(out.end(), l.begin(), l.end());
    return out;
  }
};

// The encrypted master secret of a set of shares. All shares must agree on the identifier
// (else share_identifier_mismatch) and on the other common parameters and length, and the
// shares of one group on its member threshold (share_parameters_mismatch). Repeated shares
// are ignored, a member index repeated with another value is share_duplicate_member. Groups
// with fewer shares than their threshold are left out; fewer complete groups than the group
// threshold is insufficient_shares. Surplus groups and shares are not used.
inline result<EncryptedMasterSecret> try_recover_ems(std::span<const Share> shares) {
  if (shares.empty()) return keys::mnemonic_error::no_shares;
  const Share& first = shares.front();
  for (const Share& s : shares) {
    // What parse_share guarantees; hand-made shares must hold to it too.
    BOOST_ASSERT(s.group_index < 16 && s.member_index < 16 && s.identifier < 1u << 15 && s.iteration_exponent < 16);
    BOOST_ASSERT(s.group_threshold >= 1 && s.group_threshold <= s.group_count && s.group_count <= 16);
    BOOST_ASSERT(s.member_threshold >= 1 && s.member_threshold <= 16);
    BOOST_ASSERT(s.value.size() >= min_secret_size && s.value.size() % 2 == 0);
    if (s.identifier != first.identifier) return keys::mnemonic_error::share_identifier_mismatch;
    if (s.extendable != first.extendable || s.iteration_exponent != first.iteration_exponent ||
        s.group_threshold != first.group_threshold || s.group_count != first.group_count ||
        s.value.size() != first.value.size())
      return keys::mnemonic_error::share_parameters_mismatch;
  }

  // Per group index, the distinct member shares in the order given.
  std::array<std::vector<const Share*>, 16> groups;
  for (const Share& s : shares) {
    auto& group = groups[s.group_index];
    bool repeated = false;
    for (const Share* other : group) {
      if (other->member_threshold != s.member_threshold) return keys::mnemonic_error::share_parameters_mismatch;
      if (other->member_index != s.member_index) continue;
      if (other->value != s.value) return keys::mnemonic_error::share_duplicate_member;
      repeated = true;
    }
    if (!repeated) group.push_back(&s);
  }

  std::vector<std::uint8_t> group_xs;
  std::vector<Bytes> group_values;
  for (std::uint8_t g = 0; g < groups.size() && group_xs.size() < first.group_threshold; ++g) {
    const auto& group = groups[g];
    if (group.empty() || group.size() < group.front()->member_threshold) continue;
    const std::size_t threshold = group.front()->member_threshold;
    std::vector<std::uint8_t> xs;
    std::vector<ByteSpan> ys;
    for (std::size_t i = 0; i < threshold; ++i) {
      xs.push_back(group[i]->member_index);
      ys.push_back(group[i]->value);
    }
    auto value = detail::recover_secret(threshold, xs, ys);
    if (!value) return value.error();
    group_xs.push_back(g);
    group_values.push_back(std::move(*value));
  }
  if (group_xs.size() < first.group_threshold) return keys::mnemonic_error::insufficient_shares;

  const std::vector<ByteSpan> ys(group_values.begin(), group_values.end());
  auto ems = detail::recover_secret(first.group_threshold, group_xs, ys);
  if (!ems) return ems.error();
  return EncryptedMasterSecret{first.identifier, first.extendable, first.iteration_exponent, std::move(*ems)};
}

// The master secret of a set of share mnemonics (a range of text) and a passphrase: parse
// each (the first failure is returned, `fault` naming an unknown word), recover, decrypt.
// The secret is what BIP32 takes as its seed.
template <std::ranges::input_range Mnemonics>
result<Bytes> try_recover(const Mnemonics& mnemonics, std::string_view passphrase = {},
                          MnemonicFault* fault = nullptr) {
  std::vector<Share> shares;
  for (const auto& m : mnemonics) {
    auto share = try_parse_share(std::string_view(m), fault);
    if (!share) return share.error();
    shares.push_back(std::move(*share));
  }
  auto ems = try_recover_ems(shares);
  if (!ems) return ems.error();
  return ems->decrypt(passphrase);
}

template <std::ranges::input_range Mnemonics>
Bytes recover(const Mnemonics& mnemonics, std::string_view passphrase = {}) {
  MnemonicFault fault;
  auto r = try_recover(mnemonics, passphrase, &fault);
  if (!r && r.error() == keys::mnemonic_error::unknown_word)
    throw system_error(r.error(), "slip39 share: word " + std::to_string(fault.position) + " \"" + fault.word + "\"");
  return value_or_throw(std::move(r), "slip39 shares");
}

}  // namespace coinkit::slip39
