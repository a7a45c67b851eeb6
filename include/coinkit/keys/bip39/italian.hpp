// bip39::italian: the BIP39 Italian wordlist (bitcoin/bips bip-0039/italian.txt).
#pragma once

#include <coinkit/keys/detail/wordlist_italian.hpp>
#include <coinkit/keys/wordlist.hpp>

namespace coinkit::bip39 {

inline constexpr Wordlist italian{keys::detail::wordlist_italian_text, keys::detail::wordlist_italian_offsets,
                                  keys::detail::wordlist_italian_sorted};

}  // namespace coinkit::bip39
