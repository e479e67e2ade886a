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
//
// map_groups_with_state's function may be C++ (`map_groups_with_state(step,
// state: S, timeout: …)` after `import`), taking Spark's GroupState by
// non-const reference and returning the output row (a list of rows for
// flat_map_groups_with_state):
//   STREAMC_UDF inline Update step(std::string_view key, const std::vector<Event>& rows,
//                                  streamc::GroupState<Session>& state);
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>

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

namespace streamc {

// Spark's GroupState[S] for a C++ map_groups_with_state function: read the
// state (exists, get, get_option), change it (update, remove; removing it
// removes its timeout), and set a timeout for the key (set_timeout_duration
// under timeout: processing_time, set_timeout_timestamp under event_time; a
// timeout lasts one call, so set it on each call that wants one). get()
// without a state and a timeout of the other kind throw std::logic_error,
// which stops the binary with that message (Spark fails the query).
template <class S>
class GroupState {
 public:
  enum class Timeout { None, ProcessingTime, EventTime };

  // Made by the generated code for each call.
  GroupState(std::optional<S> value, bool timed_out, rt::Timestamp processing_time,
             std::optional<rt::Timestamp> watermark, Timeout kind)
      : value_(std::move(value)), timed_out_(timed_out), processing_time_(processing_time), watermark_(watermark),
        kind_(kind) {}

  bool exists() const { return value_.has_value(); }
  const S& get() const {
    if (!value_) throw std::logic_error("GroupState::get: the key has no state (check exists() or use get_option())");
    return *value_;
  }
  const std::optional<S>& get_option() const { return value_; }
  void update(S value) { value_ = std::move(value); }
  void remove() {
    value_.reset();
    timeout_.reset();
  }
  bool has_timed_out() const { return timed_out_; }
  void set_timeout_duration(rt::Duration d) {
    if (kind_ != Timeout::ProcessingTime)
      throw std::logic_error("GroupState::set_timeout_duration needs timeout: processing_time");
    timeout_ = rt::Timestamp{processing_time_.micros + d.micros};
  }
  void set_timeout_timestamp(rt::Timestamp t) {
    if (kind_ != Timeout::EventTime)
      throw std::logic_error("GroupState::set_timeout_timestamp needs timeout: event_time");
    timeout_ = t;
  }
  // The batch's processing time, and the watermark (none before the first).
  rt::Timestamp processing_time() const { return processing_time_; }
  std::optional<rt::Timestamp> watermark() const { return watermark_; }
  // When the key times out, as set in this call.
  const std::optional<rt::Timestamp>& timeout() const { return timeout_; }

 private:
  std::optional<S> value_;
  std::optional<rt::Timestamp> timeout_;
  bool timed_out_;
  rt::Timestamp processing_time_;
  std::optional<rt::Timestamp> watermark_;
  Timeout kind_;
};

}  // namespace streamc
