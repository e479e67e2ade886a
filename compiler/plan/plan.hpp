// The physical plan: which dataflow nodes are materialized per batch, and the
// fused loops ("stages") that fill them. A stage reads one materialized node,
// runs a chain of narrow operators (map, flat_map, filter) inline, and feeds
// one materialized node: a vector, a hash table, an accumulator.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sema/program.hpp"

namespace streamc::plan {

struct Stage {
  int start = -1;           // materialized node read by the loop
  std::vector<int> chain;   // narrow nodes applied inline, in order
  int target = -1;          // materialized node fed by the loop
  int input = 0;            // which of the target's inputs the loop feeds (union, a join of two streams)
};

// An object a stateful node keeps across batches, checkpointed under `name`
// with `signature` (rt::Engine::register_state; name_state_objects.cpp).
struct StateObject {
  enum class Kind { Aggregate, UpdateState, Seen, Window, JoinLeft, JoinRight, GroupState, Watermark };
  int node = -1;
  Kind kind = Kind::Aggregate;
  std::string name;       // "aggregate#0", "stream_join#0.left"
  std::string signature;  // a Window's ends in "batches=": its length in batches follows at run time
};

struct Plan {
  const sema::CheckedProgram* program = nullptr;
  std::vector<bool> live;          // reaches a sink
  std::vector<bool> materialized;  // has a per-batch container
  std::vector<int> consumers;      // number of downstream nodes and sinks
  std::vector<Stage> stages;       // in execution order
  // Per node, decided here so that code generation only prints:
  std::vector<int> root_source;    // the source its rows come from (through first inputs)
  std::vector<int> direct_sink;    // the files sink its stages write each row to (no row vector), or -1
  std::vector<sema::OutputMode> output_mode;  // of the sinks downstream (the checker gives them one); update if none
  // Aggregations under a watermark and not in complete mode (where Spark
  // keeps every row and every group) drop rows later than the watermark, and
  // with a (non-session) window forget the windows the watermark passed.
  std::vector<bool> drops_late;
  std::vector<bool> evicts_windows;
  // Per source: read a piece at a time (rt::SourceOptions::in_pieces), as
  // nothing keeps a view of its records past their piece (find_pieces).
  std::vector<bool> in_pieces;
  // The state objects of the stateful nodes, in node order: what codegen
  // creates and registers for checkpoints.
  std::vector<StateObject> state;
  // A consumer-group member (a Kafka source with group:): the whole plan
  // runs once per partition of that source, as a task with its own state
  // and checkpoint (in the group's changelog topic); -1 when the program is
  // not one.
  int task_source = -1;
  // A group program that repartitions (sema's repartition_node): the plans
  // of its two sub-topologies, each of a program the split made (owned
  // here), in order: tasks over the group's topic, then tasks over the
  // repartition topic. Empty: the program is its one sub-topology.
  std::vector<Plan> sub_topologies;
  std::vector<std::shared_ptr<const sema::CheckedProgram>> split_programs;
};

// Builds the plan: narrow operators fused into one loop per stage, stage
// boundaries at wide operators (hash aggregation, reduce, count), unions, and
// streams read by more than one consumer.
Plan fuse_narrow_operators(const sema::CheckedProgram& program);

// Names the state objects of the plan's stateful nodes for checkpoints
// (Plan::state).
Plan name_state_objects(Plan plan);

// The program's plan (fuse_narrow_operators, name_state_objects), and for a
// group program that repartitions, its sub-topologies, each planned the same
// way (split_sub_topologies.cpp).
Plan make_plan(const sema::CheckedProgram& program);

// `streamc --dump-after=plan`: the stages, then every live node's facts.
std::string dump(const Plan& plan);

}  // namespace streamc::plan
