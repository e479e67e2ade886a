// STREAMC_UDF marks a C++ function as callable from SDL. streamc's importer
// reads headers with libTooling (clang) and keeps the functions that carry
// the annotation; other compilers see nothing.
//
//   STREAMC_UDF inline int64_t twice(int64_t x) { return 2 * x; }
#pragma once

#if defined(__clang__)
#define STREAMC_UDF [[clang::annotate("streamc_udf")]]
#else
#define STREAMC_UDF
#endif
