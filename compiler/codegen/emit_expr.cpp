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

std::string cpp_type(const TypeRef& t) {
  switch (t->kind) {
    case K::Bool: return "bool";
    case K::Int: return "int64_t";
    case K::Float: return "double";
    case K::String: return "std::string_view";
    case K::Timestamp: return "rt::Timestamp";
    case K::Duration: return "rt::Duration";
    case K::List: return "std::vector<" + cpp_type(t->elements[0]) + ">";
    case K::Optional: return "std::optional<" + cpp_type(t->elements[0]) + ">";
    case K::Tuple: {
      std::string s = "std::tuple<";
      for (size_t i = 0; i < t->elements.size(); ++i) s += (i ? ", " : "") + cpp_type(t->elements[i]);
      return s + ">";
    }
    default: return "void";
  }
}

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
  if (from->is(K::List) && to->is(K::List)) {
    return fmt::format("[&] {{ {0} out; for (const auto& x : {1}) out.push_back({2}); return out; }}()", cpp_type(to), code,
                       convert("x", from->elements[0], to->elements[0]));
  }
  if (from->is(K::Tuple) && to->is(K::Tuple)) {
    std::string s = "[&](const auto& t) { return " + cpp_type(to) + "(";
    for (size_t i = 0; i < from->elements.size(); ++i)
      s += (i ? ", " : "") + convert(fmt::format("std::get<{}>(t)", i), from->elements[i], to->elements[i]);
    return s + "); }(" + code + ")";
  }
  return code;
}

void ExprEmitter::bind(const Expr& lambda, const std::vector<std::string>& args) {
  const sema::LambdaInfo& info = prog_.lambdas.at(&lambda);
  for (size_t i = 0; i < lambda.params.size(); ++i) {
    std::string code = info.destructures ? fmt::format("std::get<{}>({})", i, args[0]) : args[i];
    scope_.emplace_back(lambda.params[i].name, code);
  }
}

std::string ExprEmitter::emit_lambda_body(const Expr& lambda, const std::vector<std::string>& args, const std::string& arena,
                                          const TypeRef& result) {
  size_t mark = scope_.size();
  bind(lambda, args);
  const Expr& body = *lambda.children[0];
  std::string code = convert(emit(body, arena), prog_.type_of(body), result);
  scope_.resize(mark);
  return code;
}

std::string ExprEmitter::emit_flat_map_range(const Expr& lambda, const std::string& arg, const std::string& arena) {
  size_t mark = scope_.size();
  bind(lambda, {arg});
  const Expr& body = *lambda.children[0];
  std::string code;
  auto call = prog_.calls.find(&body);
  if (call != prog_.calls.end() && call->second->builtin && call->second->name == "split" && body.args.size() == 2) {
    code = fmt::format("rt::SplitRange({}, {})", emit(*body.args[0].value, arena), emit(*body.args[1].value, arena));
  } else {
    code = emit(body, arena);
  }
  scope_.resize(mark);
  return code;
}

std::string ExprEmitter::emit(const Expr& e, const std::string& arena) {
  switch (e.kind) {
    case ExprKind::IntLit: return fmt::format("int64_t{{{}}}", e.int_value);
    case ExprKind::FloatLit: {
      if (std::isinf(e.float_value)) return "std::numeric_limits<double>::infinity()";
      std::string s = fmt::format("{}", e.float_value);
      if (s.find_first_of(".eE") == std::string::npos) s += ".0";
      return s;
    }
    case ExprKind::StringLit: return string_literal(e.text);
    case ExprKind::BoolLit: return e.bool_value ? "true" : "false";
    case ExprKind::DurationLit: return fmt::format("rt::Duration{{{}}}", e.int_value);
    case ExprKind::Name: {
      for (auto it = scope_.rbegin(); it != scope_.rend(); ++it)
        if (it->first == e.text) return it->second;
      return "P.v_" + e.text;
    }
    case ExprKind::TupleIndex: return fmt::format("std::get<{}>({})", e.int_value, emit(*e.children[0], arena));
    case ExprKind::Tuple: {
      const TypeRef& t = prog_.type_of(e);
      std::string s = cpp_type(t) + "(";
      for (size_t i = 0; i < e.children.size(); ++i) s += (i ? ", " : "") + emit(*e.children[i], arena);
      return s + ")";
    }
    case ExprKind::List: {
      const TypeRef& t = prog_.type_of(e);
      std::string s = cpp_type(t) + "{";
      for (size_t i = 0; i < e.children.size(); ++i)
        s += (i ? ", " : "") + convert(emit(*e.children[i], arena), prog_.type_of(*e.children[i]), t->elements[0]);
      return s + "}";
    }
    case ExprKind::Unary: {
      std::string a = emit(*e.children[0], arena);
      if (e.op == Op::Not) return "(!" + a + ")";
      return "rt::neg(" + a + ")";
    }
    case ExprKind::Binary: return emit_binary(e, arena);
    case ExprKind::If: {
      const TypeRef& t = prog_.type_of(e);
      return fmt::format("({} ? {} : {})", emit(*e.children[0], arena),
                         convert(emit(*e.children[1], arena), prog_.type_of(*e.children[1]), t),
                         convert(emit(*e.children[2], arena), prog_.type_of(*e.children[2]), t));
    }
    case ExprKind::Call: return emit_call(e, arena);
    default: return "/* unsupported expression */";
  }
}

std::string ExprEmitter::emit_binary(const Expr& e, const std::string& arena) {
  const Expr& l = *e.children[0];
  const Expr& r = *e.children[1];
  TypeRef lt = prog_.type_of(l), rt = prog_.type_of(r), t = prog_.type_of(e);
  std::string a = emit(l, arena), b = emit(r, arena);
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
