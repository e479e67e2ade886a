// A consumer-group program whose stateful operator is keyed otherwise than
// the topic's partitions (the checker marks it: CheckedProgram::
// repartition_node) runs as two sub-topologies (DESIGN.md, "Scale-out";
// Kafka Streams' sub-topologies):
//
//   1. tasks over the partitions of the group's topic run everything before
//      the operator and write its input rows to the repartition topic
//      <group>-<name>-repartition, keyed by the operator's keys (a sink the
//      split adds), and any sink that does not depend on the operator;
//   2. tasks over the partitions of the repartition topic read those rows
//      back (a JSON Kafka source in place of the group's), take the
//      watermark again from the same event-time column, and run the
//      operator and everything after it.
//
// An aggregation whose aggregates can be folded from per-batch results
// (count, sum, min, max, first, last; no event-time window) is split as
// Spark splits it around an exchange: the first sub-topology aggregates each
// batch's rows by the keys (a partial aggregate, its groups kept for that
// batch only) and writes one row per group, the keys and each aggregate's
// result over the batch; the second folds those rows into its running state
// (Node::Aggregate::merges). A producer batch of 10,000 orders of 40
// countries becomes 40 rows, and a country's rows no longer load one task.
// Folding a producer's batch at once is what applying its rows in order
// gives: the second side applies a producer's batch whole, in offset order.
//
// Each is a program of its own, planned as any other: the split is the only
// place that knows the boundary.
#include <algorithm>
#include <memory>

#include "plan/plan.hpp"

