// Test access to every real block under shared/data/blocks, whatever its format (raw, hex, framed
// blk*.dat, .gz, .bz2, ElectrumX JSON), with the hashes and counts MANIFEST.md records.
#pragma once

#include <coinkit/chain/hashes.hpp>
#include <coinkit/core/bytes.hpp>
#include <coinkit/core/endian.hpp>
#include <coinkit/core/hex.hpp>

#include <support/data.hpp>

#include <boost/json/value.hpp>

#include <bzlib.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace coinkit::test {

// Why a file under blocks/ holds no block, or nullopt when it holds blocks. The explicit rule:
// undo data (-undo, rev*.dat), UTXO dumps, BIP152/BIP37 messages, header-only files, the CSV,
// and btcd's megatx, which is one transaction (tested as such).
inline std::optional<std::string> non_block_reason(const std::string& relative) {
  const std::string name = std::filesystem::path(relative).filename().string();
  auto has = [&](const char* s) { return name.find(s) != std::string::npos; };
  if (has("-undo") || has("rev0")) return "undo data";
  if (has("utxo")) return "spent outputs (UTXO data)";
  if (has("compact")) return "BIP152 compact block message";
  if (has("merkle")) return "BIP37 merkleblock message";
  if (has(".csv")) return "target history CSV";
  if (relative.find("/headers/") != std::string::npos || has("blockheaders")) return "headers only";
  if (has("megatx")) return "a single transaction";
  return std::nullopt;
}

inline Bytes gunzip(const Bytes& in) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error("inflateInit2");
  Bytes out(in.size() * 4);
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (z.total_out == out.size()) out.resize(out.size() * 2);
    z.next_out = out.data() + z.total_out;
    z.avail_out = static_cast<uInt>(out.size() - z.total_out);
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      throw std::runtime_error("gzip data is corrupt");
    }
  }
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

inline Bytes bunzip2(const Bytes& in) {
  bz_stream z{};
  if (BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK) throw std::runtime_error("BZ2_bzDecompressInit");
  Bytes out(in.size() * 4);
  std::size_t produced = 0;
  z.next_in = const_cast<char*>(reinterpret_cast<const char*>(in.data()));
  z.avail_in = static_cast<unsigned>(in.size());
  int rc = BZ_OK;
  while (rc != BZ_STREAM_END) {
    if (produced == out.size()) out.resize(out.size() * 2);
    z.next_out = reinterpret_cast<char*>(out.data() + produced);
    z.avail_out = static_cast<unsigned>(out.size() - produced);
    rc = BZ2_bzDecompress(&z);
    produced = out.size() - z.avail_out;
    if (rc != BZ_OK && rc != BZ_STREAM_END) {
      BZ2_bzDecompressEnd(&z);
      throw std::runtime_error("bzip2 data is corrupt");
    }
  }
  out.resize(produced);
  BZ2_bzDecompressEnd(&z);
  return out;
}

// Bitcoin Core's block files: mainnet magic, LE u32 size, block; only zero padding may follow
// the last block (Core preallocates files).
inline std::vector<Bytes> split_framed(const Bytes& data) {
  static constexpr std::uint8_t magic[4] = {0xf9, 0xbe, 0xb4, 0xd9};
  std::vector<Bytes> blocks;
  std::size_t pos = 0;
  while (pos < data.size()) {
    if (std::all_of(data.begin() + static_cast<std::ptrdiff_t>(pos), data.end(), [](auto b) { return b == 0; })) break;
    if (data.size() - pos < 8 || !std::equal(magic, magic + 4, data.begin() + static_cast<std::ptrdiff_t>(pos)))
      throw std::runtime_error("bad block file framing at " + std::to_string(pos));
    const std::size_t size = load_le<std::uint32_t>(data.data() + pos + 4);
    pos += 8;
    if (data.size() - pos < size) throw std::runtime_error("framed block runs past the end");
    blocks.emplace_back(data.begin() + static_cast<std::ptrdiff_t>(pos),
                        data.begin() + static_cast<std::ptrdiff_t>(pos + size));
    pos += size;
  }
  return blocks;
}

inline Bytes from_hex_text(std::string text) {
  std::erase_if(text, [](char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; });
  return from_hex(text);
}

// What MANIFEST.md says a file holds ("computed:" lines).
struct ManifestEntry {
  std::optional<BlockHash> block_hash;  // single block
  std::size_t tx_count = 0;
  std::size_t serialized_size = 0;
  std::size_t framed_count = 0;  // framed files
  std::optional<BlockHash> first, last;
};

