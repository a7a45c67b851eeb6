// Tests keys/taproot.hpp: BIP341's wallet vectors (output keys, script trees, control blocks,
// key-path signatures) and the script tree builder's errors.
#include <coinkit/keys/taproot.hpp>

#include <coinkit/address/address.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/coins/btc.hpp>
#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/core/hex.hpp>

#include <support/data.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <optional>
#include <string>

using namespace coinkit;
namespace json = boost::json;

namespace {

std::string str(const json::value& v) { return std::string(v.as_string()); }

// Hash256 from hex in byte order (the vectors write hashes unreversed).
Hash256 hash_bytes(const std::string& hex) { return Hash256::from_bytes(from_hex(hex)).value(); }

std::optional<Hash256> optional_hash(const json::value& v) {
  if (v.is_null()) return std::nullopt;
  return hash_bytes(str(v));
}

// The vectors' tree: a leaf object {id, script, leafVersion} or an array of two subtrees.
void add_tree(TaprootBuilder& builder, const json::value& node, std::size_t depth, std::vector<std::int64_t>& ids) {
  if (node.is_array()) {
    BOOST_TEST_REQUIRE(node.as_array().size() == 2u);
    for (const json::value& child : node.as_array()) add_tree(builder, child, depth + 1, ids);
    return;
  }
  ids.push_back(node.at("id").as_int64());
  const auto ec = builder.add(depth, from_hex(str(node.at("script"))),
                              static_cast<std::uint8_t>(node.at("leafVersion").as_int64()));
  BOOST_TEST_REQUIRE(!ec, ec.message());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(taproot_tests)

BOOST_AUTO_TEST_CASE(bip341_script_pubkeys) {
  const json::value data = test::read_json("vectors/core/bip341_wallet_vectors.json");
  const AddressFormat& format = find_network<BtcPolicy>(NetworkId::mainnet)->address;
  std::size_t processed = 0, leaves_checked = 0, control_blocks = 0;
  for (const json::value& v : data.at("scriptPubKey").as_array()) {
    const json::value& given = v.at("given");
    const json::value& inter = v.at("intermediary");
    const json::value& expected = v.at("expected");
    BOOST_TEST_CONTEXT("case " << processed << " internal key " << str(given.at("internalPubkey"))) {
      const XOnlyPublicKey internal = XOnlyPublicKey::from_hex(str(given.at("internalPubkey")));
      TaprootBuilder builder;
      std::vector<std::int64_t> ids;
      if (!given.at("scriptTree").is_null()) {
        // A lone leaf is the root (depth 0); an array's children are at depth 1.
        add_tree(builder, given.at("scriptTree"), 0, ids);
      }
      BOOST_TEST_REQUIRE(builder.is_complete());
      const std::optional<Hash256> root = builder.merkle_root();
      BOOST_TEST((root == optional_hash(inter.at("merkleRoot"))));
      if (const auto* hashes = inter.as_object().if_contains("leafHashes")) {
        BOOST_TEST_REQUIRE(hashes->as_array().size() == builder.leaves().size());
        for (std::size_t i = 0; i < builder.leaves().size(); ++i) {
          // Leaf hashes are listed by id; our leaves are in depth-first order.
          const auto id = static_cast<std::size_t>(ids[i]);
          BOOST_TEST(to_hex(builder.leaves()[i].leaf_hash.span()) == str(hashes->as_array().at(id)));
          ++leaves_checked;
        }
      }
      const Hash256 tweak = tap_tweak_hash(internal, root);
      BOOST_TEST(to_hex(tweak.span()) == str(inter.at("tweak")));
      const TaprootOutput output = taproot_output_key(internal, root).value();
      BOOST_TEST(output.output_key.to_hex() == str(inter.at("tweakedPubkey")));
      const Bytes script = p2tr_script(output.output_key.span());
      BOOST_TEST(to_hex(script) == str(expected.at("scriptPubKey")));
      BOOST_TEST(to_address(script, format).value() == str(expected.at("bip350Address")));
      if (const auto* blocks = expected.as_object().if_contains("scriptPathControlBlocks")) {
        BOOST_TEST_REQUIRE(blocks->as_array().size() == builder.leaves().size());
        for (std::size_t i = 0; i < builder.leaves().size(); ++i) {
          const auto id = static_cast<std::size_t>(ids[i]);
          BOOST_TEST(to_hex(builder.control_block(i, internal, output.odd_y)) == str(blocks->as_array().at(id)));
          ++control_blocks;
        }
      }
      ++processed;
    }
  }
  BOOST_TEST(processed == data.at("scriptPubKey").as_array().size());
  BOOST_TEST(processed == 7u);
  BOOST_TEST(leaves_checked == 12u);
  BOOST_TEST(control_blocks == 12u);
}

// Key-path spending: the tweaked secret of each input and its BIP340 signature over the given
// sighash. BIP341's vectors sign with 32 zero bytes of auxiliary randomness; the sighash
// computation itself is the chain layer's to test.
BOOST_AUTO_TEST_CASE(bip341_key_path_signatures) {
  const json::value data = test::read_json("vectors/core/bip341_wallet_vectors.json");
  std::size_t in_file = 0, processed = 0;
  const std::array<std::uint8_t, 32> zero_aux{};
  for (const json::value& tx : data.at("keyPathSpending").as_array()) {
    for (const json::value& input : tx.at("inputSpending").as_array()) {
      ++in_file;
      const json::value& given = input.at("given");
      const json::value& inter = input.at("intermediary");
      BOOST_TEST_CONTEXT("input " << given.at("txinIndex")) {
        const PrivateKey internal = PrivateKey::from_hex(str(given.at("internalPrivkey")));
        const std::optional<Hash256> root = optional_hash(given.at("merkleRoot"));
        const XOnlyPublicKey internal_pub = x_only_public_key(internal);
        BOOST_TEST(internal_pub.to_hex() == str(inter.at("internalPubkey")));
        BOOST_TEST(to_hex(tap_tweak_hash(internal_pub, root).span()) == str(inter.at("tweak")));
        const PrivateKey tweaked = taproot_tweak_private_key(internal, root).value();
        BOOST_TEST(to_hex(tweaked.span()) == str(inter.at("tweakedPrivkey")));
        // The tweaked secret's x-only key is the output key.
        BOOST_TEST((x_only_public_key(tweaked) == taproot_output_key(internal_pub, root).value().output_key));
        const Bytes sighash = from_hex(str(inter.at("sigHash")));
        const SchnorrSignature sig = schnorr_sign(tweaked, sighash, zero_aux);
        const auto hash_type = given.at("hashType").as_int64();
        std::string witness = to_hex(sig);
        if (hash_type != 0) witness += to_hex(Bytes{static_cast<std::uint8_t>(hash_type)});  // SIGHASH_DEFAULT omits it
        const json::array& expected_witness = input.at("expected").at("witness").as_array();
        BOOST_TEST_REQUIRE(expected_witness.size() == 1u);
        BOOST_TEST(witness == str(expected_witness.at(0)));
        BOOST_TEST(x_only_public_key(tweaked).verify(sig, sighash));
        ++processed;
      }
    }
  }
  BOOST_TEST(processed == in_file);
  BOOST_TEST(processed == 7u);
}

BOOST_AUTO_TEST_CASE(leaf_and_branch_hashes) {
  // TapBranch sorts its children.
  const Hash256 a = tap_leaf_hash(from_hex("51")), b = tap_leaf_hash(from_hex("52"));
  BOOST_TEST((tap_branch_hash(a, b) == tap_branch_hash(b, a)));
  BOOST_TEST(!(tap_leaf_hash(from_hex("51"), 0xc2) == a));
  // Scripts of 253 bytes and more take a 3-byte compact size in the leaf hash.
  const Bytes long_script(300, 0x51);
  Sha256 h = tagged_sha256("TapLeaf");
  const std::uint8_t prefix[] = {0xc0, 0xfd, 0x2c, 0x01};
  h.write(prefix).write(long_script);
  BOOST_TEST((tap_leaf_hash(long_script) == h.finalize()));
}

BOOST_AUTO_TEST_CASE(builder_shapes_and_errors) {
  const Bytes s = from_hex("51");
  {
    // {A, {B, C}}: A at 1, B and C at 2.
    TaprootBuilder t;
    BOOST_TEST(t.is_complete());  // empty: a key-path-only output
    BOOST_TEST(!t.merkle_root().has_value());
    BOOST_TEST(!t.add(1, from_hex("51")));
    BOOST_TEST(!t.is_complete());
    BOOST_TEST(!t.add(2, from_hex("52")));
    BOOST_TEST(!t.add(2, from_hex("53")));
    BOOST_TEST(t.is_complete());
    const Hash256 la = tap_leaf_hash(from_hex("51")), lb = tap_leaf_hash(from_hex("52")),
                  lc = tap_leaf_hash(from_hex("53"));
    BOOST_TEST((t.merkle_root().value() == tap_branch_hash(la, tap_branch_hash(lb, lc))));
    BOOST_TEST(t.leaves()[0].merkle_branch.size() == 1u);
    BOOST_TEST((t.leaves()[0].merkle_branch[0] == tap_branch_hash(lb, lc)));
    BOOST_TEST(t.leaves()[1].merkle_branch.size() == 2u);
    BOOST_TEST((t.leaves()[1].merkle_branch[0] == lc));
    BOOST_TEST((t.leaves()[1].merkle_branch[1] == la));
    BOOST_TEST(t.add(1, s) == keys::error::taproot_tree_complete);
    BOOST_TEST(t.add(0, s) == keys::error::taproot_tree_complete);
  }
  {
    // A leaf at 2 then one at 1 leaves the first without its sibling.
    TaprootBuilder t;
    BOOST_TEST(!t.add(2, s));
    BOOST_TEST(t.add(1, s) == keys::error::taproot_leaf_depth_misfit);
  }
  {
    TaprootBuilder t;
    BOOST_TEST(t.add(129, s) == keys::error::taproot_leaf_too_deep);
    BOOST_TEST(t.add(1, s, 0xc1) == keys::error::taproot_invalid_leaf_version);
    BOOST_TEST(!t.add(128, s));  // the deepest a control block proves
  }
  BOOST_TEST(keys::make_error_code(keys::error::taproot_leaf_depth_misfit).message() ==
             "taproot leaf depth leaves an earlier branch without its sibling");
}

BOOST_AUTO_TEST_SUITE_END()
