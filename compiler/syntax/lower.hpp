// Lowers the X3 attributes of a successful parse into the public AST
// (ast.hpp), folding operator chains by associativity and turning the
// position cache into SourceRanges. Throws syntax_error for what the grammar
// accepts but SDL does not (an integer literal of 2^63 without a minus sign,
// a `source` whose value is not a call, …).
#pragma once

#include <vector>

#include "syntax/ast.hpp"
#include "syntax/ast_x3.hpp"
#include "syntax/error_handler.hpp"

namespace streamc::syntax {

ast::Program lower_program(const std::vector<x3ast::decl>& decls, const parse_state& state);
ast::ExprPtr lower_expression(const x3ast::expr& e, const parse_state& state);

}  // namespace streamc::syntax