inline const std::map<std::string, ManifestEntry>& manifest() {
  static const std::map<std::string, ManifestEntry> entries = [] {
    std::map<std::string, ManifestEntry> out;
    const std::string text = read_text("MANIFEST.md");
    const std::regex file_re(R"(^- \*\*`([^`]+)`\*\*)");
    const std::regex block_re(R"(computed: block hash ([0-9a-f]{64}); (\d+) tx; (\d+) bytes serialized)");
    const std::regex framed_re(R"(computed: framed: (\d+) blocks; first ([0-9a-f]{64}); last ([0-9a-f]{64}))");
    std::string current;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const std::string line = text.substr(start, end - start);
      start = end + 1;
      std::smatch m;
      if (std::regex_search(line, m, file_re)) {
        current = m[1];
      } else if (!current.empty() && std::regex_search(line, m, block_re)) {
        auto& e = out[current];
        e.block_hash = BlockHash::from_hex(m[1].str());
        e.tx_count = std::stoul(m[2]);
        e.serialized_size = std::stoul(m[3]);
      } else if (!current.empty() && std::regex_search(line, m, framed_re)) {
        auto& e = out[current];
        e.framed_count = std::stoul(m[1]);
        e.first = BlockHash::from_hex(m[2].str());
        e.last = BlockHash::from_hex(m[3].str());
      }
    }
    return out;
  }();
  return entries;
}

// Every file under blocks/, relative to the data folder, sorted.
inline std::vector<std::string> block_data_files() {
  std::vector<std::string> out;
  const auto root = data_path("");
  for (const auto& e : std::filesystem::recursive_directory_iterator(data_path("blocks")))
    if (e.is_regular_file()) out.push_back(std::filesystem::relative(e.path(), root).generic_string());
  std::sort(out.begin(), out.end());
  return out;
}

struct BlockFile {
  std::string relative;
  std::string format;                   // raw, hex, framed, json (after decompression)
  std::vector<Bytes> blocks;            // in file order
  std::optional<BlockHash> named_hash;  // a 64-hex block hash in the file name
  boost::json::value json;              // the ElectrumX JSON, for its fields
};

inline BlockFile read_block_file(const std::string& relative) {
  BlockFile f;
  f.relative = relative;
  std::string name = std::filesystem::path(relative).filename().string();
  Bytes data = read_bytes(relative);
  auto ends_with = [&](const std::string& suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".gz")) {
    data = gunzip(data);
    name.resize(name.size() - 3);
  } else if (ends_with(".bz2")) {
    data = bunzip2(data);
    name.resize(name.size() - 4);
  }
  std::smatch m;
  static const std::regex hash_re("[0-9a-f]{64}");
  if (std::regex_search(name, m, hash_re)) f.named_hash = BlockHash::from_hex(m.str());
  if (ends_with(".json") || name.ends_with(".json")) {
    f.format = "json";
    f.json = boost::json::parse(std::string(data.begin(), data.end()));
    f.blocks.push_back(from_hex(f.json.at("block").as_string()));
  } else if (name.ends_with(".hex") || name.ends_with(".hex.txt")) {
    f.format = "hex";
    f.blocks.push_back(from_hex_text(std::string(data.begin(), data.end())));
  } else if (name.ends_with(".dat") || name.ends_with(".framed")) {
    f.format = "framed";
    f.blocks = split_framed(data);
  } else if (name.ends_with(".raw")) {
    f.format = "raw";
    f.blocks.push_back(std::move(data));
  } else {
    throw std::runtime_error("no block format rule for " + relative);
  }
  return f;
}

// Every block file, read once per test executable (the suites of several headers share them).
inline const std::vector<BlockFile>& all_block_files() {
  static const std::vector<BlockFile> files = [] {
    std::vector<BlockFile> out;
    for (const std::string& relative : block_data_files())
      if (!non_block_reason(relative)) out.push_back(read_block_file(relative));
    return out;
  }();
  return files;
}

// Bitcoin Cash blocks are read and written without the segwit rules.
inline bool is_bch(const BlockFile& f) { return f.relative.starts_with("blocks/bch/"); }

// Blocks in all files: MANIFEST.md's "All 5,664 blocks".
inline constexpr std::size_t manifest_block_count = 5664;

}  // namespace coinkit::test
