// What Debian's Electrum 4.3.4 makes of the tests' cases: a script of tests/reference/ (run
// offline under /usr/bin/python3, cases in as a JSON list, one result each out), the independent
// reference of the wallet tests.
#pragma once

#include <support/temp_dir.hpp>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace coinkit::test {

// One result object per case, in order: `script` says what a case holds.
inline boost::json::array electrum_reference(const std::string& script, const boost::json::array& cases) {
  TempDir dir("electrum-ref");
  dir.write("cases.json", boost::json::serialize(cases));
  const std::string command =
      "/usr/bin/python3 " COINKIT_ELECTRUM_REFERENCE_DIR "/" + script + " < " + (dir.path / "cases.json").string();
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string out;
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  if (const int status = ::pclose(pipe); status != 0)
    throw std::runtime_error("the Electrum reference failed (is python3-electrum installed?): " + command);
  boost::json::array results = boost::json::parse(out).as_array();
  if (results.size() != cases.size()) throw std::runtime_error("the Electrum reference answered a different count");
  return results;
}

}  // namespace coinkit::test
