// The one translation unit that defines the Boost.Test module for each layer's executable.
#define BOOST_TEST_MODULE coinkit
#include <boost/test/unit_test.hpp>
