// The chain layer: scripts, transactions, blocks, merkle trees and signature hashes.
#pragma once

#include <coinkit/chain/block.hpp>
#include <coinkit/chain/block_header.hpp>
#include <coinkit/chain/block_view.hpp>
#include <coinkit/chain/electrum_status.hpp>
#include <coinkit/chain/error.hpp>
#include <coinkit/chain/hashes.hpp>
#include <coinkit/chain/merkle.hpp>
#include <coinkit/chain/opcodes.hpp>
#include <coinkit/chain/outpoint.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/chain/sighash.hpp>
#include <coinkit/chain/signature_encoding.hpp>
#include <coinkit/chain/target.hpp>
#include <coinkit/chain/transaction.hpp>
#include <coinkit/chain/tx_view.hpp>
