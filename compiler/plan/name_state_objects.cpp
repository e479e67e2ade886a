// The state objects of a plan's stateful nodes and the names they are
// checkpointed under (Plan::state). A name survives compatible plan
// changes: the operator's kind and its ordinal among live operators of that
// kind ("aggregate#0": adding a filter keeps it). The signature names what
// the object's layout depends on, so a restart with keys or aggregates the
// state cannot follow is an error naming the change. Existing checkpoints
// hold these names and signatures byte for byte: changing either makes
// them unreadable.
#include <fmt/format.h>

#include "plan/plan.hpp"

namespace streamc::plan {

using sema::Node;

namespace {

std::string sdl(const sema::TypeRef& t) { return sema::to_string(t); }

std::string aggregate_signature(const Node& n) {
  std::string keys, aggs;
  for (size_t k = 0; k < n.exprs.size(); ++k) keys += (k ? "," : "") + n.type->fields[k] + ":" + sdl(n.type->elements[k]);
  for (size_t a = 0; a < n.aggs.size(); ++a)
    aggs += (a ? "," : "") + n.aggs[a].function + "(" + (n.aggs[a].arg_type ? sdl(n.aggs[a].arg_type) : "") + ")";
  std::string sig = "keys=(" + keys + ") aggs=(" + aggs + ")";
  if (n.window_key >= 0) sig += fmt::format(" window=({}us,{}us)", n.window_size_us, n.window_slide_us);
  return sig;
}

std::string dedup_signature(const sema::CheckedProgram& program, const Node& n) {
  std::string key;
  if (n.exprs.empty()) {
    key = sdl(n.type);
  } else {
    for (size_t k = 0; k < n.exprs.size(); ++k) key += (k ? "," : "") + sdl(program.type_of(*n.exprs[k]));
    key = "(" + key + ")";
  }
  if (!n.dedup_event_time.empty()) key += fmt::format(" expires={}+{}us", n.dedup_event_time, n.delay_us);
  return "key=" + key;
}

sema::TypeRef field_type(const sema::TypeRef& rec, const std::string& f) {
  for (size_t i = 0; i < rec->fields.size(); ++i)
    if (rec->fields[i] == f) return rec->elements[i];
  return nullptr;
}

std::string join_signature(const sema::CheckedProgram& program, const Node& n, int side) {
  const std::string& key = side == 0 ? n.stream_key : n.table_key;
  const std::string& time = side == 0 ? n.left_time : n.right_time;
  const sema::TypeRef& row = program.nodes[n.inputs[side]].type;
  return fmt::format("key={}:{} time={} row={} within={}us{}", key, sdl(field_type(row, key)), time, sdl(row), n.within_us,
                     n.left_join ? " kind=left" : "");
}

std::string group_state_signature(const Node& n) {
  using Timeout = Node::GroupState::Timeout;
  const auto& gs = n.group_state;
  const char* timeout = gs.timeout == Timeout::ProcessingTime ? "processing_time"
                        : gs.timeout == Timeout::EventTime    ? "event_time"
                                                              : "none";
  return fmt::format("key={} state={} timeout={}", sdl(gs.key), sdl(gs.state), timeout);
}

}  // namespace

Plan name_state_objects(Plan plan) {
  const sema::CheckedProgram& program = *plan.program;
  int aggregates = 0, updates = 0, dedups = 0, windows = 0, watermarks = 0, joins = 0, group_states = 0;
  using Kind = StateObject::Kind;
  auto add = [&](int node, Kind kind, std::string name, std::string signature) {
    plan.state.push_back(StateObject{node, kind, std::move(name), std::move(signature)});
  };
  for (size_t i = 0; i < program.nodes.size(); ++i) {
    if (!plan.live[i]) continue;
    const Node& n = program.nodes[i];
    const int id = static_cast<int>(i);
    switch (n.op) {
      case Node::Op::Aggregate:
        if (n.partial) break;  // its groups live for one batch
        add(id, Kind::Aggregate, fmt::format("aggregate#{}", aggregates++), aggregate_signature(n));
        break;
      case Node::Op::UpdateStateByKey:
        add(id, Kind::UpdateState, fmt::format("update_state_by_key#{}", updates++),
            "key=" + sdl(n.type->elements[0]) + " state=" + sdl(n.type->elements[1]));
        break;
      case Node::Op::DropDuplicates:
        add(id, Kind::Seen, fmt::format("drop_duplicates#{}", dedups++), dedup_signature(program, n));
        break;
      case Node::Op::BatchWindow:
        // The window's length in batches follows at run time (it depends on --batch).
        add(id, Kind::Window, fmt::format("window#{}", windows++),
            fmt::format("{}={} batches=", n.inverse_fn ? "totals" : "element", sdl(n.type)));
        break;
      case Node::Op::StreamJoin:
        add(id, Kind::JoinLeft, fmt::format("stream_join#{}.left", joins), join_signature(program, n, 0));
        add(id, Kind::JoinRight, fmt::format("stream_join#{}.right", joins), join_signature(program, n, 1));
        ++joins;
        break;
      case Node::Op::MapGroupsWithState:
        add(id, Kind::GroupState, fmt::format("map_groups_with_state#{}", group_states++), group_state_signature(n));
        break;
      case Node::Op::Watermark:
        add(id, Kind::Watermark, fmt::format("watermark#{}", watermarks++), "column=" + sdl(program.type_of(*n.exprs[0])));
        break;
      default: break;
    }
  }
  return plan;
}

}  // namespace streamc::plan
