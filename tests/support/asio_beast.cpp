// Asio and Beast compiled once for every test, example and benchmark program
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION), instead of in each
// translation unit: the biggest single saving in build time. Asio's OpenSSL glue is a file of
// its own (boost/asio/impl/src.hpp leaves it out) and is compiled here too.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
