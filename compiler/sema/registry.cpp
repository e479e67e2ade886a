#include "sema/registry.hpp"

#include "sema/checker.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace streamc::sema {

namespace {

template <class Spec>
const Spec* find_in(const std::vector<Spec>& table, std::string_view name) {
  auto it = std::find_if(table.begin(), table.end(), [&](const Spec& s) { return s.name == name; });
  return it == table.end() ? nullptr : &*it;
}

using K = Type::Kind;

bool any_value(const TypeRef&) { return true; }
bool any_scalar(const TypeRef& t) { return is_hashable(t); }
bool numeric(const TypeRef& t) { return t->is_numeric(); }
bool comparable(const TypeRef& t) {
  return t->is_numeric() || t->is(K::String) || t->is(K::Timestamp) || t->is(K::Duration) || t->is(K::Bool);
}
TypeRef without_optional(const TypeRef& t) { return t->is(K::Optional) ? t->elements[0] : t; }

TypeRef integer_result(const TypeRef&) { return types::integer(); }
// Spark SQL: sum over a nullable column that held only nulls is null.
TypeRef sum_result(const TypeRef& arg) { return arg; }
// Spark SQL: avg (and min, max, first, last) is null without values.
TypeRef avg_result(const TypeRef&) { return types::optional(types::floating()); }
TypeRef optional_result(const TypeRef& arg) { return types::optional(without_optional(arg)); }
TypeRef list_result(const TypeRef& arg) { return types::list(without_optional(arg)); }

}  // namespace

const NodeKind& node_kind(Node::Op op) {
  using O = Node::Op;
  // In the order of Node::Op (checked below); a flag not named is false.
  static const NodeKind table[] = {
      {.op = O::Source, .name = "source"},
      {.op = O::Map, .name = "map", .narrow = true, .holds_rows = true},
      {.op = O::FlatMap, .name = "flat_map", .narrow = true, .holds_rows = true},
      {.op = O::Filter, .name = "filter", .narrow = true, .holds_rows = true},
      {.op = O::Union, .name = "union", .holds_rows = true},
      {.op = O::ReduceByKey, .name = "reduce_by_key", .per_batch = true},
      {.op = O::CountByValue, .name = "count_by_value", .per_batch = true},
      {.op = O::Reduce, .name = "reduce", .per_batch = true},
      {.op = O::Count, .name = "count", .per_batch = true},
      {.op = O::Select, .name = "select", .narrow = true, .holds_rows = true},
      {.op = O::Explode, .name = "explode", .narrow = true, .holds_rows = true},
      {.op = O::Aggregate, .name = "aggregate", .stateful = true},
      {.op = O::Decode, .name = "decode", .narrow = true, .holds_rows = true},
      {.op = O::DropDuplicates, .name = "drop_duplicates", .narrow = true, .holds_rows = true, .stateful = true},
      {.op = O::UpdateStateByKey, .name = "update_state_by_key", .per_batch = true, .stateful = true},
      {.op = O::Watermark, .name = "watermark", .narrow = true, .holds_rows = true},
      {.op = O::Join, .name = "join", .narrow = true, .holds_rows = true},
      {.op = O::BatchWindow, .name = "window", .per_batch = true, .stateful = true},
      {.op = O::StreamJoin, .name = "join", .stateful = true},
      {.op = O::MapGroupsWithState, .name = "map_groups_with_state", .stateful = true},
  };
  static_assert(std::size(table) == static_cast<size_t>(O::MapGroupsWithState) + 1, "a NodeKind per Node::Op");
  const NodeKind& k = table[static_cast<size_t>(op)];
  if (k.op != op) throw std::logic_error("node_kind: the table is not in the order of Node::Op");
  return k;
}

const char* op_name(Node::Op op) { return node_kind(op).name; }

