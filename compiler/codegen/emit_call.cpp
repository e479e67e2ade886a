// Calls of C++ functions. The checker recorded which function each call
// resolved to; arguments are converted to that function's C++ parameter
// types only when streamc's canonical form differs (a `const std::string&`
// parameter gets a std::string), and results that own memory are copied into
// the batch arena (streamc/udf_glue.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "codegen/emit_expr.hpp"
#include "codegen/function_calls.hpp"

namespace streamc::codegen {

using sema::TypeRef;

namespace {

// How the generated code holds a value of SDL type `t`, spelled as the
// importer spells C++ types (runtime/values.hpp). Records have no spelling
// here: a function takes them as its own plain structs, always converted.
std::string canonical(const TypeRef& t) {
  using K = sema::Type::Kind;
  if (!t) return "void";
  switch (t->kind) {
    case K::Bool: return "bool";
    case K::Int: return "int64_t";
    case K::Float: return "double";
    case K::String: return "std::string_view";
    case K::Timestamp: return "streamc::rt::Timestamp";
    case K::Duration: return "streamc::rt::Duration";
    case K::List: return "std::vector<" + canonical(t->elements[0]) + ">";
    case K::Optional: return "std::optional<" + canonical(t->elements[0]) + ">";
    case K::Tuple: {
      std::string s = "std::tuple<";
      for (size_t i = 0; i < t->elements.size(); ++i) s += (i ? ", " : "") + canonical(t->elements[i]);
      return s + ">";
    }
    default: return "?";
  }
}

std::string context_for(const std::string& arena) {
  // Start-up expressions run before any batch; everything else runs inside
  // the batch function, where `batch` is in scope.
  if (arena == "startup_arena") return "streamc::udf::Context::startup()";
  return "streamc::udf::Context{batch.id(), batch.time()}";
}

// Every function the program calls or hands batches to, each once, in an
// order that does not depend on the hash map of calls (the generated code,
// and so the build cache key, must be the same for the same program).
std::vector<sema::FunctionRef> called_functions(const sema::CheckedProgram& program) {
  std::vector<sema::FunctionRef> calls;
  std::set<const sema::Function*> seen;
  for (const auto& [expr, f] : program.calls)
    if (f && seen.insert(f.get()).second) calls.push_back(f);
  std::sort(calls.begin(), calls.end(), [](const auto& a, const auto& b) {
    return std::tie(a->builtin, a->header, a->declared_at, a->name) > std::tie(b->builtin, b->header, b->declared_at, b->name);
  });
  for (const auto& s : program.sinks)
    if (s.foreach && seen.insert(s.foreach.get()).second) calls.push_back(s.foreach);
  return calls;
}

// One called function per header (its header and what that includes are
// the same for every function of the header), headers in a stable order.
std::vector<sema::FunctionRef> one_per_header(const sema::CheckedProgram& program) {
  std::vector<sema::FunctionRef> out;
  std::set<std::string> seen;
  for (const auto& f : called_functions(program))
    if (seen.insert(f->header).second) out.push_back(f);
  return out;
}

}  // namespace

std::string function_structs(const sema::CheckedProgram& program, CppTypes& types, Includes& includes) {
  std::string out;
  std::set<std::string> done;
  for (const auto& f : called_functions(program)) {
    for (const auto& st : f->structs) {
      if (!done.insert(st.cpp).second) continue;
      includes.use(Includes::UdfGlue);
      includes.use_function(*f);  // declares the struct
      const auto& r = *st.record;
      std::string sdl = types.of(st.record);
      std::string to_cpp, to_sdl;
      for (const auto& field : r.fields) {
        to_cpp += fmt::format("    out.{0} = streamc::udf::convert<decltype(out.{0})>(r.{1});\n", field, member(field));
        to_sdl += fmt::format("    out.{1} = streamc::udf::to_sdl(arena, s.{0});\n", field, member(field));
      }
      out += fmt::format(
          "// {0} as the SDL record {1}, field by field.\n"
          "template <>\n"
          "struct streamc::udf::RecordOf<{0}> {{\n"
          "  static constexpr bool defined = true;\n"
          "  static {0} to_cpp(const {2}& r) {{\n"
          "    {0} out{{}};\n{3}"
          "    return out;\n"
          "  }}\n"
          "  static {2} to_sdl(streamc::rt::Arena& arena, const {0}& s) {{\n"
          "    {2} out;\n{4}"
          "    return out;\n"
          "  }}\n"
          "}};\n\n",
          st.cpp, sema::to_string(st.record), sdl, to_cpp, to_sdl);
    }
  }
  return out;
}

std::vector<std::string> function_link_args(const sema::CheckedProgram& program) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& f : one_per_header(program))
    for (const auto& l : f->link)
      if (seen.insert(l).second) out.push_back(l);
  std::sort(out.begin(), out.end());
  return out;
}

