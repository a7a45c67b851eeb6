// bip39::spanish: the BIP39 Spanish wordlist (bitcoin/bips bip-0039/spanish.txt).
#pragma once

#include <coinkit/keys/detail/wordlist_spanish.hpp>
#include <coinkit/keys/wordlist.hpp>

namespace coinkit::bip39 {

inline constexpr Wordlist spanish{keys::detail::wordlist_spanish_text, keys::detail::wordlist_spanish_offsets,
                                  keys::detail::wordlist_spanish_sorted};

}  // namespace coinkit::bip39