const std::vector<OperatorSpec>& operators() {
  using O = OperatorKind;
  using C = Checker;
  static const std::vector<OperatorSpec> table = {
      // per-batch operators (DStream semantics)
      {"map", O::Narrow, "`map(f)`", "applies `f` to every record of each batch.", true, &C::check_map},
      {"flat_map", O::Narrow, "`flat_map(f)`", "`f` returns a list; its elements become records.", true, &C::check_flat_map},
      {"filter", O::Narrow, "`filter(p)`", "keeps the records for which `p` is true.", true, &C::check_filter},
      {"where", O::Narrow, "`where(p)`", "Spark's other name for `filter`.", true, &C::check_filter},
      {"select", O::Narrow, "`select(e as name, …, *)`", "builds records from expressions; `*` keeps all fields.", true, &C::apply_record_operator},
      {"explode", O::Narrow, "`explode(list_expr as name)`", "one record per element of the list.", true, &C::apply_record_operator},
      {"with_column", O::Narrow, "`with_column(e as name, …)`",
       "each named column replaced by `e` where it is, or added after the others (Spark's withColumn).", true,
       &C::check_with_column},
      {"drop", O::Narrow, "`drop(column, …)`", "the records without the named columns (Spark's drop).", true, &C::check_drop},
      {"union", O::Narrow, "`union(other)`", "the records of both streams.", false, &C::check_union},
      {"reduce_by_key", O::PerBatch, "`reduce_by_key(f)`", "combines the values of each key of `(K, V)` tuples per batch.", false,
       &C::check_reduce_by_key},
      {"count_by_value", O::PerBatch, "`count_by_value()`", "`(value, count)` per distinct record in each batch.", false,
       &C::check_count_by_value},
      {"reduce", O::PerBatch, "`reduce(f)`", "combines all records of a batch into one.", false, &C::check_reduce},
      {"count", O::PerBatch, "`count()`", "the number of records (per batch, or per group inside `aggregate`).", false,
       &C::check_count},
      // processing-time windows
      {"window", O::Window, "`window(size, slide)`",
       "following per-batch operators see the last `size` of data every `slide`. Inside `group_by`: `window(ts, size[, "
       "slide])` is an event-time window key.",
       false, &C::apply_batch_window},
      {"reduce_by_key_and_window", O::Window, "`reduce_by_key_and_window(f, size, slide)`",
       "`reduce_by_key` over a sliding window.", false, &C::apply_batch_window},
      {"count_by_window", O::Window, "`count_by_window(size, slide)`", "record count over a sliding window.", false, &C::apply_batch_window},
      // running state
      {"group_by", O::Stateful, "`group_by(keys…)`", "groups the whole stream; follow with `aggregate(…)`.", false,
       &C::check_group_by_alone},
      {"aggregate", O::Stateful, "`aggregate(count() as n, sum(x) as s, …)`", "running aggregates per group.", false, &C::check_aggregate_alone},
      {"update_state_by_key", O::Stateful, "`update_state_by_key((values, state) -> new_state)`",
       "keeps a state per key.", false, &C::check_update_state_by_key},
      {"map_groups_with_state", O::Stateful,
       "`group_by(keys…) |> map_groups_with_state((key, rows, state) -> (row, state'), state: S, timeout: "
       "processing_time|event_time|none)`",
       "Spark's mapGroupsWithState. Per key with rows in the batch, then per timed-out key (no rows, "
       "`state.has_timed_out`), `f` returns one row and the state it leaves: `state`, `update(state, v)`, "
       "`remove(state)`, `set_timeout_duration(…)`, `set_timeout_timestamp(…)`. `state` reads `exists`, `value` (S?), "
       "`has_timed_out`, `processing_time`, `watermark`. Mode update. `f` may be an imported C++ function taking "
       "`streamc::GroupState<S>&`."},
      {"flat_map_groups_with_state", O::Stateful,
       "`group_by(keys…) |> flat_map_groups_with_state((key, rows, state) -> ([rows], state'), state: S, timeout: …)`",
       "Spark's flatMapGroupsWithState; like `map_groups_with_state` but `f` returns a list of rows (0..n). Mode append "
       "or update."},
      {"drop_duplicates", O::Stateful, "`drop_duplicates(keys…)`",
       "passes each key once; with the watermark's column among the keys, late rows are dropped and old keys "
       "forgotten.", false, &C::check_drop_duplicates},
      {"drop_duplicates_within_watermark", O::Stateful, "`drop_duplicates_within_watermark(keys…)`",
       "passes each key once while the watermark has not passed its first row's time plus the delay (Spark 3.5).", false,
       &C::check_drop_duplicates},
      // event time and joins
      {"watermark", O::EventTime, "`watermark(ts_field, delay)`",
       "rows later than the watermark are dropped from stateful operators.", true, &C::check_watermark},
      {"session_window", O::GroupKey, "`session_window(ts, gap)`", "a session window key inside `group_by`."},
      {"join", O::EventTime, "`join(table, on: key_field)` or `join(other, on: (a, b) -> a.k == b.k, kind: inner|left, within: 1h)`",
       "a stream-table or stream-stream join.", false, &C::apply_join},
  };
  return table;
}

