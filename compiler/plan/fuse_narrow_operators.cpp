#include <algorithm>

#include "plan/plan.hpp"

namespace streamc::plan {

using sema::Node;

namespace {
bool is_narrow(Node::Op op) {
  return op == Node::Op::Map || op == Node::Op::FlatMap || op == Node::Op::Filter || op == Node::Op::Select ||
         op == Node::Op::Explode || op == Node::Op::Decode || op == Node::Op::DropDuplicates || op == Node::Op::Watermark ||
         op == Node::Op::Join;
}
}  // namespace

Plan fuse_narrow_operators(const sema::CheckedProgram& program) {
  const auto& nodes = program.nodes;
  const size_t n = nodes.size();
  Plan plan;
  plan.program = &program;
  plan.live.assign(n, false);
  plan.materialized.assign(n, false);
  plan.consumers.assign(n, 0);

  std::vector<bool> sunk(n, false);
  for (const auto& s : program.sinks) {
    plan.live[s.node] = true;
    sunk[s.node] = true;
  }
  // Nodes only point at earlier nodes, so one backward sweep finds every node
  // a sink depends on.
  for (size_t i = n; i-- > 0;) {
    if (!plan.live[i]) continue;
    for (int in : nodes[i].inputs) plan.live[in] = true;
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
  return plan;
}

std::string dump(const Plan& plan) {
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
  return out;
}

}  // namespace streamc::plan
