// Test access to ../shared/data (COINKIT_TEST_DATA): files, text and JSON vectors.
#pragma once

#include <coinkit/core/bytes.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace coinkit::test {

inline std::filesystem::path data_path(const std::string& relative) {
  return std::filesystem::path(COINKIT_TEST_DATA_DIR) / relative;
}

inline std::string read_text(const std::string& relative) {
  std::ifstream in(data_path(relative), std::ios::binary);
  if (!in) throw std::runtime_error("cannot open test data " + data_path(relative).string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline Bytes read_bytes(const std::string& relative) {
  const std::string s = read_text(relative);
  return Bytes(s.begin(), s.end());
}

inline boost::json::value read_json(const std::string& relative) { return boost::json::parse(read_text(relative)); }

}  // namespace coinkit::test
