// bip39::french: the BIP39 French wordlist (bitcoin/bips bip-0039/french.txt).
#pragma once

#include <coinkit/keys/detail/wordlist_french.hpp>
#include <coinkit/keys/wordlist.hpp>

namespace coinkit::bip39 {

inline constexpr Wordlist french{keys::detail::wordlist_french_text, keys::detail::wordlist_french_offsets,
                                 keys::detail::wordlist_french_sorted};

}  // namespace coinkit::bip39
