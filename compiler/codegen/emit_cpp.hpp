// The code generator: a plan in, one C++ translation unit out. The unit
// includes only the runtime's public API and the stdlib headers, defines the
// program's params, registers its sources and sinks, and holds the fused
// per-batch function.
#pragma once

#include <string>
#include <vector>

#include "plan/plan.hpp"

namespace streamc::codegen {

std::string emit_cpp(const plan::Plan& plan);

// Compiler and linker arguments the generated code needs beyond the runtime
// (simdjson for JSON decoders, which Debian ships as a shared library only).
std::vector<std::string> runtime_build_args(const sema::CheckedProgram& program);

}  // namespace streamc::codegen
