// TempDir: a fresh, uniquely named directory under the system's temp path, removed with
// everything in it when the test that made it ends.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

#include <unistd.h>

namespace coinkit::test {

struct TempDir {
  std::filesystem::path path;

  explicit TempDir(std::string_view prefix = "coinkit") {
    static int n = 0;
    path =
        std::filesystem::temp_directory_path() / (std::string(prefix) + '-' + std::to_string(::getpid()) + '-' +
                                                  std::to_string(++n) + '-' + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(path);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }

  // Writes `text` to the file `name` inside the directory.
  void write(const std::string& name, std::string_view text) const { std::ofstream(path / name) << text; }
};

}  // namespace coinkit::test
