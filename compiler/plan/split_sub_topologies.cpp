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
// (count, sum, avg, min, max, first, last; no event-time window) is split as
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
#include <optional>

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
        a.function != "first" && a.function != "last" && a.function != "avg")
      return false;
  return true;
}

// The partial side of a split aggregation: the aggregates it computes per
// batch and the columns of its rows, as names (owned by both halves'
// programs). Keys and aggregates keep the operator's column names; avg is
// sent as the sum of its values (a float) and, in a column of its own, how
// many there were.
struct Partial {
  std::vector<Node::Aggregate> aggs;
  sema::TypeRef type;
  std::vector<std::shared_ptr<const ast::Expr>> cols;  // one per field of `type`
  std::vector<int> col_of;     // per aggregate of the operator: its (sum) column
  std::vector<int> count_col;  // per aggregate of the operator: avg's count column, or -1
};

Partial partial_of(const Node& x) {
  Partial p;
  const size_t keys = x.exprs.size();
  std::vector<std::string> fields(x.type->fields.begin(), x.type->fields.begin() + static_cast<long>(keys));
  std::vector<sema::TypeRef> types(x.type->elements.begin(), x.type->elements.begin() + static_cast<long>(keys));
  auto taken = [&](const std::string& f) {
    return std::find(fields.begin(), fields.end(), f) != fields.end() ||
           std::find(x.type->fields.begin(), x.type->fields.end(), f) != x.type->fields.end();
  };
  for (size_t a = 0; a < x.aggs.size(); ++a) {
    const Node::Aggregate& agg = x.aggs[a];
    p.col_of.push_back(static_cast<int>(fields.size()));
    fields.push_back(x.type->fields[keys + a]);
    if (agg.function != "avg") {
      p.aggs.push_back(agg);
      types.push_back(x.type->elements[keys + a]);
      p.count_col.push_back(-1);
      continue;
    }
    const bool nullable = agg.arg_type->is(sema::Type::Kind::Optional);
    const sema::TypeRef sum = nullable ? sema::types::optional(sema::types::floating()) : sema::types::floating();
    p.aggs.push_back({"sum", agg.arg, sum});
    types.push_back(sum);
    std::string count = fields.back() + "__count";
    while (taken(count)) count += "_";
    p.count_col.push_back(static_cast<int>(fields.size()));
    fields.push_back(count);
    p.aggs.push_back({"count", agg.arg, agg.arg_type});
    types.push_back(sema::types::integer());
  }
  p.type = sema::types::record(fields, types);
  for (const std::string& f : fields) {
    auto e = std::make_shared<ast::Expr>();
    e->kind = ast::ExprKind::Name;
    e->text = f;
    e->range = x.range;
    p.cols.push_back(std::move(e));
  }
  return p;
}

void own_columns(sema::CheckedProgram& prog, const Partial& p) {
  for (size_t i = 0; i < p.cols.size(); ++i) {
    prog.planned_exprs.push_back(p.cols[i]);
    prog.expr_types[p.cols[i].get()] = p.type->elements[i];
    prog.field_names[p.cols[i].get()] = true;
  }
}

std::shared_ptr<sema::CheckedProgram> first_sub_topology(const sema::CheckedProgram& program, int group,
                                                         const std::string& suffix, const Partial* partial) {
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
  if (partial) {
    // The partial aggregate: the operator's keys and aggregates, over one batch.
    own_columns(*p, *partial);
    Node n = op;
    n.partial = true;
    n.stream_name.clear();
    n.aggs = partial->aggs;
    n.type = partial->type;
    p->nodes.push_back(std::move(n));
    rs.node = static_cast<int>(p->nodes.size()) - 1;
    rs.repartition_keys.clear();
    for (size_t k = 0; k < op.exprs.size(); ++k) rs.repartition_keys.push_back(partial->cols[k].get());
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
  // A partial aggregate's rows: every group of the batch (they live for it only).
  rs.mode = partial ? sema::OutputMode::Complete : sema::OutputMode::Append;
  rs.range = op.range;
  sinks.push_back(std::move(rs));
  p->sinks = std::move(sinks);
  p->sources[group].internal_topic_suffixes.push_back(suffix);
  return p;
}

std::shared_ptr<sema::CheckedProgram> second_sub_topology(const sema::CheckedProgram& program, int group,
                                                          const std::string& suffix, const Partial* partial) {
  auto p = std::make_shared<sema::CheckedProgram>(program);
  const int x = program.repartition_node;
  const sema::TypeRef row = partial ? partial->type : program.nodes[program.nodes[x].inputs[0]].type;
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
  if (partial) {
    // The merge: the same keys and aggregates, over the partial rows' columns.
    own_columns(*p, *partial);
    Node& merge = p->nodes[x];
    for (size_t k = 0; k < merge.exprs.size(); ++k) merge.exprs[k] = partial->cols[k].get();
    for (size_t a = 0; a < merge.aggs.size(); ++a) {
      merge.aggs[a].arg = partial->cols[static_cast<size_t>(partial->col_of[a])].get();
      if (partial->count_col[a] >= 0) merge.aggs[a].count = partial->cols[static_cast<size_t>(partial->count_col[a])].get();
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
  const std::optional<Partial> partial = combinable(x) ? std::optional<Partial>(partial_of(x)) : std::nullopt;
  const Partial* folds = partial ? &*partial : nullptr;
  plan.split_programs.push_back(first_sub_topology(program, plan.task_source, suffix, folds));
  plan.split_programs.push_back(second_sub_topology(program, plan.task_source, suffix, folds));
  for (const auto& p : plan.split_programs) plan.sub_topologies.push_back(name_state_objects(fuse_narrow_operators(*p)));
  return plan;
}

}  // namespace streamc::plan
