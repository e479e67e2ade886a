// STREAMC_UDF marks a C++ function as callable from SDL. streamc's importer
// reads headers with libTooling (clang) and keeps the functions that carry
// the annotation; other compilers see nothing.
//
//   #include <streamc/udf.hpp>
//   /// Twice x. (A `///` comment above the function is its documentation.)
//   STREAMC_UDF inline int64_t twice(int64_t x) { return 2 * x; }
//
// `import "twice.hpp"` in a program makes `twice` callable by its unqualified
// name, with the types below. Parameters may be taken by value or by const
// reference; a function that is not `inline` lives in a source file given to
// streamc with `--link file.cpp` (or a library, `-L DIR -lNAME`).
//
//   C++                                      SDL
//   int64_t (long on Linux)                  int
//   double                                   float
//   bool                                     bool
//   std::string_view, std::string            string
//   streamc::rt::Timestamp                   timestamp (microseconds since the epoch, UTC)
//   streamc::rt::Duration                    duration (microseconds)
//   std::vector<T>                           [T]
//   std::tuple<A, B, …>, std::pair<A, B>     (A, B, …)
//   std::optional<T>                         T?   (not supported yet: SDL has no optional values yet)
//   a plain struct of these                  a record (not supported yet)
//
// Other types (int, float, char*, pointers, non-const references) are
// rejected with an error that names the declaration. A returned
// std::string is copied into the batch's arena; a returned std::string_view
// must point into a string_view argument or into static storage.
// Overloads and templates cannot be imported (an SDL name is one function).
//
// A function may take `const streamc::udf::Context&` as its first
// parameter: SDL does not see it, and the generated code passes the batch's
// id and time (the stdlib's now() is built on it).
//
// A foreach sink (`sink s -> foreach(save)`) calls
//   STREAMC_UDF void save(int64_t batch_id, const std::vector<T>& rows);
// once per batch with that batch's rows: like Spark's foreachBatch, a batch
// that is re-run has the same id, so `save` can write idempotently.
#pragma once

#include <chrono>
#include <cstdint>

#include "streamc/runtime/values.hpp"

#if defined(__clang__)
#define STREAMC_UDF [[clang::annotate("streamc_udf")]]
#else
#define STREAMC_UDF
#endif

namespace streamc::udf {

// What the generated code knows about the batch a call runs in.
struct Context {
  int64_t batch_id = -1;  // -1: outside any batch (start-up expressions)
  rt::Timestamp batch_time{};

  // Start-up expressions (connector arguments) run before the first batch.
  static Context startup() {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    return {-1, rt::Timestamp{std::chrono::duration_cast<std::chrono::microseconds>(now).count()}};
  }
};

}  // namespace streamc::udf
