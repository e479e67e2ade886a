// Private to codegen/: the state of emitting one program, shared by
// emit_cpp.cpp (the file, main, sources, sinks, the batch function),
// emit_stage.cpp (one fused loop per stage), emit_nodes.cpp (the code of
// each kind of node, in the table node_codegen) and emit_decoder.cpp (JSON
// and CSV decoders that produce only the fields a stage reads).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "codegen/cpp_types.hpp"
#include "codegen/emit_cpp.hpp"
#include "codegen/emit_expr.hpp"
#include "codegen/includes.hpp"
#include "plan/plan.hpp"
#include "sema/registry.hpp"

namespace streamc::codegen {

// Whether the program reads or writes PostgreSQL (emit_postgres.cpp).
bool uses_postgres(const sema::CheckedProgram& program);

class ProgramEmitter {
 public:
  ProgramEmitter(const plan::Plan& plan, const EmitOptions& options)
      : plan_(plan), prog_(*plan.program), options_(options), expr_(prog_, types_, includes_) {}

  std::string run();
  // A program split into sub-topologies (plan.sub_topologies).
  std::string run_split();

 private:
  using Node = sema::Node;

  // emit_cpp.cpp
  void emit_params();
  void emit_main();
  // The comment, includes and API check at the top of the file: printed
  // last, once includes_ holds what all the code uses.
  void emit_file_head();
  // In main: the ProgramSpec, then (in the build function) the params'
  // values from the command line.
  void emit_spec();
  void emit_param_values();
  // The build function's body: sources, sinks, state, batch function.
  void emit_build();
  // One sub-topology of a split program: namespace `ns` with its types,
  // decoders and `void build(rt::Engine&)`.
  std::string run_sub_topology(const std::string& ns);
  bool structured_only() const;
  void emit_sources();
  void emit_sinks();
  void emit_source_connector(int source);
  void emit_connector_args(const std::string& args, const std::vector<sema::RuntimeArg>& runtime_args);
  void emit_table(int source);
  void emit_state();
  void emit_batch_function();
  void emit_aggregate_output(const plan::Stage& stage);
  void emit_session_output(int node, sema::OutputMode mode);
  std::string startup(const ast::Expr& e) { return expr_.emit(e, "startup_arena"); }
  std::string accumulator_type(const sema::Node::Aggregate& agg);
  std::string dedup_key_type(const sema::Node& n);
  void emit_update_state(const plan::Stage& stage);
  // map_groups_with_state (emit_group_state.cpp): its state table, and the
  // calls of f per key with rows, then per timed-out key.
  void emit_group_state_table(const plan::StateObject& st);
  void emit_group_state(const plan::Stage& stage);
  void emit_group_state_lambda_call(int node);
  void emit_group_state_cpp_call(int node);
  std::string group_state_key(int node, const Value& row);

  // emit_postgres.cpp: registers sink<i>; the call that reads table <t>
  std::string emit_postgres_sink(const sema::SinkInfo& sink, size_t i);
  std::string read_postgres_table(int t);

  // emit_stream_join.cpp
  // The per-batch container a stage fills: the target's, or for a join of
  // two streams the new rows of the side it feeds.
  std::string stage_target_type(const plan::Stage& stage);
  std::string stage_target_var(const plan::Stage& stage) const;
  void emit_stream_join_state(const plan::StateObject& st);
  // After the stage of a join's second input: both sides' new rows are in.
  void emit_stream_join(const plan::Stage& stage);

  // emit_stage.cpp
  void emit_stage(const plan::Stage& stage, int number);
  // The chain of narrow operators from `cur`, then the target action; code
  // goes to `out` at `indent`. Returns the number of loops opened.
  int emit_chain(const plan::Stage& stage, Value cur, std::string& out, std::string& indent);
  // --debug: `#line` to the node's line of the .sdl ("" otherwise).
  std::string line_directive(int node) const;

  // emit_nodes.cpp: the code of each kind of node, found through
  // node_codegen (the table at the top of that file).
  //
  // A stage's loop body being printed: where a narrow node's code goes, at
  // what indent, and how many loops the chain opened (closed after the
  // target's action).
  struct Loop {
    std::string& out;
    std::string& indent;
    int closers = 0;
  };
  struct NodeCodegen {
    Node::Op op;
    // A narrow kind: its step in a stage's loop, from the row `cur` to the
    // row it passes on; `serial`: a stage with it runs in one loop (one set
    // of seen keys, one watermark), not in partitions.
    Value (ProgramEmitter::*step)(Loop& loop, int node, Value cur) = nullptr;
    bool serial = false;
    // A materialized kind. The C++ type of its per-batch container and the
    // variable stages fill (null: std::vector of its rows, node_var(node));
    // what stages reading it loop over (null: node_var(node)); and whether
    // its rows are a vector of their own beside the container (an
    // accumulator's result, a window's contents).
    std::string (ProgramEmitter::*target_type)(int node) = nullptr;
    std::string (ProgramEmitter::*target_var)(int node) const = nullptr;
    std::string (ProgramEmitter::*container)(int node) const = nullptr;
    bool rows_apart = false;
    // Its container is its state object (declared with the state), or it
    // declares its containers itself (null: `T var{};` of the above).
    bool state_is_container = false;
    void (ProgramEmitter::*declare)(int node) = nullptr;
    // Before the stages: what its stages call (combine functions).
    void (ProgramEmitter::*helpers)(int node) = nullptr;
    // In a stage's loop: what the row `cur` does to the container `target`
    // (null: target.push_back(cur)).
    void (ProgramEmitter::*action)(int target, const Value& cur, std::string& out, const std::string& indent) = nullptr;
    // A parallel stage's partitions' containers `locals` into the container
    // `tv` (null: their rows appended in partition order).
    void (ProgramEmitter::*merge)(int target, const std::string& tv) = nullptr;
    // How a stage into it runs: `whole`, one loop over the whole input (no
    // pieces, no partitions); `serial`, one loop (in pieces where the
    // source is read so); otherwise in partitions. Then `finish` prints
    // what follows its stage, and `end` what follows all stages.
    bool whole = false;
    bool serial_target = false;
    void (ProgramEmitter::*finish)(const plan::Stage& stage) = nullptr;
    void (ProgramEmitter::*end)(int node) = nullptr;
  };
  static const NodeCodegen& node_codegen(Node::Op op);

