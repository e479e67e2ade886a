// The Spirit X3 attribute types of the SDL grammar (private to syntax/).
//
// They mirror the grammar, one struct per rule shape, and carry positions
// through x3::position_tagged; parse.cpp lowers them into the public AST of
// ast.hpp. Each precedence level of binary operators yields a `chain` (first
// operand plus a list of operator/operand tails), folded into nested Binary
// nodes during lowering, as in the calc examples of Spirit X3.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

#include "syntax/ast.hpp"

namespace streamc::syntax::x3ast {

namespace x3 = boost::spirit::x3;

// A token: a name, a literal, or a tuple index.
enum class leaf_kind { name, int_lit, float_lit, string_lit, bool_lit, null_lit, duration_lit };

struct leaf : x3::position_tagged {
  leaf_kind kind = leaf_kind::name;
  std::string text;   // name, decoded string, or the spelling of a number
  uint64_t ival = 0;  // int_lit (may be 2^63, see lowering), duration_lit in microseconds
  double fval = 0;
  bool bval = false;
};

struct paren;
struct list_lit;
struct record_lit;
struct lambda;
struct if_expr;
struct unary;
struct chain;
struct postfix;

struct expr
    : x3::variant<leaf, x3::forward_ast<paren>, x3::forward_ast<list_lit>, x3::forward_ast<record_lit>,
                  x3::forward_ast<lambda>, x3::forward_ast<if_expr>, x3::forward_ast<unary>, x3::forward_ast<chain>,
                  x3::forward_ast<postfix>> {
  using base_type::base_type;
  using base_type::operator=;
};

// `( e )` when it holds one element, a tuple `(a, b)` otherwise.
struct paren : x3::position_tagged {
  std::vector<expr> elems;
};

struct list_lit : x3::position_tagged {
  std::vector<expr> elems;
};

// `label: value` in records and in `config { … }`.
struct field_init : x3::position_tagged {
  leaf label;
  expr value;
};

struct record_lit : x3::position_tagged {
  std::vector<field_init> fields;
};

struct lambda : x3::position_tagged {
  std::vector<leaf> params;
  expr body;
};

struct if_expr : x3::position_tagged {
  expr cond, then_branch, else_branch;
};

struct unary : x3::position_tagged {
  ast::Op op = ast::Op::None;
  expr operand;
};

// The operator of a `|>` tail; the other tails use the binary ast::Op.
inline constexpr ast::Op pipe_op = ast::Op::None;

struct op_tail {
  ast::Op op = ast::Op::None;
  expr rhs;
};

struct chain : x3::position_tagged {
  expr first;
  std::vector<op_tail> rest;
};

struct arg : x3::position_tagged {
  enum kind_t { positional, named, star };
  kind_t kind = positional;
  leaf label;  // named
  expr value;  // positional, named
  leaf alias;  // positional with `as`
  bool has_alias = false;
};

// What follows a primary: `(args)`, `.name`, `.0` or `.*`.
struct suffix : x3::position_tagged {
  enum kind_t { call, field, index, star };
  kind_t kind = call;
  leaf name;  // field: the name; index: the number
  std::vector<arg> args;
};

struct postfix : x3::position_tagged {
  expr primary;
  std::vector<suffix> suffixes;
};

struct type_expr : x3::position_tagged {
  ast::TypeExpr::Kind kind = ast::TypeExpr::Kind::Named;
  leaf name;
  std::vector<type_expr> elems;
  std::vector<leaf> labels;  // Record: parallel to elems
  bool optional = false;
};

struct sink_clause : x3::position_tagged {
  ast::SinkClause::Kind kind = ast::SinkClause::Kind::Mode;
  leaf word;
  expr value;
  bool has_value = false;
};

struct decl : x3::position_tagged {
  ast::DeclKind kind = ast::DeclKind::Stream;
  leaf name;
  type_expr type;
  bool has_type = false;
  expr value;
  bool has_value = false;
  std::vector<field_init> entries;  // config
  leaf path;                        // import
  std::vector<sink_clause> clauses;
};

}  // namespace streamc::syntax::x3ast
