#include "codegen/emit_expr.hpp"

#include <fmt/format.h>

#include <cmath>

namespace streamc::codegen {

using ast::Expr;
using ast::ExprKind;
using ast::Op;
using sema::Type;
using sema::TypeRef;
using K = Type::Kind;

std::string string_literal(std::string_view bytes) {
  std::string s = "std::string_view(\"";
  for (unsigned char c : bytes) {
    switch (c) {
      case '"': s += "\\\""; break;
      case '\\': s += "\\\\"; break;
      case '\n': s += "\\n"; break;
      case '\t': s += "\\t"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          s += fmt::format("\\{:03o}", c);  // octal escapes never swallow following digits past 3
        } else {
          s += static_cast<char>(c);
        }
    }
  }
  return s + fmt::format("\", {})", bytes.size());
}

std::string ExprEmitter::convert(std::string code, const TypeRef& from, const TypeRef& to) {
  if (sema::same_type(from, to)) return code;
  if (from->is(K::Int) && to->is(K::Float)) return "static_cast<double>(" + code + ")";
  if (to->is(K::Optional)) {
    if (from->is(K::Null)) return cpp(to) + "()";
    if (from->is(K::Optional)) {
      return fmt::format("[&](const auto& o) {{ return o ? {0}({1}) : {0}(); }}({2})", cpp(to),
                         convert("*o", from->elements[0], to->elements[0]), code);
    }
    return cpp(to) + "(" + convert(code, from, to->elements[0]) + ")";
  }
  if (from->is(K::List) && to->is(K::List)) {
    return fmt::format("[&] {{ {0} out; for (const auto& x : {1}) out.push_back({2}); return out; }}()", cpp(to), code,
                       convert("x", from->elements[0], to->elements[0]));
  }
  if (from->is(K::Tuple) && to->is(K::Tuple)) {
    std::string s = "[&](const auto& t) { return " + cpp(to) + "(";
    for (size_t i = 0; i < from->elements.size(); ++i)
      s += (i ? ", " : "") + convert(fmt::format("std::get<{}>(t)", i), from->elements[i], to->elements[i]);
    return s + "); }(" + code + ")";
  }
  return code;
}

std::string ExprEmitter::materialize(const Value& v) {
  if (!v.is_virtual()) {
    if (!v.leaf.empty()) used_.insert(v.leaf);
    return v.code;
  }
  std::string s = cpp(v.type) + "{";
  for (size_t i = 0; i < v.type->fields.size(); ++i) {
    const std::string& name = v.type->fields[i];
    const Value* f = nullptr;
    for (const auto& [n, fv] : *v.fields)
      if (n == name) f = &fv;
    s += (i ? ", " : "") + (f ? convert(materialize(*f), f->type, v.type->elements[i]) : std::string("{}"));
  }
  return s + "}";
}

Value ExprEmitter::field(const Value& record, const std::string& name) {
  if (record.is_virtual()) {
    for (const auto& [n, f] : *record.fields)
      if (n == name) return f;
    return Value::concrete(sema::types::error(), "/* no field " + name + " */");
  }
  const TypeRef& t = record.type;
  std::string code = materialize(record);
  if (t->is(K::List)) {  // a field of a list of records: the list of that field
    const TypeRef& row = t->elements[0];
    for (size_t i = 0; i < row->fields.size(); ++i)
      if (row->fields[i] == name) {
        TypeRef ft = sema::types::list(row->elements[i]);
        return Value::concrete(ft, fmt::format("[&](const auto& rs) {{ {0} out; out.reserve(rs.size()); for (const auto& r : rs) "
                                               "out.push_back(r.{1}); return out; }}({2})",
                                               cpp(ft), member(name), code));
      }
  }
  if (t->is(K::Optional)) {
    const TypeRef& rec = t->elements[0];
    for (size_t i = 0; i < rec->fields.size(); ++i)
      if (rec->fields[i] == name) {
        TypeRef ft = sema::types::optional(rec->elements[i]);
        return Value::concrete(ft, fmt::format("[&](const auto& r) {{ return r ? {0}(r->{1}) : {0}(); }}({2})", cpp(ft),
                                               member(name), code));
      }
  }
  for (size_t i = 0; i < t->fields.size(); ++i)
    if (t->fields[i] == name) return Value::concrete(t->elements[i], code + "." + member(name));
  return Value::concrete(sema::types::error(), "/* no field " + name + " */");
}

