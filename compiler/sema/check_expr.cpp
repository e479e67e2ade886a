// Expression typing: literals, names, operators, built-in calls, lambdas.
#include <algorithm>

#include "sema/checker.hpp"

namespace streamc::sema {

using ast::Expr;
using ast::ExprKind;
using ast::Op;
using K = Type::Kind;

// Optimal string alignment distance: insertions, deletions, substitutions
// and swaps of neighbours ("mpa" is one step from "map") each cost one.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = name.size() <= 3 ? 1 : name.size() <= 6 ? 2 : 3;
  for (const auto& c : candidates) {
    size_t d = edit_distance(name, c);
    if (d <= best_d && (best.empty() || d < edit_distance(name, best))) best = c;
  }
  return best;
}

void Checker::not_supported(SourceRange r, const std::string& what) {
  diags_.error(r, what + " is not supported yet");
}

TypeRef Checker::check_expr(const Expr& e, Scope& scope) {
  switch (e.kind) {
    case ExprKind::IntLit: return record(e, types::integer());
    case ExprKind::FloatLit: return record(e, types::floating());
    case ExprKind::StringLit: return record(e, types::string());
    case ExprKind::BoolLit: return record(e, types::boolean());
    case ExprKind::DurationLit: return record(e, types::duration());
    case ExprKind::NullLit: return record(e, types::null());
    case ExprKind::Name: {
      for (auto it = scope.rbegin(); it != scope.rend(); ++it)
        if (it->name == e.text) {
          if (it->field) result_.field_names[&e] = true;
          return record(e, it->type);
        }
      auto found = names_.find(e.text);
      if (found != names_.end()) {
        switch (found->second.kind) {
          case NameKind::Param: {
            // Params are checked in declaration order, so a param has no
            // type yet where it is used before (or inside) its declaration.
            const NameEntry& param = found->second;
            if (param.index >= 0) return record(e, result_.params[param.index].type);
            unsigned line = file_.line_col(param.decl->range.begin).line;
            diags_.error(e.range, param.decl->range.begin > e.range.begin
                                      ? "param " + q(e.text) + " is used before its declaration on line " + std::to_string(line)
                                      : "param " + q(e.text) + " is used in its own declaration");
            return record(e, types::error());
          }
          case NameKind::Source:
          case NameKind::Stream:
          case NameKind::Table:
            diags_.error(e.range, q(e.text) +
                                      " is a stream; a stream can start a dataflow or be the argument of union, "
                                      "not be used as a value");
            return record(e, types::error());
          case NameKind::Schema:
            diags_.error(e.range, q(e.text) + " is a schema, not a value");
            return record(e, types::error());
        }
      }
      std::vector<std::string> candidates;
      for (const auto& v : scope) candidates.push_back(v.name);
      for (const auto& [name, entry] : names_)
        if (entry.kind == NameKind::Param) candidates.push_back(name);
      std::string near = closest_name(e.text, candidates);
      if (!overloads(e.text).empty())
        diags_.error(e.range, q(e.text) + " is a function; call it with arguments, e.g. " + e.text + "(…)");
      else
        diags_.error(e.range, "unknown name " + q(e.text) + (near.empty() ? "" : "; did you mean " + q(near) + "?"));
      return record(e, types::error());
    }
    case ExprKind::Field: {
      TypeRef obj = check_expr(*e.children[0], scope);
      if (obj->is_error()) return record(e, obj);
      // A field of an optional record is null when the record is.
      bool nullable = obj->is(K::Optional) && obj->elements[0]->is(K::Record);
      TypeRef rec = nullable ? obj->elements[0] : obj;
      if (rec->is(K::Record)) {
        for (size_t i = 0; i < rec->fields.size(); ++i)
          if (rec->fields[i] == e.text) return record(e, nullable ? types::optional(rec->elements[i]) : rec->elements[i]);
        std::string near = closest_name(e.text, rec->fields);
        diags_.error(e.name_range, "no field " + q(e.text) + " in " + to_string(rec) +
                                       (near.empty() ? "" : "; did you mean " + q(near) + "?"));
        return record(e, types::error());
      }
      // A field of a list of records is the list of that field, as in Spark
      // SQL (`rows.ts` over [Event] is [timestamp]).
      if (obj->is(K::List) && obj->elements[0]->is(K::Record)) {
        const TypeRef& row = obj->elements[0];
        for (size_t i = 0; i < row->fields.size(); ++i)
          if (row->fields[i] == e.text) return record(e, types::list(row->elements[i]));
        std::string near = closest_name(e.text, row->fields);
        diags_.error(e.name_range, "no field " + q(e.text) + " in the records of " + to_string(obj) +
                                       (near.empty() ? "" : "; did you mean " + q(near) + "?"));
        return record(e, types::error());
      }
      diags_.error(e.name_range, "cannot take field " + q(e.text) + " of a value of type " + to_string(obj));
      return record(e, types::error());
    }
    case ExprKind::TupleIndex: {
      TypeRef obj = check_expr(*e.children[0], scope);
      if (obj->is_error()) return record(e, obj);
      if (!obj->is(K::Tuple)) {
        diags_.error(e.range, "cannot take element ." + std::to_string(e.int_value) + " of a value of type " +
                                  to_string(obj) + "; it is not a tuple");
        return record(e, types::error());
      }
      if (e.int_value < 0 || static_cast<size_t>(e.int_value) >= obj->elements.size()) {
        diags_.error(e.range, "tuple " + to_string(obj) + " has no element ." + std::to_string(e.int_value) +
                                  " (it has " + std::to_string(obj->elements.size()) + ")");
        return record(e, types::error());
      }
      return record(e, obj->elements[e.int_value]);
    }
    case ExprKind::Star:
    case ExprKind::FieldStar:
      diags_.error(e.range, "'*' is only allowed as an argument of select");
      return record(e, types::error());
    case ExprKind::Alias:
      diags_.error(e.range, "'as' names a column; it is only allowed in select and explode");
      return record(e, types::error());
    case ExprKind::Lambda:
      diags_.error(e.range, "a lambda is only allowed as the argument of an operator such as map or filter");
      return record(e, types::error());
    case ExprKind::Pipe:
      diags_.error(e.range, "a dataflow ('|>') cannot be used as a value");
      return record(e, types::error());
    case ExprKind::Tuple: {
      std::vector<TypeRef> elems;
      bool bad = false;
      for (const auto& c : e.children) {
        elems.push_back(check_expr(*c, scope));
        bad |= elems.back()->is_error();
      }
      return record(e, bad ? types::error() : types::tuple(std::move(elems)));
    }
    case ExprKind::List: {
      if (e.children.empty()) {
        if (auto it = empty_lists_.find(&e); it != empty_lists_.end()) return record(e, it->second);
        not_supported(e.range, "an empty list literal (its element type cannot be inferred)");
        return record(e, types::error());
      }
      TypeRef elem;
      for (const auto& c : e.children) {
        TypeRef t = check_expr(*c, scope);
        if (t->is_error()) return record(e, t);
        if (!elem) {
          elem = t;
          continue;
        }
        TypeRef u = unify(elem, t);
        if (!u) {
          diags_.error(c->range, "list elements must have one type: this is " + to_string(t) + ", earlier ones are " +
                                     to_string(elem));
          return record(e, types::error());
        }
        elem = u;
      }
      return record(e, types::list(elem));
    }
    case ExprKind::Record: {
      std::vector<std::string> names;
      std::vector<TypeRef> field_types;
      bool bad = false;
      for (const auto& a : e.args) {
        if (std::find(names.begin(), names.end(), a.name.name) != names.end()) {
          diags_.error(a.name.range, "field " + q(a.name.name) + " is given twice");
          bad = true;
        }
        names.push_back(a.name.name);
        field_types.push_back(check_expr(*a.value, scope));
        if (field_types.back()->is(K::Null)) field_types.back() = types::optional(types::string());
        bad |= field_types.back()->is_error();
      }
      return record(e, bad ? types::error() : types::record(std::move(names), std::move(field_types)));
    }
    case ExprKind::Unary: {
      TypeRef t = check_expr(*e.children[0], scope);
      if (t->is_error()) return record(e, t);
      if (e.op == Op::Not) {
        if (!t->is(K::Bool)) {
          diags_.error(e.range, "'not' needs a bool, found " + to_string(t));
          return record(e, types::error());
        }
        return record(e, t);
      }
      if (!t->is_numeric() && !t->is(K::Duration)) {
        diags_.error(e.range, "unary '-' needs a number, found " + to_string(t));
        return record(e, types::error());
      }
      return record(e, t);
    }
    case ExprKind::Binary: return check_binary(e, scope);
    case ExprKind::If: {
      TypeRef c = check_expr(*e.children[0], scope);
      // `if … then [] else [x]` (also inside tuples, `([], state)`): the
      // empty list takes the type of the other branch's list.
      const Expr& then_e = *e.children[1];
      const Expr& else_e = *e.children[2];
      TypeRef a, b;
      if (has_empty_list(then_e) && !has_empty_list(else_e)) {
        b = check_expr(else_e, scope);
        if (!b->is_error()) expect_empty_lists(then_e, b);
        a = check_expr(then_e, scope);
      } else {
        a = check_expr(then_e, scope);
        if (!a->is_error() && has_empty_list(else_e)) expect_empty_lists(else_e, a);
        b = check_expr(else_e, scope);
      }
      if (!c->is_error() && !c->is(K::Bool)) diags_.error(e.children[0]->range, "the condition of 'if' must be bool, found " + to_string(c));
      if (a->is_error() || b->is_error() || c->is_error()) return record(e, types::error());
      TypeRef u = unify(a, b);
      if (!u) {
        diags_.error(e.range, "the branches of 'if' have different types: " + to_string(a) + " and " + to_string(b));
        return record(e, types::error());
      }
      return record(e, u);
    }
    case ExprKind::Call: return check_call(e, scope);
  }
  return record(e, types::error());
}

