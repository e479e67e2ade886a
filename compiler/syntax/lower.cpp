// Lowering of the X3 attributes to the public AST; see lower.hpp.
#include "syntax/lower.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "syntax/tokens.hpp"

namespace streamc::syntax {

namespace {

namespace xa = x3ast;
using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;

// A lowered expression and the text it was written as: the same as the node's
// range except for a parenthesised expression, whose extent includes the
// parentheses, so that `(a + b) * c` covers the `(`.
struct Lowered {
  ExprPtr node;
  SourceRange extent;
  int height = 1;  // of the node's tree: every later pass recurses this deep
};

// The deepest expression tree accepted: chains (`a and b and …`, `|>`
// stages, `.f.g…`) are trees as deep as they are long, which the checker,
// the code generator and the language server walk recursively. Deeper is one
// error here, not a stack overflow later (200,000 `and`s overflowed it).
constexpr int kMaxHeight = 1000;

class Lowerer {
 public:
  explicit Lowerer(const parse_state& state) : state_(state) {}

  Lowered expr(const xa::expr& e) {
    return boost::apply_visitor([this](const auto& node) { return lower(node); }, e.get());
  }

  ast::Decl decl(const xa::decl& d);

 private:
  template <typename T>
  Lowered lower(const x3::forward_ast<T>& node) {
    return lower(node.get());
  }
  Lowered lower(const xa::leaf& l);
  Lowered lower(const xa::paren& p);
  Lowered lower(const xa::list_lit& l);
  Lowered lower(const xa::record_lit& r);
  Lowered lower(const xa::lambda& l);
  Lowered lower(const xa::if_expr& i);
  Lowered lower(const xa::unary& u);
  Lowered lower(const xa::chain& c);
  Lowered lower(const xa::postfix& p);

  Lowered combine(ast::Op op, Lowered lhs, Lowered rhs);
  // A node of `kind` whose children are `elems`, lowered.
  Lowered elements(ExprKind kind, SourceRange r, const std::vector<xa::expr>& elems) {
    ExprPtr e = make(kind, r);
    int height = 0;
    for (const auto& elem : elems) {
      Lowered x = expr(elem);
      height = std::max(height, x.height);
      e->children.push_back(std::move(x.node));
    }
    return made(std::move(e), r, height + 1);
  }
  // `height` (the node's children's deepest, plus one), checked.
  Lowered made(ExprPtr e, SourceRange extent, int height) const {
    if (height > kMaxHeight)
      error(extent, "expression too deep: more than " + std::to_string(kMaxHeight) +
                        " operators, calls or |> stages inside one another");
    return {std::move(e), extent, height};
  }
  ast::Arg arg(const xa::arg& a, int& height);
  ast::TypeExpr type(const xa::type_expr& t);

  SourceRange range(const x3::position_tagged& node) const { return state_.range_of(node); }
  ast::Identifier ident(const xa::leaf& l) const { return {l.text, range(l)}; }
  static ExprPtr make(ExprKind kind, SourceRange range) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->range = range;
    return e;
  }
  [[noreturn]] void error(SourceRange r, std::string message) const {
    throw syntax_error{state_.first() + r.begin, state_.first() + r.end, std::move(message)};
  }

