// Fuzzes the block parsers: never a crash; the streaming parser and BlockView agree on every
// txid and on success; the merkle check runs on whatever parses.
#include <coinkit/chain/block_view.hpp>

#include <vector>

using namespace coinkit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan raw(data, size);
  auto view = BlockView::try_parse(raw);
  TxViewBuffer scratch;
  std::vector<Txid> streamed;
  const error_code ec =
      for_each_transaction(raw, scratch, [&](const TxView& tx, std::size_t) { streamed.push_back(tx.txid); });
  if (view.has_value() == static_cast<bool>(ec)) __builtin_trap();
  if (!view) return 0;
  if (streamed != view->txids()) __builtin_trap();
  (void)view->check_merkle_root();
  if (view->weight() > 4 * view->size()) __builtin_trap();
  return 0;
}
