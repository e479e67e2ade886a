// Names in the generated code, so that a reader of --emit-cpp or a debugger
// maps a variable back to the pipeline (docs/architecture.md, "Generated
// code"). Everything a node owns is named after its id, as
// `--dump-after=plan` numbers nodes, and its SDL name where the program
// gives one (a stream's last node, a source):
//
//   n3_counts           the rows node 3 (stream `counts`) made in this batch
//   n3_counts_state     an object of node 3 (_state, _groups, _seen, ...)
//   r3, r3_total        in a stage's loop: the row node 3 made, a computed
//                       field or a helper of it
//   src0_lines          source 0 (`lines`), its options src0_lines_options
//   sink0_counts        sink 0 (of stream `counts`), sink0_counts_options
//   table1_campaigns    table 1 (a source index, as sources are numbered)
//   stage2, stage2_in   the loop of stage 2 of the plan, what it reads
//
// Decoders keep their own names by source index (d0_<field path> for a
// decoded field, docs0, rows0, row0, cells0, header0).
#include <fmt/format.h>

#include "codegen/program_emitter.hpp"

namespace streamc::codegen {

namespace {
// An SDL name as part of a C++ identifier (a split program's sinks are
// named like "country-repartition").
std::string identifier_part(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out += ok ? c : '_';
  }
  return out;
}

std::string joined(std::string base, std::string_view name, std::string_view role) {
  if (!name.empty()) base += "_" + identifier_part(name);
  if (!role.empty()) base += "_" + identifier_part(role);
  return base;
}
}  // namespace

std::string ProgramEmitter::node_var(int node, std::string_view role) const {
  const Node& n = prog_.nodes[node];
  const std::string& name = n.stream_name.empty() && n.op == Node::Op::Source ? prog_.sources[n.source].name : n.stream_name;
  return joined(fmt::format("n{}", node), name, role);
}

std::string ProgramEmitter::row_var(int node, std::string_view part) {
  std::string name = joined(fmt::format("r{}", node), {}, part);
  // Unique within the stage: a computed field may be named like a helper.
  std::string unique = name;
  for (int k = 2; !stage_locals_.insert(unique).second; ++k) unique = fmt::format("{}_{}", name, k);
  return unique;
}

std::string ProgramEmitter::source_var(int source, std::string_view role) const {
  const auto& s = prog_.sources[source];
  return joined(fmt::format("{}{}", s.is_table ? "table" : "src", source), s.name, role);
}

std::string ProgramEmitter::sink_var(size_t sink, std::string_view role) const {
  return joined(fmt::format("sink{}", sink), prog_.sinks[sink].stream, role);
}

}  // namespace streamc::codegen
