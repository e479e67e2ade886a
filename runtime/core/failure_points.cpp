#include "core/failure_points.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace streamc::rt {
namespace {

// Points are reached on the checkpoint writer threads too, hence the atomic.
struct Target {
  Target() {
    const char* env = std::getenv("STREAMC_FAIL_AT");
    if (!env || !*env) return;
    std::string spec = env;
    size_t colon = spec.find(':');
    point = spec.substr(0, colon);
    long n = colon == std::string::npos ? 1 : std::strtol(spec.c_str() + colon + 1, nullptr, 10);
    remaining = n < 1 ? 1 : n;
  }
  std::string point;
  std::atomic<long> remaining = 0;  // reached this many more times: kill
};

Target& target() {
  static Target t;
  return t;
}

}  // namespace

void failure_point(std::string_view point) {
  Target& t = target();
  if (t.point.empty() || t.point != point) return;
  if (--t.remaining > 0) return;
  ::kill(::getpid(), SIGKILL);
  ::_exit(137);
}

bool failure_point_armed(std::string_view point) {
  const Target& t = target();
  return !t.point.empty() && t.point == point;
}

}  // namespace streamc::rt
