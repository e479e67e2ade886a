// SDL's scalar value types as the generated code sees them, and the checked
// arithmetic that turns overflow into a per-record error instead of UB.
//
//   SDL        C++
//   int        int64_t
//   float      double
//   bool       bool
//   string     std::string_view (into the batch buffer or the batch arena)
//   timestamp  streamc::rt::Timestamp (microseconds since epoch, UTC)
//   duration   streamc::rt::Duration (microseconds)
//   [T]        std::vector<T>
//   (A, B)     std::tuple<A, B>
//   T?         std::optional<T>
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace streamc::rt {

struct Timestamp {
  int64_t micros = 0;
  friend bool operator==(Timestamp, Timestamp) = default;
  friend auto operator<=>(Timestamp, Timestamp) = default;
};

struct Duration {
  int64_t micros = 0;
  friend bool operator==(Duration, Duration) = default;
  friend auto operator<=>(Duration, Duration) = default;
};

template <class H>
H AbslHashValue(H h, Timestamp t) { return H::combine(std::move(h), t.micros); }
template <class H>
H AbslHashValue(H h, Duration d) { return H::combine(std::move(h), d.micros); }

// A failure confined to one record (overflow, division by zero, a string
// that is not a number). The batch function catches it per input record and
// hands it to Batch::reject, which applies the source's on_error mode.
class RecordError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failure that stops the program with a one-line reason (exit status 1).
class FatalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---- checked integer arithmetic
inline int64_t add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) throw RecordError("integer overflow in " + std::to_string(a) + " + " + std::to_string(b));
  return r;
}
inline int64_t sub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) throw RecordError("integer overflow in " + std::to_string(a) + " - " + std::to_string(b));
  return r;
}
inline int64_t mul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw RecordError("integer overflow in " + std::to_string(a) + " * " + std::to_string(b));
  return r;
}
inline int64_t div(int64_t a, int64_t b) {
  if (b == 0) throw RecordError("division by zero");
  if (a == INT64_MIN && b == -1) throw RecordError("integer overflow in division");
  return a / b;
}
inline int64_t mod(int64_t a, int64_t b) {
  if (b == 0) throw RecordError("division by zero");
  if (b == -1) return 0;
  return a % b;
}
inline int64_t neg(int64_t a) {
  if (a == INT64_MIN) throw RecordError("integer overflow in negation");
  return -a;
}
// Floats follow IEEE (x / 0.0 is inf), as in Spark.
inline double add(double a, double b) { return a + b; }
inline double sub(double a, double b) { return a - b; }
inline double mul(double a, double b) { return a * b; }
inline double div(double a, double b) { return a / b; }
double mod(double a, double b);
inline double neg(double a) { return -a; }

inline Timestamp add(Timestamp t, Duration d) { return {add(t.micros, d.micros)}; }
inline Timestamp sub(Timestamp t, Duration d) { return {sub(t.micros, d.micros)}; }
inline Duration sub(Timestamp a, Timestamp b) { return {sub(a.micros, b.micros)}; }
inline Duration add(Duration a, Duration b) { return {add(a.micros, b.micros)}; }
inline Duration sub(Duration a, Duration b) { return {sub(a.micros, b.micros)}; }
inline Duration mul(Duration a, int64_t k) { return {mul(a.micros, k)}; }
inline Duration neg(Duration d) { return {neg(d.micros)}; }

}  // namespace streamc::rt
