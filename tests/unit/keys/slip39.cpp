// Tests keys/slip39.hpp: the wordlist, every share of Electrum's SLIP39 wallet vectors (parse and
// re-encode), recovery, and each error. Wallet addresses of those vectors: electrum_seed.cpp.
#include <coinkit/keys/slip39.hpp>

#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/keys/mnemonic_error.hpp>

#include <support/data.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <array>
#include <string>
#include <vector>

using namespace coinkit;
namespace json = boost::json;

namespace {

std::string str(const json::value& v) { return std::string(v.as_string()); }

// The share sets of the wallet vectors, by test name.
std::vector<std::pair<std::string, std::vector<std::string>>> share_sets() {
  const json::object v = test::read_json("vectors/electrum/electrum_seed_and_wallet_vectors.json").as_object();
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& [group, list] : v.at("wallet_vectors").as_object()) {
    for (const json::value& t : list.as_array()) {
      const json::object& vars = t.at("vars").as_object();
      if (!vars.contains("mnemonics")) continue;
      std::vector<std::string> set;
      for (const json::value& m : vars.at("mnemonics").as_array()) set.push_back(str(m));
      out.emplace_back(str(t.at("test")), std::move(set));
    }
  }
  return out;
}

const std::vector<std::string>& set_named(std::string_view name) {
  static const auto sets = share_sets();
  for (const auto& [n, set] : sets)
    if (n == name) return set;
  BOOST_FAIL("no share set " << name);
  return sets.front().second;
}

// Words with a valid checksum for arbitrary 10-bit data: lets tests build shares that only
// the later checks reject.
std::string with_checksum(std::vector<std::uint16_t> data, bool extendable) {
  const std::size_t n = data.size();
  data.resize(n + 3, 0);
  const std::uint32_t checksum = slip39::detail::rs1024_checksum_state(extendable, data) ^ 1;
  for (std::size_t i = 0; i < 3; ++i) data[n + i] = static_cast<std::uint16_t>(checksum >> (10 * (2 - i)) & 0x3FF);
  std::string out;
  for (std::uint16_t w : data) out += std::string(out.empty() ? "" : " ") + std::string(slip39::words[w]);
  return out;
}

std::vector<std::uint16_t> indices_of(std::string_view mnemonic) {
  std::vector<std::uint16_t> out;
  keys::detail::for_each_word(
      mnemonic, [&](std::string_view w) { out.push_back(static_cast<std::uint16_t>(slip39::words.find(w))); });
  return out;
}

