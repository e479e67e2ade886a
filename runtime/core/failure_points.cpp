#include "core/failure_points.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace streamc::rt {
namespace {

struct Target {
  std::string point;
  long remaining = 0;  // reached this many more times: kill
};

Target& target() {
  static Target t = [] {
    Target t;
    const char* env = std::getenv("STREAMC_FAIL_AT");
    if (!env || !*env) return t;
    std::string spec = env;
    size_t colon = spec.find(':');
    t.point = spec.substr(0, colon);
    t.remaining = colon == std::string::npos ? 1 : std::strtol(spec.c_str() + colon + 1, nullptr, 10);
    if (t.remaining < 1) t.remaining = 1;
    return t;
  }();
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

}  // namespace streamc::rt