bool Checker::has_empty_list(const Expr& e) {
  if (e.kind == ExprKind::List) return e.children.empty();
  if (e.kind != ExprKind::Tuple) return false;
  return std::any_of(e.children.begin(), e.children.end(), [](const auto& c) { return has_empty_list(*c); });
}

void Checker::expect_empty_lists(const Expr& e, const TypeRef& t) {
  if (e.kind == ExprKind::List && e.children.empty() && t->is(K::List)) empty_lists_[&e] = t;
  if (e.kind == ExprKind::Tuple && t->is(K::Tuple) && t->elements.size() == e.children.size())
    for (size_t i = 0; i < e.children.size(); ++i) expect_empty_lists(*e.children[i], t->elements[i]);
}

TypeRef Checker::check_binary(const Expr& e, Scope& scope) {
  TypeRef a = check_expr(*e.children[0], scope);
  TypeRef b = check_expr(*e.children[1], scope);
  if (a->is_error() || b->is_error()) return record(e, types::error());
  std::string op = ast::op_spelling(e.op);
  if (e.op != Op::Coalesce && e.op != Op::Eq && e.op != Op::Ne && (a->is(K::Optional) || b->is(K::Optional))) {
    diags_.error(e.range, "cannot apply '" + op + "' to " + to_string(a) + " and " + to_string(b) +
                              "; an optional value may be null: give a default with ??, e.g. x ?? 0");
    return record(e, types::error());
  }
  auto mismatch = [&](const std::string& hint = {}) {
    diags_.error(e.range, "cannot apply '" + op + "' to " + to_string(a) + " and " + to_string(b) + hint);
    return record(e, types::error());
  };
  switch (e.op) {
    case Op::And:
    case Op::Or:
      if (!a->is(K::Bool) || !b->is(K::Bool)) return mismatch("; it needs two bools");
      return record(e, types::boolean());
    case Op::Add:
      if (a->is(K::String) && b->is(K::String)) return record(e, types::string());
      if (a->is(K::String) || b->is(K::String)) return mismatch("; convert with to_string(…) first");
      [[fallthrough]];
    case Op::Sub:
      if (a->is(K::Timestamp) && b->is(K::Duration)) return record(e, a);
      if (e.op == Op::Sub && a->is(K::Timestamp) && b->is(K::Timestamp)) return record(e, types::duration());
      if (a->is(K::Duration) && b->is(K::Duration)) return record(e, a);
      [[fallthrough]];
    case Op::Mul:
    case Op::Div:
    case Op::Mod:
      if (e.op == Op::Mul && a->is(K::Duration) && b->is(K::Int)) return record(e, a);
      if (!a->is_numeric() || !b->is_numeric()) return mismatch();
      return record(e, a->is(K::Int) && b->is(K::Int) ? types::integer() : types::floating());
    case Op::Eq:
    case Op::Ne:
      // `x == null` tests an optional; otherwise both sides need one type.
      if (a->is(K::Null) || b->is(K::Null)) {
        const TypeRef& other = a->is(K::Null) ? b : a;
        if (!other->is(K::Optional)) return mismatch("; only an optional value (T?) can be null");
        return record(e, types::boolean());
      }
      if (a->is(K::Optional) || b->is(K::Optional)) return mismatch("; compare with null, or give a default with ??");
      if (!unify(a, b)) return mismatch();
      return record(e, types::boolean());
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge: {
      bool ok = (a->is_numeric() && b->is_numeric()) || (same_type(a, b) && (a->is(K::String) || a->is(K::Timestamp) || a->is(K::Duration)));
      if (!ok) return mismatch();
      return record(e, types::boolean());
    }
    case Op::Coalesce: {
      if (!a->is(K::Optional)) {
        diags_.error(e.children[0]->range, "the left side of '?\?' must be optional (T?), found " + to_string(a));
        return record(e, types::error());
      }
      TypeRef inner = a->elements[0];
      TypeRef rhs = b->is(K::Optional) ? b->elements[0] : b;
      TypeRef u = unify(inner, rhs);
      if (!u) return mismatch();
      return record(e, b->is(K::Optional) ? types::optional(u) : u);
    }
    default: return mismatch();
  }
}

