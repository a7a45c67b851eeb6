// keys::detail::for_each_word: the words of a mnemonic, split on ASCII whitespace.
#pragma once

#include <cstddef>
#include <string_view>

namespace coinkit::keys::detail {

inline constexpr bool is_ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Calls f(word) for each run of non-whitespace. After NFKD every Unicode space separator
// BIP39 uses (U+3000 between Japanese words, no-break spaces) has become U+0020.
template <class F>
constexpr void for_each_word(std::string_view text, F&& f) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_ascii_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_ascii_space(text[i])) ++i;
    if (i > start) f(text.substr(start, i - start));
  }
}

}  // namespace coinkit::keys::detail
