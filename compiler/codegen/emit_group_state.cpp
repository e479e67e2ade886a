// map_groups_with_state: the stage before it has grouped the batch's rows
// by key (n<node>_groups, a KeyedTable, first-seen order). Then, as Spark's
// FlatMapGroupsWithStateExec does: f is called for each key with rows (not
// timed out), then, when the operator has a timeout, for each key whose
// timeout is before the batch's processing time (or the watermark) and that
// had no rows, with no rows and has_timed_out set. After each call the
// state f returned is kept (rt::GroupStateTable), or forgotten when removed.
#include <fmt/format.h>

#include "codegen/program_emitter.hpp"

namespace streamc::codegen {

using sema::Node;
using sema::TypeRef;
using Timeout = Node::GroupState::Timeout;

// The key of a row as f gets it: the one key, or a tuple of the keys.
std::string ProgramEmitter::group_state_key(int node, const Value& row) {
  const Node& n = prog_.nodes[node];
  std::vector<std::string> parts;
  for (size_t k = 0; k < n.exprs.size(); ++k) {
    const ast::Expr& e = *n.exprs[k];
    const ast::Expr& value = e.kind == ast::ExprKind::Alias ? *e.children[0] : e;
    Value v = expr_.row_value(value, row, "arena");
    const TypeRef& want = n.exprs.size() == 1 ? n.group_state.key : n.group_state.key->elements[k];
    parts.push_back(expr_.convert(expr_.materialize(v), v.type, want));
  }
  if (parts.size() == 1) return parts[0];
  std::string key = types_.of(n.group_state.key) + "{";
  for (size_t k = 0; k < parts.size(); ++k) key += (k ? ", " : "") + parts[k];
  return key + "}";
}

// The table of keys' states (plan::StateObject GroupState), created once.
void ProgramEmitter::emit_group_state_table(const plan::StateObject& st) {
  const auto& gs = prog_.nodes[st.node].group_state;
  includes_.use(Includes::GroupState);
  out_ += fmt::format("    auto {} = std::make_shared<rt::GroupStateTable<{}, {}>>();\n", state_var(st), types_.of(gs.key),
                      types_.of(gs.state));
}

void ProgramEmitter::emit_group_state(const plan::Stage& stage) {
  const int node = stage.target;
  const Node& n = prog_.nodes[node];
  const auto& gs = n.group_state;
  const std::string key_t = types_.of(gs.key), rows_t = fmt::format("std::vector<{}>", types_.of(gs.row));
  const bool has_wm = !n.watermarks.empty();
  const std::string state = node_var(node, "state"), groups = node_var(node, "groups"), wm_now = node_var(node, "wm_now");
  out_ += "      {\n";
  out_ += fmt::format("        const std::optional<rt::Timestamp> gs_watermark = {};\n",
                      has_wm ? fmt::format("{0} == std::numeric_limits<int64_t>::min() ? std::nullopt "
                                           ": std::optional<rt::Timestamp>(rt::Timestamp{{{0}}})",
                                           wm_now)
                             : "std::nullopt");
  // One call of f: its output as `result` (in the generated code's form),
  // and the state it leaves put back into the table.
  out_ += fmt::format("        auto call = [&](const {} & key, const {} & rows, bool timed_out) {{\n", key_t, rows_t);
  out_ += fmt::format("          const auto* slot = {}->find(key);\n", state);
  if (gs.cpp)
    emit_group_state_cpp_call(node);
  else
    emit_group_state_lambda_call(node);
  if (gs.flat)
    out_ += fmt::format("          for (auto& out : result) {}.push_back(std::move(out));\n", node_var(node));
  else
    out_ += fmt::format("          {}.push_back(std::move(result));\n", node_var(node));
  out_ += "        };\n";
  out_ += fmt::format("        for (const auto& e : {}.entries()) call(std::get<0>(e), std::get<1>(e), false);\n", groups);
  if (gs.timeout != Timeout::None) {
    // Timed-out keys are copied into the batch arena: the table may compact
    // its keys away while the rows made from them wait for the sinks.
    std::string threshold = gs.timeout == Timeout::ProcessingTime ? "batch.time().micros" : wm_now;
    out_ += fmt::format("        static const {} no_rows;\n", rows_t);
    out_ += fmt::format("        for (const auto& key : {0}->timed_out({1}, [&](const {2} & k) {{ return {3}.find(k) != nullptr; }}))\n",
                        state, threshold, key_t, groups);
    out_ += "          call(rt::own_key(key, arena), no_rows, true);\n";
  }
  out_ += fmt::format("        {}->end_batch();\n      }}\n", state);
}

// The lambda form: Spark's GroupState as f sees it is the handle record; the
// timeout lasts one call, so it starts unset and f sets it again to keep one.
void ProgramEmitter::emit_group_state_lambda_call(int node) {
  const Node& n = prog_.nodes[node];
  const auto& gs = n.group_state;
  out_ += fmt::format("          {} st{{}};\n", types_.of(gs.handle));
  out_ += fmt::format("          st.{} = slot != nullptr;\n", member("exists"));
  out_ += fmt::format("          if (slot) st.{} = slot->value;\n", member("value"));
  out_ += fmt::format("          st.{} = timed_out;\n", member("has_timed_out"));
  out_ += fmt::format("          st.{} = batch.time();\n", member("processing_time"));
  out_ += fmt::format("          st.{} = gs_watermark;\n", member("watermark"));
  std::vector<Value> args = {Value::concrete(gs.key, "key"), Value::concrete(sema::types::list(gs.row), "rows"),
                             Value::concrete(gs.handle, "st")};
  out_ += fmt::format("          auto both = {};\n", expr_.apply_code(*n.fn, args, "arena", gs.result));
  out_ += "          const auto& next = std::get<1>(both);\n";
  out_ += fmt::format("          {}->put(key, next.{} ? next.{} : std::nullopt, next.{});\n", node_var(node, "state"), member("exists"),
                      member("value"), member("timeout"));
  out_ += "          auto& result = std::get<0>(both);\n";
}

// The C++ form: the imported function gets a streamc::GroupState<S> of its
// own struct S (streamc/udf.hpp), converted from and back to the state's
// record as any struct argument is (streamc/udf_glue.hpp).
void ProgramEmitter::emit_group_state_cpp_call(int node) {
  const Node& n = prog_.nodes[node];
  const auto& gs = n.group_state;
  const sema::Function& f = *gs.cpp;
  includes_.use(Includes::UdfGlue);
  includes_.use_function(f);
  const std::string prefix = "streamc::GroupState<";
  const std::string& gs_cpp = f.param_cpp[2];  // streamc::GroupState<S>&
  const std::string s_cpp = gs_cpp.substr(prefix.size(), gs_cpp.size() - prefix.size() - 2);
  const char* kind = gs.timeout == Timeout::ProcessingTime ? "ProcessingTime"
                     : gs.timeout == Timeout::EventTime    ? "EventTime"
                                                           : "None";
  out_ += fmt::format("          streamc::GroupState<{0}> gs(slot && slot->value ? std::optional<{0}>(streamc::udf::convert<{0}>(*slot->value)) "
                      ": std::nullopt, timed_out, batch.time(), gs_watermark, streamc::GroupState<{0}>::Timeout::{1});\n",
                      s_cpp, kind);
  out_ += fmt::format("          auto result = streamc::udf::to_sdl(arena, {}(streamc::udf::pass<{}>(key), streamc::udf::pass<{}>(rows), gs));\n",
                      f.cpp, f.param_cpp[0], f.param_cpp[1]);
  out_ += fmt::format("          {}->put(key, gs.exists() ? std::optional<{}>(streamc::udf::to_sdl(arena, gs.get())) : std::nullopt, gs.timeout());\n",
                      node_var(node, "state"), types_.of(gs.state));
}

}  // namespace streamc::codegen
