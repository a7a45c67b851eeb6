// Arguments: the command line a program was started with: its name and what follows it.
#pragma once

#include <coinkit/config/config_error.hpp>
#include <coinkit/config/error.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace coinkit {

struct Arguments {
  std::string program;              // argv[0] as given
  std::vector<std::string> values;  // argv[1..]

  static Arguments of(int argc, char** argv, std::string_view fallback_name = "program") {
    Arguments a;
    a.program = argc > 0 && argv && argv[0] ? argv[0] : std::string(fallback_name);
    for (int i = 1; i < argc; ++i) a.values.emplace_back(argv[i]);
    return a;
  }

  // The running process's own command line (Linux: /proc/self/cmdline), so a main() without
  // argc/argv still answers --help.
  static Arguments of_process(std::string_view fallback_name = "program") {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    Arguments a;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '\0') continue;
      std::string arg = text.substr(start, i - start);
      if (start == 0)
        a.program = std::move(arg);
      else
        a.values.push_back(std::move(arg));
      start = i + 1;
    }
    if (a.program.empty()) a.program = fallback_name;
    return a;
  }

  // -h, --help, -help or -? anywhere (bitcoind's spellings included).
  bool asks_for_help() const {
    for (const std::string& v : values)
      if (v == "-h" || v == "--help" || v == "-help" || v == "-?") return true;
    return false;
  }
};

// For programs configured from the environment alone: a ConfigException for the first argument.
inline void reject_arguments(const Arguments& args) {
  if (!args.values.empty())
    throw ConfigException(ConfigError{config::error::unexpected_argument, "argument", args.values.front(),
                                      "none: configuration is read from the environment"});
}

}  // namespace coinkit
