#include <coinkit/electrum/protocol_version.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace coinkit;
using namespace coinkit::electrum;
namespace json = boost::json;

namespace {
std::optional<std::string> negotiated(std::string_view request_json) {
  if (request_json.empty()) {
    auto v = negotiate(nullptr);
    return v ? std::optional(v->to_string()) : std::nullopt;
  }
  json::value req = json::parse(request_json);
  auto v = negotiate(&req);
  return v ? std::optional(v->to_string()) : std::nullopt;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(protocol_version)

BOOST_AUTO_TEST_CASE(parses_and_prints_dotted_versions) {
  BOOST_TEST(ProtocolVersion::parse("1.4")->to_string() == "1.4");
  BOOST_TEST(ProtocolVersion::parse("1.4.2")->to_string() == "1.4.2");
  BOOST_TEST(ProtocolVersion::parse("1")->to_string() == "1");
  for (std::string_view bad : {"", ".", "1.", ".4", "1..4", "a.b", "1.4b", "-1.4", "1.4 ", "1.2.3.4.5"})
    BOOST_TEST_CONTEXT(bad) BOOST_TEST(!ProtocolVersion::parse(bad));
}

BOOST_AUTO_TEST_CASE(compares_like_python_tuples) {
  auto v = [](std::string_view s) { return *ProtocolVersion::parse(s); };
  BOOST_TEST((v("1.4") < v("1.4.0")));  // a prefix sorts first, as (1, 4) < (1, 4, 0)
  BOOST_TEST((v("1.4.0") < v("1.4.2")));
  BOOST_TEST((v("1.4.2") < v("1.6")));
  BOOST_TEST((v("1.9") < v("1.10")));
  BOOST_TEST((v("1.6") == ProtocolVersion(1, 6)));
}

// server.version's negotiation against the 1.4-1.6 range (docs/protocol-methods.rst).
BOOST_AUTO_TEST_CASE(negotiates_the_highest_common_version) {
  BOOST_TEST(negotiated(R"("1.4")").value_or("none") == "1.4");  // Electrum 4.3 asks "1.4" and wants exactly "1.4"
  BOOST_TEST(negotiated(R"(["1.4", "1.6"])").value_or("none") == "1.6");
  BOOST_TEST(negotiated(R"(["1.1", "1.4.2"])").value_or("none") == "1.4.2");
  BOOST_TEST(negotiated(R"(["1.4", "2.0"])").value_or("none") == "1.6");
  BOOST_TEST(negotiated(R"(null)").value_or("none") == "1.4");  // absent: the server's minimum
  BOOST_TEST(negotiated("").value_or("none") == "1.4");
  BOOST_TEST(!negotiated(R"("1.3")"));  // below the minimum
  BOOST_TEST(!negotiated(R"(["1.0", "1.3"])"));
  BOOST_TEST(!negotiated(R"("1.7")"));  // the client's minimum is above our maximum
  BOOST_TEST(!negotiated(R"("2.0")"));
  BOOST_TEST(!negotiated(R"(1.4)"));      // not a string
  BOOST_TEST(!negotiated(R"(["1.4"])"));  // a list must have two elements
  BOOST_TEST(!negotiated(R"(["1.4", "x"])"));
}

BOOST_AUTO_TEST_SUITE_END()
