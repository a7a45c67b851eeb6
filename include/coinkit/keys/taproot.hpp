// BIP341 taproot: leaf and branch hashes, script trees, the output key tweak and control blocks.
#pragma once

#include <coinkit/core/bytes.hpp>
#include <coinkit/core/sha256.hpp>
#include <coinkit/core/uint256.hpp>
#include <coinkit/core/writer.hpp>
#include <coinkit/keys/error.hpp>
#include <coinkit/keys/private_key.hpp>
#include <coinkit/keys/schnorr.hpp>
#include <coinkit/keys/secp256k1_context.hpp>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <boost/assert.hpp>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <strings.h>  // explicit_bzero

namespace coinkit {

inline constexpr std::uint8_t tapscript_leaf_version = 0xc0;   // BIP342
inline constexpr std::size_t taproot_control_max_depth = 128;  // BIP341: control block path limit

// TapLeaf: tagged_hash("TapLeaf", leaf_version || compact_size(script) || script).
inline Hash256 tap_leaf_hash(ByteSpan script, std::uint8_t leaf_version = tapscript_leaf_version) {
  Sha256 h = tagged_sha256("TapLeaf");
  ByteWriter<Sha256> w(h);
  w.u8(leaf_version);
  w.var_bytes(script);
  return h.finalize();
}

// TapBranch: tagged_hash("TapBranch", min(a, b) || max(a, b)), in byte order.
inline Hash256 tap_branch_hash(const Hash256& a, const Hash256& b) noexcept {
  const bool a_first = a.array() < b.array();
  return tagged_sha256("TapBranch").write((a_first ? a : b).span()).write((a_first ? b : a).span()).finalize();
}

// TapTweak: tagged_hash("TapTweak", internal_key || merkle_root), without the root for a
// key-path-only output.
inline Hash256 tap_tweak_hash(const XOnlyPublicKey& internal_key, const std::optional<Hash256>& merkle_root) noexcept {
  Sha256 h = tagged_sha256("TapTweak");
  h.write(internal_key.span());
  if (merkle_root) h.write(merkle_root->span());
  return h.finalize();
}

// The output key Q = P + tG of a taproot output, and the parity of its y coordinate (the
// control block's low bit).
struct TaprootOutput {
  XOnlyPublicKey output_key;
  bool odd_y;
};

inline result<TaprootOutput> taproot_output_key(const XOnlyPublicKey& internal_key,
                                                const std::optional<Hash256>& merkle_root = std::nullopt) noexcept {
  const Hash256 tweak = tap_tweak_hash(internal_key, merkle_root);
  secp256k1_pubkey q;
  if (!secp256k1_xonly_pubkey_tweak_add(keys::secp256k1_ctx(), &q, &internal_key.native(), tweak.data()))
    return keys::error::invalid_tweak;
  bool odd = false;
  XOnlyPublicKey out = XOnlyPublicKey::from_native_pubkey(q, &odd);
  return TaprootOutput{out, odd};
}

// The secret for key-path spending: the internal secret, negated if its point has odd y,
// plus the tweak. Sign with schnorr_sign(tweaked, sighash).
inline result<PrivateKey> taproot_tweak_private_key(const PrivateKey& internal_key,
                                                    const std::optional<Hash256>& merkle_root = std::nullopt) noexcept {
  const auto* ctx = keys::secp256k1_ctx();
  secp256k1_keypair keypair;
  const int created = secp256k1_keypair_create(ctx, &keypair, internal_key.bytes().data());
  BOOST_ASSERT(created);
  (void)created;
  const Hash256 tweak = tap_tweak_hash(x_only_public_key(internal_key), merkle_root);
  std::uint8_t secret[32];
  result<PrivateKey> out = keys::error::invalid_tweak;
  if (secp256k1_keypair_xonly_tweak_add(ctx, &keypair, tweak.data()) && secp256k1_keypair_sec(ctx, secret, &keypair))
    out = PrivateKey::from_bytes(ByteSpan(secret, 32));
  explicit_bzero(secret, sizeof secret);
  explicit_bzero(&keypair, sizeof keypair);
  return out;
}

// A script tree given leaf by leaf in depth-first order with each leaf's depth, as
// descriptors and Core's TaprootBuilder take it: tr(K,{A,{B,C}}) is A at 1, B at 2, C at 2.
class TaprootBuilder {
 public:
  struct Leaf {
    Bytes script;
    std::uint8_t leaf_version;
    Hash256 leaf_hash;
    std::vector<Hash256> merkle_branch;  // sibling hashes from the leaf up to the root
  };