const OperatorSpec* find_operator(std::string_view name) { return find_in(operators(), name); }

const std::vector<AggregateSpec>& aggregates() {
  static const std::vector<AggregateSpec> table = {
      {"count", "`count()` or `count(x)`", "rows of the group, or its non-null values of `x`.", true, any_value,
       "", integer_result, "rt::Count"},
      {"sum", "`sum(x)`", "the sum (null when every value was null).", false, numeric, "needs numbers", sum_result,
       "rt::Sum<{arg}>"},
      {"avg", "`avg(x)`", "the mean, a float (null without values).", false, numeric, "needs numbers", avg_result,
       "rt::Avg"},
      {"min", "`min(x)`", "the smallest value.", false, comparable, "needs comparable values", optional_result,
       "rt::Min<{value}>"},
      {"max", "`max(x)`", "the largest value.", false, comparable, "needs comparable values", optional_result,
       "rt::Max<{value}>"},
      {"first", "`first(x)`", "the first value seen.", false, any_scalar, "keeps scalars", optional_result,
       "rt::First<{value}>"},
      {"last", "`last(x)`", "the last value seen.", false, any_scalar, "keeps scalars", optional_result,
       "rt::Last<{value}>"},
      {"count_distinct", "`count_distinct(x)`", "exact distinct count.", false, any_scalar, "counts scalars",
       integer_result, "rt::CountDistinct<{value}>"},
      {"approx_count_distinct", "`approx_count_distinct(x)`", "HyperLogLog estimate.", false, any_scalar,
       "counts scalars", integer_result, "rt::ApproxCountDistinct<{value}>"},
      {"collect_list", "`collect_list(x)`", "all values as a list.", false, any_scalar, "collects scalars",
       list_result, "rt::CollectList<{value}>"},
  };
  return table;
}

const AggregateSpec* find_aggregate(std::string_view name) { return find_in(aggregates(), name); }

