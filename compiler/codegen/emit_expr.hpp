// Expressions to C++ expressions. SDL names become C++ names that cannot
// clash with C++ keywords (`v_` prefix); int arithmetic goes through the
// runtime's checked operations; computed strings live in the batch arena.
//
// Records flow through a fused loop as *virtual rows*: a list of fields,
// each a C++ expression, rather than a struct. `explode(items as b) |>
// select(b.*)` then never copies the row it explodes, and a decoder only has
// to produce the fields that some expression actually reads (`used()`).
// A virtual row becomes a struct only where one is stored (a sink, a
// vector, a hash table): `materialize`.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "codegen/cpp_types.hpp"
#include "codegen/includes.hpp"
#include "sema/program.hpp"

namespace streamc::codegen {

// A C++ string literal for any bytes (escapes quotes, backslashes, controls).
std::string string_literal(std::string_view bytes);

struct Value;
using Fields = std::vector<std::pair<std::string, Value>>;

struct Value {
  sema::TypeRef type;
  std::string code;                // a C++ expression of type cpp(type), when concrete
  std::shared_ptr<Fields> fields;  // a record's fields, when virtual
  std::string leaf;                // a decoder's output: counted in used() when read

  static Value concrete(sema::TypeRef t, std::string c, std::string leaf = {}) {
    Value v;
    v.type = std::move(t);
    v.code = std::move(c);
    v.leaf = std::move(leaf);
    return v;
  }
  static Value virtual_record(sema::TypeRef t, Fields f) {
    Value v;
    v.type = std::move(t);
    v.fields = std::make_shared<Fields>(std::move(f));
    return v;
  }
  bool is_virtual() const { return fields != nullptr; }
};

class ExprEmitter {
 public:
  // Notes in `includes` the headers of what it prints.
  ExprEmitter(const sema::CheckedProgram& program, CppTypes& types, Includes& includes)
      : prog_(program), types_(types), includes_(includes) {}

  // `arena` names the rt::Arena variable in scope where computed strings go.
  std::string emit(const ast::Expr& e, const std::string& arena) { return materialize(value(e, arena)); }
  Value value(const ast::Expr& e, const std::string& arena);

  // An operator's function argument applied to `args`: a lambda's body with
  // its parameters bound (a single tuple argument is destructured when the
  // lambda asks for it), or a row expression with the row's fields in scope.
  Value apply(const ast::Expr& fn, const std::vector<Value>& args, const std::string& arena);
  std::string apply_code(const ast::Expr& fn, const std::vector<Value>& args, const std::string& arena,
                         const sema::TypeRef& result);
  // A row expression (bare field names) over `row`.
  Value row_value(const ast::Expr& e, const Value& row, const std::string& arena);
  // What flat_map iterates: `split(s, sep)` becomes a lazy SplitRange, so
  // the words are never put in a vector; any other list is iterated as is.
  std::string flat_map_range(const ast::Expr& fn, const Value& arg, const std::string& arena);

  // The C++ expression for a value, building the struct of a virtual record.
  std::string materialize(const Value& v);
  // A field of a record value (virtual or concrete; null-propagating through
  // an optional record).
  Value field(const Value& record, const std::string& name);
  std::string convert(std::string code, const sema::TypeRef& from, const sema::TypeRef& to);

  std::string cpp(const sema::TypeRef& t) { return types_.of(t); }
  std::string cpp_type(const sema::TypeRef& t) { return types_.of(t); }
  // Decoder leaves read so far.
  const std::set<std::string>& used() const { return used_; }
  void reset_used() { used_.clear(); }

 private:
  std::string emit_call(const ast::Expr& e, const std::string& arena);
  std::string emit_state_call(const ast::Expr& e, const std::string& arena);
  std::string emit_binary(const ast::Expr& e, const std::string& arena);
  void bind(const ast::Expr& lambda, const std::vector<Value>& args);
  void bind_row(const Value& row);

  const sema::CheckedProgram& prog_;
  CppTypes& types_;
  Includes& includes_;
  std::vector<std::pair<std::string, Value>> scope_;  // SDL name -> value
  std::set<std::string> used_;
};

}  // namespace streamc::codegen
