// Event time for generated code: watermarks and window assignment, with
// Spark's semantics. After each batch a watermark's candidate is the largest
// event time seen minus the delay; it never goes back, and the next batch
// uses it. Windows are [start, end), aligned to the epoch: a row at t is in
// every window k*slide <= t < k*slide + size.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "streamc/runtime/serialize.hpp"
#include "streamc/runtime/values.hpp"

namespace streamc::rt {

inline constexpr int64_t kNoWatermark = std::numeric_limits<int64_t>::min();

struct WatermarkState {
  int64_t delay_us = 0;
  int64_t current = kNoWatermark;   // what this batch uses
  int64_t max_seen = kNoWatermark;  // the largest event time seen so far

  void observe(Timestamp t) { max_seen = std::max(max_seen, t.micros); }
  // At the end of a batch: the watermark for the next one.
  void advance() {
    if (max_seen != kNoWatermark) current = std::max(current, max_seen - delay_us);
  }

  // Checkpoints: the whole state is two numbers, so a delta is a snapshot.
  void track_changes() {}
  size_t size() const { return 1; }
  size_t last_batch_updated() const { return 0; }
  size_t bytes_estimate() const { return sizeof(*this); }
  void save_snapshot(StateWriter& w) const {
    w.i64(current);
    w.i64(max_seen);
  }
  void save_delta(StateWriter& w) const { save_snapshot(w); }
  void load_snapshot(StateReader& r) {
    current = r.i64();
    max_seen = r.i64();
  }
  void apply_delta(StateReader& r) { load_snapshot(r); }
};

// Floor division (rounds toward negative infinity), for times before 1970.
inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// The window starts covering `t`, from k_first*slide to k_last*slide.
inline int64_t first_window(int64_t t, int64_t size, int64_t slide) { return floor_div(t - size, slide) + 1; }
inline int64_t last_window(int64_t t, int64_t slide) { return floor_div(t, slide); }

}  // namespace streamc::rt
