#include "base/clock.hpp"

#include <time.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "streamc/runtime/values.hpp"

namespace streamc::rt {

Clock Clock::from_environment() {
  const char* env = std::getenv("STREAMC_TEST_CLOCK");
  if (!env || !*env) return real();
  std::string_view s(env);
  double seconds = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), seconds);
  if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(seconds))
    throw FatalError("STREAMC_TEST_CLOCK='" + std::string(s) + "' is not a number of seconds since the epoch");
  return manual(static_cast<int64_t>(std::llround(seconds * 1e6)));
}

int64_t Clock::now_us() {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

bool Clock::sleep_until(int64_t until_us, const std::atomic<int>& stop) {
  // Short naps so a signal (which only sets `stop`) is seen quickly.
  constexpr int64_t kNapUs = 50'000;
  for (;;) {
    if (stop.load()) return false;
    int64_t now = now_us();
    if (now >= until_us) return true;
    int64_t nap = std::min(until_us - now, kNapUs);
    timespec ts{static_cast<time_t>(nap / 1'000'000), static_cast<long>(nap % 1'000'000) * 1000};
    ::nanosleep(&ts, nullptr);
  }
}

}  // namespace streamc::rt