template <class T>
error_code error_of(const result<T>& r) {
  return r ? error_code() : r.error();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(slip39_tests)

BOOST_AUTO_TEST_CASE(wordlist) {
  BOOST_TEST_REQUIRE(slip39::words.size() == 1024u);
  // SHA-256 of the words each followed by "\n" (slip-0039/wordlist.txt), as published.
  Sha256 file;
  for (std::size_t i = 0; i < slip39::words.size(); ++i) file.write(as_bytes(slip39::words[i])).write(as_bytes("\n"));
  BOOST_TEST(to_hex(file.finalize().span()) == "bcc4555340332d169718aed8bf31dd9d5248cb7da6e5d355140ef4f1e601eec3");
  BOOST_TEST(slip39::words[0] == "academic");
  BOOST_TEST(slip39::words[1023] == "zero");
  for (std::size_t i = 0; i < slip39::words.size(); ++i) {
    const std::string_view w = slip39::words[i];
    BOOST_TEST(slip39::words.find(w) == static_cast<int>(i));
    BOOST_TEST((w.size() >= 4 && w.size() <= 8));
    if (i) {
      BOOST_TEST((slip39::words[i - 1] < w));                             // sorted
      BOOST_TEST((slip39::words[i - 1].substr(0, 4) != w.substr(0, 4)));  // unique 4-letter prefixes
    }
  }
}

// Every share of every set parses, re-encodes to its own words, and agrees with its set.
BOOST_AUTO_TEST_CASE(vector_shares_round_trip) {
  std::size_t sets = 0, shares = 0;
  for (const auto& [name, set] : share_sets()) {
    ++sets;
    const slip39::Share first = slip39::parse_share(set.front());
    for (const std::string& m : set) {
      BOOST_TEST_CONTEXT(name << ": " << m) {
        const slip39::Share s = slip39::parse_share(m);
        BOOST_TEST(slip39::to_words(s) == m);
        BOOST_TEST(s.identifier == first.identifier);
        BOOST_TEST(s.extendable == name.starts_with("test_slip39_extendable"));
        std::size_t words = 0;
        keys::detail::for_each_word(m, [&](std::string_view) { ++words; });
        BOOST_TEST(s.value.size() == (words == 20 ? 16u : 32u));  // 13 or 26 value words
        ++shares;
      }
    }
  }
  BOOST_TEST(sets == 8u);
  BOOST_TEST(shares == 22u);
}

BOOST_AUTO_TEST_CASE(share_fields) {
  // 3 of 6 in one group: "academic" is group 0, threshold 1 of 1 groups.
  const slip39::Share s = slip39::parse_share(set_named("test_slip39_non_extendable_basic_3of6_bip44_standard")[0]);
  BOOST_TEST(s.group_index == 0);
  BOOST_TEST(s.group_threshold == 1);
  BOOST_TEST(s.group_count == 1);
  BOOST_TEST(s.member_threshold == 3);
  BOOST_TEST(s.iteration_exponent == 0);
  BOOST_TEST(!s.extendable);
  // Words are looked up case-insensitively and split on any whitespace.
  std::string upper = set_named("test_slip39_non_extendable_basic_3of6_bip44_standard")[0];
  for (char& c : upper) c = c == ' ' ? '\t' : static_cast<char>(c - 'a' + 'A');
  BOOST_TEST((slip39::parse_share(upper) == s));
}

BOOST_AUTO_TEST_CASE(recovery) {
  // The one vector that states its master secret (passphrase "TREZOR", as in SLIP39's own
  // vectors); the others are checked through their wallets' keys and addresses in
  // electrum_seed.cpp.
  const auto& set = set_named("test_slip39_extendable_basic_3of6_bip44_standard");
  BOOST_TEST(to_hex(slip39::recover(set, "TREZOR")) == "255415e2b20ad13cef7adca1e336eaec");
  // Share order does not matter, repeats are ignored, and another passphrase gives another secret.
  std::vector<std::string> shuffled = {set[2], set[0], set[2], set[1]};
  BOOST_TEST(to_hex(slip39::recover(shuffled, "TREZOR")) == "255415e2b20ad13cef7adca1e336eaec");
  BOOST_TEST(to_hex(slip39::recover(set)) != "255415e2b20ad13cef7adca1e336eaec");
  // The groups vector: one share of a 1-of-1 group and three of a 3-of-? group; drop the
  // first and the group threshold of 2 is not met.
  const auto& groups = set_named("test_slip39_non_extendable_groups_128bit_bip84_native_segwit");
  const slip39::Share g0 = slip39::parse_share(groups[0]);
  BOOST_TEST(g0.group_threshold == 2);
  BOOST_TEST(slip39::try_recover(groups).has_value());
  const std::vector<std::string> one_group(groups.begin() + 1, groups.end());
  BOOST_TEST(error_of(slip39::try_recover(one_group)) == keys::mnemonic_error::insufficient_shares);
}

// The Feistel round function's primitive (core/hmac.hpp), on the commonly cited
// PBKDF2-HMAC-SHA256 values for "password"/"salt".
BOOST_AUTO_TEST_CASE(pbkdf2_hmac_sha256_values) {
  std::array<std::uint8_t, 32> out;
  pbkdf2_hmac_sha256(as_bytes("password"), as_bytes("salt"), 1, out);
  BOOST_TEST(to_hex(out) == "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
  pbkdf2_hmac_sha256(as_bytes("password"), as_bytes("salt"), 2, out);
  BOOST_TEST(to_hex(out) == "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
  pbkdf2_hmac_sha256(as_bytes("password"), as_bytes("salt"), 4096, out);
  BOOST_TEST(to_hex(out) == "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
  std::array<std::uint8_t, 40> longer;  // two blocks, the second cut short
  pbkdf2_hmac_sha256(as_bytes("passwordPASSWORDpassword"), as_bytes("saltSALTsaltSALTsaltSALTsaltSALTsalt"), 4096,
                     longer);
  BOOST_TEST(to_hex(longer) == "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9");
}

BOOST_AUTO_TEST_CASE(interpolation_at_a_share_returns_it) {
  const std::uint8_t xs[] = {1, 2, 3};
  const Bytes a = {1, 2}, b = {3, 4}, c = {5, 6};
  const ByteSpan ys[] = {a, b, c};
  BOOST_TEST(slip39::detail::interpolate(xs, ys, 2) == b);
  // A constant polynomial stays constant everywhere.
  const ByteSpan same[] = {a, a, a};
  BOOST_TEST(slip39::detail::interpolate(xs, same, 255) == a);
  BOOST_TEST(slip39::detail::gf256.exp[slip39::detail::gf256.log[0x53]] == 0x53);
}

// --- errors ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(unknown_word) {
  std::string m = set_named("test_slip39_non_extendable_basic_3of6_bip44_standard")[0];
  m.replace(m.find("bishop"), 6, "bishops");
  MnemonicFault fault;
  auto r = slip39::try_parse_share(m, &fault);
  BOOST_TEST(error_of(r) == keys::mnemonic_error::unknown_word);
  BOOST_TEST(fault.position == 4u);
  BOOST_TEST(fault.word == "bishops");
  BOOST_CHECK_EXCEPTION(slip39::parse_share(m), system_error, [](const system_error& e) {
    return e.code() == keys::mnemonic_error::unknown_word &&
           std::string_view(e.what()).starts_with("slip39 share: word 4 \"bishops\": word is not in the wordlist");
  });
  BOOST_TEST(error_of(slip39::try_parse_share("abandon")) ==
             keys::mnemonic_error::unknown_word);  // BIP39's, not SLIP39's
  BOOST_TEST(error_of(slip39::try_parse_share(" \n")) == keys::mnemonic_error::empty_mnemonic);
}

BOOST_AUTO_TEST_CASE(invalid_length) {
  const std::string m = set_named("test_slip39_non_extendable_basic_3of6_bip44_standard")[0];
  const std::string nineteen = m.substr(0, m.rfind(' '));
  auto r = slip39::try_parse_share(nineteen);
  BOOST_TEST(error_of(r) == keys::mnemonic_error::share_invalid_length);
  BOOST_TEST(r.error().message() == "SLIP39 share must have at least 20 words and a value of whole bytes");
  // 14 value words hold 140 bits: 12 of padding, more than a byte.
  std::vector<std::uint16_t> data = indices_of(m);
  data.resize(data.size() - 3);
  data.push_back(0);
  BOOST_TEST(error_of(slip39::try_parse_share(with_checksum(data, false))) ==
             keys::mnemonic_error::share_invalid_length);
  BOOST_CHECK_EXCEPTION(slip39::parse_share(nineteen), system_error, [](const system_error& e) {
    return e.code() == keys::mnemonic_error::share_invalid_length &&
           std::string_view(e.what()).starts_with("slip39 share: SLIP39 share must have");
  });
}

BOOST_AUTO_TEST_CASE(bad_checksum) {
  // Every single-word change is caught (RS1024 detects up to 3 errors).
  const std::string m = set_named("test_slip39_extendable_basic_2of5_bip49_p2sh_segwit")[0];
  const std::vector<std::uint16_t> good = indices_of(m);
  std::size_t caught = 0;
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::vector<std::uint16_t> bad = good;
    bad[i] ^= 0x155;
    std::string text;
    for (std::uint16_t w : bad) text += std::string(text.empty() ? "" : " ") + std::string(slip39::words[w]);
    auto r = slip39::try_parse_share(text);
    BOOST_TEST(error_of(r) == keys::mnemonic_error::share_bad_checksum);
    caught += !r;
  }
  BOOST_TEST(caught == good.size());
  BOOST_TEST(make_error_code(keys::mnemonic_error::share_bad_checksum).message() ==
             "SLIP39 share checksum does not match");
  // The customization string differs between extendable and other shares: flipping the flag
  // alone breaks the checksum.
  std::vector<std::uint16_t> flipped = good;
  flipped[1] ^= 1 << 4;
  std::string text;
  for (std::uint16_t w : flipped) text += std::string(text.empty() ? "" : " ") + std::string(slip39::words[w]);
  BOOST_TEST(error_of(slip39::try_parse_share(text)) == keys::mnemonic_error::share_bad_checksum);
}

BOOST_AUTO_TEST_CASE(bad_padding) {
  std::vector<std::uint16_t> data = indices_of(set_named("test_slip39_non_extendable_basic_3of6_bip44_standard")[0]);
  data.resize(data.size() - 3);
  data[4] |= 0x200;  // the first of 2 padding bits of a 13-word value
  auto r = slip39::try_parse_share(with_checksum(data, false));
  BOOST_TEST(error_of(r) == keys::mnemonic_error::share_bad_padding);
  BOOST_TEST(r.error().message() == "SLIP39 share value has non-zero padding bits");
}

BOOST_AUTO_TEST_CASE(group_threshold_exceeds_count) {
  slip39::Share s = slip39::parse_share(set_named("test_slip39_non_extendable_basic_3of6_bip44_standard")[0]);
  std::vector<std::uint16_t> data = indices_of(slip39::to_words(s));
  data.resize(data.size() - 3);
  data[2] |= 1 << 2;  // group threshold - 1 = 1: 2 groups of 1
  auto r = slip39::try_parse_share(with_checksum(data, false));
  BOOST_TEST(error_of(r) == keys::mnemonic_error::share_group_threshold_exceeds_count);
  BOOST_TEST(r.error().message() == "SLIP39 share's group threshold is greater than its group count");
}

BOOST_AUTO_TEST_CASE(set_errors) {
  const auto& basic = set_named("test_slip39_non_extendable_basic_3of6_bip44_standard");
  const auto& other = set_named("test_slip39_extendable_basic_3of6_bip44_standard");

  auto none = slip39::try_recover(std::vector<std::string>{});
  BOOST_TEST(error_of(none) == keys::mnemonic_error::no_shares);
  BOOST_TEST(none.error().message() == "no SLIP39 shares given");

  auto mixed = slip39::try_recover(std::vector<std::string>{basic[0], basic[1], other[2]});
  BOOST_TEST(error_of(mixed) == keys::mnemonic_error::share_identifier_mismatch);
  BOOST_TEST(mixed.error().message() == "SLIP39 shares have different identifiers");

  slip39::Share changed = slip39::parse_share(basic[2]);
  changed.iteration_exponent = 1;
  auto params = slip39::try_recover(std::vector<std::string>{basic[0], basic[1], slip39::to_words(changed)});
  BOOST_TEST(error_of(params) == keys::mnemonic_error::share_parameters_mismatch);
  changed = slip39::parse_share(basic[2]);
  changed.member_threshold = 2;
  BOOST_TEST(error_of(slip39::try_recover(std::vector<std::string>{basic[0], basic[1], slip39::to_words(changed)})) ==
             keys::mnemonic_error::share_parameters_mismatch);

  changed = slip39::parse_share(basic[2]);
  changed.value[0] ^= 1;
  auto duplicate =
      slip39::try_recover(std::vector<std::string>{basic[0], basic[1], basic[2], slip39::to_words(changed)});
  BOOST_TEST(error_of(duplicate) == keys::mnemonic_error::share_duplicate_member);
  BOOST_TEST(duplicate.error().message() == "SLIP39 shares repeat a member index with another value");

  auto two = slip39::try_recover(std::vector<std::string>{basic[0], basic[1]});
  BOOST_TEST(error_of(two) == keys::mnemonic_error::insufficient_shares);
  BOOST_TEST(two.error().message() == "not enough SLIP39 shares to meet the group threshold");
  BOOST_CHECK_EXCEPTION(slip39::recover(std::vector<std::string>{basic[0]}), system_error, [](const system_error& e) {
    return e.code() == keys::mnemonic_error::insufficient_shares &&
           std::string_view(e.what()).starts_with("slip39 shares: not enough SLIP39 shares");
  });

  // A share with a valid checksum but a changed value: the digest catches it.
  auto digest = slip39::try_recover(std::vector<std::string>{basic[0], basic[1], slip39::to_words(changed)});
  BOOST_TEST(error_of(digest) == keys::mnemonic_error::share_digest_mismatch);
  BOOST_TEST(digest.error().message() == "SLIP39 shares do not combine: the secret's digest does not match");
}

BOOST_AUTO_TEST_SUITE_END()
