// Unicode normalization of mnemonics and passphrases: NFKD (BIP39) and Electrum's normalize_text.
#pragma once

#include <coinkit/keys/mnemonic_error.hpp>

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>
#include <boost/assert.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// The only header of coinkit that includes ICU: BIP39 and Electrum define their seeds over
// NFKD text, and only Unicode's tables can say what NFKD, lower case and combining mean.

namespace coinkit {

namespace keys::detail {

inline bool is_ascii(std::string_view s) noexcept {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// False on any ill-formed sequence (overlong forms, surrogates, truncation), which ICU
// would otherwise silently replace with U+FFFD.
inline bool valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  const auto n = static_cast<std::int32_t>(s.size());
  for (std::int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return false;
  }
  return true;
}

inline void append_utf8(std::string& out, UChar32 c) {
  const auto u = static_cast<std::uint32_t>(c);
  if (u < 0x80) {
    out.push_back(static_cast<char>(u));
  } else if (u < 0x800) {
    out.push_back(static_cast<char>(0xc0 | u >> 6));
    out.push_back(static_cast<char>(0x80 | (u & 0x3f)));
  } else if (u < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | u >> 12));
    out.push_back(static_cast<char>(0x80 | (u >> 6 & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (u & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | u >> 18));
    out.push_back(static_cast<char>(0x80 | (u >> 12 & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (u >> 6 & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (u & 0x3f)));
  }
}

// NFKD of well-formed UTF-8, through ICU's UTF-16 strings.
inline icu::UnicodeString nfkd_utf16(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  BOOST_ASSERT(U_SUCCESS(status));  // ICU's built-in data is always present
  icu::UnicodeString out = nfkd->normalize(
      icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size()))), status);
  BOOST_ASSERT(U_SUCCESS(status));
  return out;
}

// Python's str.isspace(), which str.split() splits on: general category Zs, or
// bidirectional class WS, B or S.
inline bool python_isspace(UChar32 c) noexcept {
  if (u_charType(c) == U_SPACE_SEPARATOR) return true;
  const UCharDirection d = u_charDirection(c);
  return d == U_WHITE_SPACE_NEUTRAL || d == U_BLOCK_SEPARATOR || d == U_SEGMENT_SEPARATOR;
}

// Electrum's CJK_INTERVALS (electrum/mnemonic.py): scripts written without spaces between words.
inline bool is_cjk(UChar32 c) noexcept {
  static constexpr UChar32 intervals[][2] = {
      {0x4E00, 0x9FFF}, {0x3400, 0x4DBF},   {0x20000, 0x2A6DF}, {0x2A700, 0x2B73F}, {0x2B740, 0x2B81F},
      {0xF900, 0xFAFF}, {0x2F800, 0x2FA1D}, {0x3190, 0x319F},   {0x2E80, 0x2EFF},   {0x2F00, 0x2FDF},
      {0x31C0, 0x31EF}, {0x2FF0, 0x2FFF},   {0xE0100, 0xE01EF}, {0x3100, 0x312F},   {0x31A0, 0x31BF},
      {0xFF00, 0xFFEF}, {0x3040, 0x309F},   {0x30A0, 0x30FF},   {0x31F0, 0x31FF},   {0x1B000, 0x1B0FF},
      {0xAC00, 0xD7AF}, {0x1100, 0x11FF},   {0xA960, 0xA97F},   {0xD7B0, 0xD7FF},   {0x3130, 0x318F},
      {0xA4D0, 0xA4FF}, {0x16F00, 0x16F9F}, {0xA000, 0xA48F},   {0xA490, 0xA4CF},
  };
  for (const auto& r : intervals)
    if (c >= r[0] && c <= r[1]) return true;
  return false;
}

}  // namespace keys::detail

// NFKD (Unicode compatibility decomposition) of UTF-8 text, as BIP39 applies to mnemonics
// and passphrases. ASCII is returned as is without touching ICU.
inline result<std::string> nfkd(std::string_view utf8) {
  if (keys::detail::is_ascii(utf8)) return std::string(utf8);
  if (!keys::detail::valid_utf8(utf8)) return keys::mnemonic_error::invalid_utf8;
  std::string out;
  keys::detail::nfkd_utf16(utf8).toUTF8String(out);
  return out;
}

// Electrum's normalize_text (electrum/mnemonic.py): NFKD, lower case, combining marks
// (accents) removed, whitespace runs collapsed to one space and trimmed, and the spaces
// between two CJK characters removed. Seed versions and seeds are computed over this form.
inline result<std::string> electrum_normalize(std::string_view utf8) {
  if (!keys::detail::valid_utf8(utf8)) return keys::mnemonic_error::invalid_utf8;

  icu::UnicodeString text = keys::detail::nfkd_utf16(utf8);
  text.toLower(icu::Locale::getRoot());  // Python's str.lower(): locale-independent full mapping

  // Marks and whitespace out: words are the runs between whitespace.
  std::vector<UChar32> cps;
  cps.reserve(static_cast<std::size_t>(text.length()));
  bool pending_space = false;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (u_getCombiningClass(c) != 0) continue;
    if (keys::detail::python_isspace(c)) {
      pending_space = !cps.empty();
      continue;
    }
    if (pending_space) cps.push_back(U' ');
    pending_space = false;
    cps.push_back(c);
  }

  std::string out;
  out.reserve(cps.size());
  for (std::size_t i = 0; i < cps.size(); ++i) {
    if (cps[i] == U' ' && keys::detail::is_cjk(cps[i - 1]) && keys::detail::is_cjk(cps[i + 1])) continue;
    keys::detail::append_utf8(out, cps[i]);
  }
  return out;
}

}  // namespace coinkit
