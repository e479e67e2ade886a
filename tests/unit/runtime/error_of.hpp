// The message of the FatalError `f` throws ("" when it throws none), for
// tests of what a user reads.
#pragma once

#include <functional>
#include <string>

#include "streamc/runtime/values.hpp"

namespace streamc::rt::testing {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const FatalError& e) {
    return e.what();
  }
  return "";
}

}  // namespace streamc::rt::testing
