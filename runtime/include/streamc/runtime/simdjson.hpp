// simdjson for the runtime's headers, as a release build includes it.
//
// simdjson's On-Demand API is inline, so a generated program compiles it
// itself; built without NDEBUG (streamc compiles programs with -O2 and no
// NDEBUG, so that a user's own assert() in linked C++ still works), every
// internal SIMDJSON_ASSUME is a run-time assert on each value read or
// skipped: about a tenth of a JSON decoder's instructions (YSB's, counted
// by callgrind). The runtime library is built with NDEBUG, and the fuzz
// targets and sanitizer builds run simdjson that way. So simdjson is
// included here as under NDEBUG, and assert() is then put back as it was
// for whatever the program includes next. An unoptimized build (streamc
// --debug, -O0) keeps simdjson's assertions.
#pragma once

#if !defined(NDEBUG) && defined(__OPTIMIZE__)
#define NDEBUG
#include <simdjson.h>
#undef NDEBUG
#include <cassert>  // assert() is defined anew each time <cassert> is included
#else
#include <simdjson.h>
#endif
