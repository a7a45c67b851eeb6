// bip39::chinese_traditional: the BIP39 Chinese (traditional) wordlist (bitcoin/bips bip-0039/chinese_traditional.txt).
#pragma once

#include <coinkit/keys/detail/wordlist_chinese_traditional.hpp>
#include <coinkit/keys/wordlist.hpp>

namespace coinkit::bip39 {

inline constexpr Wordlist chinese_traditional{keys::detail::wordlist_chinese_traditional_text,
                                              keys::detail::wordlist_chinese_traditional_offsets,
                                              keys::detail::wordlist_chinese_traditional_sorted};

}  // namespace coinkit::bip39