const std::vector<ConnectorSpec>& connectors() {
  using V = OptionValue;
  constexpr unsigned S = kSourceRole, K = kSinkRole, T = kTableRole;
  using A = ArgKind;
  // Options several connectors share.
  const ConnectorOption schema = {"schema", S | T, V::Own, "", "`schema: Name`",
                                  "the records' type, a `schema` declared earlier (needed to read json or csv, and by a postgres table)."};
  const ConnectorOption on_error = {
      "on_error", S, V::Word, "permissive|drop|fail", "`on_error: permissive | drop | fail` (default `permissive`)",
      "a malformed record: kept with nulls where it can be (Spark's PERMISSIVE), dropped and counted (DROPMALFORMED), "
      "or the binary stops (FAILFAST)."};
  const ConnectorOption errors = {"errors", S, V::Own, "", "`errors: \"dir\"`",
                                  "writes each rejected record with its reason as JSON under this directory."};
  const ConnectorOption delimiter = {"delimiter", S, V::Own, "", "`delimiter: \";\"` (default `,`)",
                                     "the field separator of a csv source, one character."};
  const ConnectorOption max_record_bytes = {
      "max_record_bytes", S, V::Int, "", "`max_record_bytes: N` (default 16 MiB, or `config`'s)",
      "a longer record is malformed; its bytes are skipped as they arrive, never held whole."};
  const ConnectorOption brokers = {"brokers", S | K, V::String, "", "`brokers: \"host:9092,…\"` (required)",
                                   "the Kafka bootstrap servers.", A::String};
  const ConnectorOption kafka_options = {
      "options", S | K, V::Own, "", "`options: [\"session.timeout.ms=6000\", …]`",
      "librdkafka settings, passed through (`name=value`).", A::Strings};
  static const std::vector<ConnectorSpec> table = {
      {Connector::Socket, "socket", S, "`socket(host, port, format: text|csv|json, schema: S)`",
       "one record per line over TCP (client).",
       {{"format", S, V::Own, "", "`format: text | json | csv` (default `text`)",
         "lines as strings, or records decoded with `schema`."},
        schema, on_error, delimiter, errors, max_record_bytes},
       "rt::socket_connector",
       {{"host", A::String}, {"port", A::Int}}},
      {Connector::Files, "files", S | K, "`files(\"dir/*.json\", format: text|json|csv, schema: S)`",
       "new files matching the glob; as a sink, part files plus a commit manifest.",
       {{"format", S, V::Own, "", "`format: text | json | csv` (default `text`)",
         "lines as strings, or records decoded with `schema`."},
        {"format", K, V::Own, "", "`format: json | csv | text` (default `json`)", "the part files' format."},
        schema, on_error,
        {"max_files_per_batch", S, V::Int, "", "`max_files_per_batch: N` (default: no limit)",
         "at most N new files per batch, oldest first (Spark's maxFilesPerTrigger).", A::Int},
        delimiter,
        {"header", S, V::Own, "", "`header: true | false` (default `true`)",
         "whether each csv file starts with a header line naming its columns."},
        {"multiline", S, V::Own, "", "`multiline: true | false` (default: decided per file)",
         "a json file is one document (true) or JSON Lines (false)."},
        errors, max_record_bytes,
        {"clean_source", S, V::Word, "archive|delete|off", "`clean_source: archive | delete | off` (default `off`)",
         "once the batch that read a file is committed, move it to `archive_dir` or delete it (Spark's cleanSource).",
         A::Word},
        {"archive_dir", S, V::String, "", "`archive_dir: \"dir\"`",
         "where `clean_source: archive` moves taken files (Spark's sourceArchiveDir).", A::String},
        {"latest_first", S, V::Bool, "", "`latest_first: true | false` (default `false`)",
         "newest files first (Spark's latestFirst).", A::Bool},
        {"partition_by", K, V::Own, "", "`partition_by: (col, …)`",
         "one Hive-style directory per value of the columns (`col=value/`), as Spark's partitionBy."}},
       "rt::files_connector",
       {{"path", A::String}},
       "rt::files_sink_connector",
       {{"path", A::String}}},
      {Connector::Kafka, "kafka", S | K, "`kafka(topic | [topics], brokers: \"h:p\", format: raw|text|json|csv, …)`",
       "Spark's Kafka source (every partition, offsets in the checkpoint) or sink (`key:`, murmur2 partitions, at "
       "least once).",
       {brokers,
        {"key", K, V::Own, "", "`key: expr`",
         "each message's key, an expression of the row; murmur2 of it picks the partition."},
        {"format", S, V::Own, "", "`format: raw | text | json | csv` (default `text`)",
         "raw: Spark's Kafka record {key, value, topic, partition, offset, timestamp}; else the value decoded."},
        {"format", K, V::Own, "", "`format: json | text | csv` (default `json`)", "the message value's format."},
        schema, on_error, errors, delimiter,
        {"starting", S, V::Word, "earliest|latest", "`starting: earliest | latest` (default `latest`)",
         "where a new query starts; later the checkpoint decides (Spark's startingOffsets).", A::Word},
        {"max_offsets_per_batch", S, V::Int, "", "`max_offsets_per_batch: N` (default: no limit)",
         "at most N messages per batch, split over partitions by lag (Spark's maxOffsetsPerTrigger).", A::Int},
        {"fail_on_data_loss", S, V::Bool, "", "`fail_on_data_loss: true | false` (default `true`)",
         "stop when offsets the query needs are gone from the topic (Spark's failOnDataLoss).", A::Bool},
        kafka_options,
        {"group", S, V::String, "", "`group: \"name\"`",
         "joins that consumer group: every copy started with it shares the topic's partitions (scale-out).",
         A::String}},
       "rt::kafka_connector",
       {{"topics", A::Strings}},
       "rt::kafka_sink_connector",
       {{"topic", A::String}}},
      {Connector::Generate, "generate", S, "`generate(rate: 1000, …)`",
       "synthetic rows for tests and benchmarks (source only).",
       {{"rate", S, V::Int, "", "`rate: N` (default 1)", "rows per second (Spark's rate source rowsPerSecond).", A::Int},
        {"rows_per_batch", S, V::Int, "", "`rows_per_batch: N`", "rows per batch instead of per second.", A::Int},
        {"total_rows", S, V::Int, "", "`total_rows: N` (default: unbounded)",
         "stop after N rows (needed with `--once` and `--available-now`).", A::Int}},
       "rt::generate_connector"},
      {Connector::Console, "console", K, "`console(rows: 10)`", "prints each batch (sink only).",
       {{"rows", K, V::Int, "", "`rows: N` (default 10)", "rows printed per batch.", A::Int},
        {"truncate", K, V::Bool, "", "`truncate: true | false` (default `true`)",
         "cut a record table's cells at 20 characters (Spark's Dataset.show).", A::Bool}},
       {},
       {},
       "rt::console_connector",
       {},
       "rt::table_console_connector"},
      {Connector::Postgres, "postgres", K | T, "`postgres(conn, table: \"t\", key: (…))`",
       "a sink, exactly once per batch (append: COPY, update: upsert on key, complete: replace); `table t = "
       "postgres(conn, query: \"select …\", schema: S)`: a static table.",
       {{"table", K, V::Own, "", "`table: \"name\"` (required)",
         "the table written; created from the row type when missing."},
        {"key", K, V::Own, "", "`key: (col, …)`", "the primary key that `mode update` upserts on."},
        {"query", T, V::Own, "", "`query: \"select …\"` (required)", "the query that reads the table, once at start."},
        schema}},
      {Connector::Foreach, "foreach", K, "`foreach(f)`",
       "hands each batch's rows to the C++ function `f` (Spark's foreachBatch).", {}},
  };
  return table;
}

