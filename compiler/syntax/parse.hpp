// The SDL parser (Boost.Spirit X3). One entry point: text in, AST out.
#pragma once

#include <optional>

#include "diag/diagnostics.hpp"
#include "syntax/ast.hpp"

namespace streamc {

// Parses a whole program. On a syntax error, reports exactly one located
// diagnostic (e.g. "expected ')'" at the offending token) and returns nullopt.
std::optional<ast::Program> parse_program(const SourceFile& file, Diagnostics& diags);

// Parses a single expression (tests, the language server's hover).
std::optional<ast::ExprPtr> parse_expression(const SourceFile& file, Diagnostics& diags);

}  // namespace streamc
