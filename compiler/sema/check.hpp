// The type checker: AST in, CheckedProgram out (or located diagnostics).
#pragma once

#include <optional>

#include "diag/diagnostics.hpp"
#include "sema/program.hpp"
#include "syntax/ast.hpp"

namespace streamc::sema {

// Resolves names, checks types, builds the dataflow graph. Reports every
// independent error it finds (an erroneous expression gets the error type,
// which silences follow-on errors) and returns nullopt if there were any.
// `imported`: the functions of the program's `import`s, read beforehand by
// compiler/import (the checker sees signatures only).
std::optional<CheckedProgram> check_program(const ast::Program& program, const SourceFile& file,
                                            Diagnostics& diags, const std::vector<FunctionRef>& imported = {});

// Edit distance, for "did you mean" suggestions.
size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate within a small distance, or empty.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace streamc::sema
