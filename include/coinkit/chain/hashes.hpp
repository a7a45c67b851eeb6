// Txid, Wtxid and BlockHash: distinct 256-bit hash types that the compiler will not mix.
#pragma once

#include <coinkit/core/uint256.hpp>

namespace coinkit {

struct TxidTag;
struct WtxidTag;
struct BlockHashTag;

using Txid = BasicHash<32, TxidTag>;
using Wtxid = BasicHash<32, WtxidTag>;
using BlockHash = BasicHash<32, BlockHashTag>;

}  // namespace coinkit
