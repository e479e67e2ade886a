// Structured records: schemas, JSON/CSV source options, select, explode,
// and running aggregations (group_by |> aggregate).
#include <algorithm>
#include <filesystem>

#include "sema/checker.hpp"
#include "sema/infer_schema.hpp"
#include "sema/registry.hpp"

namespace streamc::sema {

using ast::Decl;
using ast::Expr;
using ast::ExprKind;
using K = Type::Kind;

bool Checker::windowed_with_watermark(int node) const {
  const Node& n = result_.nodes[node];
  if (n.op == Node::Op::Aggregate) return n.window_key >= 0 && !n.watermarks.empty();
  for (int in : n.inputs)
    if (stateful(in)) return windowed_with_watermark(in);
  return false;
}

bool Checker::stateful(int node) const {
  const Node& n = result_.nodes[node];
  if (n.op == Node::Op::Aggregate) return true;
  for (int in : n.inputs)
    if (stateful(in)) return true;
  return false;
}

// The mark of a schema being checked (a schema that uses itself meets it).
TypeRef Checker::schema_in_progress() {
  static const TypeRef mark = std::make_shared<Type>();  // an error type, but not the shared one
  return mark;
}

void Checker::check_schema(const Decl& d) {
  auto& entry = names_[d.name.name];
  if (entry.type) return;  // checked already, where another schema used it
  entry.type = schema_in_progress();
  TypeRef t;
  if (d.type) {
    t = resolve_type(*d.type);
    if (!t->is_error() && !t->is(K::Record)) {
      diags_.error(d.type->range, "a schema is a record type: schema " + d.name.name + " { field: type, … }");
      t = types::error();
    }
    if (!t->is_error()) t = types::record(t->fields, t->elements, d.name.name);
  } else if (d.value && d.value->kind == ExprKind::Call && d.value->callee_name() == "infer") {
    const Expr& call = *d.value;
    if (call.args.size() != 1 || !call.args[0].name.name.empty() || call.args[0].value->kind != ExprKind::StringLit) {
      diags_.error(call.range, "infer takes the path of a sample file: infer(\"samples/bus.json\")");
      t = types::error();
    } else {
      std::filesystem::path sample(call.args[0].value->text);
      if (sample.is_relative()) sample = std::filesystem::path(file_.path()).parent_path() / sample;
      t = infer_schema(sample.string(), SampleFormat::Auto, d.name.name, diags_, call.args[0].value->range);
    }
  } else {
    diags_.error(d.range, "a schema is either { field: type, … } or infer(\"sample.json\")");
    t = types::error();
  }
  names_[d.name.name].type = t;
  if (!t->is_error()) result_.schemas.emplace_back(d.name.name, t);
  (void)entry;
}

bool Checker::source_record_options(const Expr& call, SourceInfo& s) {
  const Expr* schema = named_arg(call, "schema");
  if (s.format == DataFormat::Text) {
    if (schema) {
      diags_.error(schema->range, "a text source has lines, not records; use format: json or format: csv with a schema");
      return false;
    }
  } else {
    if (!schema) {
      diags_.error(call.range, std::string("format: ") + (s.format == DataFormat::Json ? "json" : "csv") +
                                   " needs a schema: …, schema: Name)");
      return false;
    }
    auto it = names_.find(schema->kind == ExprKind::Name ? schema->text : "");
    if (schema->kind != ExprKind::Name || it == names_.end() || it->second.kind != NameKind::Schema) {
      std::vector<std::string> candidates;
      for (const auto& [name, entry] : names_)
        if (entry.kind == NameKind::Schema) candidates.push_back(name);
      std::string near = schema->kind == ExprKind::Name ? closest_name(schema->text, candidates) : "";
      diags_.error(schema->range, "schema: needs the name of a schema declared earlier" +
                                      (near.empty() ? std::string() : "; did you mean " + q(near) + "?"));
      return false;
    }
    if (!it->second.type || it->second.type->is_error()) return false;  // reported at the schema
    if (it->second.decl->range.begin > call.range.begin) {
      diags_.error(schema->range, "schema " + q(schema->text) + " is declared later; declare it before its use");
      return false;
    }
    if (s.format == DataFormat::Csv) {
      const TypeRef& t = it->second.type;
      for (size_t i = 0; i < t->fields.size(); ++i) {
        TypeRef ft = t->elements[i]->is(K::Optional) ? t->elements[i]->elements[0] : t->elements[i];
        if (ft->is(K::Record) || ft->is(K::List) || ft->is(K::Tuple)) {
          diags_.error(schema->range, "a csv record is flat, but field " + q(t->fields[i]) + " of schema " +
                                          q(schema->text) + " is " + to_string(t->elements[i]));
          return false;
        }
      }
    }
    s.schema = schema->text;
    s.element = it->second.type;
    record(*schema, s.element);
  }
  if (const Expr* d = named_arg(call, "delimiter")) {
    if (d->kind != ExprKind::StringLit || d->text.size() != 1 || s.format != DataFormat::Csv) {
      diags_.error(d->range, "delimiter is one character of a csv source, e.g. delimiter: \";\"");
      return false;
    }
    s.csv_delimiter = d->text[0];
    record(*d, types::string());
  }
  if (const Expr* h = named_arg(call, "header")) {
    if (h->kind != ExprKind::BoolLit || s.format != DataFormat::Csv) {
      diags_.error(h->range, "header is true or false, for a csv source");
      return false;
    }
    s.csv_header = h->bool_value;
    record(*h, types::boolean());
  }
  if (const Expr* m = named_arg(call, "multiline")) {
    if (m->kind != ExprKind::BoolLit || s.format != DataFormat::Json) {
      diags_.error(m->range, "multiline is true or false, for a json source");
      return false;
    }
    s.multiline = m->bool_value ? 1 : 0;
    record(*m, types::boolean());
  }
  if (const Expr* e = named_arg(call, "errors")) {
    if (check_startup_expr(*e, types::string(), "errors (a directory for rejected records)")->is_error()) return false;
    s.errors_path = e;
  }
  return true;
}

// An operator on records (select, explode, drop, with_column): its input
// must be a stream of records, its arguments positional.
bool Checker::records_in(int input, const Expr& op, const std::string& name) {
  TypeRef in = result_.nodes[input].type;
  if (!in->is(K::Record)) {
    diags_.error(op.range, q(name) + " works on a stream of records, but this stream has " + to_string(in) +
                               "; read records with format: json or csv and a schema");
    return false;
  }
  for (const auto& a : op.args)
    if (!a.name.name.empty()) {
      diags_.error(a.name.range, q(name) + " takes no named arguments");
      return false;
    }
  return true;
}

// drop(col, …), Spark's drop: the input's columns but the named ones, each
// of which must be one. A select node whose columns come from the row.
int Checker::check_drop(int input, const Expr& op, const std::string& name, Node n) {
  if (!records_in(input, op, name)) return -1;
  TypeRef in = result_.nodes[input].type;
  if (op.args.empty()) {
    diags_.error(op.range, "drop needs the columns to drop: drop(a, b)");
    return -1;
  }
  std::vector<bool> dropped(in->fields.size(), false);
  for (const auto& a : op.args) {
    const Expr& e = *a.value;
    if (e.kind != ExprKind::Name) {
      diags_.error(e.range, "drop takes the names of columns: drop(a, b)");
      return -1;
    }
    auto it = std::find(in->fields.begin(), in->fields.end(), e.text);
    if (it == in->fields.end()) {
      std::string near = closest_name(e.text, in->fields);
      diags_.error(e.range, "no column " + q(e.text) + " to drop in " + to_string(in) +
                                (near.empty() ? "" : "; did you mean " + q(near) + "?"));
      return -1;
    }
    const auto i = static_cast<size_t>(it - in->fields.begin());
    if (dropped[i]) {
      diags_.error(e.range, "column " + q(e.text) + " is dropped twice");
      return -1;
    }
    dropped[i] = true;
    record(e, in->elements[i]);
  }
  std::vector<std::string> names;
  std::vector<TypeRef> field_types;
  for (size_t i = 0; i < in->fields.size(); ++i)
    if (!dropped[i]) {
      names.push_back(in->fields[i]);
      field_types.push_back(in->elements[i]);
    }
  if (names.empty()) {
    diags_.error(op.range, "drop would leave no column: a stream of records needs one");
    return -1;
  }
  n.op = Node::Op::Select;
  n.type = types::record(names, field_types);
  return add_node(std::move(n));
}

// with_column(e as name, …), Spark's withColumn(s): the input's columns,
// each named one replaced in place by its expression, a new name added
// after them; every expression reads the input row. A select node of the
// expressions, the other columns from the row.
int Checker::check_with_column(int input, const Expr& op, const std::string& name, Node n) {
  if (!records_in(input, op, name)) return -1;
  TypeRef in = result_.nodes[input].type;
  if (op.args.empty()) {
    diags_.error(op.range, "with_column needs a column: with_column(price * qty as amount)");
    return -1;
  }
  std::vector<std::string> names = in->fields;
  std::vector<TypeRef> field_types = in->elements;
  std::vector<std::string> made;
  Scope scope;
  for (const auto& a : op.args) {
    const Expr& e = *a.value;
    if (e.kind != ExprKind::Alias) {
      diags_.error(e.range, "name the column: with_column(… as name)");
      return -1;
    }
    if (std::find(made.begin(), made.end(), e.text) != made.end()) {
      diags_.error(e.name_range, "column " + q(e.text) + " is made twice");
      return -1;
    }
    made.push_back(e.text);
    TypeRef t = check_row_expr(*e.children[0], in, scope);
    if (t->is_error()) return -1;
    if (t->is(K::Null)) t = types::optional(types::string());
    record(e, t);
    auto it = std::find(names.begin(), names.end(), e.text);
    if (it != names.end())
      field_types[static_cast<size_t>(it - names.begin())] = t;
    else {
      names.push_back(e.text);
      field_types.push_back(t);
    }
    n.exprs.push_back(&e);
  }
  n.op = Node::Op::Select;
  n.type = types::record(names, field_types);
  return add_node(std::move(n));
}

int Checker::apply_record_operator(int input, const Expr& op, const std::string& name, Node n) {
  if (!records_in(input, op, name)) return -1;
  TypeRef in = result_.nodes[input].type;
  const std::vector<ast::Arg>& args = op.args;
  Scope scope;
  std::vector<std::string> names;
  std::vector<TypeRef> field_types;
  auto add_column = [&](const std::string& col, TypeRef t, SourceRange where) {
    if (std::find(names.begin(), names.end(), col) != names.end()) {
      diags_.error(where, "column " + q(col) + " appears twice in the result");
      return false;
    }
    names.push_back(col);
    field_types.push_back(std::move(t));
    return true;
  };
  if (name == "explode") {
    if (args.size() != 1 || args[0].value->kind != ExprKind::Alias) {
      diags_.error(op.range, "explode takes one list and a name for its elements: explode(items as item)");
      return -1;
    }
    const Expr& alias = *args[0].value;
    TypeRef list = check_row_expr(*alias.children[0], in, scope);
    if (list->is_error()) return -1;
    if (!list->is(K::List)) {
      diags_.error(alias.children[0]->range, "explode needs a list, found " + to_string(list));
      return -1;
    }
    record(alias, list->elements[0]);
    for (size_t i = 0; i < in->fields.size(); ++i)
      if (in->fields[i] != alias.text) add_column(in->fields[i], in->elements[i], op.range);
    add_column(alias.text, list->elements[0], alias.name_range);
    n.op = Node::Op::Explode;
    n.exprs = {&alias};
    n.type = types::record(names, field_types);
    return add_node(std::move(n));
  }
  // select
  if (args.empty()) {
    diags_.error(op.range, "select needs at least one column: select(a, b.c as d, *)");
    return -1;
  }
  for (const auto& a : args) {
    const Expr& e = *a.value;
    if (e.kind == ExprKind::Star) {
      for (size_t i = 0; i < in->fields.size(); ++i)
        if (!add_column(in->fields[i], in->elements[i], e.range)) return -1;
      n.exprs.push_back(&e);
      continue;
    }
    if (e.kind == ExprKind::FieldStar) {
      TypeRef t = check_row_expr(*e.children[0], in, scope);
      if (t->is_error()) return -1;
      if (!t->is(K::Record)) {
        diags_.error(e.range, "'.*' needs a record, found " + to_string(t));
        return -1;
      }
      record(e, t);
      for (size_t i = 0; i < t->fields.size(); ++i)
        if (!add_column(t->fields[i], t->elements[i], e.range)) return -1;
      n.exprs.push_back(&e);
      continue;
    }
    const Expr& value = e.kind == ExprKind::Alias ? *e.children[0] : e;
    std::string col = e.kind == ExprKind::Alias ? e.text : implicit_name(e);
    if (col.empty()) {
      diags_.error(e.range, "name this column: select(… as name)");
      return -1;
    }
    TypeRef t = check_row_expr(value, in, scope);
    if (t->is_error()) return -1;
    if (t->is(K::Null)) t = types::optional(types::string());
    record(e, t);
    if (!add_column(col, t, e.kind == ExprKind::Alias ? e.name_range : e.range)) return -1;
    n.exprs.push_back(&e);
  }
  n.op = Node::Op::Select;
  n.type = types::record(names, field_types);
  return add_node(std::move(n));
}

// The key columns of `on:` on each side: `key` (both sides' column) or
// `(a, b) -> a.k == b.j` (either order of the comparison).
bool Checker::join_keys(const Expr& on, std::string& left, std::string& right) {
  if (on.kind == ExprKind::Name) {
    left = right = on.text;
    return true;
  }
  if (on.kind == ExprKind::Lambda && on.params.size() == 2 && on.children[0]->kind == ExprKind::Binary &&
      on.children[0]->op == ast::Op::Eq) {
    const Expr& eq = *on.children[0];
    auto side = [&](const Expr& e, std::string& param) -> std::string {
      if (e.kind == ExprKind::Field && e.children[0]->kind == ExprKind::Name) {
        param = e.children[0]->text;
        return e.text;
      }
      return {};
    };
    std::string pa, pb;
    std::string fa = side(*eq.children[0], pa), fb = side(*eq.children[1], pb);
    if (pa == on.params[1].name && pb == on.params[0].name) {
      std::swap(fa, fb);
      std::swap(pa, pb);
    }
    if (fa.empty() || fb.empty() || pa != on.params[0].name || pb != on.params[1].name) {
      not_supported(on.range, "a join condition other than (s, t) -> s.key == t.key");
      return false;
    }
    left = fa;
    right = fb;
    return true;
  }
  diags_.error(on.range, "on: is a column both sides have, or (s, t) -> s.key == t.key");
  return false;
}

// join(table, on: key [, kind: inner|left]): each row of the stream with
// the table's rows whose key equals its key (a hash lookup per row, fused
// into the loop). `on:` names a column both sides have, or is a function
// (s, t) -> s.a == t.b.
int Checker::apply_join(int input, const Expr& op, const std::string& /*name*/, Node n) {
  TypeRef in = result_.nodes[input].type;
  const Expr* other = nullptr;
  for (const auto& a : op.args) {
    if (a.name.name.empty()) {
      if (other) {
        diags_.error(a.value->range, "join takes one table: join(table, on: key)");
        return -1;
      }
      other = a.value.get();
    }
  }
  if (!named_args(op, {"on", "kind", "within"}, 1, "join")) return -1;
  if (!other) {
    diags_.error(op.range, "join needs a table: join(ads, on: ad_id)");
    return -1;
  }
  auto it = other->kind == ExprKind::Name ? names_.find(other->text) : names_.end();
  if (it == names_.end() || it->second.kind != NameKind::Table) {
    if (other->kind == ExprKind::Pipe ||
        (it != names_.end() && (it->second.kind == NameKind::Source || it->second.kind == NameKind::Stream)))
      return apply_stream_join(input, op, *other, std::move(n));
    diags_.error(other->range, "join needs a table or a stream declared earlier: table ads = files(…)");
    return -1;
  }
  if (it->second.index < 0) return -1;  // the table had errors
  const SourceInfo& table = result_.sources[it->second.index];
  TypeRef tt = table.element;
  if (!in->is(K::Record)) {
    diags_.error(op.range, "join works on a stream of records, but this stream has " + to_string(in));
    return -1;
  }
  const Expr* on = named_arg(op, "on");
  if (!on) {
    diags_.error(op.range, "join needs its key: join(" + other->text + ", on: key)");
    return -1;
  }
  auto field_type = [](const TypeRef& rec, const std::string& f) -> TypeRef {
    for (size_t i = 0; i < rec->fields.size(); ++i)
      if (rec->fields[i] == f) return rec->elements[i];
    return nullptr;
  };
  if (!join_keys(*on, n.stream_key, n.table_key)) return -1;
  TypeRef ks = field_type(in, n.stream_key), kt = field_type(tt, n.table_key);
  if (!ks || !kt) {
    diags_.error(on->range, "no column " + q(!ks ? n.stream_key : n.table_key) + " in " +
                                (!ks ? "the stream (" + to_string(in) + ")" : "table " + q(other->text) + " (" + to_string(tt) + ")"));
    return -1;
  }
  if (!same_type(ks, kt) || !is_hashable(ks)) {
    diags_.error(on->range, "the join keys differ in type: " + to_string(ks) + " in the stream, " + to_string(kt) +
                                " in table " + q(other->text));
    return -1;
  }
  if (const Expr* kind = named_arg(op, "kind")) {
    if (kind->kind != ExprKind::Name || (kind->text != "inner" && kind->text != "left")) {
      diags_.error(kind->range, "kind is inner or left (a stream-table join keeps every stream row at most)");
      return -1;
    }
    n.left_join = kind->text == "left";
  }
  if (const Expr* within = named_arg(op, "within")) {
    diags_.error(within->range, "within: bounds a join of two streams; a table join needs none");
    return -1;
  }
  std::vector<std::string> names = in->fields;
  std::vector<TypeRef> types = in->elements;
  for (size_t i = 0; i < tt->fields.size(); ++i) {
    if (tt->fields[i] == n.table_key && n.table_key == n.stream_key) continue;
    if (std::find(names.begin(), names.end(), tt->fields[i]) != names.end()) {
      diags_.error(op.range, "column " + q(tt->fields[i]) + " is on both sides of the join; rename one with select first");
      return -1;
    }
    names.push_back(tt->fields[i]);
    types.push_back(n.left_join ? types::optional(tt->elements[i]) : tt->elements[i]);
  }
  n.op = Node::Op::Join;
  n.table = it->second.index;
  n.type = types::record(std::move(names), std::move(types));
  return add_node(std::move(n));
}

// DStream windows over batches: window(size, slide) makes the following
// per-batch operators see the last `size` of data every `slide`;
// count_by_window(size, slide) and reduce_by_key_and_window(f, size, slide)
// are its shorthands, built here from window, count and reduce_by_key: the
// window keeps each batch's partial results and a slide recombines them.
// With an inverse, reduce_by_key_and_window(f, size, slide, inverse) is
// incremental, as in Spark: the window node itself keeps running totals.
int Checker::apply_batch_window(int input, const Expr& op, const std::string& name, Node n) {
  TypeRef in = result_.nodes[input].type;
  std::vector<const Expr*> args;
  for (const auto& a : op.args) {
    if (!a.name.name.empty()) {
      diags_.error(a.name.range, q(name) + " takes no named arguments");
      return -1;
    }
    args.push_back(a.value.get());
  }
  bool reduce = name == "reduce_by_key_and_window";
  size_t first = reduce ? 1 : 0;
  if (args.size() < first + 1 || args.size() > first + (reduce ? 3 : 2)) {
    diags_.error(op.range, name == "window" ? "window takes a size and a slide: window(30s, 10s)"
                           : reduce ? "reduce_by_key_and_window takes a function, a size and a slide: "
                                      "reduce_by_key_and_window((a, b) -> a + b, 30s, 10s)"
                                    : "count_by_window takes a size and a slide: count_by_window(30s, 10s)");
    return -1;
  }
  int64_t size = 0, slide = 0;
  if (!constant_duration(*args[first], "the window size", size)) return -1;
  slide = result_.batch_us;
  if (args.size() > first + 1) {
    if (!constant_duration(*args[first + 1], "the window slide", slide)) return -1;
  }
  Scope scope;
  int cur = input;
  if (reduce) {
    if (!in->is(K::Tuple) || in->elements.size() != 2) {
      diags_.error(op.range, "reduce_by_key_and_window needs a stream of (key, value) pairs, but this stream has " +
                                 to_string(in));
      return -1;
    }
    TypeRef v = in->elements[1];
    for (size_t k : {size_t{0}, size_t{3}}) {
      if (k >= args.size()) continue;
      TypeRef body = check_lambda(*args[k], {v, v}, name, scope);
      if (body->is_error()) return -1;
      if (!same_type(body, v)) {
        diags_.error(args[k]->range, std::string("the ") + (k ? "inverse " : "") + "function must return the value type " +
                                         to_string(v) + ", found " + to_string(body));
        return -1;
      }
    }
    if (!is_hashable(in->elements[0])) {
      diags_.error(op.range, "the key type " + to_string(in->elements[0]) + " cannot be grouped on");
      return -1;
    }
    Node partial;
    partial.op = Node::Op::ReduceByKey;
    partial.inputs = {cur};
    partial.fn = args[0];
    partial.type = in;
    partial.range = op.range;
    cur = add_node(std::move(partial));
  }
  Node w;
  w.op = Node::Op::BatchWindow;
  w.inputs = {cur};
  w.type = result_.nodes[cur].type;
  w.range = op.range;
  w.window_size_us = size;
  w.window_slide_us = slide;
  w.window_slide_is_batch = args.size() == first + 1;
  LineCol at = file_.line_col(op.range.begin);
  w.window_text = std::string(file_.slice(op.range)) + " at " + file_.path() + ":" + std::to_string(at.line) + ":" +
                  std::to_string(at.column);
  bool incremental = reduce && args.size() == 4;
  if (incremental) {
    w.fn = args[0];
    w.inverse_fn = args[3];
  }
  cur = add_node(std::move(w));
  batch_windows_.emplace_back(cur, op.range);
  if (name == "window" || incremental) return cur;
  Node last = std::move(n);
  last.inputs = {cur};
  last.range = op.range;
  if (reduce) {
    last.op = Node::Op::ReduceByKey;
    last.fn = args[0];
    last.type = in;
  } else {
    last.op = Node::Op::Count;
    last.type = types::integer();
  }
  return add_node(std::move(last));
}

bool Checker::group_by_records(const TypeRef& in, const Expr& group_by) {
  if (in->is(K::Record)) return true;
  diags_.error(group_by.range, "group_by works on a stream of records, but this stream has " + to_string(in) +
                                   "; make records first, e.g. map(w -> {word: w})");
  return false;
}

int Checker::apply_aggregate(int input, const Expr& group_by, const Expr& call) {
  TypeRef in = result_.nodes[input].type;
  if (stateful(input)) {
    diags_.error(group_by.range, "multiple streaming aggregations are not supported: this stream already comes from one");
    return -1;
  }
  if (group_state_upstream(input) >= 0) {
    not_supported(group_by.range, "a running aggregation of the output of map_groups_with_state");
    return -1;
  }
  if (from_stream_join(input)) {
    not_supported(group_by.range, "a running aggregation of a join of two streams (Spark needs its chained-operator "
                                  "watermark rules for it)");
    return -1;
  }
  if (!group_by_records(in, group_by)) return -1;
  Node n;
  n.op = Node::Op::Aggregate;
  n.inputs = {input};
  n.range = group_by.range;
  Scope scope;
  std::vector<std::string> names;
  std::vector<TypeRef> field_types;
  for (const auto& a : group_by.args) {
    const Expr& e = *a.value;
    if (!a.name.name.empty()) {
      diags_.error(a.name.range, "group_by takes keys, not named arguments");
      return -1;
    }
    const Expr& value = e.kind == ExprKind::Alias ? *e.children[0] : e;
    if (value.kind == ExprKind::Call && (value.callee_name() == "window" || value.callee_name() == "session_window")) {
      // window(ts, size[, slide]): epoch-aligned [start, end) windows;
      // session_window(ts, gap): a group's events closer than `gap` form one
      // session [first event, last event + gap). Either key column is
      // {start: timestamp, end: timestamp}.
      const std::string& kind = value.callee_name();
      bool session = kind == "session_window";
      if (n.window_key >= 0) {
        diags_.error(value.range, "group_by takes one event-time window");
        return -1;
      }
      if (session ? value.args.size() != 2 : (value.args.size() < 2 || value.args.size() > 3)) {
        diags_.error(value.range, session ? "session_window takes a timestamp column and a gap: session_window(ts, 5m)"
                                          : "window takes a timestamp column, a size and an optional slide: window(ts, 10m, 5m)");
        return -1;
      }
      TypeRef ts = check_row_expr(*value.args[0].value, in, scope);
      if (ts->is_error()) return -1;
      if (!ts->is(K::Timestamp)) {
        diags_.error(value.args[0].value->range, kind + " needs a timestamp, found " + to_string(ts));
        return -1;
      }
      int64_t size = 0;
      if (!constant_duration(*value.args[1].value, session ? "the session gap" : "the window size", size)) return -1;
      int64_t slide = size;
      if (value.args.size() == 3 && !constant_duration(*value.args[2].value, "the window slide", slide)) return -1;
      if (slide > size) {
        diags_.error(value.args[2].value->range, "the slide of a window cannot be longer than its size");
        return -1;
      }
      n.window_key = static_cast<int>(n.exprs.size());
      n.session_window = session;
      n.window_time = value.args[0].value.get();
      n.window_size_us = size;
      if (!session) n.window_slide_us = slide;
      TypeRef wt = types::record({"start", "end"}, {types::timestamp(), types::timestamp()});
      std::string col = e.kind == ExprKind::Alias ? e.text : kind;
      record(value, wt);
      record(e, wt);
      names.push_back(col);
      field_types.push_back(wt);
      n.exprs.push_back(&e);
      continue;
    }
    std::string col = e.kind == ExprKind::Alias ? e.text : implicit_name(e);
    if (col.empty()) {
      diags_.error(e.range, "name this key: group_by(… as name)");
      return -1;
    }
    TypeRef t = check_row_expr(value, in, scope);
    if (t->is_error()) return -1;
    bool ok = is_hashable(t) || (t->is(K::Optional) && is_hashable(t->elements[0]));
    if (!ok) {
      diags_.error(value.range, "cannot group by a value of type " + to_string(t) + "; keys must be scalars");
      return -1;
    }
    record(e, t);
    if (std::find(names.begin(), names.end(), col) != names.end()) {
      diags_.error(e.range, "key " + q(col) + " appears twice");
      return -1;
    }
    names.push_back(col);
    field_types.push_back(t);
    n.exprs.push_back(&e);
  }
  if (n.exprs.empty()) {
    diags_.error(group_by.range, "group_by needs at least one key");
    return -1;
  }
  n.watermarks = result_.nodes[input].watermarks;
  if (call.args.empty()) {
    diags_.error(call.range, "aggregate needs at least one aggregate: aggregate(count() as n)");
    return -1;
  }
  for (const auto& a : call.args) {
    const Expr& e = *a.value;
    if (!a.name.name.empty()) {
      diags_.error(a.name.range, "aggregate takes aggregates such as count() as n, not named arguments");
      return -1;
    }
    const Expr& agg = e.kind == ExprKind::Alias ? *e.children[0] : e;
    if (agg.kind != ExprKind::Call || agg.children[0]->kind != ExprKind::Name) {
      diags_.error(agg.range, "expected an aggregate such as count(), sum(x), avg(x), min(x), max(x)");
      return -1;
    }
    const std::string& fn = agg.callee_name();
    const AggregateSpec* spec_of = find_aggregate(fn);
    if (!spec_of) {
      std::vector<std::string> known = names_of(aggregates());
      std::string near = closest_name(fn, known);
      std::string all;
      for (const auto& k : known) all += " " + k;
      diags_.error(agg.children[0]->range, "unknown aggregate " + q(fn) +
                                               (near.empty() ? "; the aggregates are" + all : "; did you mean " + q(near) + "?"));
      return -1;
    }
    Node::Aggregate spec;
    spec.function = fn;
    if (spec_of->argument_optional ? agg.args.size() > 1 : agg.args.size() != 1 || !agg.args[0].name.name.empty()) {
      diags_.error(agg.range, spec_of->argument_optional ? fn + " takes no argument (or one, counting its non-null values)"
                                                         : q(fn) + " takes one argument: " + fn + "(x)");
      return -1;
    }
    TypeRef result;
    if (agg.args.empty()) {
      result = spec_of->result(nullptr);  // count()
    } else {
      spec.arg = agg.args[0].value.get();
      TypeRef t = check_row_expr(*spec.arg, in, scope);
      if (t->is_error()) return -1;
      spec.arg_type = t;
      TypeRef base = t->is(K::Optional) ? t->elements[0] : t;
      if (!spec_of->accepts(base)) {
        diags_.error(spec.arg->range, q(fn) + " " + std::string(spec_of->needs) + ", found " + to_string(t));
        return -1;
      }
      result = spec_of->result(t);
    }
    std::string col = e.kind == ExprKind::Alias ? e.text : fn;
    if (e.kind != ExprKind::Alias && spec.arg && (spec.arg->kind == ExprKind::Name || spec.arg->kind == ExprKind::Field))
      col = fn + "_" + spec.arg->text;
    if (std::find(names.begin(), names.end(), col) != names.end()) {
      diags_.error(e.range, "column " + q(col) + " appears twice in the result; name it with 'as'");
      return -1;
    }
    record(e, result);
    names.push_back(col);
    field_types.push_back(result);
    n.aggs.push_back(std::move(spec));
  }
  n.type = types::record(std::move(names), std::move(field_types));
  n.range = SourceRange::cover(n.range, call.range);
  return add_node(std::move(n));
}

}  // namespace streamc::sema
