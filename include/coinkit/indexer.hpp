// The indexer layer: the UTXO set, history and undo of a chain in few tables, the block
// processor (reorgs included), the prefetcher, the mempool mirror, caches and storage.
// (For programs; library headers include the fine-grained headers they need.)
#pragma once

#include <coinkit/indexer/block_list.hpp>
#include <coinkit/indexer/block_processor.hpp>
#include <coinkit/indexer/error.hpp>
#include <coinkit/indexer/fee_histogram.hpp>
#include <coinkit/indexer/flat_cache.hpp>
#include <coinkit/indexer/header_merkle_cache.hpp>
#include <coinkit/indexer/index.hpp>
#include <coinkit/indexer/indexer.hpp>
#include <coinkit/indexer/mempool.hpp>
#include <coinkit/indexer/notification.hpp>
#include <coinkit/indexer/prefetcher.hpp>
#include <coinkit/indexer/prepared_block.hpp>
#include <coinkit/indexer/schema.hpp>
#include <coinkit/indexer/snapshot.hpp>
#include <coinkit/indexer/storage/journal.hpp>
#include <coinkit/indexer/storage/lmdb_storage.hpp>
#include <coinkit/indexer/storage/memory_storage.hpp>
#include <coinkit/indexer/storage/storage.hpp>
