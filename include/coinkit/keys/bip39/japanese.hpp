// bip39::japanese: the BIP39 Japanese wordlist (bitcoin/bips bip-0039/japanese.txt), joined by U+3000.
#pragma once

#include <coinkit/keys/detail/wordlist_japanese.hpp>
#include <coinkit/keys/wordlist.hpp>

namespace coinkit::bip39 {

inline constexpr Wordlist japanese{keys::detail::wordlist_japanese_text, keys::detail::wordlist_japanese_offsets,
                                   keys::detail::wordlist_japanese_sorted, "\xe3\x80\x80"};

}  // namespace coinkit::bip39
