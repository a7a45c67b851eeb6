// Tests keys/ecdsa_signature.hpp: strict and lax DER, compact form, low S, and every error.
#include <coinkit/keys/ecdsa_signature.hpp>

#include <coinkit/core/hex.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/keys/private_key.hpp>
#include <coinkit/keys/public_key.hpp>

#include <boost/test/unit_test.hpp>

#include <array>
#include <string>

using namespace coinkit;

namespace {

const std::string order_n = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

// n - v for a 32-byte big-endian v < n.
std::array<std::uint8_t, 32> n_minus(ByteSpan v) {
  const Bytes n = from_hex(order_n);
  std::array<std::uint8_t, 32> out{};
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int d = n[i] - v[i] - borrow;
    borrow = d < 0;
    out[i] = static_cast<std::uint8_t>(d + (borrow ? 256 : 0));
  }
  return out;
}

// DER INTEGER content of a 32-byte big-endian value: minimal, with a 00 pad when the top bit is set.
Bytes der_int(ByteSpan v) {
  std::size_t i = 0;
  while (i < 31 && v[i] == 0 && v[i + 1] < 0x80) ++i;
  Bytes out(v.size() - i + 1, 0);
  std::copy(v.begin() + static_cast<std::ptrdiff_t>(i), v.end(), out.begin() + 1);
  if (out[1] < 0x80) out.erase(out.begin());
  return out;
}

Bytes der(ByteSpan r_content, ByteSpan s_content) {
  Bytes out = {0x30, static_cast<std::uint8_t>(4 + r_content.size() + s_content.size()), 0x02,
               static_cast<std::uint8_t>(r_content.size())};
  append(out, r_content);
  out.push_back(0x02);
  out.push_back(static_cast<std::uint8_t>(s_content.size()));
  append(out, s_content);
  return out;
}

