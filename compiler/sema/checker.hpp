// Private to sema/: the checker's state, shared by check_program.cpp
// (declarations, dataflow) and check_expr.cpp (expressions, lambdas).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sema/builtins.hpp"
#include "sema/check.hpp"
#include "sema/registry.hpp"

namespace streamc::sema {

// A name as messages quote it: 'word'.
inline std::string q(std::string_view s) { return "'" + std::string(s) + "'"; }

// The column name an unaliased select expression or key gets: a bare field
// keeps its name, `r.a.b` is `b`.
inline std::string implicit_name(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::Name || e.kind == ast::ExprKind::Field) return e.text;
  return {};
}

// The name the event-time column of watermark node `wm` has in the rows of
// `node` (check_stream_join.cpp); empty when it does not reach them.
std::string event_time_column(const std::vector<Node>& nodes, int node, int wm);

class Checker {
 public:
  Checker(const SourceFile& file, Diagnostics& diags, std::vector<FunctionRef> imported = {})
      : file_(file), diags_(diags), imported_(std::move(imported)) {
    result_.imported = imported_;
  }

  std::optional<CheckedProgram> run(const ast::Program& program);

  // ---- expressions (check_expr.cpp)
  struct Var {
    std::string name;
    TypeRef type;
    bool field = false;  // a field of the current row (bare field name)
  };
  using Scope = std::vector<Var>;

  TypeRef check_expr(const ast::Expr& e, Scope& scope);
  // Checks `e` as a lambda taking `inputs` (destructuring a tuple input when
  // the lambda has one parameter per tuple element). Returns the body's type.
  TypeRef check_lambda(const ast::Expr& e, const std::vector<TypeRef>& inputs, std::string_view op, Scope& scope);
  // An operator's function argument: a lambda taking `inputs`, or, over a
  // stream of records, a row expression using the record's fields by name.
  TypeRef check_function_arg(const ast::Expr& e, const TypeRef& row, const std::vector<TypeRef>& inputs,
                             std::string_view op, Scope& scope);
  TypeRef check_row_expr(const ast::Expr& e, const TypeRef& row, Scope& scope);
  // An expression evaluated once at start-up (connector arguments, options):
  // it may use params but no stream values.
  TypeRef check_startup_expr(const ast::Expr& e, const TypeRef& expected, std::string_view what);
  // A compile-time constant duration (`10s`); returns false after reporting.
  bool constant_duration(const ast::Expr& e, std::string_view what, int64_t& micros);
  bool constant_int(const ast::Expr& e, std::string_view what, int64_t& value);

  void not_supported(SourceRange r, const std::string& what);

