#include <algorithm>

#include "plan/plan.hpp"

namespace streamc::plan {

using sema::Node;

namespace {
bool is_narrow(Node::Op op) { return sema::node_kind(op).narrow; }
// The first input of each node, down to a source; -1 past a source.
template <class F>
void walk_first_inputs(const std::vector<Node>& nodes, int node, F&& visit) {
  for (int cur = node; cur >= 0; cur = nodes[cur].inputs.empty() ? -1 : nodes[cur].inputs[0])
    if (!visit(cur)) return;
}

// A node whose only consumer is one files sink, outside any DStream window,
// needs no vector of its rows: its stages write each row to the sink.
int find_direct_sink(const Plan& plan, int node) {
  const sema::CheckedProgram& program = *plan.program;
  const Node& n = program.nodes[node];
  if (!plan.live[node] || !plan.materialized[node] || plan.consumers[node] != 1) return -1;
  if (!sema::node_kind(n.op).holds_rows) return -1;
  for (const auto& stage : plan.stages)
    if (stage.start == node) return -1;
  bool windowed = false;
  walk_first_inputs(program.nodes, node, [&](int cur) {
    windowed |= program.nodes[cur].op == Node::Op::BatchWindow;
    return !windowed;
  });
  if (windowed) return -1;
  for (size_t i = 0; i < program.sinks.size(); ++i)
    if (program.sinks[i].node == node) return program.sinks[i].connector == sema::Connector::Files ? static_cast<int>(i) : -1;
  return -1;
}

// A files source is read in pieces when one stage reads it and what that
// stage makes outlives no piece: it feeds an aggregation (whose state
// copies the keys and values it keeps) or writes each row to a files sink
// as it goes. A stage feeding anything else (a union's vector, a join's
// buffer, a DStream operator) keeps views of records until the batch ends.
std::vector<bool> find_pieces(const Plan& plan) {
  const sema::CheckedProgram& program = *plan.program;
  std::vector<int> readers(program.sources.size(), 0);
  std::vector<bool> pieces(program.sources.size(), false);
  for (size_t i = 0; i < program.nodes.size(); ++i)
    if (plan.live[i] && program.nodes[i].op == Node::Op::Source) readers[program.nodes[i].source] += plan.consumers[i];
  for (const Stage& st : plan.stages) {
    const Node& start = program.nodes[st.start];
    if (start.op != Node::Op::Source) continue;
    const sema::SourceInfo& src = program.sources[start.source];
    pieces[start.source] = src.connector == sema::Connector::Files && !src.is_table && readers[start.source] == 1 &&
                           (program.nodes[st.target].op == Node::Op::Aggregate || plan.direct_sink[st.target] >= 0);
  }
  return pieces;
}

}  // namespace

Plan fuse_narrow_operators(const sema::CheckedProgram& program) {
  const auto& nodes = program.nodes;
  const size_t n = nodes.size();
  Plan plan;
  plan.program = &program;
  for (size_t i = 0; i < program.sources.size(); ++i)
    if (program.sources[i].kafka_group) plan.task_source = static_cast<int>(i);
  plan.live.assign(n, false);
  plan.materialized.assign(n, false);
  plan.consumers.assign(n, 0);

  std::vector<bool> sunk(n, false);
  for (const auto& s : program.sinks) {
    plan.live[s.node] = true;
    sunk[s.node] = true;
  }
  // Every node a sink depends on (the split of a repartitioning program
  // feeds an operator from nodes added after it: ids are not in order).
  std::vector<int> stack;
  for (const auto& s : program.sinks) stack.push_back(s.node);
  while (!stack.empty()) {
    const int cur = stack.back();
    stack.pop_back();
    for (int in : nodes[cur].inputs)
      if (!plan.live[in]) {
        plan.live[in] = true;
        stack.push_back(in);
      }
  }
  for (size_t i = 0; i < n; ++i) {
    if (!plan.live[i]) continue;
    for (int in : nodes[i].inputs) ++plan.consumers[in];
  }
  for (const auto& s : program.sinks) ++plan.consumers[s.node];

  for (size_t i = 0; i < n; ++i) {
    if (!plan.live[i]) continue;
    plan.materialized[i] = !is_narrow(nodes[i].op) || sunk[i] || plan.consumers[i] > 1;
  }

  for (size_t i = 0; i < n; ++i) {
    if (!plan.live[i] || !plan.materialized[i] || nodes[i].op == Node::Op::Source) continue;
    // A narrow node that is materialized runs its own operator in the loop;
    // a wide one is the loop's terminal action. Union feeds one loop per input.
    std::vector<int> heads = is_narrow(nodes[i].op) ? std::vector<int>{static_cast<int>(i)} : nodes[i].inputs;
    for (size_t h = 0; h < heads.size(); ++h) {
      int head = heads[h];
      Stage stage;
      stage.target = static_cast<int>(i);
      stage.input = static_cast<int>(h);
      int cur = head;
      std::vector<int> chain;
      if (cur == static_cast<int>(i)) {
        chain.push_back(cur);
        cur = nodes[cur].inputs[0];
      }
      while (!plan.materialized[cur]) {
        chain.push_back(cur);
        cur = nodes[cur].inputs[0];
      }
      std::reverse(chain.begin(), chain.end());
      stage.start = cur;
      stage.chain = std::move(chain);
      plan.stages.push_back(std::move(stage));
    }
  }

  plan.root_source.assign(n, -1);
  plan.direct_sink.assign(n, -1);
  plan.output_mode.assign(n, sema::OutputMode::Update);
  std::vector<bool> moded(n, false);
  for (const auto& s : program.sinks)  // the first sink downstream decides, as the checker made them agree
    walk_first_inputs(nodes, s.node, [&](int cur) {
      if (!moded[cur]) plan.output_mode[cur] = s.mode;
      moded[cur] = true;
      return true;
    });
  for (size_t i = 0; i < n; ++i) {
    walk_first_inputs(nodes, static_cast<int>(i), [&](int cur) {
      if (nodes[cur].op == Node::Op::Source) plan.root_source[i] = nodes[cur].source;
      return nodes[cur].op != Node::Op::Source;
    });
    plan.direct_sink[i] = find_direct_sink(plan, static_cast<int>(i));
  }
  plan.drops_late.assign(n, false);
  plan.evicts_windows.assign(n, false);
  for (size_t i = 0; i < n; ++i) {
    if (nodes[i].op != Node::Op::Aggregate) continue;
    plan.drops_late[i] = !nodes[i].watermarks.empty() && plan.output_mode[i] != sema::OutputMode::Complete;
    plan.evicts_windows[i] = plan.drops_late[i] && nodes[i].window_key >= 0 && !nodes[i].session_window;
  }
  plan.in_pieces = find_pieces(plan);
  return plan;
}

namespace {
std::string micros(int64_t us) {
  for (auto [unit, size] : {std::pair{"h", 3600000000LL}, {"m", 60000000LL}, {"s", 1000000LL}, {"ms", 1000LL}})
    if (us != 0 && us % size == 0) return std::to_string(us / size) + unit;
  return std::to_string(us) + "us";
}
}  // namespace

namespace {
std::string group_name(const sema::SourceInfo& src) {
  const ast::Expr& g = *src.kafka_group;
  return g.kind == ast::ExprKind::StringLit ? g.text : "<" + g.text + ">";
}

std::string dump_one(const Plan& plan) {
  const auto& nodes = plan.program->nodes;
  auto label = [&](int id) {
    std::string s = "#" + std::to_string(id) + " " + sema::op_name(nodes[id].op);
    if (!nodes[id].stream_name.empty()) s += " (" + nodes[id].stream_name + ")";
    return s + " : " + sema::to_string(nodes[id].type);
  };
  std::string out;
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    const Stage& st = plan.stages[i];
    out += "stage " + std::to_string(i) + ": for each of " + label(st.start) + "\n";
    for (int c : st.chain) out += "  " + label(c) + "\n";
    out += "  -> " + label(st.target) + "\n";
  }
  for (const auto& s : plan.program->sinks)
    out += "sink " + s.stream + " <- " + label(s.node) + "\n";
  for (size_t i = 0; i < plan.in_pieces.size(); ++i)
    if (plan.in_pieces[i]) out += "source " + plan.program->sources[i].name + ": read a piece of the batch at a time\n";
  // What code generation reads per node, beyond the stages.
  static const char* modes[] = {"append", "update", "complete"};
  const auto& sources = plan.program->sources;
  out += "nodes:\n";
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!plan.live[i]) continue;
    out += "  #" + std::to_string(i) + " " + sema::op_name(nodes[i].op) + ":";
    if (plan.root_source[i] >= 0) out += " from " + sources[plan.root_source[i]].name;
    out += plan.materialized[i] ? ", materialized" : ", fused";
    out += ", " + std::to_string(plan.consumers[i]) + (plan.consumers[i] == 1 ? " consumer" : " consumers");
    if (plan.direct_sink[i] >= 0) out += ", rows straight to sink " + plan.program->sinks[plan.direct_sink[i]].stream;
    out += std::string(", mode ") + modes[static_cast<int>(plan.output_mode[i])];
    const Node& node = nodes[i];
    if (node.op == Node::Op::Aggregate && node.partial) out += ", partial: the groups of one batch";
    if (node.op == Node::Op::Aggregate && node.aggs.size() && node.aggs[0].merges) out += ", merges partial rows";
    if (node.op == Node::Op::Aggregate && node.window_key >= 0)
      out += node.session_window ? ", session window gap " + micros(node.window_size_us)
                                 : ", window " + micros(node.window_size_us) + " every " + micros(node.window_slide_us);
    if (!node.watermarks.empty()) {
      out += ", watermark of";
      for (int w : node.watermarks) out += " #" + std::to_string(w);
    }
    if (plan.drops_late[i]) out += ", drops late rows";
    if (plan.evicts_windows[i]) out += ", forgets passed windows";
    out += "\n";
  }
  if (!plan.state.empty()) out += "state, checkpointed by name:\n";
  for (const auto& st : plan.state) {
    out += "  " + st.name + " of #" + std::to_string(st.node) + ": " + st.signature;
    if (st.kind == StateObject::Kind::Window) out += "<the window's length in batches of --batch>";
    out += "\n";
  }
  return out;
}

}  // namespace

