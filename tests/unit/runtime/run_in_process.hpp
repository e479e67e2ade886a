// run_program in-process, for the unit tests that drive a small hand-written
// "generated" program: its exit status and what it printed, on a fixed clock.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "streamc/runtime/api.hpp"

namespace streamc::rt::testing {

inline constexpr int64_t kNov24 = 1795525200;  // 2026-11-24 13:00:00 UTC

struct Result {
  int status;
  std::string out, err;
};

// Runs `build` as the program `spec` names with `args`, capturing stdout and
// stderr.
inline Result run(std::vector<std::string> args, const ProgramSpec& spec, const std::function<void(Engine&)>& build) {
  args.insert(args.begin(), "./" + spec.name);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int status = run_program(static_cast<int>(args.size()), argv.data(), spec, build);
  return Result{status, ::testing::internal::GetCapturedStdout(), ::testing::internal::GetCapturedStderr()};
}

// The fixed test clock (batch times) for the duration of a test.
struct TestClock {
  TestClock() { ::setenv("STREAMC_TEST_CLOCK", std::to_string(kNov24).c_str(), 1); }
  ~TestClock() { ::unsetenv("STREAMC_TEST_CLOCK"); }
};

}  // namespace streamc::rt::testing
