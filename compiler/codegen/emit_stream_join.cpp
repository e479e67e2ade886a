// A join of two streams (Spark's symmetric hash join). Each side's stage
// collects the side's new rows of the batch; then, with the watermark W the
// batch uses (the minimum of both sides'):
//
//   1. each new left row at or below W is late: dropped and counted; the
//      others match the right rows buffered from earlier batches, then are
//      buffered themselves;
//   2. each new right row (late ones dropped) matches the left rows buffered
//      so far, this batch's included, then is buffered;
//   3. rows of either side whose event time is at or below W - within can
//      match no future row (future rows are later than W): they are evicted,
//      and a left join emits each evicted left row that never matched, with
//      nulls on the right.
//
// So every matching pair is emitted exactly once, in the batch where its
// later row arrives. Rows match when the keys are equal and the event times
// differ by at most `within`.
#include <fmt/format.h>

#include "codegen/program_emitter.hpp"

namespace streamc::codegen {

using sema::Node;
using sema::TypeRef;
using K = sema::Type::Kind;

std::string ProgramEmitter::stage_target_type(const plan::Stage& stage) {
  const Node& t = prog_.nodes[stage.target];
  if (t.op == Node::Op::StreamJoin) return fmt::format("std::vector<{}>", types_.of(prog_.nodes[t.inputs[stage.input]].type));
  return target_type(stage.target);
}

std::string ProgramEmitter::stage_target_var(const plan::Stage& stage) const {
  if (prog_.nodes[stage.target].op == Node::Op::StreamJoin)
    return node_var(stage.target, stage.input == 0 ? "new_left" : "new_right");
  return target_var(stage.target);
}

namespace {
TypeRef field_type(const TypeRef& rec, const std::string& f) {
  for (size_t i = 0; i < rec->fields.size(); ++i)
    if (rec->fields[i] == f) return rec->elements[i];
  return nullptr;
}
}  // namespace

// One side's buffer (plan::StateObject JoinLeft or JoinRight), created once.
void ProgramEmitter::emit_stream_join_state(const plan::StateObject& st) {
  const Node& n = prog_.nodes[st.node];
  const int side = st.kind == plan::StateObject::Kind::JoinLeft ? 0 : 1;
  const TypeRef& row = prog_.nodes[n.inputs[side]].type;
  const TypeRef key = field_type(row, side == 0 ? n.stream_key : n.table_key);
  includes_.use(Includes::JoinBuffer);
  out_ += fmt::format("    auto {} = std::make_shared<rt::JoinBuffer<{}, {}>>();\n", state_var(st), types_.of(key), types_.of(row));
}

void ProgramEmitter::emit_stream_join(const plan::Stage& stage) {
  if (stage.input != 1) return;  // the first side's rows are in; the second's are not yet
  const int node = stage.target;
  const Node& n = prog_.nodes[node];
  const TypeRef& lt = prog_.nodes[n.inputs[0]].type;
  const TypeRef& rt = prog_.nodes[n.inputs[1]].type;
  std::string out_type = types_.of(n.type);
  // The output row from a left row `l` and a pointer `r` to a right row
  // (null: the left join's row without a match).
  std::string row = out_type + "{";
  bool first = true;
  for (const auto& f : lt->fields) {
    row += (first ? "l." : ", l.") + member(f);
    first = false;
  }
  for (size_t i = 0; i < rt->fields.size(); ++i) {
    const std::string& f = rt->fields[i];
    if (f == n.table_key && n.table_key == n.stream_key) continue;
    if (!n.left_join) {
      row += ", r->" + member(f);
      continue;
    }
    std::string opt = types_.of(rt->elements[i]->is(K::Optional) ? rt->elements[i] : sema::types::optional(rt->elements[i]));
    row += fmt::format(", r ? {0}(r->{1}) : {0}()", opt, member(f));
  }
  row += "}";
  std::string wm = node_var(node, "wm_now");
  const std::string left = node_var(node, "left"), right = node_var(node, "right");
  const std::string new_left = node_var(node, "new_left"), new_right = node_var(node, "new_right");
  includes_.use(Includes::JoinBuffer);  // rt::own_in_place
  includes_.use(Includes::EventTime);   // rt::kNoWatermark
  int64_t within = n.within_us;
  auto l_time = fmt::format("l.{}.micros", member(n.left_time));
  auto r_time = fmt::format("r->{}.micros", member(n.right_time));
  out_ += fmt::format("      // join of two streams #{}: within {}us\n      {{\n", node, within);
  // Output rows are copied into the batch arena: buffered rows' strings may
  // move when the buffers compact after eviction, before the sinks write.
  out_ += fmt::format("        auto emit = [&](const auto& l, const auto* r) {{\n");
  out_ += fmt::format("          auto out = {};\n", row);
  out_ += "          rt::own_in_place(out, arena);\n";
  out_ += fmt::format("          {}.push_back(std::move(out));\n        }};\n", node_var(node));
  out_ += fmt::format("        auto near = [](int64_t a, int64_t b) {{ return (a > b ? a - b : b - a) <= int64_t{{{}}}; }};\n",
                      within);
  // 1. New left rows against the buffered right rows.
  out_ += fmt::format("        for (const auto& l : {}) {{\n", new_left);
  out_ += fmt::format("          const int64_t lt = {};\n", l_time);
  out_ += fmt::format("          if ({0} != rt::kNoWatermark && lt <= {0}) {{ ++late_rows; continue; }}\n", wm);
  out_ += "          bool matched = false;\n";
  out_ += fmt::format("          {0}->for_each_match(l.{1}, [&](uint32_t i, const auto& rrow, int64_t rt_) {{\n", right,
                      member(n.stream_key));
  out_ += "            if (!near(lt, rt_)) return;\n";
  out_ += fmt::format("            matched = true;\n            {}->mark_matched(i);\n", right);
  out_ += "            emit(l, &rrow);\n          });\n";
  out_ += fmt::format("          {}->add(l.{}, l, lt, matched);\n        }}\n", left, member(n.stream_key));
  // 2. New right rows against every buffered left row.
  out_ += fmt::format("        for (const auto& rrow : {}) {{\n", new_right);
  out_ += "          const auto* r = &rrow;\n";
  out_ += fmt::format("          const int64_t rt_ = {};\n", r_time);
  out_ += fmt::format("          if ({0} != rt::kNoWatermark && rt_ <= {0}) {{ ++late_rows; continue; }}\n", wm);
  out_ += "          bool matched = false;\n";
  out_ += fmt::format("          {0}->for_each_match(r->{1}, [&](uint32_t i, const auto& l, int64_t lt) {{\n", left,
                      member(n.table_key));
  out_ += "            if (!near(lt, rt_)) return;\n";
  out_ += fmt::format("            matched = true;\n            {}->mark_matched(i);\n", left);
  out_ += "            emit(l, r);\n          });\n";
  out_ += fmt::format("          {}->add(r->{}, rrow, rt_, matched);\n        }}\n", right, member(n.table_key));
  // 3. Eviction by the watermark; a left join's unmatched left rows.
  out_ += fmt::format("        if ({} != rt::kNoWatermark) {{\n", wm);
  out_ += fmt::format("          const int64_t limit = {} - int64_t{{{}}};\n", wm, within);
  if (n.left_join) {
    out_ += fmt::format("          {}->evict(limit, [&](const auto& l, bool matched) {{\n", left);
    out_ += fmt::format("            if (!matched) emit(l, static_cast<const {}*>(nullptr));\n          }});\n", types_.of(rt));
  } else {
    out_ += fmt::format("          {}->evict(limit, [](const auto&, bool) {{}});\n", left);
  }
  out_ += fmt::format("          {}->evict(limit, [](const auto&, bool) {{}});\n", right);
  out_ += "        }\n      }\n";
}

}  // namespace streamc::codegen
