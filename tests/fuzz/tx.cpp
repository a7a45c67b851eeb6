// Fuzzes the transaction parsers: never a crash; whatever parses re-serializes to the same
// bytes, and the zero-copy view and the owning Transaction agree on txid and wtxid.
#include <coinkit/chain/transaction.hpp>
#include <coinkit/chain/tx_view.hpp>

using namespace coinkit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan raw(data, size);
  for (TxSerParams params : {tx_with_witness, tx_no_witness}) {
    TxViewBuffer buffer;
    auto view = TxView::try_parse(raw, buffer, params);
    auto tx = Transaction::try_parse(raw, params);
    if (view.has_value() != tx.has_value()) __builtin_trap();
    if (!tx) continue;
    if (!equal(tx->serialize(params), raw)) __builtin_trap();
    if (tx->txid() != view->txid || tx->wtxid() != view->wtxid()) __builtin_trap();
    if (sha256d(tx->serialize(tx_no_witness)) != Hash256::from(tx->txid())) __builtin_trap();
    if (view->weight() < 4 * view->stripped_size()) __builtin_trap();
  }
  return 0;
}
