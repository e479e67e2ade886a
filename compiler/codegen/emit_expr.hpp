// Expressions to C++ expressions. SDL names become C++ names that cannot
// clash with C++ keywords (`v_` prefix); int arithmetic goes through the
// runtime's checked operations; computed strings live in the batch arena.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sema/program.hpp"

namespace streamc::codegen {

std::string cpp_type(const sema::TypeRef& t);
// A C++ string literal for any bytes (escapes quotes, backslashes, controls).
std::string string_literal(std::string_view bytes);

class ExprEmitter {
 public:
  explicit ExprEmitter(const sema::CheckedProgram& program) : prog_(program) {}

  // `arena` names the rt::Arena variable in scope where computed strings go.
  std::string emit(const ast::Expr& e, const std::string& arena);
  // The body of `lambda` with its parameters bound to the C++ expressions in
  // `args` (a single tuple argument is destructured when the lambda asks for
  // it), converted to `result` (int → float widening).
  std::string emit_lambda_body(const ast::Expr& lambda, const std::vector<std::string>& args, const std::string& arena,
                               const sema::TypeRef& result);
  // What flat_map iterates: `split(s, sep)` becomes a lazy SplitRange, so
  // the words are never put in a vector; any other list is iterated as is.
  std::string emit_flat_map_range(const ast::Expr& lambda, const std::string& arg, const std::string& arena);

 private:
  std::string convert(std::string code, const sema::TypeRef& from, const sema::TypeRef& to);
  std::string emit_call(const ast::Expr& e, const std::string& arena);
  std::string emit_binary(const ast::Expr& e, const std::string& arena);
  void bind(const ast::Expr& lambda, const std::vector<std::string>& args);

  const sema::CheckedProgram& prog_;
  std::vector<std::pair<std::string, std::string>> scope_;  // SDL name -> C++ expression
};

}  // namespace streamc::codegen