void ExprEmitter::bind(const Expr& lambda, const std::vector<Value>& args) {
  const sema::LambdaInfo& info = prog_.lambdas.at(&lambda);
  for (size_t i = 0; i < lambda.params.size(); ++i) {
    if (info.destructures) {
      const Value& t = args[0];
      scope_.emplace_back(lambda.params[i].name,
                          Value::concrete(info.param_types[i], fmt::format("std::get<{}>({})", i, materialize(t))));
    } else {
      scope_.emplace_back(lambda.params[i].name, args[i]);
    }
  }
}

void ExprEmitter::bind_row(const Value& row) {
  for (const auto& name : row.type->fields) scope_.emplace_back(name, field(row, name));
}

Value ExprEmitter::apply(const Expr& fn, const std::vector<Value>& args, const std::string& arena) {
  size_t mark = scope_.size();
  Value v;
  if (fn.kind == ExprKind::Lambda) {
    bind(fn, args);
    v = value(*fn.children[0], arena);
  } else {
    bind_row(args[0]);
    v = value(fn, arena);
  }
  scope_.resize(mark);
  return v;
}

std::string ExprEmitter::apply_code(const Expr& fn, const std::vector<Value>& args, const std::string& arena,
                                    const TypeRef& result) {
  Value v = apply(fn, args, arena);
  return convert(materialize(v), v.type, result);
}

Value ExprEmitter::row_value(const Expr& e, const Value& row, const std::string& arena) {
  size_t mark = scope_.size();
  bind_row(row);
  Value v = value(e, arena);
  scope_.resize(mark);
  return v;
}

std::string ExprEmitter::flat_map_range(const Expr& fn, const Value& arg, const std::string& arena) {
  size_t mark = scope_.size();
  const Expr* body = &fn;
  if (fn.kind == ExprKind::Lambda) {
    bind(fn, {arg});
    body = fn.children[0].get();
  } else {
    bind_row(arg);
  }
  std::string code;
  auto call = prog_.calls.find(body);
  if (call != prog_.calls.end() && call->second->builtin && call->second->name == "split" && body->args.size() == 2) {
    includes_.use(Includes::SplitRange);
    code = fmt::format("rt::SplitRange({}, {})", emit(*body->args[0].value, arena), emit(*body->args[1].value, arena));
  } else {
    code = emit(*body, arena);
  }
  scope_.resize(mark);
  return code;
}

