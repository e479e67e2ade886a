#include "base/failure_points.hpp"

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
  explicit Target(const char* variable) {
    const char* env = std::getenv(variable);
    if (!env || !*env) return;
    std::string spec = env;
    size_t colon = spec.find(':');
    point = spec.substr(0, colon);
    long n = colon == std::string::npos ? 1 : std::strtol(spec.c_str() + colon + 1, nullptr, 10);
    remaining = n < 1 ? 1 : n;
  }
  std::string point;
  std::atomic<long> remaining = 0;  // reached this many more times: act

  bool due(std::string_view at) { return !point.empty() && point == at && --remaining == 0; }
};

Target& kill_target() {
  static Target t("STREAMC_FAIL_AT");
  return t;
}

Target& stop_target() {
  static Target t("STREAMC_STOP_AT");
  return t;
}

}  // namespace

void failure_point(std::string_view point) {
  if (stop_target().due(point)) ::kill(::getpid(), SIGSTOP);  // returns when continued
  if (!kill_target().due(point)) return;
  ::kill(::getpid(), SIGKILL);
  ::_exit(137);
}

bool failure_point_armed(std::string_view point) {
  const Target& t = kill_target();
  return !t.point.empty() && t.point == point;
}

}  // namespace streamc::rt
