// keys::detail::word_indices: a mnemonic's words as wordlist indices, naming the first unknown one.
#pragma once

#include <coinkit/core/error.hpp>
#include <coinkit/keys/detail/for_each_word.hpp>
#include <coinkit/keys/mnemonic_error.hpp>
#include <coinkit/keys/wordlist.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit::keys::detail {

// The index of each word of `text`, which must already be normalized as `words` stores its
// words. An unknown word fails with unknown_word, `fault` naming it and its 1-based position;
// text without words fails with empty_mnemonic. BIP39, Electrum seeds and SLIP39 share this.
inline result<std::vector<std::uint16_t>> word_indices(std::string_view text, const Wordlist& words,
                                                       MnemonicFault* fault = nullptr) {
  std::vector<std::uint16_t> out;
  bool unknown = false;
  for_each_word(text, [&](std::string_view word) {
    if (unknown) return;
    const int index = words.find(word);
    if (index < 0) {
      unknown = true;
      if (fault) *fault = {out.size() + 1, std::string(word)};
      return;
    }
    out.push_back(static_cast<std::uint16_t>(index));
  });
  if (unknown) return keys::mnemonic_error::unknown_word;
  if (out.empty()) return keys::mnemonic_error::empty_mnemonic;
  return out;
}

}  // namespace coinkit::keys::detail