std::string emit_foreach_sink(const sema::SinkInfo& sink, const std::string& var, Includes& includes) {
  const sema::Function& f = *sink.foreach;
  includes.use(Includes::UdfGlue);
  includes.use_function(f);
  return fmt::format(
      "    // sink {0} -> foreach({1}): {2}\n"
      "    static streamc::udf::ForeachSink {3}_foreach{{[](int64_t batch_id, const auto& rows) {{\n"
      "      {4}(batch_id, streamc::udf::pass<{5}>(rows));\n"
      "    }}}};\n"
      "    auto& {3} = {3}_foreach;\n",
      sink.stream, f.name, f.signature, var, f.cpp, f.param_cpp[1]);
}

// update(state, v), remove(state), set_timeout_duration(state, d),
// set_timeout_timestamp(state, t) in map_groups_with_state's function: a
// copy of the GroupState record (sema/check_group_state.cpp) with the change.
std::string ExprEmitter::emit_state_call(const ast::Expr& e, const std::string& arena) {
  const std::string& name = e.callee_name();
  const TypeRef& handle = prog_.type_of(*e.args[0].value);
  std::string change;
  if (name == "update") {
    const TypeRef& state = handle->elements[1]->elements[0];  // value: S?
    change = fmt::format("s.{} = true; s.{} = {};", member("exists"), member("value"),
                         convert(emit(*e.args[1].value, arena), prog_.type_of(*e.args[1].value), state));
  } else if (name == "remove") {
    change = fmt::format("s.{} = false; s.{} = std::nullopt; s.{} = std::nullopt;", member("exists"), member("value"),
                         member("timeout"));
  } else if (name == "set_timeout_duration") {
    change = fmt::format("s.{} = streamc::rt::Timestamp{{s.{}.micros + ({}).micros}};", member("timeout"),
                         member("processing_time"), emit(*e.args[1].value, arena));
  } else {
    change = fmt::format("s.{} = {};", member("timeout"), emit(*e.args[1].value, arena));
  }
  return fmt::format("[&]({} s) {{ {} return s; }}({})", cpp(handle), change, emit(*e.args[0].value, arena));
}

std::string ExprEmitter::emit_call(const ast::Expr& e, const std::string& arena) {
  auto found = prog_.calls.find(&e);
  if (found == prog_.calls.end() && sema::is_state_op(e.callee_name())) return emit_state_call(e, arena);
  if (found == prog_.calls.end()) return "/* unresolved call */";
  const sema::Function& f = *found->second;
  includes_.use_function(f);
  std::string s = f.cpp + "(";
  bool first = true;
  if (f.takes_context) {
    s += context_for(arena);
    first = false;
  }
  for (size_t i = 0; i < e.args.size(); ++i) {
    const TypeRef& param = f.params[i];
    std::string arg = convert(emit(*e.args[i].value, arena), prog_.type_of(*e.args[i].value), param);
    if (!f.param_cpp[i].empty() && f.param_cpp[i] != canonical(param)) {
      includes_.use(Includes::UdfGlue);
      arg = fmt::format("streamc::udf::pass<{}>({})", f.param_cpp[i], arg);
    }
    s += (first ? "" : ", ") + arg;
    first = false;
  }
  s += ")";
  if (f.result_cpp == canonical(f.result)) return s;
  if (f.result_cpp == "std::string") return fmt::format("{}.keep({})", arena, s);
  includes_.use(Includes::UdfGlue);
  return fmt::format("streamc::udf::to_sdl({}, {})", arena, s);
}

}  // namespace streamc::codegen
