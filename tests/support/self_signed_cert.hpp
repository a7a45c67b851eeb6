// SelfSignedCert: a certificate and key for a test's TLS server, made by the openssl command
// line tool (P-256: quick) in a temporary directory.
#pragma once

#include "support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace coinkit::test {

struct SelfSignedCert {
  TempDir dir;
  std::filesystem::path cert = dir.path / "cert.pem", key = dir.path / "key.pem";
  SelfSignedCert() {
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=localhost -keyout " +
        key.string() + " -out " + cert.string() + " >/dev/null 2>&1";
    BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0);
  }
};

}  // namespace coinkit::test