std::string dump(const Plan& plan) {
  if (plan.task_source < 0) return dump_one(plan);
  const auto& src = plan.program->sources[plan.task_source];
  const std::string group = group_name(src);
  std::string out = "tasks: one per partition, in consumer group '" + group +
                    "'; state and checkpoint per task, in topic '" + group + "-changelog'; ";
  if (plan.sub_topologies.empty()) return out + "one sub-topology, over source " + src.name + "\n" + dump_one(plan);
  out += std::to_string(plan.sub_topologies.size()) + " sub-topologies\n";
  const sema::CheckedProgram& first = *plan.sub_topologies[0].program;
  for (size_t k = 0; k < plan.sub_topologies.size(); ++k) {
    const Plan& sub = plan.sub_topologies[k];
    const auto& s = sub.program->sources[sub.task_source];
    out += "sub-topology " + std::to_string(k + 1) + ": tasks over the partitions of " +
           (s.repartition_suffix.empty() ? "source " + s.name : "topic '" + group + s.repartition_suffix + "'") + "\n";
    std::string body = dump_one(sub);
    for (size_t at = 0; at < body.size();) {
      size_t nl = body.find('\n', at);
      if (nl == std::string::npos) nl = body.size();
      out += "  " + body.substr(at, nl - at) + "\n";
      at = nl + 1;
    }
  }
  for (const auto& sink : first.sinks) {
    if (sink.repartition_suffix.empty()) continue;
    std::string keys;
    for (const ast::Expr* k : sink.repartition_keys)
      keys += (keys.empty() ? "" : ", ") + (k->text.empty() ? std::string("an expression") : k->text);
    const bool partial = first.nodes[sink.node].op == Node::Op::Aggregate && first.nodes[sink.node].partial;
    out += "repartition topic '" + group + sink.repartition_suffix + "': rows of #" + std::to_string(sink.node) +
           (partial ? " (a row per group and batch)" : "") + " keyed by (" + keys +
           "), murmur2; made with as many partitions as the topic of source " + src.name + "\n";
  }
  return out;
}

}  // namespace streamc::plan
