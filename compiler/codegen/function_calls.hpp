// What the generated C++ needs for the C++ functions a program calls
// (built-in ones from stdlib/ and imported ones): the linker arguments their
// headers ask for, struct conversions and foreach sinks. The calls
// themselves are ExprEmitter::emit_call (emit_call.cpp); the headers are
// noted in an Includes where a call or a conversion is printed.
#pragma once

#include <string>
#include <vector>

#include "codegen/cpp_types.hpp"
#include "codegen/includes.hpp"
#include "sema/program.hpp"

namespace streamc::codegen {

// The specializations of streamc::udf::RecordOf (streamc/udf_glue.hpp) that
// convert the plain C++ structs of called functions' signatures to and from
// the SDL records of their fields; registers those records with `types`.
// Emitted at namespace scope, after the record structs.
std::string function_structs(const sema::CheckedProgram& program, CppTypes& types, Includes& includes);

// Linker arguments asked for by the headers of the called functions
// (`// streamc-link: -l:libre2.a`), each once.
std::vector<std::string> function_link_args(const sema::CheckedProgram& program);

// Declares `var` for a foreach sink: an object with write(batch, rows)
// that hands the rows to the user's function.
std::string emit_foreach_sink(const sema::SinkInfo& sink, const std::string& var, Includes& includes);

}  // namespace streamc::codegen
