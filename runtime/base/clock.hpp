// Wall-clock time for batch triggers, or a manual clock for tests:
// STREAMC_TEST_CLOCK=<epoch seconds> makes batch N's time that + N * interval
// and the loop never sleeps, so output is the same on every run.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

namespace streamc::rt {

class Clock {
 public:
  Clock() = default;  // the real clock
  // The real clock, or the manual one when STREAMC_TEST_CLOCK is set.
  // Throws FatalError when the variable is set to something else than a number.
  static Clock from_environment();
  static Clock real() { return Clock(); }
  static Clock manual(int64_t start_us) {
    Clock c;
    c.manual_start_us_ = start_us;
    return c;
  }

  bool is_manual() const { return manual_start_us_.has_value(); }
  int64_t manual_start_us() const { return *manual_start_us_; }

  // Microseconds since the epoch, UTC (the real clock, also when manual).
  static int64_t now_us();
  // Sleeps until the wall clock reads `until_us`, waking early when `stop`
  // becomes non-zero; returns false then.
  static bool sleep_until(int64_t until_us, const std::atomic<int>& stop);

 private:
  std::optional<int64_t> manual_start_us_;
};

}  // namespace streamc::rt
