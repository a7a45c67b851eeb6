// bip39::korean: the BIP39 Korean wordlist (bitcoin/bips bip-0039/korean.txt).
#pragma once

#include <coinkit/keys/detail/wordlist_korean.hpp>
#include <coinkit/keys/wordlist.hpp>

namespace coinkit::bip39 {

inline constexpr Wordlist korean{keys::detail::wordlist_korean_text, keys::detail::wordlist_korean_offsets,
                                 keys::detail::wordlist_korean_sorted};

}  // namespace coinkit::bip39
