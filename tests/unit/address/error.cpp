// Tests address/error.hpp: the category, and a distinct message for every code.
#include <coinkit/address/error.hpp>

#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>
#include <vector>

using namespace coinkit;
using address::error;

BOOST_AUTO_TEST_SUITE(address_error_tests)

BOOST_AUTO_TEST_CASE(every_code_has_its_own_message) {
  std::vector<std::string> messages;
  for (int e = static_cast<int>(error::too_long); e <= static_cast<int>(error::unsupported_script); ++e) {
    const error_code ec = static_cast<error>(e);
    BOOST_TEST(std::string(ec.category().name()) == "coinkit.address");
    BOOST_TEST(!ec.message().empty());
    BOOST_TEST(ec.message() != "unknown address error", e);
    for (const std::string& m : messages) BOOST_TEST(m != ec.message());
    messages.push_back(ec.message());
    std::ostringstream os;
    os << static_cast<error>(e);
    BOOST_TEST(os.str() == ec.message());
  }
  BOOST_TEST(messages.size() == 31u);
  BOOST_TEST(make_error_code(static_cast<error>(999)).message() == "unknown address error");
}

BOOST_AUTO_TEST_SUITE_END()
