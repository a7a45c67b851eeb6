// COINKIT_DECL and COINKIT_HEADER_ONLY: header-only by default; with
// COINKIT_SEPARATE_COMPILATION a program links the non-template parts and the shipped servers
// compiled once (the coinkit::compiled target, from <coinkit/src.hpp>), as Beast does with
// BOOST_BEAST_SEPARATE_COMPILATION.
#pragma once

#if defined(COINKIT_SEPARATE_COMPILATION)
#define COINKIT_HEADER_ONLY 0
#define COINKIT_DECL
#else
#define COINKIT_HEADER_ONLY 1
#define COINKIT_DECL inline
#endif
