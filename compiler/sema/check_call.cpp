// Calls of C++ functions: the built-in ones (stdlib/) and those of the
// program's imports, resolved with one rule: an exact match of the argument
// types first, then one with int → float widening. The chosen function is
// recorded per call for the code generator. Also the foreach sink, whose
// argument is an imported function.
#include <algorithm>

#include "sema/checker.hpp"

namespace streamc::sema {

using ast::Expr;
using ast::ExprKind;
using K = Type::Kind;

namespace {

std::string q(std::string_view s) { return "'" + std::string(s) + "'"; }

// For functions of the user's headers, messages name the C++ declaration.
std::string declared(const Function& f) {
  if (f.builtin) return {};
  return " (declared in " + f.declared_at + " as " + f.signature + ")";
}

// An argument's implicit conversions: int to float, a value or null to an
// optional parameter.
bool widens_to(const TypeRef& arg, const TypeRef& param) {
  if (param->is(K::Float) && arg->is(K::Int)) return true;
  if (param->is(K::Optional)) {
    if (arg->is(K::Optional)) return widens_to(arg->elements[0], param->elements[0]);
    return arg->is(K::Null) || same_type(param->elements[0], arg) || widens_to(arg, param->elements[0]);
  }
  return false;
}

bool uses_optional(const Function& f) {
  auto opt = [](const TypeRef& t) {
    std::vector<TypeRef> todo = {t};
    while (!todo.empty()) {
      TypeRef x = todo.back();
      todo.pop_back();
      if (!x) continue;
      if (x->is(K::Optional)) return true;
      todo.insert(todo.end(), x->elements.begin(), x->elements.end());
    }
    return false;
  };
  return opt(f.result) || std::any_of(f.params.begin(), f.params.end(), opt);
}

}  // namespace

std::vector<FunctionRef> Checker::overloads(std::string_view name) const {
  std::vector<FunctionRef> out;
  for (const auto& f : imported_)
    if (f->name == name) out.push_back(f);
  if (out.empty()) out = builtin_overloads(name);
  return out;
}

TypeRef Checker::check_call(const Expr& e, Scope& scope) {
  const Expr& callee = *e.children[0];
  if (callee.kind != ExprKind::Name) {
    if (callee.kind == ExprKind::Field) {
      diags_.error(callee.range, "'" + std::string(file_.slice(callee.range)) +
                                     "': functions are called by their plain name, also imported ones (" +
                                     callee.text + "(…))");
    } else {
      diags_.error(callee.range, "this expression cannot be called");
    }
    for (const auto& a : e.args) check_expr(*a.value, scope);
    return record(e, types::error());
  }
  const std::string& name = callee.text;
  auto candidates_of = overloads(name);
  if (candidates_of.empty()) {
    if (is_future_function(name)) {
      not_supported(callee.range, "the function " + q(name));
    } else if (std::find(operator_names().begin(), operator_names().end(), name) != operator_names().end()) {
      diags_.error(callee.range, q(name) + " is an operator; use it in a dataflow: stream |> " + name + "(…)");
    } else {
      std::vector<std::string> candidates;
      for (const auto& b : builtins()) candidates.push_back(b->name);
      for (const auto& f : imported_) candidates.push_back(f->name);
      std::string near = closest_name(name, candidates);
      diags_.error(callee.range, "unknown function " + q(name) + (near.empty() ? "" : "; did you mean " + q(near) + "?"));
    }
    for (const auto& a : e.args) check_expr(*a.value, scope);
    return record(e, types::error());
  }
  std::vector<TypeRef> args;
  for (const auto& a : e.args) {
    if (!a.name.name.empty()) {
      diags_.error(a.name.range, "function " + q(name) + " takes no named arguments");
      return record(e, types::error());
    }
    args.push_back(check_expr(*a.value, scope));
    if (args.back()->is_error()) return record(e, types::error());
  }
  // Exact match first, then with int → float widening.
  for (int widen = 0; widen < 2; ++widen) {
    for (const FunctionRef& f : candidates_of) {
      if (f->params.size() != args.size()) continue;
      bool ok = true;
      for (size_t i = 0; i < args.size() && ok; ++i)
        ok = same_type(f->params[i], args[i]) || (widen && widens_to(args[i], f->params[i]));
      if (!ok) continue;
      if (!f->result) {
        diags_.error(e.range, q(name) + " returns nothing (void), so it cannot be used in an expression; a function "
                                        "void " + name + "(int64_t batch_id, const std::vector<T>& rows) is used "
                                        "as a sink: sink s -> foreach(" + name + ")" + declared(*f));
        return record(e, types::error());
      }
      result_.calls[&e] = f;
      return record(e, f->result);
    }
  }
  // Report against the first overload of the right arity, at the first bad argument.
  for (const FunctionRef& f : candidates_of) {
    if (f->params.size() != args.size()) continue;
    for (size_t i = 0; i < args.size(); ++i) {
      if (same_type(f->params[i], args[i])) continue;
      std::string expected;
      for (const FunctionRef& o : candidates_of)
        if (o->params.size() == args.size()) {
          std::string t = to_string(o->params[i]);
          if (expected.find(t) == std::string::npos) expected += (expected.empty() ? "" : " or ") + t;
        }
      diags_.error(e.args[i].value->range, "argument " + std::to_string(i + 1) + " of " + q(name) + " must be " +
                                               expected + ", found " + to_string(args[i]) + declared(*f));
      return record(e, types::error());
    }
  }
  std::string arities;
  for (const FunctionRef& f : candidates_of) {
    std::string a = std::to_string(f->params.size());
    if (arities.find(a) == std::string::npos) arities += (arities.empty() ? "" : " or ") + a;
  }
  diags_.error(e.range, q(name) + " takes " + arities + " argument" + (arities == "1" ? "" : "s") + ", " +
                            std::to_string(args.size()) + (args.size() == 1 ? " was" : " were") + " given" +
                            declared(*candidates_of[0]));
  return record(e, types::error());
}

// `sink s -> foreach(save)`: save is an imported
//   void save(int64_t batch_id, const std::vector<T>& rows)
// whose T is the stream's element type.
bool Checker::check_foreach_sink(const Expr& call, SinkInfo& s) {
  s.connector = Connector::Foreach;
  const std::string usage = "foreach takes one imported C++ function: sink " + s.stream + " -> foreach(save), with "
                            "STREAMC_UDF void save(int64_t batch_id, const std::vector<T>& rows)";
  if (call.args.size() != 1 || !call.args[0].name.name.empty() || call.args[0].value->kind != ExprKind::Name) {
    diags_.error(call.range, usage);
    return false;
  }
  const Expr& arg = *call.args[0].value;
  std::vector<FunctionRef> fs;
  for (const auto& f : imported_)
    if (f->name == arg.text) fs.push_back(f);
  if (fs.empty()) {
    std::vector<std::string> names;
    for (const auto& f : imported_)
      if (!f->result) names.push_back(f->name);
    std::string near = closest_name(arg.text, names);
    std::string what = !builtin_overloads(arg.text).empty() ? q(arg.text) + " is a built-in function; "
                                                            : "no imported function " + q(arg.text) + "; ";
    diags_.error(arg.range, what + (near.empty() ? usage : "did you mean " + q(near) + "?"));
    return false;
  }
  const Function& f = *fs[0];
  TypeRef element = s.node >= 0 ? result_.nodes[s.node].type : nullptr;
  bool shape = !f.result && f.params.size() == 2 && f.params[0]->is(K::Int) && f.params[1]->is(K::List);
  if (!shape) {
    diags_.error(arg.range, q(f.name) + " cannot be a foreach sink: it must be void " + f.name +
                                "(int64_t batch_id, const std::vector<T>& rows)" + declared(f));
    return false;
  }
  if (element && !element->is_error() && !same_type(f.params[1]->elements[0], element)) {
    diags_.error(arg.range, q(f.name) + " takes rows of type " + to_string(f.params[1]->elements[0]) +
                                ", but stream " + q(s.stream) + " has " + to_string(element) + declared(f));
    return false;
  }
  if (uses_optional(f)) {
    not_supported(arg.range, "a foreach function taking std::optional (T?) values");
    return false;
  }
  s.foreach = fs[0];
  return true;
}

}  // namespace streamc::sema
