// A declaration of RegtestNode, for a program that only names it (with
// COINKIT_SEPARATE_COMPILATION, coinkit::run of the shipped node comes compiled).
#pragma once

#include <coinkit/coins/coin_policy.hpp>

namespace coinkit::regtest {
template <CoinPolicy... Coins>
class RegtestNode;
}  // namespace coinkit::regtest

namespace coinkit {
using regtest::RegtestNode;
}  // namespace coinkit
