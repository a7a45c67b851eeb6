// bip39::czech: the BIP39 Czech wordlist (bitcoin/bips bip-0039/czech.txt).
#pragma once

#include <coinkit/keys/detail/wordlist_czech.hpp>
#include <coinkit/keys/wordlist.hpp>

namespace coinkit::bip39 {

inline constexpr Wordlist czech{keys::detail::wordlist_czech_text, keys::detail::wordlist_czech_offsets,
                                keys::detail::wordlist_czech_sorted};

}  // namespace coinkit::bip39