namespace streamc::plan {

using sema::Node;

namespace {

// Whether `node` depends on `target` (through any input).
bool depends_on(const std::vector<Node>& nodes, int node, int target) {
  std::vector<int> stack{node};
  std::vector<bool> seen(nodes.size(), false);
  while (!stack.empty()) {
    const int cur = stack.back();
    stack.pop_back();
    if (cur == target) return true;
    if (seen[cur]) continue;
    seen[cur] = true;
    for (int in : nodes[cur].inputs) stack.push_back(in);
  }
  return false;
}

// Whether the repartitioned operator is an aggregation whose per-batch
// results fold into the same state its rows would have made.
bool combinable(const Node& n) {
  if (n.op != Node::Op::Aggregate || n.window_key >= 0 || n.session_window || !n.watermarks.empty()) return false;
  for (const auto& a : n.aggs)
    if (a.function != "count" && a.function != "sum" && a.function != "min" && a.function != "max" &&
        a.function != "first" && a.function != "last")
      return false;
  return true;
}

// The columns of the partial rows (the aggregation's own output columns,
// keys then aggregates) as names, owned by both halves' programs.
std::vector<std::shared_ptr<const ast::Expr>> partial_columns(const Node& x) {
  std::vector<std::shared_ptr<const ast::Expr>> cols;
  for (const std::string& f : x.type->fields) {
    auto e = std::make_shared<ast::Expr>();
    e->kind = ast::ExprKind::Name;
    e->text = f;
    e->range = x.range;
    cols.push_back(std::move(e));
  }
  return cols;
}

void own_columns(sema::CheckedProgram& p, const Node& x, const std::vector<std::shared_ptr<const ast::Expr>>& cols) {
  for (size_t i = 0; i < cols.size(); ++i) {
    p.planned_exprs.push_back(cols[i]);
    p.expr_types[cols[i].get()] = x.type->elements[i];
    p.field_names[cols[i].get()] = true;
  }
}

std::shared_ptr<sema::CheckedProgram> first_sub_topology(const sema::CheckedProgram& program, int group,
                                                         const std::string& suffix,
                                                         const std::vector<std::shared_ptr<const ast::Expr>>& cols) {
  auto p = std::make_shared<sema::CheckedProgram>(program);
  const int x = program.repartition_node;
  const Node& op = program.nodes[x];
  std::vector<sema::SinkInfo> sinks;
  for (const auto& s : program.sinks)
    if (!depends_on(program.nodes, s.node, x)) sinks.push_back(s);
  sema::SinkInfo rs;
  rs.stream = program.repartition_name + "-repartition";
  rs.node = op.inputs[0];
  rs.repartition_keys = program.repartition_keys;
  if (!cols.empty()) {
    // The partial aggregate: the operator itself, over one batch.
    own_columns(*p, op, cols);
    Node partial = op;
    partial.partial = true;
    partial.stream_name.clear();
    p->nodes.push_back(std::move(partial));
    rs.node = static_cast<int>(p->nodes.size()) - 1;
    rs.repartition_keys.clear();
    for (size_t k = 0; k < op.exprs.size(); ++k) rs.repartition_keys.push_back(cols[k].get());
  }
  rs.connector = sema::Connector::Kafka;
  rs.format = sema::DataFormat::Json;
  // The group's brokers and client settings; its topic, what makes it a
  // repartition sink, is code generation's (emit_sinks).
  for (const auto& a : program.sources[group].runtime_args)
    if (a.name == "brokers" || a.name == "options") rs.runtime_args.push_back(a);
  rs.runtime_args.push_back({"format", sema::ArgKind::Word, nullptr, {"json"}});
  rs.repartition_suffix = suffix;
  rs.repartition_source = group;
  rs.mode = sema::OutputMode::Append;
  rs.range = op.range;
  sinks.push_back(std::move(rs));
  p->sinks = std::move(sinks);
  p->sources[group].internal_topic_suffixes.push_back(suffix);
  return p;
}

std::shared_ptr<sema::CheckedProgram> second_sub_topology(const sema::CheckedProgram& program, int group,
                                                          const std::string& suffix,
                                                          const std::vector<std::shared_ptr<const ast::Expr>>& cols) {
  auto p = std::make_shared<sema::CheckedProgram>(program);
  const int x = program.repartition_node;
  const sema::TypeRef row = cols.empty() ? program.nodes[program.nodes[x].inputs[0]].type : program.nodes[x].type;
  // The group's source becomes the reader of the repartition topic: our own
  // JSON rows, so a row that does not decode is a bug, not bad input.
  sema::SourceInfo& src = p->sources[group];
  src.format = sema::DataFormat::Json;
  src.multiline = 0;
  src.kafka_raw = false;
  src.on_error = sema::OnError::Fail;
  src.errors_path = nullptr;
  src.element = row;
  src.schema.clear();
  // The topic is the repartition topic alone; a new task reads every row
  // written for it, and a batch takes a producer's batch whole.
  src.drop_runtime_arg("topics");
  src.drop_runtime_arg("raw");
  src.set_runtime_arg({"starting", sema::ArgKind::Word, nullptr, {"earliest"}});
  src.drop_runtime_arg("max_offsets_per_batch");
  src.repartition_suffix = suffix;
  src.internal_topic_suffixes.clear();
  src.name = program.repartition_name + "-repartition";

  auto add = [&](Node n) {
    n.range = program.nodes[x].range;
    p->nodes.push_back(std::move(n));
    return static_cast<int>(p->nodes.size()) - 1;
  };
  Node source;
  source.op = Node::Op::Source;
  source.source = group;
  source.type = sema::types::string();
  int last = add(std::move(source));
  Node decode;
  decode.op = Node::Op::Decode;
  decode.inputs = {last};
  decode.source = group;
  decode.type = row;
  last = add(std::move(decode));
  // One watermark per task, from the same column of the rows read back
  // (the checker made sure they have it), with the largest delay of the
  // ones upstream: over one column, that is the minimum of their watermarks.
  const std::vector<int> old_watermarks = program.nodes[x].watermarks;
  int watermark = -1;
  for (int w : old_watermarks)
    if (watermark < 0 || program.nodes[w].delay_us > program.nodes[watermark].delay_us) watermark = w;
  std::vector<int> new_watermarks;
  if (watermark >= 0) {
    Node wm = program.nodes[watermark];
    wm.inputs = {last};
    wm.type = row;
    wm.stream_name.clear();
    const int id = static_cast<int>(p->nodes.size());
    wm.watermarks = {id};
    last = add(std::move(wm));
    new_watermarks = {last};
  }
  p->nodes[x].inputs[0] = last;
  if (!cols.empty()) {
    // The merge: the same keys and aggregates, over the partial rows' columns.
    own_columns(*p, program.nodes[x], cols);
    Node& merge = p->nodes[x];
    const size_t keys = merge.exprs.size();
    for (size_t k = 0; k < keys; ++k) merge.exprs[k] = cols[k].get();
    for (size_t a = 0; a < merge.aggs.size(); ++a) {
      merge.aggs[a].arg = cols[keys + a].get();
      merge.aggs[a].merges = true;
    }
  }
  // The watermarks downstream were the old ones (the split keeps node ids).
  for (size_t i = 0; i < program.nodes.size(); ++i) {
    if (!depends_on(program.nodes, static_cast<int>(i), x)) continue;
    auto& ws = p->nodes[i].watermarks;
    auto is_old = [&](int w) { return std::find(old_watermarks.begin(), old_watermarks.end(), w) != old_watermarks.end(); };
    const bool had = std::any_of(ws.begin(), ws.end(), is_old);
    ws.erase(std::remove_if(ws.begin(), ws.end(), is_old), ws.end());
    if (had) ws.insert(ws.end(), new_watermarks.begin(), new_watermarks.end());
  }
  std::vector<sema::SinkInfo> sinks;
  for (const auto& s : program.sinks)
    if (depends_on(program.nodes, s.node, x)) sinks.push_back(s);
  p->sinks = std::move(sinks);
  return p;
}

}  // namespace

Plan make_plan(const sema::CheckedProgram& program) {
  Plan plan = name_state_objects(fuse_narrow_operators(program));
  if (program.repartition_node < 0 || plan.task_source < 0) return plan;
  const std::string suffix = "-" + program.repartition_name + "-repartition";
  const Node& x = program.nodes[program.repartition_node];
  const auto cols = combinable(x) ? partial_columns(x) : std::vector<std::shared_ptr<const ast::Expr>>{};
  plan.split_programs.push_back(first_sub_topology(program, plan.task_source, suffix, cols));
  plan.split_programs.push_back(second_sub_topology(program, plan.task_source, suffix, cols));
  for (const auto& p : plan.split_programs) plan.sub_topologies.push_back(name_state_objects(fuse_narrow_operators(*p)));
  return plan;
}

}  // namespace streamc::plan