// check_call: check_call.cpp (built-in and imported functions).

TypeRef Checker::check_lambda(const Expr& e, const std::vector<TypeRef>& inputs, std::string_view op, Scope& scope) {
  std::string opq = q(op);
  if (e.kind != ExprKind::Lambda) {
    std::string example = inputs.size() == 2 ? "(a, b) -> a + b" : "x -> …";
    diags_.error(e.range, opq + " needs a function such as " + example);
    check_expr(e, scope);
    return types::error();
  }
  LambdaInfo info;
  if (e.params.size() == inputs.size()) {
    info.param_types = inputs;
  } else if (inputs.size() == 1 && inputs[0]->is(K::Tuple) && inputs[0]->elements.size() == e.params.size()) {
    info.param_types = inputs[0]->elements;
    info.destructures = true;
  } else {
    std::string got = std::to_string(e.params.size()) + " parameter" + (e.params.size() == 1 ? "" : "s");
    std::string want = std::to_string(inputs.size());
    std::string what = inputs.size() == 1 ? "one " + to_string(inputs[0]) : want + " values";
    diags_.error(e.range, "the function given to " + opq + " takes " + got + ", but " + opq + " passes it " + what);
    return types::error();
  }
  for (size_t i = 0; i < e.params.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (e.params[i].name == e.params[j].name) {
        diags_.error(e.params[i].range, "parameter " + q(e.params[i].name) + " is declared twice");
        return types::error();
      }
  size_t mark = scope.size();
  for (size_t i = 0; i < e.params.size(); ++i) scope.push_back({e.params[i].name, info.param_types[i]});
  TypeRef body = check_expr(*e.children[0], scope);
  scope.resize(mark);
  result_.lambdas[&e] = std::move(info);
  return record(e, body);
}

TypeRef Checker::check_row_expr(const Expr& e, const TypeRef& row, Scope& scope) {
  size_t mark = scope.size();
  for (size_t i = 0; i < row->fields.size(); ++i) scope.push_back({row->fields[i], row->elements[i], true});
  TypeRef t = check_expr(e, scope);
  scope.resize(mark);
  result_.row_exprs[&e] = RowExprInfo{row};
  return t;
}

TypeRef Checker::check_function_arg(const Expr& e, const TypeRef& row, const std::vector<TypeRef>& inputs,
                                    std::string_view op, Scope& scope) {
  if (e.kind == ExprKind::Lambda || !row->is(K::Record) || inputs.size() != 1) return check_lambda(e, inputs, op, scope);
  return check_row_expr(e, row, scope);
}

TypeRef Checker::check_startup_expr(const Expr& e, const TypeRef& expected, std::string_view what) {
  Scope none;
  TypeRef t = check_expr(e, none);
  if (t->is_error()) return t;
  if (!same_type(t, expected) && !(expected->is(K::Float) && t->is(K::Int))) {
    diags_.error(e.range, std::string(what) + " must be " + to_string(expected) + ", found " + to_string(t));
    return types::error();
  }
  return t;
}

bool Checker::constant_duration(const Expr& e, std::string_view what, int64_t& micros) {
  if (e.kind == ExprKind::DurationLit) {
    if (e.int_value <= 0) {
      diags_.error(e.range, std::string(what) + " must be positive");
      return false;
    }
    micros = e.int_value;
    record(e, types::duration());
    return true;
  }
  diags_.error(e.range, std::string(what) + " must be a duration such as 1s or 250ms");
  return false;
}

bool Checker::constant_int(const Expr& e, std::string_view what, int64_t& value) {
  if (e.kind == ExprKind::IntLit) {
    value = e.int_value;
    record(e, types::integer());
    return true;
  }
  diags_.error(e.range, std::string(what) + " must be an integer literal");
  return false;
}

}  // namespace streamc::sema