  std::string container(int node) const;
  std::string target_type(int node);
  std::string target_var(int node) const;
  void emit_target_action(int target, const Value& cur, std::string& out, const std::string& indent);

  Value step_decode(Loop& loop, int node, Value cur);
  Value step_map(Loop& loop, int node, Value cur);
  Value step_flat_map(Loop& loop, int node, Value cur);
  Value step_filter(Loop& loop, int node, Value cur);
  Value step_select(Loop& loop, int node, Value cur);
  Value step_explode(Loop& loop, int node, Value cur);
  Value step_drop_duplicates(Loop& loop, int node, Value cur);
  Value step_watermark(Loop& loop, int node, Value cur);
  Value step_join(Loop& loop, int node, Value cur);

  std::string source_records(int node) const;
  std::string keyed_entries(int node) const;
  std::string keyed_batch_type(int node);
  std::string reduce_type(int node);
  std::string count_type(int node);
  std::string update_state_batch_type(int node);
  std::string group_state_batch_type(int node);
  std::string aggregate_state_type(int node);
  std::string groups_var(int node) const;
  std::string acc_var(int node) const;
  std::string count_var(int node) const;
  std::string state_ref(int node) const;
  std::string window_in_var(int node) const;

  void declare_join_sides(int node);
  void combine_functions(int node);
  void sum_counts(int node);
  void concat_values(int node);

  void act_reduce_by_key(int target, const Value& cur, std::string& out, const std::string& indent);
  void act_count_by_value(int target, const Value& cur, std::string& out, const std::string& indent);
  void act_reduce(int target, const Value& cur, std::string& out, const std::string& indent);
  void act_count(int target, const Value& cur, std::string& out, const std::string& indent);
  void act_update_state_by_key(int target, const Value& cur, std::string& out, const std::string& indent);
  void act_map_groups_with_state(int target, const Value& cur, std::string& out, const std::string& indent);
  void act_aggregate(int target, const Value& cur, std::string& out, const std::string& indent);
  void act_stream_join(int target, const Value& cur, std::string& out, const std::string& indent);
  void emit_accumulator_adds(int target, const Value& cur, const std::string& st, std::string& out,
                             const std::string& ind);

  void merge_keyed(int target, const std::string& tv);
  void merge_reduce(int target, const std::string& tv);
  void merge_count(int target, const std::string& tv);

  void finish_window(const plan::Stage& stage);
  void end_reduce(int node);
  void end_count(int node);
  void end_drop_duplicates(int node);

  // emit_decoder.cpp
  // The virtual row of a source's record: one decoder output per leaf field.
  Value source_row(int source);
  // Declarations and decoding of the used leaves of `source` from `record`,
  // element `index` of the vector `records` (`batch`: a pointer to the
  // rt::Batch they came from, or nullptr). `prologue` receives code for
  // before the loop (per-file CSV column maps, the JSON document stream).
  // A JSON record may be an array of objects, one row each: `rows` receives
  // the head of the loop over the record's rows (a `for (…) {` that sets
  // the leaves of each row), which the caller closes after the row's code;
  // it stays empty for CSV (one row per record).
  std::string emit_decoder(int source, const std::string& records, const std::string& record, const std::string& index,
                           const std::string& batch, const std::string& indent, std::string& prologue,
                           std::string& rows);
  void emit_record_decoders();

  // names.cpp: the names of what the generated code holds per node,
  // source, sink and row.
  std::string node_var(int node, std::string_view role = {}) const;
  std::string row_var(int node, std::string_view part = {});
  std::string source_var(int source, std::string_view role = {}) const;
  std::string sink_var(size_t sink, std::string_view role = {}) const;
  std::string state_var(const plan::StateObject& st) const;  // emit_cpp.cpp

  const plan::Plan& plan_;
  const sema::CheckedProgram& prog_;
  EmitOptions options_;
  CppTypes types_;
  Includes includes_;  // what the code printed so far uses
  ExprEmitter expr_;
  std::string out_;
  std::string agg_decls_;                       // accumulator structs of aggregations
  std::vector<int> agg_declared_;
  std::vector<sema::TypeRef> decoded_records_;  // records decoded whole (inside lists, optional)
  std::string generated_in_;  // the GeneratedRange variable of the stage being emitted
  int stage_input_ = 0;       // which input of its target the stage being emitted feeds
  std::set<std::string> stage_locals_;  // row_var names taken in the stage being emitted
};

}  // namespace streamc::codegen
