// Coin selection: which of a wallet's coins pay for a set of outputs and the fee, and what
// comes back as change. Confirmed coins go first, the largest first (fewest inputs, lowest
// fee); change worth less than the dust threshold goes to the fee instead, as Electrum does.
#pragma once

#include <coinkit/chain/outpoint.hpp>
#include <coinkit/core/writer.hpp>
#include <coinkit/wallet/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <optional>
#include <span>
#include <vector>

namespace coinkit::wallet {

// Electrum's dust_threshold at the default relay fee: change below it is not worth an output.
inline constexpr std::int64_t change_dust_threshold = 546;

// Core's dust threshold of an output to `script_pubkey` at its dust relay fee (3 sat/vbyte): what
// spending it would cost; the node refuses a transaction with an output worth less.
inline std::int64_t dust_threshold(ByteSpan script_pubkey) noexcept {
  const std::size_t output = 8 + compact_size_length(script_pubkey.size()) + script_pubkey.size();
  const bool witness = script_pubkey.size() >= 4 && script_pubkey.size() <= 42 &&
                       (script_pubkey[0] == 0 || (script_pubkey[0] >= 0x51 && script_pubkey[0] <= 0x60)) &&
                       script_pubkey[1] + 2u == script_pubkey.size();
  const std::size_t spend = witness ? 32 + 4 + 1 + 107 / 4 + 4 : 32 + 4 + 1 + 107 + 4;
  return static_cast<std::int64_t>((output + spend) * 3);
}

// Electrum's estimate_fee_for_feerate: the rate (sat per 1000 vbytes) times the size, rounded
// half to even.
inline std::int64_t fee_for_vsize(std::int64_t sat_per_kvb, std::size_t vsize) noexcept {
  const std::int64_t n = sat_per_kvb * static_cast<std::int64_t>(vsize);
  const std::int64_t q = n / 1000, r = n % 1000;
  return r > 500 || (r == 500 && q % 2 == 1) ? q + 1 : q;
}

// A coin the wallet may spend, with the weight its input will have once signed.
struct SpendableCoin {
  OutPoint outpoint;
  std::int64_t value = 0;
  int height = 0;  // > 0 confirmed; 0 or -1 in the mempool
  std::size_t input_weight = 0;
  bool segwit = false;
};

// The transaction being paid for, apart from its inputs and change.
struct SpendShape {
  std::size_t output_count = 0;
  std::size_t outputs_size = 0;        // the serialized outputs, bytes
  std::size_t change_output_size = 0;  // one change output, bytes
  std::optional<std::int64_t> sat_per_kvb;
  std::optional<std::int64_t> fixed_fee;  // a fee given outright (payto's `fee`)

  // The weight with these inputs (count, their weights summed, any segwit) and maybe a change output.
  std::size_t weight(std::size_t inputs, std::size_t input_weight, bool segwit, bool change) const noexcept {
    const std::size_t outputs = output_count + change;
    const std::size_t base = 4 + compact_size_length(inputs) + compact_size_length(outputs) + outputs_size +
                             (change ? change_output_size : 0) + 4;
    return 4 * base + input_weight + (segwit ? 2 : 0);
  }
  std::int64_t fee(std::size_t weight) const noexcept {
    return fixed_fee ? *fixed_fee : fee_for_vsize(*sat_per_kvb, (weight + 3) / 4);
  }
};

struct CoinSelection {
  std::vector<std::size_t> inputs;  // indexes into the coins given
  std::int64_t fee = 0;
  std::int64_t change = 0;  // 0: no change output
};

// Coins for outputs worth `target`: not_enough_funds when all of them do not cover it and the fee.
// The first `required` coins are spent whatever the rest (a transaction being replaced keeps its
// inputs).
inline result<CoinSelection> select_coins(std::span<const SpendableCoin> coins, std::int64_t target,
                                          const SpendShape& shape, std::size_t required = 0) {
  std::vector<std::size_t> order(coins.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin() + static_cast<std::ptrdiff_t>(required), order.end(), [&](std::size_t a, std::size_t b) {
    const bool ca = coins[a].height > 0, cb = coins[b].height > 0;
    if (ca != cb) return ca;
    return coins[a].value > coins[b].value;
  });
  CoinSelection s;
  std::int64_t sum = 0;
  std::size_t weight = 0;
  bool segwit = false;
  for (std::size_t i : order) {
    s.inputs.push_back(i);
    sum += coins[i].value;
    weight += coins[i].input_weight;
    segwit |= coins[i].segwit;
    if (s.inputs.size() < required) continue;
    const std::int64_t fee_without = shape.fee(shape.weight(s.inputs.size(), weight, segwit, false));
    if (sum < target + fee_without) continue;
    const std::int64_t fee_with = shape.fee(shape.weight(s.inputs.size(), weight, segwit, true));
    const std::int64_t change = sum - target - fee_with;
    if (change >= change_dust_threshold) {
      s.fee = fee_with, s.change = change;
    } else {
      s.fee = sum - target, s.change = 0;  // too little to keep: the miners' (Electrum's rule)
    }
    return s;
  }
  return error::not_enough_funds;
}

// Spending everything ("!"): every coin, and what is left after the fee for the one output that
// takes the rest; not_enough_funds when nothing is left.
inline result<CoinSelection> select_all(std::span<const SpendableCoin> coins, std::int64_t other_outputs,
                                        const SpendShape& shape, std::int64_t& rest) {
  CoinSelection s;
  std::int64_t sum = 0;
  std::size_t weight = 0;
  bool segwit = false;
  for (std::size_t i = 0; i < coins.size(); ++i) {
    s.inputs.push_back(i);
    sum += coins[i].value;
    weight += coins[i].input_weight;
    segwit |= coins[i].segwit;
  }
  s.fee = shape.fee(shape.weight(s.inputs.size(), weight, segwit, false));
  rest = sum - other_outputs - s.fee;
  if (coins.empty() || rest < 0) return error::not_enough_funds;
  return s;
}

// The virtual size of the transaction that spends the `chosen` of `coins` to `shape`'s outputs
// (and its change, if any), signatures counted at the estimate the fee was chosen by.
inline std::size_t selected_vsize(std::span<const SpendableCoin> coins, const CoinSelection& chosen,
                                  const SpendShape& shape) noexcept {
  std::size_t weight = 0;
  bool segwit = false;
  for (std::size_t i : chosen.inputs) weight += coins[i].input_weight, segwit |= coins[i].segwit;
  return (shape.weight(chosen.inputs.size(), weight, segwit, chosen.change > 0) + 3) / 4;
}

}  // namespace coinkit::wallet
