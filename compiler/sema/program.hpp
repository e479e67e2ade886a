// The checked program: what the checker hands to the planner. Declarations
// are resolved into params, sources, a dataflow graph of operator nodes and
// sinks; every expression that survives has a type in `expr_types`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sema/function.hpp"
#include "sema/types.hpp"
#include "syntax/ast.hpp"

namespace streamc::sema {

struct ParamInfo {
  std::string name;
  TypeRef type;
  std::string default_text;  // as typed on the binary's command line
  SourceRange range;
};

enum class Connector { Socket, Files, Console, Foreach, Generate, Postgres, Kafka };
enum class DataFormat { Text, Json, Csv };
enum class OutputMode { Append, Update, Complete };
enum class OnError { Permissive, Drop, Fail };
enum class RunMode { Continuous, Once, AvailableNow };
// How a source's runtime class gets a value (rt::ConnectorArgs, by name):
// an integer, a flag, a string, a bare word as its text, one string or a
// list of them as a list. None: the compiler itself uses the option (the
// records' format, schema, on_error: rt::SourceOptions).
enum class ArgKind { None, Int, Bool, String, Word, Strings };

// What a connector's runtime class gets (rt::ConnectorArgs), from its
// registry entry: the positional arguments and `runtime` options as
// written, and values the checker or the planner decides (`words`: a Word's
// text or the Strings; `flag`: a Bool).
struct RuntimeArg {
  std::string_view name;
  ArgKind kind;
  const ast::Expr* value = nullptr;  // as written; Strings: a string or a list of strings
  std::vector<std::string> words;    // decided, when `value` is null
  bool flag = false;                 // decided, when `value` is null
};

struct SourceInfo {
  std::string name;
  Connector connector = Connector::Socket;
  // A table's files glob or postgres connection (args[0]), evaluated at start-up;
  // a source's arguments are in runtime_args.
  std::vector<const ast::Expr*> args;
  DataFormat format = DataFormat::Text;
  OnError on_error = OnError::Permissive;
  const ast::Expr* max_record_bytes = nullptr;  // socket, files: else the config's, else the runtime's 16 MiB
  std::string schema;              // json/csv: the schema name
  char csv_delimiter = ',';
  bool csv_header = true;
  int multiline = -1;              // json files: -1 auto, 0 JSON Lines, 1 one document per file
  const ast::Expr* errors_path = nullptr;
  TypeRef element;                 // string for text; the schema's record type otherwise
  bool is_table = false;           // `table NAME = files(…)`: read once at start-up, for joins
  const ast::Expr* query = nullptr;  // `table NAME = postgres(conn, query: "select …", schema: S)`; args[0] is conn
  // kafka(topic | [topics], brokers: …) with format: raw (Spark's Kafka record).
  bool kafka_raw = false;
  // group: "name": the binary is a member of that consumer group and runs
  // one task per partition it is assigned (DESIGN.md, "Scale-out").
  const ast::Expr* kafka_group = nullptr;
  // Sub-topologies (plan/split_sub_topologies.cpp): the group's source of
  // the first one subscribes to the repartition topics too, named <group>
  // followed by these suffixes; the source of a later one reads the
  // repartition topic <group><repartition_suffix> (JSON rows written by the
  // first one's repartition sink).
  std::vector<std::string> internal_topic_suffixes;
  std::string repartition_suffix;
  std::vector<RuntimeArg> runtime_args;  // for its connector's runtime factory
  // Replaces the argument `arg.name`, or drops the argument `name`.
  void set_runtime_arg(RuntimeArg arg);
  void drop_runtime_arg(std::string_view name);
  SourceRange range;
};

// One node of the dataflow graph; streams are chains of these.
struct Node {
  enum class Op { Source, Map, FlatMap, Filter, Union, ReduceByKey, CountByValue, Reduce, Count, Select, Explode, Aggregate, Decode, DropDuplicates, UpdateStateByKey, Watermark, Join, BatchWindow, StreamJoin, MapGroupsWithState };
  Op op = Op::Source;
  std::vector<int> inputs;              // node ids; Union has two, Source none
  int source = -1;                      // Op::Source, Op::Decode: index into sources
  const ast::Expr* fn = nullptr;        // the lambda of map/flat_map/filter/reduce*, or a row
                                        // expression over a record's fields (`filter(n > 2)`)
  // Select: one expression per output column (Star/FieldStar expanded);
  // Explode: exprs[0] is the list; Aggregate: the group keys, then `aggs`;
  // DropDuplicates: the key columns (none: the whole row).
  std::vector<const ast::Expr*> exprs;
  struct Aggregate {
    std::string function;       // count sum avg min max first last count_distinct approx_count_distinct collect_list
    const ast::Expr* arg = nullptr;  // null for count()
    TypeRef arg_type;
    // The merge side of an aggregation split in two (plan/split_sub_topologies.cpp):
    // `arg` is this aggregate's result over one producer batch (a column of
    // the partial rows), folded in as such (a count is added, not counted);
    // `arg_type` stays the original argument's, so the accumulator and the
    // state's signature are those of the aggregation as written.
    bool merges = false;
    // Merging avg: `arg` is the sum of a batch's values, this how many there were.
    const ast::Expr* count = nullptr;
  };
  std::vector<Aggregate> aggs;
  // Aggregate: the partial side of an aggregation split in two (Spark's
  // partial aggregate before an exchange): its groups live for one batch
  // only, every group of the batch is emitted, nothing is checkpointed.
  bool partial = false;
  // BatchWindow (DStream window(size, slide)): window_size_us/slide_us.
  // Watermark: exprs[0] is the event-time column; Aggregate with an
  // event-time window key: which key, its time expression and sizes.
  int64_t delay_us = 0;
  int window_key = -1;
  bool session_window = false;  // session_window(ts, gap): window_size_us is the gap
  const ast::Expr* window_time = nullptr;
  int64_t window_size_us = 0;
  int64_t window_slide_us = 0;
  // BatchWindow: the slide was not given, so it is the run's batch interval
  // (Spark: the parent DStream's slide); and the call as written with its
  // place ("count_by_window(3s, 1s) at app.sdl:4:20"), for the binary's
  // start-up check that --batch divides the window.
  bool window_slide_is_batch = false;
  // DropDuplicates under a watermark: the event-time column whose time
  // (plus delay_us, for drop_duplicates_within_watermark) says when a key
  // is forgotten; empty: keys are kept for ever (no watermark, or the event
  // time is not a key, as in Spark).
  std::string dedup_event_time;
  std::string window_text;
  // reduce_by_key_and_window(f, size, slide, inverse): the BatchWindow keeps
  // running totals per key, combining entering batches with `fn` and taking
  // leaving ones out with `inverse_fn` (rt::IncrementalWindow).
  const ast::Expr* inverse_fn = nullptr;
  // Join with a table: the table (an index into sources), the key column on
  // each side, and whether unmatched rows are kept (left join).
  int table = -1;
  std::string stream_key, table_key;
  bool left_join = false;
  // StreamJoin (a join of two streams, inputs {left, right}): stream_key and
  // table_key are the left and right key columns; a pair matches when the
  // keys are equal and the event times (the columns the sides' watermarks
  // read) are at most within_us apart.
  std::string left_time, right_time;
  int64_t within_us = 0;
  // MapGroupsWithState: `group_by(keys…) |> [flat_]map_groups_with_state(f,
  // state: S, timeout: …)`, Spark's [flat]MapGroupsWithState. `exprs` are
  // the keys, `fn` is f: (key, rows, state) -> (output, state), where
  // output is one row (map) or a list of rows (flat); the state f reads and
  // returns is the `handle` record (exists, value, has_timed_out, timeout,
  // processing_time, watermark), changed with update/remove/set_timeout_*.
  struct GroupState {
    enum class Timeout { None, ProcessingTime, EventTime };
    TypeRef key;     // as f gets it: the one key's type, or a tuple of the keys
    TypeRef row;     // the input rows
    TypeRef state;   // S
    TypeRef handle;  // the GroupState record
    TypeRef result;  // f's result: (output or [output], handle)
    bool flat = false;
    Timeout timeout = Timeout::None;
    std::string event_time;  // event_time: the watermark's column in the rows; late rows are dropped
    // f is an imported C++ function taking streamc::GroupState<S>& (then
    // `fn` is its name and `result` its output, or list of outputs).
    FunctionRef cpp;
  };
  GroupState group_state;
  // The watermark operators upstream (through narrow operators and unions);
  // the node's watermark is the minimum of theirs.
  std::vector<int> watermarks;
  TypeRef type;                         // element type of the output
  SourceRange range;                    // the operator call
  std::string stream_name;              // set on the last node of a named stream
};

// What every layer reads of a kind of node (the table is in registry.cpp):
// the checker makes nodes of these kinds, each operator of the registry one
// or more of them; the planner fuses the narrow ones into stages; code
// generation prints each kind (codegen/node_codegen.cpp).
struct NodeKind {
  Node::Op op;
  const char* name;  // in messages, dumps and graphs
  // Row by row, with no container of its own: fused into the loop of the
  // stage that reads its input (plan/fuse_narrow_operators.cpp).
  bool narrow = false;
  // Where it has a per-batch container, it is a vector of its rows (not a
  // keyed table, an accumulator, a window or a join's buffers), which its
  // stages may write straight to a files sink instead.
  bool holds_rows = false;
  // DStream semantics: a result per batch, so every trigger runs a batch.
  bool per_batch = false;
  // Keeps state across batches, checkpointed (drawn so by streamc graph).
  bool stateful = false;
};
const NodeKind& node_kind(Node::Op op);
const char* op_name(Node::Op op);

// The calls that change the state of map_groups_with_state's function
// (not functions of the stdlib: the checker and code generator make them).
inline bool is_state_op(std::string_view name) {
  return name == "update" || name == "remove" || name == "set_timeout_duration" || name == "set_timeout_timestamp";
}

struct SinkInfo {
  std::string stream;  // the stream it reads, as written
  int node = -1;
  Connector connector = Connector::Console;
  DataFormat format = DataFormat::Json;  // files, kafka
  std::vector<std::string> partition_by;  // files: Hive-style directories by these columns
  FunctionRef foreach;                   // foreach: the imported function each batch is handed to
  // postgres(conn, table: "t", key: (cols…)): conn and table are start-up
  // expressions; key holds the table's column names (a window key is two).
  const ast::Expr* conn = nullptr;
  const ast::Expr* table = nullptr;
  std::vector<std::string> key;
  // kafka(topic, brokers: …, key: expr): `kafka_key` a row expression (or a
  // lambda over the element).
  const ast::Expr* kafka_key = nullptr;
  // The repartition sink of a first sub-topology (made by the planner, not
  // written): rows go to topic <group of source `repartition_source`>
  // <repartition_suffix>, keyed by `repartition_keys` (row expressions).
  std::string repartition_suffix;
  int repartition_source = -1;
  std::vector<const ast::Expr*> repartition_keys;
  OutputMode mode = OutputMode::Append;
  bool stateful = false;                 // reads a running aggregation (update/complete)
  std::vector<RuntimeArg> runtime_args;  // for its connector's runtime factory (not foreach, postgres)
  SourceRange range;
};

// How a lambda binds its parameters to the operator's input.
struct LambdaInfo {
  std::vector<TypeRef> param_types;  // one per SDL parameter
  bool destructures = false;         // `(w, n) -> …` over one (w, n) tuple
};

// A row expression: an operator argument over a record stream written with
// bare field names (`filter(event_type == "view")`), checked with the
// record's fields in scope.
struct RowExprInfo {
  TypeRef row;
};

struct CheckedProgram {
  std::string name;  // from the file name, e.g. "wordcount"
  std::string source_path;
  std::vector<ParamInfo> params;
  int64_t batch_us = 1'000'000;
  int64_t threads = 1;
  int64_t max_record_bytes = 0;  // config { max_record_bytes: N }; 0: the runtime's default
  RunMode run_mode = RunMode::Continuous;  // from `trigger once` / `trigger available_now`
  std::string checkpoint;                  // `checkpoint "dir"` (sink clause or config): one per program
  std::string ui;                          // config { ui: 4040 | "HOST:PORT" }: the binary's default --ui
  std::vector<SourceInfo> sources;
  std::vector<Node> nodes;
  std::vector<SinkInfo> sinks;
  std::unordered_map<const ast::Expr*, TypeRef> expr_types;
  std::unordered_map<const ast::Expr*, LambdaInfo> lambdas;
  std::vector<FunctionRef> imported;                        // the functions of the program's imports
  std::unordered_map<const ast::Expr*, FunctionRef> calls;  // the function each call resolved to
  std::unordered_map<const ast::Expr*, RowExprInfo> row_exprs;
  // Names of the row fields that a Name expression refers to (bare field names).
  std::unordered_map<const ast::Expr*, bool> field_names;
  std::vector<std::pair<std::string, TypeRef>> schemas;  // declared and inferred, in order
  // A consumer-group member whose stateful operator is keyed otherwise than
  // the topic's partitions: that node, whose input rows go through the
  // repartition topic <group>-<repartition_name>-repartition keyed by
  // `repartition_keys` (the node's keys other than an event-time window).
  // The planner splits the program there into two sub-topologies.
  int repartition_node = -1;
  std::string repartition_name;
  std::vector<const ast::Expr*> repartition_keys;
  // Expressions the planner made (the column names of partial rows), owned
  // here; their types are in expr_types like the others'.
  std::vector<std::shared_ptr<const ast::Expr>> planned_exprs;

  const TypeRef& type_of(const ast::Expr& e) const { return expr_types.at(&e); }
};

}  // namespace streamc::sema
