// The code generator: a plan in, one C++ translation unit out. The unit
// includes only the runtime's public API and the stdlib headers, defines the
// program's params, registers its sources and sinks, and holds the fused
// per-batch function.
#pragma once

#include <string>
#include <vector>

#include "diag/source_file.hpp"
#include "plan/plan.hpp"

namespace streamc::codegen {

// The streamc::rt::kApiVersion (streamc/runtime/api.hpp) this generator
// writes for: every generated program static_asserts it, so code built
// against other runtime headers stops at once with a message saying so (and
// the number is part of the code, so of the build cache's key).
inline constexpr int kRuntimeApiVersion = 3;

struct EmitOptions {
  // `streamc --debug`: `#line` directives put each operator's code at the
  // operator's line of this .sdl (and back), so a debugger and a crash stack
  // name the pipeline line. The way back needs the generated file's path,
  // known once the code is written: see place_line_directives.
  const SourceFile* line_directives_for = nullptr;
};

std::string emit_cpp(const plan::Plan& plan, const EmitOptions& options = {});

// Fills in the directives that return from the .sdl to the generated code
// (emitted as the line `#line cpp`) for code written to `cpp_path`.
std::string place_line_directives(std::string_view cpp, const std::string& cpp_path);

// Compiler and linker arguments the generated code needs beyond the runtime
// (simdjson for JSON decoders, which Debian ships as a shared library only).
std::vector<std::string> runtime_build_args(const plan::Plan& plan);

// The compiler flags among them for a program that decodes JSON (its target
// and simdjson's configuration).
const std::vector<std::string>& json_target_args();

}  // namespace streamc::codegen
