// The code of each kind of node (sema::Node::Op), in one table: what a
// narrow node does in a stage's loop, and for a node with a per-batch
// container, its type and variable, what each row does to it, how parallel
// partitions merge, and what follows its stage. emit_stage.cpp prints the
// stages around these, emit_cpp.cpp the batch function around the stages.
//
// A new kind of node is its entry in sema's node_kind table (name, narrow,
// ...), an entry here naming the functions that print it, and those
// functions; an operator made of existing kinds needs nothing here.
#include <fmt/format.h>

#include <algorithm>

#include "codegen/program_emitter.hpp"

namespace streamc::codegen {

using sema::Node;
using sema::TypeRef;
using K = sema::Type::Kind;

const ProgramEmitter::NodeCodegen& ProgramEmitter::node_codegen(Node::Op op) {
  using O = Node::Op;
  using P = ProgramEmitter;
  // In the order of Node::Op (checked below); designated initializers name
  // what each kind has.
  static const NodeCodegen table[] = {
      {.op = O::Source, .container = &P::source_records},
      {.op = O::Map, .step = &P::step_map},
      {.op = O::FlatMap, .step = &P::step_flat_map},
      {.op = O::Filter, .step = &P::step_filter},
      {.op = O::Union},
      {.op = O::ReduceByKey,
       .target_type = &P::keyed_batch_type,
       .target_var = &P::groups_var,
       .container = &P::keyed_entries,
       .helpers = &P::combine_functions,
       .action = &P::act_reduce_by_key,
       .merge = &P::merge_keyed},
      {.op = O::CountByValue,
       .target_type = &P::keyed_batch_type,
       .target_var = &P::groups_var,
       .container = &P::keyed_entries,
       .helpers = &P::sum_counts,
       .action = &P::act_count_by_value,
       .merge = &P::merge_keyed},
      {.op = O::Reduce,
       .target_type = &P::reduce_type,
       .target_var = &P::acc_var,
       .rows_apart = true,
       .helpers = &P::combine_functions,
       .action = &P::act_reduce,
       .merge = &P::merge_reduce,
       .end = &P::end_reduce},
      {.op = O::Count,
       .target_type = &P::count_type,
       .target_var = &P::count_var,
       .rows_apart = true,
       .action = &P::act_count,
       .merge = &P::merge_count,
       .end = &P::end_count},
      {.op = O::Select, .step = &P::step_select},
      {.op = O::Explode, .step = &P::step_explode},
      {.op = O::Aggregate,
       .target_type = &P::aggregate_state_type,
       .target_var = &P::state_ref,
       .rows_apart = true,
       .state_is_container = true,
       .action = &P::act_aggregate,
       .serial_target = true,
       .finish = &P::emit_aggregate_output},
      {.op = O::Decode, .step = &P::step_decode},
      {.op = O::DropDuplicates, .step = &P::step_drop_duplicates, .serial = true, .end = &P::end_drop_duplicates},
      {.op = O::UpdateStateByKey,
       .target_type = &P::update_state_batch_type,
       .target_var = &P::groups_var,
       .rows_apart = true,
       .helpers = &P::concat_values,
       .action = &P::act_update_state_by_key,
       .whole = true,
       .finish = &P::emit_update_state},
      {.op = O::Watermark, .step = &P::step_watermark, .serial = true},
      {.op = O::Join, .step = &P::step_join},
      {.op = O::BatchWindow,
       .target_var = &P::window_in_var,
       .rows_apart = true,
       .helpers = &P::combine_functions,
       .whole = true,
       .finish = &P::finish_window},
      {.op = O::StreamJoin,
       .declare = &P::declare_join_sides,
       .action = &P::act_stream_join,
       .finish = &P::emit_stream_join},
      {.op = O::MapGroupsWithState,
       .target_type = &P::group_state_batch_type,
       .target_var = &P::groups_var,
       .rows_apart = true,
       .helpers = &P::concat_values,
       .action = &P::act_map_groups_with_state,
       .whole = true,
       .finish = &P::emit_group_state},
  };
  static_assert(std::size(table) == static_cast<size_t>(O::MapGroupsWithState) + 1, "a NodeCodegen per Node::Op");
  const NodeCodegen& c = table[static_cast<size_t>(op)];
  if (c.op != op) throw std::logic_error("node_codegen: the table is not in the order of Node::Op");
  return c;
}

// ---- what a stage reads and fills ------------------------------------------------

std::string ProgramEmitter::container(int node) const {
  auto f = node_codegen(prog_.nodes[node].op).container;
  return f ? (this->*f)(node) : node_var(node);
}

std::string ProgramEmitter::target_type(int node) {
  auto f = node_codegen(prog_.nodes[node].op).target_type;
  return f ? (this->*f)(node) : fmt::format("std::vector<{}>", types_.of(prog_.nodes[node].type));
}

std::string ProgramEmitter::target_var(int node) const {
  auto f = node_codegen(prog_.nodes[node].op).target_var;
  return f ? (this->*f)(node) : node_var(node);
}

std::string ProgramEmitter::source_records(int node) const {
  const Node& n = prog_.nodes[node];
  if (prog_.sources[n.source].connector == sema::Connector::Generate)
    return fmt::format("batch.generated({})", source_var(n.source));
  return fmt::format("batch.records({})", source_var(n.source));
}

std::string ProgramEmitter::keyed_entries(int node) const { return node_var(node, "groups") + ".entries()"; }

std::string ProgramEmitter::keyed_batch_type(int node) {
  const Node& n = prog_.nodes[node];
  return fmt::format("rt::KeyedTable<{}, {}>", types_.of(n.type->elements[0]), types_.of(n.type->elements[1]));
}

std::string ProgramEmitter::reduce_type(int node) {
  return fmt::format("std::optional<{}>", types_.of(prog_.nodes[node].type));
}

std::string ProgramEmitter::count_type(int) { return "int64_t"; }

// This batch's values per key (the input's value type).
std::string ProgramEmitter::update_state_batch_type(int node) {
  const Node& n = prog_.nodes[node];
  return fmt::format("rt::KeyedTable<{}, std::vector<{}>>", types_.of(n.type->elements[0]),
                     types_.of(prog_.nodes[n.inputs[0]].type->elements[1]));
}

// This batch's rows per key.
std::string ProgramEmitter::group_state_batch_type(int node) {
  const Node& n = prog_.nodes[node];
  return fmt::format("rt::KeyedTable<{}, std::vector<{}>>", types_.of(n.group_state.key), types_.of(n.group_state.row));
}

// The state table of an aggregation, and the struct of one group's
// accumulators (declared once, before the batch function).
std::string ProgramEmitter::aggregate_state_type(int node) {
  const Node& n = prog_.nodes[node];
  // A session window is not part of the key: each group holds its sessions.
  std::string key = "std::tuple<";
  bool first_key = true;
  for (size_t k = 0; k < n.exprs.size(); ++k) {
    if (n.session_window && static_cast<int>(k) == n.window_key) continue;
    key += (first_key ? "" : ", ") + types_.of(n.type->elements[k]);
    first_key = false;
  }
  if (std::find(agg_declared_.begin(), agg_declared_.end(), node) == agg_declared_.end()) {
    agg_declared_.push_back(node);
    std::string s = fmt::format("// The running state of one group of aggregation #{}.\nstruct Agg{} {{\n", node, node);
    for (size_t a = 0; a < n.aggs.size(); ++a) s += fmt::format("  {} a{};\n", accumulator_type(n.aggs[a]), a);
    // The accumulators, for checkpoints (save_value / load_value).
    for (const char* constness : {"", " const"}) {
      s += fmt::format("  template <class F>\n  void for_each_member(F&& f){} {{", constness);
      for (size_t a = 0; a < n.aggs.size(); ++a) s += fmt::format(" f(a{});", a);
      s += " }\n";
    }
    // Merging two groups' accumulators (sessions that grow together).
    s += fmt::format("  void merge(const Agg{}& o) {{", node);
    for (size_t a = 0; a < n.aggs.size(); ++a) s += fmt::format(" a{0}.merge(o.a{0});", a);
    s += " }\n";
    agg_decls_ += s + "};\n\n";
  }
  includes_.use(Includes::State);
  if (n.session_window) {
    includes_.use(Includes::Session);
    return fmt::format("rt::StateTable<{}>, rt::Sessions<Agg{}>>", key, node);
  }
  return fmt::format("rt::StateTable<{}>, Agg{}>", key, node);
}

std::string ProgramEmitter::groups_var(int node) const { return node_var(node, "groups"); }
std::string ProgramEmitter::acc_var(int node) const { return node_var(node, "acc"); }
std::string ProgramEmitter::count_var(int node) const { return node_var(node, "count"); }
std::string ProgramEmitter::state_ref(int node) const { return "(*" + node_var(node, "state") + ")"; }
std::string ProgramEmitter::window_in_var(int node) const { return node_var(node, "window_in"); }

// A join of two streams collects each side's new rows, then its output.
void ProgramEmitter::declare_join_sides(int node) {
  const Node& n = prog_.nodes[node];
  for (int side = 0; side < 2; ++side)
    out_ += fmt::format("      std::vector<{}> {}{{}};\n", types_.of(prog_.nodes[n.inputs[side]].type),
                        node_var(node, side == 0 ? "new_left" : "new_right"));
  out_ += fmt::format("      std::vector<{}> {}{{}};\n", types_.of(n.type), node_var(node));
}

// ---- before the stages -------------------------------------------------------------

// reduce_by_key's and reduce's function; reduce_by_key_and_window with an
// inverse: its window combines entering partials with `combine` and takes
// leaving ones out with `inverse`.
void ProgramEmitter::combine_functions(int node) {
  const Node& n = prog_.nodes[node];
  const bool incremental = n.op == Node::Op::BatchWindow && n.inverse_fn;
  if (n.op == Node::Op::BatchWindow && !incremental) return;
  TypeRef v = n.op == Node::Op::Reduce ? n.type : n.type->elements[1];
  std::string t = types_.of(v);
  auto lambda = [&](const char* name, const ast::Expr& fn) {
    out_ += fmt::format("      auto {} = [&](const {} a, const {} b) -> {} {{ return {}; }};\n", node_var(node, name),
                        t, t, t, expr_.apply_code(fn, {Value::concrete(v, "a"), Value::concrete(v, "b")}, "arena", v));
  };
  lambda("combine", *n.fn);
  if (incremental) lambda("inverse", *n.inverse_fn);
}

void ProgramEmitter::sum_counts(int node) {
  out_ += fmt::format("      auto {} = [](int64_t a, int64_t b) -> int64_t {{ return a + b; }};\n",
                      node_var(node, "combine"));
}

// update_state_by_key and map_groups_with_state gather a key's values (rows) of the batch.
void ProgramEmitter::concat_values(int node) {
  const Node& n = prog_.nodes[node];
  std::string vs = fmt::format(
      "std::vector<{}>",
      types_.of(n.op == Node::Op::MapGroupsWithState ? n.group_state.row : prog_.nodes[n.inputs[0]].type->elements[1]));
  out_ +=
      fmt::format("      auto {0} = []({1} a, {1} b) -> {1} {{ a.insert(a.end(), b.begin(), b.end()); return a; }};\n",
                  node_var(node, "combine"), vs);
}

// ---- narrow kinds: a step of a stage's loop ---------------------------------------

// A source's record as a row: decoded fields (emit_decoder.cpp), a
// generated row from the batch's range, or a Kafka record's parts.
Value ProgramEmitter::step_decode(Loop&, int id, Value cur) {
  const Node& n = prog_.nodes[id];
  if (prog_.sources[n.source].connector == sema::Connector::Generate) {
    cur = Value::virtual_record(
        n.type,
        {{"timestamp", Value::concrete(sema::types::timestamp(), generated_in_ + ".time(static_cast<int64_t>(i))")},
         {"value", Value::concrete(sema::types::integer(), generated_in_ + ".value(static_cast<int64_t>(i))")}});
  } else if (prog_.sources[n.source].kafka_raw) {
    // Spark's Kafka record: the value is the record, the rest is the batch's message metadata.
    const std::string m = "batch.kafka_message(" + source_var(n.source) + ", i)";
    cur = Value::virtual_record(
        n.type, {{"key", Value::concrete(sema::types::optional(sema::types::string()), m + ".key")},
                 {"value", Value::concrete(sema::types::string(), cur.code)},
                 {"topic", Value::concrete(sema::types::string(), m + ".topic")},
                 {"partition", Value::concrete(sema::types::integer(), "static_cast<int64_t>(" + m + ".partition)")},
                 {"offset", Value::concrete(sema::types::integer(), m + ".offset")},
                 {"timestamp", Value::concrete(sema::types::timestamp(), m + ".timestamp")}});
  } else {
    cur = source_row(n.source);
  }
  return cur;
}

Value ProgramEmitter::step_map(Loop& loop, int id, Value cur) {
  const Node& n = prog_.nodes[id];
  Value v = expr_.apply(*n.fn, {cur}, "arena");
  if (v.is_virtual()) {
    // A record built by map stays virtual; computed fields are
    // evaluated once, into locals.
    Fields fields;
    for (auto& [name, fv] : *v.fields) {
      if (fv.is_virtual()) {
        fields.emplace_back(name, fv);
        continue;
      }
      std::string local = row_var(id, name);
      loop.out += fmt::format("{}const auto& {} = {};\n", loop.indent, local, expr_.materialize(fv));
      fields.emplace_back(name, Value::concrete(fv.type, local));
    }
    cur = Value::virtual_record(n.type, std::move(fields));
  } else {
    std::string next = row_var(id);
    loop.out += fmt::format("{}const {} {} = {};\n", loop.indent, expr_.cpp(n.type), next,
                            expr_.convert(expr_.materialize(v), v.type, n.type));
    cur = Value::concrete(n.type, next);
  }
  return cur;
}

Value ProgramEmitter::step_drop_duplicates(Loop& loop, int id, Value cur) {
  const Node& n = prog_.nodes[id];
  std::string key;
  if (n.exprs.empty()) {
    key = expr_.materialize(cur);
  } else {
    key = "std::make_tuple(";
    for (size_t k = 0; k < n.exprs.size(); ++k)
      key += (k ? ", " : "") + expr_.materialize(expr_.row_value(*n.exprs[k], cur, "arena"));
    key += ")";
  }
  if (n.dedup_event_time.empty()) {
    loop.out += fmt::format("{}if (!{}->insert({})) continue;\n", loop.indent, node_var(id, "seen"), key);
    return cur;
  }
  // Spark drops rows at or below the watermark before deduplicating.
  std::string ts = row_var(id, "ts");
  loop.out += fmt::format("{}const int64_t {} = {}.micros;\n", loop.indent, ts,
                          expr_.materialize(expr_.field(cur, n.dedup_event_time)));
  loop.out += fmt::format("{}if ({} <= {}) {{ ++late_rows; continue; }}\n", loop.indent, ts, node_var(id, "wm_now"));
  loop.out += fmt::format("{}if (!{}->insert({}, {} + {})) continue;\n", loop.indent, node_var(id, "seen"), key, ts,
                          n.delay_us);
  return cur;
}

Value ProgramEmitter::step_join(Loop& loop, int id, Value cur) {
  const Node& n = prog_.nodes[id];
  // Each matching table row continues the chain; a left join continues
  // once with nulls when nothing matches.
  const auto& table = prog_.sources[n.table];
  std::string key = expr_.materialize(expr_.field(cur, n.stream_key));
  std::string matches = row_var(id, "matches"), count = row_var(id, "count"), m = row_var(id, "m"),
              trow = row_var(id, "table_row"), table_var = source_var(n.table);
  loop.out +=
      fmt::format("{0}const auto {1}_it = {2}->by_{3}.find({4});\n", loop.indent, matches, table_var, n.table_key, key);
  loop.out +=
      fmt::format("{0}const std::vector<uint32_t>* {1} = {1}_it == {2}->by_{3}.end() ? nullptr : &{1}_it->second;\n",
                  loop.indent, matches, table_var, n.table_key);
  loop.out += fmt::format("{}const size_t {} = {} ? {}->size() : 0;\n", loop.indent, count, matches, matches);
  std::string limit = n.left_join ? fmt::format("std::max<size_t>({}, 1)", count) : count;
  loop.out += fmt::format("{0}for (size_t {1} = 0; {1} < {2}; ++{1}) {{\n", loop.indent, m, limit);
  loop.indent += "  ";
  ++loop.closers;
  loop.out += fmt::format("{0}const {1}* {2} = {3} < {4} ? &{5}->rows[(*{6})[{3}]] : nullptr;\n", loop.indent,
                          types_.of(table.element), trow, m, count, table_var, matches);
  if (!n.left_join) loop.out += fmt::format("{}(void){};\n", loop.indent, trow);
  Fields fields;
  for (const auto& name : cur.type->fields) fields.emplace_back(name, expr_.field(cur, name));
  const TypeRef& tt = table.element;
  for (size_t f = 0; f < tt->fields.size(); ++f) {
    const std::string& name = tt->fields[f];
    if (name == n.table_key && n.table_key == n.stream_key) continue;
    if (!n.left_join) {
      fields.emplace_back(name, Value::concrete(tt->elements[f], trow + "->" + member(name)));
    } else {
      TypeRef ot = sema::types::optional(tt->elements[f]);
      std::string inner = tt->elements[f]->is(K::Optional)
                              ? trow + "->" + member(name)
                              : fmt::format("{}({}->{})", types_.of(ot), trow, member(name));
      fields.emplace_back(name, Value::concrete(ot, fmt::format("({} ? {} : {}())", trow, inner, types_.of(ot))));
    }
  }
  cur = Value::virtual_record(n.type, std::move(fields));
  return cur;
}

Value ProgramEmitter::step_watermark(Loop& loop, int id, Value cur) {
  const Node& n = prog_.nodes[id];
  loop.out += fmt::format("{}{}->observe({});\n", loop.indent, node_var(id, "watermark"),
                          expr_.materialize(expr_.row_value(*n.exprs[0], cur, "arena")));
  return cur;
}

Value ProgramEmitter::step_filter(Loop& loop, int id, Value cur) {
  const Node& n = prog_.nodes[id];
  loop.out += fmt::format("{}if (!({})) continue;\n", loop.indent,
                          expr_.apply_code(*n.fn, {cur}, "arena", sema::types::boolean()));
  return cur;
}

Value ProgramEmitter::step_flat_map(Loop& loop, int id, Value cur) {
  const Node& n = prog_.nodes[id];
  std::string next = row_var(id);
  std::string range = expr_.flat_map_range(*n.fn, cur, "arena");
  loop.out += fmt::format("{}for (const {} {} : {}) {{\n", loop.indent,
                          n.type->is(K::String) ? std::string("std::string_view") : "auto&", next, range);
  loop.indent += "  ";
  ++loop.closers;
  cur = Value::concrete(n.type, next);
  return cur;
}

Value ProgramEmitter::step_explode(Loop& loop, int id, Value cur) {
  const Node& n = prog_.nodes[id];
  const ast::Expr& alias = *n.exprs[0];
  std::string list = expr_.materialize(expr_.row_value(*alias.children[0], cur, "arena"));
  std::string next = row_var(id);
  loop.out += fmt::format("{}for (const auto& {} : {}) {{\n", loop.indent, next, list);
  loop.indent += "  ";
  ++loop.closers;
  Fields fields;
  for (const auto& name : n.type->fields) {
    if (name == alias.text) {
      fields.emplace_back(name, Value::concrete(prog_.type_of(alias), next));
    } else {
      fields.emplace_back(name, expr_.field(cur, name));
    }
  }
  cur = Value::virtual_record(n.type, std::move(fields));
  return cur;
}

// The output's columns in its type's order: those an expression makes
// (`r.*` makes the record's fields), and the others taken from the row as
// they are (`*`; the columns drop and with_column keep).
Value ProgramEmitter::step_select(Loop& loop, int id, Value cur) {
  const Node& n = prog_.nodes[id];
  Fields made;
  for (const ast::Expr* e : n.exprs) {
    if (e->kind == ast::ExprKind::Star) continue;
    if (e->kind == ast::ExprKind::FieldStar) {
      Value rec = expr_.row_value(*e->children[0], cur, "arena");
      for (const auto& name : rec.type->fields) made.emplace_back(name, expr_.field(rec, name));
      continue;
    }
    const ast::Expr& value = e->kind == ast::ExprKind::Alias ? *e->children[0] : *e;
    const std::string& name = e->text;
    Value v = expr_.row_value(value, cur, "arena");
    if (!v.is_virtual() && value.kind != ast::ExprKind::Name && value.kind != ast::ExprKind::Field) {
      std::string local = row_var(id, name);
      loop.out += fmt::format("{}const auto& {} = {};\n", loop.indent, local, expr_.materialize(v));
      v = Value::concrete(v.type, local);
    }
    made.emplace_back(name, v);
  }
  Fields fields;
  for (const auto& name : n.type->fields) {
    auto it = std::find_if(made.begin(), made.end(), [&](const auto& m) { return m.first == name; });
    fields.emplace_back(name, it != made.end() ? it->second : expr_.field(cur, name));
  }
  // Column types as the checker computed them (e.g. null literals).
  for (size_t k = 0; k < fields.size() && k < n.type->elements.size(); ++k)
    if (!sema::same_type(fields[k].second.type, n.type->elements[k]) && !fields[k].second.is_virtual())
      fields[k].second = Value::concrete(
          n.type->elements[k],
          expr_.convert(expr_.materialize(fields[k].second), fields[k].second.type, n.type->elements[k]));
  cur = Value::virtual_record(n.type, std::move(fields));
  return cur;
}

// ---- in a stage's loop: each row into the target ------------------------------------

void ProgramEmitter::emit_target_action(int target, const Value& cur, std::string& out, const std::string& indent) {
  const Node& t = prog_.nodes[target];
  if (auto f = node_codegen(t.op).action) {
    (this->*f)(target, cur, out, indent);
    return;
  }
  out += fmt::format("{}target.push_back({});\n", indent, expr_.convert(expr_.materialize(cur), cur.type, t.type));
}

void ProgramEmitter::act_reduce_by_key(int target, const Value& cur, std::string& out, const std::string& indent) {
  std::string v = expr_.materialize(cur);
  out += fmt::format("{}target.upsert(std::get<0>({}), std::get<1>({}), {});\n", indent, v, v,
                     node_var(target, "combine"));
}

void ProgramEmitter::act_count_by_value(int target, const Value& cur, std::string& out, const std::string& indent) {
  out += fmt::format("{}target.upsert({}, int64_t{{1}}, {});\n", indent, expr_.materialize(cur),
                     node_var(target, "combine"));
}

void ProgramEmitter::act_reduce(int target, const Value& cur, std::string& out, const std::string& indent) {
  out += fmt::format("{0}if (target) target = {1}(*target, {2}); else target.emplace({2});\n", indent,
                     node_var(target, "combine"), expr_.materialize(cur));
}

void ProgramEmitter::act_count(int, const Value&, std::string& out, const std::string& indent) {
  out += fmt::format("{}++target;\n", indent);
}

void ProgramEmitter::act_update_state_by_key(int target, const Value& cur, std::string& out,
                                             const std::string& indent) {
  std::string v = expr_.materialize(cur);
  out += fmt::format("{}target.upsert(std::get<0>({}), {{std::get<1>({})}}, {});\n", indent, v, v,
                     node_var(target, "combine"));
}

void ProgramEmitter::act_map_groups_with_state(int target, const Value& cur, std::string& out,
                                               const std::string& indent) {
  const Node& t = prog_.nodes[target];
  // Spark drops rows older than the watermark before an event-time timeout's function.
  const auto& gs = t.group_state;
  if (!gs.event_time.empty()) {
    Value ts = expr_.field(cur, gs.event_time);
    out += fmt::format("{}if ({}.micros <= {}) {{ ++late_rows; continue; }}\n", indent, expr_.materialize(ts),
                       node_var(target, "wm_now"));
  }
  out += fmt::format("{}target.upsert({}, {{{}}}, {});\n", indent, group_state_key(target, cur),
                     expr_.convert(expr_.materialize(cur), cur.type, gs.row), node_var(target, "combine"));
}

// Each aggregate of `t` takes the row's value into the accumulators `st`.
// Nulls are skipped by every aggregate but first and last, which keep them
// (Spark's default ignoreNulls = false).
void ProgramEmitter::emit_accumulator_adds(int target, const Value& cur, const std::string& st, std::string& out,
                                           const std::string& ind) {
  const Node& t = prog_.nodes[target];
  for (size_t a = 0; a < t.aggs.size(); ++a) {
    const auto& agg = t.aggs[a];
    if (!agg.arg) {
      out += fmt::format("{}{}.a{}.add();\n", ind, st, a);
      continue;
    }
    Value v = expr_.row_value(*agg.arg, cur, "arena");
    std::string code = expr_.materialize(v);
    if (agg.merges && agg.function == "count") {  // a partial count is added, not counted
      out += fmt::format("{}{}.a{}.add_partial({});\n", ind, st, a, code);
      continue;
    }
    if (agg.merges && agg.count) {  // avg: a batch's sum and count (a sum is null only without values)
      std::string n = expr_.materialize(expr_.row_value(*agg.count, cur, "arena"));
      std::string sum = v.type->is(K::Optional) ? "*" + code : code;
      out += fmt::format("{}if ({} > 0) {}.a{}.add_partial({}, {});\n", ind, n, st, a, sum, n);
      continue;
    }
    if (v.type->is(K::Optional) && agg.function != "first" && agg.function != "last") {
      std::string local = row_var(target, fmt::format("arg{}", a));
      out += fmt::format("{}if (const auto& {} = {}) {}.a{}.add(*{});\n", ind, local, code, st, a, local);
    } else {
      out += fmt::format("{}{}.a{}.add({});\n", ind, st, a, code);
    }
  }
}

void ProgramEmitter::act_aggregate(int target, const Value& cur, std::string& out, const std::string& indent) {
  const Node& t = prog_.nodes[target];
  std::string ind = indent;
  std::string window;
  // Spark: watermarks do not apply to complete mode, whose result table
  // keeps every group; a late row still counts there.
  bool drops_late = plan_.drops_late[target];
  if (t.session_window) {
    std::string ts = row_var(target, "ts");
    out += fmt::format("{}const int64_t {} = {}.micros;\n", ind, ts,
                       expr_.materialize(expr_.row_value(*t.window_time, cur, "arena")));
    if (drops_late)
      out += fmt::format("{}if ({} + {} <= {}) {{ ++late_rows; continue; }}\n", ind, ts, t.window_size_us,
                         node_var(target, "wm_now"));
    std::string key = "std::make_tuple(";
    bool first = true;
    for (size_t k = 0; k < t.exprs.size(); ++k) {
      if (static_cast<int>(k) == t.window_key) continue;
      const ast::Expr& e = *t.exprs[k];
      const ast::Expr& value = e.kind == ast::ExprKind::Alias ? *e.children[0] : e;
      Value v = expr_.row_value(value, cur, "arena");
      key += (first ? "" : ", ") + expr_.convert(expr_.materialize(v), v.type, t.type->elements[k]);
      first = false;
    }
    key += ")";
    std::string st = row_var(target, "acc");
    out += fmt::format("{}auto& {} = target.upsert({}).add({}, {});\n", ind, st, key, ts, t.window_size_us);
    emit_accumulator_adds(target, cur, st, out, ind);
    return;
  }
  if (t.window_key >= 0) {
    // Every window covering the row's event time; a window that ends at
    // or before the watermark is closed, and the row is late for it.
    std::string ts = row_var(target, "ts");
    window = row_var(target, "window");
    includes_.use(Includes::EventTime);  // rt::first_window, rt::last_window
    out += fmt::format("{}const int64_t {} = {}.micros;\n", ind, ts,
                       expr_.materialize(expr_.row_value(*t.window_time, cur, "arena")));
    out += fmt::format(
        "{0}for (int64_t k = rt::first_window({1}, {2}, {3}), k_last = rt::last_window({1}, {3}); k <= k_last; ++k) "
        "{{\n",
        ind, ts, t.window_size_us, t.window_slide_us);
    ind += "  ";
    std::string wt = types_.of(t.type->elements[t.window_key]);
    out += fmt::format("{}const {} {}{{rt::Timestamp{{k * {}}}, rt::Timestamp{{k * {} + {}}}}};\n", ind, wt, window,
                       t.window_slide_us, t.window_slide_us, t.window_size_us);
    if (drops_late)
      out += fmt::format("{}if ({}.{}.micros <= {}) {{ ++late_rows; continue; }}\n", ind, window, member("end"),
                         node_var(target, "wm_now"));
  }
  std::string key = "std::make_tuple(";
  for (size_t k = 0; k < t.exprs.size(); ++k) {
    if (static_cast<int>(k) == t.window_key) {
      key += (k ? ", " : "") + window;
      continue;
    }
    const ast::Expr& e = *t.exprs[k];
    const ast::Expr& value = e.kind == ast::ExprKind::Alias ? *e.children[0] : e;
    Value v = expr_.row_value(value, cur, "arena");
    key += (k ? ", " : "") + expr_.convert(expr_.materialize(v), v.type, t.type->elements[k]);
  }
  key += ")";
  std::string st = row_var(target, "acc");
  out += fmt::format("{}auto& {} = target.upsert({});\n", ind, st, key);
  emit_accumulator_adds(target, cur, st, out, ind);
  if (t.window_key >= 0) out += indent + "}\n";
}

void ProgramEmitter::act_stream_join(int target, const Value& cur, std::string& out, const std::string& indent) {
  const Node& t = prog_.nodes[target];
  const TypeRef& side = prog_.nodes[t.inputs[stage_input_]].type;
  out += fmt::format("{}target.push_back({});\n", indent, expr_.convert(expr_.materialize(cur), cur.type, side));
}

// ---- after a stage -------------------------------------------------------------------

// Partitions' containers `locals` into `tv`.
void ProgramEmitter::merge_keyed(int target, const std::string& tv) {
  out_ += fmt::format("          for (auto& local : locals) {}.merge(std::move(local), {});\n", tv,
                      node_var(target, "combine"));
}

void ProgramEmitter::merge_reduce(int target, const std::string& tv) {
  out_ += fmt::format(
      "          for (auto& local : locals)\n            if (local) {0} = {0} ? {1}(*{0}, *local) : *local;\n", tv,
      node_var(target, "combine"));
}

void ProgramEmitter::merge_count(int, const std::string& tv) {
  out_ += fmt::format("          for (auto local : locals) {} += local;\n", tv);
}

// A DStream window takes the batch's rows; when it slides, its contents are the node's rows.
void ProgramEmitter::finish_window(const plan::Stage& stage) {
  const Node& target = prog_.nodes[stage.target];
  const std::string tv = stage_target_var(stage);
  if (target.inverse_fn)  // reduce_by_key_and_window with an inverse (combine_functions)
    out_ += fmt::format("      const bool {} = {}->add({}, {}, {});\n", node_var(stage.target, "active"),
                        node_var(stage.target, "window"), tv, node_var(stage.target, "combine"),
                        node_var(stage.target, "inverse"));
  else
    out_ += fmt::format("      const bool {} = {}->add({});\n", node_var(stage.target, "active"),
                        node_var(stage.target, "window"), tv);
  out_ += fmt::format("      if ({}) {}->for_each([&](const auto& e) {{ {}.push_back(e); }});\n",
                      node_var(stage.target, "active"), node_var(stage.target, "window"), node_var(stage.target));
}

// ---- after all stages ------------------------------------------------------------------

void ProgramEmitter::end_reduce(int node) {
  out_ += fmt::format("      if ({0}) {1}.push_back(std::move(*{0}));\n", node_var(node, "acc"), node_var(node));
}

void ProgramEmitter::end_count(int node) {
  out_ += fmt::format("      {}.push_back({});\n", node_var(node), node_var(node, "count"));
}

// drop_duplicates under a watermark forgets the keys it has passed.
void ProgramEmitter::end_drop_duplicates(int node) {
  if (!prog_.nodes[node].dedup_event_time.empty())
    out_ += fmt::format("      {}->evict({});\n", node_var(node, "seen"), node_var(node, "wm_now"));
}

}  // namespace streamc::codegen
