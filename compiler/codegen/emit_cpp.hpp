// The code generator: a plan in, one C++ translation unit out. The unit
// includes only the runtime's public API and the stdlib headers, defines the
// program's params, registers its sources and sinks, and holds the fused
// per-batch function.
#pragma once

#include <string>

#include "plan/plan.hpp"

namespace streamc::codegen {

std::string emit_cpp(const plan::Plan& plan);

}  // namespace streamc::codegen