  const parse_state& state_;
};

constexpr uint64_t kMaxInt = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

Lowered Lowerer::lower(const xa::leaf& l) {
  SourceRange r = range(l);
  ExprPtr e;
  switch (l.kind) {
    case xa::leaf_kind::name:
      e = make(ExprKind::Name, r);
      e->text = l.text;
      break;
    case xa::leaf_kind::int_lit:
      if (l.ival > kMaxInt) error(r, "integer literal out of range");
      e = make(ExprKind::IntLit, r);
      e->int_value = static_cast<int64_t>(l.ival);
      break;
    case xa::leaf_kind::float_lit:
      e = make(ExprKind::FloatLit, r);
      e->float_value = l.fval;
      break;
    case xa::leaf_kind::string_lit:
      e = make(ExprKind::StringLit, r);
      e->text = l.text;
      break;
    case xa::leaf_kind::bool_lit:
      e = make(ExprKind::BoolLit, r);
      e->bool_value = l.bval;
      break;
    case xa::leaf_kind::null_lit:
      e = make(ExprKind::NullLit, r);
      break;
    case xa::leaf_kind::duration_lit:
      e = make(ExprKind::DurationLit, r);
      e->int_value = static_cast<int64_t>(l.ival);
      e->text = l.text;
      break;
  }
  return {std::move(e), r};
}

Lowered Lowerer::lower(const xa::paren& p) {
  if (p.elems.size() == 1) {
    Lowered inner = expr(p.elems[0]);
    inner.extent = range(p);
    return inner;
  }
  return elements(ExprKind::Tuple, range(p), p.elems);
}

Lowered Lowerer::lower(const xa::list_lit& l) {
  return elements(ExprKind::List, range(l), l.elems);
}

Lowered Lowerer::lower(const xa::record_lit& r) {
  ExprPtr e = make(ExprKind::Record, range(r));
  int height = 0;
  for (const auto& f : r.fields) {
    Lowered x = expr(f.value);
    height = std::max(height, x.height);
    e->args.push_back({ident(f.label), std::move(x.node)});
  }
  return made(std::move(e), range(r), height + 1);
}

Lowered Lowerer::lower(const xa::lambda& l) {
  ExprPtr e = make(ExprKind::Lambda, range(l));
  for (const auto& p : l.params) e->params.push_back(ident(p));
  Lowered body = expr(l.body);
  e->children.push_back(std::move(body.node));
  return made(std::move(e), range(l), body.height + 1);
}

Lowered Lowerer::lower(const xa::if_expr& i) {
  ExprPtr e = make(ExprKind::If, range(i));
  int height = 0;
  for (const xa::expr* part : {&i.cond, &i.then_branch, &i.else_branch}) {
    Lowered x = expr(*part);
    height = std::max(height, x.height);
    e->children.push_back(std::move(x.node));
  }
  return made(std::move(e), range(i), height + 1);
}

// The number literal `operand` is, if it is one (not parenthesised).
const xa::leaf* number_literal(const xa::expr& operand) {
  auto* post = boost::get<x3::forward_ast<xa::postfix>>(&operand.get());
  if (!post || !post->get().suffixes.empty()) return nullptr;
  auto* l = boost::get<xa::leaf>(&post->get().primary.get());
  if (!l || (l->kind != xa::leaf_kind::int_lit && l->kind != xa::leaf_kind::float_lit)) return nullptr;
  return l;
}

Lowered Lowerer::lower(const xa::unary& u) {
  SourceRange r = range(u);
  // `-5` and `-1.5` are literals, and -9223372036854775808 is in range.
  if (u.op == ast::Op::Neg) {
    if (const xa::leaf* l = number_literal(u.operand)) {
      if (l->kind == xa::leaf_kind::int_lit) {
        ExprPtr e = make(ExprKind::IntLit, r);
        e->int_value = l->ival > kMaxInt ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(l->ival);
        return {std::move(e), r};
      }
      ExprPtr e = make(ExprKind::FloatLit, r);
      e->float_value = -l->fval;
      return {std::move(e), r};
    }
  }
  ExprPtr e = make(ExprKind::Unary, r);
  e->op = u.op;
  Lowered operand = expr(u.operand);
  e->children.push_back(std::move(operand.node));
  return made(std::move(e), r, operand.height + 1);
}

Lowered Lowerer::combine(ast::Op op, Lowered lhs, Lowered rhs) {
  SourceRange r = SourceRange::cover(lhs.extent, rhs.extent);
  ExprPtr e;
  if (op == xa::pipe_op) {
    if (rhs.node->kind != ExprKind::Call && rhs.node->kind != ExprKind::Name)
      error(rhs.extent, "expected an operator after '|>'");
    e = make(ExprKind::Pipe, r);
  } else {
    e = make(ExprKind::Binary, r);
    e->op = op;
  }
  const int height = std::max(lhs.height, rhs.height) + 1;
  e->children.push_back(std::move(lhs.node));
  e->children.push_back(std::move(rhs.node));
  return made(std::move(e), r, height);
}

// One precedence level: `a op b op c`, left-associative except `??`.
Lowered Lowerer::lower(const xa::chain& c) {
  if (c.rest.empty()) return expr(c.first);
  std::vector<Lowered> operands;
  operands.push_back(expr(c.first));
  for (const auto& tail : c.rest) operands.push_back(expr(tail.rhs));
  if (c.rest.front().op == ast::Op::Coalesce) {
    Lowered acc = std::move(operands.back());
    for (size_t i = c.rest.size(); i-- > 0;) acc = combine(c.rest[i].op, std::move(operands[i]), std::move(acc));
    return acc;
  }
  Lowered acc = std::move(operands.front());
  for (size_t i = 0; i < c.rest.size(); ++i) acc = combine(c.rest[i].op, std::move(acc), std::move(operands[i + 1]));
  return acc;
}

// `height`: the value's tree's, for the call's.
ast::Arg Lowerer::arg(const xa::arg& a, int& height) {
  ast::Arg out;
  height = 1;
  switch (a.kind) {
    case xa::arg::star:
      out.value = make(ExprKind::Star, range(a));
      break;
    case xa::arg::named: {
      out.name = ident(a.label);
      Lowered v = expr(a.value);
      height = v.height;
      out.value = std::move(v.node);
      break;
    }
    case xa::arg::positional: {
      Lowered v = expr(a.value);
      height = v.height;
      out.value = std::move(v.node);
      if (a.has_alias) {
        ExprPtr alias = make(ExprKind::Alias, range(a));
        alias->text = a.alias.text;
        alias->name_range = range(a.alias);
        alias->children.push_back(std::move(out.value));
        out.value = std::move(alias);
        ++height;
      }
      break;
    }
  }
  return out;
}

Lowered Lowerer::lower(const xa::postfix& p) {
  Lowered acc = expr(p.primary);
  for (const auto& s : p.suffixes) {
    SourceRange r = SourceRange::cover(acc.extent, range(s));
    ExprPtr e;
    int height = acc.height;
    switch (s.kind) {
      case xa::suffix::call:
        e = make(ExprKind::Call, r);
        for (const auto& a : s.args) {
          int h = 1;
          e->args.push_back(arg(a, h));
          height = std::max(height, h);
        }
        break;
      case xa::suffix::field:
        e = make(ExprKind::Field, r);
        e->text = s.name.text;
        e->name_range = range(s.name);
        break;
      case xa::suffix::index:
        e = make(ExprKind::TupleIndex, r);
        e->int_value = static_cast<int64_t>(s.name.ival);
        break;
      case xa::suffix::star:
        e = make(ExprKind::FieldStar, r);
        break;
    }
    e->children.insert(e->children.begin(), std::move(acc.node));
    acc = made(std::move(e), r, height + 1);
  }
  return acc;
}

ast::TypeExpr Lowerer::type(const xa::type_expr& t) {
  // `(T)` is T, grouped.
  if (t.kind == ast::TypeExpr::Kind::Tuple && t.elems.size() == 1) {
    ast::TypeExpr inner = type(t.elems[0]);
    inner.optional = inner.optional || t.optional;
    inner.range = range(t);
    return inner;
  }
  ast::TypeExpr out;
  out.kind = t.kind;
  out.range = range(t);
  out.optional = t.optional;
  if (t.kind == ast::TypeExpr::Kind::Named) out.name = t.name.text;
  for (const auto& e : t.elems) out.elements.push_back(type(e));
  for (const auto& l : t.labels) out.field_names.push_back(ident(l));
  return out;
}

ast::Decl Lowerer::decl(const xa::decl& d) {
  ast::Decl out;
  out.kind = d.kind;
  out.range = range(d);
  if (d.kind != ast::DeclKind::Config && d.kind != ast::DeclKind::Import) out.name = ident(d.name);
  if (d.has_type) out.type = type(d.type);
  if (d.has_value) {
    Lowered v = expr(d.value);
    bool connector = d.kind == ast::DeclKind::Source || d.kind == ast::DeclKind::Table || d.kind == ast::DeclKind::Sink;
    if (connector && v.node->kind != ExprKind::Call) error(v.extent, "expected a connector call");
    out.value = std::move(v.node);
  }
  for (const auto& f : d.entries) out.entries.push_back({ident(f.label), expr(f.value).node});
  if (d.kind == ast::DeclKind::Import) {
    out.path = d.path.text;
    out.path_range = range(d.path);
  }
  for (const auto& c : d.clauses) {
    ast::SinkClause clause;
    clause.kind = c.kind;
    clause.range = range(c);
    if (c.kind == ast::SinkClause::Kind::Mode) clause.word = ident(c.word);
    if (c.has_value) clause.value = expr(c.value).node;
    out.clauses.push_back(std::move(clause));
  }
  return out;
}

}  // namespace

ast::Program lower_program(const std::vector<x3ast::decl>& decls, const parse_state& state) {
  Lowerer lowerer(state);
  ast::Program program;
  for (const auto& d : decls) program.decls.push_back(lowerer.decl(d));
  return program;
}

ast::ExprPtr lower_expression(const x3ast::expr& e, const parse_state& state) {
  return Lowerer(state).expr(e).node;
}

}  // namespace streamc::syntax
