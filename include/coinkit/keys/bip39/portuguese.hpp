// bip39::portuguese: the BIP39 Portuguese wordlist (bitcoin/bips bip-0039/portuguese.txt).
#pragma once

#include <coinkit/keys/detail/wordlist_portuguese.hpp>
#include <coinkit/keys/wordlist.hpp>

namespace coinkit::bip39 {

inline constexpr Wordlist portuguese{keys::detail::wordlist_portuguese_text, keys::detail::wordlist_portuguese_offsets,
                                     keys::detail::wordlist_portuguese_sorted};

}  // namespace coinkit::bip39