struct Fixture {
  PrivateKey key = PrivateKey::from_hex("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef");
  PublicKey pub = key.public_key();
  Hash256 digest = sha256(as_bytes("ecdsa"));
  EcdsaSignature sig = key.sign(digest);
  std::array<std::uint8_t, 64> rs = sig.to_compact();
  ByteSpan r() const { return ByteSpan(rs).first(32); }
  ByteSpan s() const { return ByteSpan(rs).subspan(32); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ecdsa_signature_tests)

BOOST_FIXTURE_TEST_CASE(der_is_what_we_build, Fixture) {
  const Bytes expected = der(der_int(r()), der_int(s()));
  BOOST_TEST(to_hex(sig.to_der().span()) == to_hex(expected));
  BOOST_TEST((EcdsaSignature::parse_compact(rs).value() == sig));
}

// Encodings BIP66 forbids but Core's lax parser (for old signatures) reads.
BOOST_FIXTURE_TEST_CASE(lax_accepts_ber, Fixture) {
  const DerSignature d = sig.to_der();
  const Bytes strict(d.span().begin(), d.span().end());
  // Long-form sequence length.
  Bytes long_seq = {0x30, 0x81};
  long_seq.insert(long_seq.end(), strict.begin() + 1, strict.end());
  // Surplus zero bytes before r.
  Bytes r_padded = {0, 0};
  append(r_padded, der_int(r()));
  const Bytes padded = der(r_padded, der_int(s()));
  // Long-form integer length for r, with zeros in the length itself.
  Bytes long_int = {0x30, 0x00, 0x02, 0x83, 0x00, 0x00, static_cast<std::uint8_t>(der_int(r()).size())};
  append(long_int, der_int(r()));
  long_int.push_back(0x02);
  long_int.push_back(static_cast<std::uint8_t>(der_int(s()).size()));
  append(long_int, der_int(s()));
  // Trailing bytes after s.
  Bytes trailing = strict;
  trailing.push_back(0x01);
  for (const Bytes& b : {long_seq, padded, long_int, trailing}) {
    BOOST_TEST_CONTEXT(to_hex(b)) {
      BOOST_TEST(EcdsaSignature::parse_der(b).error() == keys::error::invalid_der_signature);
      const auto lax = EcdsaSignature::parse_der_lax(b);
      BOOST_TEST_REQUIRE(lax.has_value());
      BOOST_TEST((*lax == sig));
      BOOST_TEST(pub.verify_der(digest, b));
    }
  }
}

BOOST_FIXTURE_TEST_CASE(lax_errors, Fixture) {
  auto lax = [](const std::string& hex) { return EcdsaSignature::parse_der_lax(from_hex(hex)).error(); };
  BOOST_TEST(lax("") == keys::error::der_not_a_sequence);
  BOOST_TEST(lax("3100") == keys::error::der_not_a_sequence);
  BOOST_TEST(lax("30") == keys::error::der_truncated);
  BOOST_TEST(lax("3085000000") == keys::error::der_truncated);  // 5 length bytes, 3 present
  BOOST_TEST(lax("3006") == keys::error::der_not_an_integer);
  BOOST_TEST(lax("3006030101020101") == keys::error::der_not_an_integer);
  BOOST_TEST(lax("30060201010301") == keys::error::der_not_an_integer);
  BOOST_TEST(lax("300602") == keys::error::der_truncated);
  BOOST_TEST(lax("3006020501") == keys::error::der_truncated);               // r runs past the end
  BOOST_TEST(lax("30060201010205") == keys::error::der_truncated);           // s runs past the end
  BOOST_TEST(lax("30060283010000") == keys::error::der_truncated);           // r length 65536
  BOOST_TEST(lax("300602840000000001") == keys::error::der_not_an_integer);  // zeros in the length: r is empty
  BOOST_TEST(lax("30060284ffffffff01") == keys::error::der_truncated);       // a 4-byte length
  // r of 33 significant bytes.
  BOOST_TEST(EcdsaSignature::parse_der_lax(der(Bytes(33, 0x01), der_int(s()))).error() ==
             keys::error::der_integer_too_large);
  // r = n parses as DER but is out of range.
  const Bytes n = from_hex(order_n);
  BOOST_TEST(EcdsaSignature::parse_der_lax(der(der_int(n), der_int(s()))).error() ==
             keys::error::signature_value_out_of_range);
  BOOST_TEST(!pub.verify_der(digest, der(der_int(n), der_int(s()))));
  BOOST_TEST(!pub.verify_der(digest, from_hex("3006")));
}

BOOST_FIXTURE_TEST_CASE(strict_errors, Fixture) {
  BOOST_TEST(EcdsaSignature::parse_der({}).error() == keys::error::invalid_der_signature);
  BOOST_TEST(EcdsaSignature::parse_der(from_hex("3006020101020101")).has_value());
  BOOST_TEST(EcdsaSignature::parse_der(from_hex("300602010102010100")).error() == keys::error::invalid_der_signature);
  // Negative r (top bit set without the 00 pad): well-formed DER, not a valid value.
  Bytes neg(32, 0x80);
  BOOST_TEST(EcdsaSignature::parse_der(der(neg, der_int(s()))).error() == keys::error::signature_value_out_of_range);
  // r with a needless 00 pad is not strict DER.
  Bytes padded = {0x00, 0x01};
  BOOST_TEST(EcdsaSignature::parse_der(der(padded, der_int(s()))).error() == keys::error::invalid_der_signature);
  // r = n, r = 0.
  BOOST_TEST(EcdsaSignature::parse_der(der(der_int(from_hex(order_n)), der_int(s()))).error() ==
             keys::error::signature_value_out_of_range);
  BOOST_TEST(EcdsaSignature::parse_der(der(Bytes{0}, der_int(s()))).error() ==
             keys::error::signature_value_out_of_range);
}

BOOST_FIXTURE_TEST_CASE(compact_errors, Fixture) {
  BOOST_TEST(EcdsaSignature::parse_compact(ByteSpan(rs).first(63)).error() ==
             keys::error::compact_signature_wrong_length);
  Bytes overflow = from_hex(order_n);
  append(overflow, s());
  BOOST_TEST(EcdsaSignature::parse_compact(overflow).error() == keys::error::signature_value_out_of_range);
}

// Consensus never required low S; Core's verifier normalizes, and so do we. Policy checks
// is_low_s (BIP146).
BOOST_FIXTURE_TEST_CASE(high_s, Fixture) {
  BOOST_TEST(sig.is_low_s());
  Bytes high(r().begin(), r().end());
  const auto s_high = n_minus(s());
  append(high, s_high);
  const EcdsaSignature h = EcdsaSignature::parse_compact(high).value();
  BOOST_TEST(!h.is_low_s());
  BOOST_TEST((h.normalized() == sig));
  BOOST_TEST((sig.normalized() == sig));
  BOOST_TEST(pub.verify(digest, h));
  BOOST_TEST(h.to_der().size == sig.to_der().size + 1);  // s gains its 00 pad
  BOOST_TEST(pub.verify_der(digest, h.to_der().span()));
  BOOST_TEST(to_hex(EcdsaSignature::parse_der(h.to_der().span()).value().to_compact()) == to_hex(high));
}

BOOST_FIXTURE_TEST_CASE(wrong_keys_and_digests, Fixture) {
  BOOST_TEST(pub.verify(digest, sig));
  BOOST_TEST(!pub.verify(sha256(as_bytes("ecdsb")), sig));
  BOOST_TEST(!PrivateKey::generate().public_key().verify(digest, sig));
  // Swap r and s.
  Bytes swapped(s().begin(), s().end());
  append(swapped, r());
  BOOST_TEST(!pub.verify(digest, EcdsaSignature::parse_compact(swapped).value()));
}

BOOST_AUTO_TEST_SUITE_END()
