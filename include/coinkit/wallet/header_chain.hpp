// HeaderChain<Coin>: the block headers a wallet trusts (SPV): from a checkpoint up, each linked
// to the one below, meeting its own target, with the target the coin's difficulty rule gives;
// and the merkle proofs that put a transaction in one of them.
#pragma once

#include <coinkit/chain/block_header.hpp>
#include <coinkit/chain/merkle.hpp>
#include <coinkit/chain/target.hpp>
#include <coinkit/coins/coin_policy.hpp>
#include <coinkit/coins/retarget.hpp>
#include <coinkit/wallet/error.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace coinkit::wallet {

template <class Coin>
class HeaderChain {
 public:
  // `trusted` is the header at `height` (a checkpoint the program ships, or genesis).
  HeaderChain(NetworkId network, std::uint32_t height, const BlockHeader& trusted)
      : network_(network), base_(height), headers_{trusted} {}

  std::uint32_t base_height() const noexcept { return base_; }
  std::uint32_t tip_height() const noexcept { return base_ + static_cast<std::uint32_t>(headers_.size()) - 1; }
  const BlockHeader& tip() const noexcept { return headers_.back(); }

  const BlockHeader* at(std::uint32_t height) const noexcept {
    if (height < base_ || height > tip_height()) return nullptr;
    return &headers_[height - base_];
  }

  // Connects `headers`, the first at `height`, as a server sends them: each must link to the
  // one below it (the chain's own at height - 1 for the first), meet its target, and carry the
  // target the coin's rule gives. From the first header that differs from the chain's, the
  // chain becomes the new headers (the server's chain reorganized; what was above is dropped);
  // headers the chain has already change nothing, and nothing changes unless all are valid.
  // Returns the lowest height whose header changed (tip + 1 when none did).
  result<std::uint32_t> connect(std::uint32_t height, std::span<const BlockHeader> headers) {
    if (height <= base_) return error::header_below_checkpoint;
    if (height > tip_height() + 1) return error::header_gap;
    // Check against a view: the chain below `height`, then the new headers.
    auto header_at = [&](std::uint32_t h) -> const BlockHeader* {
      if (h >= height) return &headers[h - height];
      return at(h);
    };
    BlockHash prev_hash = at(height - 1)->hash();
    for (std::size_t i = 0; i < headers.size(); ++i) {
      const auto h = height + static_cast<std::uint32_t>(i);
      if (headers[i].prev_hash != prev_hash) return error::header_not_linked;
      if (auto e = check(h, headers[i], header_at); e) return e;
      prev_hash = headers[i].hash();  // each header hashed once
    }
    std::uint32_t changed = height;
    while (changed <= tip_height() && changed - height < headers.size() && *at(changed) == headers[changed - height])
      ++changed;
    if (changed - height == headers.size()) return tip_height() + 1;  // the chain had them all
    headers_.resize(changed - base_);  // what is above a changed header was another branch
    headers_.insert(headers_.end(), headers.begin() + (changed - height), headers.end());
    return changed;
  }

  // Whether a transaction is in the block at `height`: its txid, the merkle branch and the
  // position a server gives (blockchain.transaction.get_merkle).
  result<void> verify_inclusion(const Hash256& txid, std::span<const Hash256> branch, std::size_t position,
                                std::uint32_t height) const {
    const BlockHeader* h = at(height);
    if (!h) return error::header_gap;
    if (!verify_merkle_branch(txid, branch, position, h->merkle_root)) return error::merkle_branch_wrong;
    return {};
  }

 private:
  template <class HeaderAt>
  error_code check(std::uint32_t height, const BlockHeader& h, HeaderAt& header_at) const {
    const BlockHeader& prev = *header_at(height - 1);  // h links to it (connect checked)
    const auto target = Target::from_compact(h.bits);
    if (!target) return error::header_pow_not_met;
    const Bytes raw = h.serialize();
    if (!target->is_met_by(Coin::pow_hash(raw))) return error::header_pow_not_met;
    if (auto expected = expected_bits(height, prev, header_at); expected && h.bits != *expected)
      return error::header_bits_wrong;
    return {};
  }

  // The bits the rule gives at `height`, when the rule and the headers it needs are known.
  template <class HeaderAt>
  std::optional<std::uint32_t> expected_bits(std::uint32_t height, const BlockHeader& prev, HeaderAt& header_at) const {
    if (network_ == NetworkId::regtest) return prev.bits;  // fPowNoRetargeting
    // Test networks allow a minimum-difficulty block after 20 minutes: left unchecked, as
    // Electrum leaves them.
    if (network_ != NetworkId::mainnet) return std::nullopt;
    constexpr Retarget rule = [] {
      if constexpr (requires { Coin::retarget; })
        return Retarget(Coin::retarget);
      else
        return Retarget{};
    }();
    if constexpr (rule.interval == 0) {
      return std::nullopt;
    } else {
      if (height % rule.interval != 0) return prev.bits;
      // Core's CalculateNextWorkRequired: the period's first block is `interval - 1` below the
      // last (Litecoin: `interval`, but for the first period).
      const std::uint32_t back =
          rule.full_period_lookback && height != rule.interval ? rule.interval : rule.interval - 1;
      const BlockHeader* first = height - 1 >= back ? header_at(height - 1 - back) : nullptr;
      if (!first) return std::nullopt;  // below the checkpoint: its target is trusted
      const std::int64_t span = std::clamp<std::int64_t>(
          std::int64_t(prev.time) - first->time, rule.target_timespan / 4, std::int64_t(rule.target_timespan) * 4);
      const Target limit = *Target::from_compact(rule.pow_limit_bits);
      const auto last = Target::from_compact(prev.bits);
      if (!last) return std::nullopt;  // prev was refused already
      return last->scaled(static_cast<std::uint32_t>(span), rule.target_timespan, limit).to_compact();
    }
  }

  NetworkId network_;
  std::uint32_t base_;
  std::vector<BlockHeader> headers_;  // from base_ up
};

}  // namespace coinkit::wallet
