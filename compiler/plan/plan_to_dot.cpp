#include "plan/plan_to_dot.hpp"

#include <set>

#include "sema/registry.hpp"
#include "sema/types.hpp"

namespace streamc::plan {
namespace {

using sema::Node;

// A DOT string literal's inside; "\l" ends a left-aligned line.
std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

// Record types can be long: edges show their first 60 characters.
std::string type_label(const sema::TypeRef& t) {
  std::string s = sema::to_string(t);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return escape(s);
}

const char* format_name(sema::DataFormat f) {
  switch (f) {
    case sema::DataFormat::Text: return "text";
    case sema::DataFormat::Json: return "json";
    case sema::DataFormat::Csv: return "csv";
  }
  return "?";
}

const char* mode_name(sema::OutputMode m) {
  switch (m) {
    case sema::OutputMode::Append: return "append";
    case sema::OutputMode::Update: return "update";
    case sema::OutputMode::Complete: return "complete";
  }
  return "?";
}

std::string op_label(const Node& n) {
  std::string s = sema::op_name(n.op);
  if (!n.stream_name.empty()) s += " (" + n.stream_name + ")";
  return escape(s);
}

}  // namespace

std::string plan_to_dot(const Plan& plan) {
  const sema::CheckedProgram& prog = *plan.program;
  const auto& nodes = prog.nodes;
  std::string out = "digraph \"" + escape(prog.name) + "\" {\n";
  out += "  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";
  out += "  label=\"" + escape(prog.name) + ".sdl\"; labelloc=t; fontname=\"Helvetica\";\n";

  // The sources and tables.
  for (size_t i = 0; i < prog.sources.size(); ++i) {
    const auto& s = prog.sources[i];
    std::string label = escape(std::string(s.is_table ? "table " : "source ") + s.name) + "\\n" +
                        std::string(sema::connector_name(s.connector)) + ", " + format_name(s.format);
    out += "  src" + std::to_string(i) + " [shape=cylinder, style=filled, fillcolor=\"#dbe9f6\", label=\"" + label +
           "\"];\n";
  }
  // The materialized nodes the stages read and fill (a source node is its source).
  std::set<int> drawn;
  auto node_id = [&](int id) {
    const Node& n = nodes[id];
    if (n.op == Node::Op::Source) return "src" + std::to_string(n.source);
    return "n" + std::to_string(id);
  };
  auto draw = [&](int id) {
    const Node& n = nodes[id];
    if (n.op == Node::Op::Source || !drawn.insert(id).second) return;
    if (sema::node_kind(n.op).stateful)
      out += "  " + node_id(id) + " [shape=box3d, style=filled, fillcolor=\"#fff3c4\", label=\"" + op_label(n) +
             "\\nstate\"];\n";
    else
      out += "  " + node_id(id) + " [shape=ellipse, label=\"" + op_label(n) + "\"];\n";
  };
  for (const Stage& st : plan.stages) {
    draw(st.start);
    draw(st.target);
  }
  for (const auto& sink : prog.sinks) draw(sink.node);

  // One box per fused loop, listing what it runs inline.
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    const Stage& st = plan.stages[i];
    const std::string id = "stage" + std::to_string(i);
    std::string label = "stage " + std::to_string(i) + "\\l";
    if (st.chain.empty()) label += "(no fused operator)\\l";
    for (int c : st.chain) label += "  " + op_label(nodes[c]) + "\\l";
    out += "  " + id + " [shape=box, style=\"rounded,filled\", fillcolor=\"#e8f5e9\", label=\"" + label + "\"];\n";
    out += "  " + node_id(st.start) + " -> " + id + " [label=\"" + type_label(nodes[st.start].type) + "\"];\n";
    const int last = st.chain.empty() ? st.start : st.chain.back();
    out += "  " + id + " -> " + node_id(st.target) + " [label=\"" + type_label(nodes[last].type) + "\"];\n";
    for (int c : st.chain)
      if (nodes[c].op == Node::Op::Join && nodes[c].table >= 0)
        out += "  src" + std::to_string(nodes[c].table) + " -> " + id + " [style=dashed, label=\"lookup\"];\n";
  }

  for (size_t i = 0; i < prog.sinks.size(); ++i) {
    const auto& s = prog.sinks[i];
    const std::string id = "sink" + std::to_string(i);
    std::string label = std::string("sink ") + std::string(sema::connector_name(s.connector)) + "\\n" + mode_name(s.mode);
    out += "  " + id + " [shape=cds, style=filled, fillcolor=\"#f3e5f5\", label=\"" + label + "\"];\n";
    out += "  " + node_id(s.node) + " -> " + id + " [label=\"" + type_label(nodes[s.node].type) + "\"];\n";
  }
  out += "}\n";
  return out;
}

}  // namespace streamc::plan
