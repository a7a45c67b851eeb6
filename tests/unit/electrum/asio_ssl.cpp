// Asio's OpenSSL glue compiled once (BOOST_ASIO_SEPARATE_COMPILATION): boost/asio/impl/src.hpp,
// which coinkit_asio compiles, leaves out boost/asio/ssl/impl/src.hpp. Once coinkit_asio includes
// it and defines COINKIT_ASIO_SSL for its users, this file compiles to nothing.
#ifndef COINKIT_ASIO_SSL
#include <boost/asio/ssl/impl/src.hpp>
#endif
