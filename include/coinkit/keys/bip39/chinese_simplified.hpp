// bip39::chinese_simplified: the BIP39 Chinese (simplified) wordlist (bitcoin/bips bip-0039/chinese_simplified.txt).
#pragma once

#include <coinkit/keys/detail/wordlist_chinese_simplified.hpp>
#include <coinkit/keys/wordlist.hpp>

namespace coinkit::bip39 {

inline constexpr Wordlist chinese_simplified{keys::detail::wordlist_chinese_simplified_text,
                                             keys::detail::wordlist_chinese_simplified_offsets,
                                             keys::detail::wordlist_chinese_simplified_sorted};

}  // namespace coinkit::bip39