const ConnectorSpec* find_connector(std::string_view name) { return find_in(connectors(), name); }

const ConnectorSpec* find_connector(Connector id) {
  for (const auto& c : connectors())
    if (c.id == id) return &c;
  return nullptr;
}

std::string_view connector_name(Connector id) {
  const ConnectorSpec* c = find_connector(id);
  return c ? c->name : "?";
}

std::vector<std::string> connector_names(ConnectorRole role) {
  std::vector<std::string> out;
  for (const auto& c : connectors())
    if (c.roles & role) out.emplace_back(c.name);
  return out;
}

namespace {
// "a, b and c"
std::string and_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}
}  // namespace

std::string connector_list(ConnectorRole role) { return and_list(connector_names(role)); }

std::string per_row_operator_list() {
  std::vector<std::string> names;
  for (const auto& o : operators())
    if (o.per_row) names.emplace_back(o.name);
  return and_list(names);
}

std::vector<const ConnectorOption*> connector_options(const ConnectorSpec& c, ConnectorRole role) {
  std::vector<const ConnectorOption*> out;
  for (const auto& o : c.options)
    if (o.roles & role) out.push_back(&o);
  return out;
}

std::string_view role_word(ConnectorRole role) {
  return role == kSourceRole ? "source" : role == kSinkRole ? "sink" : "table";
}

}  // namespace streamc::sema