 private:
  // ---- declarations and dataflow (check_program.cpp)
  void declare_names(const ast::Program& program);
  void check_param(const ast::Decl& d);
  void check_config(const ast::Decl& d);
  void check_source(const ast::Decl& d);
  void check_stream(const ast::Decl& d);
  void check_sink(const ast::Decl& d);
  bool same_trigger(const ast::SinkClause& c, int64_t us, const std::string& sink);
  static TypeRef schema_in_progress();
  bool partition_columns(const ast::Expr& p, SinkInfo& s);
  TypeRef state_type_from_fallback(const ast::Expr& fn);
  int check_flow(const ast::Expr& e);  // returns a node id or -1
  int apply_operator(int input, const ast::Expr& op);
  // The operators' checks, each an OperatorCheck its registry entry names
  // (registry.cpp): the node `n` (inputs and range set) checked, typed and
  // added; -1 after reporting.
  friend const std::vector<OperatorSpec>& operators();
  int check_map(int input, const ast::Expr& op, const std::string& name, Node n);
  int check_flat_map(int input, const ast::Expr& op, const std::string& name, Node n);
  int check_filter(int input, const ast::Expr& op, const std::string& name, Node n);  // filter, where
  TypeRef check_row_function(int input, const ast::Expr& op, const std::string& name, const std::string& usage, Node& n);
  int check_union(int input, const ast::Expr& op, const std::string& name, Node n);
  int check_reduce_by_key(int input, const ast::Expr& op, const std::string& name, Node n);
  int check_reduce(int input, const ast::Expr& op, const std::string& name, Node n);
  // reduce and reduce_by_key: `fn` combines two values of type `v` into one
  // (`what` names v: "value", "element"); the node keeps its input's type.
  int add_combiner(Node n, const ast::Expr& fn, const TypeRef& v, const std::string& name, std::string_view what);
  int check_count_by_value(int input, const ast::Expr& op, const std::string& name, Node n);
  int check_count(int input, const ast::Expr& op, const std::string& name, Node n);
  int check_watermark(int input, const ast::Expr& op, const std::string& name, Node n);
  int check_drop_duplicates(int input, const ast::Expr& op, const std::string& name, Node n);  // and _within_watermark
  int check_update_state_by_key(int input, const ast::Expr& op, const std::string& name, Node n);
  // group_by and aggregate apart from each other (check_flow checks the pair).
  int check_group_by_alone(int input, const ast::Expr& op, const std::string& name, Node n);
  int check_aggregate_alone(int input, const ast::Expr& op, const std::string& name, Node n);
  static const std::vector<ast::Arg>& operator_args(const ast::Expr& op);
  // Reports unless `op` has `count` positional arguments; `example` shows the call.
  bool operator_arity(const ast::Expr& op, const std::string& name, size_t count, std::string_view example);
  int apply_record_operator(int input, const ast::Expr& op, const std::string& name, Node n);  // select, explode
  int check_drop(int input, const ast::Expr& op, const std::string& name, Node n);
  int check_with_column(int input, const ast::Expr& op, const std::string& name, Node n);
  bool records_in(int input, const ast::Expr& op, const std::string& name);
  int apply_join(int input, const ast::Expr& op, const std::string& name, Node n);
  // A join of two streams (check_stream_join.cpp): `other` is the right side.
  int apply_stream_join(int input, const ast::Expr& op, const ast::Expr& other, Node n);
  bool join_keys(const ast::Expr& on, std::string& left, std::string& right);
  // Whether a node's rows come from a join of two streams.
  bool from_stream_join(int node) const;
  int apply_batch_window(int input, const ast::Expr& op, const std::string& name, Node n);
  std::vector<std::pair<int, SourceRange>> batch_windows_;  // checked against the batch interval at the end
  int apply_aggregate(int input, const ast::Expr& group_by, const ast::Expr& aggregate);
  bool group_by_records(const TypeRef& in, const ast::Expr& group_by);  // reports when `in` is not records
  // group_by(keys…) |> [flat_]map_groups_with_state(f, state: S, timeout: …)
  // (check_group_state.cpp), and the calls that change f's state.
  int apply_group_state(int input, const ast::Expr& group_by, const ast::Expr& call);
  int apply_group_state_function(Node n, const ast::Expr& name, const std::string& opq);
  bool group_state_keys(const ast::Expr& group_by, const TypeRef& in, Node& n, std::vector<TypeRef>& key_types);
  TypeRef group_state_type(const ast::Expr& e);
  TypeRef check_state_call(const ast::Expr& e, Scope& scope);
  // The map_groups_with_state node a node's rows come from, or -1.
  int group_state_upstream(int node) const;
  // State kept across batches holds no views into a batch: numbers, bools,
  // times, and tuples, records and optionals of them.
  static bool plain_state(const TypeRef& t);
  const Node::GroupState* group_state_ctx_ = nullptr;  // while f of map_groups_with_state is checked
  void check_schema(const ast::Decl& d);
  bool source_record_options(const ast::Expr& call, SourceInfo& s);
  // kafka(…) as a source or sink (check_kafka.cpp). The source returns
  // false after reporting; with format: raw it adds the source's nodes itself.
  bool check_kafka_source(const ast::Decl& d, const ast::Expr& call, SourceInfo& s, bool& done);
  bool check_kafka_sink(const ast::Expr& call, SinkInfo& s);
  void check_group_member();
  bool kafka_common_options(const ast::Expr& call);  // brokers (required) and options: ["name=value", …]
  // A source whose records are typed rows rather than text to decode
  // (generate, kafka with format: raw): a source node and a decode node.
  void add_typed_source(const ast::Decl& d, SourceInfo s);
  int add_node(Node node);
  bool named_args(const ast::Expr& call, const std::vector<std::string_view>& allowed, size_t max_positional,
                  std::string_view what);
  // A connector call's arguments in one role against its registry entry
  // (registry.hpp): at most `max_positional` positional ones, only its
  // options by name, and the values of its plain options (numbers, flags,
  // strings, words) checked; the rest is the connector's own check.
  bool connector_options(const ast::Expr& call, const ConnectorSpec& connector, ConnectorRole role,
                         size_t max_positional);
  const ast::Expr* named_arg(const ast::Expr& call, std::string_view name) const;
  bool format_option(const ast::Expr& call, DataFormat& format, std::initializer_list<std::string_view> allowed);
  // Whether a node's rows come from a running aggregation (a result table).
  bool stateful(int node) const;
  // Whether the aggregation a stateful node reads groups by an event-time
  // window whose column has a watermark (append mode can then finalize rows).
  bool windowed_with_watermark(int node) const;

  // ---- functions (check_call.cpp): built-in and imported, and foreach sinks
  TypeRef check_call(const ast::Expr& e, Scope& scope);
  TypeRef check_format(const ast::Expr& e, Scope& scope);
  std::vector<FunctionRef> overloads(std::string_view name) const;  // imported ones, else built-in ones
  bool check_foreach_sink(const ast::Expr& call, SinkInfo& sink);
  // ---- postgres(…) sinks and tables (check_postgres.cpp)
  bool check_postgres_sink(const ast::Expr& call, SinkInfo& sink);
  bool check_postgres_table(const ast::Expr& call, SourceInfo& source);
  TypeRef check_binary(const ast::Expr& e, Scope& scope);
  // An empty list literal `[]` in one branch of an if (or in a tuple there)
  // takes its type from the other branch.
  static bool has_empty_list(const ast::Expr& e);
  void expect_empty_lists(const ast::Expr& e, const TypeRef& t);
  std::map<const ast::Expr*, TypeRef> empty_lists_;
  TypeRef resolve_type(const ast::TypeExpr& t);
  TypeRef record(const ast::Expr& e, TypeRef t) {
    result_.expr_types[&e] = t;
    return t;
  }

  const SourceFile& file_;
  Diagnostics& diags_;
  CheckedProgram result_;

  enum class NameKind { Param, Source, Table, Stream, Schema };
  struct NameEntry {
    NameKind kind;
    const ast::Decl* decl;
    int index = -1;  // params: index; sources: source index; streams: node id once checked
    TypeRef type;    // schemas
  };
  std::map<std::string, NameEntry> names_;
  bool startup_context_ = false;
  std::vector<FunctionRef> imported_;
  // The first sink's trigger clause: every sink runs in the one batch loop,
  // so a second sink must ask for the same trigger (check_sink).
  const ast::SinkClause* trigger_ = nullptr;
  int64_t trigger_us_ = 0;
  std::string trigger_sink_;
};

}  // namespace streamc::sema