Value ExprEmitter::value(const Expr& e, const std::string& arena) {
  const TypeRef& t = prog_.type_of(e);
  switch (e.kind) {
    case ExprKind::IntLit: return Value::concrete(t, fmt::format("int64_t{{{}}}", e.int_value));
    case ExprKind::FloatLit: {
      if (std::isinf(e.float_value)) return Value::concrete(t, "std::numeric_limits<double>::infinity()");
      std::string s = fmt::format("{}", e.float_value);
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
      return Value::concrete(t, s);
    }
    case ExprKind::StringLit: return Value::concrete(t, string_literal(e.text));
    case ExprKind::BoolLit: return Value::concrete(t, e.bool_value ? "true" : "false");
    case ExprKind::NullLit: return Value::concrete(t, "std::nullopt");
    case ExprKind::DurationLit: return Value::concrete(t, fmt::format("rt::Duration{{{}}}", e.int_value));
    case ExprKind::Name: {
      for (auto it = scope_.rbegin(); it != scope_.rend(); ++it)
        if (it->first == e.text) return it->second;
      return Value::concrete(t, "P.v_" + e.text);
    }
    case ExprKind::Field: {
      Value obj = value(*e.children[0], arena);
      return field(obj, e.text);
    }
    case ExprKind::Alias: return value(*e.children[0], arena);
    case ExprKind::TupleIndex:
      return Value::concrete(t, fmt::format("std::get<{}>({})", e.int_value, emit(*e.children[0], arena)));
    case ExprKind::Tuple: {
      std::string s = cpp(t) + "(";
      for (size_t i = 0; i < e.children.size(); ++i)
        s += (i ? ", " : "") + convert(emit(*e.children[i], arena), prog_.type_of(*e.children[i]), t->elements[i]);
      return Value::concrete(t, s + ")");
    }
    case ExprKind::List: {
      std::string s = cpp(t) + "{";
      for (size_t i = 0; i < e.children.size(); ++i)
        s += (i ? ", " : "") + convert(emit(*e.children[i], arena), prog_.type_of(*e.children[i]), t->elements[0]);
      return Value::concrete(t, s + "}");
    }
    case ExprKind::Record: {
      Fields fields;
      for (size_t i = 0; i < e.args.size(); ++i) {
        Value v = value(*e.args[i].value, arena);
        if (v.type->is(K::Null)) v = Value::concrete(t->elements[i], "std::nullopt");
        fields.emplace_back(e.args[i].name.name, v);
      }
      return Value::virtual_record(t, std::move(fields));
    }
    case ExprKind::Unary: {
      std::string a = emit(*e.children[0], arena);
      if (e.op == Op::Not) return Value::concrete(t, "(!" + a + ")");
      return Value::concrete(t, "rt::neg(" + a + ")");
    }
    case ExprKind::Binary: return Value::concrete(t, emit_binary(e, arena));
    case ExprKind::If: {
      return Value::concrete(t, fmt::format("({} ? {} : {})", emit(*e.children[0], arena),
                                            convert(emit(*e.children[1], arena), prog_.type_of(*e.children[1]), t),
                                            convert(emit(*e.children[2], arena), prog_.type_of(*e.children[2]), t)));
    }
    case ExprKind::Call: return Value::concrete(t, emit_call(e, arena));
    default: return Value::concrete(t, "/* unsupported expression */");
  }
}

std::string ExprEmitter::emit_binary(const Expr& e, const std::string& arena) {
  const Expr& l = *e.children[0];
  const Expr& r = *e.children[1];
  TypeRef lt = prog_.type_of(l), rt = prog_.type_of(r), t = prog_.type_of(e);
  std::string a = emit(l, arena), b = emit(r, arena);
  if (e.op == Op::Coalesce) {
    // Evaluate the right side only when the left is null.
    return fmt::format("[&]() -> {} {{ auto o = {}; if (o) return {}; return {}; }}()", cpp(t), a,
                       convert("*o", lt->elements[0], t), convert(b, rt, t));
  }
  if ((e.op == Op::Eq || e.op == Op::Ne) && (lt->is(K::Null) || rt->is(K::Null))) {
    const std::string& opt = lt->is(K::Null) ? b : a;
    return fmt::format("({}{}.has_value())", e.op == Op::Eq ? "!" : "", opt);
  }
  // Operands of mixed int/float arithmetic or comparison meet as float.
  if ((lt->is_numeric() && rt->is_numeric()) && !(lt->is(K::Int) && rt->is(K::Int))) {
    a = convert(a, lt, sema::types::floating());
    b = convert(b, rt, sema::types::floating());
  }
  switch (e.op) {
    case Op::And: return "(" + a + " && " + b + ")";
    case Op::Or: return "(" + a + " || " + b + ")";
    case Op::Add:
      if (t->is(K::String)) return fmt::format("{}.concat({}, {})", arena, a, b);
      return "rt::add(" + a + ", " + b + ")";
    case Op::Sub: return "rt::sub(" + a + ", " + b + ")";
    case Op::Mul: return "rt::mul(" + a + ", " + b + ")";
    case Op::Div: return "rt::div(" + a + ", " + b + ")";
    case Op::Mod: return "rt::mod(" + a + ", " + b + ")";
    case Op::Eq: return "(" + a + " == " + b + ")";
    case Op::Ne: return "(" + a + " != " + b + ")";
    case Op::Lt: return "(" + a + " < " + b + ")";
    case Op::Le: return "(" + a + " <= " + b + ")";
    case Op::Gt: return "(" + a + " > " + b + ")";
    case Op::Ge: return "(" + a + " >= " + b + ")";
    default: return "/* unsupported operator */";
  }
}

// emit_call: emit_call.cpp (built-in and imported C++ functions).

}  // namespace streamc::codegen
