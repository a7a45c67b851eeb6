// Asio and Beast compiled once for every test, example and benchmark program
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION), instead of in each
// translation unit: the biggest single saving in build time.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
