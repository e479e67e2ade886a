// The registries: one table each of SDL's operators, aggregates and
// connectors, with what every reader of them needs: the checker's name
// lists and "did you mean", the language server's completion and hover
// (compiler/lsp/), the graph's labels (plan/plan_to_dot.cpp), and the editor
// grammar's keyword list (grammar/keywords.json, checked against these tables
// by tests/unit/compiler/registry_test.cpp). Built-in functions have their
// own table, read from stdlib/ (builtins.hpp).
//
// Adding an aggregate is one entry here (its argument rule, result type and
// runtime accumulator) plus its class in streamc/runtime/aggregates.hpp.
// Adding an operator is one entry here, naming its check (a Checker member,
// check_program.cpp and beside) that makes nodes of existing kinds; a new
// kind of node is a row of node_kind (program.hpp) and of codegen's
// node_codegen (docs/architecture.md, "Adding an operator"). A connector's options
// are its entry's `options`: the checker accepts exactly those and checks
// the values of plain ones (numbers, flags, strings, words) from the entry
// alone; the language server completes and explains them inside the
// connector's call, and `streamc --list-connectors` (docs/connectors.md)
// prints them. A connector's entry also names its runtime factory per role
// (`source_factory`, `sink_factory`): generated code passes it the
// positional arguments and the options marked `runtime` by name, with no
// code of its own for the connector (docs/architecture.md, "Adding a
// connector").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sema/program.hpp"
#include "sema/types.hpp"

namespace streamc::sema {

// ---- operators ---------------------------------------------------------------

enum class OperatorKind {
  Narrow,    // record by record, fused into the stage's loop (map, filter, …)
  PerBatch,  // combines the records of one batch (DStream: reduce_by_key, count, …)
  Window,    // DStream windows over the last batches
  Stateful,  // state that outlives the batch, checkpointed (group_by |> aggregate, …)
  EventTime, // watermarks and event-time joins
  GroupKey,  // not applied with |>: a key function inside group_by (session_window)
};

class Checker;  // checker.hpp (private to sema/)

// Checks one |> call of the operator (check_program.cpp and beside): the
// node, its inputs and range set, checked, typed and added; -1 after
// reporting.
using OperatorCheck = int (Checker::*)(int input, const ast::Expr& op, const std::string& name, Node n);

struct OperatorSpec {
  std::string_view name;
  OperatorKind kind;
  std::string_view usage;  // `reduce_by_key(f)`
  std::string_view doc;    // one sentence after the usage
  // Works row by row, so it may follow a running aggregation, whose result
  // is a table that changes every batch (as in Spark).
  bool per_row = false;
  // Null for what is not applied with |> alone (session_window, the
  // *_groups_with_state calls that check_flow checks with their group_by).
  OperatorCheck check = nullptr;
};

const std::vector<OperatorSpec>& operators();
const OperatorSpec* find_operator(std::string_view name);
// The operators that may follow a running aggregation, "map, flat_map, … and watermark".
std::string per_row_operator_list();

// ---- aggregates (inside group_by |> aggregate) ---------------------------------

struct AggregateSpec {
  std::string_view name;
  std::string_view usage;  // `sum(x)`
  std::string_view doc;
  // count alone takes no argument (or one, counting its non-null values).
  bool argument_optional = false;
  // Whether the argument's type (without `?`) is accepted, and what the
  // message says it needs otherwise ("needs numbers").
  bool (*accepts)(const TypeRef& base) = nullptr;
  std::string_view needs;
  // The result column's type, from the argument's type (as written, `T?`
  // included; nullptr for count()).
  TypeRef (*result)(const TypeRef& arg) = nullptr;
  // The runtime accumulator (streamc/runtime/aggregates.hpp); `{value}` is
  // the C++ type of the argument without `?`, `{arg}` with it.
  std::string_view accumulator;
};

const std::vector<AggregateSpec>& aggregates();
const AggregateSpec* find_aggregate(std::string_view name);

// ---- connectors ----------------------------------------------------------------

enum ConnectorRole : unsigned { kSourceRole = 1, kSinkRole = 2, kTableRole = 4 };

// How the checker checks an option's value (Checker::connector_options):
// a startup expression of a type (a literal or a param), one of a few bare
// words, or by the connector's own check (formats, schemas, keys, lists).
enum class OptionValue { Int, Bool, String, Word, Own };

struct ConnectorOption {
  std::string_view name;
  unsigned roles;  // ConnectorRole bits: the roles it is an option of
  OptionValue value;
  std::string_view words;  // OptionValue::Word: "earliest|latest"
  std::string_view usage;  // `starting: earliest | latest` (default `latest`)
  std::string_view doc;
  ArgKind runtime = ArgKind::None;  // as a source's option: passed to its runtime class
};

// A positional argument of a source connector's call, as its runtime class
// gets it: files(path), socket(host, port), kafka(topics).
struct PositionalArg {
  std::string_view name;
  ArgKind kind;
};

struct ConnectorSpec {
  Connector id;
  std::string_view name;
  unsigned roles;          // ConnectorRole bits
  std::string_view usage;  // `kafka(topic | [topics], brokers: "h:p", …)`
  std::string_view doc;
  std::vector<ConnectorOption> options;  // in the order messages list them
  // The runtime factories generated code hands the arguments to (an
  // rt::SourceConnector, an rt::SinkConnector: api.hpp), and the call's
  // positional arguments, per role. A sink of records may have a factory of
  // its own (console's table). Empty: generated by the connector's own code
  // (foreach, postgres).
  std::string_view source_factory = {};
  std::vector<PositionalArg> source_args = {};
  std::string_view sink_factory = {};
  std::vector<PositionalArg> sink_args = {};
  std::string_view record_sink_factory = {};
};

const std::vector<ConnectorSpec>& connectors();
const ConnectorSpec* find_connector(std::string_view name);
const ConnectorSpec* find_connector(Connector id);
std::string_view connector_name(Connector id);
// The connectors with `role`, in table order, and as a message lists them:
// "socket, files, kafka and generate".
std::vector<std::string> connector_names(ConnectorRole role);
std::string connector_list(ConnectorRole role);
// A connector's options in one role, in table order.
std::vector<const ConnectorOption*> connector_options(const ConnectorSpec& c, ConnectorRole role);
// "source", "sink" or "table".
std::string_view role_word(ConnectorRole role);

// Names of a table, in order (for "did you mean" and messages).
template <class Spec>
std::vector<std::string> names_of(const std::vector<Spec>& table) {
  std::vector<std::string> out;
  for (const auto& s : table) out.emplace_back(s.name);
  return out;
}

}  // namespace streamc::sema
