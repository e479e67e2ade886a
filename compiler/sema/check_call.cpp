// Calls of C++ functions: the built-in ones (stdlib/) and those of the
// program's imports, resolved with one rule: an exact match of the argument
// types first, then one with int → float widening. The chosen function is
// recorded per call for the code generator. Also the foreach sink, whose
// argument is an imported function.
#include <algorithm>

#include "sema/checker.hpp"
#include "sema/registry.hpp"

namespace streamc::sema {

using ast::Expr;
using ast::ExprKind;
using K = Type::Kind;

namespace {

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

}  // namespace

std::vector<FunctionRef> Checker::overloads(std::string_view name) const {
  std::vector<FunctionRef> out;
  for (const auto& f : imported_)
    if (f->name == name) out.push_back(f);
  if (out.empty()) out = builtin_overloads(name);
  return out;
}

// format(fmt, args…) (stdlib/streamc/stdlib/strings.hpp): variadic, so the
// call gets a signature of its own; with a literal fmt the number of `{}`
// must match the arguments.
const Function& format_function() {
  static const Function f = [] {
    Function g;
    g.name = "format";
    g.cpp = "streamc::stdlib::format";
    g.params = {types::string()};
    g.param_cpp = {"std::string_view"};
    g.result = types::string();
    g.result_cpp = "std::string";
    g.builtin = true;
    g.header = "streamc/stdlib/strings.hpp";
    g.declared_at = "streamc/stdlib/strings.hpp:212:13";
    g.signature = "template <class... Ts> std::string format(std::string_view fmt, const Ts&... args)";
    g.doc = "format(fmt, args…): fmt with each {} replaced by the next argument as the console shows it; {{ and }} are braces.";
    return g;
  }();
  return f;
}

TypeRef Checker::check_format(const Expr& e, Scope& scope) {
  if (e.args.empty()) {
    diags_.error(e.range, "format takes a format string and its arguments: format(\"{} has {}\", a, b)");
    return record(e, types::error());
  }
  auto f = std::make_shared<Function>(format_function());
  f->params.clear();
  f->param_cpp.clear();
  for (size_t i = 0; i < e.args.size(); ++i) {
    const auto& a = e.args[i];
    if (!a.name.name.empty()) {
      diags_.error(a.name.range, "function 'format' takes no named arguments");
      return record(e, types::error());
    }
    TypeRef t = check_expr(*a.value, scope);
    if (t->is_error()) return record(e, t);
    if (i == 0 && !t->is(K::String)) {
      diags_.error(a.value->range, "the first argument of 'format' is the format string, found " + to_string(t));
      return record(e, types::error());
    }
    if (t->is(K::Null)) t = types::optional(types::string());
    f->params.push_back(t);
    f->param_cpp.push_back("");  // as generated code spells the type: passed as is
  }
  const Expr& fmt = *e.args[0].value;
  if (fmt.kind == ExprKind::StringLit) {
    size_t holes = 0;
    for (size_t i = 0; i + 1 < fmt.text.size(); ++i) {
      if ((fmt.text[i] == '{' && fmt.text[i + 1] == '{') || (fmt.text[i] == '}' && fmt.text[i + 1] == '}')) {
        ++i;
      } else if (fmt.text[i] == '{' && fmt.text[i + 1] == '}') {
        ++holes;
        ++i;
      }
    }
    if (holes != e.args.size() - 1) {
      diags_.error(fmt.range, "the format string has " + std::to_string(holes) + " {} but " +
                                  std::to_string(e.args.size() - 1) + " argument" + (e.args.size() == 2 ? " follows" : "s follow"));
      return record(e, types::error());
    }
  }
  result_.calls[&e] = f;
  return record(e, types::string());
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
  if (candidates_of.empty() && name == "format") return check_format(e, scope);
  if (candidates_of.empty() && is_state_op(name)) return check_state_call(e, scope);
  if (candidates_of.empty()) {
    if (const OperatorSpec* op = find_operator(name); op && op->kind == OperatorKind::GroupKey) {
      diags_.error(callee.range, q(name) + " is a window key; use it inside group_by: |> group_by(" + name + "(…), …)");
    } else if (find_aggregate(name) && name != "count") {
      diags_.error(callee.range, q(name) + " is an aggregate; use it inside aggregate: |> group_by(k) |> aggregate(" +
                                     name + "(x) as v)");
    } else if (name == "infer") {
      diags_.error(callee.range, "infer(…) reads a sample file at compile time; use it as a schema: schema S = infer(\"sample.json\")");
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
  s.foreach = fs[0];
  return true;
}

}  // namespace streamc::sema