  // Errors: taproot_invalid_leaf_version (odd: the low bit is the control block's parity),
  // taproot_leaf_too_deep, taproot_leaf_depth_misfit (an earlier left branch
  // would be left without its right sibling), taproot_tree_complete.
  error_code add(std::size_t depth, ByteSpan script, std::uint8_t leaf_version = tapscript_leaf_version) {
    if (leaf_version & 1) return keys::error::taproot_invalid_leaf_version;
    if (depth > taproot_control_max_depth) return keys::error::taproot_leaf_too_deep;
    if (has_root()) return keys::error::taproot_tree_complete;
    if (pending_.size() > depth + 1) return keys::error::taproot_leaf_depth_misfit;
    Node node{tap_leaf_hash(script, leaf_version), {leaves_.size()}};
    leaves_.push_back(Leaf{Bytes(script.begin(), script.end()), leaf_version, node.hash, {}});
    // Join with the pending left sibling at each depth, moving up while there is one.
    while (depth > 0 && pending_.size() == depth + 1 && pending_[depth]) {
      Node& left = *pending_[depth];
      for (std::size_t i : left.leaves) leaves_[i].merkle_branch.push_back(node.hash);
      for (std::size_t i : node.leaves) leaves_[i].merkle_branch.push_back(left.hash);
      left.leaves.insert(left.leaves.end(), node.leaves.begin(), node.leaves.end());
      node = Node{tap_branch_hash(left.hash, node.hash), std::move(left.leaves)};
      pending_.pop_back();
      --depth;
    }
    if (pending_.size() < depth + 1) pending_.resize(depth + 1);
    pending_[depth] = std::move(node);
    return {};
  }

  // Complete: no leaves (a key-path-only output) or every branch has both children.
  bool is_complete() const noexcept { return leaves_.empty() || has_root(); }

  // The root of a complete tree; nullopt without leaves. Needs is_complete().
  std::optional<Hash256> merkle_root() const noexcept {
    BOOST_ASSERT(is_complete());
    if (leaves_.empty()) return std::nullopt;
    return pending_[0]->hash;
  }

  const std::vector<Leaf>& leaves() const noexcept { return leaves_; }

  // Control block for spending leaf `index`: (leaf_version | parity of Q's y) || internal key
  // || merkle branch. Needs is_complete().
  Bytes control_block(std::size_t index, const XOnlyPublicKey& internal_key, bool output_odd_y) const {
    BOOST_ASSERT(is_complete() && index < leaves_.size());
    const Leaf& leaf = leaves_[index];
    Bytes out;
    out.reserve(33 + 32 * leaf.merkle_branch.size());
    out.push_back(static_cast<std::uint8_t>(leaf.leaf_version | (output_odd_y ? 1 : 0)));
    append(out, internal_key.span());
    for (const Hash256& h : leaf.merkle_branch) append(out, h.span());
    return out;
  }

 private:
  struct Node {
    Hash256 hash;
    std::vector<std::size_t> leaves;  // indexes into leaves_ of the leaves below
  };

  bool has_root() const noexcept { return pending_.size() == 1 && pending_[0].has_value(); }

  std::vector<Leaf> leaves_;
  std::vector<std::optional<Node>> pending_;  // [d]: a finished left subtree at depth d awaiting its sibling
};

}  // namespace coinkit
