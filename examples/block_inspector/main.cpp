// block-inspector: reads one serialized block (raw bytes or hex text) and prints what it
// holds: hash, header, size and weight, merkle check, BIP34 height, outputs by script type.
#include <coinkit/chain/block_view.hpp>
#include <coinkit/chain/script.hpp>
#include <coinkit/core/hex.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>

using namespace coinkit;

namespace {

// A hex file holds only hex digits and whitespace; anything else is read as raw bytes.
Bytes load_block(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot open ") + path);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::string digits;
  const bool is_hex = std::all_of(text.begin(), text.end(), [&](char c) {
    if (std::isspace(static_cast<unsigned char>(c))) return true;
    digits.push_back(c);
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  });
  if (is_hex && !digits.empty()) return from_hex(digits);
  return Bytes(text.begin(), text.end());
}

// BIP34: the coinbase script_sig starts with a push of the height (blocks from version 2).
std::string bip34_height(const TxView& coinbase) {
  std::size_t pos = 0;
  const auto op = next_op(coinbase.inputs[0].script_sig, pos);
  if (!op || op->push.empty() || op->push.size() > 4) return "none";
  std::uint32_t height = 0;
  for (std::size_t i = 0; i < op->push.size(); ++i) height |= std::uint32_t{op->push[i]} << (8 * i);
  return std::to_string(height);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: block-inspector <block.raw | block.hex>\n";
    return 2;
  }
  try {
    const Bytes raw = load_block(argv[1]);
    const BlockView block = BlockView::parse(raw);
    const BlockHeader& h = block.header();
    std::map<std::string_view, std::pair<std::size_t, std::int64_t>> outputs;  // type -> count, value
    std::size_t segwit_txs = 0, inputs = 0;
    for (const TxView& tx : block.transactions()) {
      segwit_txs += tx.has_witness();
      inputs += tx.inputs.size();
      for (const TxOutView& out : tx.outputs) {
        auto& [count, value] = outputs[to_string(classify(out.script_pubkey))];
        ++count;
        value += out.value;
      }
    }
    const error_code merkle = block.check_merkle_root();
    std::cout << "block        " << block.hash() << "\n"
              << "previous     " << h.prev_hash << "\n"
              << "merkle root  " << h.merkle_root << (merkle ? " MISMATCH: " + merkle.message() : " (verified)") << "\n"
              << "version      0x" << std::hex << h.version << std::dec << "  time " << h.time << "  bits 0x"
              << std::hex << h.bits << std::dec << "  nonce " << h.nonce << "\n"
              << "height       " << (block.transactions().empty() ? "none" : bip34_height(block.transactions()[0]))
              << " (BIP34)\n"
              << "size         " << block.size() << " bytes, stripped " << block.stripped_size() << ", weight "
              << block.weight() << "\n"
              << "transactions " << block.transactions().size() << " (" << segwit_txs << " with witness), " << inputs
              << " inputs\n";
    for (const auto& [type, cv] : outputs)
      std::printf("  %-22.*s %7zu outputs %18.8f\n", static_cast<int>(type.size()), type.data(), cv.first,
                  static_cast<double>(cv.second) / 1e8);
    return merkle ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "block-inspector: " << e.what() << "\n";
    return 1;
  }
}
